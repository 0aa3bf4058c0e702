/**
 * What a stage tries again while the cluster is failing over, rather than exiting: a broker killed
 * or paused, a leader or coordinator being elected, the group rebalancing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DriverError, isTransient } from '../clients/errors.js';

/**
 * Errors worth another try: whatever the client calls retriable; no broker or no answer; the
 * coordinator moving (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS);
 * the group changing under a transaction's offsets (ILLEGAL_GENERATION "generation id not valid",
 * UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS); markers still being written (CONCURRENT_TRANSACTIONS);
 * too few in-sync replicas or no leader for a moment; a response the client misread ("Out of
 * bounds.", @platformatic/kafka after a broker failed: the driver has replaced that producer, with
 * connections of its own). Never FENCED: a newer instance holds the transactional id, and this one
 * must stop.
 */
const TRANSIENT_TEXT = /coordinator|generation|unknown.?member|rebalanc|concurrent.?transactions|not.?enough.?replicas|leader.?not.?available|not.?leader|connection|ECONNREFUSED|timed? ?out|out of bounds/i;

export function isTransientKafkaError(error: unknown): boolean {
  if (!(error instanceof DriverError) || error.code === 'FENCED') return false;
  return isTransient(error) || error.code === 'NOT_MEMBER' || TRANSIENT_TEXT.test(error.message);
}

/** Longer than a broker's restart, an election or a rebalance; a cluster down for longer than this fails the stage. */
export const TRANSIENT_RETRY_LIMIT_MS = 120_000;

export interface RetryOptions {
  readonly limitMs?: number;
  /** Also tried again: errors this accepts. */
  readonly alsoRetry?: (error: unknown) => boolean;
  /** Told of each failure that is tried again, before the backoff. */
  readonly onRetry?: (error: unknown, attempt: number) => void;
  /** A failure after which no attempt is made, though transient: it is thrown. */
  readonly giveUp?: (error: unknown) => boolean;
}

/** `work`, tried again on a transient error (or one `alsoRetry` accepts) with a backoff from 200 ms doubling up to 2 s, for up to limitMs. */
export async function retryTransient(work: () => Promise<void>, options: RetryOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.limitMs ?? TRANSIENT_RETRY_LIMIT_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      await work();
      return;
    } catch (error) {
      if (!(isTransientKafkaError(error) || options.alsoRetry?.(error)) || Date.now() > deadline || options.giveUp?.(error)) throw error;
      options.onRetry?.(error, attempt);
      await sleep(Math.min(2_000, 200 * 2 ** (attempt - 1)));
    }
  }
}
