import { expect } from 'chai';
import type { ConsumedBatch } from '../../clients/driver.js';
import { HandledOffsets } from '../../clients/handled-offsets.js';

function batch(partition: number, offsets: number[]): ConsumedBatch {
  return { topic: 't', partition, messages: offsets.map((offset) => ({ topic: 't', partition, offset, key: null, value: null, headers: {} })) };
}

describe('clients/handled-offsets', () => {
  it('hands over a batch whole until its partition has a finished batch', () => {
    const handled = new HandledOffsets();
    expect(handled.unhandled(batch(0, [0, 1, 2])).messages.map((m) => m.offset)).to.deep.equal([0, 1, 2]);
  });

  it('drops what was finished from a batch fetched again, per partition', () => {
    const handled = new HandledOffsets();
    handled.finished(batch(0, [0, 1, 2]));
    expect(handled.unhandled(batch(0, [1, 2, 3, 4])).messages.map((m) => m.offset)).to.deep.equal([3, 4]);
    expect(handled.unhandled(batch(1, [0, 1])).messages.map((m) => m.offset)).to.deep.equal([0, 1]);
  });

  it('never moves back when an older batch is reported finished', () => {
    const handled = new HandledOffsets();
    handled.finished(batch(0, [5, 6]));
    handled.finished(batch(0, [1, 2]));
    expect(handled.unhandled(batch(0, [6, 7])).messages.map((m) => m.offset)).to.deep.equal([7]);
  });
});
