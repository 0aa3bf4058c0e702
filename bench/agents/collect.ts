/**
 * bench:collect's work: read one run's interval reports from the results topic until every agent's
 * final one is in (or the limit passes), and make them one run's result, shaped like a single
 * machine's run.json, with the agents, their shares and what was heard from each.
 */
import type { KafkaClient } from '../../clients/driver.js';
import { encodeHistogram, summarizeMs, type LatencyHistogram } from '../../pipeline/histogram.js';
import { PIPELINE_PRODUCER } from '../../pipeline/kafka.js';
import type { Check, FigureValue, HistogramRecord, RunEnvironment, RunResult, TableRecord } from '../report/run-result.js';
import { agentIntervalSchema, AGENT_SCHEMA_VERSION, parseMessage, type AgentInterval } from './messages.js';
import { mergeIntervals, periodSeries, type MergedRun } from './merge.js';
import { ensureRunTopics, publishForRun, watchRun } from './run-topics.js';

export interface CollectOptions {
  readonly runId: string;
  /** How many agents to wait for; unset: as many as the agents' reports say. */
  readonly agents: number | undefined;
  readonly resultsTopic: string;
  readonly controlTopic: string;
  readonly timeoutS: number;
  /** Publishes the run's start on the control topic, this many seconds from now, before collecting. */
  readonly startDelayS: number | undefined;
  /** Stops the wait early (SIGTERM): the report is written with what came, the missing agents named. */
  readonly signal?: AbortSignal;
}

export interface Collected {
  readonly intervals: readonly AgentInterval[];
  /** Messages of the run on the results topic that were not valid reports, each as why. */
  readonly malformed: readonly string[];
  readonly agents: number;
  /** The limit passed before every agent's final report was in. */
  readonly timedOut: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every index below the count has sent its final report. */
function complete(intervals: readonly AgentInterval[], agents: number | undefined): boolean {
  if (agents === undefined) return false;
  const finals = new Set(intervals.filter((interval) => interval.final).map((interval) => interval.agent_index));
  return Array.from({ length: agents }, (_, index) => index).every((index) => finals.has(index));
}

export async function collectReports(client: KafkaClient, options: CollectOptions): Promise<Collected> {
  await ensureRunTopics(client, [options.resultsTopic, options.controlTopic]);
  if (options.startDelayS !== undefined) await announceStart(client, options);
  const intervals: AgentInterval[] = [];
  const malformed: string[] = [];
  const watch = await watchRun(client, options.resultsTopic, options.runId, 'collector', (value) => {
    const interval = parseMessage(agentIntervalSchema, value);
    if (typeof interval === 'string') malformed.push(interval);
    else if (interval.run_id !== options.runId) malformed.push(`run_id ${interval.run_id} under the key ${options.runId}`);
    else intervals.push(interval);
  });
  const deadline = Date.now() + options.timeoutS * 1000;
  const expected = (): number | undefined => options.agents ?? intervals[0]?.agents;
  try {
    while (!complete(intervals, expected()) && Date.now() < deadline && options.signal?.aborted !== true) await sleep(100);
  } finally {
    await watch.stop();
  }
  const agents = expected();
  if (agents === undefined) throw new Error(`no report of run ${options.runId} on ${options.resultsTopic} within ${options.timeoutS} s`);
  return { intervals, malformed, agents, timedOut: !complete(intervals, agents) };
}

async function announceStart(client: KafkaClient, options: CollectOptions): Promise<void> {
  const producer = await client.producer(PIPELINE_PRODUCER);
  try {
    await publishForRun(producer, options.controlTopic, options.runId, { version: AGENT_SCHEMA_VERSION, run_id: options.runId, start_at_ms: Date.now() + Math.round((options.startDelayS ?? 0) * 1000) });
  } finally {
    await producer.close();
  }
}

export interface ResultContext {
  readonly runId: string;
  readonly resultsTopic: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly environment: RunEnvironment;
}

const round = (value: number, digits = 0): number => Math.round(value * 10 ** digits) / 10 ** digits;

function histogramRecord(name: string, description: string, histogram: LatencyHistogram): HistogramRecord {
  return { name, description, summary: summarizeMs(histogram), encoded: encodeHistogram(histogram) };
}

function figuresOf(merged: MergedRun): Record<string, FigureValue> {
  const { counters, produceSpan } = merged;
  const spanS = produceSpan ? (produceSpan.endedMs - produceSpan.startedMs) / 1000 : 0;
  const ack = summarizeMs(merged.produceToAck);
  const e2e = summarizeMs(merged.endToEnd);
  return {
    agents: merged.agents,
    agents_reporting: merged.perAgent.filter((agent) => agent.intervals_seen > 0).length,
    agents_finished: merged.perAgent.filter((agent) => agent.final_seen).length,
    intervals_received: merged.perAgent.reduce((sum, agent) => sum + agent.intervals_seen, 0),
    intervals_missing: merged.perAgent.reduce((sum, agent) => sum + agent.intervals_missing.length, 0),
    orders_sent: counters.sent,
    orders_failed: counters.failed,
    results_received: counters.results,
    produce_s: round(spanS, 3),
    produce_events_per_s: spanS > 0 ? round(counters.sent / spanS) : 0,
    produce_mb_per_s: spanS > 0 ? round(counters.bytes / spanS / 1e6, 2) : 0,
    mean_message_bytes: counters.sent > 0 ? round(counters.bytes / counters.sent) : 0,
    produce_to_ack_p50_ms: ack.p50,
    produce_to_ack_p99_ms: ack.p99,
    end_to_end_p50_ms: e2e.p50,
    end_to_end_p99_ms: e2e.p99,
    ...(merged.sendLag ? { send_lag_p99_ms: summarizeMs(merged.sendLag).p99 } : {}),
  };
}

function checksOf(merged: MergedRun, collected: Collected): Check[] {
  const unfinished = merged.perAgent.filter((agent) => !agent.final_seen);
  const gaps = merged.perAgent.filter((agent) => agent.intervals_missing.length > 0);
  const total = typeof merged.parameters.count === 'number' ? merged.parameters.count : null;
  const { sent, failed, results } = merged.counters;
  return [
    {
      name: 'every agent sent its final report',
      passed: unfinished.length === 0,
      detail: unfinished.length === 0 ? `${merged.agents} of ${merged.agents}` : unfinished.map((agent) => `agent ${agent.index}: ${agent.last_seq === null ? 'never heard from' : `last interval ${agent.last_seq}, no final`}`).join('; ') + (collected.timedOut ? ' (the collector stopped waiting)' : ''),
    },
    { name: 'no interval missing', passed: gaps.length === 0, detail: gaps.length === 0 ? 'every interval of every agent up to its last' : gaps.map((agent) => `agent ${agent.index}: ${agent.intervals_missing.join(', ')}`).join('; ') },
    { name: 'every order sent', passed: failed === 0 && total !== null && sent === total, detail: `${sent} of ${total === null ? 'an unknown count' : total} acknowledged, ${failed} failed` },
    { name: 'every order has a result', passed: results === sent && sent > 0, detail: `${results} results for ${sent} orders` },
    { name: 'the agents ran the same run', passed: merged.conflicts.length === 0, detail: merged.conflicts.length === 0 ? `one scenario, ${merged.agents} agents, one set of parameters` : merged.conflicts.join('; ') },
    { name: 'only reports of the run under its key', passed: collected.malformed.length === 0, detail: collected.malformed.length === 0 ? 'none malformed' : `${collected.malformed.length} malformed, the first: ${collected.malformed[0] ?? ''}` },
  ];
}

function agentsTable(merged: MergedRun): TableRecord {
  return {
    name: 'agents',
    title: "each load agent's share and what the collector heard from it",
    columns: ['agent', 'count', 'rate_per_s', 'seed', 'intervals_seen', 'intervals_missing', 'final', 'sent', 'failed', 'results'],
    rows: merged.perAgent.map((agent) => [agent.index, agent.share?.count ?? '', agent.share?.rate ?? '', agent.share?.seed ?? '', agent.intervals_seen, agent.intervals_missing.join(' '), agent.final_seen ? 'yes' : 'NO', agent.counters.sent, agent.counters.failed, agent.counters.results]),
  };
}

/** The run's result: a single-machine run's shape, its figures and histograms merged over the agents, and `agents`. */
export function agentRunResult(collected: Collected, context: ResultContext): RunResult {
  const merged = mergeIntervals(collected.intervals, collected.agents);
  if (!merged.scenario) throw new Error(`no report of run ${context.runId}`);
  const histograms = [
    histogramRecord('produce_to_ack', `send to broker acknowledgement, from each send's intended time, merged over ${merged.agents} agents`, merged.produceToAck),
    histogramRecord('end_to_end', `order send (intended time) to its inventory result read back, merged over ${merged.agents} agents`, merged.endToEnd),
    ...(merged.sendLag ? [histogramRecord('send_lag', "how late each send started after its intended time (the agents' own delay), merged", merged.sendLag)] : []),
  ];
  const checks = checksOf(merged, collected);
  return {
    scenario: merged.scenario,
    started_at: context.startedAt.toISOString(),
    ended_at: context.endedAt.toISOString(),
    parameters: { ...merged.parameters, agents: merged.agents, run_id: context.runId },
    environment: { ...context.environment, drivers: merged.drivers },
    warmup: { messages: merged.counters.warmup_results, duration_ms: 0, excluded_from_figures: true },
    figures: figuresOf(merged),
    histograms,
    series: [periodSeries(merged)],
    tables: [agentsTable(merged)],
    checks,
    passed: checks.every((check) => check.passed),
    thresholds: [],
    agents: { count: merged.agents, run_id: context.runId, results_topic: context.resultsTopic, list: merged.perAgent },
  };
}
