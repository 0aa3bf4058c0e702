import { expect } from 'chai';
import type { OrderPlaced } from '../../../pipeline/contracts/events.js';
import type { Restaurant } from '../../../pipeline/contracts/menu.js';
import { StockLedger } from '../../../pipeline/inventory/stock.js';

function order(id: string, restaurant: Restaurant, items: [string, number][]): OrderPlaced & { restaurant: Restaurant } {
  return {
    order_id: id,
    student_id: 'STU-0001',
    restaurant,
    items: items.map(([item, quantity]) => ({ item, quantity, unit_price: 1 })),
    total_amount: 0,
    placed_at: '2026-02-15T10:00:00.000Z',
    status: 'placed',
  };
}

describe('pipeline/inventory/stock', () => {
  it('reserves every item of an order, or none', () => {
    const ledger = new StockLedger(5);
    expect(ledger.decide(order('A', 'Tower Cafe', [['coffee', 3], ['bagel', 2]]), false)).to.deep.equal({ status: 'reserved', reason: null });
    expect(ledger.remaining('Tower Cafe', 'coffee')).to.equal(2);
    // bagel has 3 left, coffee only 2: nothing is taken.
    expect(ledger.decide(order('B', 'Tower Cafe', [['bagel', 1], ['coffee', 3]]), false)).to.deep.equal({ status: 'failed', reason: 'out_of_stock' });
    expect(ledger.remaining('Tower Cafe', 'bagel')).to.equal(3);
    expect(ledger.remaining('Tower Cafe', 'coffee')).to.equal(2);
  });

  it('adds up repeated lines of one item before checking stock', () => {
    const ledger = new StockLedger(3);
    expect(ledger.decide(order('A', 'Student Union', [['taco', 2], ['taco', 2]]), false).reason).to.equal('out_of_stock');
    expect(ledger.remaining('Student Union', 'taco')).to.equal(3);
  });

  it('fails an item the restaurant does not sell as unknown_item', () => {
    const ledger = new StockLedger(5);
    expect(ledger.decide(order('A', 'Tower Cafe', [['coffee', 1], ['sushi', 1]]), false)).to.deep.equal({ status: 'failed', reason: 'unknown_item' });
    expect(ledger.remaining('Tower Cafe', 'coffee')).to.equal(5);
  });

  it('fails a simulated failure without touching stock', () => {
    const ledger = new StockLedger(5);
    expect(ledger.decide(order('A', 'Tower Cafe', [['coffee', 1]]), true)).to.deep.equal({ status: 'failed', reason: 'simulated_failure' });
    expect(ledger.remaining('Tower Cafe', 'coffee')).to.equal(5);
  });

  it('never reserves twice for a redelivered order_id, and repeats its first decision', () => {
    const ledger = new StockLedger(5);
    const first = ledger.decide(order('A', 'Engineering Hub', [['ramen', 2]]), false);
    const again = ledger.decide(order('A', 'Engineering Hub', [['ramen', 2]]), true);
    expect(again).to.deep.equal(first);
    expect(ledger.remaining('Engineering Hub', 'ramen')).to.equal(3);
  });
});
