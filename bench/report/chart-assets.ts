/** The chart library report.html inlines: uPlot's minified script and stylesheet, and its MIT licence notice, read from node_modules. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ChartAssets {
  readonly script: string;
  readonly style: string;
  /** The library's name, version and licence, kept with its code as the licence asks. */
  readonly notice: string;
}

export function loadChartAssets(): ChartAssets {
  const root = dirname(createRequire(import.meta.url).resolve('uplot/package.json'));
  const read = (file: string): string => readFileSync(join(root, file), 'utf8');
  const { version } = JSON.parse(read('package.json')) as { version: string };
  return { script: read('dist/uPlot.iife.min.js'), style: read('dist/uPlot.min.css'), notice: `uPlot ${version}\n${read('LICENSE').trim()}` };
}
