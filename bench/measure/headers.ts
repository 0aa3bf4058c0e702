import { headerText, type MessageHeaders } from '../../pipeline/contracts/headers.js';
import { ORDER_HEADERS } from '../../pipeline/contracts/topics.js';

/** Headers the bench puts on each order; the inventory (ours, or any pipeline measured) copies them onto the order's result. */
export const BENCH_HEADERS = {
  /** When the send was meant to happen, µs since the epoch (the rate schedule's time, or the send's start). */
  intendedMicros: 'bench-intended-us',
  /** warmup or measure: warm-up messages are left out of the figures. */
  phase: 'bench-phase',
  /** The run that sent the order: on a shared results topic, the bench reads only its own. */
  run: 'bench-run',
} as const;

export type Phase = 'warmup' | 'measure';

export interface BenchStamp {
  readonly intendedMicros: number;
  readonly phase: Phase;
  readonly runId: string;
}

/** The bench's headers, with the pipeline's own `sent-at` (the intended time, in ms) for the analytics' latency. */
export function benchHeaders(intendedMicros: number, phase: Phase, runId: string): Record<string, string> {
  return { [BENCH_HEADERS.intendedMicros]: String(intendedMicros), [BENCH_HEADERS.phase]: phase, [BENCH_HEADERS.run]: runId, [ORDER_HEADERS.sentAt]: String(Math.round(intendedMicros / 1000)) };
}

/**
 * Which headers a load puts on its orders: `bench` (intended time, phase, run, and sent-at), for
 * runs that time or filter results; `sent-at` alone, the pipeline's own contract header, for runs
 * that only drain; `none`, as Kafka's ProducerPerformance sends its records.
 */
export type HeaderSet = 'bench' | 'sent-at' | 'none';

export function headersFor(set: HeaderSet, intendedMicros: number, phase: Phase, runId: string): Record<string, string> | undefined {
  if (set === 'bench') return benchHeaders(intendedMicros, phase, runId);
  if (set === 'sent-at') return { [ORDER_HEADERS.sentAt]: String(Math.round(intendedMicros / 1000)) };
  return undefined;
}

export function readBenchHeaders(headers: MessageHeaders | undefined): BenchStamp | undefined {
  const intended = Number(headerText(headers, BENCH_HEADERS.intendedMicros));
  const phase = headerText(headers, BENCH_HEADERS.phase);
  const runId = headerText(headers, BENCH_HEADERS.run) ?? '';
  if (!Number.isFinite(intended) || (phase !== 'warmup' && phase !== 'measure')) return undefined;
  return { intendedMicros: intended, phase, runId };
}
