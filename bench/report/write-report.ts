import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs, prepareWritableDir } from '../../pipeline/output-dir.js';
import { loadChartAssets } from './chart-assets.js';
import { renderHtml } from './html.js';
import { renderOmb } from './omb.js';
import { renderCsvFiles, renderHgrmFiles, renderSummary } from './render.js';
import type { RunResult } from './run-result.js';

/** reports/<scenario>-<UTC timestamp>, e.g. reports/baseline-20260215T102315Z. */
export function defaultReportDir(reportsRoot: string, scenario: string, startedAt: Date): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return join(reportsRoot, `${scenario}-${stamp}`);
}

/**
 * Makes the report folder and checks that it can be written, before anything runs: a run must not
 * be lost at its end to a folder it cannot write.
 */
export function prepareReportDir(dir: string): void {
  prepareWritableDir(dir, '--out');
}

/** Extra forms of run.json a run can also be written in (`--format`): omb, the OpenMessaging Benchmark's result JSON. */
export const REPORT_FORMATS = ['omb'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Writes run.json, summary.txt, report.html, the CSV files and the .hgrm files, and omb.json with `omb`; returns the file names. */
export function writeReport(run: RunResult, dir: string, formats: readonly ReportFormat[] = []): string[] {
  makeDirs(dir);
  const files: Record<string, string> = {
    'run.json': `${JSON.stringify(run, null, 2)}\n`,
    'summary.txt': renderSummary(run),
    'report.html': renderHtml(run, loadChartAssets()),
    ...renderCsvFiles(run),
    ...renderHgrmFiles(run),
    ...(formats.includes('omb') ? { 'omb.json': `${JSON.stringify(renderOmb(run), null, 2)}\n` } : {}),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files);
}
