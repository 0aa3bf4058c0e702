/**
 * One order through the whole pipeline at a time, as Kafka's EndToEndLatency does it with one
 * record: send it (to Kafka, or POST it to the REST service), wait for the acknowledgement (the
 * broker's, or the 202), then for its result on the results topic, then send the next. Sender and
 * result consumer share this worker's thread, so that both latencies come from one clock without
 * any other order queued ahead.
 */
import { Pool } from 'undici';
import type { DriverName } from '../../clients/driver.js';
import type { Encoding } from '../../pipeline/contracts/codec.js';
import type { OrderPlaced } from '../../pipeline/contracts/events.js';
import { openClient } from '../../clients/registry.js';
import { createLatencyHistogram, encodeHistogram, recordMicros } from '../../pipeline/histogram.js';
import { PIPELINE_PRODUCER } from '../../pipeline/kafka.js';
import { OrderGenerator, wallClock } from '../../pipeline/producer/order-generator.js';
import { orderMessage } from '../../pipeline/producer/order-producer.js';
import { systemClock } from '../measure/clock.js';
import { benchHeaders, readBenchHeaders, type Phase } from '../measure/headers.js';

export interface ProbeTask {
  readonly driver: DriverName;
  /** Orders go to Kafka directly, or through the REST service at `origin` (http://host:port). */
  readonly via: { readonly kind: 'kafka' } | { readonly kind: 'rest'; readonly origin: string };
  readonly brokers: readonly string[];
  /** How orders sent to Kafka directly are written (through the REST service, the service's --encoding decides). */
  readonly encoding: Encoding;
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
  /** How long the warm-up orders took, ms. */
  readonly warmupMs: number;
}

const clock = systemClock;

export async function probeEndToEnd(task: ProbeTask): Promise<ProbeResult> {
  const client = await openClient(task.driver, { brokers: task.brokers, clientId: `${task.runId}-probe`, logLevel: 'error' });
  const producer = await client.producer(PIPELINE_PRODUCER);
  const consumer = await client.consumer({ groupId: task.groupId, topics: [task.resultTopic], fromBeginning: true, maxWaitMs: 100 });
  // Results are matched to their order by its intended time, unique with one order at a time: through
  // the REST service the order id is not known until the 202, and the result may come first.
  const waiting = new Map<number, (atMicros: number) => void>();
  await consumer.run((batch) => {
    const now = clock.nowMicros();
    for (const message of batch.messages) {
      const stamp = readBenchHeaders(message.headers);
      if (stamp?.runId !== task.runId) continue;
      waiting.get(stamp.intendedMicros)?.(now);
      waiting.delete(stamp.intendedMicros);
    }
    return Promise.resolve();
  });
  const pool = task.via.kind === 'rest' ? new Pool(task.via.origin, { connections: 1 }) : undefined;
  const post = async (order: OrderPlaced, headers: Record<string, string>): Promise<void> => {
    if (!pool) throw new Error('no REST service');
    const body = JSON.stringify({ student_id: order.student_id, restaurant: order.restaurant, items: order.items.map(({ item, quantity }) => ({ item, quantity })) });
    const response = await pool.request({ path: '/order', method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await response.body.text();
    if (response.statusCode !== 202) throw new Error(`POST /order answered ${response.statusCode}: ${text}`);
  };
  const generator = new OrderGenerator({ seed: task.seed, placedAt: wallClock() });
  const produceToAck = createLatencyHistogram();
  const endToEnd = createLatencyHistogram();
  let sent = 0;
  let results = 0;
  let bytes = 0;
  const one = async (phase: Phase): Promise<void> => {
    const order = generator.next();
    const intended = clock.nowMicros();
    const resulted = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(intended);
        reject(new Error(`no result for the order sent at ${intended} within ${task.resultTimeoutMs} ms`));
      }, task.resultTimeoutMs);
      waiting.set(intended, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
    const headers = benchHeaders(intended, phase, task.runId);
    const message = orderMessage(task.orderTopic, order, task.encoding, headers);
    if (pool) await post(order, headers);
    else await producer.send([message]);
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
    const warmupStarted = performance.now();
    for (let i = 0; i < task.warmup; i++) await one('warmup');
    const warmupMs = Math.round(performance.now() - warmupStarted);
    for (let i = 0; i < task.count; i++) await one('measure');
    return { sent, results, meanMessageBytes: sent > 0 ? bytes / sent : 0, produceToAck: encodeHistogram(produceToAck), endToEnd: encodeHistogram(endToEnd), warmupMs };
  } finally {
    await consumer.stop();
    await producer.close();
    await pool?.close();
  }
}
