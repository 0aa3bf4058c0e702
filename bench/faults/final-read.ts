/**
 * The final read of bench:chaos, after the run: a fresh consumer reads the orders, the results and
 * the dead letters read_committed up to their end offsets, and counts each order's copies on the
 * order topic and its committed results (a duplicated result then says whether the load's producer
 * or a stage made it).
 * The end is marked by a barrier the read writes itself, one record per partition after the run's
 * last: a read_committed reader reaches it only once every transaction before it is decided
 * (committed or aborted), and a transaction marker at the end of a log is never delivered.
 */
import { randomUUID } from 'node:crypto';
import type { ConsumedMessage, KafkaClient } from '../../clients/driver.js';
import { barrierKey } from '../../pipeline/state/changelog.js';
import { PIPELINE_PRODUCER } from '../../pipeline/kafka.js';
import { readBenchHeaders } from '../measure/headers.js';
import type { FinalRead } from './accounting.js';

/** The header that marks a barrier record: no stage writes it, and results readers skip records without bench headers. */
export const FINAL_READ_BARRIER_HEADER = 'bench-final-read-barrier';

export async function readCommittedOutcome(client: KafkaClient, topics: { orders: string; results: string; deadLetter: string }, runId: string, timeoutMs: number): Promise<FinalRead> {
  const admin = await client.admin();
  const barrierId = randomUUID();
  const partitions = new Map<string, number>();
  try {
    for (const topic of [topics.orders, topics.results, topics.deadLetter]) partitions.set(topic, (await admin.endOffsets(topic)).length);
  } finally {
    await admin.close();
  }
  const producer = await client.producer(PIPELINE_PRODUCER);
  try {
    const barriers = [...partitions].flatMap(([topic, count]) => Array.from({ length: count }, (_, p) => ({ topic, key: barrierKey(p, count), value: barrierId, headers: { [FINAL_READ_BARRIER_HEADER]: barrierId } })));
    await producer.send(barriers);
  } finally {
    await producer.close();
  }
  const results = new Map<string, string[]>();
  const orderCopies = new Map<string, number>();
  const deadLettered = new Set<string>();
  const reached = new Set<string>();
  const total = [...partitions.values()].reduce((sum, n) => sum + n, 0);
  const apply = (message: ConsumedMessage): void => {
    const where = `${message.topic}/${message.partition}`;
    if (reached.has(where)) return;
    if (message.headers[FINAL_READ_BARRIER_HEADER]?.toString() === barrierId) {
      reached.add(where);
      return;
    }
    if (readBenchHeaders(message.headers)?.runId !== runId) return;
    const id = message.key?.toString();
    if (id === undefined) return;
    if (message.topic === topics.deadLetter) deadLettered.add(id);
    else if (message.topic === topics.orders) orderCopies.set(id, (orderCopies.get(id) ?? 0) + 1);
    else {
      const places = results.get(id) ?? [];
      places.push(`${message.partition}@${message.offset}`);
      results.set(id, places);
    }
  };
  const consumer = await client.consumer({ groupId: `${runId}-final-read-${barrierId.slice(0, 8)}`, topics: [topics.orders, topics.results, topics.deadLetter], fromBeginning: true, maxWaitMs: 100 });
  let crashed: Error | undefined;
  try {
    consumer.onCrash((error) => (crashed = error));
    await consumer.run((batch) => {
      for (const message of batch.messages) apply(message);
      return Promise.resolve();
    });
    const deadline = Date.now() + timeoutMs;
    while (reached.size < total) {
      if (crashed) throw crashed;
      if (Date.now() > deadline) throw new Error(`the final read reached the end of ${reached.size} of ${total} partitions within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await consumer.stop();
  }
  return { results, deadLettered, orderCopies };
}
