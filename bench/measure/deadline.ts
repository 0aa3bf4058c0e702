import { TIMED_OUT, withinMs } from '../../pipeline/timeouts.js';

/** Thrown when a phase of a run outlives its time limit. */
export class PhaseTimeoutError extends Error {
  override readonly name = 'PhaseTimeoutError';
}

/** Bounds a phase: no run can hang. */
export async function withDeadline<T>(phase: string, ms: number, work: Promise<T>): Promise<T> {
  const outcome = await withinMs(work, ms);
  if (outcome === TIMED_OUT) throw new PhaseTimeoutError(`${phase} did not finish within ${Math.round(ms / 1000)} s`);
  return outcome;
}

/** Polls until check() returns a value, within the phase's time limit. */
export async function until<T>(phase: string, ms: number, check: () => T | undefined | Promise<T | undefined>, everyMs = 20): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new PhaseTimeoutError(`${phase} did not finish within ${Math.round(ms / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
