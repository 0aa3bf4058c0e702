/**
 * The collector's arithmetic: every interval of every agent of a run merged into one run's counters
 * and histograms (histograms merged, never percentiles averaged), with each agent's share and the
 * intervals it was heard from, so that a dead agent shows as missing intervals rather than as lower
 * figures.
 */
import { decodeHistogram, mergeHistograms, type LatencyHistogram } from '../../pipeline/histogram.js';
import { LATENCY_STATS, latencyStatsMs } from '../measure/latency-stats.js';
import type { AgentCounters as Counters, AgentRecord, SeriesRecord } from '../report/run-result.js';
import type { AgentInterval } from './messages.js';

export interface MergedRun {
  readonly agents: number;
  readonly scenario: AgentInterval['scenario'] | undefined;
  readonly parameters: AgentInterval['parameters'];
  readonly drivers: readonly AgentInterval['driver'][];
  readonly counters: Counters;
  readonly produceToAck: LatencyHistogram;
  readonly endToEnd: LatencyHistogram;
  /** Null when no agent ran on a rate schedule. */
  readonly sendLag: LatencyHistogram | null;
  readonly perAgent: readonly AgentRecord[];
  /** From the first measured send of any agent to the last answer of any, ms since the epoch; null until an agent's final is in. */
  readonly produceSpan: { readonly startedMs: number; readonly endedMs: number } | null;
  /** Things the agents disagree on (scenario, agent count, parameters): a mixed-up run. */
  readonly conflicts: readonly string[];
  /** Interval by interval, every agent's interval of that number merged (OMB's per-period series). */
  readonly periods: readonly Period[];
}

export interface Period {
  readonly seq: number;
  readonly startedMs: number;
  readonly endedMs: number;
  readonly agentsReporting: number;
  readonly sent: number;
  readonly results: number;
  /** Each agent's rate in its interval, added up: agents' intervals are about as long, not aligned to the ms. */
  readonly publishPerS: number;
  readonly errorsPerS: number;
  readonly resultsPerS: number;
  readonly produceToAck: LatencyHistogram;
  readonly endToEnd: LatencyHistogram;
  readonly sendLag: LatencyHistogram | null;
}

const ZERO: Counters = { sent: 0, failed: 0, bytes: 0, results: 0, warmup_results: 0 };

function add(a: Counters, b: Counters): Counters {
  return { sent: a.sent + b.sent, failed: a.failed + b.failed, bytes: a.bytes + b.bytes, results: a.results + b.results, warmup_results: a.warmup_results + b.warmup_results };
}

/** One interval per agent and sequence number: a report read twice (a producer's retry) counts once. */
export function distinctIntervals(intervals: readonly AgentInterval[]): AgentInterval[] {
  const seen = new Map<string, AgentInterval>();
  for (const interval of intervals) seen.set(`${interval.agent_index}/${interval.seq}`, interval);
  return [...seen.values()].sort((a, b) => a.agent_index - b.agent_index || a.seq - b.seq);
}

function agentRecord(index: number, own: readonly AgentInterval[]): AgentRecord {
  const seqs = new Set(own.map((interval) => interval.seq));
  const last = own.at(-1);
  const lastSeq = last ? last.seq : null;
  const missing = lastSeq === null ? [] : Array.from({ length: lastSeq }, (_, seq) => seq).filter((seq) => !seqs.has(seq));
  return {
    index,
    share: last ? last.share : null,
    intervals_seen: own.length,
    intervals_missing: missing,
    final_seen: own.some((interval) => interval.final),
    last_seq: lastSeq,
    counters: own.reduce((sum, interval) => add(sum, interval.counters), ZERO),
  };
}

function conflictsOf(intervals: readonly AgentInterval[], agents: number): string[] {
  const conflicts: string[] = [];
  const distinct = (pick: (i: AgentInterval) => string): string[] => [...new Set(intervals.map(pick))];
  const scenarios = distinct((i) => i.scenario);
  if (scenarios.length > 1) conflicts.push(`the agents ran different scenarios: ${scenarios.join(', ')}`);
  const counts = distinct((i) => String(i.agents));
  if (counts.some((count) => Number(count) !== agents)) conflicts.push(`the agents were told of ${counts.join(', ')} agents, the collector expects ${agents}`);
  if (distinct((i) => JSON.stringify(i.parameters)).length > 1) conflicts.push('the agents ran with different parameters');
  const beyond = intervals.filter((i) => i.agent_index >= agents).map((i) => i.agent_index);
  if (beyond.length > 0) conflicts.push(`reports from agent index ${[...new Set(beyond)].join(', ')}, beyond the ${agents} agents expected`);
  return conflicts;
}

function periodsOf(intervals: readonly AgentInterval[]): Period[] {
  const bySeq = new Map<number, AgentInterval[]>();
  for (const interval of intervals) bySeq.set(interval.seq, [...(bySeq.get(interval.seq) ?? []), interval]);
  const perS = (interval: AgentInterval, count: number): number => (interval.ended_at_ms > interval.started_at_ms ? (count * 1000) / (interval.ended_at_ms - interval.started_at_ms) : 0);
  return [...bySeq.entries()]
    .sort(([a], [b]) => a - b)
    .map(([seq, group]) => {
      const lags = group.flatMap((i) => (i.histograms.send_lag === null ? [] : [decodeHistogram(i.histograms.send_lag)]));
      return {
        seq,
        startedMs: Math.min(...group.map((i) => i.started_at_ms)),
        endedMs: Math.max(...group.map((i) => i.ended_at_ms)),
        agentsReporting: group.length,
        sent: group.reduce((sum, i) => sum + i.counters.sent, 0),
        results: group.reduce((sum, i) => sum + i.counters.results, 0),
        publishPerS: group.reduce((sum, i) => sum + perS(i, i.counters.sent), 0),
        errorsPerS: group.reduce((sum, i) => sum + perS(i, i.counters.failed), 0),
        resultsPerS: group.reduce((sum, i) => sum + perS(i, i.counters.results), 0),
        produceToAck: mergeHistograms(group.map((i) => decodeHistogram(i.histograms.produce_to_ack))),
        endToEnd: mergeHistograms(group.map((i) => decodeHistogram(i.histograms.end_to_end))),
        sendLag: lags.length > 0 ? mergeHistograms(lags) : null,
      };
    });
}

/** Merges the run's intervals, as read from the results topic, for `agents` agents (0 to agents − 1). */
export function mergeIntervals(read: readonly AgentInterval[], agents: number): MergedRun {
  const intervals = distinctIntervals(read);
  const perAgent = Array.from({ length: agents }, (_, index) => agentRecord(index, intervals.filter((interval) => interval.agent_index === index)));
  const counted = intervals.filter((interval) => interval.agent_index < agents);
  const lags = counted.flatMap((interval) => (interval.histograms.send_lag === null ? [] : [decodeHistogram(interval.histograms.send_lag)]));
  const spans = counted.flatMap((interval) => (interval.produce ? [interval.produce] : []));
  const drivers = new Map(counted.map((interval) => [JSON.stringify(interval.driver), interval.driver]));
  const first = counted[0];
  return {
    agents,
    scenario: first?.scenario,
    parameters: first?.parameters ?? {},
    drivers: [...drivers.values()],
    counters: perAgent.reduce((sum, agent) => add(sum, agent.counters), ZERO),
    produceToAck: mergeHistograms(counted.map((interval) => decodeHistogram(interval.histograms.produce_to_ack))),
    endToEnd: mergeHistograms(counted.map((interval) => decodeHistogram(interval.histograms.end_to_end))),
    sendLag: lags.length > 0 ? mergeHistograms(lags) : null,
    perAgent,
    produceSpan: spans.length > 0 ? { startedMs: Math.min(...spans.map((s) => s.started_at_ms)), endedMs: Math.max(...spans.map((s) => s.ended_at_ms)) } : null,
    conflicts: conflictsOf(intervals, agents),
    periods: periodsOf(counted),
  };
}

/** The per-period series of run.json (`intervals`): OMB's per-period lists are rendered from it. */
export function periodSeries(merged: MergedRun): SeriesRecord {
  const origin = merged.periods[0]?.startedMs ?? 0;
  const latency = (prefix: string, unit: string): string[] => LATENCY_STATS.map((stat) => `${prefix}_${stat}_${unit}`);
  const columns = ['seq', 't_ms', 'agents_reporting', 'sent', 'results', 'publish_per_s', 'publish_errors_per_s', 'results_per_s', ...latency('produce_to_ack', 'ms'), ...latency('end_to_end', 'ms'), ...latency('publish_delay', 'us')];
  const rows = merged.periods.map((p) => [
    p.seq,
    p.endedMs - origin,
    p.agentsReporting,
    p.sent,
    p.results,
    round1(p.publishPerS),
    round1(p.errorsPerS),
    round1(p.resultsPerS),
    ...latencyStatsMs(p.produceToAck),
    ...latencyStatsMs(p.endToEnd),
    // OMB gives the publish delay in µs.
    ...latencyStatsMs(p.sendLag).map((ms) => Math.round(ms * 1000)),
  ]);
  return { name: 'intervals', columns, rows };
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
