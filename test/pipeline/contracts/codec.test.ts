import { expect } from 'chai';
import {
  AvroSingleObjectCodec,
  decodeInventoryResult,
  decodeOrderPlaced,
  encodeInventoryResult,
  encodeOrderPlaced,
  encodingOf,
  loadAvroSchema,
  ORDER_PLACED_AVRO,
} from '../../../pipeline/contracts/codec.js';
import { parseOrderPlaced, type InventoryResult, type OrderPlaced } from '../../../pipeline/contracts/events.js';
import { fixedSchedule, OrderGenerator } from '../../../pipeline/producer/order-generator.js';
import { DESIGN_EXAMPLE_ORDER, DESIGN_EXAMPLE_ORDER_AVRO } from '../../helpers/fixtures.js';

const example = (): OrderPlaced => {
  const parsed = parseOrderPlaced(Buffer.from(DESIGN_EXAMPLE_ORDER));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};
const bytes = (value: string | Buffer): Buffer => Buffer.from(value);
const result: InventoryResult = { order_id: 'ORD-000001', restaurant: 'Spartan Eats', status: 'failed', reason: 'out_of_stock', placed_at: '2026-02-15T10:23:15.123Z', processed_at: '2026-02-15T10:23:15.131Z', processing_time_ms: 0.42 };

describe('pipeline/contracts/codec', () => {
  it('writes the DESIGN example order as documented: marker, fingerprint, body', () => {
    const avro = bytes(encodeOrderPlaced(example(), 'avro'));
    expect(avro.toString('hex')).to.equal(DESIGN_EXAMPLE_ORDER_AVRO.toString('hex'));
    expect(avro.subarray(0, 2).toString('hex')).to.equal('c301');
    expect(avro.subarray(2, 10).equals(ORDER_PLACED_AVRO.reader.fingerprint)).to.equal(true);
  });

  it('gives back the same OrderPlaced from either encoding, for generated orders and the example', () => {
    const generator = new OrderGenerator({ seed: 5, placedAt: fixedSchedule(new Date('2026-02-15T10:00:00.000Z'), 37) });
    for (const order of [example(), ...Array.from({ length: 300 }, () => generator.next())]) {
      for (const encoding of ['json', 'avro'] as const) {
        const decoded = decodeOrderPlaced(bytes(encodeOrderPlaced(order, encoding)));
        expect(decoded).to.deep.equal({ ok: true, value: order, encoding });
      }
    }
  });

  it('gives back the same inventory result from either encoding, a failure reason and a null one', () => {
    for (const value of [result, { ...result, status: 'reserved' as const, reason: null }]) {
      for (const encoding of ['json', 'avro'] as const) expect(decodeInventoryResult(bytes(encodeInventoryResult(value, encoding)))).to.deep.equal({ ok: true, value, encoding });
    }
  });

  it('makes Avro orders and results about a third the size of JSON ones', () => {
    expect(bytes(encodeOrderPlaced(example(), 'avro')).length).to.equal(64);
    expect(bytes(encodeOrderPlaced(example(), 'json')).length).to.equal(DESIGN_EXAMPLE_ORDER.length - 2);
    expect(bytes(encodeInventoryResult(result, 'avro')).length).to.be.below(bytes(encodeInventoryResult(result, 'json')).length / 3);
  });

  it('tells the encoding by the content-type header, else by the Avro marker', () => {
    const avro = bytes(encodeOrderPlaced(example(), 'avro'));
    const json = Buffer.from(DESIGN_EXAMPLE_ORDER);
    expect(encodingOf(avro, undefined)).to.equal('avro');
    expect(encodingOf(json, undefined)).to.equal('json');
    expect(encodingOf(null, undefined)).to.equal('json');
    expect(encodingOf(json, { 'content-type': Buffer.from('application/avro') })).to.equal('avro');
    expect(encodingOf(avro, { 'content-type': 'Application/JSON; charset=utf-8' })).to.equal('json');
  });

  const avro = (): Buffer => bytes(encodeOrderPlaced(example(), 'avro'));
  const flipped = (at: number): Buffer => {
    const copy = avro();
    copy.writeUInt8((copy[at] ?? 0) ^ 0xff, at);
    return copy;
  };
  const rejected: [string, Buffer | null, Record<string, string>, RegExp][] = [
    ['an unknown fingerprint', flipped(5), {}, /^unknown_schema: fingerprint [0-9a-f]{16} is none of order-placed-v1\.avsc, order-placed-v2\.avsc$/],
    ['a truncated body', avro().subarray(0, 40), {}, /^malformed_avro: order-placed-v1\.avsc: truncated buffer$/],
    ['trailing bytes', Buffer.concat([avro(), Buffer.from([0])]), {}, /^malformed_avro: order-placed-v1\.avsc: trailing data$/],
    ['a corrupt enum index', Buffer.concat([avro().subarray(0, -1), Buffer.from([0x06])]), {}, /^malformed_avro: .*enum index/],
    ['a header only', avro().subarray(0, 6), {}, /^malformed_avro: 6 bytes, shorter than the 10-byte single-object header$/],
    ['JSON declared as Avro', Buffer.from(DESIGN_EXAMPLE_ORDER), { 'content-type': 'application/avro' }, /^malformed_avro: no single-object marker C3 01$/],
    ['an empty Avro message', null, { 'content-type': 'application/avro' }, /^malformed_avro: empty message$/],
  ];
  for (const [what, value, headers, expected] of rejected) {
    it(`rejects ${what} with a one-line reason`, () => {
      const decoded = decodeOrderPlaced(value, headers);
      expect(decoded.ok).to.equal(false);
      if (decoded.ok) return;
      expect(decoded.encoding).to.equal('avro');
      expect(decoded.error).to.match(expected).and.not.include('\n');
    });
  }

  it('checks an Avro order as it checks a JSON one, and keeps its order_id for the dead letter', () => {
    const decoded = decodeOrderPlaced(bytes(encodeOrderPlaced({ ...example(), restaurant: 'Moon Base' as OrderPlaced['restaurant'] }, 'avro')));
    expect(decoded).to.deep.include({ ok: false, encoding: 'avro', orderId: 'ORD-000001' });
    if (!decoded.ok) expect(decoded.error).to.match(/^invalid_event: restaurant: unknown restaurant/);
    const wrongTotal = decodeOrderPlaced(bytes(encodeOrderPlaced({ ...example(), total_amount: 18 }, 'avro')));
    if (!wrongTotal.ok) expect(wrongTotal.error).to.match(/^invalid_event: total_amount: /);
    expect(wrongTotal.ok).to.equal(false);
  });

  describe('schema evolution', () => {
    const v1 = loadAvroSchema('order-placed-v1.avsc');
    const v2 = loadAvroSchema('order-placed-v2.avsc');
    const record = { order_id: 'ORD-V2', student_id: 'STU-1', restaurant: 'Tower Cafe', items: [{ item: 'coffee', quantity: 2, unit_price_cents: 350 }], total_amount_cents: 700, placed_at: Date.parse('2026-02-15T10:00:00.000Z'), status: 'placed' };

    it('reads an order written with the newer schema (an optional field more) by its fingerprint, the field skipped', () => {
      expect(v2.fingerprint.equals(v1.fingerprint)).to.equal(false);
      const written = new AvroSingleObjectCodec(v2, [v2]).encode({ ...record, pickup_note: 'by the door' });
      expect(written.subarray(2, 10).equals(v2.fingerprint)).to.equal(true);
      const decoded = decodeOrderPlaced(written);
      expect(decoded).to.deep.include({ ok: true, encoding: 'avro' });
      if (decoded.ok) expect(decoded.value).to.deep.include({ order_id: 'ORD-V2', total_amount: 7, placed_at: '2026-02-15T10:00:00.000Z' });
    });

    it('reads an order written with the older schema into the newer one, the added field at its default', () => {
      const newer = new AvroSingleObjectCodec(v2, [v1, v2]);
      const decoded = newer.decode(new AvroSingleObjectCodec(v1, [v1]).encode(record));
      expect(decoded.ok).to.equal(true);
      if (decoded.ok) expect(JSON.parse(JSON.stringify(decoded.record))).to.deep.equal({ ...record, pickup_note: null });
    });
  });
});
