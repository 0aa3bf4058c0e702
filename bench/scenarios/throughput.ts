import { AnalyticsService } from '../../pipeline/analytics/service.js';
import type { PipelineTopics } from '../../pipeline/contracts/topics.js';
import { encodeHistogram, summarizeMs } from '../../pipeline/histogram.js';
import type { InventoryService } from '../../pipeline/inventory/service.js';
import { OrderGenerator, wallClock } from '../../pipeline/producer/order-generator.js';
import { OrderPublisher } from '../../pipeline/producer/order-producer.js';
import { startBenchInventory, type BenchContext } from '../harness.js';
import { runProduceLoad, type ProduceLoadResult } from '../load/produce.js';
import { until } from '../measure/deadline.js';
import { benchHeaders } from '../measure/headers.js';
import { bestJavaProduce, javaFigures, runJavaReference, type JavaReference, type JavaTools } from '../reference/java-reference.js';
import type { FigureValue } from '../report/run-result.js';
import type { ThroughputParams } from './params.js';
import type { ScenarioOutcome } from './scenario.js';

const round = (value: number, digits = 0): number => Math.round(value * 10 ** digits) / 10 ** digits;

interface Stages {
  readonly inventory: InventoryService;
  readonly analytics: AnalyticsService;
  /** The analytics has read `count` orders and `count` results: it reads the two topics separately, and the order topic may trail. */
  caughtUp(count: number): boolean;
  results(): number;
}

interface Drain {
  readonly inventoryS: number;
  readonly pipelineS: number;
  readonly series: (number | string)[][];
}

/**
 * Throughput, in phases that each measure one thing. Produce: `count` orders from worker-thread
 * producers (the count split between them) while the stages are paused, so that producers and
 * consumers do not share the CPU. Drain: the stages resume, and the time until the inventory and
 * the analytics have processed the whole backlog gives each stage's throughput. With `java`, Kafka's
 * own producer on the same broker, run to steady state, as the reference.
 */
export async function runThroughput(context: BenchContext, params: ThroughputParams, java?: JavaTools): Promise<ScenarioOutcome> {
  if (params.reference && !java) throw new Error('the reference run needs Java and the Kafka tools classpath');
  const topics = await context.freshTopics(params.partitions);
  const stages = await startStages(context, topics, params);
  const warmupMs = await warmUpPipeline(context, topics, stages, params);
  stages.inventory.pause();
  stages.analytics.pause();
  const produced = await produceBacklog(context, topics, params);
  const drain = await drainBacklog(context, stages, params);
  const reference = params.reference && java ? await runJavaReference(context, java, { recordSize: Math.round(produced.meanMessageBytes), acks: params.acks === 'all' ? 'all' : params.acks === 'leader' ? '1' : '0', partitions: params.partitions, consume: false, measuredRecords: params.javaRecords, warmupRecords: params.javaWarmupRecords }) : undefined;
  return throughputOutcome(params, stages, produced, drain, reference, warmupMs);
}

async function startStages(context: BenchContext, topics: PipelineTopics, params: ThroughputParams): Promise<Stages> {
  // A short idle fetch: resumed after the produce phase, the stages start again within 50 ms.
  const inventory = await startBenchInventory(context, topics, { seed: params.seed, fetchWaitMs: 50 });
  const analytics = new AnalyticsService(context.client, { topics, groupId: `${context.runId}-analytics`, reportEveryMessages: 0, fetchWaitMs: 50 });
  await analytics.start();
  context.onCleanup(() => analytics.stop());
  const results = (): number => analytics.consumed()[topics.inventory] ?? 0;
  return { inventory, analytics, results, caughtUp: (count) => results() >= count && (analytics.consumed()[topics.orders] ?? 0) >= count };
}

async function warmUpPipeline(context: BenchContext, topics: PipelineTopics, stages: Stages, params: ThroughputParams): Promise<number> {
  context.progress.phase(`warm-up: ${params.warmup} orders through the pipeline`);
  const started = performance.now();
  if (params.warmup > 0) {
    const publisher = await OrderPublisher.open(context.client, topics.orders);
    const generator = new OrderGenerator({ seed: params.seed + 1_000_003, placedAt: wallClock() });
    for (let sent = 0; sent < params.warmup; sent += params.batchSize) {
      await publisher.publish(Array.from({ length: Math.min(params.batchSize, params.warmup - sent) }, () => generator.next()), benchHeaders(context.clock.nowMicros(), 'warmup'));
    }
    await publisher.close();
    await until('warm-up drain', params.timeoutS * 1000, () => (stages.caughtUp(params.warmup) ? true : undefined));
  }
  return Math.round(performance.now() - started);
}

async function produceBacklog(context: BenchContext, topics: PipelineTopics, params: ThroughputParams): Promise<ProduceLoadResult> {
  context.progress.phase(`producing ${params.count} orders from ${params.workers} workers, stages paused`);
  return runProduceLoad({
    driver: context.client.driver.name,
    brokers: context.target.brokers,
    topic: topics.orders,
    // Each producer thread warms up on a topic of its own, which nothing consumes.
    warmupTopic: await context.freshTopic('producer-warmup', params.partitions),
    count: params.count,
    warmupPerWorker: params.warmup,
    workers: params.workers,
    batchSize: params.batchSize,
    // Idempotence needs acks from all in-sync replicas; with acks=leader or none it is off.
    producer: { idempotent: params.acks === 'all', acks: params.acks, compression: params.compression, lingerMs: 5 },
    inFlight: 4,
    sendsPerSecond: null,
    stampHeaders: true,
    seed: params.seed,
    timeoutMs: params.timeoutS * 1000,
  });
}

async function drainBacklog(context: BenchContext, stages: Stages, params: ThroughputParams): Promise<Drain> {
  const total = params.warmup + params.count;
  const series: (number | string)[][] = [];
  let inventoryDoneMs: number | undefined;
  let pipelineDoneMs: number | undefined;
  let last = { t: 0, inventory: 0, results: 0 };
  context.progress.phase('draining the backlog through the pipeline');
  const started = performance.now();
  const sample = (): void => {
    const t = performance.now() - started;
    const processed = Math.max(0, stages.inventory.stats.processed - params.warmup);
    const resultCount = Math.max(0, stages.results() - params.warmup);
    const dt = (t - last.t) / 1000;
    if (dt > 0) series.push([Math.round(t), processed, resultCount, Math.round((processed - last.inventory) / dt), Math.round((resultCount - last.results) / dt)]);
    last = { t, inventory: processed, results: resultCount };
    if (inventoryDoneMs === undefined && stages.inventory.stats.processed >= total) inventoryDoneMs = t;
    if (pipelineDoneMs === undefined && stages.caughtUp(total)) pipelineDoneMs = t;
    context.progress.update(`inventory ${processed}/${params.count}, analytics ${resultCount}/${params.count}`);
  };
  stages.inventory.resume();
  stages.analytics.resume();
  await until(
    'pipeline drain',
    params.timeoutS * 1000,
    () => {
      if (performance.now() - started - last.t >= params.sampleMs || (stages.inventory.stats.processed >= total && stages.caughtUp(total))) sample();
      return pipelineDoneMs !== undefined && inventoryDoneMs !== undefined ? true : undefined;
    },
    5,
  );
  context.progress.done();
  return { inventoryS: (inventoryDoneMs ?? 0) / 1000, pipelineS: (pipelineDoneMs ?? 0) / 1000, series };
}

function throughputOutcome(params: ThroughputParams, stages: Stages, produced: ProduceLoadResult, drain: Drain, reference: JavaReference | undefined, warmupMs: number): ScenarioOutcome {
  const figures = stages.analytics.figures();
  const total = params.warmup + params.count;
  const perWorker: Record<string, FigureValue> = Object.fromEntries(produced.perWorkerEventsPerS.map((rate, i) => [`worker_${i}_events_per_s`, round(rate)]));
  return {
    // The pipeline's warm-up, and each producer thread's (to a topic of its own, not consumed).
    warmup: { messages: params.warmup * (1 + params.workers), duration_ms: warmupMs, excluded_from_figures: true },
    figures: {
      orders_sent: produced.sent,
      orders_failed: produced.failed,
      produce_events_per_s: round(produced.eventsPerS),
      produce_mb_per_s: round(produced.mbPerS, 2),
      mean_message_bytes: round(produced.meanMessageBytes),
      harness_us_per_message: round(produced.buildMicrosPerMessage, 2),
      ...perWorker,
      produce_s: round(produced.spanS, 3),
      inventory_drained_s: round(drain.inventoryS, 3),
      analytics_drained_s: round(drain.pipelineS, 3),
      inventory_orders_per_s: round(params.count / drain.inventoryS),
      pipeline_drain_orders_per_s: round(params.count / drain.pipelineS),
      analytics_total_orders: figures.total_orders,
      ...(reference ? { ...javaFigures(reference), driver_share_of_java: round(produced.eventsPerS / bestJavaProduce(reference), 3) } : {}),
    },
    histograms: [{ name: 'produce_to_ack', description: `batch of ${params.batchSize} made to broker acknowledgement (acks=${params.acks}), per message, merged from ${params.workers} workers`, summary: summarizeMs(produced.produceToAck), encoded: encodeHistogram(produced.produceToAck) }],
    series: [{ name: 'throughput', columns: ['t_ms', 'inventory_processed', 'analytics_results', 'inventory_per_s', 'analytics_per_s'], rows: drain.series }],
    checks: [
      { name: 'every order sent', passed: produced.failed === 0 && produced.sent === params.count, detail: `${produced.sent} of ${params.count} acknowledged${produced.firstError ? `; first error: ${produced.firstError}` : ''}` },
      { name: 'nothing lost', passed: figures.total_orders === total && figures.pending === 0 && figures.reserved + figures.failed === total, detail: `analytics: ${figures.total_orders} orders, ${figures.reserved + figures.failed} results, ${figures.pending} pending, of ${total} (warm-up included)` },
    ],
  };
}
