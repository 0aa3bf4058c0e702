/**
 * What the inventory does not take on trust from a valid order (docs/DESIGN.md, "Input bounds"):
 * its prices, which must be the menu's, and its event time, which must lie in a window around the
 * stage's clock. Each answers the dead letter's error text, or undefined when the order passes.
 */
import type { OrderPlaced } from '../contracts/events.js';
import { toCents, unitPrice, type Restaurant } from '../contracts/menu.js';
import { DLQ_ERROR_CODES } from '../contracts/topics.js';

/** How far placed_at may lie behind and ahead of the stage's clock. */
export interface EventTimeWindow {
  readonly maxAgeMs: number;
  readonly maxAheadMs: number;
}


/**
 * An item priced otherwise than the menu: price_mismatch naming the line. (The schema already
 * checked that total_amount is the sum of the lines, so a line priced right makes the total right.)
 * An item the restaurant does not sell is left to the ledger, which fails it as unknown_item.
 */
export function priceMismatch(order: OrderPlaced & { readonly restaurant: Restaurant }): string | undefined {
  for (const [index, line] of order.items.entries()) {
    const menuPrice = unitPrice(order.restaurant, line.item);
    if (menuPrice !== undefined && toCents(menuPrice) !== toCents(line.unit_price)) {
      return `${DLQ_ERROR_CODES.priceMismatch}: items.${index}.unit_price: ${line.item} costs ${menuPrice.toFixed(2)} at ${order.restaurant}, not ${line.unit_price.toFixed(2)}`;
    }
  }
  return undefined;
}

/** placed_at further behind or ahead of now than the window allows: event_time_out_of_range, saying by how much. */
export function eventTimeOutOfRange(placedAt: string, now: Date, window: EventTimeWindow): string | undefined {
  const offsetMs = Date.parse(placedAt) - now.getTime();
  if (-offsetMs > window.maxAgeMs) return `${DLQ_ERROR_CODES.eventTimeOutOfRange}: placed_at ${placedAt} is ${Math.round(-offsetMs / 1000)} s before the stage's clock, more than ${window.maxAgeMs / 1000} s (--max-event-age-s)`;
  if (offsetMs > window.maxAheadMs) return `${DLQ_ERROR_CODES.eventTimeOutOfRange}: placed_at ${placedAt} is ${Math.round(offsetMs / 1000)} s after the stage's clock, more than ${window.maxAheadMs / 1000} s (--max-event-ahead-s)`;
  return undefined;
}
