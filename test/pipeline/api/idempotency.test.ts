import { expect } from 'chai';
import { IdempotencyStore, orderIdForKey, parseIdempotencyKey } from '../../../pipeline/api/idempotency.js';

describe('pipeline/api/idempotency', () => {
  it('accepts a key of 1 to 128 printable ASCII characters, bare or as a quoted structured-field string', () => {
    expect(parseIdempotencyKey(undefined)).to.deep.equal({ ok: true, key: undefined });
    expect(parseIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).to.deep.equal({ ok: true, key: '8e03978e-40d5-43e8-bc93-6894a57f9324' });
    expect(parseIdempotencyKey('"abc:1"')).to.deep.equal({ ok: true, key: 'abc:1' });
    expect(parseIdempotencyKey('k'.repeat(128))).to.deep.equal({ ok: true, key: 'k'.repeat(128) });
  });

  for (const [what, value] of [
    ['no characters', ''],
    ['129 characters', 'k'.repeat(129)],
    ['a space', 'a b'],
    ['a backslash', 'a\\b'],
    ['a non-ASCII character', 'clé'],
    ['an empty quoted string', '""'],
    ['given twice', ['a', 'b']],
  ] as const) {
    it(`refuses a key with ${what}, naming the header`, () => {
      const parsed = parseIdempotencyKey(typeof value === 'string' ? value : [...value]);
      expect(parsed.ok).to.equal(false);
      if (!parsed.ok) expect(parsed.error).to.match(/^header idempotency-key: /);
    });
  }

  it('derives the same order_id from the same key, in any process, and another from another key', () => {
    expect(orderIdForKey('retry-me')).to.equal(orderIdForKey('retry-me'));
    expect(orderIdForKey('retry-me')).to.match(/^ORD-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(orderIdForKey('retry-me')).to.not.equal(orderIdForKey('retry-me2'));
    // Pinned: a change would let a restarted service give a retried order a new id.
    expect(orderIdForKey('a')).to.equal('ORD-1619283d-589f-7a8b-3aaf-80e3cd654ad4');
  });

  it('forgets a key after its time to live', () => {
    let now = 1_000;
    const store = new IdempotencyStore<string>({ ttlMs: 100, maxKeys: 10 }, () => now);
    store.add('k', 'first');
    now += 99;
    expect(store.get('k')).to.equal('first');
    now += 1;
    expect(store.get('k')).to.equal(undefined);
    expect(store.size).to.equal(0);
  });

  it('keeps at most maxKeys keys, dropping the oldest first', () => {
    const store = new IdempotencyStore<number>({ ttlMs: 60_000, maxKeys: 3 });
    for (let i = 1; i <= 5; i++) store.add(`k${i}`, i);
    expect(store.size).to.equal(3);
    expect([1, 2, 3, 4, 5].map((i) => store.get(`k${i}`))).to.deep.equal([undefined, undefined, 3, 4, 5]);
  });
});
