import { join } from 'node:path';
import type { DriverInfo, DriverName } from '../clients/driver.js';
import type { KafkaTarget } from '../kafka/embedded.js';
import { withBenchContext, type BenchContext, type PipelineChoice } from './harness.js';
import { systemClock } from './measure/clock.js';
import { figureSpreads, medianFigures, mergedHistograms, repeatedChecks } from './measure/repeats.js';
import { evaluateThresholds, type Threshold } from './measure/thresholds.js';
import type { Progress } from './progress.js';
import { describeEnvironment } from './report/environment.js';
import type { FigureValue, RepeatedRun, RunResult, ScenarioName } from './report/run-result.js';
import { defaultReportDir, prepareReportDir, writeReport, type ReportFormat } from './report/write-report.js';
import type { ScenarioOutcome } from './scenarios/scenario.js';

export interface RunOptions {
  readonly target: KafkaTarget;
  /** The client driver of the run's pipeline and load. */
  readonly driver: DriverName;
  readonly progress: Progress;
  readonly keepTopics: boolean;
  /** The report folder; default reports/<scenario>-<UTC timestamp>. */
  readonly outDir: string | undefined;
  readonly reportsRoot: string;
  readonly pipeline: PipelineChoice;
  readonly profile: boolean;
  /** Runs of the scenario, each on fresh topics [1]. */
  readonly repeat?: number;
  /** Evaluated over the (merged) histograms and the figures when the runs are done. */
  readonly thresholds?: readonly Threshold[];
  /** Other forms the report is also written in (`--format omb`). */
  readonly formats?: readonly ReportFormat[];
  /** Aborted by a stop (SIGINT, SIGTERM): the run is left, cleaned up, and rejects with Interrupted. */
  readonly interrupt?: AbortSignal;
}

interface Measured {
  readonly started: Date;
  readonly ended: Date;
  readonly outcome: ScenarioOutcome;
  readonly drivers: readonly DriverInfo[];
}

/**
 * Runs one scenario (`repeat` times, each on fresh topics, the stages' logs of run i in run-<i>/),
 * writes its report folder, and returns the result and the folder.
 */
export async function runScenario<P extends object>(
  scenario: ScenarioName,
  params: P,
  run: (context: BenchContext, params: P) => Promise<ScenarioOutcome>,
  options: RunOptions,
): Promise<{ result: RunResult; dir: string }> {
  const started = new Date();
  const dir = options.outDir ?? defaultReportDir(options.reportsRoot, scenario, started);
  prepareReportDir(dir);
  const repeat = options.repeat ?? 1;
  const runs: Measured[] = [];
  for (let i = 1; i <= repeat; i++) {
    if (repeat > 1) options.progress.phase(`run ${i} of ${repeat}`);
    runs.push(await measureOnce(scenario, params, run, options, repeat === 1 ? dir : join(dir, `run-${i}`)));
  }
  const result = resultOf(scenario, params, runs, options);
  writeReport(result, dir, options.formats ?? []);
  return { result, dir };
}

async function measureOnce<P extends object>(scenario: ScenarioName, params: P, run: (context: BenchContext, params: P) => Promise<ScenarioOutcome>, options: RunOptions, reportDir: string): Promise<Measured> {
  if (options.repeat !== undefined && options.repeat > 1) prepareReportDir(reportDir);
  const started = new Date();
  let drivers: readonly DriverInfo[] = [];
  const contextOptions = { target: options.target, driver: options.driver, clock: systemClock, progress: options.progress, keepTopics: options.keepTopics, scenario, reportDir, pipeline: options.pipeline, profile: options.profile, ...(options.interrupt ? { interrupt: options.interrupt } : {}) };
  const outcome = await withBenchContext(contextOptions, (context) => {
    drivers = [context.client.driver];
    return run(context, params);
  });
  return { started, ended: new Date(), outcome, drivers: outcome.drivers ?? drivers };
}

/** One result of the runs: a single run as it was; several as medians, merged histograms and every run's checks. */
function resultOf(scenario: ScenarioName, params: object, runs: readonly Measured[], options: RunOptions): RunResult {
  const [first] = runs;
  const last = runs.at(-1);
  if (!first || !last) throw new Error('--repeat ran nothing');
  const repeated: RepeatedRun[] = runs.map(({ started, ended, outcome }) => ({
    started_at: started.toISOString(),
    ended_at: ended.toISOString(),
    figures: outcome.figures,
    histograms: outcome.histograms,
    checks: outcome.checks,
    passed: outcome.checks.every((check) => check.passed),
  }));
  const spreads = runs.length > 1 ? figureSpreads(repeated) : {};
  const figures = runs.length > 1 ? medianFigures(repeated, spreads) : first.outcome.figures;
  const histograms = runs.length > 1 ? mergedHistograms(repeated) : first.outcome.histograms;
  const checks = runs.length > 1 ? repeatedChecks(repeated) : first.outcome.checks;
  const { outcome } = first;
  return {
    scenario,
    started_at: first.started.toISOString(),
    ended_at: last.ended.toISOString(),
    parameters: Object.fromEntries(Object.entries(params).map(([key, value]) => [key, value as FigureValue])),
    environment: describeEnvironment(options.target, first.drivers),
    warmup: outcome.warmup,
    figures,
    histograms,
    series: outcome.series,
    ...(outcome.tables ? { tables: outcome.tables } : {}),
    checks,
    passed: checks.every((check) => check.passed),
    thresholds: evaluateThresholds({ figures, histograms }, options.thresholds ?? []),
    ...(runs.length > 1 ? { repeat: { count: runs.length, runs: repeated, figures: spreads } } : {}),
    ...(outcome.documents ? { documents: outcome.documents } : {}),
    ...(outcome.faults ? { faults: outcome.faults } : {}),
  };
}
