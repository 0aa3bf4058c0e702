import { expect } from 'chai';
import { DESIGN_EXAMPLE_ORDER } from '../../helpers/fixtures.js';
import { orderIdOf, parseInventoryResult, parseOrderPlaced, serializeOrderPlaced, type OrderPlaced } from '../../../pipeline/contracts/events.js';
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
  ];
  for (const [what, value, expected] of invalid) {
    it(`rejects ${what} with a one-line reason`, () => {
      const parsed = parseOrderPlaced(value === null ? null : buffer(value));
      expect(parsed.ok).to.equal(false);
      if (parsed.ok) return;
      expect(parsed.error).to.match(expected).and.not.include('\n');
    });
  }

  it('finds the order_id of an invalid order, when it has one', () => {
    expect(orderIdOf(buffer(DESIGN_EXAMPLE_ORDER.replace('Spartan Eats', 'Moon Base')))).to.equal('ORD-000001');
    expect(orderIdOf(buffer('nope'))).to.equal(undefined);
    expect(orderIdOf(buffer('{"order_id":5}'))).to.equal(undefined);
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
