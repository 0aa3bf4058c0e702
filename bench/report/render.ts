/** Printers: pure functions from a RunResult to the text of each report file. */
import { stringify } from 'csv-stringify/sync';
import { decodeHistogram, percentileDistributionMs } from '../../pipeline/histogram.js';
import type { FigureValue, RunResult, TableRecord } from './run-result.js';

/** A figure as text: whole numbers as they are, others to 3 decimals. */
export const showFigure = (value: FigureValue): string => (typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(3)) : String(value));

export function renderSummary(run: RunResult): string {
  const env = run.environment;
  const width = Math.max(...Object.keys(run.figures).map((k) => k.length), 10);
  const lines = [
    `${run.scenario}: ${run.passed ? 'PASSED' : 'FAILED'}`,
    `  ran ${run.started_at} → ${run.ended_at}`,
    `  on ${env.kafka.version} at ${env.kafka.brokers.join(',')}; ${env.drivers.map((d) => `${d.name} driver (${d.library} ${d.version})`).join(', ')}; Node ${env.node}; ${env.os}`,
    `  machine: ${env.cpu.model}, ${env.cpu.cores} cores, ${env.memory_gib} GiB; commit ${env.commit}`,
    ...(env.kafka.origin === 'local-started'
      ? ['  note: this run started the broker, whose JVM was still warming up; for steady-state figures start it first (npm run kafka:up)']
      : []),
    `  parameters: ${Object.entries(run.parameters)
      .map(([k, v]) => `${k}=${showFigure(v)}`)
      .join(' ')}`,
    run.warmup.messages === 0 ? '  warm-up: none' : `  warm-up: ${run.warmup.messages} messages in ${run.warmup.duration_ms} ms, ${run.warmup.excluded_from_figures ? 'excluded from the figures' : 'included'}`,
    ...(run.repeat ? [`  repeat: ${run.repeat.count} runs, each on fresh topics; figures are medians (min, max, spread), histograms merged`] : []),
    '',
    'figures',
    ...Object.entries(run.figures).map(([name, value]) => `  ${name.padEnd(width)}  ${showFigure(value)}${spreadText(run, name)}`),
  ];
  if (run.histograms.length > 0) {
    lines.push('', 'latency (ms)', `  ${'histogram'.padEnd(22)} ${['count', 'p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max', 'mean'].map((h) => h.padStart(10)).join('')}`);
    for (const h of run.histograms) {
      const s = h.summary;
      lines.push(`  ${h.name.padEnd(22)} ${[s.count, s.p50, s.p90, s.p99, s.p99_9, s.p99_99, s.max, s.mean].map((v) => String(v).padStart(10)).join('')}`);
      lines.push(`    ${h.description}`);
    }
  }
  for (const table of run.tables ?? []) lines.push('', table.title, ...renderTable(table));
  if (run.checks.length > 0) {
    lines.push('', 'checks');
    for (const check of run.checks) lines.push(`  [${check.passed ? 'ok' : 'FAILED'}] ${check.name}: ${check.detail}`);
  }
  if (run.thresholds.length > 0) {
    lines.push('', 'thresholds');
    for (const t of run.thresholds) lines.push(`  [${t.passed ? 'pass' : 'FAIL'}] ${t.threshold}: ${t.detail}`);
  }
  return `${lines.join('\n')}\n`;
}

/** With --repeat: a figure's min, max and spread over the runs. */
function spreadText(run: RunResult, name: string): string {
  const s = run.repeat?.figures[name];
  return s ? `  (min ${showFigure(s.min)}, max ${showFigure(s.max)}, spread ${s.spread_pct === null ? '-' : `${s.spread_pct}%`})` : '';
}

/** A table as aligned text: text columns to the left, numbers to the right. */
export function renderTable(table: TableRecord): string[] {
  const cells = [table.columns.map(String), ...table.rows.map((row) => row.map((cell) => (typeof cell === 'number' ? showFigure(cell) : cell)))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const numeric = table.columns.map((_, i) => table.rows.length > 0 && table.rows.every((row) => typeof row[i] === 'number' || row[i] === '-'));
  return cells.map((row) => `  ${row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd());
}

/** File name → CSV text: the figures, the latency summaries, and one file per time series and table. */
export function renderCsvFiles(run: RunResult): Record<string, string> {
  const files: Record<string, string> = {
    'figures.csv': stringify(Object.entries(run.figures).map(([name, value]) => [name, value]), { header: true, columns: ['figure', 'value'] }),
  };
  if (run.histograms.length > 0) {
    files['latency.csv'] = stringify(
      run.histograms.map((h) => ({ histogram: h.name, ...h.summary })),
      { header: true, columns: ['histogram', 'count', 'min', 'mean', 'p50', 'p90', 'p99', 'p99_9', 'p99_99', 'max'] },
    );
  }
  for (const series of run.series) files[`${series.name}.csv`] = stringify(series.rows.map((row) => [...row]), { header: true, columns: [...series.columns] });
  for (const table of run.tables ?? []) files[`${table.name}.csv`] = stringify(table.rows.map((row) => [...row]), { header: true, columns: [...table.columns] });
  return files;
}

/** File name → HdrHistogram percentile distribution (values in ms), decoded from run.json alone. */
export function renderHgrmFiles(run: RunResult): Record<string, string> {
  return Object.fromEntries(run.histograms.map((h) => [`${h.name}.hgrm`, percentileDistributionMs(decodeHistogram(h.encoded))]));
}
