import type { Figures } from '../../pipeline/analytics/figures.js';
import type { Encoding } from '../../pipeline/contracts/codec.js';
import type { PipelineTopics } from '../../pipeline/contracts/topics.js';
import { encodeHistogram, summarizeMs } from '../../pipeline/histogram.js';
import type { BenchContext } from '../harness.js';
import type { ProduceLoadResult } from '../load/produce.js';
import { bestJavaProduce, javaFigures, runJavaReference, type JavaReference, type JavaTools } from '../reference/java-reference.js';
import type { FigureValue, TableRecord } from '../report/run-result.js';
import type { InventoryCounts } from '../stages/pipeline.js';
import type { ThroughputParams } from './params.js';
import { sendOrders, startResultReader, startStages, throughputProducer, untilDone, type ResultReader, type Stages } from './phases.js';
import type { ScenarioOutcome } from './scenario.js';

const round = (value: number, digits = 0): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** A stage group's session timeout in this scenario: longer than the produce phase the stages are frozen through. */
const FROZEN_SESSION_TIMEOUT_MS = 60_000;

interface Drain {
  /** From the thaw until the inventory group had committed every order. */
  readonly inventoryS: number;
  /** Until the analytics (or, for an external pipeline, the result reader) had read everything too. */
  readonly pipelineS: number;
  readonly series: (number | string)[][];
  /** Orders each inventory process handled during the drain. */
  readonly perInstance: readonly number[];
}

interface InstancesRun {
  readonly encoding: Encoding;
  readonly instances: number;
  readonly produced: ProduceLoadResult;
  readonly drain: Drain;
  readonly figures: Figures | undefined;
  readonly results: number | undefined;
  readonly warmupMs: number;
}

/**
 * Throughput, in phases that each measure one thing. The stages run as their own processes and are
 * warmed up first. Produce: `count` orders from worker-thread producers (the count split between
 * them) while the stages are frozen, so that producers and stages do not share the CPU. Drain: the
 * stages thaw, and the time until their groups have committed the whole backlog (broker offsets)
 * gives the pipeline's throughput. Repeated for each inventory instance count asked for. With
 * `java`, Kafka's own producer on the same broker, run to steady state, as the reference.
 */
export async function runThroughput(context: BenchContext, params: ThroughputParams, java?: JavaTools): Promise<ScenarioOutcome> {
  if (params.reference && !java) throw new Error('the reference run needs Java and the Kafka tools classpath');
  const runs: InstancesRun[] = [];
  for (const encoding of params.encodings) {
    for (const instances of params.inventoryInstances) runs.push(await measureWithInstances(context, params, instances, encoding));
  }
  const first = runs[0];
  if (!first) throw new Error('--inventory-instances named no count');
  const reference = params.reference && java ? await runJavaReference(context, java, { recordSize: Math.round(first.produced.meanMessageBytes), acks: params.acks === 'all' ? 'all' : params.acks === 'leader' ? '1' : '0', partitions: params.partitions, consume: false, measuredRecords: params.javaRecords, warmupRecords: params.javaWarmupRecords }) : undefined;
  return throughputOutcome(params, runs, reference);
}

async function measureWithInstances(context: BenchContext, params: ThroughputParams, instances: number, encoding: Encoding): Promise<InstancesRun> {
  const topics = await context.pipelineTopics(Math.max(params.partitions, instances));
  const stages = await startStages(context, topics, { inventoryInstances: instances, analytics: true, sessionTimeoutMs: FROZEN_SESSION_TIMEOUT_MS }, params.timeoutS);
  const reader = stages.kind === 'external' ? await startResultReader(context, topics) : undefined;
  const warmupMs = await warmUpPipeline(context, topics, stages, reader, params, encoding);
  // Counted before the freeze: a frozen process answers nothing, and processes nothing either.
  const before = await inventoryCounts(stages);
  if (stages.kind === 'ours') stages.pipeline.freeze(true);
  const produced = await produceBacklog(context, topics, params, instances, encoding);
  const drain = await drainBacklog(context, stages, reader, params, before);
  const figures = stages.kind === 'ours' ? await stages.pipeline.analyticsFigures() : undefined;
  const results = reader ? (await reader.finish()).counts.measured : undefined;
  if (stages.kind === 'ours') await stages.pipeline.stop();
  return { encoding, instances, produced, drain, figures, results, warmupMs };
}

async function warmUpPipeline(context: BenchContext, topics: PipelineTopics, stages: Stages, reader: ResultReader | undefined, params: ThroughputParams, encoding: Encoding): Promise<number> {
  context.progress.phase(`warm-up: ${params.warmup} orders (${encoding}) through the pipeline`);
  const started = performance.now();
  if (params.warmup > 0) {
    await sendOrders(context, { topic: topics.orders, count: params.warmup, workers: 1, batchSize: params.batchSize, sendsPerSecond: null, phase: 'warmup', seed: params.seed + 1_000_003, encoding }, params.timeoutS);
    await untilDone(context, { stages, ...(reader ? { reader } : {}), expectedResults: params.warmup, timeoutS: params.timeoutS });
  }
  return Math.round(performance.now() - started);
}

async function produceBacklog(context: BenchContext, topics: PipelineTopics, params: ThroughputParams, instances: number, encoding: Encoding): Promise<ProduceLoadResult> {
  context.progress.phase(`producing ${params.count} orders (${encoding}) from ${params.workers} workers, ${instances} inventory process${instances === 1 ? '' : 'es'} frozen`);
  return sendOrders(
    context,
    {
      topic: topics.orders,
      count: params.count,
      workers: params.workers,
      batchSize: params.batchSize,
      sendsPerSecond: null,
      phase: 'measure',
      encoding,
      // The pipeline's own header only, unless an external pipeline's results must be told apart by run.
      headers: context.pipeline.mode === 'external' ? 'bench' : 'sent-at',
      producer: throughputProducer(params.acks, params.compression),
      // Each producer thread warms up on a topic of its own, which nothing consumes.
      warmupPerWorker: params.warmup,
      warmupTopic: await context.freshTopic(`producer-warmup-${encoding}-${instances}`, params.partitions),
      seed: params.seed,
    },
    params.timeoutS,
  );
}

function inventoryCounts(stages: Stages): Promise<readonly InventoryCounts[]> {
  return stages.kind === 'ours' ? stages.pipeline.inventoryCounts() : Promise.resolve([]);
}

async function drainBacklog(context: BenchContext, stages: Stages, reader: ResultReader | undefined, params: ThroughputParams, before: readonly InventoryCounts[]): Promise<Drain> {
  const total = params.warmup + params.count;
  const series: (number | string)[][] = [];
  context.progress.phase('draining the backlog through the pipeline');
  const started = performance.now();
  if (stages.kind === 'ours') stages.pipeline.freeze(false);
  let inventoryDoneMs: number | undefined;
  let lastSampleMs = -Infinity;
  await untilDone(context, {
    stages,
    ...(reader ? { reader } : {}),
    expectedResults: total,
    timeoutS: params.timeoutS,
    everyMs: Math.min(50, params.sampleMs),
    onSample: (lags) => {
      const t = performance.now() - started;
      if (inventoryDoneMs === undefined && stages.kind === 'ours' && lags[0] === 0) inventoryDoneMs = t;
      if (t - lastSampleMs >= params.sampleMs) {
        lastSampleMs = t;
        series.push([Math.round(t), ...lags]);
        context.progress.update(lags.map((lag) => `${lag} behind`).join(', '));
      }
    },
  });
  const pipelineMs = performance.now() - started;
  context.progress.done();
  const after = await inventoryCounts(stages);
  return { inventoryS: (inventoryDoneMs ?? pipelineMs) / 1000, pipelineS: pipelineMs / 1000, series, perInstance: after.map((count, i) => count.processed - (before[i]?.processed ?? 0)) };
}

/** Each encoding's first run (its first instance count), when more than one encoding was measured. */
function byEncoding(params: ThroughputParams, runs: readonly InstancesRun[]): InstancesRun[] {
  if (params.encodings.length < 2) return [];
  return params.encodings.flatMap((encoding) => runs.filter((run) => run.encoding === encoding).slice(0, 1));
}

/** The encodings side by side: `<encoding>_<figure>` for each, and Avro's values over JSON's. */
function encodingFigures(params: ThroughputParams, runs: readonly InstancesRun[]): Record<string, FigureValue> {
  const compared = byEncoding(params, runs);
  const figures: Record<string, FigureValue> = {};
  for (const run of compared) {
    const e = run.encoding;
    figures[`${e}_mean_value_bytes`] = round(run.produced.meanValueBytes, 1);
    figures[`${e}_mean_message_bytes`] = round(run.produced.meanMessageBytes, 1);
    figures[`${e}_produce_events_per_s`] = round(run.produced.eventsPerS);
    figures[`${e}_produce_mb_per_s`] = round(run.produced.mbPerS, 2);
    figures[`${e}_harness_us_per_message`] = round(run.produced.buildMicrosPerMessage, 2);
    figures[`${e}_inventory_orders_per_s`] = round(params.count / run.drain.inventoryS);
    figures[`${e}_pipeline_drain_orders_per_s`] = round(params.count / run.drain.pipelineS);
  }
  const json = compared.find((run) => run.encoding === 'json');
  const avro = compared.find((run) => run.encoding === 'avro');
  if (json && avro) {
    figures.avro_over_json_value_bytes = round(avro.produced.meanValueBytes / json.produced.meanValueBytes, 3);
    figures.avro_over_json_drain_orders_per_s = round(json.drain.pipelineS / avro.drain.pipelineS, 3);
  }
  return figures;
}

function encodingsTable(params: ThroughputParams, runs: readonly InstancesRun[]): TableRecord {
  return {
    name: 'encodings',
    title: 'the same orders in each encoding: bytes per message, produce rate, drain through the pipeline',
    columns: ['encoding', 'mean_value_bytes', 'mean_message_bytes', 'produce_events_per_s', 'produce_mb_per_s', 'inventory_orders_per_s', 'pipeline_drain_orders_per_s', 'harness_us_per_message'],
    rows: byEncoding(params, runs).map((run) => [run.encoding, round(run.produced.meanValueBytes, 1), round(run.produced.meanMessageBytes, 1), round(run.produced.eventsPerS), round(run.produced.mbPerS, 2), round(params.count / run.drain.inventoryS), round(params.count / run.drain.pipelineS), round(run.produced.buildMicrosPerMessage, 2)]),
  };
}

function throughputOutcome(params: ThroughputParams, runs: readonly InstancesRun[], reference: JavaReference | undefined): ScenarioOutcome {
  const [first] = runs;
  if (!first) throw new Error('no run');
  // The scaling is measured in the first encoding; another encoding repeats it for the comparison.
  const scalingRuns = runs.filter((run) => run.encoding === first.encoding);
  const { produced, drain } = first;
  const total = params.warmup + params.count;
  const perWorker: Record<string, FigureValue> = Object.fromEntries(produced.perWorkerEventsPerS.map((rate, i) => [`worker_${i}_events_per_s`, round(rate)]));
  const perInstance: Record<string, FigureValue> = Object.fromEntries(drain.perInstance.map((count, i) => [`inventory_${i + 1}_orders_per_s`, round(count / drain.inventoryS)]));
  const scaling: Record<string, FigureValue> = scalingRuns.length > 1 ? Object.fromEntries(scalingRuns.map((run) => [`inventory_instances_${run.instances}_drain_orders_per_s`, round(params.count / run.drain.pipelineS)])) : {};
  return {
    // The pipeline's warm-up, and each producer thread's (to a topic of its own, not consumed).
    warmup: { messages: params.warmup * (1 + params.workers), duration_ms: first.warmupMs, excluded_from_figures: true },
    figures: {
      orders_sent: produced.sent,
      orders_failed: produced.failed,
      produce_events_per_s: round(produced.eventsPerS),
      produce_mb_per_s: round(produced.mbPerS, 2),
      mean_message_bytes: round(produced.meanMessageBytes),
      mean_value_bytes: round(produced.meanValueBytes, 1),
      harness_us_per_message: round(produced.buildMicrosPerMessage, 2),
      ...perWorker,
      produce_s: round(produced.spanS, 3),
      inventory_instances: first.instances,
      inventory_drained_s: round(drain.inventoryS, 3),
      pipeline_drained_s: round(drain.pipelineS, 3),
      inventory_orders_per_s: round(params.count / drain.inventoryS),
      pipeline_drain_orders_per_s: round(params.count / drain.pipelineS),
      ...perInstance,
      ...scaling,
      ...encodingFigures(params, runs),
      ...(first.figures ? { analytics_total_orders: first.figures.total_orders } : {}),
      ...(reference ? { ...javaFigures(reference), driver_share_of_java: round(produced.eventsPerS / bestJavaProduce(reference), 3) } : {}),
    },
    histograms: [{ name: 'produce_to_ack', description: `batch of ${params.batchSize} made to broker acknowledgement (acks=${params.acks}), per message, merged from ${params.workers} workers`, summary: summarizeMs(produced.produceToAck), encoded: encodeHistogram(produced.produceToAck) }],
    series: [{ name: 'drain', columns: ['t_ms', ...(first.figures ? ['inventory_lag', 'analytics_lag'] : ['results_reader_lag'])], rows: drain.series }],
    ...(scalingRuns.length > 1 || params.encodings.length > 1 ? { tables: [...(scalingRuns.length > 1 ? [scalingTable(params, scalingRuns)] : []), ...(params.encodings.length > 1 ? [encodingsTable(params, runs)] : [])] } : {}),
    checks: [
      ...runs.map((run) => ({ name: `${runLabel(params, run)}: every order sent`, passed: run.produced.failed === 0 && run.produced.sent === params.count, detail: `${run.produced.sent} of ${params.count} acknowledged${run.produced.firstError ? `; first error: ${run.produced.firstError}` : ''}` })),
      ...runs.map((run) => lostCheck(params, run, total)),
    ],
  };
}

/** A run's name in the checks: its inventory count, and its encoding when several were measured. */
function runLabel(params: ThroughputParams, run: InstancesRun): string {
  return `${params.encodings.length > 1 ? `${run.encoding}, ` : ''}${run.instances} inventory`;
}

function lostCheck(params: ThroughputParams, run: InstancesRun, total: number): { name: string; passed: boolean; detail: string } {
  const name = `${runLabel(params, run)}: nothing lost`;
  if (run.figures) {
    const f = run.figures;
    return { name, passed: f.total_orders === total && f.pending === 0 && f.reserved + f.failed === total, detail: `analytics: ${f.total_orders} orders, ${f.reserved + f.failed} results, ${f.pending} pending, of ${total} (warm-up included)` };
  }
  return { name, passed: run.results === run.produced.sent, detail: `${String(run.results)} results read for the ${run.produced.sent} measured orders sent` };
}

function scalingTable(params: ThroughputParams, runs: readonly InstancesRun[]): TableRecord {
  return {
    name: 'inventory_scaling',
    title: 'inventory processes in one group: the drain of the same backlog',
    columns: ['instances', 'partitions', 'drain_orders_per_s', 'inventory_orders_per_s', 'per_instance_orders_per_s'],
    rows: runs.map((run) => [run.instances, Math.max(params.partitions, run.instances), round(params.count / run.drain.pipelineS), round(params.count / run.drain.inventoryS), run.drain.perInstance.map((count) => round(count / run.drain.inventoryS)).join(' / ')]),
  };
}
