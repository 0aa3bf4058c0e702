/** The results and control topics of multi-agent runs: made when missing, written keyed by run id, read for one run. */
import { randomUUID } from 'node:crypto';
import type { DriverAdmin, DriverProducer, KafkaClient } from '../../clients/driver.js';
import { DriverError } from '../../clients/errors.js';
import { StageConsumer } from '../../pipeline/stage-consumer.js';

/** How long a topic another agent has just created may take to get its leader. */
const READY_WITHIN_MS = 30_000;

/** One partition each: every message of a run has the run's key, so one partition holds it in order anyway. */
export async function ensureRunTopics(client: KafkaClient, topics: readonly string[]): Promise<void> {
  const admin = await client.admin();
  try {
    await admin.createTopics(topics.map((topic) => ({ topic, partitions: 1 })));
  } catch (error) {
    // Agents start together: another may have made it between the check and the create, and its
    // leader may not be elected yet, so wait until its offsets can be read.
    if (!(error instanceof DriverError && error.code === 'TOPIC_EXISTS')) throw error;
    for (const topic of topics) await untilReadable(admin, topic, Date.now() + READY_WITHIN_MS);
  } finally {
    await admin.close();
  }
}

async function untilReadable(admin: DriverAdmin, topic: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      if ((await admin.endOffsets(topic)).length > 0) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function publishForRun(producer: DriverProducer, topic: string, runId: string, value: object): Promise<void> {
  return producer.send([{ topic, key: runId, value: JSON.stringify(value) }]);
}

/** Reading one run's messages from a topic's start: a throwaway group of its own, `stop()` when done. */
export interface RunWatch {
  stop(): Promise<void>;
}

/** Hands every value keyed `runId` on the topic, from its start, to `onValue`; other runs' messages are skipped. */
export async function watchRun(client: KafkaClient, topic: string, runId: string, role: string, onValue: (value: Buffer | null) => void): Promise<RunWatch> {
  // A group nobody else uses, so that every reader reads from the start and no reader takes another's partitions.
  const consumer = await StageConsumer.open(client, [topic], { groupId: `${runId}-${role}-${randomUUID().slice(0, 8)}`, fetchWaitMs: 100 });
  // Nothing is committed: the group keeps no offsets, so it is gone from the broker once it stops.
  await consumer.start((batch) => {
    for (const message of batch.messages) if (message.key?.toString('utf8') === runId) onValue(message.value);
    return Promise.resolve();
  });
  return { stop: () => consumer.stop() };
}
