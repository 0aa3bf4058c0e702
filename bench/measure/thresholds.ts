/**
 * Thresholds in k6's syntax: `end_to_end.p99<50` (a histogram's statistic, in ms) or
 * `produce_events_per_s>20000` (a figure). Parsed once at the edge, evaluated over a run's merged
 * histograms and its figures.
 */
import { z } from 'zod';
import { decodeHistogram, percentileMs } from '../../pipeline/histogram.js';
import type { RunResult, ThresholdResult } from '../report/run-result.js';

export const THRESHOLD_OPERATORS = ['<=', '>=', '==', '!=', '<', '>'] as const;
export type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number];

export type HistogramStatistic = { readonly kind: 'percentile'; readonly percentile: number } | { readonly kind: 'min' | 'max' | 'mean' | 'count' };

export type ThresholdTarget = { readonly kind: 'figure'; readonly figure: string } | { readonly kind: 'histogram'; readonly histogram: string; readonly statistic: HistogramStatistic };

export interface Threshold {
  /** As written, e.g. end_to_end.p99<50. */
  readonly source: string;
  readonly target: ThresholdTarget;
  readonly operator: ThresholdOperator;
  readonly limit: number;
}

export const THRESHOLD_SYNTAX = 'FIGURE<OP>NUMBER or HISTOGRAM.STAT<OP>NUMBER, with OP one of < <= > >= == != and STAT p50, p99, p99.9, p(99.9), min, max, mean or count (ms), e.g. end_to_end.p99<50 or produce_events_per_s>20000';

const SHAPE = /^([a-z0-9_-]+)(?:\.([a-z0-9_.()]+))?\s*(<=|>=|==|!=|<|>)\s*(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)$/i;

function parseStatistic(text: string): HistogramStatistic | undefined {
  const lower = text.toLowerCase();
  if (lower === 'min' || lower === 'max' || lower === 'mean' || lower === 'count') return { kind: lower };
  if (lower === 'avg') return { kind: 'mean' };
  if (lower === 'med') return { kind: 'percentile', percentile: 50 };
  const match = /^p(?:\((\d+(?:\.\d+)?)\)|(\d+(?:[._]\d+)?))$/.exec(lower);
  const digits = match?.[1] ?? match?.[2]?.replace('_', '.');
  if (digits === undefined) return undefined;
  const percentile = Number(digits);
  return percentile > 0 && percentile <= 100 ? { kind: 'percentile', percentile } : undefined;
}

/** A threshold, or a one-line message naming it and saying what a threshold looks like. */
export function parseThreshold(text: string): Threshold | string {
  const source = text.trim();
  const match = SHAPE.exec(source);
  const refuse = `'${text}' is not a threshold: expected ${THRESHOLD_SYNTAX}`;
  if (!match) return refuse;
  const [, name = '', statText, operator = '', limitText = ''] = match;
  const limit = Number(limitText);
  if (!Number.isFinite(limit)) return refuse;
  const op = operator as ThresholdOperator;
  if (statText === undefined) return { source, target: { kind: 'figure', figure: name }, operator: op, limit };
  const statistic = parseStatistic(statText);
  return statistic ? { source, target: { kind: 'histogram', histogram: name, statistic }, operator: op, limit } : refuse;
}

/**
 * A thresholds file, k6's options shape: `{ "thresholds": { "end_to_end": ["p(99)<50"],
 * "produce_events_per_s": ["value>20000"] } }`: a histogram's expressions name a statistic, a
 * figure's say `value`.
 */
const ThresholdsFile = z.strictObject({ thresholds: z.record(z.string().regex(/^[a-z0-9_-]+$/i, 'a figure or histogram name'), z.array(z.string()).min(1)) });

/** The thresholds a file's JSON text holds, or one line saying what is wrong with it. */
export function parseThresholdsFile(json: string, path: string): Threshold[] | string {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    return `--thresholds ${path} is not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  const parsed = ThresholdsFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `--thresholds ${path}: ${issue ? `${issue.path.join('.') || 'the file'}: ${issue.message}` : 'not a thresholds file'}; expected { "thresholds": { "end_to_end": ["p(99)<50"], "produce_events_per_s": ["value>20000"] } }`;
  }
  const thresholds: Threshold[] = [];
  for (const [name, expressions] of Object.entries(parsed.data.thresholds)) {
    for (const expression of expressions) {
      const trimmed = expression.trim();
      const text = trimmed.startsWith('value') ? `${name}${trimmed.slice('value'.length)}` : `${name}.${trimmed}`;
      const threshold = parseThreshold(text);
      if (typeof threshold === 'string') return `--thresholds ${path}: ${name}: ${threshold}`;
      thresholds.push(threshold);
    }
  }
  return thresholds;
}

const compare: Record<ThresholdOperator, (value: number, limit: number) => boolean> = {
  '<': (v, l) => v < l,
  '<=': (v, l) => v <= l,
  '>': (v, l) => v > l,
  '>=': (v, l) => v >= l,
  '==': (v, l) => v === l,
  '!=': (v, l) => v !== l,
};

type Measured = { readonly value: number; readonly what: string } | { readonly missing: string };

function measure(run: Pick<RunResult, 'figures' | 'histograms'>, target: ThresholdTarget): Measured {
  if (target.kind === 'figure') {
    if (!(target.figure in run.figures)) return { missing: `this run has no figure ${target.figure}` };
    const value = run.figures[target.figure];
    return typeof value === 'number' ? { value, what: 'figure' } : { missing: `figure ${target.figure} is ${JSON.stringify(value)}, not a number` };
  }
  const record = run.histograms.find((h) => h.name === target.histogram);
  if (!record) return { missing: `this run has no histogram ${target.histogram}; it has ${run.histograms.map((h) => h.name).join(', ') || 'none'}` };
  const histogram = decodeHistogram(record.encoded);
  const stat = target.statistic;
  if (stat.kind === 'count') return { value: histogram.totalCount, what: 'count' };
  if (histogram.totalCount === 0) return { missing: `histogram ${target.histogram} is empty` };
  const value = stat.kind === 'percentile' ? percentileMs(histogram, stat.percentile) : stat.kind === 'min' ? percentileMs(histogram, 0) : stat.kind === 'max' ? histogram.maxValue / 1000 : Math.round(histogram.mean) / 1000;
  return { value, what: 'ms' };
}

/** Each threshold against the run's figures and its (merged) histograms; a name the run does not have fails. */
export function evaluateThresholds(run: Pick<RunResult, 'figures' | 'histograms'>, thresholds: readonly Threshold[]): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const measured = measure(run, threshold.target);
    if ('missing' in measured) return { threshold: threshold.source, passed: false, value: null, detail: measured.missing };
    const passed = compare[threshold.operator](measured.value, threshold.limit);
    const unit = measured.what === 'ms' ? ' ms' : '';
    return { threshold: threshold.source, passed, value: measured.value, detail: `${measured.value}${unit} ${passed ? 'within' : 'outside'} ${threshold.operator} ${threshold.limit}${unit}` };
  });
}
