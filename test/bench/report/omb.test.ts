import { expect } from 'chai';
import { renderOmb } from '../../../bench/report/omb.js';
import type { RunResult } from '../../../bench/report/run-result.js';
import { createLatencyHistogram, encodeHistogram, summarizeMs } from '../../../pipeline/histogram.js';

function histogram(name: string, micros: readonly number[]) {
  const h = createLatencyHistogram();
  for (const value of micros) h.recordValue(value);
  return { name, description: name, summary: summarizeMs(h), encoded: encodeHistogram(h) };
}

const run: RunResult = {
  scenario: 'baseline',
  started_at: '2026-12-02T08:00:00.000Z',
  ended_at: '2026-12-02T08:00:10.000Z',
  parameters: { count: 4, partitions: 3 },
  environment: { kafka: { version: 'x', brokers: ['b:9092'], origin: 'configured' }, drivers: [{ name: 'kafkajs', library: 'kafkajs', version: '2.2.4' }], node: 'v20', os: 'Linux', cpu: { model: 'cpu', cores: 2 }, memory_gib: 1, commit: 'c' },
  warmup: { messages: 0, duration_ms: 0, excluded_from_figures: true },
  figures: { achieved_rate_per_s: 200, mean_message_bytes: 310.4 },
  histograms: [histogram('produce_to_ack', [1_000, 2_000, 3_000, 4_000]), histogram('end_to_end', [5_000, 6_000, 7_000, 8_000]), histogram('send_lag', [10, 20, 30, 40])],
  series: [],
  checks: [],
  passed: true,
  thresholds: [],
};

describe('--format omb: the OpenMessaging Benchmark result JSON from run.json', () => {
  it("has OMB TestResult's field names, publish and end-to-end latency in ms, publish delay in µs", () => {
    const omb = renderOmb(run);
    const stats = ['Avg', '50pct', '75pct', '95pct', '99pct', '999pct', '9999pct', 'Max'];
    const expected = [
      'workload', 'driver', 'messageSize', 'topics', 'partitions', 'producersPerTopic', 'consumersPerTopic',
      'publishRate', 'publishErrorRate', 'consumeRate', 'backlog',
      ...stats.flatMap((s) => [`publishLatency${s}`, `publishDelayLatency${s}`, `endToEndLatency${s}`]),
      ...['PublishLatency', 'PublishDelayLatency', 'EndToEndLatency'].flatMap((m) => [...stats.map((s) => `aggregated${m}${s}`), `aggregated${m}Quantiles`]),
    ];
    expect(Object.keys(omb).sort()).to.deep.equal([...expected].sort());
    expect(omb).to.include({ driver: 'kafkajs', messageSize: 310, partitions: 3 });
    // Within HdrHistogram's 3 significant digits: ms here (2.5 ms, not 2500), µs for the delay (25 µs, not 0.025).
    const near = { aggregatedPublishLatencyAvg: 2.5, aggregatedPublishLatencyMax: 4, aggregatedEndToEndLatency50pct: 6, aggregatedPublishDelayLatencyMax: 40, aggregatedPublishDelayLatencyAvg: 25 };
    for (const [field, value] of Object.entries(near)) expect(omb[field], field).to.be.closeTo(value, value * 0.002);
    expect(omb.publishRate).to.deep.equal([200]);
    const one = (field: string): number => (omb[field] as number[])[0] ?? Number.NaN;
    expect(one('publishLatency99pct')).to.be.closeTo(4, 0.01);
    expect(one('publishDelayLatency50pct')).to.equal(20);
    expect(one('endToEndLatencyMax')).to.be.closeTo(8, 0.01);
    const quantiles = omb.aggregatedPublishLatencyQuantiles as Record<string, number>;
    expect(Object.keys(quantiles)).to.include.members(['1.0', '50.0', '99.0', '99.9', '99.99', '99.999', '100.0']);
    expect(quantiles['50.0']).to.be.closeTo(2, 0.01);
  });

  it('gives per-period lists from the agents\' intervals series, and the backlog from what was sent and read back', () => {
    const columns = ['seq', 't_ms', 'agents_reporting', 'sent', 'results', 'publish_per_s', 'publish_errors_per_s', 'results_per_s', 'produce_to_ack_p99_ms', 'publish_delay_p99_us', 'end_to_end_p99_ms'];
    const omb = renderOmb({ ...run, series: [{ name: 'intervals', columns, rows: [[0, 1000, 3, 100, 60, 100, 0, 60, 2.5, 30, 9], [1, 2000, 3, 50, 90, 50, 0, 90, 3.5, 40, 11]] }] });
    expect(omb.publishRate).to.deep.equal([100, 50]);
    expect(omb.consumeRate).to.deep.equal([60, 90]);
    expect(omb.backlog).to.deep.equal([40, 0]);
    expect(omb.publishLatency99pct).to.deep.equal([2.5, 3.5]);
    expect(omb.publishDelayLatency99pct).to.deep.equal([30, 40]);
    expect(omb.endToEndLatency99pct).to.deep.equal([9, 11]);
  });
});
