import { expect } from 'chai';
import { serializeInventoryResult, serializeOrderPlaced, type InventoryResult, type OrderPlaced } from '../../../pipeline/contracts/events.js';
import { figuresJson, OrderAnalytics, type IncomingMessage } from '../../../pipeline/analytics/figures.js';
import { fixedSchedule, OrderGenerator } from '../../../pipeline/producer/order-generator.js';

const message = (value: string, key: string | null = null, headers: Record<string, string> = {}): IncomingMessage => ({ key: key === null ? null : Buffer.from(key), value: Buffer.from(value), headers });

function resultFor(order: OrderPlaced, status: 'reserved' | 'failed', latencyMs: number): InventoryResult {
  return {
    order_id: order.order_id,
    restaurant: order.restaurant,
    status,
    reason: status === 'reserved' ? null : 'out_of_stock',
    placed_at: order.placed_at,
    processed_at: new Date(Date.parse(order.placed_at) + latencyMs).toISOString(),
    processing_time_ms: 0.1,
  };
}

describe('pipeline/analytics/figures', () => {
  const orders = Array.from({ length: 150 }, (() => {
    const generator = new OrderGenerator({ seed: 5, placedAt: fixedSchedule(new Date('2026-02-15T10:00:30.000Z'), 1_000) });
    return () => generator.next();
  })());
  const results = orders.map((order, i) => resultFor(order, i % 3 === 0 ? 'failed' : 'reserved', 5 + (i % 10)));

  function ingestAll(analytics: OrderAnalytics, sequence: number[]): void {
    for (const i of sequence) {
      analytics.ingestOrder(message(serializeOrderPlaced(orders[i] as OrderPlaced)));
      const order = orders[i] as OrderPlaced;
      // Sent when placed, in these tests: the latency is processed_at - placed_at.
      analytics.ingestResult(message(serializeInventoryResult(results[i] as InventoryResult), order.order_id, { 'sent-at': String(Date.parse(order.placed_at)) }));
    }
  }

  it('counts orders, outcomes, revenue to the cent and minute buckets from event time', () => {
    const analytics = new OrderAnalytics();
    ingestAll(analytics, orders.map((_, i) => i));
    const figures = analytics.figures();
    expect(figures).to.include({ total_orders: 150, reserved: 100, failed: 50, dead_lettered: 0, pending: 0, failure_rate: 0.333333 });
    expect(figures.failures_by_reason).to.deep.equal({ out_of_stock: 50, unknown_item: 0, simulated_failure: 0 });
    // 10:00:30 + 1 s per order: 30 orders in 10:00, 60 in 10:01, 60 in 10:02.
    expect(figures.orders_per_minute).to.deep.equal({ '2026-02-15T10:00': 30, '2026-02-15T10:01': 60, '2026-02-15T10:02': 60 });
    expect(figures.orders_per_minute_summary).to.deep.equal({ minutes: 3, average: 50, peak: 60, peak_minute: '2026-02-15T10:01' });

    const expectedCents = new Map<string, number>();
    orders.forEach((order, i) => {
      if (results[i]?.status !== 'reserved') return;
      const cents = order.items.reduce((sum, line) => sum + Math.round(line.unit_price * 100) * line.quantity, 0);
      expectedCents.set(order.restaurant, (expectedCents.get(order.restaurant) ?? 0) + cents);
    });
    for (const [restaurant, totals] of Object.entries(figures.by_restaurant)) {
      expect(totals.revenue, restaurant).to.equal((expectedCents.get(restaurant) ?? 0) / 100);
    }
    expect(Object.values(figures.by_restaurant).reduce((sum, t) => sum + t.orders, 0)).to.equal(150);
    expect(figures.latency_ms).to.include({ count: 150, min: 5, max: 14 });
  });

  it('leaves an order the inventory dead-lettered for its prices or its event time out of every order figure, after a restore too', () => {
    const analytics = new OrderAnalytics();
    ingestAll(analytics, [0, 1, 2]);
    const mispriced: OrderPlaced = { order_id: 'ORD-PRICE', student_id: 'S', restaurant: 'Tower Cafe', items: [{ item: 'coffee', quantity: 1, unit_price: 1_000_000 }], total_amount: 1_000_000, placed_at: '2026-02-15T10:00:31.000Z', status: 'placed' };
    const ancient: OrderPlaced = { ...mispriced, order_id: 'ORD-OLD', items: [{ item: 'coffee', quantity: 1, unit_price: 3.5 }], total_amount: 3.5, placed_at: '2000-01-01T00:00:00.000Z' };
    const deadLetter = (orderId: string, error: string, offset: number): IncomingMessage => message('x', orderId, { error, 'source-topic': 'orders', 'source-partition': '0', 'source-offset': String(offset) });
    for (const order of [mispriced, ancient]) analytics.ingestOrder(message(serializeOrderPlaced(order)));
    analytics.ingestDeadLetter(deadLetter('ORD-PRICE', 'price_mismatch: items.0.unit_price: coffee costs 3.50 at Tower Cafe, not 1000000.00', 7));
    analytics.ingestDeadLetter(deadLetter('ORD-OLD', 'event_time_out_of_range: placed_at 2000-01-01T00:00:00.000Z is 846000000 s before the stage\'s clock', 8));
    const figures = analytics.figures();
    expect(figures).to.include({ total_orders: 3, pending: 0, malformed: 2 });
    expect(figures.orders_per_minute_summary.minutes).to.equal(1);
    expect(figures.by_restaurant['Tower Cafe']?.revenue).to.be.below(1_000);

    const restored = new OrderAnalytics();
    for (const change of analytics.takeChanges()) restored.restore(change.key, change.value === null ? null : Buffer.from(change.value));
    expect(figuresJson(restored.figures())).to.equal(figuresJson(figures));
  });

  it('counts a redelivered event once, the first one winning', () => {
    const analytics = new OrderAnalytics();
    ingestAll(analytics, [0, 1, 2, 0, 1, 2]);
    analytics.ingestResult(message(serializeInventoryResult({ ...(results[1] as InventoryResult), status: 'failed', reason: 'simulated_failure' })));
    expect(analytics.figures()).to.include({ total_orders: 3, reserved: 2, failed: 1 });
    expect(analytics.figures().latency_ms.count).to.equal(3);
  });

  it('gives byte-identical JSON whatever order the events arrive in', () => {
    const forward = new OrderAnalytics();
    ingestAll(forward, orders.map((_, i) => i));
    const backward = new OrderAnalytics();
    ingestAll(backward, orders.map((_, i) => orders.length - 1 - i));
    expect(figuresJson(backward.figures())).to.equal(figuresJson(forward.figures()));
  });

  it('accounts dead-lettered orders and malformed messages apart, each once', () => {
    const analytics = new OrderAnalytics();
    ingestAll(analytics, [0]);
    analytics.ingestOrder(message(serializeOrderPlaced(orders[1] as OrderPlaced)));
    const exhausted = { error: 'retries_exhausted: simulated transient error on attempt 4; 4 attempts', 'source-topic': 'o', 'source-partition': '0', 'source-offset': '1' };
    analytics.ingestDeadLetter(message('{}', orders[1]?.order_id ?? null, exhausted));
    analytics.ingestDeadLetter(message('{}', orders[1]?.order_id ?? null, exhausted));
    const bad = { error: 'invalid_json: Unexpected token', 'source-topic': 'o', 'source-partition': '0', 'source-offset': '2' };
    analytics.ingestDeadLetter(message('nope', null, bad));
    analytics.ingestDeadLetter(message('nope', null, bad));
    analytics.ingestOrder(message('nope'));
    expect(analytics.figures()).to.include({ total_orders: 2, dead_lettered: 1, pending: 0, malformed: 1 });
  });

  it('measures latency from wall clocks (sent-at to processed_at), never from event time, and counts what it cannot measure', () => {
    const analytics = new OrderAnalytics();
    const sentAt = Date.parse('2026-11-24T12:00:00.000Z');
    // A replay's orders: placed months before they were sent and processed.
    const replayed = orders.slice(0, 4).map((order) => ({ ...order, placed_at: '2026-02-15T10:00:00.000Z' }));
    for (const order of replayed) analytics.ingestOrder(message(serializeOrderPlaced(order)));
    const result = (order: OrderPlaced, processedMs: number): string => serializeInventoryResult({ ...resultFor(order, 'reserved', 0), processed_at: new Date(processedMs).toISOString() });
    const [a, b, c, d] = replayed as [OrderPlaced, OrderPlaced, OrderPlaced, OrderPlaced];
    analytics.ingestResult(message(result(a, sentAt + 7), a.order_id, { 'sent-at': String(sentAt) }));
    analytics.ingestResult(message(result(b, sentAt + 12), b.order_id, { 'sent-at': String(sentAt) }));
    analytics.ingestResult(message(result(c, sentAt + 3), c.order_id));
    analytics.ingestResult(message(result(d, sentAt), d.order_id, { 'sent-at': String(sentAt - 2 * 3_600_000) }));
    const figures = analytics.figures();
    expect(figures.latency_ms).to.include({ count: 2, min: 7, max: 12 });
    expect(figures).to.include({ latency_not_available: 1, latency_out_of_range: 1, reserved: 4 });
  });

  describe('the changelog', () => {
    /** Every kind of fact: orders with and without results, a result before its order, a dead letter, a malformed message, latencies in range, out of range and unknown. */
    function ingestMixed(analytics: OrderAnalytics): void {
      ingestAll(analytics, [0, 1, 2, 3, 4, 5]);
      const late = orders[6] as OrderPlaced;
      analytics.ingestResult(message(serializeInventoryResult(resultFor(late, 'reserved', 9)), late.order_id, { 'sent-at': String(Date.parse(late.placed_at) - 2 * 3_600_000) }));
      analytics.ingestOrder(message(serializeOrderPlaced(late)));
      const unmeasured = orders[7] as OrderPlaced;
      analytics.ingestOrder(message(serializeOrderPlaced(unmeasured)));
      analytics.ingestResult(message(serializeInventoryResult(resultFor(unmeasured, 'failed', 3)), unmeasured.order_id));
      analytics.ingestOrder(message(serializeOrderPlaced(orders[8] as OrderPlaced)));
      analytics.ingestDeadLetter(message('{}', orders[8]?.order_id ?? null, { error: 'retries_exhausted: x; 4 attempts', 'source-topic': 'o', 'source-partition': '0', 'source-offset': '8' }));
      analytics.ingestOrder(message(serializeOrderPlaced(orders[9] as OrderPlaced)));
      analytics.ingestDeadLetter(message('nope', null, { error: 'invalid_json: x', 'source-topic': 'o', 'source-partition': '1', 'source-offset': '3' }));
    }

    function restoreInto(records: { key: string; value: string | null }[]): OrderAnalytics {
      const restored = new OrderAnalytics();
      for (const record of records) restored.restore(record.key, record.value === null ? null : Buffer.from(record.value));
      return restored;
    }

    it('restores figures identical to those it recorded, latency histogram included, from one record per fact', () => {
      const analytics = new OrderAnalytics();
      ingestMixed(analytics);
      const records = analytics.takeChanges();
      expect(records.map((r) => r.key.split(':')[0])).to.deep.equal([...Array.from({ length: 6 }, () => ['order', 'result']).flat(), 'result', 'order', 'order', 'result', 'order', 'dead', 'order', 'malformed']);
      const figures = analytics.figures();
      expect(figures).to.include({ latency_out_of_range: 1, latency_not_available: 1, dead_lettered: 1, pending: 1, malformed: 1 });
      expect(figuresJson(restoreInto(records).figures())).to.equal(figuresJson(figures));
      expect(analytics.takeChanges(), 'taken once').to.deep.equal([]);
    });

    it('writes nothing for what it had counted already, and a restored analytics counts a redelivery once', () => {
      const analytics = new OrderAnalytics();
      ingestMixed(analytics);
      const restored = restoreInto(analytics.takeChanges());
      ingestMixed(analytics);
      ingestMixed(restored);
      expect(analytics.takeChanges()).to.deep.equal([]);
      expect(restored.takeChanges()).to.deep.equal([]);
      expect(figuresJson(restored.figures())).to.equal(figuresJson(analytics.figures()));
    });

    it('refuses a record it did not write, naming it', () => {
      const analytics = new OrderAnalytics();
      expect(() => { analytics.restore('decision:X', Buffer.from('{}')); }).to.throw('analytics changelog record "decision:X" is malformed: unknown kind');
      expect(() => { analytics.restore('order:X', Buffer.from('{"restaurant":"Tower Cafe"}')); }).to.throw(/^analytics changelog record "order:X" is malformed/);
      expect(() => { analytics.restore('result:X', null); }).to.throw(/malformed/);
      expect(analytics.figures().total_orders).to.equal(0);
    });
  });
});
