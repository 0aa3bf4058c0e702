import type { DriverInfo } from '../../clients/driver.js';
import type { Check, HistogramRecord, RunResult, SeriesRecord, TableRecord } from '../report/run-result.js';

/** What a scenario returns; the runner adds what ran, on what, and when. */
export interface ScenarioOutcome {
  readonly warmup: RunResult['warmup'];
  readonly figures: RunResult['figures'];
  readonly histograms: readonly HistogramRecord[];
  readonly series: readonly SeriesRecord[];
  readonly tables?: readonly TableRecord[];
  readonly checks: readonly Check[];
  readonly documents?: RunResult['documents'];
  readonly faults?: RunResult['faults'];
  /** The drivers the scenario used, when not just the run's own (bench:clients). */
  readonly drivers?: readonly DriverInfo[];
}
