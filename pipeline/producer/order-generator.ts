import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { OrderItem, OrderPlaced } from '../contracts/events.js';
import { MENU, RESTAURANTS, toCents, type Restaurant } from '../contracts/menu.js';

export interface OrderGeneratorOptions {
  /** The same seed gives the same orders (ids, students, restaurants, items, quantities). */
  readonly seed: number;
  /** Event time of each order, by its index: the wall clock by default, a fixed schedule for reproducible figures. */
  readonly placedAt: (index: number) => Date;
  readonly students?: number;
}

/** An order id unique to the seed: ORD-<seed in base 36>-<sequence>. */
export function orderId(seed: number, index: number): string {
  return `ORD-${(seed >>> 0).toString(36).toUpperCase()}-${String(index + 1).padStart(6, '0')}`;
}

/** Generates OrderPlaced events from a seeded random generator. */
export class OrderGenerator {
  private readonly rng: ReturnType<typeof xoroshiro128plus>;
  private readonly students: number;
  private index = 0;

  constructor(private readonly options: OrderGeneratorOptions) {
    this.rng = xoroshiro128plus(options.seed);
    this.students = options.students ?? 500;
  }

  next(): OrderPlaced {
    const index = this.index++;
    const restaurant = RESTAURANTS[uniformInt(this.rng, 0, RESTAURANTS.length - 1)] as Restaurant;
    const menu: Readonly<Record<string, number>> = MENU[restaurant];
    const names = Object.keys(menu);
    const lineCount = uniformInt(this.rng, 1, 3);
    const items: OrderItem[] = [];
    for (let line = 0; line < lineCount; line++) {
      const item = names[uniformInt(this.rng, 0, names.length - 1)] as string;
      if (items.some((existing) => existing.item === item)) continue;
      items.push({ item, quantity: uniformInt(this.rng, 1, 3), unit_price: menu[item] as number });
    }
    const totalCents = items.reduce((sum, line) => sum + toCents(line.unit_price) * line.quantity, 0);
    return {
      order_id: orderId(this.options.seed, index),
      student_id: `STU-${String(uniformInt(this.rng, 1, this.students)).padStart(4, '0')}`,
      restaurant,
      items,
      total_amount: totalCents / 100,
      placed_at: this.options.placedAt(index).toISOString(),
      status: 'placed',
    };
  }
}

/** A fixed event-time schedule: the first order at start, then one every stepMs. */
export function fixedSchedule(start: Date, stepMs: number): (index: number) => Date {
  return (index) => new Date(start.getTime() + index * stepMs);
}

export const wallClock = (): Date => new Date();
