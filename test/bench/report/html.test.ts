import { expect } from 'chai';
import { loadChartAssets } from '../../../bench/report/chart-assets.js';
import { chaosCharts, chartsOf, clientsChart, percentileChart, timeCharts, type LineChart } from '../../../bench/report/charts.js';
import { renderHtml } from '../../../bench/report/html.js';
import type { RunResult } from '../../../bench/report/run-result.js';
import { createLatencyHistogram, encodeHistogram, recordMicros, summarizeMs } from '../../../pipeline/histogram.js';

function histogramRecord(name: string, count: number) {
  const h = createLatencyHistogram();
  for (let i = 1; i <= count; i++) recordMicros(h, i * 10);
  return { name, description: `${name} </script><b>`, summary: summarizeMs(h), encoded: encodeHistogram(h) };
}

function sampleRun(overrides: Partial<RunResult> = {}): RunResult {
  return {
    scenario: 'baseline',
    started_at: '2026-02-15T10:00:00.000Z',
    ended_at: '2026-02-15T10:00:05.000Z',
    parameters: { count: 1000, rate: null },
    environment: { kafka: { version: 'Apache Kafka 4.3.1', brokers: ['127.0.0.1:9092'], origin: 'local-running' }, drivers: [{ name: 'kafkajs', library: 'kafkajs', version: '2.2.4' }], node: 'v20', os: 'Linux', cpu: { model: 'CPU', cores: 2 }, memory_gib: 24, commit: 'abc' },
    warmup: { messages: 100, duration_ms: 250, excluded_from_figures: true },
    figures: { orders_sent: 1000, java_end_to_end_p50_ms: 2, java_end_to_end_p99_ms: 5, note: '</script><script>alert(1)</script>' },
    histograms: [histogramRecord('produce_to_ack', 1000), histogramRecord('end_to_end', 100)],
    series: [{ name: 'lag', columns: ['t_ms', 'phase', 'partition', 'end_offset', 'committed_offset', 'lag'], rows: [[0, 'producing', '0', 0, 0, 0], [0, 'producing', 'total', 0, 0, 0], [1000, 'producing', 'total', 100, 40, 60], [2000, 'draining', 'total', 150, 150, 0]] }],
    checks: [{ name: 'every order sent', passed: true, detail: '1000 of 1000' }],
    passed: true,
    thresholds: [{ threshold: 'end_to_end.p99<0.5', passed: false, value: 0.99, detail: '0.99 ms outside < 0.5 ms' }],
    ...overrides,
  };
}

describe('bench/report/html', () => {
  it('the percentile chart: x = 1/(1-p) up to what each count can tell, latency in ms, the Java references through p50 and p99', () => {
    const chart = percentileChart(sampleRun());
    if (!chart) throw new Error('no chart');
    expect(chart.x).to.deep.equal({ label: 'percentile', log: true, ticks: 'percentile' });
    expect(chart.xs[0]).to.equal(1);
    expect(chart.xs).to.include.members([2, 10, 100, 1000]);
    expect(Math.max(...chart.xs)).to.be.at.most(1000);
    const [produce, endToEnd, java] = chart.lines;
    // p99 (x = 100) of 10 µs .. 10 ms is 9.9 ms; of 10 µs .. 1 ms, 0.99 ms; beyond its 100 values end_to_end says nothing.
    expect(produce?.values[chart.xs.indexOf(100)]).to.be.closeTo(9.9, 0.01);
    expect(endToEnd?.values[chart.xs.indexOf(100)]).to.be.closeTo(0.99, 0.001);
    expect(endToEnd?.values[chart.xs.indexOf(1000)]).to.equal(null);
    expect(java).to.deep.include({ label: 'Java EndToEndLatency', reference: true });
    expect(java?.values.filter((v) => v !== null)).to.deep.equal([2, 5]);
    expect(java?.values[chart.xs.indexOf(2)]).to.equal(2);
  });

  it('lag over time from the totals, and throughput from the offsets over a trailing window', () => {
    const [lag, throughput] = timeCharts(sampleRun()) as [LineChart, LineChart];
    expect(lag.xs).to.deep.equal([0, 1, 2]);
    expect(lag.lines).to.deep.equal([{ label: 'lag', values: [0, 60, 0] }]);
    expect(throughput.lines.map((l) => [l.label, l.values])).to.deep.equal([
      ['produced', [null, 100, 50]],
      ['consumed (committed)', [null, 40, 110]],
    ]);
  });

  it("a drain series' throughput is how fast each group's lag fell", () => {
    const drain = { name: 'drain', columns: ['t_ms', 'inventory_lag', 'analytics_lag'], rows: [[0, 300, 300], [500, 100, 200], [1000, 0, 0]] };
    const [, throughput] = timeCharts({ series: [drain] }) as [LineChart, LineChart];
    expect(throughput.lines).to.deep.equal([{ label: 'inventory drained', values: [null, 400, 200] }, { label: 'analytics drained', values: [null, 200, 400] }]);
  });

  it('a drain sampled only twice has its lag chart but no throughput curve (one rate is no line)', () => {
    const drain = { name: 'drain', columns: ['t_ms', 'inventory_lag'], rows: [[0, 300], [40, 0]] };
    expect(timeCharts({ series: [drain] }).map((chart) => chart.id)).to.deep.equal(['drain-lag']);
  });

  it("bench:chaos's timeline: orders and results per second and their latency, each fault marked where it was made and undone", () => {
    const timeline = { name: 'timeline', columns: ['t_ms', 'orders_sent', 'orders_acknowledged', 'results', 'latency_p50_ms', 'latency_p99_ms', 'fault'], rows: [[0, 10, 10, 9, 12.5, 30, ''], [1000, 10, 4, 0, '', '', 'kill-leader'], [2000, 10, 16, 21, 900, 1800, '']] };
    const faults = [
      { at_s: 1.002, kind: 'kill-leader' as const, target: 'broker 1 (leader of t/0)', for_s: 6, recovery_s: 4.5 },
      { at_s: 1.5, kind: 'pause-broker' as const, target: 'none', for_s: 10, recovery_s: null, skipped: 'no --fault-command' },
    ];
    const [throughput, latency] = chaosCharts({ series: [timeline], faults }) as [LineChart, LineChart];
    expect(throughput.lines.map((l) => l.label)).to.deep.equal(['orders sent', 'orders acknowledged', 'results']);
    expect(throughput.xs).to.deep.equal([0, 1, 2]);
    expect(latency.y.log).to.equal(true);
    // A second without results has no latency: a gap, not a zero on a log axis.
    expect(latency.lines[0]?.values).to.deep.equal([12.5, null, 900]);
    // The skipped fault is not marked.
    expect(latency.markers).to.deep.equal([
      { x: 1.002, label: 'kill-leader, recovered in 4.5 s' },
      { x: 7.002, label: 'kill-leader undone' },
    ]);
    expect(chaosCharts({ series: [], faults })).to.deep.equal([]);
  });

  it("bench:clients' table as bars: each driver and Java reference, a missing figure no bar", () => {
    const table = { name: 'clients', title: 't', columns: ['client', 'produce_acks_all', 'produce_acks_1', 'consume', 'produce_to_ack_p99_ms', 'share_of_java'], rows: [['kafkajs (kafkajs 2.2.4)', 100, 120, 300, 2, 0.5], ['Java ProducerPerformance, tuned (batch.size=262144 linger.ms=5)', 200, '-', '-', '-', 1]] };
    const chart = clientsChart({ tables: [table] });
    expect(chart?.categories).to.deep.equal(['kafkajs', 'Java tuned']);
    expect(chart?.measures.map((m) => m.values)).to.deep.equal([[100, 200], [120, null], [300, null]]);
    expect(clientsChart({})).to.equal(undefined);
  });

  it('renders one self-contained page: the library inlined, the charts as data, nothing fetched, text escaped', () => {
    const assets = loadChartAssets();
    const html = renderHtml(sampleRun(), assets);
    expect(html).to.match(/^<!doctype html>/);
    expect(html).to.include(assets.script.slice(0, 200));
    expect(html).to.include('MIT License');
    expect(html).to.not.match(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html.match(/<\/script>/g)).to.have.length(3);
    const data = /<script type="application\/json" id="chart-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    expect((JSON.parse(data) as { id: string }[]).map((c) => c.id)).to.deep.equal(chartsOf(sampleRun()).map((c) => c.id));
    expect(html).to.include('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    for (const text of ['Latency by percentile', 'Consumer lag (lag)', 'Throughput (lag)', 'every order sent', 'end_to_end.p99&lt;0.5', '0.99 ms outside', 'Apache Kafka 4.3.1', 'kafkajs (kafkajs 2.2.4)', '1 threshold failed']) expect(html, text).to.include(text);
    expect(Buffer.byteLength(html)).to.be.below(120_000);
  });

  it('with --repeat: the figures as median, min, max, spread and each run', () => {
    const repeat = { count: 2, runs: [], figures: { orders_sent: { values: [900, 1100], median: 1000, min: 900, max: 1100, spread_pct: 20 } } };
    const html = renderHtml(sampleRun({ repeat }), loadChartAssets());
    expect(html).to.include('Figures, over 2 runs');
    expect(html).to.include('<td>orders_sent</td><td class="num">1000</td><td class="num">900</td><td class="num">1100</td><td class="num">20</td><td>900 · 1100</td>');
  });

  it('is the same text for the same run: a pure function of run.json', () => {
    const run = JSON.parse(JSON.stringify(sampleRun())) as RunResult;
    expect(renderHtml(run, loadChartAssets())).to.equal(renderHtml(sampleRun(), loadChartAssets()));
  });
});
