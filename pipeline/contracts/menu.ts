/** The campus restaurants and their menus: the seed data every stage shares. Prices in dollars. */
export const MENU = {
  'Spartan Eats': { burger: 8.5, pizza: 12.0, sandwich: 7.25 },
  'Tower Cafe': { coffee: 3.5, bagel: 2.75, wrap: 6.5 },
  'Engineering Hub': { ramen: 11.0, sushi: 13.5, bento: 10.25 },
  'Student Union': { taco: 3.25, burrito: 8.75, nachos: 6.0 },
} as const satisfies Record<string, Record<string, number>>;

export type Restaurant = keyof typeof MENU;

export const RESTAURANTS = Object.keys(MENU) as Restaurant[];

export function isRestaurant(name: string): name is Restaurant {
  return Object.hasOwn(MENU, name);
}

/** The unit price of an item, or undefined when the restaurant does not sell it. */
export function unitPrice(restaurant: Restaurant, item: string): number | undefined {
  const menu: Readonly<Record<string, number>> = MENU[restaurant];
  return Object.hasOwn(menu, item) ? menu[item] : undefined;
}

/** Money is added up in whole cents, so that totals are exact to the cent. */
export function toCents(dollars: number): number {
  return Math.round(dollars * 100);
}
