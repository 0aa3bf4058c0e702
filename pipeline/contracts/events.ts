import { z } from 'zod';
import { jsonInputErrorText, parseJsonBytes } from './json-input.js';
import { boundedText, EARLIEST_PLACED_AT, LATEST_PLACED_AT, MAX_ID_LENGTH, MAX_ITEM_QUANTITY, MAX_NAME_LENGTH, MAX_ORDER_ITEMS } from './limits.js';
import { isRestaurant, toCents } from './menu.js';
import { DLQ_ERROR_CODES } from './topics.js';

const id = (): z.ZodString => z.string().min(1).max(MAX_ID_LENGTH);
const name = (): z.ZodString => z.string().min(1).max(MAX_NAME_LENGTH);

/** An ISO 8601 time with Z, in the years 2000 to 2099 (limits.ts). */
const eventTime = (): z.ZodType<string> =>
  z.iso.datetime().refine((text) => {
    const time = Date.parse(text);
    return time >= EARLIEST_PLACED_AT && time < LATEST_PLACED_AT;
  }, { message: 'must lie in the years 2000 to 2099' });

const orderItemSchema = z.object({
  item: name(),
  quantity: z.number().int().positive().max(MAX_ITEM_QUANTITY),
  unit_price: z.number().nonnegative(),
});

/** OrderPlaced, on order-events. Extra fields from other clients are ignored. */
export const orderPlacedSchema = z
  .object({
    order_id: id(),
    student_id: id(),
    restaurant: z.string().max(MAX_NAME_LENGTH).refine(isRestaurant, { message: 'unknown restaurant' }),
    items: z.array(orderItemSchema).min(1).max(MAX_ORDER_ITEMS),
    total_amount: z.number().nonnegative(),
    placed_at: eventTime(),
    status: z.literal('placed'),
  })
  .refine((order) => toCents(order.total_amount) === order.items.reduce((sum, line) => sum + toCents(line.unit_price) * line.quantity, 0), {
    message: 'total_amount is not the sum of quantity × unit_price',
    path: ['total_amount'],
  });

export type OrderItem = z.infer<typeof orderItemSchema>;
export type OrderPlaced = z.infer<typeof orderPlacedSchema>;

export const FAILURE_REASONS = ['out_of_stock', 'unknown_item', 'simulated_failure'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Inventory result, on inventory-events. */
export const inventoryResultSchema = z
  .object({
    order_id: id(),
    restaurant: name(),
    status: z.enum(['reserved', 'failed']),
    reason: z.enum(FAILURE_REASONS).nullable(),
    placed_at: eventTime(),
    processed_at: eventTime(),
    processing_time_ms: z.number().nonnegative(),
  })
  .refine((result) => (result.status === 'reserved') === (result.reason === null), {
    message: 'reason must be null when reserved and a failure reason when failed',
    path: ['reason'],
  });

export type InventoryResult = z.infer<typeof inventoryResultSchema>;

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** The issues in one line, cut to MAX_ERROR_TEXT (an array of 30,000 bad lines gave megabytes). */
function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 20).map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(event)'}: ${issue.message}`).join('; ');
}

/**
 * Parses one Kafka message value. The error is one line (at most MAX_ERROR_TEXT) starting with a
 * code: `too_large`, `invalid_utf8`, `invalid_json`, `forbidden_key` (json-input.ts), or
 * `invalid_event: …` (JSON, but not the schema).
 */
export function parseEvent<T>(schema: z.ZodType<T>, value: Buffer | null): Parsed<T> {
  if (value === null) return { ok: false, error: `${DLQ_ERROR_CODES.invalidJson}: empty message (null value)` };
  const json = parseJsonBytes(value);
  if (!json.ok) return { ok: false, error: boundedText(jsonInputErrorText(json)) };
  return validateEvent(schema, json.value);
}

/** Checks a decoded event (from JSON or Avro) against its schema: the error is `invalid_event: …`, naming the field. */
export function validateEvent<T>(schema: z.ZodType<T>, decoded: unknown): Parsed<T> {
  const result = schema.safeParse(decoded);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: boundedText(`${DLQ_ERROR_CODES.invalidEvent}: ${describeIssues(result.error)}`) };
}

export const parseOrderPlaced = (value: Buffer | null): Parsed<OrderPlaced> => parseEvent(orderPlacedSchema, value);
export const parseInventoryResult = (value: Buffer | null): Parsed<InventoryResult> => parseEvent(inventoryResultSchema, value);

/** The order_id of a message that may not be a valid event, for keying a dead letter. */
export function orderIdOf(value: Buffer | null): string | undefined {
  if (value === null) return undefined;
  const parsed = parseJsonBytes(value);
  if (!parsed.ok) return undefined;
  return usableOrderId(typeof parsed.value === 'object' && parsed.value !== null && 'order_id' in parsed.value ? parsed.value.order_id : undefined);
}

/** An order_id fit to key a message by: a string of 1 to MAX_ID_LENGTH characters, else undefined. */
export function usableOrderId(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH ? value : undefined;
}

/** A string or number as JSON: what JSON.stringify writes for it. */
const jsonString = (text: string): string => JSON.stringify(text);
const jsonNumber = (value: number): string => (Number.isFinite(value) ? String(value) : 'null');

/**
 * Serialises an event with its fields in the documented order: the same text as JSON.stringify
 * of the fields in that order (tested), written directly because the load generators call it for
 * every order they send.
 */
export function serializeOrderPlaced(order: OrderPlaced): string {
  let items = '';
  for (const line of order.items) {
    items += `${items === '' ? '' : ','}{"item":${jsonString(line.item)},"quantity":${jsonNumber(line.quantity)},"unit_price":${jsonNumber(line.unit_price)}}`;
  }
  return `{"order_id":${jsonString(order.order_id)},"student_id":${jsonString(order.student_id)},"restaurant":${jsonString(order.restaurant)},"items":[${items}],"total_amount":${jsonNumber(order.total_amount)},"placed_at":${jsonString(order.placed_at)},"status":${jsonString(order.status)}}`;
}

export function serializeInventoryResult(result: InventoryResult): string {
  const { order_id, restaurant, status, reason, placed_at, processed_at, processing_time_ms } = result;
  return JSON.stringify({ order_id, restaurant, status, reason, placed_at, processed_at, processing_time_ms });
}
