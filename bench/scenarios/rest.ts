/**
 * bench:rest: POST /order through the REST service, which runs as its own process with the
 * inventory and the analytics. Closed loop over many connections, or open loop at a rate; the HTTP
 * latency of every request, each order's latency to its inventory result, the statuses, and checks
 * that every 202 is exactly one order on the topic and one result.
 */
import { decodeHistogram, encodeHistogram, mergeHistograms, summarizeMs, type LatencyHistogram } from '../../pipeline/histogram.js';
import type { BenchContext } from '../harness.js';
import type { HttpLoadResult, HttpLoadTask } from '../load/http-load.js';
import { splitEvenly } from '../load/split-load.js';
import { startTask } from '../load/task-host.js';
import { withDeadline } from '../measure/deadline.js';
import type { Phase } from '../measure/headers.js';
import type { Check, HistogramRecord } from '../report/run-result.js';
import type { RestParams } from './params.js';
import { startResultReader, startStages, untilDone } from './phases.js';
import type { ScenarioOutcome } from './scenario.js';

interface HttpLoadSummary {
  readonly requests: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly accepted: number;
  readonly spanS: number;
  readonly latency: LatencyHistogram;
  readonly sendLag: LatencyHistogram | undefined;
  readonly firstError: string | undefined;
}

const round = (value: number, digits = 0): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** The load split between worker threads: connections, rate and count each divided explicitly. */
async function driveHttp(context: BenchContext, origin: string, shape: { connections: number; rate: number | null; count: number | null; durationS: number; workers: number; phase: Phase; seed: number }, timeoutS: number): Promise<HttpLoadSummary> {
  const workers = Math.min(shape.workers, shape.connections);
  const connections = splitEvenly(shape.connections, workers);
  const counts = shape.count === null ? undefined : splitEvenly(shape.count, workers);
  const tasks: HttpLoadTask[] = connections.map((c, workerIndex) => ({
    workerIndex,
    origin,
    connections: c,
    rate: shape.rate === null ? null : shape.rate / workers,
    count: counts?.[workerIndex] ?? null,
    durationMs: shape.durationS * 1000,
    phase: shape.phase,
    runId: context.runId,
    seed: shape.seed + workerIndex,
  }));
  const running = await Promise.all(tasks.map((task) => startTask<HttpLoadResult>({ kind: 'http', task }, `HTTP load ${task.workerIndex}`)));
  const results = await withDeadline('the HTTP load', timeoutS * 1000 + shape.durationS * 1000, Promise.all(running.map((task) => task.result)));
  const statuses: Record<string, number> = {};
  for (const result of results) for (const [status, n] of Object.entries(result.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  const lags = results.flatMap((r) => (r.sendLag ? [decodeHistogram(r.sendLag)] : []));
  return {
    requests: results.reduce((sum, r) => sum + r.requests, 0),
    statuses,
    accepted: statuses['202'] ?? 0,
    spanS: (Math.max(...results.map((r) => r.endedMicros)) - Math.min(...results.map((r) => r.startedMicros))) / 1e6,
    latency: mergeHistograms(results.map((r) => decodeHistogram(r.latency))),
    sendLag: lags.length > 0 ? mergeHistograms(lags) : undefined,
    firstError: results.find((r) => r.firstError !== undefined)?.firstError,
  };
}

export async function runRest(context: BenchContext, params: RestParams): Promise<ScenarioOutcome> {
  const topics = await context.freshTopics(params.partitions);
  const stages = await startStages(context, topics, { inventoryInstances: 1, analytics: true, api: { lingerMs: params.lingerMs, encoding: params.encoding } }, params.timeoutS);
  if (stages.kind !== 'ours' || !stages.pipeline.api) throw new Error('bench:rest runs its own REST service');
  const { pipeline } = stages;
  const origin = pipeline.api?.metricsUrl ?? '';
  const reader = await startResultReader(context, topics);

  context.progress.phase(`warm-up: ${params.warmup} requests through the service and the pipeline`);
  const warmupStarted = performance.now();
  const warmup = await driveHttp(context, origin, { connections: Math.min(params.connections, 8), rate: null, count: params.warmup, durationS: 0, workers: 1, phase: 'warmup', seed: params.seed + 1_000_003 }, params.timeoutS);
  await untilDone(context, { stages, reader, timeoutS: params.timeoutS });
  const warmupMs = Math.round(performance.now() - warmupStarted);

  const what = params.rate === null ? `${params.connections} connections, closed loop` : `${params.rate} requests/s, open loop`;
  context.progress.phase(`POST /order: ${what}, ${params.count === null ? `${params.durationS} s` : `${params.count} requests`}`);
  const measured = await pipeline.guard(driveHttp(context, origin, { ...params, phase: 'measure' }, params.timeoutS));
  context.progress.phase('waiting for every result');
  await untilDone(context, { stages, reader, timeoutS: params.timeoutS });
  const { counts, endToEnd } = await reader.finish();
  const figures = await pipeline.analyticsFigures();
  const onTopic = (await context.admin.endOffsets(topics.orders)).reduce((sum, p) => sum + p.high, 0);
  context.progress.done();
  return restOutcome(params, warmup, measured, { results: counts.measured, endToEnd, onTopic, analyticsOrders: figures.total_orders, pending: figures.pending, warmupMs });
}

interface Settled {
  readonly results: number;
  readonly endToEnd: LatencyHistogram;
  readonly onTopic: number;
  readonly analyticsOrders: number;
  readonly pending: number;
  readonly warmupMs: number;
}

function histogramRecord(name: string, description: string, histogram: LatencyHistogram): HistogramRecord {
  return { name, description, summary: summarizeMs(histogram), encoded: encodeHistogram(histogram) };
}

function restOutcome(params: RestParams, warmup: HttpLoadSummary, measured: HttpLoadSummary, settled: Settled): ScenarioOutcome {
  const how = params.rate === null ? `${params.connections} connections, closed loop` : `${params.rate}/s, from each request's intended time`;
  const histograms = [
    histogramRecord('http', `POST /order to its 202 (or other answer), ${how}`, measured.latency),
    histogramRecord('order_to_result', `request (intended time) to the order's inventory result read back from the results topic, ${how}`, settled.endToEnd),
  ];
  if (measured.sendLag) histograms.push(histogramRecord('send_lag', "how late each request started after its intended time (the load generator's own delay)", measured.sendLag));
  const http = summarizeMs(measured.latency);
  const e2e = summarizeMs(settled.endToEnd);
  const accepted = warmup.accepted + measured.accepted;
  const statusFigures = Object.fromEntries(Object.entries(measured.statuses).map(([status, n]) => [`status_${status}`, n]));
  const checks: Check[] = [
    { name: 'every request accepted', passed: measured.accepted === measured.requests, detail: `${measured.accepted} of ${measured.requests} answered 202; ${Object.entries(measured.statuses).map(([s, n]) => `${s}: ${n}`).join(', ')}${measured.firstError ? `; first error: ${measured.firstError}` : ''}` },
    { name: 'one order on the topic for every 202', passed: settled.onTopic === accepted, detail: `${settled.onTopic} orders on the topic for ${accepted} 202s (warm-up included)` },
    { name: 'one result for every 202', passed: settled.results === measured.accepted, detail: `${settled.results} results for ${measured.accepted} measured 202s` },
    { name: 'nothing lost, nothing counted twice', passed: settled.analyticsOrders === accepted && settled.pending === 0, detail: `analytics: ${settled.analyticsOrders} distinct orders, ${settled.pending} pending, of ${accepted}` },
  ];
  return {
    warmup: { messages: warmup.requests, duration_ms: settled.warmupMs, excluded_from_figures: true },
    figures: {
      requests: measured.requests,
      accepted: measured.accepted,
      ...statusFigures,
      requests_per_s: round(measured.requests / measured.spanS),
      http_p50_ms: http.p50,
      http_p99_ms: http.p99,
      order_to_result_p50_ms: e2e.p50,
      order_to_result_p99_ms: e2e.p99,
      ...(measured.sendLag ? { send_lag_p99_ms: summarizeMs(measured.sendLag).p99 } : {}),
      orders_on_topic: settled.onTopic - warmup.accepted,
      results: settled.results,
      api_linger_ms: params.lingerMs,
    },
    histograms,
    series: [],
    checks,
  };
}
