#!/usr/bin/env node
/** npm run bench:compare -- DIR_A DIR_B [--out DIR] [--fail-if-worse PCT] */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkNumber, commandLine, validate } from '../../pipeline/cli-support.js';
import { prepareWritableDir } from '../../pipeline/output-dir.js';
import type { RunResult } from '../report/run-result.js';
import { compareRuns, regressions } from './compare.js';
import { renderCompareMarkdown, renderCompareText } from './render.js';

const args = await commandLine('bench:compare', '$0 DIR_A DIR_B [options]', "Compares two report folders figure by figure: A, B, the difference, and Welch's t-test over their runs (--repeat N). Exit 99 with --fail-if-worse when a figure got significantly worse by more than PCT percent.")
  .option('out', { type: 'string', describe: 'a folder to write compare.md into' })
  .option('fail-if-worse', { type: 'number', describe: 'exit 99 when a figure moves the wrong way by more than this many percent, significantly' })
  .demandCommand(2, 2, 'name two report folders: DIR_A DIR_B')
  .check((a) => validate(checkNumber('fail-if-worse', a['fail-if-worse'], { min: 0 })))
  .parseAsync();

function refuse(message: string): never {
  process.stderr.write(`bench:compare: ${message}\n`);
  process.exit(2);
}

function readRun(dir: string): RunResult {
  let text: string;
  try {
    text = readFileSync(join(dir, 'run.json'), 'utf8');
  } catch {
    refuse(`${dir} has no run.json; name two report folders of the bench`);
  }
  try {
    return JSON.parse(text) as RunResult;
  } catch (error) {
    refuse(`${join(dir, 'run.json')} is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

const [dirA = '', dirB = ''] = args._.map(String);
const a = { dir: dirA, run: readRun(dirA) };
const b = { dir: dirB, run: readRun(dirB) };
if (a.run.scenario !== b.run.scenario) refuse(`${dirA} is a ${a.run.scenario} run and ${dirB} a ${b.run.scenario} run; compare runs of one scenario`);
if (args.out) {
  try {
    prepareWritableDir(args.out, '--out');
  } catch (error) {
    refuse(error instanceof Error ? error.message : String(error));
  }
}

const comparisons = compareRuns(a.run, b.run);
process.stdout.write(renderCompareText(a, b, comparisons));
if (args.out) {
  writeFileSync(join(args.out, 'compare.md'), renderCompareMarkdown(a, b, comparisons));
  console.log(join(args.out, 'compare.md'));
}
const limit = args['fail-if-worse'];
if (limit !== undefined) {
  const worse = regressions(comparisons, limit);
  for (const c of worse) process.stderr.write(`bench:compare: ${c.figure} is worse by ${c.diffPct === null ? 'more than any percentage' : `${Math.abs(c.diffPct).toFixed(1)}%`} (p ${c.p === null ? '-' : c.p.toFixed(3)}), beyond --fail-if-worse ${limit}\n`);
  if (worse.length > 0) process.exit(99);
}
