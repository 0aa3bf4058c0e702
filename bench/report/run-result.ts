import type { LatencySummaryMs } from '../../pipeline/histogram.js';

export type ScenarioName = 'baseline' | '10k' | 'lag' | 'replay' | 'clients' | 'rest';

export interface RunDriver {
  readonly name: string;
  readonly library: string;
  readonly version: string;
}

/** What ran on what: every report carries it. */
export interface RunEnvironment {
  readonly kafka: { readonly version: string; readonly brokers: readonly string[]; readonly origin: string };
  /** The client drivers the run used: each one's name, library and version. */
  readonly drivers: readonly RunDriver[];
  readonly node: string;
  readonly os: string;
  readonly cpu: { readonly model: string; readonly cores: number };
  readonly memory_gib: number;
  readonly commit: string;
}

export interface HistogramRecord {
  /** File name stem of its .hgrm and its key in latency.csv. */
  readonly name: string;
  readonly description: string;
  readonly summary: LatencySummaryMs;
  /** The whole histogram (µs), compressed base64: .hgrm files and merges are made from this alone. */
  readonly encoded: string;
}

export interface SeriesRecord {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (number | string)[])[];
}

/** A table of the run's figures for people: rows of cells under named columns (summary.txt, <name>.csv). */
export interface TableRecord {
  readonly name: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (number | string)[])[];
}

export interface Check {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

export type FigureValue = number | string | boolean | null;

/** One run of one scenario, as data: run.json. Every other report file is rendered from it. */
export interface RunResult {
  readonly scenario: ScenarioName;
  readonly started_at: string;
  readonly ended_at: string;
  readonly parameters: Readonly<Record<string, FigureValue>>;
  readonly environment: RunEnvironment;
  readonly warmup: { readonly messages: number; readonly duration_ms: number; readonly excluded_from_figures: boolean };
  /** Flat figure name → value; units are in the names (_ms, _per_s, _mb_per_s, _s). */
  readonly figures: Readonly<Record<string, FigureValue>>;
  readonly histograms: readonly HistogramRecord[];
  readonly series: readonly SeriesRecord[];
  readonly tables?: readonly TableRecord[];
  readonly checks: readonly Check[];
  readonly passed: boolean;
  /** Scenario-specific documents (the replay's figures of each pass). */
  readonly documents?: Readonly<Record<string, unknown>>;
}
