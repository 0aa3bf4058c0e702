/** What {@link withinMs} resolves to when the time runs out first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Races the promise against a timer that is always cleared, so that no caller leaves one
 * running; a rejection passes through.
 */
export async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => {
          resolve(TIMED_OUT);
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves true when the promise fulfils within ms, false when it rejects or takes longer. */
export async function fulfilsWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const outcome = await withinMs(promise.then(() => true, () => false), ms);
  return outcome === true;
}
