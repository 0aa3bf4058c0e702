/**
 * The bounds of every input the pipeline takes, in one place (docs/DESIGN.md, "Input bounds"). An
 * input past one is rejected with its reason before it can cost much: a message or request body by
 * its raw size before any parse, a string or list by the schema.
 */

/** The largest order, as raw bytes, on the order topic or as a REST body: checked before any parse. */
export const MAX_ORDER_BYTES = 32 * 1024;

/** `order_id`, `student_id`: the ids a key, a header or a log line carries. */
export const MAX_ID_LENGTH = 64;

/** Every other string of an event (restaurant, item names). */
export const MAX_NAME_LENGTH = 64;

/** Lines of one order. */
export const MAX_ORDER_ITEMS = 50;

/** The quantity of one line of an order on the topic (the REST body allows at most 100). */
export const MAX_ITEM_QUANTITY = 1_000;

/** The longest error text a header carries (a dead letter's `error`), in UTF-8 bytes; a longer one is cut, ending in "…". */
export const MAX_ERROR_TEXT = 1_024;

/** placed_at lies in [EARLIEST_PLACED_AT, LATEST_PLACED_AT): years 2000 to 2099. */
export const EARLIEST_PLACED_AT = Date.parse('2000-01-01T00:00:00.000Z');
export const LATEST_PLACED_AT = Date.parse('2100-01-01T00:00:00.000Z');

/** The inventory's event-time window by default (--max-event-age-s, --max-event-ahead-s): a day behind its clock (a backfill or replay widens it), five minutes ahead (clock skew). */
export const DEFAULT_EVENT_TIME_WINDOW_S = { maxAge: 86_400, maxAhead: 300 } as const;

/** The widest window those flags take: a century, as wide as the schema's years 2000 to 2099 (a backfill's setting). */
export const MAX_EVENT_WINDOW_S = 100 * 366 * 86_400;

const ELLIPSIS = '…';

/** Line breaks and other control characters, which an error text quoting its input may hold. */
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/gu;

/**
 * The text as one line (each control character a space) cut to at most maxBytes of UTF-8 (never
 * inside a character), ending in "…" when it was cut: what an error header or answer carries.
 */
export function boundedText(raw: string, maxBytes: number = MAX_ERROR_TEXT): string {
  const text = raw.replace(CONTROL_CHARACTERS, ' ');
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(ELLIPSIS, 'utf8');
  let cut = '';
  let bytes = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character, 'utf8');
    if (bytes + size > budget) break;
    cut += character;
    bytes += size;
  }
  return `${cut}${ELLIPSIS}`;
}
