/** Headers the bench puts on each order; the inventory copies them onto the order's result. */
export const BENCH_HEADERS = {
  /** When the send was meant to happen, µs since the epoch (the rate schedule's time, or the send's start). */
  intendedMicros: 'bench-intended-us',
  /** warmup or measure: warm-up messages are left out of the figures. */
  phase: 'bench-phase',
} as const;

export type Phase = 'warmup' | 'measure';

export function benchHeaders(intendedMicros: number, phase: Phase): Record<string, string> {
  return { [BENCH_HEADERS.intendedMicros]: String(intendedMicros), [BENCH_HEADERS.phase]: phase };
}

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

export function readBenchHeaders(headers: Record<string, HeaderValue> | undefined): { intendedMicros: number; phase: Phase } | undefined {
  const text = (name: string): string | undefined => {
    const value = headers?.[name];
    return (Array.isArray(value) ? value[0] : value)?.toString();
  };
  const intended = Number(text(BENCH_HEADERS.intendedMicros));
  const phase = text(BENCH_HEADERS.phase);
  if (!Number.isFinite(intended) || (phase !== 'warmup' && phase !== 'measure')) return undefined;
  return { intendedMicros: intended, phase };
}
