import { expect } from 'chai';
import { figureSpreads, medianFigures, mergedHistograms, repeatedChecks } from '../../../bench/measure/repeats.js';
import type { RepeatedRun } from '../../../bench/report/run-result.js';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, recordMicros, summarizeMs } from '../../../pipeline/histogram.js';

function run(rate: number, latencyMicros: number, count: number): RepeatedRun {
  const h = createLatencyHistogram();
  recordMicros(h, latencyMicros, count);
  return { started_at: 's', ended_at: 'e', figures: { rate_per_s: rate, best_driver: 'kafkajs' }, histograms: [{ name: 'end_to_end', description: 'e2e', summary: summarizeMs(h), encoded: encodeHistogram(h) }], checks: [{ name: 'nothing lost', passed: rate > 0, detail: '' }], passed: rate > 0 };
}

describe('bench/measure/repeats', () => {
  const runs = [run(100, 1000, 10), run(120, 3000, 10), run(90, 2000, 80)];

  it('each numeric figure as its values, median, min, max and spread; the rest from the first run', () => {
    const spreads = figureSpreads(runs);
    expect(spreads).to.deep.equal({ rate_per_s: { values: [100, 120, 90], median: 100, min: 90, max: 120, spread_pct: 30 } });
    expect(medianFigures(runs, spreads)).to.deep.equal({ rate_per_s: 100, best_driver: 'kafkajs' });
  });

  it('merges the histograms: counts add up, percentiles come from the whole, never averaged', () => {
    const [merged] = mergedHistograms(runs);
    expect(merged?.summary.count).to.equal(100);
    // 80 of the 100 values are 2 ms: the merged median is 2 ms, where a mean of the runs' medians would say 2 ms only by chance.
    expect(merged?.summary.p50).to.be.closeTo(2, 0.01);
    expect(merged?.summary.max).to.be.closeTo(3, 0.01);
    expect(decodeHistogram(merged?.encoded ?? '').totalCount).to.equal(100);
    expect(merged?.description).to.equal('e2e; merged over 3 runs');
  });

  it("keeps every run's checks, each named with its run", () => {
    expect(repeatedChecks([run(1, 1, 1), run(0, 1, 1)]).map((c) => [c.name, c.passed])).to.deep.equal([['run 1: nothing lost', true], ['run 2: nothing lost', false]]);
  });
});
