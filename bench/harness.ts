import { randomUUID } from 'node:crypto';
import type { ClientOptions, DriverAdmin, DriverName, KafkaClient, TopicSpec } from '../clients/driver.js';
import { openClient } from '../clients/registry.js';
import type { KafkaTarget } from '../kafka/embedded.js';
import { DEFAULT_TOPICS, type PipelineTopics } from '../pipeline/contracts/topics.js';
import { pipelineTopicSpecs } from '../pipeline/kafka.js';
import type { Clock } from './measure/clock.js';
import type { Progress } from './progress.js';

/**
 * The pipeline a run measures: its own stages, started as processes on fresh topics; or an
 * external one (`--pipeline external`), which consumes `orderTopic` and writes `inventoryTopic`
 * under the contract of docs/DESIGN.md, and which the bench neither starts nor creates topics for.
 */
export type PipelineChoice = { readonly mode: 'internal' } | { readonly mode: 'external'; readonly orderTopic: string; readonly inventoryTopic: string };

/** What a scenario gets to run with: the cluster, a client of the run's driver, a clock, progress, the report folder, and fresh topics that are cleaned up. */
export interface BenchContext {
  /** A client of the run's driver. */
  readonly client: KafkaClient;
  /** The run's admin client, connected for the whole run. */
  readonly admin: DriverAdmin;
  readonly target: KafkaTarget;
  readonly clock: Clock;
  readonly progress: Progress;
  /** Unique per run: names the run's topics and consumer groups, and is stamped on its orders. */
  readonly runId: string;
  /** The report folder, made before the run starts: the stages' logs and profiles go here. */
  readonly reportDir: string;
  readonly pipeline: PipelineChoice;
  /** A CPU profile of every stage process, into the report folder. */
  readonly profile: boolean;
  /** The topics orders go to and results come from: fresh ones, or the external pipeline's. */
  pipelineTopics(partitions: number): Promise<PipelineTopics>;
  freshTopics(partitions: number): Promise<PipelineTopics>;
  /** One more topic of the run's, `<runId>-<suffix>`; deleted at the end unless --keep-topics. */
  freshTopic(suffix: string, partitions: number): Promise<string>;
  /** A client of another driver (bench:clients), or of other settings (bench:chaos's load), on the same cluster. */
  clientOf(driver: DriverName, settings?: Pick<ClientOptions, 'deliveryTimeoutMs'>): Promise<KafkaClient>;
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
  readonly reportDir: string;
  readonly pipeline: PipelineChoice;
  readonly profile: boolean;
  /** Aborted by a stop (SIGINT, SIGTERM): the scenario is left and its cleanup runs at once. */
  readonly interrupt?: AbortSignal;
}

/** What a run stopped by a signal ends with, once its cleanup has run. */
export class Interrupted extends Error {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
  }
}

/** The work, or an Interrupted rejection as soon as `interrupt` aborts (the work is left running, for the process to end). */
function unlessInterrupted<T>(work: Promise<T>, interrupt: AbortSignal | undefined): Promise<T> {
  if (!interrupt) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(new Interrupted(String(interrupt.reason)));
    };
    if (interrupt.aborted) onAbort();
    interrupt.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      interrupt.removeEventListener('abort', onAbort);
    });
  });
}

/** Runs one scenario in a context and always cleans up after it, at once when the run is interrupted. */
export async function withBenchContext<T>(options: ContextOptions, scenario: (context: BenchContext) => Promise<T>): Promise<T> {
  const runId = `bench-${options.scenario}-${randomUUID().slice(0, 8)}`;
  const clientOf = (driver: DriverName, settings: Pick<ClientOptions, 'deliveryTimeoutMs'> = {}): Promise<KafkaClient> => openClient(driver, { brokers: options.target.brokers, clientId: runId, logLevel: 'error', ...settings });
  const client = await clientOf(options.driver);
  const admin = await client.admin();
  const steps: (() => Promise<unknown>)[] = [];
  const createTopics = async (specs: TopicSpec[]): Promise<void> => {
    await admin.createTopics(specs);
    if (!options.keepTopics) steps.push(() => admin.deleteTopics(specs.map((spec) => spec.topic)));
  };
  const freshTopics = async (partitions: number): Promise<PipelineTopics> => {
    const topics = { orders: `${runId}-order-events`, inventory: `${runId}-inventory-events`, deadLetter: `${runId}-orders-dlq`, partitions };
    await createTopics(await pipelineTopicSpecs(admin, topics, ['orders', 'inventory', 'deadLetter']));
    return topics;
  };
  const context: BenchContext = {
    client,
    admin,
    target: options.target,
    clock: options.clock,
    progress: options.progress,
    runId,
    reportDir: options.reportDir,
    pipeline: options.pipeline,
    profile: options.profile,
    async pipelineTopics(partitions) {
      if (options.pipeline.mode === 'internal') return freshTopics(partitions);
      const { orderTopic, inventoryTopic } = options.pipeline;
      const existing = new Set(await admin.listTopics());
      const missing = [orderTopic, inventoryTopic].filter((topic) => !existing.has(topic));
      if (missing.length > 0) throw new Error(`--pipeline external: ${missing.join(' and ')} ${missing.length > 1 ? 'do' : 'does'} not exist; the external pipeline's topics must be there before the run`);
      const orderPartitions = (await admin.endOffsets(orderTopic)).length;
      return { orders: orderTopic, inventory: inventoryTopic, deadLetter: DEFAULT_TOPICS.deadLetter, partitions: orderPartitions };
    },
    freshTopics,
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
    return await unlessInterrupted(scenario(context), options.interrupt);
  } finally {
    for (const step of steps.reverse()) await step().catch(() => undefined);
    await admin.close();
  }
}
