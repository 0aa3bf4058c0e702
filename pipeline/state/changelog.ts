/**
 * A stage's changelog (docs/DESIGN.md, "Stage state"): a compacted topic of small per-key records,
 * written in the transaction of the consumed offsets, and read back from its log start at start-up,
 * the way Kafka Streams restores a state store. The restore stops at a barrier it wrote itself, so it
 * reads what the changelog holds (bounded by the state, after compaction), never the stage's input.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumedMessage, DriverAdmin, DriverConsumer, DriverProducer, KafkaClient, OutgoingMessage, TransactionOffsets } from '../../clients/driver.js';
import { DriverError } from '../../clients/errors.js';
import { javaPartition } from '../../clients/support.js';
import { pipelineReplication } from '../kafka.js';
import { retryTransient, type RetryOptions } from '../retry.js';
import { TIMED_OUT, withinMs } from '../timeouts.js';

/** Keys of the restore barriers: never a state key, which always has a prefix and a colon. */
const BARRIER_PREFIX = '~barrier-';

/** Compaction keeps the last record of each key; segments small enough to be compacted soon. */
export const CHANGELOG_CONFIG: Readonly<Record<string, string>> = {
  'cleanup.policy': 'compact',
  'segment.bytes': String(16 * 1024 * 1024),
  'min.cleanable.dirty.ratio': '0.1',
};

export interface ChangelogRecord {
  readonly key: string;
  /** The key's new value, JSON; null is a tombstone (the key is gone). */
  readonly value: string | null;
}

/** The partition counts of a stage's input and of its changelog. */
export interface ChangelogPartitions {
  readonly input: number;
  readonly changelog: number;
}

/** Creates the changelog topic when missing: compacted, as many partitions as the stage's input topic, replicated as pipeline topics. */
export async function ensureChangelog(client: KafkaClient, topic: string, inputTopic: string): Promise<ChangelogPartitions> {
  const admin = await client.admin();
  try {
    const input = (await admin.endOffsets(inputTopic)).length;
    const replication = pipelineReplication((await admin.describeCluster()).brokers.length);
    await admin.createTopics([{ topic, partitions: input, ...(replication.replicationFactor !== undefined ? { replicationFactor: replication.replicationFactor } : {}), config: { ...replication.config, ...CHANGELOG_CONFIG } }]);
    return { input, changelog: (await admin.endOffsets(topic)).length };
  } finally {
    await admin.close();
  }
}

/** A key that Java's default partitioner (every driver's) puts on `partition` of `partitions`: the barrier of that partition. */
export function barrierKey(partition: number, partitions: number): string {
  for (let n = 0; ; n++) {
    const key = `${BARRIER_PREFIX}${n}`;
    if (javaPartition(Buffer.from(key), partitions) === partition) return key;
  }
}

export function isBarrier(key: string): boolean {
  return key.startsWith(BARRIER_PREFIX);
}

export function changelogMessages(topic: string, records: readonly ChangelogRecord[]): OutgoingMessage[] {
  return records.map((record) => ({ topic, key: record.key, value: record.value }));
}

export interface RestoreOptions {
  readonly topic: string;
  readonly partitions: number;
  /**
   * The stage's transactional producers, each of which writes a barrier in a transaction of its own:
   * that first transaction fences a crashed predecessor with the same transactional id and aborts
   * the transaction it left open, so that read_committed reads can reach the end.
   */
  readonly producers: readonly DriverProducer[];
  /** Each state record, in offset order within its partition. */
  readonly apply: (key: string, value: Buffer | null) => void;
  readonly timeoutMs?: number;
}

/** Reads the changelog from its log start up to the barriers this call wrote; returns how many state records it applied. */
export async function restoreChangelog(client: KafkaClient, options: RestoreOptions): Promise<number> {
  const { topic, partitions, producers } = options;
  const restoreId = randomUUID();
  for (const [index, producer] of producers.entries()) {
    // Every producer writes (so fences) at least once; together they put a barrier on every partition.
    const mine = Array.from({ length: partitions }, (_, p) => p).filter((p) => p % producers.length === index || p === index % partitions);
    await sendInTransactionRetrying(producer, mine.map((p) => ({ topic, key: barrierKey(p, partitions), value: restoreId })));
  }
  const reached = new Set<number>();
  let applied = 0;
  let finish: (() => void) | undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let crashed: Error | undefined;
  // A group of its own that never commits: the restore always starts at the log start.
  const open = async (): Promise<DriverConsumer> => {
    const consumer = await client.consumer({ groupId: `${topic}-restore-${restoreId.slice(0, 8)}`, topics: [topic], fromBeginning: true, maxWaitMs: 100 });
    consumer.onCrash((error) => {
      crashed = error;
      finish?.();
    });
    try {
      await consumer.run((batch) => {
        for (const message of batch.messages) applyMessage(message);
        if (reached.size === partitions) finish?.();
        return Promise.resolve();
      });
      return consumer;
    } catch (error) {
      await consumer.stop().catch(() => undefined);
      throw error;
    }
  };
  let consumer: DriverConsumer | undefined;
  // Just after a broker came back (a restart of the stage after a fault), the topic can be unknown to the node asked for a moment.
  await retryTransient(async () => {
    consumer = await open();
  }, { alsoRetry: (error) => error instanceof DriverError && error.code === 'UNKNOWN_TOPIC' });
  try {
    const timeoutMs = options.timeoutMs ?? 120_000;
    const outcome = await withinMs(done, timeoutMs);
    if (crashed) throw crashed;
    if (outcome === TIMED_OUT) throw new Error(`restoring ${topic}: its end was not reached within ${timeoutMs / 1000} s (${reached.size} of ${partitions} partitions)`);
  } finally {
    await consumer?.stop();
  }
  return applied;

  function applyMessage(message: ConsumedMessage): void {
    if (reached.has(message.partition)) return;
    const key = message.key?.toString() ?? '';
    if (isBarrier(key)) {
      if (message.value?.toString() === restoreId) reached.add(message.partition);
      return;
    }
    options.apply(key, message.value);
    applied += 1;
  }
}

/** Deletes a stage's changelog (its state starts again from nothing), returning once the broker no longer lists it. */
export async function deleteChangelog(admin: DriverAdmin, topic: string, timeoutMs = 30_000): Promise<void> {
  if (!(await admin.listTopics()).includes(topic)) return;
  await admin.deleteTopics([topic]);
  const deadline = Date.now() + timeoutMs;
  while ((await admin.listTopics()).includes(topic)) {
    if (Date.now() > deadline) throw new Error(`the changelog ${topic} was still listed ${timeoutMs / 1000} s after its deletion`);
    await sleep(100);
  }
}

export interface TransactionRetry extends RetryOptions {
  /** Whether the transaction's offsets are committed already. */
  readonly committed?: () => Promise<boolean>;
}

/**
 * sendInTransaction, tried again while it fails on a transient error: a stage rides out a broker's
 * failure or a rebalance instead of exiting. A FENCED producer is never retried. An attempt with
 * offsets whose commit failed may still have committed (its answer lost): each later attempt asks
 * `committed` first (the driver has fenced the transactional id, so the earlier attempt is decided),
 * and makes nothing again when the offsets are in; without offsets, the messages must be safe to
 * write twice (changelog records, keyed).
 */
export function sendInTransactionRetrying(producer: DriverProducer, messages: readonly OutgoingMessage[], offsets?: TransactionOffsets, retry: TransactionRetry = {}): Promise<void> {
  let failed = false;
  return retryTransient(async () => {
    const attempt = failed && offsets && retry.committed ? { ...offsets, alreadyCommitted: retry.committed } : offsets;
    try {
      await producer.sendInTransaction(messages, attempt);
    } catch (error) {
      failed = true;
      throw error;
    }
  }, retry);
}
