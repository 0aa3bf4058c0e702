/**
 * An agent's current interval: the counters and histograms of what happened since the last report,
 * handed over and started afresh at each tick, so that every interval stands alone and a lost one
 * is a gap, never a total that silently shrinks.
 */
import { createLatencyHistogram, encodeHistogram, recordMicros, type LatencyHistogram } from '../../pipeline/histogram.js';
import type { AgentInterval } from './messages.js';

export type IntervalHeader = Omit<AgentInterval, 'seq' | 'final' | 'started_at_ms' | 'ended_at_ms' | 'counters' | 'histograms' | 'produce'>;

export class IntervalRecorder {
  private seq = 0;
  private startedMs: number;
  private counters = { sent: 0, failed: 0, bytes: 0, results: 0, warmup_results: 0 };
  private produceToAck: LatencyHistogram = createLatencyHistogram();
  private endToEnd: LatencyHistogram = createLatencyHistogram();
  private sendLag: LatencyHistogram | undefined;

  /** `withSendLag`: the load runs on a rate schedule, so how late its sends were is measured. */
  constructor(
    private readonly header: IntervalHeader,
    private readonly withSendLag: boolean,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.startedMs = nowMs();
    this.sendLag = withSendLag ? createLatencyHistogram() : undefined;
  }

  acknowledged(size: number, bytes: number, micros: number): void {
    this.counters.sent += size;
    this.counters.bytes += bytes;
    recordMicros(this.produceToAck, micros, size);
  }

  failed(size: number): void {
    this.counters.failed += size;
  }

  late(micros: number): void {
    if (this.sendLag) recordMicros(this.sendLag, micros);
  }

  /** Results read back, with their end-to-end latencies. */
  results(latencies: LatencyHistogram): void {
    this.counters.results += latencies.totalCount;
    this.endToEnd.add(latencies);
  }

  warmupResults(count: number): void {
    this.counters.warmup_results += count;
  }

  /** The interval so far as a report, and a fresh interval from now. */
  take(final: boolean, produce: AgentInterval['produce'] = null): AgentInterval {
    const now = this.nowMs();
    const interval: AgentInterval = {
      ...this.header,
      seq: this.seq,
      final,
      started_at_ms: this.startedMs,
      ended_at_ms: now,
      counters: { ...this.counters },
      histograms: { produce_to_ack: encodeHistogram(this.produceToAck), end_to_end: encodeHistogram(this.endToEnd), send_lag: this.sendLag ? encodeHistogram(this.sendLag) : null },
      produce,
    };
    this.seq += 1;
    this.startedMs = now;
    this.counters = { sent: 0, failed: 0, bytes: 0, results: 0, warmup_results: 0 };
    this.produceToAck = createLatencyHistogram();
    this.endToEnd = createLatencyHistogram();
    this.sendLag = this.withSendLag ? createLatencyHistogram() : undefined;
    return interval;
  }
}
