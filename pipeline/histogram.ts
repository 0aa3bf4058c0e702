/**
 * Latency histograms: every one in the project is built here, in microseconds, with the same
 * explicit range and precision, so that any two can be merged. Percentiles come from a merged
 * histogram, never from averaging percentiles.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

/** 1 µs to 1 hour, 3 significant digits (a value's bucket is within 0.1 % of it). */
export const HISTOGRAM_RANGE = { lowestMicros: 1, highestMicros: 3_600_000_000, significantDigits: 3 } as const;

export type LatencyHistogram = Histogram;

export function createLatencyHistogram(): LatencyHistogram {
  return build({
    bitBucketSize: 64,
    autoResize: false,
    lowestDiscernibleValue: HISTOGRAM_RANGE.lowestMicros,
    highestTrackableValue: HISTOGRAM_RANGE.highestMicros,
    numberOfSignificantValueDigits: HISTOGRAM_RANGE.significantDigits,
    useWebAssembly: false,
  });
}

/**
 * Records a latency in microseconds and says whether it could: a value above the range is not
 * recorded (the caller counts it, nothing is clamped silently). Zero is kept; a negative value counts
 * as zero when both ends were read from one clock (rounding), and is out of range otherwise.
 */
export function recordMicros(histogram: LatencyHistogram, micros: number, count = 1, options: { readonly sameClock: boolean } = { sameClock: true }): boolean {
  const rounded = Math.round(micros);
  if (rounded > HISTOGRAM_RANGE.highestMicros || Number.isNaN(rounded) || (rounded < 0 && !options.sameClock)) return false;
  histogram.recordValueWithCount(Math.max(0, rounded), count);
  return true;
}

/** Compressed base64, the form worker threads post to the main thread. */
export function encodeHistogram(histogram: LatencyHistogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): LatencyHistogram {
  const decoded = decodeFromCompressedBase64(encoded, 64, false);
  const histogram = createLatencyHistogram();
  histogram.add(decoded);
  return histogram;
}

export function mergeHistograms(histograms: readonly LatencyHistogram[]): LatencyHistogram {
  const merged = createLatencyHistogram();
  for (const histogram of histograms) merged.add(histogram);
  return merged;
}

/** A latency distribution in milliseconds, 3 decimals. */
export interface LatencySummaryMs {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p99_9: number;
  readonly p99_99: number;
  readonly max: number;
}

const ms = (micros: number): number => Math.round(micros) / 1000;

export function summarizeMs(histogram: LatencyHistogram): LatencySummaryMs {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, p99_99: 0, max: 0 };
  const at = (percentile: number): number => percentileMs(histogram, percentile);
  return {
    count,
    min: at(0),
    mean: ms(histogram.mean),
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p99_9: at(99.9),
    p99_99: at(99.99),
    max: ms(histogram.maxValue),
  };
}

/**
 * The value at a percentile (0..100) in ms, 3 decimals: its bucket's highest equivalent value,
 * which can lie above the largest value recorded, so never above the max.
 */
export function percentileMs(histogram: LatencyHistogram, percentile: number): number {
  return ms(Math.min(histogram.maxValue, histogram.getValueAtPercentile(percentile)));
}

/** HdrHistogram's percentile-distribution text (the .hgrm form), values in milliseconds. */
export function percentileDistributionMs(histogram: LatencyHistogram): string {
  return histogram.outputPercentileDistribution(5, 1000);
}
