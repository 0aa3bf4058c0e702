/**
 * bench:compare: two report folders' figures side by side, with Welch's t-test over their runs
 * (`--repeat`), as autocannon-compare and hyperfine do. Pure: from two RunResults alone.
 */
import type { RunResult } from '../report/run-result.js';
import { mean, welchTTest } from '../measure/statistics.js';
import { directionOf, type Direction } from './directions.js';

/** The significance level of the t-test. */
export const ALPHA = 0.05;

export type Verdict = 'better' | 'worse' | 'no significant difference' | 'not enough runs' | 'changed';

export interface FigureComparison {
  readonly figure: string;
  readonly direction: Direction;
  /** Each side's values, one per run. */
  readonly a: readonly number[];
  readonly b: readonly number[];
  /** The means. */
  readonly meanA: number;
  readonly meanB: number;
  /** (B - A) / |A|, percent; null when A is 0. */
  readonly diffPct: number | null;
  /** The two-sided p-value; null with fewer than two runs on a side. */
  readonly p: number | null;
  readonly significant: boolean;
  readonly verdict: Verdict;
}

/** A figure's value in each run: from `repeat.runs` when repeated, else the run's own. */
export function runValues(run: RunResult, figure: string): number[] {
  const runs = run.repeat?.runs ?? [run];
  return runs.map((r) => r.figures[figure]).filter((v): v is number => typeof v === 'number');
}

/** Every numeric figure both runs have, in A's order. */
export function compareRuns(a: RunResult, b: RunResult): FigureComparison[] {
  const names = Object.keys(a.figures).filter((name) => typeof a.figures[name] === 'number' && typeof b.figures[name] === 'number');
  return names.map((figure) => compareFigure(figure, runValues(a, figure), runValues(b, figure)));
}

export function compareFigure(figure: string, a: readonly number[], b: readonly number[]): FigureComparison {
  const direction = directionOf(figure);
  const meanA = mean(a);
  const meanB = mean(b);
  const diffPct = meanA === 0 ? (meanB === 0 ? 0 : null) : ((meanB - meanA) / Math.abs(meanA)) * 100;
  const enough = a.length >= 2 && b.length >= 2;
  const p = enough ? welchTTest(a, b).p : null;
  const significant = p !== null && p < ALPHA;
  const better = direction === 'higher' ? meanB > meanA : meanB < meanA;
  const verdict: Verdict = !enough ? 'not enough runs' : !significant ? 'no significant difference' : direction === 'neutral' ? 'changed' : better ? 'better' : 'worse';
  return { figure, direction, a, b, meanA, meanB, diffPct, p, significant, verdict };
}

/** The figures that got worse, significantly, by more than `pct` percent. */
export function regressions(comparisons: readonly FigureComparison[], pct: number): FigureComparison[] {
  return comparisons.filter((c) => c.verdict === 'worse' && (c.diffPct === null || Math.abs(c.diffPct) > pct));
}
