/**
 * fast-check arbitraries for the property and fuzz tests: valid orders, and mutations that make
 * one invalid, each with the reason it must be rejected with. FC_SEED repeats a run.
 */
import fc from 'fast-check';
import { encodeOrderPlaced, type Encoding } from '../../pipeline/contracts/codec.js';
import { serializeOrderPlaced, type OrderPlaced } from '../../pipeline/contracts/events.js';
import { MAX_ID_LENGTH, MAX_ORDER_BYTES } from '../../pipeline/contracts/limits.js';
import { MENU, RESTAURANTS, toCents } from '../../pipeline/contracts/menu.js';

/** The seed of this run's properties: FC_SEED when set, else a fresh one, printed so that a failure can be repeated. */
export function propertySeed(): number {
  const given = process.env.FC_SEED;
  const seed = given !== undefined && /^-?\d+$/.test(given) ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(`      fast-check seed ${seed} (FC_SEED=${seed} repeats it)\n`);
  return seed;
}

const menuLine = (restaurant: (typeof RESTAURANTS)[number]) => {
  const menu: Readonly<Record<string, number>> = MENU[restaurant];
  return fc.record({ item: fc.constantFrom(...Object.keys(menu)), quantity: fc.integer({ min: 1, max: 1_000 }) }).map(({ item, quantity }) => ({ item, quantity, unit_price: menu[item] ?? 0 }));
};

/** Any order the contract accepts: ids and names within their bounds, menu prices, a total that adds up, a time in 2000 to 2099. */
export const validOrder: fc.Arbitrary<OrderPlaced> = fc
  .record({
    // Any code point, not only ASCII; the bound counts UTF-16 units, as the schema does.
    order_id: fc.string({ minLength: 1, maxLength: MAX_ID_LENGTH, unit: 'binary' }).filter((id) => id.length <= MAX_ID_LENGTH),
    student_id: fc.string({ minLength: 1, maxLength: MAX_ID_LENGTH }),
    restaurant: fc.constantFrom(...RESTAURANTS),
    placed_at: fc.date({ min: new Date('2000-01-01T00:00:00.000Z'), max: new Date('2099-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  })
  .chain((base) =>
    fc.array(menuLine(base.restaurant), { minLength: 1, maxLength: 50 }).map((items): OrderPlaced => ({
      ...base,
      items,
      total_amount: items.reduce((sum, line) => sum + toCents(line.unit_price) * line.quantity, 0) / 100,
      status: 'placed',
    })),
  );

const json = (order: unknown): Buffer => Buffer.from(JSON.stringify(order));
const withField = (order: OrderPlaced, field: string, value: unknown): Buffer => json({ ...order, [field]: value });

/** A rejected message: its bytes and the reason its dead letter (or the parser's error) must start with. */
export interface Mutation {
  readonly what: string;
  readonly value: Buffer;
  readonly reason: RegExp;
}

/** Mutations of a valid order that make it invalid, in JSON. */
export function jsonMutations(order: OrderPlaced): fc.Arbitrary<Mutation> {
  const text = serializeOrderPlaced(order);
  const cutAt = fc.integer({ min: 1, max: text.length - 1 });
  return fc.oneof(
    fc.constantFrom('order_id', 'student_id', 'restaurant', 'items', 'total_amount', 'placed_at', 'status').map((field) => {
      const copy: Record<string, unknown> = { ...order };
      Reflect.deleteProperty(copy, field);
      return { what: `no ${field}`, value: json(copy), reason: new RegExp(`^invalid_event: ${field}: `) };
    }),
    fc.string({ minLength: MAX_ID_LENGTH + 1, maxLength: 200 }).map((id) => ({ what: 'a long order_id', value: withField(order, 'order_id', id), reason: /^invalid_event: order_id: Too big/ })),
    fc.integer({ min: -1_000, max: 0 }).map((quantity) => ({ what: 'a quantity below 1', value: withField(order, 'items', [{ ...order.items[0], quantity }, ...order.items.slice(1)]), reason: /^invalid_event: items\.0\.quantity: / })),
    fc.string({ minLength: 1, maxLength: 30 }).filter((name) => !(RESTAURANTS as string[]).includes(name)).map((name) => ({ what: 'an unknown restaurant', value: withField(order, 'restaurant', name), reason: /^invalid_event: restaurant: / })),
    fc.integer({ min: 1, max: 10_000 }).map((cents) => ({ what: 'a total that does not add up', value: withField(order, 'total_amount', (toCents(order.total_amount) + cents) / 100), reason: /^invalid_event: total_amount: / })),
    fc.oneof(fc.constant('1999-12-31T23:59:59.999Z'), fc.constant('0000-01-01T00:00:00.000Z'), fc.constant('2100-01-01T00:00:00.000Z'), fc.constant('tomorrow')).map((time) => ({ what: 'a placed_at out of range', value: withField(order, 'placed_at', time), reason: /^invalid_event: placed_at: / })),
    fc.string({ maxLength: 10 }).filter((s) => s !== 'placed').map((status) => ({ what: 'another status', value: withField(order, 'status', status), reason: /^invalid_event: status: / })),
    fc.constant({ what: 'a __proto__ key', value: Buffer.from(text.replace('{', '{"__proto__":{"polluted":true},')), reason: /^forbidden_key: / }),
    fc.constant({ what: 'a constructor.prototype key', value: Buffer.from(text.replace('{', '{"constructor":{"prototype":{"polluted":true}},')), reason: /^forbidden_key: / }),
    fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82]).map((bad) => ({ what: 'bytes that are not UTF-8', value: Buffer.concat([Buffer.from(text.slice(0, 2)), Buffer.from(bad), Buffer.from(text.slice(2))]), reason: /^invalid_utf8: / })),
    cutAt.map((at) => ({ what: 'cut short', value: Buffer.from(text.slice(0, at)), reason: /^invalid_json: / })),
    fc.integer({ min: 1, max: 1_000 }).map((extra) => ({ what: 'too large', value: json({ ...order, padding: 'x'.repeat(MAX_ORDER_BYTES + extra) }), reason: /^too_large: / })),
  );
}

/** Mutations of a valid order that make it invalid, in Avro. */
export function avroMutations(order: OrderPlaced): fc.Arbitrary<Mutation> {
  const bytes = Buffer.from(encodeOrderPlaced(order, 'avro'));
  return fc.oneof(
    fc.integer({ min: 10, max: bytes.length - 1 }).map((at) => ({ what: 'an Avro body cut short', value: bytes.subarray(0, at), reason: /^malformed_avro: / })),
    fc.integer({ min: 2, max: 9 }).map((at) => {
      const copy = Buffer.from(bytes);
      copy.writeUInt8((copy[at] ?? 0) ^ 0xff, at);
      return { what: 'an unknown fingerprint', value: copy, reason: /^unknown_schema: / };
    }),
    fc.string({ minLength: MAX_ID_LENGTH + 1, maxLength: 200 }).map((id) => ({ what: 'a long order_id in Avro', value: Buffer.from(encodeOrderPlaced({ ...order, order_id: id }, 'avro')), reason: /^invalid_event: order_id: Too big/ })),
    fc.constant({ what: 'a placed_at before 2000 in Avro', value: Buffer.from(encodeOrderPlaced({ ...order, placed_at: '1970-01-01T00:00:00.000Z' }, 'avro')), reason: /^invalid_event: placed_at: / }),
    fc.integer({ min: 1, max: 1_000 }).map((extra) => ({ what: 'a large Avro message', value: Buffer.concat([bytes, Buffer.alloc(MAX_ORDER_BYTES + extra)]), reason: /^too_large: / })),
  );
}

/** A valid order made invalid in the encoding: its bytes and its reason. */
export function invalidOrder(encoding: Encoding): fc.Arbitrary<Mutation> {
  return validOrder.chain((order) => (encoding === 'json' ? jsonMutations(order) : avroMutations(order)));
}
