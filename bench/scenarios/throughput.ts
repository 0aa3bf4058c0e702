import { Piscina } from 'piscina';
import type { KafkaJavaTools } from '../../kafka/local-broker.js';
import { AnalyticsService } from '../../pipeline/analytics/service.js';
import { decodeHistogram, encodeHistogram, mergeHistograms, summarizeMs } from '../../pipeline/histogram.js';
import { OrderGenerator, wallClock } from '../../pipeline/producer/order-generator.js';
import { OrderPublisher } from '../../pipeline/producer/order-producer.js';
import { startBenchInventory, type BenchContext } from '../harness.js';
import { until, withDeadline } from '../measure/deadline.js';
import { benchHeaders } from '../measure/headers.js';
import { splitEvenly } from '../load/split-load.js';
import type { ProducerTask, ProducerTaskResult } from '../load/producer-task.js';
import { runProducerPerformance, type ProducerPerformanceResult } from '../reference/producer-performance.js';
import type { FigureValue } from '../report/run-result.js';
import type { ThroughputParams } from './params.js';
import type { ScenarioOutcome } from './scenario.js';

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Throughput, in two phases that each measure one thing. Produce: `count` orders from worker-thread
 * producers (the count split between them) while the stages are paused, so that producers and
 * consumers do not share the CPU. Drain: the stages resume, and the time until the inventory and the
 * analytics have processed the whole backlog gives each stage's throughput.
 */
/** `java`: Kafka's Java tools, given when the reference is asked for. */
export async function runThroughput(context: BenchContext, params: ThroughputParams, java?: Pick<KafkaJavaTools, 'javaCommand' | 'classpath'>): Promise<ScenarioOutcome> {
  if (params.reference && !java) throw new Error('the reference run needs Java and the Kafka tools classpath');
  const { client, progress } = context;
  const limit = params.timeoutS * 1000;
  const topics = await context.freshTopics(params.partitions);
  // A short idle fetch: resumed after the produce phase, the stages start again within 50 ms.
  const inventory = await startBenchInventory(context, topics, { seed: params.seed, fetchWaitMs: 50 });
  const analytics = new AnalyticsService(client, { topics, groupId: `${context.runId}-analytics`, reportEveryMessages: 0, fetchWaitMs: 50 });
  await analytics.start();
  context.onCleanup(() => analytics.stop());
  const results = (): number => analytics.consumed()[topics.inventory] ?? 0;
  // The analytics has caught up when it has read every order as well as every result: it reads the
  // two topics separately, and the order topic may trail.
  const analyticsCaughtUp = (count: number): boolean => results() >= count && (analytics.consumed()[topics.orders] ?? 0) >= count;

  progress.phase(`warm-up: ${params.warmup} orders through the pipeline`);
  const warmupStarted = performance.now();
  if (params.warmup > 0) {
    const publisher = await OrderPublisher.open(client, topics.orders);
    const generator = new OrderGenerator({ seed: params.seed + 1_000_003, placedAt: wallClock });
    for (let sent = 0; sent < params.warmup; sent += params.batchSize) {
      await publisher.publish(Array.from({ length: Math.min(params.batchSize, params.warmup - sent) }, () => generator.next()), benchHeaders(context.clock.nowMicros(), 'warmup'));
    }
    await publisher.close();
    await until('warm-up drain', limit, () => (analyticsCaughtUp(params.warmup) ? true : undefined));
  }
  const warmupMs = Math.round(performance.now() - warmupStarted);

  const warmupTopic = await context.freshTopic('producer-warmup', params.partitions);
  const shares = splitEvenly(params.count, params.workers);
  const tasks: ProducerTask[] = shares.map((count, workerIndex) => ({
    workerIndex,
    driver: client.driver.name,
    brokers: context.target.brokers,
    topic: topics.orders,
    count,
    warmup: params.warmup,
    warmupTopic,
    seed: params.seed + workerIndex,
    batchSize: params.batchSize,
    // Idempotence needs acks from all in-sync replicas; with acks=leader or none it is off.
    producer: { idempotent: params.acks === 'all', acks: params.acks, compression: params.compression },
    inFlight: 4,
    sendsPerSecond: null,
  }));
  const pool = new Piscina<ProducerTask, ProducerTaskResult>({
    filename: new URL('../load/producer-worker.js', import.meta.url).href,
    minThreads: params.workers,
    maxThreads: params.workers,
  });
  context.onCleanup(() => pool.destroy());

  const total = params.warmup + params.count;
  progress.phase(`producing ${params.count} orders from ${params.workers} workers, stages paused`);
  inventory.pause();
  analytics.pause();
  const workerResults = await withDeadline('producing', limit, Promise.all(tasks.map((task) => pool.run(task))));

  const series: (number | string)[][] = [];
  let inventoryDoneMs: number | undefined;
  let analyticsDoneMs: number | undefined;
  let last = { t: 0, inventory: 0, results: 0 };
  progress.phase('draining the backlog through the pipeline');
  const drainStarted = performance.now();
  const sample = (): void => {
    const t = performance.now() - drainStarted;
    const processed = Math.max(0, inventory.stats.processed - params.warmup);
    const resultCount = Math.max(0, results() - params.warmup);
    const dt = (t - last.t) / 1000;
    if (dt > 0) series.push([Math.round(t), processed, resultCount, Math.round((processed - last.inventory) / dt), Math.round((resultCount - last.results) / dt)]);
    last = { t, inventory: processed, results: resultCount };
    if (inventoryDoneMs === undefined && inventory.stats.processed >= total) inventoryDoneMs = t;
    if (analyticsDoneMs === undefined && analyticsCaughtUp(total)) analyticsDoneMs = t;
    progress.update(`inventory ${processed}/${params.count}, analytics ${resultCount}/${params.count}`);
  };
  inventory.resume();
  analytics.resume();
  await until('pipeline drain', limit, () => {
    if (performance.now() - drainStarted - last.t >= params.sampleMs) sample();
    else if (inventory.stats.processed >= total && analyticsCaughtUp(total)) sample();
    return analyticsDoneMs !== undefined && inventoryDoneMs !== undefined ? true : undefined;
  }, 5);
  progress.done();

  const figures = analytics.figures();
  const sent = workerResults.reduce((sum, r) => sum + r.sent, 0);
  const failed = workerResults.reduce((sum, r) => sum + r.failed, 0);
  const bytes = workerResults.reduce((sum, r) => sum + r.bytes, 0);
  const meanBytes = Math.round(bytes / Math.max(1, sent + failed));
  const firstError = workerResults.find((r) => r.firstError)?.firstError;
  let reference: ProducerPerformanceResult | undefined;
  if (params.reference && java) {
    progress.phase('reference: Kafka\'s ProducerPerformance on the same broker');
    const referenceTopic = await context.freshTopic('reference', params.partitions);
    reference = await withDeadline(
      'reference run',
      limit,
      // The JVM needs many records to reach steady state: at least 200,000, a quarter of them warm-up.
      runProducerPerformance({ ...java, brokers: context.target.brokers, topic: referenceTopic, records: Math.max(params.count, 200_000), warmupRecords: Math.max(params.count, 200_000) / 4, recordSize: meanBytes, acks: params.acks === 'all' ? 'all' : params.acks === 'leader' ? '1' : '0' }),
    );
    progress.done();
  }
  const span = (Math.max(...workerResults.map((r) => r.endedMicros)) - Math.min(...workerResults.map((r) => r.startedMicros))) / 1e6;
  const produceToAck = mergeHistograms(workerResults.map((r) => decodeHistogram(r.histogram)));
  const drainS = (analyticsDoneMs ?? 0) / 1000;
  const perWorker: Record<string, FigureValue> = {};
  for (const r of workerResults) perWorker[`worker_${r.workerIndex}_events_per_s`] = round(r.sent / ((r.endedMicros - r.startedMicros) / 1e6), 0);

  return {
    // The pipeline's warm-up, and each producer thread's (to a topic of its own, not consumed).
    warmup: { messages: params.warmup * (1 + params.workers), duration_ms: warmupMs, excluded_from_figures: true },
    figures: {
      orders_sent: sent,
      orders_failed: failed,
      produce_events_per_s: round(sent / span, 0),
      produce_mb_per_s: round(bytes / span / 1e6, 2),
      mean_message_bytes: meanBytes,
      ...perWorker,
      produce_s: round(span, 3),
      inventory_drained_s: round((inventoryDoneMs ?? 0) / 1000, 3),
      analytics_drained_s: round(drainS, 3),
      inventory_orders_per_s: round(params.count / ((inventoryDoneMs ?? 0) / 1000), 0),
      pipeline_drain_orders_per_s: round(params.count / drainS, 0),
      analytics_total_orders: figures.total_orders,
      ...(reference
        ? {
            reference_java_steady_records: reference.records,
            reference_java_events_per_s: round(reference.recordsPerS, 0),
            reference_java_mb_per_s: reference.mbPerS,
            reference_java_p50_ms: reference.p50Ms,
            reference_java_p99_ms: reference.p99Ms,
            driver_share_of_java: round(sent / span / reference.recordsPerS, 3),
          }
        : {}),
    },
    histograms: [{ name: 'produce_to_ack', description: `batch of ${params.batchSize} made to broker acknowledgement (acks=${params.acks}), per message, merged from ${params.workers} workers`, summary: summarizeMs(produceToAck), encoded: encodeHistogram(produceToAck) }],
    series: [{ name: 'throughput', columns: ['t_ms', 'inventory_processed', 'analytics_results', 'inventory_per_s', 'analytics_per_s'], rows: series }],
    checks: [
      { name: 'every order sent', passed: failed === 0 && sent === params.count, detail: `${sent} of ${params.count} acknowledged${firstError ? `; first error: ${firstError}` : ''}` },
      { name: 'nothing lost', passed: figures.total_orders === total && figures.pending === 0 && figures.reserved + figures.failed === total, detail: `analytics: ${figures.total_orders} orders, ${figures.reserved + figures.failed} results, ${figures.pending} pending, of ${total} (warm-up included)` },
    ],
  };
}
