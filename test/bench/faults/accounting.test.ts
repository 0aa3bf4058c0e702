import { expect } from 'chai';
import { accountOrders } from '../../../bench/faults/accounting.js';
import { disturbedThresholdMs, recoverySeconds, type Arrival } from '../../../bench/faults/recovery.js';

describe('bench/faults/accounting', () => {
  const sent = new Set(['A', 'B', 'C', 'D', 'E', 'F']);
  const acknowledged = new Set(['A', 'B', 'C', 'D', 'E']);
  const oneCopyEach = new Map([...sent].map((id) => [id, 1]));
  /** Each order's committed results as the final read gives them: a place per result, partition@offset. */
  const resultsOf = (counts: Record<string, number>): Map<string, string[]> => {
    let offset = 0;
    return new Map(Object.entries(counts).map(([id, n]) => [id, Array.from({ length: n }, () => `0@${offset++}`)]));
  };

  it('counts an acknowledged order with no committed result and no dead letter as lost', () => {
    const read = { results: resultsOf({ A: 1, B: 1, C: 1 }), deadLettered: new Set(['D']), orderCopies: oneCopyEach };
    const accounting = accountOrders(acknowledged, sent, read);
    expect(accounting).to.include({ orders_acknowledged: 5, orders_lost: 1, orders_duplicated: 0, orders_with_one_result: 3, orders_dead_lettered: 1, unacknowledged_with_result: 0 });
    expect(accounting.lostSample).to.deep.equal(['E']);
  });

  it('counts orders with more than one committed result as duplicated, acknowledged or not', () => {
    const read = { results: resultsOf({ A: 2, B: 1, C: 1, D: 1, E: 3, F: 2 }), deadLettered: new Set<string>(), orderCopies: oneCopyEach };
    expect(accountOrders(acknowledged, sent, read)).to.include({ orders_lost: 0, orders_duplicated: 3, orders_with_one_result: 3, unacknowledged_with_result: 1 });
  });

  it('tells a duplicate the load wrote twice to the order topic from one a stage processed twice', () => {
    // A: two copies, two results (the load's producer); E: one copy, two results (a stage); F: two copies, three results (both).
    const orderCopies = new Map([...oneCopyEach, ['A', 2], ['F', 2]]);
    const read = { results: resultsOf({ A: 2, B: 1, C: 1, D: 1, E: 2, F: 3 }), deadLettered: new Set<string>(), orderCopies };
    const accounting = accountOrders(acknowledged, sent, read);
    expect(accounting).to.include({ orders_duplicated: 3, orders_duplicated_on_input: 2, orders_duplicated_by_stages: 2 });
    expect(accounting.duplicatedSample).to.deep.equal(['A ×2 (2 copies on the order topic; results at 0@0, 0@1)', 'E ×2 (1 copy on the order topic; results at 0@5, 0@6)', 'F ×3 (2 copies on the order topic; results at 0@7, 0@8, 0@9)']);
  });

  it('an unacknowledged order without a result is neither lost nor counted', () => {
    const read = { results: resultsOf({ A: 1, B: 1, C: 1, D: 1, E: 1 }), deadLettered: new Set<string>(), orderCopies: oneCopyEach };
    expect(accountOrders(acknowledged, sent, read)).to.include({ orders_acknowledged: 5, orders_lost: 0, orders_duplicated: 0, unacknowledged_with_result: 0 });
  });
});

describe('bench/faults/recovery', () => {
  const steady = (fromMs: number, toMs: number, latencyMs: number): Arrival[] => Array.from({ length: (toMs - fromMs) / 100 }, (_, i) => ({ tMs: fromMs + i * 100, latencyMs }));

  it('the threshold is three times the p99 before the first fault, at least a second', () => {
    expect(disturbedThresholdMs(steady(0, 10_000, 20))).to.equal(1_000);
    expect(disturbedThresholdMs(steady(0, 10_000, 500))).to.equal(1_500);
    expect(disturbedThresholdMs([])).to.equal(1_000);
  });

  it('recovery runs from the fault to the last disturbed result before the next fault', () => {
    // Results stop at 20 s, the backlog comes out slow from 26 s to 28 s, then steady again.
    const arrivals = [...steady(0, 20_000, 20), ...steady(26_000, 28_000, 4_000), ...steady(28_000, 40_000, 20)];
    expect(recoverySeconds(arrivals, 20_000, 40_000, 1_000)).to.equal(7.9);
    expect(recoverySeconds(arrivals, 5_000, 15_000, 1_000)).to.equal(0);
  });

  it('is null when the window ends disturbed or holds no result', () => {
    const arrivals = [...steady(0, 20_000, 20), ...steady(26_000, 28_000, 4_000)];
    expect(recoverySeconds(arrivals, 20_000, 40_000, 1_000)).to.equal(null);
    expect(recoverySeconds(arrivals, 29_000, 40_000, 1_000)).to.equal(null);
  });
});
