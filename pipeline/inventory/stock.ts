import type { FailureReason, OrderPlaced } from '../contracts/events.js';
import { MENU, RESTAURANTS, unitPrice, type Restaurant } from '../contracts/menu.js';

export type Decision = { readonly status: 'reserved'; readonly reason: null } | { readonly status: 'failed'; readonly reason: FailureReason };

/**
 * Stock per restaurant item, and the decision taken for each order. An order reserves all of its
 * items or none; deciding the same order_id again returns the first decision and reserves nothing,
 * so a redelivered message never reserves twice.
 */
export class StockLedger {
  private readonly stock = new Map<string, number>();
  private readonly decisions = new Map<string, Decision>();

  constructor(initialStock: number) {
    for (const restaurant of RESTAURANTS) {
      for (const item of Object.keys(MENU[restaurant])) this.stock.set(stockKey(restaurant, item), initialStock);
    }
  }

  remaining(restaurant: Restaurant, item: string): number | undefined {
    return this.stock.get(stockKey(restaurant, item));
  }

  decided(orderId: string): Decision | undefined {
    return this.decisions.get(orderId);
  }

  /** `simulatedFailure` fails a valid order as a business outcome before any stock is touched. */
  decide(order: OrderPlaced & { restaurant: Restaurant }, simulatedFailure: boolean): Decision {
    const earlier = this.decisions.get(order.order_id);
    if (earlier) return earlier;
    const decision = this.reserve(order, simulatedFailure);
    this.decisions.set(order.order_id, decision);
    return decision;
  }

  private reserve(order: OrderPlaced & { restaurant: Restaurant }, simulatedFailure: boolean): Decision {
    const wanted = new Map<string, number>();
    for (const line of order.items) {
      if (unitPrice(order.restaurant, line.item) === undefined) return { status: 'failed', reason: 'unknown_item' };
      const key = stockKey(order.restaurant, line.item);
      wanted.set(key, (wanted.get(key) ?? 0) + line.quantity);
    }
    if (simulatedFailure) return { status: 'failed', reason: 'simulated_failure' };
    for (const [key, quantity] of wanted) {
      if ((this.stock.get(key) ?? 0) < quantity) return { status: 'failed', reason: 'out_of_stock' };
    }
    for (const [key, quantity] of wanted) this.stock.set(key, (this.stock.get(key) ?? 0) - quantity);
    return { status: 'reserved', reason: null };
  }
}

function stockKey(restaurant: string, item: string): string {
  return `${restaurant}\u0000${item}`;
}
