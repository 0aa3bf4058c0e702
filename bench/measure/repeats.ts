/**
 * `--repeat N`: the runs of one invocation as one result. Figures as median, min, max and spread;
 * histograms merged (never averaged), each run's kept beside.
 */
import { decodeHistogram, encodeHistogram, mergeHistograms, summarizeMs } from '../../pipeline/histogram.js';
import type { Check, FigureSpread, FigureValue, HistogramRecord, RepeatedRun } from '../report/run-result.js';
import { spreadOf } from './statistics.js';

/** Each figure that is a number in every run, over the runs. */
export function figureSpreads(runs: readonly RepeatedRun[]): Record<string, FigureSpread> {
  const names = Object.keys(runs[0]?.figures ?? {});
  const spreads: Record<string, FigureSpread> = {};
  for (const name of names) {
    const values = runs.map((run) => run.figures[name]);
    if (values.every((v): v is number => typeof v === 'number')) spreads[name] = { values, ...spreadOf(values) };
  }
  return spreads;
}

/** The figures of the whole: each numeric figure's median; any other figure, the first run's value. */
export function medianFigures(runs: readonly RepeatedRun[], spreads: Readonly<Record<string, FigureSpread>>): Record<string, FigureValue> {
  const first = runs[0]?.figures ?? {};
  return Object.fromEntries(Object.entries(first).map(([name, value]) => [name, spreads[name]?.median ?? value]));
}

/** Every histogram name of the first run, merged over the runs that have it. */
export function mergedHistograms(runs: readonly RepeatedRun[]): HistogramRecord[] {
  const first = runs[0]?.histograms ?? [];
  return first.map((record) => {
    const same = runs.flatMap((run) => run.histograms.filter((h) => h.name === record.name));
    const merged = mergeHistograms(same.map((h) => decodeHistogram(h.encoded)));
    return { name: record.name, description: `${record.description}; merged over ${same.length} runs`, summary: summarizeMs(merged), encoded: encodeHistogram(merged) };
  });
}

/** Every run's checks, each named with its run. */
export function repeatedChecks(runs: readonly RepeatedRun[]): Check[] {
  return runs.flatMap((run, i) => run.checks.map((check) => ({ ...check, name: `run ${i + 1}: ${check.name}` })));
}
