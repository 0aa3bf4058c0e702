/**
 * The analytics' rolling window: what it counted over the last N seconds of processing time
 * (when the stage read each event, from an injected clock), beside the all-time figures of event
 * time. Counts are kept per second of processing time, the latencies in one histogram per
 * second, merged when asked: bounded memory whatever the rate, percentiles never averaged.
 */
import { createLatencyHistogram, mergeHistograms, recordMicros, summarizeMs, type LatencyHistogram } from '../histogram.js';

/** The `window` block of GET /metrics (keys as in docs/DESIGN.md). */
export interface WindowFigures {
  /** The window's length, --window-sec. */
  readonly seconds: number;
  /** Distinct valid orders first counted in the window. */
  readonly orders: number;
  /** orders over the window's length (over the time since the start, while that is shorter). */
  readonly orders_per_s: number;
  readonly reserved: number;
  readonly failed: number;
  /** failed / (reserved + failed) in the window, 6 decimals; 0 with no results. */
  readonly failure_rate: number;
  /** Order-to-result latency of the window's results (those whose order carried sent-at). */
  readonly latency_ms: { readonly count: number; readonly p50: number; readonly p99: number };
}

interface Second {
  readonly second: number;
  orders: number;
  reserved: number;
  failed: number;
  latency: LatencyHistogram | undefined;
}

export type Clock = () => number;

export class RollingWindow {
  private readonly seconds: Second[] = [];
  private readonly startedAtMs: number;

  constructor(
    readonly windowSeconds: number,
    private readonly clock: Clock = Date.now,
  ) {
    this.startedAtMs = clock();
  }

  /** A distinct order was counted now. */
  order(): void {
    this.current().orders += 1;
  }

  /** An order's first result was counted now, with its latency when known. */
  result(status: 'reserved' | 'failed', latencyMicros: number | undefined): void {
    const second = this.current();
    second[status] += 1;
    if (latencyMicros === undefined) return;
    second.latency ??= createLatencyHistogram();
    recordMicros(second.latency, latencyMicros, 1, { sameClock: false });
  }

  figures(): WindowFigures {
    const now = this.clock();
    const live = this.live(Math.floor(now / 1000));
    const sum = (pick: (s: Second) => number): number => live.reduce((total, s) => total + pick(s), 0);
    const [orders, reserved, failed] = [sum((s) => s.orders), sum((s) => s.reserved), sum((s) => s.failed)];
    const spanS = Math.max(1, Math.min(this.windowSeconds, (now - this.startedAtMs) / 1000));
    const latency = summarizeMs(mergeHistograms(live.flatMap((s) => (s.latency ? [s.latency] : []))));
    return {
      seconds: this.windowSeconds,
      orders,
      orders_per_s: Math.round((orders / spanS) * 100) / 100,
      reserved,
      failed,
      failure_rate: reserved + failed === 0 ? 0 : Math.round((failed / (reserved + failed)) * 1e6) / 1e6,
      latency_ms: { count: latency.count, p50: latency.p50, p99: latency.p99 },
    };
  }

  /** The seconds still inside the window at `nowSecond`; older ones are dropped. */
  private live(nowSecond: number): Second[] {
    const oldest = nowSecond - Math.ceil(this.windowSeconds) + 1;
    while (this.seconds.length > 0 && (this.seconds[0]?.second ?? oldest) < oldest) this.seconds.shift();
    return this.seconds;
  }

  private current(): Second {
    const nowSecond = Math.floor(this.clock() / 1000);
    this.live(nowSecond);
    const last = this.seconds.at(-1);
    if (last?.second === nowSecond) return last;
    const second: Second = { second: nowSecond, orders: 0, reserved: 0, failed: 0, latency: undefined };
    this.seconds.push(second);
    return second;
  }
}
