/**
 * A run as the OpenMessaging Benchmark's result JSON (its TestResult), so that its users' charts and
 * scripts read our runs: its field names, its units (publish and end-to-end latency in ms, publish
 * delay in µs, rates per second), per-period lists and aggregated values. Rendered from run.json
 * alone; which of our figures fills which field: docs/DESIGN.md, "OMB results".
 */
import { decodeHistogram, percentileMs, type LatencyHistogram } from '../../pipeline/histogram.js';
import { LATENCY_STATS, latencyStatsMs } from '../measure/latency-stats.js';
import type { RunResult, SeriesRecord } from './run-result.js';

/** OMB's names for LATENCY_STATS, in the same order. */
const OMB_STATS = ['Avg', '50pct', '75pct', '95pct', '99pct', '999pct', '9999pct', 'Max'] as const;
/** The percentiles of its aggregated quantile maps. */
const QUANTILES = [...Array.from({ length: 99 }, (_, i) => i + 1), 99.9, 99.99, 99.999, 100] as const;

type Lists = Record<string, number[]>;
type Values = Record<string, number | Record<string, number>>;

function histogramOf(run: RunResult, name: string): LatencyHistogram | null {
  const record = run.histograms.find((h) => h.name === name);
  return record ? decodeHistogram(record.encoded) : null;
}

function numberFigure(run: RunResult, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = run.figures[name];
    if (typeof value === 'number') return value;
  }
  return undefined;
}

/** Java's Double keys as Jackson writes them: 50.0, 99.9. */
const quantileKey = (p: number): string => (Number.isInteger(p) ? p.toFixed(1) : String(p));

function aggregated(prefix: string, histogram: LatencyHistogram | null, toUnit: (ms: number) => number): Values {
  const stats = latencyStatsMs(histogram);
  const values: Values = Object.fromEntries(OMB_STATS.map((stat, i) => [`aggregated${prefix}${stat}`, toUnit(stats[i] ?? 0)]));
  const quantiles = histogram && histogram.totalCount > 0 ? Object.fromEntries(QUANTILES.map((p) => [quantileKey(p), toUnit(percentileMs(histogram, p))])) : {};
  values[`aggregated${prefix}Quantiles`] = quantiles;
  return values;
}

/** Per-period lists: the agents' intervals (`intervals` series), or the whole run as one period. */
function periods(run: RunResult): Lists {
  const series: SeriesRecord | undefined = run.series.find((s) => s.name === 'intervals');
  const lists: Lists = {};
  const put = (name: string, values: number[]): void => void (lists[name] = values);
  if (series) {
    const column = (name: string): number[] => series.rows.map((row) => Number(row[series.columns.indexOf(name)] ?? 0));
    put('publishRate', column('publish_per_s'));
    put('publishErrorRate', column('publish_errors_per_s'));
    put('consumeRate', column('results_per_s'));
    // Produced but not yet read back, at each period's end.
    const sent = column('sent');
    const results = column('results');
    let backlog = 0;
    put('backlog', sent.map((count, i) => (backlog += count - (results[i] ?? 0))));
    for (const [i, stat] of LATENCY_STATS.entries()) {
      const omb = OMB_STATS[i] ?? '';
      put(`publishLatency${omb}`, column(`produce_to_ack_${stat}_ms`));
      put(`publishDelayLatency${omb}`, column(`publish_delay_${stat}_us`));
      put(`endToEndLatency${omb}`, column(`end_to_end_${stat}_ms`));
    }
    return lists;
  }
  const publish = numberFigure(run, 'produce_events_per_s', 'achieved_rate_per_s') ?? 0;
  put('publishRate', [publish]);
  put('publishErrorRate', [0]);
  put('consumeRate', [numberFigure(run, 'pipeline_drain_orders_per_s', 'achieved_rate_per_s') ?? 0]);
  // A run's one period ends when the pipeline has drained: nothing is left behind.
  put('backlog', [0]);
  const one = (name: string, toUnit: (ms: number) => number): number[] => latencyStatsMs(histogramOf(run, name)).map(toUnit);
  const ack = one('produce_to_ack', ms);
  const delay = one('send_lag', micros);
  const e2e = one('end_to_end', ms);
  for (const [i, omb] of OMB_STATS.entries()) {
    put(`publishLatency${omb}`, [ack[i] ?? 0]);
    put(`publishDelayLatency${omb}`, [delay[i] ?? 0]);
    put(`endToEndLatency${omb}`, [e2e[i] ?? 0]);
  }
  return lists;
}

const ms = (value: number): number => value;
/** OMB records the publish delay in whole microseconds. */
const micros = (value: number): number => Math.round(value * 1000);

export function renderOmb(run: RunResult): Record<string, unknown> {
  const lists = periods(run);
  const partitions = run.parameters.partitions;
  return {
    workload: `kafka-pipeline-bench ${run.scenario}`,
    driver: run.environment.drivers[0]?.name ?? 'unknown',
    messageSize: Math.round(numberFigure(run, 'mean_message_bytes') ?? 0),
    topics: 1,
    partitions: typeof partitions === 'number' ? partitions : 0,
    producersPerTopic: run.agents?.count ?? (typeof run.parameters.workers === 'number' ? run.parameters.workers : 1),
    consumersPerTopic: 1,
    ...lists,
    ...aggregated('PublishLatency', histogramOf(run, 'produce_to_ack'), ms),
    ...aggregated('PublishDelayLatency', histogramOf(run, 'send_lag'), micros),
    ...aggregated('EndToEndLatency', histogramOf(run, 'end_to_end'), ms),
  };
}
