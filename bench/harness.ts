import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { KafkaTarget } from '../kafka/embedded.js';
import type { PipelineTopics } from '../pipeline/contracts/topics.js';
import { InventoryService } from '../pipeline/inventory/service.js';
import { createKafka } from '../pipeline/kafka-client.js';
import type { Clock } from './measure/clock.js';
import type { Progress } from './progress.js';

/** What a scenario gets to run with: the cluster, a clock, progress, and fresh topics that are cleaned up. */
export interface BenchContext {
  readonly kafka: Kafka;
  /** The run's admin client, connected for the whole run. */
  readonly admin: Admin;
  readonly target: KafkaTarget;
  readonly clock: Clock;
  readonly progress: Progress;
  /** Unique per run: names the run's topics and consumer groups. */
  readonly runId: string;
  freshTopics(partitions: number): Promise<PipelineTopics>;
  /** One more topic of the run's, `<runId>-<suffix>`; deleted at the end unless --keep-topics. */
  freshTopic(suffix: string, partitions: number): Promise<string>;
  /** Registers a step for the end of the run (stop a stage, delete topics), run in reverse order. */
  onCleanup(step: () => Promise<unknown>): void;
}

export interface ContextOptions {
  readonly target: KafkaTarget;
  readonly clock: Clock;
  readonly progress: Progress;
  readonly keepTopics: boolean;
  readonly scenario: string;
}

/** Runs one scenario in a context and always cleans up after it. */
export async function withBenchContext<T>(options: ContextOptions, scenario: (context: BenchContext) => Promise<T>): Promise<T> {
  const runId = `bench-${options.scenario}-${randomUUID().slice(0, 8)}`;
  const kafka = createKafka({ brokers: options.target.brokers, clientId: runId, logLevel: process.env.KAFKAJS_LOG_LEVEL ?? 'error' });
  const admin = kafka.admin();
  await admin.connect();
  const steps: (() => Promise<unknown>)[] = [];
  const createTopics = async (specs: { topic: string; numPartitions: number }[]): Promise<void> => {
    await admin.createTopics({ topics: specs, waitForLeaders: true });
    if (!options.keepTopics) steps.push(() => admin.deleteTopics({ topics: specs.map((spec) => spec.topic) }));
  };
  const context: BenchContext = {
    kafka,
    admin,
    target: options.target,
    clock: options.clock,
    progress: options.progress,
    runId,
    async freshTopics(partitions) {
      const topics = { orders: `${runId}-order-events`, inventory: `${runId}-inventory-events`, deadLetter: `${runId}-orders-dlq`, partitions };
      await createTopics([
        { topic: topics.orders, numPartitions: partitions },
        { topic: topics.inventory, numPartitions: partitions },
        { topic: topics.deadLetter, numPartitions: 1 },
      ]);
      return topics;
    },
    async freshTopic(suffix, partitions) {
      const topic = `${runId}-${suffix}`;
      await createTopics([{ topic, numPartitions: partitions }]);
      return topic;
    },
    onCleanup(step) {
      steps.push(step);
    },
  };
  try {
    return await scenario(context);
  } finally {
    for (const step of steps.reverse()) await step().catch(() => undefined);
    await admin.disconnect();
  }
}

export interface BenchInventorySettings {
  readonly seed: number;
  readonly throttleMs?: number;
  readonly fetchWaitMs?: number;
}

/**
 * The inventory stage as the throughput and latency scenarios run it: stock that never runs out
 * and no simulated trouble, so that they measure the pipeline, not the business rules. Started,
 * and stopped at cleanup.
 */
export async function startBenchInventory(context: BenchContext, topics: PipelineTopics, settings: BenchInventorySettings): Promise<InventoryService> {
  const inventory = new InventoryService(context.kafka, {
    topics,
    groupId: `${context.runId}-inventory`,
    initialStock: 1_000_000_000,
    trouble: { seed: settings.seed, failureRate: 0, transientErrorRate: 0 },
    retry: { maxRetries: 3, backoffMs: 10 },
    throttleMs: settings.throttleMs ?? 0,
    ...(settings.fetchWaitMs !== undefined ? { fetchWaitMs: settings.fetchWaitMs } : {}),
  });
  await inventory.start();
  context.onCleanup(() => inventory.stop());
  return inventory;
}
