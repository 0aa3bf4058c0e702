import { expect } from 'chai';
import { InventoryProcessor } from '../../../pipeline/inventory/processor.js';
import { StockLedger } from '../../../pipeline/inventory/stock.js';
import { DESIGN_EXAMPLE_ORDER } from '../../helpers/fixtures.js';

const clock = (): Date => new Date('2026-02-15T10:23:15.131Z');

describe('pipeline/inventory/processor', () => {
  it('turns a valid order into a result with both timestamps', async () => {
    const processor = new InventoryProcessor(new StockLedger(10), { seed: 1, failureRate: 0, transientErrorRate: 0 }, { maxRetries: 3, backoffMs: 0 }, clock);
    const outcome = await processor.process(Buffer.from(DESIGN_EXAMPLE_ORDER));
    expect(outcome.kind).to.equal('result');
    if (outcome.kind !== 'result') return;
    expect(outcome.result).to.include({ order_id: 'ORD-000001', restaurant: 'Spartan Eats', status: 'reserved', reason: null, placed_at: '2026-02-15T10:23:15.123Z', processed_at: '2026-02-15T10:23:15.131Z' });
    expect(outcome.result.processing_time_ms).to.be.at.least(0);
  });

  it('dead-letters invalid input, keyed by its order_id when it has one', async () => {
    const processor = new InventoryProcessor(new StockLedger(10), { seed: 1, failureRate: 0, transientErrorRate: 0 }, { maxRetries: 3, backoffMs: 0 }, clock);
    const outcome = await processor.process(Buffer.from(DESIGN_EXAMPLE_ORDER.replace('"quantity":2', '"quantity":-1')));
    expect(outcome).to.deep.include({ kind: 'dead-letter', orderId: 'ORD-000001' });
  });

  it('dead-letters an order priced otherwise than the menu (price_mismatch), and reserves nothing', async () => {
    const ledger = new StockLedger(10);
    const processor = new InventoryProcessor(ledger, { seed: 1, failureRate: 0, transientErrorRate: 0 }, { maxRetries: 3, backoffMs: 0 }, clock);
    const million = DESIGN_EXAMPLE_ORDER.replace('"unit_price":8.5', '"unit_price":500000').replace('17.0', '1000000');
    const outcome = await processor.process(Buffer.from(million));
    expect(outcome).to.deep.include({ kind: 'dead-letter', orderId: 'ORD-000001', error: 'price_mismatch: items.0.unit_price: burger costs 8.50 at Spartan Eats, not 500000.00' });
    expect(ledger.remaining('Spartan Eats', 'burger')).to.equal(10);
  });

  it('dead-letters an order placed outside the event-time window (event_time_out_of_range); an order decided before keeps its decision', async () => {
    const window = { maxAgeMs: 86_400_000, maxAheadMs: 300_000 };
    const processor = new InventoryProcessor(new StockLedger(10), { seed: 1, failureRate: 0, transientErrorRate: 0 }, { maxRetries: 3, backoffMs: 0 }, clock, window);
    const at = (placedAt: string, id: string): Buffer => Buffer.from(DESIGN_EXAMPLE_ORDER.replace('2026-02-15T10:23:15.123Z', placedAt).replace('ORD-000001', id));
    expect(await processor.process(at('2026-02-14T10:23:15.131Z', 'ORD-DAY'))).to.include({ kind: 'result' });
    expect(await processor.process(at('2026-02-15T10:28:15.131Z', 'ORD-AHEAD'))).to.include({ kind: 'result' });
    const old = await processor.process(at('2026-02-14T10:23:15.130Z', 'ORD-OLD'));
    expect(old).to.deep.include({ kind: 'dead-letter', orderId: 'ORD-OLD' });
    if (old.kind === 'dead-letter') expect(old.error).to.equal("event_time_out_of_range: placed_at 2026-02-14T10:23:15.130Z is 86400 s before the stage's clock, more than 86400 s (--max-event-age-s)");
    const ahead = await processor.process(at('2026-02-15T10:28:15.132Z', 'ORD-FUTURE'));
    if (ahead.kind !== 'dead-letter') throw new Error('expected a dead letter');
    expect(ahead.error).to.match(/^event_time_out_of_range: placed_at 2026-02-15T10:28:15.132Z is 300 s after the stage's clock, more than 300 s \(--max-event-ahead-s\)$/);

    // Redelivered a day later, the order decided before gets its decision again, not a dead letter.
    const later = new InventoryProcessor(new StockLedger(10), { seed: 1, failureRate: 0, transientErrorRate: 0 }, { maxRetries: 3, backoffMs: 0 }, () => new Date('2026-02-17T00:00:00.000Z'), window);
    expect(await later.process(at('2026-02-16T10:00:00.000Z', 'ORD-R'))).to.include({ kind: 'result' });
    const againLater = new InventoryProcessor(new StockLedger(10), { seed: 1, failureRate: 0, transientErrorRate: 0 }, { maxRetries: 3, backoffMs: 0 }, () => new Date('2026-02-18T00:00:00.000Z'), window);
    expect(await againLater.process(at('2026-02-16T10:00:00.000Z', 'ORD-R'))).to.include({ kind: 'dead-letter' });
  });

  it('retries a throwing attempt and dead-letters the order when every retry failed', async () => {
    const ledger = new StockLedger(10);
    const processor = new InventoryProcessor(ledger, { seed: 1, failureRate: 0, transientErrorRate: 1 }, { maxRetries: 2, backoffMs: 0 }, clock);
    const outcome = await processor.process(Buffer.from(DESIGN_EXAMPLE_ORDER));
    expect(outcome.kind).to.equal('dead-letter');
    if (outcome.kind !== 'dead-letter') return;
    expect(outcome.attempts).to.equal(3);
    expect(outcome.error).to.match(/^retries_exhausted: simulated transient error on attempt 3; 3 attempts$/);
    expect(ledger.decided('ORD-000001')).to.equal(undefined);
    expect(ledger.remaining('Spartan Eats', 'burger')).to.equal(10);
  });

  it('succeeds on a retry when a later attempt does not throw', async () => {
    // With rate 0.5 some orders throw on attempt 1 and succeed later: find one and check its attempts.
    const processor = new InventoryProcessor(new StockLedger(1_000), { seed: 9, failureRate: 0, transientErrorRate: 0.5 }, { maxRetries: 5, backoffMs: 0 }, clock);
    const attempts: number[] = [];
    for (let i = 0; i < 40; i++) {
      const outcome = await processor.process(Buffer.from(DESIGN_EXAMPLE_ORDER.replace('ORD-000001', `ORD-${i}`)));
      if (outcome.kind === 'result') attempts.push(outcome.attempts);
    }
    expect(attempts.some((a) => a > 1)).to.equal(true);
    expect(attempts.some((a) => a === 1)).to.equal(true);
  });
});
