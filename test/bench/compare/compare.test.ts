import { expect } from 'chai';
import { compareFigure, compareRuns, regressions, runValues } from '../../../bench/compare/compare.js';
import { directionOf } from '../../../bench/compare/directions.js';
import { renderCompareMarkdown, renderCompareText } from '../../../bench/compare/render.js';
import type { RunResult } from '../../../bench/report/run-result.js';

function result(figures: Record<string, number[]>): RunResult {
  const runs = Array.from({ length: Object.values(figures)[0]?.length ?? 0 }, (_, i) => ({ started_at: 's', ended_at: 'e', figures: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, v[i] ?? 0])), histograms: [], checks: [], passed: true }));
  const first = runs[0]?.figures ?? {};
  return {
    scenario: '10k',
    started_at: '2026-02-15T10:00:00.000Z',
    ended_at: '2026-02-15T10:01:00.000Z',
    parameters: {},
    environment: { kafka: { version: 'k', brokers: [], origin: 'configured' }, drivers: [], node: 'v20', os: 'Linux', cpu: { model: 'c', cores: 2 }, memory_gib: 1, commit: 'c' },
    warmup: { messages: 0, duration_ms: 0, excluded_from_figures: true },
    figures: { ...first, best_driver: 'kafkajs' },
    histograms: [],
    series: [],
    checks: [],
    passed: true,
    thresholds: [],
    ...(runs.length > 1 ? { repeat: { count: runs.length, runs, figures: {} } } : {}),
  };
}

describe('bench/compare', () => {
  it("declares each figure's direction in one place", () => {
    expect(['produce_events_per_s', 'produce_mb_per_s', 'best_driver_share_of_java', 'kafkajs_consume_events_per_s'].map(directionOf)).to.deep.equal(['higher', 'higher', 'higher', 'higher']);
    expect(['end_to_end_p99_ms', 'pipeline_drained_s', 'harness_us_per_message', 'end_to_end_p99_vs_java', 'max_total_lag'].map(directionOf)).to.deep.equal(['lower', 'lower', 'lower', 'lower', 'lower']);
    expect(['orders_sent', 'status_202', 'inventory_instances', 'throttle_limit_per_s'].map(directionOf)).to.deep.equal(['neutral', 'neutral', 'neutral', 'neutral']);
  });

  it('a throughput that fell significantly is worse; the same that rose is better', () => {
    const fell = compareFigure('produce_events_per_s', [100, 102, 98, 101], [80, 82, 79, 81]);
    expect(fell).to.include({ verdict: 'worse', significant: true, meanA: 100.25, meanB: 80.5 });
    expect(fell.diffPct).to.be.closeTo(-19.7, 0.05);
    expect(fell.p).to.be.below(0.001);
    expect(compareFigure('produce_events_per_s', [80, 82, 79, 81], [100, 102, 98, 101]).verdict).to.equal('better');
    expect(compareFigure('end_to_end_p99_ms', [10, 11, 10.5], [20, 21, 19]).verdict).to.equal('worse');
  });

  it('noise is no significant difference; a single run on either side is not enough runs', () => {
    expect(compareFigure('produce_events_per_s', [100, 130, 80], [110, 90, 125]).verdict).to.equal('no significant difference');
    const single = compareFigure('produce_events_per_s', [100], [50, 51]);
    expect(single).to.include({ verdict: 'not enough runs', p: null, significant: false });
  });

  it('--fail-if-worse: only significant moves the wrong way beyond the percentage', () => {
    const comparisons = [compareFigure('produce_events_per_s', [100, 101, 99], [94, 95, 93]), compareFigure('end_to_end_p99_ms', [10, 10.1, 9.9], [13, 13.1, 12.9]), compareFigure('orders_sent', [1, 1], [2, 2])];
    expect(regressions(comparisons, 5).map((c) => c.figure)).to.deep.equal(['produce_events_per_s', 'end_to_end_p99_ms']);
    expect(regressions(comparisons, 10).map((c) => c.figure)).to.deep.equal(['end_to_end_p99_ms']);
    expect(comparisons[2]?.verdict).to.equal('changed');
  });

  it('reads each run of a repeated result, the one value of a single run, and only numeric figures both have', () => {
    const a = result({ produce_events_per_s: [100, 102, 98], end_to_end_p99_ms: [5, 6, 5] });
    const b = result({ produce_events_per_s: [70, 71, 69] });
    expect(runValues(a, 'produce_events_per_s')).to.deep.equal([100, 102, 98]);
    expect(runValues(result({ produce_events_per_s: [7] }), 'produce_events_per_s')).to.deep.equal([7]);
    expect(compareRuns(a, b).map((c) => c.figure)).to.deep.equal(['produce_events_per_s']);
  });

  it('prints a text table and compare.md with A, B, the difference, p and the verdict', () => {
    const a = { dir: 'reports/a', run: result({ produce_events_per_s: [100, 102, 98] }) };
    const b = { dir: 'reports/b', run: result({ produce_events_per_s: [70, 71, 69] }) };
    const comparisons = compareRuns(a.run, b.run);
    const text = renderCompareText(a, b, comparisons);
    expect(text).to.include('A: reports/a (10k, 3 runs, 2026-02-15T10:00:00.000Z)');
    expect(text).to.match(/produce_events_per_s\s+100 \(n=3\)\s+70 \(n=3\)\s+-30\.0%\s+<0\.001\s+worse\s+higher is better/);
    const md = renderCompareMarkdown(a, b, comparisons);
    expect(md).to.include('| figure | A | B | diff | p | verdict | direction |');
    expect(md).to.include('| produce_events_per_s | 100 (n=3) | 70 (n=3) | -30.0% | <0.001 | worse | higher is better |');
    const single = renderCompareText({ ...a, run: result({ produce_events_per_s: [100] }) }, b, compareRuns(result({ produce_events_per_s: [100] }), b.run));
    expect(single).to.match(/produce_events_per_s\s+100\s+70 \(n=3\)\s+-30\.0%\s+-\s+not enough runs/);
  });
});
