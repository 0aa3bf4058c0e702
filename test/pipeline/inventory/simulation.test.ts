import { expect } from 'chai';
import { draw, simulatedFailure, transientError } from '../../../pipeline/inventory/simulation.js';

describe('pipeline/inventory/simulation', () => {
  const ids = Array.from({ length: 20_000 }, (_, i) => `ORD-${i}`);

  it('draws the same number for the same seed, order and purpose', () => {
    expect(draw(7, 'ORD-1', 'failure')).to.equal(draw(7, 'ORD-1', 'failure'));
    expect(draw(7, 'ORD-1', 'failure')).to.not.equal(draw(8, 'ORD-1', 'failure'));
    expect(draw(7, 'ORD-1', 'failure')).to.not.equal(draw(7, 'ORD-1', 'transient-1'));
  });

  it('fails close to the configured share of orders', () => {
    const settings = { seed: 3, failureRate: 0.2, transientErrorRate: 0 };
    const share = ids.filter((id) => simulatedFailure(settings, id)).length / ids.length;
    expect(share).to.be.closeTo(0.2, 0.01);
  });

  it('never fails at rate 0 and always at rate 1', () => {
    expect(ids.some((id) => simulatedFailure({ seed: 3, failureRate: 0, transientErrorRate: 0 }, id))).to.equal(false);
    expect(ids.every((id) => transientError({ seed: 3, failureRate: 0, transientErrorRate: 1 }, id, 1))).to.equal(true);
  });
});
