import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { OrderPlaced } from '../contracts/events.js';
import { boundedText, MAX_ID_LENGTH, MAX_NAME_LENGTH, MAX_ORDER_ITEMS } from '../contracts/limits.js';
import { isRestaurant, toCents, unitPrice } from '../contracts/menu.js';
import { CLIENT_ORDER_ID_PATTERN } from './idempotency.js';

/** The body of POST /order. Prices are not the client's to set: they come from the menu. */
export const orderRequestSchema = z
  .strictObject({
    /** The client's own order id (optional): a retry with the same one publishes at most once. */
    order_id: z.string().regex(CLIENT_ORDER_ID_PATTERN, { message: 'must be 1 to 64 letters, digits, or . _ : -' }).optional(),
    student_id: z.string().trim().min(1).max(MAX_ID_LENGTH),
    restaurant: z.string().max(MAX_NAME_LENGTH).refine(isRestaurant, { message: 'unknown restaurant' }),
    items: z
      .array(
        z.strictObject({
          item: z.string().min(1).max(MAX_NAME_LENGTH),
          quantity: z.number().int().positive().max(100),
        }),
      )
      .min(1)
      .max(MAX_ORDER_ITEMS),
  })
  .superRefine((request, context) => {
    if (!isRestaurant(request.restaurant)) return;
    request.items.forEach((line, index) => {
      if (unitPrice(request.restaurant, line.item) === undefined) {
        context.addIssue({ code: 'custom', path: ['items', index, 'item'], message: `'${line.item}' is not on the menu of ${request.restaurant}` });
      }
    });
  });

export type OrderRequest = z.infer<typeof orderRequestSchema>;

/** Validates a request body; the error is one line naming the field. */
export function parseOrderRequest(body: unknown): { ok: true; value: OrderRequest } | { ok: false; error: string } {
  const result = orderRequestSchema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  // The first issues only, cut to MAX_ERROR_TEXT: a body of thousands of bad lines gets one short line.
  return { ok: false, error: boundedText(result.error.issues.slice(0, 20).map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`).join('; ')) };
}

/** The OrderPlaced event for a valid request, priced from the menu. */
export function orderFromRequest(request: OrderRequest, now: Date, id: string = `ORD-${randomUUID()}`): OrderPlaced {
  const restaurant = request.restaurant;
  const items = request.items.map((line) => ({ item: line.item, quantity: line.quantity, unit_price: unitPrice(restaurant, line.item) ?? 0 }));
  const totalCents = items.reduce((sum, line) => sum + toCents(line.unit_price) * line.quantity, 0);
  return { order_id: id, student_id: request.student_id, restaurant, items, total_amount: totalCents / 100, placed_at: now.toISOString(), status: 'placed' };
}
