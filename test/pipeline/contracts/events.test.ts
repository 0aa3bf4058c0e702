import { expect } from 'chai';
import { DESIGN_EXAMPLE_ORDER } from '../../helpers/fixtures.js';
import { orderIdOf, parseInventoryResult, parseOrderPlaced, serializeOrderPlaced, type OrderPlaced } from '../../../pipeline/contracts/events.js';
import { boundedText, MAX_ERROR_TEXT } from '../../../pipeline/contracts/limits.js';
import { fixedSchedule, OrderGenerator } from '../../../pipeline/producer/order-generator.js';


const buffer = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('pipeline/contracts/events', () => {
  it('accepts the documented OrderPlaced and writes it back in the documented field order', () => {
    const parsed = parseOrderPlaced(buffer(DESIGN_EXAMPLE_ORDER));
    expect(parsed.ok).to.equal(true);
    if (!parsed.ok) return;
    expect(serializeOrderPlaced(parsed.value)).to.equal(DESIGN_EXAMPLE_ORDER.replace('17.0', '17'));
  });

  it('accepts the documented inventory result', () => {
    const example =
      '{"order_id":"ORD-000001","restaurant":"Spartan Eats","status":"reserved","reason":null,"placed_at":"2026-02-15T10:23:15.123Z","processed_at":"2026-02-15T10:23:15.131Z","processing_time_ms":0.42}';
    expect(parseInventoryResult(buffer(example)).ok).to.equal(true);
    expect(parseInventoryResult(buffer(example.replace('"reason":null', '"reason":"out_of_stock"'))).ok).to.equal(false);
  });

  const invalid: [string, string | null, RegExp][] = [
    ['not JSON', 'this is not json', /^invalid_json: /],
    ['a null value', null, /^invalid_json: empty message/],
    ['a missing field', DESIGN_EXAMPLE_ORDER.replace('"student_id":"STU-0042",', ''), /^invalid_event: student_id: /],
    ['an unknown restaurant', DESIGN_EXAMPLE_ORDER.replace('Spartan Eats', 'Moon Base'), /^invalid_event: restaurant: unknown restaurant/],
    ['a negative quantity', DESIGN_EXAMPLE_ORDER.replace('"quantity":2', '"quantity":-2'), /^invalid_event: items\.0\.quantity: /],
    ['a zero quantity', DESIGN_EXAMPLE_ORDER.replace('"quantity":2', '"quantity":0'), /^invalid_event: items\.0\.quantity: /],
    ['a mistyped field', DESIGN_EXAMPLE_ORDER.replace('"quantity":2', '"quantity":"2"'), /^invalid_event: items\.0\.quantity: /],
    ['a total that is not the sum', DESIGN_EXAMPLE_ORDER.replace('17.0', '18.0'), /^invalid_event: total_amount: /],
    ['no items', DESIGN_EXAMPLE_ORDER.replace(/"items":\[.*\],"total_amount":17.0/, '"items":[],"total_amount":0'), /^invalid_event: items: /],
    ['a bad timestamp', DESIGN_EXAMPLE_ORDER.replace('2026-02-15T10:23:15.123Z', 'yesterday'), /^invalid_event: placed_at: /],
    ['a placed_at before the year 2000', DESIGN_EXAMPLE_ORDER.replace('2026-02-15T10:23:15.123Z', '0000-01-01T00:00:00Z'), /^invalid_event: placed_at: must lie in the years 2000 to 2099$/],
    ['a placed_at in 2100', DESIGN_EXAMPLE_ORDER.replace('2026-02-15T10:23:15.123Z', '2100-01-01T00:00:00Z'), /^invalid_event: placed_at: must lie in the years 2000 to 2099$/],
    ['an order_id of 65 characters', DESIGN_EXAMPLE_ORDER.replace('ORD-000001', 'O'.repeat(65)), /^invalid_event: order_id: Too big: expected string to have <=64 characters$/],
    ['a student_id of 65 characters', DESIGN_EXAMPLE_ORDER.replace('STU-0042', 'S'.repeat(65)), /^invalid_event: student_id: Too big/],
    ['an item name of 65 characters', DESIGN_EXAMPLE_ORDER.replace('"burger"', `"${'b'.repeat(65)}"`), /^invalid_event: items\.0\.item: Too big/],
    ['51 lines', DESIGN_EXAMPLE_ORDER.replace(/"items":\[.*\],"total_amount":17.0/, `"items":[${Array(51).fill('{"item":"burger","quantity":1,"unit_price":8.5}').join(',')}],"total_amount":433.5`), /^invalid_event: items: Too big: expected array to have <=50 items$/],
    ['a quantity above 1000', DESIGN_EXAMPLE_ORDER.replace('"quantity":2', '"quantity":1001').replace('17.0', '8508.5'), /^invalid_event: items\.0\.quantity: Too big/],
    ['bytes that are not UTF-8', `{"order_id":"ORD-\udcff"}`, /^invalid_utf8: /],
    ['a __proto__ key', DESIGN_EXAMPLE_ORDER.replace('{"order_id"', '{"__proto__":{"admin":true},"order_id"'), /^forbidden_key: /],
    ['a constructor.prototype key', DESIGN_EXAMPLE_ORDER.replace('"status":"placed"', '"status":"placed","x":{"constructor":{"prototype":{"admin":true}}}'), /^forbidden_key: /],
    ['more than 32 KiB', `{"order_id":"X","items":[${Array(30_000).fill('{}').join(',')}]}`, /^too_large: 90026 bytes, more than the 32768 an order may have$/],
  ];
  for (const [what, value, expected] of invalid) {
    it(`rejects ${what} with a one-line reason`, () => {
      const parsed = parseOrderPlaced(value === null ? null : what === 'bytes that are not UTF-8' ? Buffer.from([...buffer('{"order_id":"ORD-'), 0xff, 0xfe, ...buffer('"}')]) : buffer(value));
      expect(parsed.ok).to.equal(false);
      if (parsed.ok) return;
      expect(parsed.error).to.match(expected).and.not.include('\n');
    });
  }

  it('cuts the error text to 1024 bytes, whatever the input: 10,000 bad lines in 32 KiB give one short line', () => {
    const parsed = parseOrderPlaced(buffer(DESIGN_EXAMPLE_ORDER.replace(/"items":\[.*\],/, `"items":[${Array(2_000).fill('{"item":7}').join(',')}],`).replace('"order_id":"ORD-000001"', `"order_id":"${'é'.repeat(600)}"`)));
    expect(parsed.ok).to.equal(false);
    if (parsed.ok) return;
    expect(Buffer.byteLength(parsed.error)).to.be.at.most(MAX_ERROR_TEXT);
    expect(parsed.error).to.match(/^invalid_event: order_id: Too big/);
  });

  it('boundedText never cuts inside a character and marks a cut with an ellipsis', () => {
    expect(boundedText('short')).to.equal('short');
    const cut = boundedText('é'.repeat(10), 7);
    expect(cut).to.equal('éé…');
    expect(Buffer.byteLength(cut)).to.be.at.most(7);
  });

  it('finds the order_id of an invalid order, when it has one', () => {
    expect(orderIdOf(buffer(DESIGN_EXAMPLE_ORDER.replace('Spartan Eats', 'Moon Base')))).to.equal('ORD-000001');
    expect(orderIdOf(buffer('nope'))).to.equal(undefined);
    expect(orderIdOf(buffer('{"order_id":5}'))).to.equal(undefined);
    // Too long to key a dead letter by.
    expect(orderIdOf(buffer(`{"order_id":"${'x'.repeat(65)}"}`))).to.equal(undefined);
  });

  it('writes OrderPlaced exactly as JSON.stringify of its fields in the documented order would', () => {
    const generator = new OrderGenerator({ seed: 9, placedAt: fixedSchedule(new Date('2026-02-15T10:00:00.000Z'), 37) });
    const odd: OrderPlaced = {
      order_id: 'ORD-"quoted"\\-\u00e9\u2028',
      student_id: 'STU-\n\t',
      restaurant: 'Tower Cafe',
      items: [{ item: 'coffee', quantity: 3, unit_price: 3.5 }, { item: 'bagel', quantity: 1, unit_price: 2.75 }],
      total_amount: 13.25,
      placed_at: '2026-02-15T10:00:00.000Z',
      status: 'placed',
    };
    for (const order of [odd, ...Array.from({ length: 300 }, () => generator.next())]) {
      const { order_id, student_id, restaurant, items, total_amount, placed_at, status } = order;
      const expected = JSON.stringify({ order_id, student_id, restaurant, items: items.map(({ item, quantity, unit_price }) => ({ item, quantity, unit_price })), total_amount, placed_at, status });
      expect(serializeOrderPlaced(order)).to.equal(expected);
    }
  });
});
