import { headerText, type MessageHeaders } from '../../pipeline/contracts/headers.js';

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

export function readBenchHeaders(headers: MessageHeaders | undefined): { intendedMicros: number; phase: Phase } | undefined {
  const intended = Number(headerText(headers, BENCH_HEADERS.intendedMicros));
  const phase = headerText(headers, BENCH_HEADERS.phase);
  if (!Number.isFinite(intended) || (phase !== 'warmup' && phase !== 'measure')) return undefined;
  return { intendedMicros: intended, phase };
}
