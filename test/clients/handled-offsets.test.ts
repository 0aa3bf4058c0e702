import { expect } from 'chai';
import type { ConsumedBatch } from '../../clients/driver.js';
import { HandledOffsets } from '../../clients/handled-offsets.js';

function batch(partition: number, offsets: number[]): ConsumedBatch {
  return { topic: 't', partition, messages: offsets.map((offset) => ({ topic: 't', partition, offset, key: null, value: null, headers: {} })) };
}

const offsetsOf = (consumed: ConsumedBatch): number[] => consumed.messages.map((m) => m.offset);
const active = (): boolean => true;
const inactive = (): boolean => false;

describe('clients/handled-offsets', () => {
  it('hands over a batch whole until its partition has a finished batch', () => {
    const handled = new HandledOffsets();
    expect(offsetsOf(handled.unhandled(batch(0, [0, 1, 2])))).to.deep.equal([0, 1, 2]);
  });

  it('drops what a handler finished while active from a batch fetched again, per partition', () => {
    const handled = new HandledOffsets();
    handled.contextFor(batch(0, [0, 1, 2]), active).settle();
    expect(offsetsOf(handled.unhandled(batch(0, [1, 2, 3, 4])))).to.deep.equal([3, 4]);
    expect(offsetsOf(handled.unhandled(batch(1, [0, 1])))).to.deep.equal([0, 1]);
  });

  it('a batch whose context went inactive counts only up to what its handler reported finished', () => {
    const handled = new HandledOffsets();
    handled.contextFor(batch(0, [0, 1, 2, 3]), inactive).settle();
    expect(offsetsOf(handled.unhandled(batch(0, [0, 1, 2, 3])))).to.deep.equal([0, 1, 2, 3]);
    const context = handled.contextFor(batch(0, [0, 1, 2, 3]), inactive);
    // The handler committed its first two messages, then saw the rebalance and stopped.
    context.finished(2);
    context.settle();
    expect(offsetsOf(handled.unhandled(batch(0, [0, 1, 2, 3])))).to.deep.equal([2, 3]);
  });

  it('never moves back when an older batch is reported finished', () => {
    const handled = new HandledOffsets();
    handled.contextFor(batch(0, [5, 6]), active).settle();
    handled.contextFor(batch(0, [1, 2]), active).settle();
    expect(offsetsOf(handled.unhandled(batch(0, [6, 7])))).to.deep.equal([7]);
  });

  it('hands each offset of a batch over once, in order: a copy fetched again behind the first is dropped', () => {
    const handled = new HandledOffsets();
    expect(offsetsOf(handled.unhandled(batch(0, [4, 5, 6, 4, 5, 6, 7])))).to.deep.equal([4, 5, 6, 7]);
    handled.contextFor(batch(0, [4, 5]), active).settle();
    expect(offsetsOf(handled.unhandled(batch(0, [5, 6, 3, 6, 7])))).to.deep.equal([6, 7]);
  });
});
