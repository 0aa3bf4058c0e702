/**
 * Seeded, order-keyed randomness for simulated trouble. A draw depends only on the seed, the
 * order_id and what it is for, never on the order messages arrive in, so a rerun or a replay
 * with the same seed fails the same orders whatever the partition assignment.
 */
export function draw(seed: number, orderId: string, purpose: string): number {
  // FNV-1a, 32 bits, over "seed:purpose:orderId"; then a murmur3 finaliser to spread the bits.
  let hash = 0x811c9dc5;
  const text = `${seed}:${purpose}:${orderId}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

export interface TroubleSettings {
  readonly seed: number;
  /** Share of valid orders failed as a business outcome (simulated_failure). */
  readonly failureRate: number;
  /** Chance that one processing attempt throws. */
  readonly transientErrorRate: number;
}

export const simulatedFailure = (settings: TroubleSettings, orderId: string): boolean =>
  settings.failureRate > 0 && draw(settings.seed, orderId, 'failure') < settings.failureRate;

export const transientError = (settings: TroubleSettings, orderId: string, attempt: number): boolean =>
  settings.transientErrorRate > 0 && draw(settings.seed, orderId, `transient-${attempt}`) < settings.transientErrorRate;
