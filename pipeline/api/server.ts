import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { MAX_PROPAGATED_HEADER_LENGTH, PROPAGATED_REQUEST_HEADERS } from '../contracts/headers.js';
import { JSON_INPUT_ERRORS, jsonInputErrorText, parseJsonBytes } from '../contracts/json-input.js';
import { boundedText, MAX_ORDER_BYTES } from '../contracts/limits.js';
import { fingerprintOf, IDEMPOTENCY_HEADER, orderIdForKey, parseIdempotencyKey, type IdempotencyLimits } from './idempotency.js';
import { OrderIntake, type OrderSink, type Outcome } from './order-intake.js';
import { orderFromRequest, parseOrderRequest } from './order-request.js';

export type { OrderSink } from './order-intake.js';

/** Seconds a client is asked to wait before it retries a 503 (Retry-After). */
export const RETRY_AFTER_S = 1;

/** The request's headers that travel on with its order; an oversized one is a reason for 400. */
function propagatedHeaders(request: IncomingHttpHeaders): { ok: true; headers: Record<string, string> } | { ok: false; error: string } {
  const headers: Record<string, string> = {};
  for (const name of PROPAGATED_REQUEST_HEADERS) {
    const value = request[name];
    const text = Array.isArray(value) ? value.join(',') : value;
    if (text === undefined) continue;
    if (text.length > MAX_PROPAGATED_HEADER_LENGTH) return { ok: false, error: `header ${name}: longer than ${MAX_PROPAGATED_HEADER_LENGTH} characters` };
    headers[name] = text;
  }
  return { ok: true, headers };
}

export interface OrderApiOptions {
  readonly sink: OrderSink;
  /** How long Kafka may take to acknowledge an order before the client gets 503. */
  readonly sendTimeoutMs: number;
  /** The bounds of the idempotency store (DEFAULT_IDEMPOTENCY_LIMITS). */
  readonly idempotency?: IdempotencyLimits;
  /** The idempotency store's clock. */
  readonly now?: () => number;
}

/** An outcome as the HTTP answer: 202, 422, or 503 saying whether the order may still be published. */
function reply(outcome: Outcome, response: FastifyReply): FastifyReply {
  if (outcome.kind === 'conflict') return response.code(422).send({ error: outcome.reason });
  if (outcome.replayed) void response.header('idempotent-replayed', 'true');
  const { order } = outcome;
  if (outcome.kind === 'acknowledged') return response.code(202).send({ order_id: order.order_id, status: order.status, total_amount: order.total_amount });
  void response.header('retry-after', String(RETRY_AFTER_S));
  if (outcome.kind === 'unknown') return response.code(503).send({ error: `Kafka has not acknowledged the order; it may still be published: ${outcome.reason}`, order_id: order.order_id, published: 'unknown' });
  return response.code(503).send({ error: `Kafka could not take the order; it was not published: ${outcome.reason}`, order_id: order.order_id, published: false });
}

/**
 * POST /order: 202 with the order id; 400 with the reason; 422 for an idempotency key reused with
 * another body; 503 when Kafka has not acknowledged, saying whether the order may still be published.
 * GET /health: 200 when the cluster answers a metadata request now, else 503.
 */
export function buildOrderApi(options: OrderApiOptions): FastifyInstance {
  // The body's size is bounded before it is read whole (the limits of the topic's orders).
  const app = Fastify({ logger: false, bodyLimit: MAX_ORDER_BYTES });
  const intake = new OrderIntake(options);

  // The body's bytes as the order topic's are read: strict UTF-8, JSON, no __proto__ keys, each with its reason.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
    const parsed = parseJsonBytes(body);
    if (parsed.ok) done(null, parsed.value);
    else done(Object.assign(new Error(jsonInputErrorText(parsed)), { statusCode: 400 }), undefined);
  });

  // Malformed JSON and other request errors answer in the same shape as validation errors.
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, response) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return response.code(413).send({ error: `${JSON_INPUT_ERRORS.tooLarge}: the body is larger than the ${MAX_ORDER_BYTES} bytes an order may have` });
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return response.code(status).send({ error: boundedText(error.message) });
  });

  app.post('/order', async (request, response) => {
    const parsed = parseOrderRequest(request.body);
    if (!parsed.ok) return response.code(400).send({ error: parsed.error });
    const propagated = propagatedHeaders(request.headers);
    if (!propagated.ok) return response.code(400).send({ error: propagated.error });
    const idempotency = parseIdempotencyKey(request.headers[IDEMPOTENCY_HEADER]);
    if (!idempotency.ok) return response.code(400).send({ error: idempotency.error });
    const { key } = idempotency;
    const clientOrderId = parsed.value.order_id;
    const orderId = clientOrderId ?? (key !== undefined ? orderIdForKey(key) : `ORD-${randomUUID()}`);
    const order = orderFromRequest(parsed.value, new Date(), orderId);
    const identity = key !== undefined ? `key:${key}` : clientOrderId !== undefined ? `order:${clientOrderId}` : undefined;
    const outcome = await intake.place({ order, headers: propagated.headers, ...(identity !== undefined ? { identity: { key: identity, fingerprint: fingerprintOf(parsed.value) } } : {}) });
    return reply(outcome, response);
  });

  app.get('/health', async (_request, response) => {
    const reachable = await options.sink.kafkaReachable();
    return response.code(reachable ? 200 : 503).send({ status: reachable ? 'ok' : 'unavailable', kafka: reachable ? 'connected' : 'unreachable' });
  });
  return app;
}
