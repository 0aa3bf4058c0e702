import { expect } from 'chai';
import { parseOrderPlaced, serializeOrderPlaced } from '../../../pipeline/contracts/events.js';
import { fixedSchedule, OrderGenerator } from '../../../pipeline/producer/order-generator.js';

const schedule = fixedSchedule(new Date('2026-02-15T10:00:00.000Z'), 250);
const take = (generator: OrderGenerator, n: number) => Array.from({ length: n }, () => generator.next());

describe('pipeline/producer/order-generator', () => {
  it('gives the same orders for the same seed, and other orders for another', () => {
    const a = take(new OrderGenerator({ seed: 42, placedAt: schedule }), 200);
    const b = take(new OrderGenerator({ seed: 42, placedAt: schedule }), 200);
    const c = take(new OrderGenerator({ seed: 43, placedAt: schedule }), 200);
    expect(a).to.deep.equal(b);
    expect(a.map((o) => o.items)).to.not.deep.equal(c.map((o) => o.items));
    expect(new Set([...a, ...c].map((o) => o.order_id)).size).to.equal(400);
  });

  it('makes valid orders, priced from the menu, on the event-time schedule', () => {
    const orders = take(new OrderGenerator({ seed: 1, placedAt: schedule }), 500);
    for (const order of orders) {
      const reparsed = parseOrderPlaced(Buffer.from(serializeOrderPlaced(order)));
      expect(reparsed.ok, reparsed.ok ? '' : reparsed.error).to.equal(true);
    }
    expect(orders[4]?.placed_at).to.equal('2026-02-15T10:00:01.000Z');
    expect(new Set(orders.map((o) => o.restaurant)).size).to.equal(4);
  });
});
