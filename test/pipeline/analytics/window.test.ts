import { expect } from 'chai';
import type { KafkaClient } from '../../../clients/driver.js';
import { eventTimeFigures, figuresJson, metricsJson, type IncomingMessage, type MetricsDocument } from '../../../pipeline/analytics/figures.js';
import { AnalyticsService } from '../../../pipeline/analytics/service.js';
import { RollingWindow } from '../../../pipeline/analytics/window.js';
import { serializeInventoryResult, serializeOrderPlaced } from '../../../pipeline/contracts/events.js';
import { DEFAULT_TOPICS } from '../../../pipeline/contracts/topics.js';
import { fixedSchedule, OrderGenerator } from '../../../pipeline/producer/order-generator.js';

/** A clock the test moves by hand. */
function manualClock(startMs: number): { now: () => number; advance: (ms: number) => void } {
  let now = startMs;
  return { now: () => now, advance: (ms) => (now += ms) };
}

describe('pipeline/analytics/window (processing time, injected clock)', () => {
  it('counts orders, results and latency over the last N seconds only', () => {
    const clock = manualClock(1_000_000);
    const window = new RollingWindow(10, clock.now);
    // Second 0..9: one order a second, each with a reserved result at 2 ms.
    for (let s = 0; s < 10; s += 1) {
      window.order();
      window.result('reserved', 2_000);
      clock.advance(1_000);
    }
    // Second 10..14: three orders a second, each failing at 40 ms.
    for (let s = 0; s < 5; s += 1) {
      for (let i = 0; i < 3; i += 1) {
        window.order();
        window.result('failed', 40_000);
      }
      clock.advance(1_000);
    }
    clock.advance(-1); // still inside second 14
    // The last 10 s: seconds 5..14, that is 5 reserved (2 ms) and 15 failed (40 ms).
    const figures = window.figures();
    expect(figures).to.deep.include({ seconds: 10, orders: 20, orders_per_s: 2, reserved: 5, failed: 15, failure_rate: 0.75 });
    expect(figures.latency_ms.count).to.equal(20);
    expect(figures.latency_ms.p50).to.be.closeTo(40, 0.05);
    expect(figures.latency_ms.p99).to.be.closeTo(40, 0.05);

    // 20 s of silence later nothing is left in the window.
    clock.advance(20_000);
    expect(window.figures()).to.deep.equal({ seconds: 10, orders: 0, orders_per_s: 0, reserved: 0, failed: 0, failure_rate: 0, latency_ms: { count: 0, p50: 0, p99: 0 } });
  });

  it('rates over the time since the start while that is shorter than the window', () => {
    const clock = manualClock(5_000);
    const window = new RollingWindow(60, clock.now);
    for (let i = 0; i < 40; i += 1) window.order();
    clock.advance(4_000);
    expect(window.figures().orders_per_s).to.equal(10);
  });

  it("is fed by the service with each order's and result's first arrival, redeliveries left out", () => {
    // A clock in the years a result's processed_at may name (2000 to 2099: docs/DESIGN.md, Input bounds).
    const clock = manualClock(Date.parse('2025-01-01T01:00:00Z'));
    // The consumer is never started here: ingest() is what the consumer's batches call.
    const service = new AnalyticsService({} as KafkaClient, { topics: { ...DEFAULT_TOPICS, partitions: 3 }, groupId: 'g', reportEveryMessages: 0, windowSeconds: 30, clock: clock.now });
    const generator = new OrderGenerator({ seed: 3, placedAt: fixedSchedule(new Date('2025-01-01T00:00:00Z'), 1_000) });
    const orders = Array.from({ length: 4 }, () => generator.next());
    const message = (value: string, key: string, headers: Record<string, string> = {}): IncomingMessage => ({ key: Buffer.from(key), value: Buffer.from(value), headers });
    for (const [i, order] of orders.entries()) {
      const sentAt = clock.now();
      const result = serializeInventoryResult({ order_id: order.order_id, restaurant: order.restaurant, status: i === 0 ? 'failed' : 'reserved', reason: i === 0 ? 'out_of_stock' : null, placed_at: order.placed_at, processed_at: new Date(sentAt + 8).toISOString(), processing_time_ms: 0.1 });
      for (let copy = 0; copy < 2; copy += 1) {
        service.ingest(DEFAULT_TOPICS.orders, message(serializeOrderPlaced(order), order.order_id));
        service.ingest(DEFAULT_TOPICS.inventory, message(result, order.order_id, { 'sent-at': String(sentAt) }));
      }
      clock.advance(1_000);
    }
    const window = service.window();
    expect(window).to.deep.include({ seconds: 30, orders: 4, orders_per_s: 1, reserved: 3, failed: 1, failure_rate: 0.25 });
    expect(window.latency_ms).to.deep.equal({ count: 4, p50: 8, p99: 8 });

    // GET /metrics: the all-time figures, then the window; the figures alone are what a replay compares.
    const document = JSON.parse(metricsJson(service.figures(), window)) as MetricsDocument;
    expect(Object.keys(document).at(-1)).to.equal('window');
    expect(document.window).to.deep.equal(window);
    expect(figuresJson(eventTimeFigures(document))).to.equal(figuresJson(service.figures()));
  });
});
