import { setTimeout as sleep } from 'node:timers/promises';
import { decodeOrderPlaced, type Encoding } from '../contracts/codec.js';
import type { InventoryResult, OrderPlaced } from '../contracts/events.js';
import type { MessageHeaders } from '../contracts/headers.js';
import { isRestaurant, type Restaurant } from '../contracts/menu.js';
import { DLQ_ERROR_CODES } from '../contracts/topics.js';
import { eventTimeOutOfRange, priceMismatch, type EventTimeWindow } from './order-checks.js';
import { simulatedFailure, transientError, type TroubleSettings } from './simulation.js';
import type { StockLedger } from './stock.js';

/** Thrown by a processing attempt that may succeed if tried again. */
export class TransientProcessingError extends Error {
  override readonly name = 'TransientProcessingError';
  readonly retriable = true;
}

export interface RetryPolicy {
  /** Retries after the first attempt (DESIGN: 3). */
  readonly maxRetries: number;
  /** Backoff before retry k (1-based) is backoffMs × 2^(k-1). */
  readonly backoffMs: number;
}

export type Outcome =
  /** The result goes out in its order's encoding. */
  | { readonly kind: 'result'; readonly result: InventoryResult; readonly attempts: number; readonly encoding: Encoding }
  | { readonly kind: 'dead-letter'; readonly error: string; readonly orderId: string | undefined; readonly attempts: number };

/** What the inventory stage does with one message from order-events: a result, or a dead letter with its reason. */
export class InventoryProcessor {
  constructor(
    private readonly ledger: StockLedger,
    private readonly trouble: TroubleSettings,
    private readonly retry: RetryPolicy,
    private readonly clock: () => Date = () => new Date(),
    /** placed_at must lie in this window around the clock; undefined: any time the schema takes (the command line always sets one). */
    private readonly eventTimeWindow?: EventTimeWindow,
  ) {}

  /** Why a valid order is not taken (its prices, its event time), or undefined. An order decided before keeps its decision, however old it is now. */
  private untrusted(order: OrderPlaced & { readonly restaurant: Restaurant }): string | undefined {
    const mispriced = priceMismatch(order);
    if (mispriced !== undefined) return mispriced;
    if (this.eventTimeWindow === undefined || this.ledger.decided(order.order_id)) return undefined;
    return eventTimeOutOfRange(order.placed_at, this.clock(), this.eventTimeWindow);
  }

  /** One order, in either encoding (its headers say which, else its first bytes). */
  async process(value: Buffer | null, headers?: MessageHeaders): Promise<Outcome> {
    const parsed = decodeOrderPlaced(value, headers);
    if (!parsed.ok) return { kind: 'dead-letter', error: parsed.error, orderId: parsed.orderId, attempts: 0 };
    const order = parsed.value;
    const { restaurant } = order;
    if (!isRestaurant(restaurant)) return { kind: 'dead-letter', error: `${DLQ_ERROR_CODES.invalidEvent}: restaurant: unknown restaurant`, orderId: order.order_id, attempts: 0 };
    const untrusted = this.untrusted({ ...order, restaurant });
    if (untrusted !== undefined) return { kind: 'dead-letter', error: untrusted, orderId: order.order_id, attempts: 0 };

    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        // The ledger remembers a decided order, so a retry or a redelivery never reserves twice.
        if (!this.ledger.decided(order.order_id) && transientError(this.trouble, order.order_id, attempt)) {
          throw new TransientProcessingError(`simulated transient error on attempt ${attempt}`);
        }
        const decision = this.ledger.decide({ ...order, restaurant }, simulatedFailure(this.trouble, order.order_id));
        const result: InventoryResult = {
          order_id: order.order_id,
          restaurant,
          status: decision.status,
          reason: decision.reason,
          placed_at: order.placed_at,
          processed_at: this.clock().toISOString(),
          processing_time_ms: Math.round((performance.now() - started) * 1000) / 1000,
        };
        return { kind: 'result', result, attempts: attempt, encoding: parsed.encoding };
      } catch (error) {
        const retriable = error instanceof TransientProcessingError && error.retriable;
        if (!retriable) throw error;
        if (attempt > this.retry.maxRetries) {
          return { kind: 'dead-letter', error: `${DLQ_ERROR_CODES.retriesExhausted}: ${error.message}; ${attempt} attempts`, orderId: order.order_id, attempts: attempt };
        }
        await sleep(this.retry.backoffMs * 2 ** (attempt - 1));
      }
    }
  }
}
