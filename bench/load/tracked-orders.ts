/**
 * bench:chaos's load: orders at a steady rate from the bench's own process, one send per order on
 * its intended time, each order tracked by id. Acknowledged means the broker acknowledged it
 * (acks=all, idempotent); a send that failed or timed out is not, though it may have been written.
 * A slow send never delays the next one: sends are not awaited in turn.
 */
import type { DriverProducer, KafkaClient } from '../../clients/driver.js';
import { errorText } from '../../clients/errors.js';
import type { Encoding } from '../../pipeline/contracts/codec.js';
import { PIPELINE_PRODUCER } from '../../pipeline/kafka.js';
import { OrderGenerator, wallClock } from '../../pipeline/producer/order-generator.js';
import { orderMessage } from '../../pipeline/producer/order-producer.js';
import { systemClock, waitUntil } from '../measure/clock.js';
import { benchHeaders } from '../measure/headers.js';

export interface TrackedLoad {
  readonly topic: string;
  readonly rate: number;
  readonly durationS: number;
  readonly seed: number;
  readonly encoding: Encoding;
  readonly runId: string;
  /** The load's start, µs on the system clock: the zero of the fault schedule. */
  readonly startMicros: number;
}

/** Per second of the load (from its start): orders sent and acknowledged. */
export interface LoadSecond {
  sent: number;
  acknowledged: number;
}

export interface TrackedLoadResult {
  readonly sent: ReadonlySet<string>;
  readonly acknowledged: ReadonlySet<string>;
  readonly failed: number;
  readonly firstError: string | undefined;
  readonly perSecond: readonly LoadSecond[];
}

/** Sends the load and resolves once every send has been answered (acknowledged or failed). */
export async function sendTrackedOrders(client: KafkaClient, load: TrackedLoad): Promise<TrackedLoadResult> {
  const producer: DriverProducer = await client.producer(PIPELINE_PRODUCER);
  const generator = new OrderGenerator({ seed: load.seed, placedAt: wallClock() });
  const count = Math.round(load.rate * load.durationS);
  const sent = new Set<string>();
  const acknowledged = new Set<string>();
  const perSecond: LoadSecond[] = Array.from({ length: Math.ceil(load.durationS) + 1 }, () => ({ sent: 0, acknowledged: 0 }));
  const secondOf = (micros: number): LoadSecond => {
    const index = Math.max(0, Math.floor((micros - load.startMicros) / 1e6));
    while (perSecond.length <= index) perSecond.push({ sent: 0, acknowledged: 0 });
    return perSecond[index] ?? { sent: 0, acknowledged: 0 };
  };
  let failed = 0;
  let firstError: string | undefined;
  const answers: Promise<void>[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const intended = load.startMicros + Math.round((i * 1e6) / load.rate);
      await waitUntil(systemClock, intended);
      const order = generator.next();
      sent.add(order.order_id);
      secondOf(intended).sent += 1;
      const message = orderMessage(load.topic, order, load.encoding, benchHeaders(intended, 'measure', load.runId));
      answers.push(
        producer.send([message]).then(
          () => {
            acknowledged.add(order.order_id);
            secondOf(systemClock.nowMicros()).acknowledged += 1;
          },
          (error: unknown) => {
            failed += 1;
            firstError ??= errorText(error);
          },
        ),
      );
    }
    await Promise.all(answers);
  } finally {
    await producer.close().catch(() => undefined);
  }
  return { sent, acknowledged, failed, firstError, perSecond };
}
