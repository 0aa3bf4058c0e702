/** How the pipeline's stages reach Kafka: a client of the chosen driver, the topics they need, the settings of their producers. */
import type { ClientOptions, DriverName, KafkaClient, LogLevel, ProducerOptions } from '../clients/driver.js';
import { openClient } from '../clients/registry.js';
import { DEAD_LETTER_PARTITIONS, type PipelineTopics } from './contracts/topics.js';

/** What a stage is told about the cluster: parsed once at its command line. */
export interface KafkaConnection {
  readonly driver: DriverName;
  readonly brokers: readonly string[];
  readonly logLevel: LogLevel;
}

export function openStageClient(connection: KafkaConnection, clientId: string, extra: Partial<ClientOptions> = {}): Promise<KafkaClient> {
  return openClient(connection.driver, { brokers: connection.brokers, clientId, logLevel: connection.logLevel, ...extra });
}

/** Every producer of orders, results and dead letters: one copy of each on the log, acknowledged by every in-sync replica. */
export const PIPELINE_PRODUCER: ProducerOptions = { idempotent: true, acks: 'all', compression: 'none' };

/** Creates the pipeline topics a stage needs when they are missing (DESIGN: a stage creates what it needs). */
export async function ensurePipelineTopics(client: KafkaClient, topics: PipelineTopics, needed: readonly ('orders' | 'inventory' | 'deadLetter')[]): Promise<string[]> {
  const admin = await client.admin();
  try {
    return await admin.createTopics(needed.map((which) => ({ topic: topics[which], partitions: which === 'deadLetter' ? DEAD_LETTER_PARTITIONS : topics.partitions })));
  } finally {
    await admin.close();
  }
}
