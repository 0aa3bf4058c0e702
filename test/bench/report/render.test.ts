import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { renderCsvFiles, renderHgrmFiles, renderSummary } from '../../../bench/report/render.js';
import type { RunResult } from '../../../bench/report/run-result.js';
import { defaultReportDir, writeReport } from '../../../bench/report/write-report.js';
import { createLatencyHistogram, encodeHistogram, recordMicros, summarizeMs } from '../../../pipeline/histogram.js';
import { tempDir } from '../../helpers/processes.js';

function sampleRun(): RunResult {
  const histogram = createLatencyHistogram();
  for (let i = 1; i <= 1000; i++) recordMicros(histogram, i * 10);
  return {
    scenario: 'baseline',
    started_at: '2026-02-15T10:00:00.000Z',
    ended_at: '2026-02-15T10:00:05.000Z',
    parameters: { count: 1000, rate: null },
    environment: { kafka: { version: 'Apache Kafka 4.3.1', brokers: ['127.0.0.1:9092'], origin: 'local-started' }, drivers: [{ name: 'kafkajs', library: 'kafkajs', version: '2.2.4' }], node: 'v20', os: 'Linux', cpu: { model: 'CPU', cores: 2 }, memory_gib: 24, commit: 'abc' },
    warmup: { messages: 100, duration_ms: 250, excluded_from_figures: true },
    figures: { orders_sent: 1000, 'odd, name': 'a "quoted" value' },
    histograms: [{ name: 'produce_to_ack', description: 'send to ack', summary: summarizeMs(histogram), encoded: encodeHistogram(histogram) }],
    series: [{ name: 'lag', columns: ['t_ms', 'lag'], rows: [[0, 0], [250, 12]] }],
    checks: [{ name: 'every order sent', passed: true, detail: '1000 of 1000' }],
    passed: true,
    thresholds: [],
  };
}

describe('bench/report', () => {
  it('names the folder reports/<scenario>-<UTC timestamp>', () => {
    expect(defaultReportDir('/r', '10k', new Date('2026-02-15T10:23:15.123Z'))).to.equal('/r/10k-20260215T102315Z');
  });

  it('renders a summary that says what ran on what, the warm-up, the figures and the checks', () => {
    const text = renderSummary(sampleRun());
    expect(text).to.match(/^baseline: PASSED\n/);
    expect(text).to.include('on Apache Kafka 4.3.1 at 127.0.0.1:9092; kafkajs driver (kafkajs 2.2.4); Node v20');
    expect(text).to.include('warm-up: 100 messages in 250 ms, excluded from the figures');
    expect(text).to.match(/orders_sent\s+1000/);
    expect(text).to.include('[ok] every order sent: 1000 of 1000');
    expect(text).to.include('this run started the broker, whose JVM was still warming up');
  });

  it('says nothing of warming up when the broker was already running', () => {
    const run = sampleRun();
    const text = renderSummary({ ...run, environment: { ...run.environment, kafka: { ...run.environment.kafka, origin: 'local-running' } } });
    expect(text).to.not.include('warming up');
  });

  it('renders CSV that a CSV parser reads back, quoting included', () => {
    const files = renderCsvFiles(sampleRun());
    expect(Object.keys(files).sort()).to.deep.equal(['figures.csv', 'lag.csv', 'latency.csv']);
    expect(parse(files['figures.csv'] ?? '', { columns: true })).to.deep.equal([
      { figure: 'orders_sent', value: '1000' },
      { figure: 'odd, name', value: 'a "quoted" value' },
    ]);
    const [latency] = parse<Record<string, string>>(files['latency.csv'] ?? '', { columns: true });
    expect(latency).to.include({ histogram: 'produce_to_ack', count: '1000', max: '10' });
    expect(parse(files['lag.csv'] ?? '', { columns: true })).to.deep.equal([
      { t_ms: '0', lag: '0' },
      { t_ms: '250', lag: '12' },
    ]);
  });

  it('renders .hgrm from run.json alone, in milliseconds', () => {
    const hgrm = renderHgrmFiles(JSON.parse(JSON.stringify(sampleRun())) as RunResult)['produce_to_ack.hgrm'] ?? '';
    expect(hgrm).to.match(/^\s+Value\s+Percentile\s+TotalCount/);
    expect(hgrm).to.match(/#\[Mean\s+=\s+5\.0\d+, StdDeviation/);
    expect(hgrm).to.match(/#\[Max\s+=\s+10\.0\d*, Total count\s+=\s+1000\]/);
  });

  it('writes every file into the folder', () => {
    const dir = tempDir('report');
    try {
      const written = writeReport(sampleRun(), dir.path);
      expect(readdirSync(dir.path).sort()).to.deep.equal([...written].sort());
      expect(written).to.include.members(['run.json', 'summary.txt', 'figures.csv', 'latency.csv', 'lag.csv', 'produce_to_ack.hgrm']);
      expect((JSON.parse(readFileSync(join(dir.path, 'run.json'), 'utf8')) as RunResult).figures.orders_sent).to.equal(1000);
    } finally {
      void dir.remove();
    }
  });
});
