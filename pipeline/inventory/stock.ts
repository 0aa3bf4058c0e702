import { z } from 'zod';
import { FAILURE_REASONS, type FailureReason, type OrderPlaced } from '../contracts/events.js';
import { MENU, RESTAURANTS, unitPrice, type Restaurant } from '../contracts/menu.js';
import type { ChangelogRecord } from '../state/changelog.js';

export type Decision = { readonly status: 'reserved'; readonly reason: null } | { readonly status: 'failed'; readonly reason: FailureReason };

/** A decision as the changelog keeps it (docs/DESIGN.md, "Stage state"): what was reserved travels with it. */
const decisionRecordSchema = z.union([
  z.object({ status: z.literal('reserved'), reason: z.null(), restaurant: z.string(), items: z.record(z.string(), z.number().int().positive()) }).strict(),
  z.object({ status: z.literal('failed'), reason: z.enum(FAILURE_REASONS) }).strict(),
]);

/** The changelog key of an order's decision. */
export const DECISION_KEY_PREFIX = 'decision:';

/**
 * Stock per restaurant item, and the decision taken for each order. An order reserves all of its
 * items or none; deciding the same order_id again returns the first decision and reserves nothing,
 * so a redelivered message never reserves twice. Each new decision is also a changelog record
 * (takeChanges); restoring those records gives back the decisions and the stock they left.
 */
export class StockLedger {
  private readonly stock = new Map<string, number>();
  private readonly decisions = new Map<string, Decision>();
  private changes: ChangelogRecord[] = [];

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
    const { decision, record } = this.reserve(order, simulatedFailure);
    this.decisions.set(order.order_id, decision);
    this.changes.push({ key: `${DECISION_KEY_PREFIX}${order.order_id}`, value: JSON.stringify(record) });
    return decision;
  }

  /** The decisions taken since the last call, as changelog records, in the order they were taken. */
  takeChanges(): ChangelogRecord[] {
    const changes = this.changes;
    this.changes = [];
    return changes;
  }

  /** Changes taken whose transaction did not commit: they go out first with the next ones. */
  giveBack(changes: readonly ChangelogRecord[]): void {
    this.changes = [...changes, ...this.changes];
  }

  /** Applies a changelog record of an earlier run: its decision, and the stock it reserved. A malformed record is an error that names it. */
  restore(key: string, value: Buffer | null): void {
    if (!key.startsWith(DECISION_KEY_PREFIX) || value === null) throw new Error(`not an inventory changelog record: key ${JSON.stringify(key.slice(0, 80))}`);
    const orderId = key.slice(DECISION_KEY_PREFIX.length);
    const parsed = decisionRecordSchema.safeParse(parseJson(value));
    if (!parsed.success) throw new Error(`inventory changelog record ${JSON.stringify(key.slice(0, 80))} is malformed: ${parsed.error.message.replace(/\s+/g, ' ')}`);
    const record = parsed.data;
    if (this.decisions.has(orderId)) return;
    if (record.status === 'failed') {
      this.decisions.set(orderId, { status: 'failed', reason: record.reason });
      return;
    }
    this.decisions.set(orderId, { status: 'reserved', reason: null });
    for (const [item, quantity] of Object.entries(record.items)) {
      const stockItem = stockKey(record.restaurant, item);
      this.stock.set(stockItem, (this.stock.get(stockItem) ?? 0) - quantity);
    }
  }

  private reserve(order: OrderPlaced & { restaurant: Restaurant }, simulatedFailure: boolean): { decision: Decision; record: z.infer<typeof decisionRecordSchema> } {
    const failed = (reason: FailureReason) => ({ decision: { status: 'failed', reason } as const, record: { status: 'failed', reason } as const });
    const wanted = new Map<string, number>();
    for (const line of order.items) {
      if (unitPrice(order.restaurant, line.item) === undefined) return failed('unknown_item');
      wanted.set(line.item, (wanted.get(line.item) ?? 0) + line.quantity);
    }
    if (simulatedFailure) return failed('simulated_failure');
    for (const [item, quantity] of wanted) {
      if ((this.stock.get(stockKey(order.restaurant, item)) ?? 0) < quantity) return failed('out_of_stock');
    }
    for (const [item, quantity] of wanted) {
      const key = stockKey(order.restaurant, item);
      this.stock.set(key, (this.stock.get(key) ?? 0) - quantity);
    }
    return { decision: { status: 'reserved', reason: null }, record: { status: 'reserved', reason: null, restaurant: order.restaurant, items: Object.fromEntries(wanted) } };
  }
}

function parseJson(value: Buffer): unknown {
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
}

function stockKey(restaurant: string, item: string): string {
  return `${restaurant}\u0000${item}`;
}
