/** How the pipeline's stages reach Kafka: a client of the chosen driver, the topics they need, the settings of their producers. */
import type { ClientOptions, DriverAdmin, DriverName, KafkaClient, LogLevel, ProducerOptions, TopicSpec } from '../clients/driver.js';
import { openClient } from '../clients/registry.js';
import { DEAD_LETTER_PARTITIONS, REPLICATED_TOPICS, type PipelineTopics } from './contracts/topics.js';

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

/** The replication of a pipeline topic on a cluster of this many brokers (REPLICATED_TOPICS). */
export function pipelineReplication(brokerCount: number): Pick<TopicSpec, 'replicationFactor' | 'config'> {
  if (brokerCount < REPLICATED_TOPICS.minBrokers) return {};
  return { replicationFactor: REPLICATED_TOPICS.replicationFactor, config: { 'min.insync.replicas': String(REPLICATED_TOPICS.minInSyncReplicas) } };
}

/** The specs of pipeline topics, replicated as the cluster's size calls for. */
export async function pipelineTopicSpecs(admin: DriverAdmin, topics: PipelineTopics, which: readonly ('orders' | 'inventory' | 'deadLetter')[]): Promise<TopicSpec[]> {
  const replication = pipelineReplication((await admin.describeCluster()).brokers.length);
  return which.map((name) => ({ topic: topics[name], partitions: name === 'deadLetter' ? DEAD_LETTER_PARTITIONS : topics.partitions, ...replication }));
}

/** Creates the pipeline topics a stage needs when they are missing (DESIGN: a stage creates what it needs). */
export async function ensurePipelineTopics(client: KafkaClient, topics: PipelineTopics, needed: readonly ('orders' | 'inventory' | 'deadLetter')[]): Promise<string[]> {
  const admin = await client.admin();
  try {
    return await admin.createTopics(await pipelineTopicSpecs(admin, topics, needed));
  } finally {
    await admin.close();
  }
}
