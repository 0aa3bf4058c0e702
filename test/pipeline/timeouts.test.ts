import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { fulfilsWithin, TIMED_OUT, withinMs } from '../../pipeline/timeouts.js';

describe('timeouts', () => {
  it('withinMs gives the value when the promise settles first', async () => {
    expect(await withinMs(Promise.resolve(42), 1_000)).to.equal(42);
  });

  it('withinMs gives TIMED_OUT when the time runs out first', async () => {
    expect(await withinMs(sleep(1_000).then(() => 1), 10)).to.equal(TIMED_OUT);
  });

  it('withinMs passes a rejection through', async () => {
    const failed = withinMs(Promise.reject(new Error('boom')), 1_000);
    let message = '';
    await failed.catch((error: unknown) => (message = error instanceof Error ? error.message : ''));
    expect(message).to.equal('boom');
  });

  it('fulfilsWithin is false on a rejection or a late promise, true on a prompt one', async () => {
    expect(await fulfilsWithin(Promise.resolve(), 1_000)).to.equal(true);
    expect(await fulfilsWithin(Promise.reject(new Error('x')), 1_000)).to.equal(false);
    expect(await fulfilsWithin(sleep(1_000), 10)).to.equal(false);
  });
});
