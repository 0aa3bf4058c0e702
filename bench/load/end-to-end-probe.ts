/**
 * One order through the whole pipeline at a time, as Kafka's EndToEndLatency does it with one
 * record: send it, wait for the broker's acknowledgement, then for its result on the results topic,
 * then send the next. Producer and result consumer share this worker's thread, so that both
 * latencies come from one clock without any other order queued ahead.
 */
import type { DriverName } from '../../clients/driver.js';
import { openClient } from '../../clients/registry.js';
import { createLatencyHistogram, encodeHistogram, recordMicros } from '../../pipeline/histogram.js';
import { PIPELINE_PRODUCER } from '../../pipeline/kafka.js';
import { OrderGenerator, wallClock } from '../../pipeline/producer/order-generator.js';
import { orderMessage } from '../../pipeline/producer/order-producer.js';
import { systemClock } from '../measure/clock.js';
import { benchHeaders, readBenchHeaders, type Phase } from '../measure/headers.js';

export interface ProbeTask {
  readonly driver: DriverName;
  readonly brokers: readonly string[];
  readonly orderTopic: string;
  readonly resultTopic: string;
  readonly groupId: string;
  readonly runId: string;
  readonly warmup: number;
  readonly count: number;
  readonly seed: number;
  /** How long one order may take to come back as a result. */
  readonly resultTimeoutMs: number;
}

export interface ProbeResult {
  readonly sent: number;
  readonly results: number;
  /** Key and value bytes of the measured orders, on average. */
  readonly meanMessageBytes: number;
  /** Both encoded, measured orders only. */
  readonly produceToAck: string;
  readonly endToEnd: string;
}

const clock = systemClock;

export async function probeEndToEnd(task: ProbeTask): Promise<ProbeResult> {
  const client = await openClient(task.driver, { brokers: task.brokers, clientId: `${task.runId}-probe`, logLevel: 'error' });
  const producer = await client.producer(PIPELINE_PRODUCER);
  const consumer = await client.consumer({ groupId: task.groupId, topics: [task.resultTopic], fromBeginning: true, maxWaitMs: 100 });
  const waiting = new Map<string, (atMicros: number) => void>();
  await consumer.run((batch) => {
    const now = clock.nowMicros();
    for (const message of batch.messages) {
      if (readBenchHeaders(message.headers)?.runId !== task.runId) continue;
      const key = message.key?.toString() ?? '';
      waiting.get(key)?.(now);
      waiting.delete(key);
    }
    return Promise.resolve();
  });
  const generator = new OrderGenerator({ seed: task.seed, placedAt: wallClock() });
  const produceToAck = createLatencyHistogram();
  const endToEnd = createLatencyHistogram();
  let sent = 0;
  let results = 0;
  let bytes = 0;
  const one = async (phase: Phase): Promise<void> => {
    const order = generator.next();
    const resulted = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(order.order_id);
        reject(new Error(`no result for ${order.order_id} within ${task.resultTimeoutMs} ms`));
      }, task.resultTimeoutMs);
      waiting.set(order.order_id, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
    const intended = clock.nowMicros();
    const message = orderMessage(task.orderTopic, order, benchHeaders(intended, phase, task.runId));
    await producer.send([message]);
    const acked = clock.nowMicros();
    const resultAt = await resulted;
    if (phase === 'measure') {
      sent += 1;
      results += 1;
      bytes += Buffer.byteLength(order.order_id) + Buffer.byteLength(message.value ?? '');
      recordMicros(produceToAck, acked - intended);
      recordMicros(endToEnd, resultAt - intended);
    }
  };
  try {
    for (let i = 0; i < task.warmup; i++) await one('warmup');
    for (let i = 0; i < task.count; i++) await one('measure');
    return { sent, results, meanMessageBytes: sent > 0 ? bytes / sent : 0, produceToAck: encodeHistogram(produceToAck), endToEnd: encodeHistogram(endToEnd) };
  } finally {
    await consumer.stop();
    await producer.close();
  }
}
