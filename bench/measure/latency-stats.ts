/** A latency histogram's statistics in the OpenMessaging Benchmark's set, for per-period series and its result JSON. */
import { percentileMs, type LatencyHistogram } from '../../pipeline/histogram.js';

/** OMB's latency statistics, in its order: average, 50, 75, 95, 99, 99.9, 99.99 percent and max. */
export const LATENCY_STATS = ['avg', 'p50', 'p75', 'p95', 'p99', 'p99_9', 'p99_99', 'max'] as const;
const PERCENTILES = [50, 75, 95, 99, 99.9, 99.99] as const;

/** A histogram's LATENCY_STATS in ms (3 decimals); zeros when it is empty. */
export function latencyStatsMs(histogram: LatencyHistogram | null): number[] {
  if (!histogram || histogram.totalCount === 0) return LATENCY_STATS.map(() => 0);
  return [Math.round(histogram.mean) / 1000, ...PERCENTILES.map((p) => percentileMs(histogram, p)), Math.round(histogram.maxValue) / 1000];
}
