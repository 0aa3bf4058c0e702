/**
 * How long each fault disturbed the flow of results: from the fault until the last result, before
 * the next fault, whose end-to-end latency was above a threshold (results flow again at the pace
 * of the load after it). Computed from the arrivals alone, so it is the same for every kind.
 */

/** A result as the live reader saw it: when it arrived and its latency from its order's intended send, both ms. */
export interface Arrival {
  readonly tMs: number;
  readonly latencyMs: number;
}

/** Latency above this is disturbed: three times the p99 before the first fault, and at least a second. */
export function disturbedThresholdMs(beforeFirstFault: readonly Arrival[]): number {
  const sorted = beforeFirstFault.map((a) => a.latencyMs).sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
  return Math.max(1_000, 3 * p99);
}

/**
 * Seconds from the fault (at `atMs`) to the last disturbed arrival before `untilMs` (the next fault,
 * or the end of the reading); 0 when no result was disturbed; null when the window ends disturbed
 * (no undisturbed result after the last disturbed one) or holds no result at all.
 */
export function recoverySeconds(arrivals: readonly Arrival[], atMs: number, untilMs: number, thresholdMs: number): number | null {
  const window = arrivals.filter((a) => a.tMs >= atMs && a.tMs < untilMs).sort((a, b) => a.tMs - b.tMs);
  if (window.length === 0) return null;
  let lastDisturbed: number | undefined;
  for (const [index, arrival] of window.entries()) if (arrival.latencyMs > thresholdMs) lastDisturbed = index;
  if (lastDisturbed === undefined) return 0;
  if (lastDisturbed === window.length - 1) return null;
  const at = window[lastDisturbed]?.tMs ?? atMs;
  return Math.round(at - atMs) / 1000;
}
