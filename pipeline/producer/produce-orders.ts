import { setTimeout as delay } from 'node:timers/promises';
import type { OrderPlaced } from '../contracts/events.js';
import type { OrderPublisher } from './order-producer.js';
import { RateSchedule } from './rate-schedule.js';

/** Where orders come from: an OrderGenerator, or anything that makes OrderPlaced events. */
export interface OrderSource {
  next(): OrderPlaced;
}

/** How orders are paced: as fast as acks allow in batches, at a fixed rate, or with a delay between sends. */
export type Pacing = { readonly kind: 'batch'; readonly batchSize: number } | { readonly kind: 'rate'; readonly perSecond: number } | { readonly kind: 'delay'; readonly delayMs: number };

export interface ProduceSummary {
  readonly sent: number;
  readonly failed: number;
  readonly elapsedMs: number;
  readonly ordersPerSecond: number;
  readonly firstError: string | undefined;
}

export interface ProduceOptions {
  readonly count: number;
  readonly pacing: Pacing;
  readonly signal?: AbortSignal;
  readonly onProgress?: (sent: number, failed: number) => void;
}

/** Waits ms, or less when the signal aborts first. */
async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
}

/**
 * Publishes `count` generated orders and returns a summary. A failed send counts its orders as
 * failed and the run goes on; an abort stops it between sends (a send in flight is answered first, a
 * wait for the next is cut short).
 */
export async function produceOrders(generator: OrderSource, publisher: OrderPublisher, options: ProduceOptions): Promise<ProduceSummary> {
  const started = performance.now();
  let sent = 0;
  let failed = 0;
  let firstError: string | undefined;

  const send = async (orders: OrderPlaced[]): Promise<void> => {
    try {
      await publisher.publish(orders);
      sent += orders.length;
    } catch (error) {
      failed += orders.length;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
    options.onProgress?.(sent, failed);
  };

  const { pacing } = options;
  let schedule: RateSchedule | undefined;
  for (let index = 0; index < options.count && !options.signal?.aborted; ) {
    if (pacing.kind === 'batch') {
      const size = Math.min(pacing.batchSize, options.count - index);
      await send(Array.from({ length: size }, () => generator.next()));
      index += size;
      continue;
    }
    if (pacing.kind === 'rate') {
      // Everything due by now goes in one send, so a slow ack does not lower the rate.
      schedule ??= new RateSchedule(pacing.perSecond, started * 1000);
      const due = Math.min(options.count, schedule.dueBy(performance.now() * 1000));
      if (due > index) {
        const orders = Array.from({ length: due - index }, () => generator.next());
        index = due;
        await send(orders);
      } else {
        await sleep(Math.max(0, (schedule.intendedMicros(index) - performance.now() * 1000) / 1000), options.signal);
      }
      continue;
    }
    await send([generator.next()]);
    index += 1;
    if (index < options.count) await sleep(pacing.delayMs, options.signal);
  }
  const elapsedMs = performance.now() - started;
  return { sent, failed, elapsedMs, ordersPerSecond: elapsedMs > 0 ? (sent * 1000) / elapsedMs : 0, firstError };
}
