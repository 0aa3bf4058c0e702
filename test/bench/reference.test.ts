import { expect } from 'chai';
import { parseConsumerPerformance } from '../../bench/reference/consumer-performance.js';
import { parseProducerPerformance } from '../../bench/reference/producer-performance.js';

describe('bench/reference/producer-performance', () => {
  it("reads ProducerPerformance's summary line", () => {
    const output = [
      '106871 records sent, 21374.2 records/sec (6.22 MB/sec), 1200.3 ms avg latency, 1400.0 ms max latency.',
      '200000 records sent, 53390.282968 records/sec (15.53 MB/sec), 800.18 ms avg latency, 1156.00 ms max latency, 905 ms 50th, 1126 ms 95th, 1149 ms 99th, 1155 ms 99.9th.',
    ].join('\n');
    expect(parseProducerPerformance(output)).to.deep.equal({ records: 200000, recordsPerS: 53390.282968, mbPerS: 15.53, avgLatencyMs: 800.18, maxLatencyMs: 1156, p50Ms: 905, p99Ms: 1149 });
  });

  it('prefers the steady-state line when warm-up records were left out', () => {
    const output = [
      '200000 records sent, 37243.947858 records/sec (10.83 MB/sec), 1202.85 ms avg latency, 1836.00 ms max latency, 1200 ms 50th, 1700 ms 95th, 1800 ms 99th, 1830 ms 99.9th.',
      '150000 steady state records sent, 40738.728952 records/sec (11.85 MB/sec), 1476.08 ms avg latency, 1836.00 ms max latency, 1490 ms 50th, 1750 ms 95th, 1810 ms 99th, 1835 ms 99.9th.',
    ].join('\n');
    expect(parseProducerPerformance(output)).to.include({ records: 150000, recordsPerS: 40738.728952, p50Ms: 1490, p99Ms: 1810 });
  });

  it('says so when there is no summary line', () => {
    expect(() => parseProducerPerformance('Exception in thread "main"')).to.throw(/printed no summary line/);
  });
});

describe('bench/reference/consumer-performance', () => {
  it("reads ConsumerPerformance's summary, the fetch rate without the group's join", () => {
    const output = [
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
      '2026-11-24 12:55:05:268, 2026-11-24 12:55:07:821, 872.6120, 341.7987, 3000000, 1175088.1316, 325, 2228, 391.6571, 1346499.1023',
    ].join('\n');
    expect(parseConsumerPerformance(output)).to.deep.equal({ records: 3_000_000, mb: 872.612, fetchRecordsPerS: 1346499.1023, fetchMbPerS: 391.6571, rebalanceMs: 325 });
  });

  it('says so when there is no summary', () => {
    expect(() => parseConsumerPerformance('WARN nothing to read')).to.throw(/printed no summary line/);
  });
});
