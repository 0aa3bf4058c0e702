/**
 * bench:chaos: orders at a steady rate through the pipeline (its stages as processes) on a
 * replicated cluster while faults come on a schedule: the broker leading an order partition killed
 * and restarted, the inventory killed and restarted, a broker paused past the session timeouts.
 * Afterwards a fresh read_committed read accounts for every acknowledged order; each fault's
 * recovery comes from the live results' latency.
 */
import { changelogTopic, type PipelineTopics } from '../../pipeline/contracts/topics.js';
import { createLatencyHistogram, encodeHistogram, recordMicros, summarizeMs } from '../../pipeline/histogram.js';
import { accountOrders, type Accounting } from '../faults/accounting.js';
import type { BrokerControl } from '../faults/broker-control.js';
import { readCommittedOutcome } from '../faults/final-read.js';
import { runFaultSchedule, type FaultEvent, type FaultTargets } from '../faults/inject.js';
import { disturbedThresholdMs, recoverySeconds, type Arrival } from '../faults/recovery.js';
import { parseFaultSchedule, type Fault } from '../faults/schedule.js';
import type { BenchContext } from '../harness.js';
import { readLiveResults, type LiveResults } from '../load/live-results.js';
import { sendTrackedOrders, type TrackedLoadResult } from '../load/tracked-orders.js';
import { systemClock } from '../measure/clock.js';
import { until } from '../measure/deadline.js';
import { untilCaughtUp } from '../measure/offsets.js';
import type { Check, FaultRecord, HistogramRecord, SeriesRecord } from '../report/run-result.js';
import type { RunningPipeline } from '../stages/pipeline.js';
import type { ChaosParams } from './params.js';
import { startStages } from './phases.js';
import type { ScenarioOutcome } from './scenario.js';

/** How brokers are reached for faults: a control, or why there is none (the run says so). */
export type BrokerFaults = { readonly control: BrokerControl } | { readonly missing: string };

/** The load starts this long after the stages are up and the live reader reads: the zero of the schedule. */
const START_DELAY_MS = 1_000;

/**
 * How long the load's producer keeps making a failed send again, as Java's producer does by default
 * (delivery.timeout.ms): a send to a killed leader fails until the controller fences the broker
 * (broker.session.timeout.ms, 9 s) and elects another. An order whose send still fails is counted
 * as not acknowledged, never as lost.
 */
const LOAD_DELIVERY_TIMEOUT_MS = 120_000;

export async function runChaos(context: BenchContext, params: ChaosParams, brokerFaults: BrokerFaults): Promise<ScenarioOutcome> {
  const schedule = parseFaultSchedule(params.faults, params.durationS);
  if (typeof schedule === 'string') throw new Error(schedule);
  if ('missing' in brokerFaults) context.progress.phase(`broker faults skipped: ${brokerFaults.missing}`);
  const run = await prepare(context, params);
  const { load, events } = await loadUnderFaults(context, params, run, schedule, brokerFaults);
  const endMs = await drain(context, params, run, load);
  context.progress.phase('final read: results and dead letters, read_committed, to the end offsets');
  const read = await readCommittedOutcome(context.client, { orders: run.topics.orders, results: run.topics.inventory, deadLetter: run.topics.deadLetter }, context.runId, params.timeoutS * 1000);
  context.progress.done();
  const results = [...read.results.values()].reduce((sum, places) => sum + places.length, 0);
  return chaosOutcome(params, { load, events, arrivals: run.live.arrivals, endMs, accounting: accountOrders(load.acknowledged, load.sent, read), results, liveRestarts: run.live.restarts, brokerFaults });
}

/** What a chaos run works on: its topics, its stages and the live view of their results. */
interface ChaosRun {
  readonly topics: PipelineTopics;
  readonly pipeline: RunningPipeline;
  readonly live: LiveResults;
  /** The zero of the schedule and of the load, in µs of the system clock. */
  readonly startMicros: number;
}

async function prepare(context: BenchContext, params: ChaosParams): Promise<ChaosRun> {
  const topics = await context.freshTopics(params.partitions);
  // One inventory, whose state is in its changelog (one instance per group), killed and restarted in
  // place; the analytics, which the accounting does not read, keeps its figures in memory.
  const stages = await startStages(context, topics, { inventoryInstances: 1, analytics: true, state: 'changelog', analyticsState: 'memory', exactlyOnce: params.exactlyOnce, staticMembers: true }, params.timeoutS);
  if (stages.kind !== 'ours') throw new Error('bench:chaos runs its own pipeline');
  const { pipeline } = stages;
  context.onCleanup(() => context.admin.deleteTopics([changelogTopic(pipeline.inventoryGroup)]));
  const startMicros = systemClock.nowMicros() + START_DELAY_MS * 1000;
  const live = await readLiveResults(context.client, { topic: topics.inventory, runId: context.runId, startMicros });
  context.onCleanup(() => live.stop());
  return { topics, pipeline, live, startMicros };
}

async function loadUnderFaults(context: BenchContext, params: ChaosParams, run: ChaosRun, schedule: readonly Fault[], brokerFaults: BrokerFaults): Promise<{ load: TrackedLoadResult; events: readonly FaultEvent[] }> {
  const { pipeline, topics, startMicros } = run;
  context.progress.phase(`${params.rate} orders/s for ${params.durationS} s; faults ${params.faults || 'none'}`);
  const faultRun = runFaultSchedule(schedule, faultTargets(context, pipeline, topics.orders, params.partitions, brokerFaults), startMicros, (event) => {
    context.progress.phase(`${event.at_s} s: ${event.kind} ${event.skipped ? `skipped (${event.skipped})` : event.target}`);
  });
  context.onCleanup(() => faultRun.undo());
  const loadClient = await context.clientOf(context.client.driver.name, { deliveryTimeoutMs: LOAD_DELIVERY_TIMEOUT_MS });
  const load = await pipeline.guard(sendTrackedOrders(loadClient, { topic: topics.orders, rate: params.rate, durationS: params.durationS, seed: params.seed, encoding: params.encoding, runId: context.runId, startMicros }));
  const events = await pipeline.guard(faultRun.done);
  return { load, events };
}

/** Waits for the inventory to catch up and the live view to see it, then stops both; returns when, in ms of the load. */
async function drain(context: BenchContext, params: ChaosParams, run: ChaosRun, load: TrackedLoadResult): Promise<number> {
  const { pipeline, live } = run;
  context.progress.phase('draining: the inventory caught up with the orders');
  // The inventory's group only: with --exactly-once the results topic ends in transaction markers,
  // which no consumer's committed offset passes, so the analytics' group never looks caught up on it.
  const inventoryWatch = pipeline.watches().filter((watch) => watch.name === 'inventory');
  await pipeline.guard(untilCaughtUp(context.admin, inventoryWatch, params.timeoutS * 1000));
  // The live view is for timing: it may trail the stages' commits by a fetch.
  await until('the live results', 10_000, () => (live.arrivals.length >= load.acknowledged.size ? true : undefined)).catch(() => undefined);
  const endMs = (systemClock.nowMicros() - run.startMicros) / 1000;
  await live.stop();
  await pipeline.stop();
  return endMs;
}

function faultTargets(context: BenchContext, pipeline: RunningPipeline, orderTopic: string, orderPartitions: number, brokerFaults: BrokerFaults): FaultTargets {
  return {
    brokers: 'control' in brokerFaults ? brokerFaults.control : undefined,
    ...('missing' in brokerFaults ? { brokersMissing: brokerFaults.missing } : {}),
    orderTopic,
    orderPartitions,
    async leaderOf(partition) {
      const leader = (await context.admin.partitionLeaders(orderTopic)).get(partition);
      if (leader === undefined || leader < 0) throw new Error(`${orderTopic}/${partition} has no leader to fault`);
      return leader;
    },
    async killInventory() {
      const name = pipeline.inventories[0]?.stage.name ?? 'inventory-1';
      const pid = await pipeline.killInventory(0);
      return `${name} (pid ${pid ?? '?'})`;
    },
    restartInventory: () => pipeline.restartInventory(0),
  };
}

interface Observed {
  readonly load: TrackedLoadResult;
  readonly events: readonly FaultEvent[];
  readonly arrivals: readonly Arrival[];
  /** When the live reading ended, ms from the load's start. */
  readonly endMs: number;
  readonly accounting: Accounting;
  /** Committed results read in the end, duplicates included. */
  readonly results: number;
  readonly liveRestarts: number;
  readonly brokerFaults: BrokerFaults;
}

const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Each fault with its recovery: up to the next fault that ran, or the end of the reading. */
export function faultRecords(events: readonly FaultEvent[], arrivals: readonly Arrival[], endMs: number): { records: FaultRecord[]; thresholdMs: number } {
  const ran = events.filter((e) => !e.skipped).sort((a, b) => a.at_s - b.at_s);
  const firstMs = (ran[0]?.at_s ?? Infinity) * 1000;
  const thresholdMs = disturbedThresholdMs(arrivals.filter((a) => a.tMs < firstMs));
  const records = events.map((event): FaultRecord => {
    if (event.skipped) return { ...event, recovery_s: null };
    const next = ran.find((e) => e.at_s > event.at_s);
    return { ...event, recovery_s: recoverySeconds(arrivals, event.at_s * 1000, next ? next.at_s * 1000 : endMs, thresholdMs) };
  });
  return { records, thresholdMs };
}

/** Per second of the load: orders sent and acknowledged, results arrived and their latency, the fault made in that second. */
function timeline(observed: Observed): SeriesRecord {
  const seconds = Math.max(observed.load.perSecond.length, Math.ceil(observed.endMs / 1000));
  const rows = Array.from({ length: seconds }, (_, s) => {
    const latencies = observed.arrivals.filter((a) => Math.floor(a.tMs / 1000) === s).map((a) => a.latencyMs).sort((a, b) => a - b);
    const at = (p: number): number | string => (latencies.length === 0 ? '' : round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0, 1));
    const faults = observed.events.filter((e) => !e.skipped && Math.floor(e.at_s) === s).map((e) => e.kind).join(' ');
    const second = observed.load.perSecond[s];
    return [s * 1000, second?.sent ?? 0, second?.acknowledged ?? 0, latencies.length, at(0.5), at(0.99), faults];
  });
  return { name: 'timeline', columns: ['t_ms', 'orders_sent', 'orders_acknowledged', 'results', 'latency_p50_ms', 'latency_p99_ms', 'fault'], rows };
}

function chaosOutcome(params: ChaosParams, observed: Observed): ScenarioOutcome {
  const { accounting: a, load } = observed;
  const { records, thresholdMs } = faultRecords(observed.events, observed.arrivals, observed.endMs);
  const histogram = createLatencyHistogram();
  for (const arrival of observed.arrivals) recordMicros(histogram, Math.round(arrival.latencyMs * 1000));
  const histograms: HistogramRecord[] = [{ name: 'end_to_end', description: "order (intended send) to its first result read live, faults included", summary: summarizeMs(histogram), encoded: encodeHistogram(histogram) }];
  const recoveries = records.filter((r) => !r.skipped).map((r) => r.recovery_s);
  const perFault = Object.fromEntries(records.map((r, i) => [`fault_${i + 1}_${r.kind.replace(/-/g, '_')}_recovery_s`, r.recovery_s]));
  const checks: Check[] = [
    { name: 'no acknowledged order lost', passed: a.orders_lost === 0, detail: `${a.orders_lost} of ${a.orders_acknowledged} acknowledged orders have neither a committed result nor a dead letter${a.lostSample.length > 0 ? ` (e.g. ${a.lostSample.join(', ')})` : ''}` },
    ...(params.exactlyOnce ? [{ name: 'no order with two committed results (--exactly-once)', passed: a.orders_duplicated === 0, detail: `${a.orders_duplicated} orders with more than one committed result (${a.orders_duplicated_by_stages} processed twice by a stage, ${a.orders_duplicated_on_input} written twice to the order topic by the load)${a.duplicatedSample.length > 0 ? ` (e.g. ${a.duplicatedSample.join(', ')})` : ''}` }] : []),
  ];
  return {
    warmup: { messages: 0, duration_ms: 0, excluded_from_figures: false },
    figures: {
      orders_sent: load.sent.size,
      orders_acknowledged: a.orders_acknowledged,
      orders_send_failed: load.failed,
      orders_lost: a.orders_lost,
      orders_duplicated: a.orders_duplicated,
      orders_duplicated_on_input: a.orders_duplicated_on_input,
      orders_duplicated_by_stages: a.orders_duplicated_by_stages,
      orders_dead_lettered: a.orders_dead_lettered,
      orders_unacknowledged_with_result: a.unacknowledged_with_result,
      results_committed: observed.results,
      faults_run: records.filter((r) => !r.skipped).length,
      faults_skipped: records.filter((r) => r.skipped).length,
      broker_faults: 'control' in observed.brokerFaults ? observed.brokerFaults.control.description : `skipped: ${observed.brokerFaults.missing}`,
      recovery_max_s: recoveries.length === 0 ? null : recoveries.includes(null) ? null : Math.max(...recoveries.map((r) => r ?? 0)),
      ...perFault,
      disturbed_latency_threshold_ms: round(thresholdMs, 1),
      live_reader_restarts: observed.liveRestarts,
      ...(load.firstError ? { first_send_error: load.firstError } : {}),
    },
    histograms,
    series: [timeline(observed), { name: 'faults', columns: ['at_s', 'kind', 'target', 'for_s', 'recovery_s', 'skipped'], rows: records.map((r) => [r.at_s, r.kind, r.target, r.for_s, r.recovery_s ?? '', r.skipped ?? '']) }],
    checks,
    faults: records,
  };
}
