/**
 * The charts of report.html as data, from a RunResult alone: the latency percentile spectrum
 * (HdrHistogram's plot), lag and throughput over time, and the drivers beside the Java references
 * as bars. The page's script draws them with uPlot; nothing here touches a browser.
 */
import { decodeHistogram, percentileMs } from '../../pipeline/histogram.js';
import type { RunResult, SeriesRecord, TableRecord } from './run-result.js';

/** How an axis's tick values are written: percentiles from 1/(1-p), plain numbers, or seconds. */
export type TickStyle = 'percentile' | 'number' | 'seconds';

export interface ChartAxis {
  readonly label: string;
  readonly log: boolean;
  readonly ticks: TickStyle;
}

export interface ChartLine {
  readonly label: string;
  /** One value per x, null where the line has none. */
  readonly values: readonly (number | null)[];
  /** A reference drawn dashed through its few points. */
  readonly reference?: boolean;
}

/** A moment marked across a chart: a fault of bench:chaos. */
export interface ChartMarker {
  readonly x: number;
  readonly label: string;
}

export interface LineChart {
  readonly kind: 'lines';
  readonly id: string;
  readonly title: string;
  readonly note: string;
  readonly x: ChartAxis;
  readonly y: ChartAxis;
  readonly xs: readonly number[];
  readonly lines: readonly ChartLine[];
  /** Vertical lines with a label, drawn over the chart. */
  readonly markers?: readonly ChartMarker[];
}

export interface BarChart {
  readonly kind: 'bars';
  readonly id: string;
  readonly title: string;
  readonly note: string;
  readonly y: ChartAxis;
  /** One group of bars per category, one bar per measure. */
  readonly categories: readonly string[];
  readonly measures: readonly { readonly label: string; readonly values: readonly (number | null)[] }[];
}

export type ChartSpec = LineChart | BarChart;

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Points per decade of 1/(1-p) on the percentile axis. */
const POINTS_PER_DECADE = 20;

/** The percentiles the Java tools report, as x = 1/(1-p). */
const JAVA_PERCENTILES = [
  { suffix: 'p50_ms', x: 2 },
  { suffix: 'p99_ms', x: 100 },
] as const;

/** Java references of a latency: the figure prefix each reports under, and its name on the chart. */
const JAVA_LATENCY_REFERENCES = [
  { prefix: 'java_end_to_end_', label: 'Java EndToEndLatency' },
  { prefix: 'java_produce_to_ack_', label: 'Java ProducerPerformance at the rate' },
] as const;

/**
 * HdrHistogram's percentile plot: x = 1/(1-p) on a log axis (1 is the median's left end, 100 is
 * p99, 1000 p99.9), latency in ms on a log axis; one line per histogram, up to the percentile its
 * count can tell (1 - 1/count), and one dashed line per Java reference through its p50 and p99.
 */
export function percentileChart(run: Pick<RunResult, 'histograms' | 'figures'>): LineChart | undefined {
  const histograms = run.histograms.map((record) => ({ record, histogram: decodeHistogram(record.encoded) })).filter(({ histogram }) => histogram.totalCount > 1);
  if (histograms.length === 0) return undefined;
  const maxCount = Math.max(...histograms.map(({ histogram }) => histogram.totalCount));
  const grid = new Set<number>(JAVA_PERCENTILES.map((p) => p.x));
  for (let k = 0; 10 ** (k / POINTS_PER_DECADE) <= maxCount; k++) grid.add(round(10 ** (k / POINTS_PER_DECADE), 4));
  const xs = [...grid].sort((a, b) => a - b);
  const lines: ChartLine[] = histograms.map(({ record, histogram }) => ({
    label: record.name,
    values: xs.map((x) => {
      // A log axis has no 0: a latency below the histogram's 1 µs resolution is left out of the line.
      const value = x <= histogram.totalCount ? percentileMs(histogram, 100 * (1 - 1 / x)) : 0;
      return value > 0 ? value : null;
    }),
  }));
  for (const reference of JAVA_LATENCY_REFERENCES) {
    const points = JAVA_PERCENTILES.map((p) => ({ x: p.x, value: run.figures[`${reference.prefix}${p.suffix}`] }));
    if (!points.some((p) => typeof p.value === 'number')) continue;
    const valueAt = (x: number): number | null => {
      const value = points.find((p) => p.x === x)?.value;
      return typeof value === 'number' ? value : null;
    };
    lines.push({ label: reference.label, reference: true, values: xs.map(valueAt) });
  }
  return {
    kind: 'lines',
    id: 'latency-percentiles',
    title: 'Latency by percentile',
    note: 'HdrHistogram percentile distribution of each histogram; dashed: Kafka’s Java tools at p50 and p99 (whole ms for EndToEndLatency).',
    x: { label: 'percentile', log: true, ticks: 'percentile' },
    y: { label: 'latency (ms)', log: true, ticks: 'number' },
    xs,
    lines,
  };
}

const numberAt = (row: readonly (number | string)[], index: number): number => {
  const cell = row[index];
  return typeof cell === 'number' ? cell : Number(cell);
};

/** A time series' rows as one x (seconds) and one line per named column; with a partition column, only its totals. */
function timeLines(series: SeriesRecord, columns: readonly string[]): { xs: number[]; lines: { column: string; values: number[] }[] } | undefined {
  const t = series.columns.indexOf('t_ms');
  const partition = series.columns.indexOf('partition');
  if (t < 0) return undefined;
  const rows = partition < 0 ? series.rows : series.rows.filter((row) => row[partition] === 'total');
  const indexes = columns.map((column) => ({ column, index: series.columns.indexOf(column) })).filter(({ index }) => index >= 0);
  if (rows.length < 2 || indexes.length === 0) return undefined;
  return { xs: rows.map((row) => numberAt(row, t) / 1000), lines: indexes.map(({ column, index }) => ({ column, values: rows.map((row) => numberAt(row, index)) })) };
}

/** Rates are taken over this share of a series' span: offsets move in steps (commits, batches), and per-sample rates would be spikes. */
const RATE_WINDOW_SHARE = 1 / 12;

/** Per second over a trailing window: a counter's rise (or a lag's fall, with sign -1); null until the window has two samples. */
function ratePerS(xs: readonly number[], values: readonly number[], sign: 1 | -1): (number | null)[] {
  const windowS = ((xs.at(-1) ?? 0) - (xs[0] ?? 0)) * RATE_WINDOW_SHARE;
  let from = 0;
  return values.map((value, i) => {
    const x = xs[i] ?? 0;
    while (from < i - 1 && x - (xs[from + 1] ?? x) >= windowS) from++;
    const dt = x - (xs[from] ?? x);
    return i === 0 || dt <= 0 ? null : Math.max(0, round((sign * (value - (values[from] ?? value))) / dt, 1));
  });
}

const phrase = (column: string): string => column.replace(/_/g, ' ');

/** Consumer lag over time, and the throughput read from the same samples: offsets' rise, or the lag's fall while a backlog drains. */
export function timeCharts(run: Pick<RunResult, 'series'>): LineChart[] {
  const charts: LineChart[] = [];
  for (const series of run.series) {
    const lagColumns = series.columns.filter((c) => c.endsWith('lag'));
    const timed = timeLines(series, lagColumns);
    if (!timed) continue;
    const time: ChartAxis = { label: 'time (s)', log: false, ticks: 'seconds' };
    charts.push({ kind: 'lines', id: `${series.name}-lag`, title: `Consumer lag (${series.name})`, note: `From broker offsets: each group's end offsets less its committed offsets, every sample of ${series.name}.csv.`, x: time, y: { label: 'lag (messages)', log: false, ticks: 'number' }, xs: timed.xs, lines: timed.lines.map((line) => ({ label: phrase(line.column), values: line.values })) });
    const offsets = timeLines(series, ['end_offset', 'committed_offset']);
    const rates = offsets
      ? offsets.lines.map((line) => ({ label: line.column === 'end_offset' ? 'produced' : 'consumed (committed)', values: ratePerS(offsets.xs, line.values, 1) }))
      : timed.lines.map((line) => ({ label: `${phrase(line.column).replace(/ lag$/, '')} drained`, values: ratePerS(timed.xs, line.values, -1) }));
    // A rate needs two intervals to make a line: a drain sampled only twice (over in a moment) has no throughput curve.
    if (!rates.some((line) => line.values.filter((value) => value !== null).length >= 2)) continue;
    charts.push({ kind: 'lines', id: `${series.name}-throughput`, title: `Throughput (${series.name})`, note: `Messages per second over a trailing window of ${round(((timed.xs.at(-1) ?? 0) - (timed.xs[0] ?? 0)) * RATE_WINDOW_SHARE, 2)} s: ${offsets ? 'the end offsets’ rise (produced) and the committed offsets’ rise (consumed)' : 'how fast each group’s lag fell while it drained the backlog'}.`, x: time, y: { label: 'messages/s', log: false, ticks: 'number' }, xs: offsets?.xs ?? timed.xs, lines: rates });
  }
  return charts;
}

/** Each fault that ran as a marker: made at its time, undone after its FOR. */
function faultMarkers(run: Pick<RunResult, 'faults'>): ChartMarker[] {
  return (run.faults ?? [])
    .filter((fault) => !fault.skipped)
    .flatMap((fault) => [
      { x: fault.at_s, label: `${fault.kind}${fault.recovery_s === null ? ', not recovered' : `, recovered in ${fault.recovery_s} s`}` },
      ...(fault.for_s > 0 ? [{ x: round(fault.at_s + fault.for_s, 3), label: `${fault.kind} undone` }] : []),
    ]);
}

/** A cell of a series as a number, null when empty (a second with no result has no latency). */
const valueOrNull = (row: readonly (number | string)[], index: number): number | null => (row[index] === '' || row[index] === undefined ? null : numberAt(row, index));

/** bench:chaos: orders and results per second, and the results' latency per second, with the faults marked. */
export function chaosCharts(run: Pick<RunResult, 'series' | 'faults'>): LineChart[] {
  const series = run.series.find((s) => s.name === 'timeline' && s.columns.includes('results'));
  if (!series || series.rows.length < 2) return [];
  const at = (column: string): number => series.columns.indexOf(column);
  const xs = series.rows.map((row) => numberAt(row, at('t_ms')) / 1000);
  const time: ChartAxis = { label: 'time (s)', log: false, ticks: 'seconds' };
  const markers = faultMarkers(run);
  const lines = (columns: readonly string[]): ChartLine[] => columns.filter((c) => at(c) >= 0).map((c) => ({ label: phrase(c), values: series.rows.map((row) => valueOrNull(row, at(c))) }));
  return [
    { kind: 'lines', id: 'timeline-throughput', title: 'Orders and results per second', note: 'Each second of the load (timeline.csv): orders sent on schedule, acknowledged by the broker, and results read live; vertical lines: the faults, made and undone.', x: time, y: { label: 'per second', log: false, ticks: 'number' }, xs, lines: lines(['orders_sent', 'orders_acknowledged', 'results']), markers },
    { kind: 'lines', id: 'timeline-latency', title: 'End-to-end latency per second', note: 'The results read in each second: their latency from the order’s intended send, p50 and p99; vertical lines: the faults.', x: time, y: { label: 'latency (ms)', log: true, ticks: 'number' }, xs, lines: lines(['latency_p50_ms', 'latency_p99_ms']), markers },
  ];
}

/** The throughput columns of bench:clients' table, with their legends. */
const CLIENT_MEASURES = [
  { column: 'produce_acks_all', label: 'produce, acks=all (idempotent)' },
  { column: 'produce_acks_1', label: 'produce, acks=1' },
  { column: 'consume', label: 'consume' },
] as const;

/** bench:clients: each driver and each Java reference as a group of bars (events/s). */
export function clientsChart(run: Pick<RunResult, 'tables'>): BarChart | undefined {
  const table: TableRecord | undefined = run.tables?.find((t) => t.name === 'clients');
  if (!table || table.rows.length === 0) return undefined;
  const nameAt = table.columns.indexOf('client');
  return {
    kind: 'bars',
    id: 'clients',
    title: 'Drivers and Java references',
    note: 'Events per second on the same broker, topic layout and orders; a Java tool without a figure has no bar.',
    y: { label: 'events/s', log: false, ticks: 'number' },
    categories: table.rows.map((row) => String(row[nameAt] ?? '').replace(/ \(.*\)$/, '').replace('ProducerPerformance, ', '')),
    measures: CLIENT_MEASURES.filter((m) => table.columns.includes(m.column)).map((m) => {
      const index = table.columns.indexOf(m.column);
      return { label: m.label, values: table.rows.map((row) => (typeof row[index] === 'number' ? row[index] : null)) };
    }),
  };
}

/** Every chart of a run, in the page's order. */
export function chartsOf(run: RunResult): ChartSpec[] {
  return [percentileChart(run), clientsChart(run), ...timeCharts(run), ...chaosCharts(run)].filter((chart): chart is ChartSpec => chart !== undefined);
}
