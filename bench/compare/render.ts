/** bench:compare's printers: the text table and compare.md, pure functions of the comparison. */
import type { RunResult } from '../report/run-result.js';
import { ALPHA, type FigureComparison } from './compare.js';

const num = (v: number): string => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3));
const side = (values: readonly number[], m: number): string => (values.length > 1 ? `${num(m)} (n=${values.length})` : num(m));
const pct = (d: number | null): string => (d === null ? '-' : `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`);
const pValue = (p: number | null): string => (p === null ? '-' : p < 0.001 ? '<0.001' : p.toFixed(3));
const better = (c: FigureComparison): string => (c.direction === 'neutral' ? '' : `${c.direction} is better`);

const COLUMNS = ['figure', 'A', 'B', 'diff', 'p', 'verdict', ''] as const;

function rows(comparisons: readonly FigureComparison[]): string[][] {
  return comparisons.map((c) => [c.figure, side(c.a, c.meanA), side(c.b, c.meanB), pct(c.diffPct), pValue(c.p), c.verdict, better(c)]);
}

function heading(a: { dir: string; run: RunResult }, b: { dir: string; run: RunResult }): string[] {
  const runs = (r: RunResult): string => `${r.scenario}, ${r.repeat?.count ?? 1} run${(r.repeat?.count ?? 1) === 1 ? '' : 's'}, ${r.started_at}`;
  return [`A: ${a.dir} (${runs(a.run)})`, `B: ${b.dir} (${runs(b.run)})`, `means over each side's runs; diff = (B - A) / A; Welch's t-test, two-sided, significant when p < ${ALPHA}`];
}

export function renderCompareText(a: { dir: string; run: RunResult }, b: { dir: string; run: RunResult }, comparisons: readonly FigureComparison[]): string {
  const cells = [[...COLUMNS], ...rows(comparisons)];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const right = new Set([1, 2, 3, 4]);
  const lines = cells.map((row) => `  ${row.map((cell, i) => (right.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd());
  return `${[...heading(a, b), '', ...lines].join('\n')}\n`;
}

export function renderCompareMarkdown(a: { dir: string; run: RunResult }, b: { dir: string; run: RunResult }, comparisons: readonly FigureComparison[]): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const table = [`| ${COLUMNS.slice(0, -1).join(' | ')} | direction |`, `|${COLUMNS.map((_, i) => (i >= 1 && i <= 4 ? '---:' : '---')).join('|')}|`, ...rows(comparisons).map((row) => `| ${row.map(escape).join(' | ')} |`)];
  return `# bench:compare\n\n${heading(a, b).map((line) => `- ${line}`).join('\n')}\n\n${table.join('\n')}\n`;
}
