import type { DriverInfo, DriverName } from '../clients/driver.js';
import type { KafkaTarget } from '../kafka/embedded.js';
import { withBenchContext, type BenchContext, type PipelineChoice } from './harness.js';
import { systemClock } from './measure/clock.js';
import type { Progress } from './progress.js';
import { describeEnvironment } from './report/environment.js';
import type { FigureValue, RunResult, ScenarioName } from './report/run-result.js';
import { defaultReportDir, prepareReportDir, writeReport } from './report/write-report.js';
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
}

/** Runs one scenario, writes its report folder, and returns the result and the folder. */
export async function runScenario<P extends object>(
  scenario: ScenarioName,
  params: P,
  run: (context: BenchContext, params: P) => Promise<ScenarioOutcome>,
  options: RunOptions,
): Promise<{ result: RunResult; dir: string }> {
  const started = new Date();
  const dir = options.outDir ?? defaultReportDir(options.reportsRoot, scenario, started);
  prepareReportDir(dir);
  let drivers: readonly DriverInfo[] = [];
  const contextOptions = { target: options.target, driver: options.driver, clock: systemClock, progress: options.progress, keepTopics: options.keepTopics, scenario, reportDir: dir, pipeline: options.pipeline, profile: options.profile };
  const outcome = await withBenchContext(contextOptions, (context) => {
    drivers = [context.client.driver];
    return run(context, params);
  });
  const result: RunResult = {
    scenario,
    started_at: started.toISOString(),
    ended_at: new Date().toISOString(),
    parameters: Object.fromEntries(Object.entries(params).map(([key, value]) => [key, value as FigureValue])),
    environment: describeEnvironment(options.target, outcome.drivers ?? drivers),
    warmup: outcome.warmup,
    figures: outcome.figures,
    histograms: outcome.histograms,
    series: outcome.series,
    ...(outcome.tables ? { tables: outcome.tables } : {}),
    checks: outcome.checks,
    passed: outcome.checks.every((check) => check.passed),
    ...(outcome.documents ? { documents: outcome.documents } : {}),
  };
  writeReport(result, dir);
  return { result, dir };
}
