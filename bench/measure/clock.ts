/** Time in microseconds since the Unix epoch, from the monotonic clock, comparable across worker threads. */
export interface Clock {
  nowMicros(): number;
}

export const systemClock: Clock = {
  // timeOrigin + now() is epoch-aligned in every thread; performance.now() does not jump with NTP.
  nowMicros: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
};

/** Within this much of a send's intended time, the wait stops sleeping (timers fire up to a millisecond late) and polls instead. */
const POLL_BEFORE_MICROS = 1_000;

/**
 * Resolves at `micros` on the clock, as close as the event loop allows: a timer for the bulk of
 * the wait, then a check on every turn of the loop (setImmediate, so acks and I/O still run).
 */
export async function waitUntil(clock: Clock, micros: number): Promise<void> {
  const early = micros - clock.nowMicros() - POLL_BEFORE_MICROS;
  if (early > 0) await new Promise((resolve) => setTimeout(resolve, early / 1000));
  while (clock.nowMicros() < micros) await new Promise((resolve) => setImmediate(resolve));
}
