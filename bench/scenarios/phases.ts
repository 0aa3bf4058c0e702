/**
 * The phases scenarios are made of: start the pipeline's stages (as processes), start the result
 * reader (a worker), send orders (worker-thread producers), wait until the pipeline is done (from
 * broker offsets). Each registers its own cleanup, so that a failed or timed-out run stops
 * everything it started.
 */
import type { ProducerOptions } from '../../clients/driver.js';
import type { Encoding } from '../../pipeline/contracts/codec.js';
import type { PipelineTopics, StateMode } from '../../pipeline/contracts/topics.js';
import { decodeHistogram, type LatencyHistogram } from '../../pipeline/histogram.js';
import { PIPELINE_PRODUCER } from '../../pipeline/kafka.js';
import type { BenchContext } from '../harness.js';
import { runProduceLoad, type ProduceLoad, type ProduceLoadResult } from '../load/produce.js';
import type { ResultReaderProgress, ResultReaderResult } from '../load/result-reader.js';
import { startTask } from '../load/task-host.js';
import { PhaseTimeoutError } from '../measure/deadline.js';
import { untilCaughtUp, type GroupWatch } from '../measure/offsets.js';
import { MEASURING_INVENTORY, startPipeline, type InventorySettings, type RunningPipeline } from '../stages/pipeline.js';

export interface StageChoice {
  readonly inventoryInstances: number;
  readonly inventory?: InventorySettings;
  readonly analytics: boolean;
  readonly sessionTimeoutMs?: number;
  readonly analyticsGroup?: string;
  /** The stages' --state; memory unless given. */
  readonly state?: StateMode;
  readonly api?: { readonly lingerMs: number; readonly encoding: Encoding };
  readonly analyticsState?: StateMode;
  readonly exactlyOnce?: boolean;
  /** Static group members for the inventories, when the driver has them (bench:chaos). */
  readonly staticMembers?: boolean;
}

/** A pipeline with no stages of ours: an external one, measured through its topics. */
export type Stages = { readonly kind: 'ours'; readonly pipeline: RunningPipeline } | { readonly kind: 'external' };

/** Starts the run's own stages as processes (none with --pipeline external); they stop at cleanup. */
export async function startStages(context: BenchContext, topics: PipelineTopics, choice: StageChoice, timeoutS: number): Promise<Stages> {
  if (context.pipeline.mode === 'external') return { kind: 'external' };
  const what = `${choice.api ? 'the REST service, ' : ''}${choice.inventoryInstances} inventory process${choice.inventoryInstances === 1 ? '' : 'es'}${choice.analytics ? ' and the analytics' : ''}`;
  context.progress.phase(`starting ${what}`);
  const pipeline = await startPipeline({
    driver: context.client.driver.name,
    brokers: context.target.brokers,
    topics,
    runId: context.runId,
    logDir: context.reportDir,
    inventoryInstances: choice.inventoryInstances,
    inventory: choice.inventory ?? MEASURING_INVENTORY,
    analytics: choice.analytics,
    profile: context.profile,
    startTimeoutMs: timeoutS * 1000,
    ...(choice.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: choice.sessionTimeoutMs } : {}),
    ...(choice.analyticsGroup !== undefined ? { analyticsGroup: choice.analyticsGroup } : {}),
    ...(choice.state !== undefined ? { state: choice.state } : {}),
    ...(choice.api ? { api: choice.api } : {}),
    ...(choice.analyticsState !== undefined ? { analyticsState: choice.analyticsState } : {}),
    ...(choice.exactlyOnce ? { exactlyOnce: true } : {}),
    ...(choice.staticMembers && context.client.driver.capabilities.staticMembership ? { staticMembers: true } : {}),
  });
  context.onCleanup(() => pipeline.stop());
  return { kind: 'ours', pipeline };
}

/** The result reader: a group of the bench's own on the results topic, in a worker; its latency histogram comes back when it finishes. */
export interface ResultReader {
  readonly watch: GroupWatch;
  progress(): ResultReaderProgress;
  finish(): Promise<{ readonly counts: ResultReaderProgress; readonly endToEnd: LatencyHistogram }>;
}

export async function startResultReader(context: BenchContext, topics: PipelineTopics): Promise<ResultReader> {
  const groupId = `${context.runId}-results`;
  const task = await startTask<ResultReaderResult, ResultReaderProgress>(
    { kind: 'read-results', task: { driver: context.client.driver.name, brokers: context.target.brokers, topic: topics.inventory, groupId, runId: context.runId } },
    'the result reader',
  );
  let finished: Promise<ResultReaderResult> | undefined;
  const finish = (): Promise<ResultReaderResult> => {
    if (!finished) {
      task.finish();
      finished = task.result;
    }
    return finished;
  };
  context.onCleanup(finish);
  return {
    watch: { name: 'result reader', group: groupId, topics: [topics.inventory] },
    progress: () => task.progress() ?? { measured: 0, warmup: 0, others: 0 },
    async finish() {
      const result = await finish();
      return { counts: { measured: result.measured, warmup: result.warmup, others: result.others }, endToEnd: decodeHistogram(result.histogram) };
    },
  };
}

export type OrderLoad = Pick<ProduceLoad, 'count' | 'workers' | 'batchSize' | 'sendsPerSecond' | 'phase' | 'topic' | 'encoding'> &
  Partial<Pick<ProduceLoad, 'warmupPerWorker' | 'warmupTopic' | 'producer' | 'inFlight' | 'headers' | 'seed' | 'eventTime'>>;

/** Sends orders from worker-thread producers (processes for a driver that needs them), stamped with the run's headers. */
export async function sendOrders(context: BenchContext, load: OrderLoad, timeoutS: number): Promise<ProduceLoadResult> {
  const result = await runProduceLoad({
    driver: context.client.driver.name,
    brokers: context.target.brokers,
    warmupPerWorker: 0,
    warmupTopic: load.topic,
    producer: PIPELINE_PRODUCER,
    inFlight: 4,
    headers: 'bench',
    seed: 1,
    eventTime: null,
    runId: context.runId,
    timeoutMs: timeoutS * 1000,
    ...load,
  });
  if (result.failed > 0) throw new Error(`${result.failed} of ${load.count} orders were not acknowledged: ${result.firstError ?? 'no error given'}`);
  return result;
}

/** Producer settings of a throughput load: acks as asked, idempotent with acks=all, a short linger where the driver has one. */
export function throughputProducer(acks: ProducerOptions['acks'], compression: ProducerOptions['compression']): ProducerOptions {
  return { idempotent: acks === 'all', acks, compression, lingerMs: 5 };
}

export interface DoneOptions {
  readonly stages: Stages;
  /** The bench's result reader, when the scenario reads results. */
  readonly reader?: ResultReader;
  /** How many of the run's results must be in: an external pipeline's offsets cannot say when it is done. */
  readonly expectedResults?: number;
  readonly timeoutS: number;
  readonly everyMs?: number;
  readonly onSample?: (lags: readonly number[]) => void;
}

/**
 * Done, the same way in every scenario: every watched group (the stages', then the result reader's)
 * has committed up to the end offsets of its inputs. For an external pipeline, whose groups the
 * bench does not know, the reader must also have every result of the run.
 */
export async function untilDone(context: BenchContext, options: DoneOptions): Promise<void> {
  const watches = [...(options.stages.kind === 'ours' ? options.stages.pipeline.watches() : []), ...(options.reader ? [options.reader.watch] : [])];
  const limitMs = options.timeoutS * 1000;
  const work = (async () => {
    if (options.stages.kind === 'external' && options.reader && options.expectedResults !== undefined) {
      const { reader, expectedResults } = options;
      const deadline = Date.now() + limitMs;
      while (reader.progress().measured + reader.progress().warmup < expectedResults) {
        if (Date.now() > deadline) throw new PhaseTimeoutError(`the external pipeline gave ${reader.progress().measured + reader.progress().warmup} of ${expectedResults} results within ${options.timeoutS} s`);
        await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 50));
      }
    }
    await untilCaughtUp(context.admin, watches, limitMs, options.everyMs, options.onSample);
  })();
  await (options.stages.kind === 'ours' ? options.stages.pipeline.guard(work) : work);
}
