/** deliverWithin: a send made again on transient errors until the delivery timeout, the same call each time. */
import { expect } from 'chai';
import { deliverWithin } from '../../clients/support.js';

const transient = (error: unknown): boolean => error instanceof Error && error.message === 'no leader';

describe('clients/support deliverWithin', () => {
  it('makes the send again after transient errors, refreshing first, until it succeeds', async () => {
    let calls = 0;
    let refreshes = 0;
    const result = await deliverWithin(5_000, () => (++calls < 3 ? Promise.reject(new Error('no leader')) : Promise.resolve('acknowledged')), transient, () => {
      refreshes += 1;
    });
    expect(result).to.equal('acknowledged');
    expect(calls).to.equal(3);
    expect(refreshes).to.equal(2);
  });

  it('fails at once on an error that is not transient', async () => {
    let calls = 0;
    const error = await deliverWithin(5_000, () => {
      calls += 1;
      return Promise.reject(new Error('record too large'));
    }, transient).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.equal('record too large');
    expect(calls).to.equal(1);
  });

  it('gives up with the last error once the delivery timeout has passed; without one it tries once', async () => {
    let calls = 0;
    const started = Date.now();
    const error = await deliverWithin(300, () => {
      calls += 1;
      return Promise.reject(new Error('no leader'));
    }, transient).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.equal('no leader');
    expect(calls).to.be.greaterThan(1);
    expect(Date.now() - started).to.be.at.least(300);
    let once = 0;
    await deliverWithin(undefined, () => {
      once += 1;
      return Promise.reject(new Error('no leader'));
    }, transient).catch(() => undefined);
    expect(once).to.equal(1);
  });
});
