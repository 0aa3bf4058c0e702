/**
 * Safe retries of POST /order (after the IETF httpapi Idempotency-Key draft): the key's format, the
 * order_id derived from it, and the in-process store of first attempts, bounded in size and age.
 */
import { createHash } from 'node:crypto';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Printable ASCII without space, quote or backslash, 1 to 128 characters (a UUID fits, so does a ULID). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
/** The bounds of a client's own order_id in the body: letters, digits and . _ : - , 1 to 64 characters. */
export const CLIENT_ORDER_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export interface IdempotencyLimits {
  /** How long a key's first outcome is kept. */
  readonly ttlMs: number;
  /** How many keys are kept at most; beyond, the oldest goes first. */
  readonly maxKeys: number;
}

export const DEFAULT_IDEMPOTENCY_LIMITS: IdempotencyLimits = { ttlMs: 24 * 60 * 60 * 1000, maxKeys: 100_000 };

/**
 * The Idempotency-Key header's value: absent, a key, or a one-line reason for 400. The draft's
 * structured-field form (a quoted string) is accepted too.
 */
export function parseIdempotencyKey(value: string | string[] | undefined): { ok: true; key: string | undefined } | { ok: false; error: string } {
  if (value === undefined) return { ok: true, key: undefined };
  if (Array.isArray(value)) return { ok: false, error: `header ${IDEMPOTENCY_HEADER}: given more than once` };
  const quoted = /^"(.*)"$/.exec(value);
  const key = quoted?.[1] ?? value;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) return { ok: false, error: `header ${IDEMPOTENCY_HEADER}: must be 1 to 128 printable ASCII characters without space, quote or backslash` };
  return { ok: true, key };
}

/**
 * The order_id of an order placed with this key: the same key gives the same id, in any process, so
 * that a duplicate that reached Kafka anyway (a restarted service, another instance) carries the
 * same Kafka key and order_id, which the inventory and the analytics count once.
 */
export function orderIdForKey(key: string): string {
  const hex = createHash('sha256').update(`idempotency-key\n${key}`).digest('hex');
  return `ORD-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A request body's fingerprint: a reused key must come with the same request. */
export function fingerprintOf(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

interface Stored<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/** Values by key, each for ttlMs after it was first stored, at most maxKeys of them (the oldest go first). */
export class IdempotencyStore<T> {
  private readonly entries = new Map<string, Stored<T>>();

  constructor(
    private readonly limits: IdempotencyLimits = DEFAULT_IDEMPOTENCY_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    const stored = this.entries.get(key);
    if (!stored) return undefined;
    if (stored.expiresAt > this.now()) return stored.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Stores a key's value for ttlMs from now, as the newest. */
  add(key: string, value: T): void {
    this.entries.delete(key);
    while (this.entries.size >= this.limits.maxKeys) {
      // A Map iterates in insertion order: the first key is the oldest.
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.limits.ttlMs });
  }
}
