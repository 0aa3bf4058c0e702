/** A piscina worker (or a process, see producer-process.ts): produces its share of orders through the chosen driver and returns its measurements (see producer-task.ts). */
import type { DriverProducer, Headers, OutgoingMessage } from '../../clients/driver.js';
import { errorText } from '../../clients/errors.js';
import { openClient } from '../../clients/registry.js';
import { messageBytes } from '../../clients/support.js';
import { contentTypeHeaders, encodeOrderPlaced, type Encoding } from '../../pipeline/contracts/codec.js';
import { createLatencyHistogram, encodeHistogram, recordMicros } from '../../pipeline/histogram.js';
import { fixedSchedule, OrderGenerator, wallClock } from '../../pipeline/producer/order-generator.js';
import { orderMessage } from '../../pipeline/producer/order-producer.js';
import { RateSchedule } from '../../pipeline/producer/rate-schedule.js';
import { systemClock, waitUntil } from '../measure/clock.js';
import { headersFor, type HeaderSet, type Phase } from '../measure/headers.js';
import type { ProducerTask, ProducerTaskResult } from './producer-task.js';

const clock = systemClock;

/** In open loop the sends do not wait for acks; past this many outstanding the client is hopelessly behind and the run is bounded. */
const MAX_OPEN_LOOP_IN_FLIGHT = 10_000;

/** The size of the buffers prepared orders are written into. */
const SLAB_BYTES = 4 * 1024 * 1024;

/** An order ready to send: its key and its encoded value, as bytes. */
interface PreparedOrder {
  readonly key: Buffer;
  readonly value: Buffer;
}

/**
 * Makes the share's orders before the clock starts, so that the harness is not in the path it
 * measures (as Kafka's ProducerPerformance and the OpenMessaging Benchmark send prepared
 * payloads): generated, serialised and turned into bytes here, and what that took is reported.
 */
function prepareOrders(generator: OrderGenerator, count: number, encoding: Encoding): { orders: PreparedOrder[]; micros: number } {
  const started = clock.nowMicros();
  const orders = new Array<PreparedOrder>(count);
  // Keys and values written into large shared buffers rather than two small allocations each.
  let slab = Buffer.allocUnsafe(SLAB_BYTES);
  let used = 0;
  const bytesOf = (text: string): Buffer => {
    if (used + text.length * 3 > slab.length) {
      slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, text.length * 3));
      used = 0;
    }
    const written = slab.write(text, used);
    const bytes = slab.subarray(used, used + written);
    used += written;
    return bytes;
  };
  for (let i = 0; i < count; i++) {
    const order = generator.next();
    const value = encodeOrderPlaced(order, encoding);
    orders[i] = { key: bytesOf(order.order_id), value: typeof value === 'string' ? bytesOf(value) : value };
  }
  return { orders, micros: clock.nowMicros() - started };
}

function messagesOf(orders: readonly PreparedOrder[], from: number, size: number, topic: string, headers: Headers | undefined): OutgoingMessage[] {
  const messages = new Array<OutgoingMessage>(size);
  for (let i = 0; i < size; i++) {
    const order = orders[from + i];
    if (!order) throw new Error(`no prepared order ${from + i}`);
    messages[i] = headers ? { topic, key: order.key, value: order.value, headers } : { topic, key: order.key, value: order.value };
  }
  return messages;
}

/** Bytes of the messages (keys, values, headers), and of their values alone. */
function bytesOf(messages: readonly OutgoingMessage[]): { all: number; values: number } {
  let all = 0;
  let values = 0;
  for (const message of messages) {
    values += message.value?.length ?? 0;
    all += messageBytes(message);
  }
  return { all, values };
}

/** The set's headers, with the encoding's content-type beside them; none at all for `none` (readers know Avro by its marker). */
function orderHeaders(set: HeaderSet, intendedMicros: number, phase: Phase, runId: string, encoding: Encoding): Headers | undefined {
  const stamp = headersFor(set, intendedMicros, phase, runId);
  return stamp ? { ...stamp, ...contentTypeHeaders(encoding) } : undefined;
}

async function warmUp(producer: DriverProducer, task: ProducerTask): Promise<void> {
  const generator = new OrderGenerator({ seed: task.seed + 7_919, placedAt: wallClock() });
  const inFlight: Promise<void>[] = [];
  for (let warmed = 0; warmed < task.warmup; warmed += task.batchSize) {
    const size = Math.min(task.batchSize, task.warmup - warmed);
    const headers = headersFor(task.headers, clock.nowMicros(), 'warmup', task.runId);
    inFlight.push(producer.send(Array.from({ length: size }, () => orderMessage(task.warmupTopic, generator.next(), task.encoding, headers))));
    if (inFlight.length >= task.inFlight) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

/** Hears each measured send as it happens: a load agent reports them interval by interval. */
export interface SendObserver {
  /** Awaited after the warm-up, before the first measured send (an agent waits for the run's start here). */
  beforeMeasure(): Promise<void>;
  /** A send was acknowledged: its messages, their bytes, and its latency from its intended time, µs. */
  acknowledged(size: number, bytes: number, micros: number): void;
  failed(size: number): void;
  /** How late a send started after its intended time, µs (with a rate). */
  late(micros: number): void;
}

export default function produceShare(task: ProducerTask): Promise<ProducerTaskResult> {
  return produceObserved(task, undefined);
}

/** Produces the task's share; the observer, when given, hears every measured send. */
export async function produceObserved(task: ProducerTask, observer: SendObserver | undefined): Promise<ProducerTaskResult> {
  const client = await openClient(task.driver, { brokers: task.brokers, clientId: `bench-producer-${task.workerIndex}`, logLevel: 'error' });
  const producer = await client.producer(task.producer);
  const placedAt = task.eventTime ? fixedSchedule(new Date(task.eventTime.startIso), task.eventTime.stepMs) : wallClock();
  const histogram = createLatencyHistogram();
  const sendLag = task.sendsPerSecond === null ? undefined : createLatencyHistogram();
  let sent = 0;
  let failed = 0;
  let bytes = 0;
  let valueBytes = 0;
  let firstError: string | undefined;
  const inFlight = new Set<Promise<void>>();
  try {
    const warmupStarted = clock.nowMicros();
    if (task.warmup > 0) await warmUp(producer, task);
    const warmupMicros = clock.nowMicros() - warmupStarted;
    // After the warm-up, which ran the same generator and serialiser: the cost measured is the steady one, not the JIT's first pass.
    const prepared = prepareOrders(new OrderGenerator({ seed: task.seed, placedAt, ...(task.idPrefix !== undefined ? { idPrefix: task.idPrefix } : {}) }), task.count, task.encoding);
    await observer?.beforeMeasure();
    const limit = task.sendsPerSecond === null ? task.inFlight : MAX_OPEN_LOOP_IN_FLIGHT;
    const startedMicros = clock.nowMicros();
    const schedule = task.sendsPerSecond === null ? undefined : new RateSchedule(task.sendsPerSecond, startedMicros + 1_000);
    for (let built = 0, sendIndex = 0; built < task.count; sendIndex++) {
      const size = Math.min(task.batchSize, task.count - built);
      // Closed loop: a batch is stamped when it is made, so its latency includes the wait for earlier sends.
      let intended = clock.nowMicros();
      if (schedule) {
        intended = schedule.intendedMicros(sendIndex);
        await waitUntil(clock, intended);
        const late = clock.nowMicros() - intended;
        if (sendLag) recordMicros(sendLag, late);
        observer?.late(late);
      }
      const messages = messagesOf(prepared.orders, built, size, task.topic, orderHeaders(task.headers, intended, task.phase, task.runId, task.encoding));
      built += size;
      const counted = bytesOf(messages);
      bytes += counted.all;
      valueBytes += counted.values;
      const send: Promise<void> = producer.send(messages).then(
        () => {
          sent += size;
          const micros = clock.nowMicros() - intended;
          recordMicros(histogram, micros, size);
          observer?.acknowledged(size, counted.all, micros);
        },
        (error: unknown) => {
          failed += size;
          observer?.failed(size);
          firstError ??= errorText(error);
        },
      );
      const tracked = send.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const endedMicros = clock.nowMicros();
    return { workerIndex: task.workerIndex, sent, failed, bytes, valueBytes, startedMicros, endedMicros, histogram: encodeHistogram(histogram), sendLag: sendLag ? encodeHistogram(sendLag) : null, buildMicros: prepared.micros, warmupMicros, firstError };
  } finally {
    await producer.close();
  }
}
