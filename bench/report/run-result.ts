import type { LatencySummaryMs } from '../../pipeline/histogram.js';

export type ScenarioName = 'baseline' | '10k' | 'lag' | 'replay' | 'clients' | 'rest' | 'chaos';

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

/** A threshold's outcome (`--threshold`, `--thresholds FILE`). */
export interface ThresholdResult {
  /** As written, e.g. end_to_end.p99<50. */
  readonly threshold: string;
  readonly passed: boolean;
  /** The value compared (ms for a histogram's statistic); null when the run has no such figure or histogram. */
  readonly value: number | null;
  readonly detail: string;
}

/** A numeric figure over the runs of `--repeat N`. */
export interface FigureSpread {
  /** One value per run, in run order. */
  readonly values: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max - min) / |median|, percent; null when the median is 0 and the values differ. */
  readonly spread_pct: number | null;
}

/** One run of a repeated invocation: its own figures, histograms and checks. */
export interface RepeatedRun {
  readonly started_at: string;
  readonly ended_at: string;
  readonly figures: Readonly<Record<string, FigureValue>>;
  readonly histograms: readonly HistogramRecord[];
  readonly checks: readonly Check[];
  readonly passed: boolean;
}

/**
 * `--repeat N` (N > 1): the scenario ran N times on fresh topics. The run's own `figures` are then
 * each numeric figure's median (any other figure: the first run's value), its `histograms` the
 * runs' histograms merged, its `series` and `tables` those of the first run, its checks every run's.
 */
export interface RepeatRecord {
  readonly count: number;
  readonly runs: readonly RepeatedRun[];
  readonly figures: Readonly<Record<string, FigureSpread>>;
}

export interface AgentCounters {
  readonly sent: number;
  readonly failed: number;
  readonly bytes: number;
  readonly results: number;
  readonly warmup_results: number;
}

/** One load agent of a multi-agent run, as the collector heard it. */
export interface AgentRecord {
  readonly index: number;
  /** Its share, as it reported it; null when it was never heard from. */
  readonly share: { readonly count: number; readonly rate: number | null; readonly seed: number; readonly id_prefix: string } | null;
  readonly intervals_seen: number;
  /** Sequence numbers below its last one heard that never arrived. */
  readonly intervals_missing: readonly number[];
  /** It sent its final interval: everything it did is in. */
  readonly final_seen: boolean;
  readonly last_seq: number | null;
  /** Its intervals' counters added up. */
  readonly counters: AgentCounters;
}

/** A run made by several load agents (bench:collect): who they were and what was heard from each. */
export interface AgentsSection {
  readonly count: number;
  readonly run_id: string;
  readonly results_topic: string;
  readonly list: readonly AgentRecord[];
}

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
  /** Every check passed (thresholds are apart: a failed threshold exits 99, a failed check 1). */
  readonly passed: boolean;
  /** Each threshold asked for, evaluated over the merged histograms and the figures. */
  readonly thresholds: readonly ThresholdResult[];
  /** Present when the scenario ran more than once (`--repeat N`). */
  readonly repeat?: RepeatRecord;
  /** Scenario-specific documents (the replay's figures of each pass). */
  readonly documents?: Readonly<Record<string, unknown>>;
  /** bench:chaos: each fault as it happened, with the time until results flowed again. */
  readonly faults?: readonly FaultRecord[];
  /** Present when the run was made by load agents and merged by bench:collect. */
  readonly agents?: AgentsSection;
}

/** One fault of bench:chaos (run.json `faults`, faults.csv). */
export interface FaultRecord {
  /** Seconds from the load's start. */
  readonly at_s: number;
  readonly kind: string;
  /** What was hit: `broker 2 (leader of <topic>/0)`, `inventory-1 (pid 1234)`, or `none` when skipped. */
  readonly target: string;
  /** Seconds the target stayed down or stopped. */
  readonly for_s: number;
  /** Seconds from the fault to the last disturbed result before the next fault; null: not recovered in that time, or skipped. */
  readonly recovery_s: number | null;
  /** Why the fault did not run, when it did not. */
  readonly skipped?: string;
}
