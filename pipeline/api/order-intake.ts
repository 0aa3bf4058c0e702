/**
 * What POST /order does with a valid request, apart from HTTP: publish the order, and answer whether
 * Kafka has it, may still get it, or never will. With an idempotency identity (an Idempotency-Key,
 * or the client's own order_id), a retry gets the first attempt's order and outcome instead of a
 * second order: it waits for a send still in flight, and sends the same order again only when the
 * first attempt's send failed.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { OrderPlaced } from '../contracts/events.js';
import { OrderNotSentError } from '../producer/order-batcher.js';
import { fulfilsWithin } from '../timeouts.js';
import { IdempotencyStore, type IdempotencyLimits } from './idempotency.js';

/** Where accepted orders go. */
export interface OrderSink {
  /**
   * Resolves once Kafka acknowledged the order. Rejects with OrderNotSentError when the order never
   * went to the client library (it will never be published), which an abort of the signal causes
   * while the order still waits; any other rejection leaves it unknown whether the broker wrote it.
   */
  publish(order: OrderPlaced, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<void>;
  /** Whether the cluster answers now (a real round trip). */
  kafkaReachable(): Promise<boolean>;
}

/** The answer to one attempt: acknowledged, published maybe (sent, not acknowledged in time), or not published. */
export type Outcome =
  | { readonly kind: 'acknowledged'; readonly order: OrderPlaced; readonly replayed: boolean }
  | { readonly kind: 'unknown' | 'not-sent'; readonly order: OrderPlaced; readonly reason: string; readonly replayed: boolean }
  | { readonly kind: 'conflict'; readonly reason: string };

type SendState = { readonly kind: 'pending' } | { readonly kind: 'acknowledged' } | { readonly kind: 'not-sent' | 'failed'; readonly reason: string };

/** One send of an order, its state kept for the retries that come after. */
class Send {
  state: SendState = { kind: 'pending' };
  readonly settled: Promise<void>;
  readonly abort = new AbortController();

  constructor(sink: OrderSink, order: OrderPlaced, headers: Readonly<Record<string, string>>) {
    this.settled = sink.publish(order, headers, this.abort.signal).then(
      () => {
        this.state = { kind: 'acknowledged' };
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.state = error instanceof OrderNotSentError ? { kind: 'not-sent', reason } : { kind: 'failed', reason };
      },
    );
  }
}

/** An identity's first request and its latest send. */
interface Attempt {
  readonly fingerprint: string;
  readonly order: OrderPlaced;
  readonly headers: Readonly<Record<string, string>>;
  send: Send;
}

export interface OrderIntakeOptions {
  readonly sink: OrderSink;
  /** How long Kafka may take to acknowledge before the answer is "not yet". */
  readonly sendTimeoutMs: number;
  readonly idempotency?: IdempotencyLimits;
  /** The store's clock, for its expiry. */
  readonly now?: () => number;
}

export interface Placement {
  readonly order: OrderPlaced;
  readonly headers: Readonly<Record<string, string>>;
  /** The idempotency identity and the request's fingerprint, when the client gave one. */
  readonly identity?: { readonly key: string; readonly fingerprint: string };
}

export class OrderIntake {
  private readonly attempts: IdempotencyStore<Attempt>;

  constructor(private readonly options: OrderIntakeOptions) {
    this.attempts = new IdempotencyStore(options.idempotency, options.now);
  }

  /** Publishes the order, or for a known identity answers from its first attempt. */
  place(placement: Placement): Promise<Outcome> {
    const { identity } = placement;
    if (!identity) return this.answer(new Send(this.options.sink, placement.order, placement.headers), placement.order, false);
    const known = this.attempts.get(identity.key);
    if (!known) {
      // Stored before any await: an identical request arriving meanwhile waits on this send.
      const attempt: Attempt = { fingerprint: identity.fingerprint, order: placement.order, headers: placement.headers, send: new Send(this.options.sink, placement.order, placement.headers) };
      this.attempts.add(identity.key, attempt);
      return this.answer(attempt.send, attempt.order, false);
    }
    if (known.fingerprint !== identity.fingerprint) return Promise.resolve({ kind: 'conflict', reason: 'this idempotency key (or order_id) was used with a different request body' });
    // A failed send is tried again with the same order (the same order_id): never a second order.
    if (known.send.state.kind === 'not-sent' || known.send.state.kind === 'failed') known.send = new Send(this.options.sink, known.order, known.headers);
    return this.answer(known.send, known.order, true);
  }

  private async answer(send: Send, order: OrderPlaced, replayed: boolean): Promise<Outcome> {
    if (!(await fulfilsWithin(send.settled, this.options.sendTimeoutMs))) {
      // Not acknowledged in time: an order still waiting for a send is withdrawn, one in a send may still arrive.
      send.abort.abort();
      await nextTurn();
    }
    const state = send.state;
    switch (state.kind) {
      case 'acknowledged':
        return { kind: 'acknowledged', order, replayed };
      case 'not-sent':
        return { kind: 'not-sent', order, reason: state.reason, replayed };
      case 'failed':
        return { kind: 'unknown', order, reason: `the send failed after it went to the broker: ${state.reason}`, replayed };
      case 'pending':
        return { kind: 'unknown', order, reason: `no acknowledgement within ${this.options.sendTimeoutMs} ms`, replayed };
    }
  }
}
