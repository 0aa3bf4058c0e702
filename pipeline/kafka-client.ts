import { Kafka, logLevel, type Admin, type Consumer, type LogEntry, type logCreator } from 'kafkajs';
import { DEAD_LETTER_PARTITIONS, type PipelineTopics } from './contracts/topics.js';

const LEVELS: Record<string, logLevel> = { nothing: logLevel.NOTHING, error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO, debug: logLevel.DEBUG };

/**
 * One line per kafkajs log entry on stderr. Left out: protocol-level error responses, which kafkajs
 * retries and throws if they persist, and the notice that the idempotent producer's retries are
 * bounded (they are, on purpose: a send to a dead cluster must fail, not hang).
 */
const stderrLogCreator: logCreator = () => (entry: LogEntry) => {
  const { message, error } = entry.log;
  if (entry.namespace === 'Connection' && message.startsWith('Response')) return;
  if (message.startsWith('Limiting retries for the idempotent producer')) return;
  process.stderr.write(`kafkajs ${entry.label} [${entry.namespace}] ${message}${typeof error === 'string' ? `: ${error}` : ''}\n`);
};

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** KAFKAJS_LOG_LEVEL: nothing, error, warn (default), info, debug. */
  readonly logLevel?: string;
  /** Fewer retries make an unreachable cluster fail fast (the REST service). */
  readonly retries?: number;
}

export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: LEVELS[options.logLevel ?? 'warn'] ?? logLevel.WARN,
    logCreator: stderrLogCreator,
    connectionTimeout: 3_000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 100 },
  });
}

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
}

/** Creates the topics that are missing; leaves existing ones as they are. */
export async function ensureTopics(admin: Admin, topics: readonly TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((spec) => !existing.has(spec.topic));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({ topics: missing.map((spec) => ({ topic: spec.topic, numPartitions: spec.numPartitions, replicationFactor: -1 })), waitForLeaders: true });
  } catch (error) {
    // Another stage may have created them meanwhile: fine as long as they exist now.
    const now = new Set(await admin.listTopics());
    if (!missing.every((spec) => now.has(spec.topic))) throw error;
  }
  return missing.map((spec) => spec.topic);
}

/** Creates the pipeline topics a stage needs when they are missing (DESIGN: a stage creates what it needs). */
export async function ensurePipelineTopics(kafka: Kafka, topics: PipelineTopics, needed: readonly ('orders' | 'inventory' | 'deadLetter')[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await ensureTopics(
      admin,
      needed.map((which) => ({ topic: topics[which], numPartitions: which === 'deadLetter' ? DEAD_LETTER_PARTITIONS : topics.partitions })),
    );
  } finally {
    await admin.disconnect();
  }
}

export interface StageConsumerOptions {
  readonly groupId: string;
  /** A member not heard from for this long is dropped from the group, and its partitions reassigned (10 s). */
  readonly sessionTimeoutMs?: number;
  /** Longest wait of an idle fetch (500 ms). */
  readonly fetchWaitMs?: number;
}

/** The consumer of a pipeline stage. */
export function createStageConsumer(kafka: Kafka, options: StageConsumerOptions): Consumer {
  return kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    // A fetch returns as soon as data is there; the wait bounds how long stop() or resume() waits on an idle fetch.
    maxWaitTimeInMs: options.fetchWaitMs ?? 500,
    // How soon the partitions of a crashed member go to the others (kafkajs's default is 30 s).
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
  });
}
