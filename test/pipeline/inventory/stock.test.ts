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

describe('pipeline/inventory/stock: the changelog', () => {
  /** The ledger's changes as the broker would hand them back. */
  function replay(ledger: StockLedger, into: StockLedger): void {
    for (const record of ledger.takeChanges()) into.restore(record.key, record.value === null ? null : Buffer.from(record.value));
  }

  it('writes one record per new decision, with what it reserved, and none for a repeat', () => {
    const ledger = new StockLedger(5);
    ledger.decide(order('A', 'Tower Cafe', [['coffee', 2], ['coffee', 1], ['bagel', 1]]), false);
    ledger.decide(order('B', 'Tower Cafe', [['coffee', 9]]), false);
    ledger.decide(order('A', 'Tower Cafe', [['coffee', 2]]), false);
    expect(ledger.takeChanges()).to.deep.equal([
      { key: 'decision:A', value: '{"status":"reserved","reason":null,"restaurant":"Tower Cafe","items":{"coffee":3,"bagel":1}}' },
      { key: 'decision:B', value: '{"status":"failed","reason":"out_of_stock"}' },
    ]);
    expect(ledger.takeChanges()).to.deep.equal([]);
  });

  it('gives back the changes of a transaction that did not commit: they go out first next time, though their orders decide nothing new', () => {
    const ledger = new StockLedger(5);
    ledger.decide(order('A', 'Tower Cafe', [['coffee', 1]]), false);
    const lost = ledger.takeChanges();
    ledger.giveBack(lost);
    // The order comes again: the first decision, and no second record of it.
    ledger.decide(order('A', 'Tower Cafe', [['coffee', 1]]), false);
    ledger.decide(order('B', 'Tower Cafe', [['bagel', 1]]), false);
    expect(ledger.takeChanges().map((change) => change.key)).to.deep.equal(['decision:A', 'decision:B']);
  });

  it('restores the decisions and the stock they left, so that a restored ledger decides as the first would', () => {
    const first = new StockLedger(4);
    const restored = new StockLedger(4);
    first.decide(order('A', 'Spartan Eats', [['burger', 3]]), false);
    first.decide(order('B', 'Spartan Eats', [['burger', 2]]), false);
    first.decide(order('C', 'Spartan Eats', [['pizza', 1]]), true);
    replay(first, restored);
    expect(restored.remaining('Spartan Eats', 'burger')).to.equal(1);
    expect(restored.remaining('Spartan Eats', 'pizza')).to.equal(4);
    // A redelivered order repeats its restored decision and reserves nothing more.
    expect(restored.decide(order('A', 'Spartan Eats', [['burger', 3]]), false)).to.deep.equal({ status: 'reserved', reason: null });
    expect(restored.decide(order('B', 'Spartan Eats', [['burger', 2]]), false)).to.deep.equal({ status: 'failed', reason: 'out_of_stock' });
    expect(restored.decide(order('C', 'Spartan Eats', [['pizza', 1]]), false)).to.deep.equal({ status: 'failed', reason: 'simulated_failure' });
    expect(restored.remaining('Spartan Eats', 'burger')).to.equal(1);
    expect(restored.decide(order('D', 'Spartan Eats', [['burger', 1]]), false).status).to.equal('reserved');
    expect(restored.remaining('Spartan Eats', 'burger')).to.equal(0);
  });

  it('refuses a record that is not one of its decisions, naming it', () => {
    const ledger = new StockLedger(4);
    expect(() => { ledger.restore('order:X', Buffer.from('{}')); }).to.throw('not an inventory changelog record: key "order:X"');
    expect(() => { ledger.restore('decision:X', Buffer.from('{"status":"reserved","reason":null}')); }).to.throw(/^inventory changelog record "decision:X" is malformed/);
    expect(() => { ledger.restore('decision:X', Buffer.from('not json')); }).to.throw(/malformed/);
    expect(ledger.remaining('Tower Cafe', 'coffee')).to.equal(4);
  });
});
