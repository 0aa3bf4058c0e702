/**
 * Untrusted JSON bytes to a value, the same way on the order topic and in a REST body: the size
 * first (before any work), then strict UTF-8 (no U+FFFD stand-ins for bad bytes), then the JSON,
 * then keys that could pollute a prototype. Each rejection has a code of its own.
 */
import secureJson from 'secure-json-parse';
import { boundedText, MAX_ORDER_BYTES } from './limits.js';

export const JSON_INPUT_ERRORS = {
  tooLarge: 'too_large',
  invalidUtf8: 'invalid_utf8',
  invalidJson: 'invalid_json',
  forbiddenKey: 'forbidden_key',
} as const;

export type JsonInputError = (typeof JSON_INPUT_ERRORS)[keyof typeof JSON_INPUT_ERRORS];

export type JsonInput = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly code: JsonInputError; readonly detail: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A rejection's one-line text: its code, ": ", what is wrong. */
export const jsonInputErrorText = (rejected: Extract<JsonInput, { ok: false }>): string => `${rejected.code}: ${rejected.detail}`;

/** Larger than maxBytes: a rejection that names both sizes, else undefined. */
export function oversize(bytes: number, maxBytes: number = MAX_ORDER_BYTES): Extract<JsonInput, { ok: false }> | undefined {
  return bytes > maxBytes ? { ok: false, code: JSON_INPUT_ERRORS.tooLarge, detail: `${bytes} bytes, more than the ${maxBytes} an order may have` } : undefined;
}

/** Strict UTF-8 text of the bytes, or the rejection. */
export function utf8Text(bytes: Uint8Array): { readonly ok: true; readonly text: string } | Extract<JsonInput, { ok: false }> {
  try {
    return { ok: true, text: strictUtf8.decode(bytes) };
  } catch {
    return { ok: false, code: JSON_INPUT_ERRORS.invalidUtf8, detail: 'the bytes are not valid UTF-8' };
  }
}

/** JSON text to a value: invalid_json, or forbidden_key for a `__proto__` or `constructor.prototype` key anywhere in it. */
export function parseJsonText(text: string): JsonInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The parser's message quotes the input: one line, bounded.
    return { ok: false, code: JSON_INPUT_ERRORS.invalidJson, detail: boundedText(error instanceof Error ? error.message : String(error)) };
  }
  if (typeof value !== 'object' || value === null) return { ok: true, value };
  try {
    secureJson.scan(value, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    return { ok: false, code: JSON_INPUT_ERRORS.forbiddenKey, detail: 'a "__proto__" or "constructor.prototype" key' };
  }
  return { ok: true, value };
}

/** Raw bytes (a message value, a request body) to a JSON value: too_large, invalid_utf8, invalid_json or forbidden_key when not. */
export function parseJsonBytes(bytes: Uint8Array, maxBytes: number = MAX_ORDER_BYTES): JsonInput {
  const tooLarge = oversize(bytes.byteLength, maxBytes);
  if (tooLarge) return tooLarge;
  const text = utf8Text(bytes);
  return text.ok ? parseJsonText(text.text) : text;
}
