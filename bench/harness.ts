import { randomUUID } from 'node:crypto';
import type { DriverAdmin, DriverName, KafkaClient, TopicSpec } from '../clients/driver.js';
import { openClient } from '../clients/registry.js';
import type { KafkaTarget } from '../kafka/embedded.js';
import type { PipelineTopics } from '../pipeline/contracts/topics.js';
import { InventoryService } from '../pipeline/inventory/service.js';
import type { Clock } from './measure/clock.js';
import type { Progress } from './progress.js';

/** What a scenario gets to run with: the cluster, a client of the run's driver, a clock, progress, and fresh topics that are cleaned up. */
export interface BenchContext {
  /** A client of the run's driver. */
  readonly client: KafkaClient;
  /** The run's admin client, connected for the whole run. */
  readonly admin: DriverAdmin;
  readonly target: KafkaTarget;
  readonly clock: Clock;
  readonly progress: Progress;
  /** Unique per run: names the run's topics and consumer groups. */
  readonly runId: string;
  freshTopics(partitions: number): Promise<PipelineTopics>;
  /** One more topic of the run's, `<runId>-<suffix>`; deleted at the end unless --keep-topics. */
  freshTopic(suffix: string, partitions: number): Promise<string>;
  /** A client of another driver (bench:clients), on the same cluster. */
  clientOf(driver: DriverName): Promise<KafkaClient>;
  /** Registers a step for the end of the run (stop a stage, delete topics), run in reverse order. */
  onCleanup(step: () => Promise<unknown>): void;
}

export interface ContextOptions {
  readonly target: KafkaTarget;
  readonly driver: DriverName;
  readonly clock: Clock;
  readonly progress: Progress;
  readonly keepTopics: boolean;
  readonly scenario: string;
}

/** Runs one scenario in a context and always cleans up after it. */
export async function withBenchContext<T>(options: ContextOptions, scenario: (context: BenchContext) => Promise<T>): Promise<T> {
  const runId = `bench-${options.scenario}-${randomUUID().slice(0, 8)}`;
  const clientOf = (driver: DriverName): Promise<KafkaClient> => openClient(driver, { brokers: options.target.brokers, clientId: runId, logLevel: 'error' });
  const client = await clientOf(options.driver);
  const admin = await client.admin();
  const steps: (() => Promise<unknown>)[] = [];
  const createTopics = async (specs: TopicSpec[]): Promise<void> => {
    await admin.createTopics(specs);
    if (!options.keepTopics) steps.push(() => admin.deleteTopics(specs.map((spec) => spec.topic)));
  };
  const context: BenchContext = {
    client,
    admin,
    target: options.target,
    clock: options.clock,
    progress: options.progress,
    runId,
    async freshTopics(partitions) {
      const topics = { orders: `${runId}-order-events`, inventory: `${runId}-inventory-events`, deadLetter: `${runId}-orders-dlq`, partitions };
      await createTopics([
        { topic: topics.orders, partitions },
        { topic: topics.inventory, partitions },
        { topic: topics.deadLetter, partitions: 1 },
      ]);
      return topics;
    },
    async freshTopic(suffix, partitions) {
      const topic = `${runId}-${suffix}`;
      await createTopics([{ topic, partitions }]);
      return topic;
    },
    clientOf,
    onCleanup(step) {
      steps.push(step);
    },
  };
  try {
    return await scenario(context);
  } finally {
    for (const step of steps.reverse()) await step().catch(() => undefined);
    await admin.close();
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
  const inventory = new InventoryService(context.client, {
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
