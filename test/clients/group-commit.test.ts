/** GroupCommitQueue: one request in flight, what queues meanwhile goes together in the next. */
import { expect } from 'chai';
import { GroupCommitQueue } from '../../clients/support.js';

/** A deliver function whose requests the test completes by hand. */
function manualDeliver() {
  const requests: { messages: readonly number[]; finish: (error?: Error) => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const deliver = (messages: readonly number[]): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      requests.push({
        messages,
        finish: (error) => {
          inFlight -= 1;
          if (error) reject(error);
          else resolve();
        },
      });
    });
  return { requests, deliver, maxInFlight: () => maxInFlight };
}

const settled = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('clients/support GroupCommitQueue', () => {
  it('sends what queued behind a request in flight as one request, in order, and resolves each send with it', async () => {
    const manual = manualDeliver();
    const queue = new GroupCommitQueue<number>(manual.deliver, () => 1, 100);
    const done: number[] = [];
    const first = queue.send([1]).then(() => done.push(1));
    const second = queue.send([2, 3]).then(() => done.push(2));
    const third = queue.send([4]).then(() => done.push(3));
    expect(manual.requests.map((r) => r.messages)).to.deep.equal([[1]]);
    manual.requests[0]?.finish();
    await first;
    await settled();
    expect(done).to.deep.equal([1]);
    expect(manual.requests.map((r) => r.messages)).to.deep.equal([[1], [2, 3, 4]]);
    manual.requests[1]?.finish();
    await Promise.all([second, third]);
    expect(done).to.deep.equal([1, 2, 3]);
    expect(manual.maxInFlight()).to.equal(1);
  });

  it('rejects every send of a failed request, and goes on with the next', async () => {
    const manual = manualDeliver();
    const queue = new GroupCommitQueue<number>(manual.deliver, () => 1, 100);
    const first = queue.send([1]);
    const second = queue.send([2]).catch((error: unknown) => error);
    const third = queue.send([3]).catch((error: unknown) => error);
    manual.requests[0]?.finish();
    await first;
    await settled();
    manual.requests[1]?.finish(new Error('broker said no'));
    expect(String(await second)).to.contain('broker said no');
    expect(String(await third)).to.contain('broker said no');
    const fourth = queue.send([4]);
    await settled();
    expect(manual.requests.map((r) => r.messages)).to.deep.equal([[1], [2, 3], [4]]);
    manual.requests[2]?.finish();
    await fourth;
  });

  it('keeps a merged request within its weight, and sends a lone heavier send whole', async () => {
    const manual = manualDeliver();
    const queue = new GroupCommitQueue<number>(manual.deliver, (n) => n, 10);
    const sends = [queue.send([1]), queue.send([4]), queue.send([4]), queue.send([20]), queue.send([2])];
    for (let i = 0; i < 4; i++) {
      manual.requests[i]?.finish();
      await settled();
    }
    await Promise.all(sends);
    expect(manual.requests.map((r) => r.messages)).to.deep.equal([[1], [4, 4], [20], [2]]);
  });
});
