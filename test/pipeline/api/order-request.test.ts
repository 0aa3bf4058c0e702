import { expect } from 'chai';
import { parseOrderPlaced, serializeOrderPlaced } from '../../../pipeline/contracts/events.js';
import { orderFromRequest, parseOrderRequest } from '../../../pipeline/api/order-request.js';

describe('pipeline/api/order-request', () => {
  const valid = { student_id: 'STU-0042', restaurant: 'Spartan Eats', items: [{ item: 'burger', quantity: 2 }, { item: 'pizza', quantity: 1 }] };

  it('prices a valid request from the menu, to the cent', () => {
    const parsed = parseOrderRequest(valid);
    expect(parsed.ok).to.equal(true);
    if (!parsed.ok) return;
    const order = orderFromRequest(parsed.value, new Date('2026-02-15T10:23:15.123Z'), 'ORD-T1');
    expect(order).to.deep.equal({
      order_id: 'ORD-T1',
      student_id: 'STU-0042',
      restaurant: 'Spartan Eats',
      items: [
        { item: 'burger', quantity: 2, unit_price: 8.5 },
        { item: 'pizza', quantity: 1, unit_price: 12 },
      ],
      total_amount: 29,
      placed_at: '2026-02-15T10:23:15.123Z',
      status: 'placed',
    });
    expect(parseOrderPlaced(Buffer.from(serializeOrderPlaced(order))).ok).to.equal(true);
  });

  const bad: [string, unknown, RegExp][] = [
    ['an unknown restaurant', { ...valid, restaurant: 'Moon Base' }, /^restaurant: unknown restaurant$/],
    ['an item not on that menu', { ...valid, items: [{ item: 'sushi', quantity: 1 }] }, /^items\.0\.item: 'sushi' is not on the menu of Spartan Eats$/],
    ['a negative quantity', { ...valid, items: [{ item: 'burger', quantity: -1 }] }, /^items\.0\.quantity: /],
    ['a fractional quantity', { ...valid, items: [{ item: 'burger', quantity: 1.5 }] }, /^items\.0\.quantity: /],
    ['no items', { ...valid, items: [] }, /^items: /],
    ['a missing student', { restaurant: 'Spartan Eats', items: valid.items }, /^student_id: /],
    ['a client-set price', { ...valid, items: [{ item: 'burger', quantity: 1, unit_price: 0.01 }] }, /^items\.0: Unrecognized key: "unit_price"$/],
    ['not an object', 'burger please', /^body: /],
  ];
  for (const [what, body, expected] of bad) {
    it(`rejects ${what}, naming the field`, () => {
      const parsed = parseOrderRequest(body);
      expect(parsed.ok).to.equal(false);
      if (!parsed.ok) expect(parsed.error).to.match(expected);
    });
  }
});
