import { expect } from 'chai';
import { fitDeadLetter, messageSize, RECORD_OVERHEAD_BYTES } from '../../../pipeline/inventory/fit-message.js';

describe('pipeline/inventory/fit-message', () => {
  const letter = (value: Buffer) => ({
    topic: 'dlq',
    key: null,
    value,
    headers: { traceparent: 't'.repeat(200), error: 'too_large: 600000 bytes', 'source-topic': 'orders', 'source-partition': '0', 'source-offset': '7' },
  });

  it('leaves a dead letter that fits as it is', () => {
    const message = letter(Buffer.alloc(1_000, 1));
    expect(fitDeadLetter(message, 1_048_588)).to.equal(message);
  });

  it("cuts one that does not fit to the topic's limit: its value shortened, its own headers kept, truncated and original-size added", () => {
    const message = letter(Buffer.alloc(600_000, 7));
    const fitted = fitDeadLetter(message, 10_000);
    expect(messageSize(fitted) + RECORD_OVERHEAD_BYTES).to.be.at.most(10_000);
    expect(fitted.headers).to.deep.equal({ error: 'too_large: 600000 bytes', 'source-topic': 'orders', 'source-partition': '0', 'source-offset': '7', truncated: 'true', 'original-size': String(messageSize(message)) });
    expect(Buffer.isBuffer(fitted.value) && fitted.value.equals(Buffer.alloc(fitted.value.length, 7))).to.equal(true);
    expect(fitted.value?.length).to.be.greaterThan(9_000);
  });

  it('keeps no value at all when even the headers barely fit', () => {
    const fitted = fitDeadLetter(letter(Buffer.alloc(5_000)), 600);
    expect(fitted.value?.length).to.equal(0);
    expect(fitted.headers).to.include({ truncated: 'true' });
  });
});
