import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { OrderItem, OrderPlaced } from '../contracts/events.js';
import { MENU, RESTAURANTS, toCents, type Restaurant } from '../contracts/menu.js';

export interface OrderGeneratorOptions {
  /** The same seed gives the same orders (ids, students, restaurants, items, quantities). */
  readonly seed: number;
  /** Event time of each order (ISO 8601), by its index: the wall clock by default, a fixed schedule for reproducible figures. */
  readonly placedAt: (index: number) => string;
  readonly students?: number;
  /** Put before the seed in every order id, so that orders of different load agents never share one (ORD-<prefix><seed>-<sequence>). */
  readonly idPrefix?: string;
}

/** An order id unique to the seed: ORD-<seed in base 36>-<sequence>. */
export function orderId(seed: number, index: number): string {
  return `${orderIdPrefix(seed)}${sequenceNumber(index)}`;
}

function orderIdPrefix(seed: number, prefix = ''): string {
  return `ORD-${prefix}${(seed >>> 0).toString(36).toUpperCase()}-`;
}

const sequenceNumber = (index: number): string => String(index + 1).padStart(6, '0');

/** Each restaurant's menu as arrays, made once: the generator runs in the load generators' hot loop. */
const MENUS = RESTAURANTS.map((restaurant) => {
  const menu: Readonly<Record<string, number>> = MENU[restaurant];
  const names = Object.keys(menu);
  return { restaurant, names, prices: names.map((name) => menu[name] ?? 0) };
});

/**
 * Generates OrderPlaced events from a seeded random generator. Cheap per order (it is the load
 * generators' own cost, reported as harness_us_per_message): one 32-bit draw per choice, scaled
 * to its range by multiplication (a bias below 10^-6 for these small ranges).
 */
export class OrderGenerator {
  private readonly rng: ReturnType<typeof xoroshiro128plus>;
  private readonly students: number;
  private readonly idPrefix: string;
  private index = 0;

  constructor(private readonly options: OrderGeneratorOptions) {
    this.rng = xoroshiro128plus(options.seed);
    this.students = options.students ?? 500;
    this.idPrefix = orderIdPrefix(options.seed, options.idPrefix);
  }

  /** A whole number from 0 to n - 1. */
  private pick(n: number): number {
    return Math.floor(((this.rng.next() >>> 0) * n) / 4294967296);
  }

  next(): OrderPlaced {
    const index = this.index++;
    const menu = MENUS[this.pick(MENUS.length)] ?? MENUS[0];
    if (!menu) throw new Error('the menu is empty');
    const lineCount = 1 + this.pick(3);
    const items: OrderItem[] = [];
    let totalCents = 0;
    for (let line = 0; line < lineCount; line++) {
      const choice = this.pick(menu.names.length);
      const item = menu.names[choice] ?? '';
      const quantity = 1 + this.pick(3);
      if (items.some((existing) => existing.item === item)) continue;
      const unitPrice = menu.prices[choice] ?? 0;
      items.push({ item, quantity, unit_price: unitPrice });
      totalCents += toCents(unitPrice) * quantity;
    }
    return {
      order_id: `${this.idPrefix}${sequenceNumber(index)}`,
      student_id: `STU-${String(1 + this.pick(this.students)).padStart(4, '0')}`,
      restaurant: menu.restaurant satisfies Restaurant,
      items,
      total_amount: totalCents / 100,
      placed_at: this.options.placedAt(index),
      status: 'placed',
    };
  }
}

/** A fixed event-time schedule: the first order at start, then one every stepMs. */
export function fixedSchedule(start: Date, stepMs: number): (index: number) => string {
  const startMs = start.getTime();
  return (index) => new Date(startMs + index * stepMs).toISOString();
}

/** The wall clock as ISO 8601, formatted once per millisecond rather than once per order. */
export function wallClock(): () => string {
  let lastMs = Number.NaN;
  let lastIso = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      lastIso = new Date(now).toISOString();
    }
    return lastIso;
  };
}
