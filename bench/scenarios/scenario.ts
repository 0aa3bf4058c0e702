import type { Check, HistogramRecord, RunResult, SeriesRecord } from '../report/run-result.js';

/** What a scenario returns; the runner adds what ran, on what, and when. */
export interface ScenarioOutcome {
  readonly warmup: RunResult['warmup'];
  readonly figures: RunResult['figures'];
  readonly histograms: readonly HistogramRecord[];
  readonly series: readonly SeriesRecord[];
  readonly checks: readonly Check[];
  readonly documents?: RunResult['documents'];
}
