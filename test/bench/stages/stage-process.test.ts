import { expect } from 'chai';
import { stampLines } from '../../../bench/stages/stage-process.js';

describe('bench/stages: a stage log line begins with the time it arrived', () => {
  const now = new Date('2026-12-06T03:38:37.931Z');

  it('stamps every line of a chunk, and not the empty rest after its last newline', () => {
    expect(stampLines('one\ntwo\n', true, now)).to.deep.equal({ text: '03:38:37.931 one\n03:38:37.931 two\n', atLineStart: true });
  });

  it('goes on with a line a chunk left open, without a second stamp', () => {
    const first = stampLines('par', true, now);
    expect(first).to.deep.equal({ text: '03:38:37.931 par', atLineStart: false });
    expect(stampLines('tial\nnext', first.atLineStart, now)).to.deep.equal({ text: 'tial\n03:38:37.931 next', atLineStart: false });
  });

  it('leaves an empty chunk empty', () => {
    expect(stampLines('', false, now)).to.deep.equal({ text: '', atLineStart: false });
  });
});
