/** A piscina worker: produces its share of orders through the chosen driver and returns its measurements (see producer-task.ts). */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DriverProducer, OutgoingMessage } from '../../clients/driver.js';
import { errorText } from '../../clients/errors.js';
import { openClient } from '../../clients/registry.js';
import { createLatencyHistogram, encodeHistogram, recordMicros } from '../../pipeline/histogram.js';
import { OrderGenerator, wallClock } from '../../pipeline/producer/order-generator.js';
import { orderMessage } from '../../pipeline/producer/order-producer.js';
import { RateSchedule } from '../../pipeline/producer/rate-schedule.js';
import { systemClock } from '../measure/clock.js';
import { benchHeaders, type Phase } from '../measure/headers.js';
import type { ProducerTask, ProducerTaskResult } from './producer-task.js';

const clock = systemClock;

/** In open loop the sends do not wait for acks; past this many outstanding the client is hopelessly behind and the run is bounded. */
const MAX_OPEN_LOOP_IN_FLIGHT = 10_000;

function messageBytes(message: OutgoingMessage): number {
  let bytes = message.value === null ? 0 : Buffer.byteLength(message.value) + (message.key === null ? 0 : Buffer.byteLength(message.key));
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += name.length + Buffer.byteLength(value);
  return bytes;
}

function batchOf(generator: OrderGenerator, topic: string, size: number, intendedMicros: number, phase: Phase): OutgoingMessage[] {
  const headers = benchHeaders(intendedMicros, phase);
  const messages: OutgoingMessage[] = new Array<OutgoingMessage>(size);
  for (let i = 0; i < size; i++) messages[i] = orderMessage(topic, generator.next(), headers);
  return messages;
}

async function warmUp(producer: DriverProducer, generator: OrderGenerator, task: ProducerTask): Promise<void> {
  const inFlight: Promise<void>[] = [];
  for (let warmed = 0; warmed < task.warmup; warmed += task.batchSize) {
    inFlight.push(producer.send(batchOf(generator, task.warmupTopic, Math.min(task.batchSize, task.warmup - warmed), clock.nowMicros(), 'warmup')));
    if (inFlight.length >= task.inFlight) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

export default async function produceShare(task: ProducerTask): Promise<ProducerTaskResult> {
  const client = await openClient(task.driver, { brokers: task.brokers, clientId: `bench-producer-${task.workerIndex}`, logLevel: 'error' });
  const producer = await client.producer(task.producer);
  const generator = new OrderGenerator({ seed: task.seed, placedAt: wallClock });
  const histogram = createLatencyHistogram();
  const sendLag = task.sendsPerSecond === null ? undefined : createLatencyHistogram();
  let sent = 0;
  let failed = 0;
  let bytes = 0;
  let buildMicros = 0;
  let firstError: string | undefined;
  const inFlight = new Set<Promise<void>>();
  try {
    await warmUp(producer, generator, task);
    const limit = task.sendsPerSecond === null ? task.inFlight : MAX_OPEN_LOOP_IN_FLIGHT;
    const startedMicros = clock.nowMicros();
    const schedule = task.sendsPerSecond === null ? undefined : new RateSchedule(task.sendsPerSecond, startedMicros + 1_000);
    for (let built = 0, sendIndex = 0; built < task.count; sendIndex++) {
      const size = Math.min(task.batchSize, task.count - built);
      built += size;
      // Closed loop: a batch is stamped when it is made, so its latency includes the wait for earlier sends.
      let intended = clock.nowMicros();
      if (schedule) {
        intended = schedule.intendedMicros(sendIndex);
        const wait = (intended - clock.nowMicros()) / 1000;
        if (wait >= 1) await sleep(wait);
      }
      const buildStarted = clock.nowMicros();
      const messages = batchOf(generator, task.topic, size, intended, 'measure');
      const sendStarted = clock.nowMicros();
      buildMicros += sendStarted - buildStarted;
      if (sendLag) recordMicros(sendLag, buildStarted - intended);
      for (const message of messages) bytes += messageBytes(message);
      const send: Promise<void> = producer.send(messages).then(
        () => {
          sent += size;
          recordMicros(histogram, clock.nowMicros() - intended, size);
        },
        (error: unknown) => {
          failed += size;
          firstError ??= errorText(error);
        },
      );
      const tracked = send.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const endedMicros = clock.nowMicros();
    return { workerIndex: task.workerIndex, sent, failed, bytes, startedMicros, endedMicros, histogram: encodeHistogram(histogram), sendLag: sendLag ? encodeHistogram(sendLag) : null, buildMicros, firstError };
  } finally {
    await producer.close();
  }
}
