/** A piscina worker: produces its share of orders and returns its measurements (see producer-task.ts). */
import { Partitioners, type Message } from 'kafkajs';
import { createLatencyHistogram, encodeHistogram, recordMicros } from '../../pipeline/histogram.js';
import { createKafka } from '../../pipeline/kafka-client.js';
import { OrderGenerator, wallClock } from '../../pipeline/producer/order-generator.js';
import { toMessage } from '../../pipeline/producer/order-producer.js';
import { systemClock } from '../measure/clock.js';
import { benchHeaders } from '../measure/headers.js';
import type { ProducerTask, ProducerTaskResult } from './producer-task.js';

function messageBytes(message: Message): number {
  const headers = Object.entries(message.headers ?? {}).reduce((sum, [name, value]) => sum + name.length + String(value).length, 0);
  return Buffer.byteLength(String(message.value)) + Buffer.byteLength(String(message.key)) + headers;
}

export default async function produceShare(task: ProducerTask): Promise<ProducerTaskResult> {
  const clock = systemClock;
  const kafka = createKafka({ brokers: task.brokers, clientId: `bench-producer-${task.workerIndex}`, logLevel: 'error' });
  // Idempotence needs acks from all in-sync replicas; with acks=leader or none it is off.
  const idempotent = task.acks === -1;
  const producer = kafka.producer({ idempotent, maxInFlightRequests: idempotent ? 1 : task.inFlight, createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const generator = new OrderGenerator({ seed: task.seed, placedAt: wallClock });
  const histogram = createLatencyHistogram();
  let sent = 0;
  let failed = 0;
  let bytes = 0;
  let firstError: string | undefined;
  const inFlight = new Set<Promise<void>>();

  for (let warmed = 0; warmed < task.warmup; warmed += task.batchSize) {
    const messages = Array.from({ length: Math.min(task.batchSize, task.warmup - warmed) }, () => toMessage(generator.next(), benchHeaders(clock.nowMicros(), 'warmup')));
    await producer.send({ topic: task.warmupTopic, acks: task.acks, compression: task.compression, messages });
  }

  const startedMicros = clock.nowMicros();
  for (let built = 0; built < task.count; ) {
    const size = Math.min(task.batchSize, task.count - built);
    built += size;
    // Every message of a batch is stamped when the batch is made: its latency includes the wait for earlier sends.
    const intended = clock.nowMicros();
    const headers = benchHeaders(intended, 'measure');
    const messages = Array.from({ length: size }, () => toMessage(generator.next(), headers));
    bytes += messages.reduce((sum, m) => sum + messageBytes(m), 0);
    const send: Promise<void> = producer
      .send({ topic: task.topic, acks: task.acks, compression: task.compression, messages })
      .then(
        () => {
          sent += size;
          recordMicros(histogram, clock.nowMicros() - intended, size);
        },
        (error: unknown) => {
          failed += size;
          firstError ??= error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => inFlight.delete(send));
    inFlight.add(send);
    if (inFlight.size >= task.inFlight) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const endedMicros = clock.nowMicros();
  await producer.disconnect();
  return { workerIndex: task.workerIndex, sent, failed, bytes, startedMicros, endedMicros, histogram: encodeHistogram(histogram), firstError };
}
