import Fastify, { type FastifyInstance } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { OrderPlaced } from '../contracts/events.js';
import { MAX_PROPAGATED_HEADER_LENGTH, PROPAGATED_REQUEST_HEADERS } from '../contracts/headers.js';
import { orderFromRequest, parseOrderRequest } from './order-request.js';

/** Where accepted orders go: resolves once Kafka has acknowledged the order. */
export interface OrderSink {
  publish(order: OrderPlaced, headers: Readonly<Record<string, string>>): Promise<void>;
  readonly connected: boolean;
}

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
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`no acknowledgement within ${ms} ms`));
      }, ms);
    }),
  ]).finally(() => {
    clearTimeout(timer);
  });
}

/** POST /order: 202 with the order id; 400 with the reason; 503 when Kafka cannot take the order. GET /health. */
export function buildOrderApi(options: OrderApiOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });

  // Malformed JSON and other request errors answer in the same shape as validation errors.
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    void reply.code(status).send({ error: error.message });
  });

  app.post('/order', async (request, reply) => {
    const parsed = parseOrderRequest(request.body);
    if (!parsed.ok) return reply.code(400).send({ error: parsed.error });
    const propagated = propagatedHeaders(request.headers);
    if (!propagated.ok) return reply.code(400).send({ error: propagated.error });
    const order = orderFromRequest(parsed.value, new Date());
    try {
      await withTimeout(options.sink.publish(order, propagated.headers), options.sendTimeoutMs);
    } catch (error) {
      return reply.code(503).send({ error: `Kafka could not take the order: ${error instanceof Error ? error.message : String(error)}` });
    }
    return reply.code(202).send({ order_id: order.order_id, status: order.status, total_amount: order.total_amount });
  });

  app.get('/health', () => ({ status: 'ok', kafka: options.sink.connected ? 'connected' : 'not connected' }));
  return app;
}
