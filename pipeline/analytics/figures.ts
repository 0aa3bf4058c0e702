import { z } from 'zod';
import { decodeInventoryResult, decodeOrderPlaced } from '../contracts/codec.js';
import { FAILURE_REASONS, type FailureReason } from '../contracts/events.js';
import { headerText, type MessageHeaders } from '../contracts/headers.js';
import { RESTAURANTS, toCents } from '../contracts/menu.js';
import { DLQ_ERROR_CODES, DLQ_HEADERS, ORDER_HEADERS } from '../contracts/topics.js';
import type { WindowFigures } from './window.js';
import type { ChangelogRecord } from '../state/changelog.js';
import { createLatencyHistogram, recordMicros, summarizeMs, type LatencyHistogram, type LatencySummaryMs } from '../histogram.js';

/** The analytics figures, as JSON (report files and GET /metrics). Keys as in docs/DESIGN.md. */
export interface Figures {
  readonly total_orders: number;
  readonly reserved: number;
  readonly failed: number;
  readonly dead_lettered: number;
  readonly pending: number;
  readonly malformed: number;
  readonly failure_rate: number;
  readonly failures_by_reason: Record<FailureReason, number>;
  readonly orders_per_minute: Record<string, number>;
  readonly orders_per_minute_summary: { readonly minutes: number; readonly average: number; readonly peak: number; readonly peak_minute: string | null };
  readonly by_restaurant: Record<string, { readonly orders: number; readonly revenue: number }>;
  readonly latency_ms: LatencySummaryMs;
  /** Results whose order carried no `sent-at`: their latency cannot be known. */
  readonly latency_not_available: number;
  /** Results whose latency fell outside the histogram's range (below 0, clocks apart; above 1 h): counted, not recorded. */
  readonly latency_out_of_range: number;
}

export interface IncomingMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: MessageHeaders;
}

/** An order's first result, as counted. */
export interface CountedResult {
  readonly status: 'reserved' | 'failed';
  /** Its order-to-result latency, when its order carried sent-at and it was in range. */
  readonly latencyMicros: number | undefined;
}

interface OrderFacts {
  readonly restaurant: string;
  readonly totalCents: number;
  /** Its event time's minute, YYYY-MM-DDTHH:MM. */
  readonly minute: string;
}

/** Dead-letter codes of an order that passed the schema but that the inventory does not take: no figure counts it (it counts as malformed). */
const REJECTED_ORDER_CODES: readonly string[] = [DLQ_ERROR_CODES.priceMismatch, DLQ_ERROR_CODES.eventTimeOutOfRange];

interface ResultFacts {
  readonly status: 'reserved' | 'failed';
  readonly reason: FailureReason | null;
}

/**
 * The analytics' changelog records (docs/DESIGN.md, "Stage state"), one per fact, each written once:
 * `order:<order_id>`, `result:<order_id>` (with its latency: µs, "out_of_range", or null without
 * sent-at), `dead:<order_id>`, `rejected:<order_id>`, `malformed:<topic>/<partition>/<offset>`.
 */
const orderRecordSchema = z.object({ restaurant: z.string(), total_cents: z.number().int().nonnegative(), minute: z.string() }).strict();
const resultRecordSchema = z.object({ status: z.enum(['reserved', 'failed']), reason: z.enum(FAILURE_REASONS).nullable(), latency_us: z.union([z.number(), z.literal('out_of_range'), z.null()]) }).strict();
const markRecordSchema = z.object({}).strict();
type ResultLatency = z.infer<typeof resultRecordSchema>['latency_us'];

const RECORD_KINDS = ['order', 'result', 'dead', 'rejected', 'malformed'] as const;
type RecordKind = (typeof RECORD_KINDS)[number];

const sortedRecord = <V>(entries: Iterable<[string, V]>): Record<string, V> =>
  Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * Counts each order_id once however often its events arrive (at-least-once delivery), the first
 * event of each kind winning. Everything is computed from event time and event content, so the
 * same messages give the same figures, byte for byte, in whatever order the partitions interleave.
 */
export class OrderAnalytics {
  private readonly orders = new Map<string, OrderFacts>();
  private readonly results = new Map<string, ResultFacts>();
  private readonly deadLetteredIds = new Set<string>();
  /** Orders the inventory dead-lettered for their prices or their event time: left out of every order figure. */
  private readonly rejectedIds = new Set<string>();
  private readonly malformedSources = new Set<string>();
  private readonly latency: LatencyHistogram = createLatencyHistogram();
  private latencyNotAvailable = 0;
  private latencyOutOfRange = 0;
  private changes: ChangelogRecord[] = [];

  /** Counts an order; says whether it was one not seen before. */
  ingestOrder(message: IncomingMessage): boolean {
    const parsed = decodeOrderPlaced(message.value, message.headers);
    if (!parsed.ok || this.orders.has(parsed.value.order_id)) return false;
    const order = parsed.value;
    const record = { restaurant: order.restaurant, total_cents: toCents(order.total_amount), minute: order.placed_at.slice(0, 16) };
    this.addOrder(order.order_id, record);
    this.changed('order', order.order_id, record);
    return true;
  }

  /** Counts an order's first result; returns what was counted (its latency when known), undefined for a repeat or an invalid one. */
  ingestResult(message: IncomingMessage): CountedResult | undefined {
    const parsed = decodeInventoryResult(message.value, message.headers);
    if (!parsed.ok || this.results.has(parsed.value.order_id)) return undefined;
    const result = parsed.value;
    const record = { status: result.status, reason: result.reason, latency_us: this.latencyOf(message, result.processed_at) };
    const latencyMicros = this.addResult(result.order_id, record);
    this.changed('result', result.order_id, record);
    return { status: result.status, latencyMicros };
  }

  /**
   * Order-to-result latency from wall clocks only: the result's processed_at less the order's
   * `sent-at` header (copied onto the result). Never from placed_at, which is event time.
   */
  private latencyOf(message: IncomingMessage, processedAt: string): ResultLatency {
    const sentAt = headerText(message.headers, ORDER_HEADERS.sentAt);
    if (sentAt === undefined || !/^\d+$/.test(sentAt)) return null;
    const micros = (Date.parse(processedAt) - Number(sentAt)) * 1000;
    return Number.isFinite(micros) ? micros : 'out_of_range';
  }

  ingestDeadLetter(message: IncomingMessage): void {
    const error = headerText(message.headers, DLQ_HEADERS.error) ?? '';
    const orderId = message.key?.toString();
    if (error.startsWith(`${DLQ_ERROR_CODES.retriesExhausted}:`) && orderId) {
      if (!this.deadLetteredIds.has(orderId)) this.changed('dead', orderId, {});
      this.deadLetteredIds.add(orderId);
      return;
    }
    if (orderId && REJECTED_ORDER_CODES.some((code) => error.startsWith(`${code}:`))) {
      if (!this.rejectedIds.has(orderId)) this.changed('rejected', orderId, {});
      this.rejectedIds.add(orderId);
    }
    // Not a valid order: identified by where it came from, so a redelivered dead letter counts once.
    const source = [DLQ_HEADERS.sourceTopic, DLQ_HEADERS.sourcePartition, DLQ_HEADERS.sourceOffset].map((name) => headerText(message.headers, name) ?? '?').join('/');
    if (!this.malformedSources.has(source)) this.changed('malformed', source, {});
    this.malformedSources.add(source);
  }

  /** The facts counted since the last call, as changelog records. */
  takeChanges(): ChangelogRecord[] {
    const changes = this.changes;
    this.changes = [];
    return changes;
  }

  /** Applies a changelog record of an earlier run, as if its event had been read again; a malformed record is an error that names it. */
  restore(key: string, value: Buffer | null): void {
    const colon = key.indexOf(':');
    const kind = RECORD_KINDS.find((k) => k === key.slice(0, colon));
    const id = key.slice(colon + 1);
    const json = value === null ? undefined : parseJson(value);
    const bad = (why: string): Error => new Error(`analytics changelog record ${JSON.stringify(key.slice(0, 80))} is malformed: ${why}`);
    if (kind === undefined) throw bad('unknown kind');
    if (kind === 'order') {
      const record = orderRecordSchema.safeParse(json);
      if (!record.success) throw bad(record.error.message.replace(/\s+/g, ' '));
      if (!this.orders.has(id)) this.addOrder(id, record.data);
    } else if (kind === 'result') {
      const record = resultRecordSchema.safeParse(json);
      if (!record.success) throw bad(record.error.message.replace(/\s+/g, ' '));
      if (!this.results.has(id)) this.addResult(id, record.data);
    } else {
      if (!markRecordSchema.safeParse(json).success) throw bad('expected {}');
      (kind === 'dead' ? this.deadLetteredIds : kind === 'rejected' ? this.rejectedIds : this.malformedSources).add(id);
    }
  }

  private addOrder(orderId: string, record: z.infer<typeof orderRecordSchema>): void {
    this.orders.set(orderId, { restaurant: record.restaurant, totalCents: record.total_cents, minute: record.minute });
  }

  /** Counts a first result and its latency; returns the latency recorded, if any. */
  private addResult(orderId: string, record: z.infer<typeof resultRecordSchema>): number | undefined {
    this.results.set(orderId, { status: record.status, reason: record.reason });
    const micros = record.latency_us;
    if (micros === null) {
      this.latencyNotAvailable += 1;
      return undefined;
    }
    if (micros !== 'out_of_range' && recordMicros(this.latency, micros, 1, { sameClock: false })) return micros;
    this.latencyOutOfRange += 1;
    return undefined;
  }

  private changed(kind: RecordKind, id: string, record: object): void {
    this.changes.push({ key: `${kind}:${id}`, value: JSON.stringify(record) });
  }

  figures(): Figures {
    const failuresByReason = Object.fromEntries(FAILURE_REASONS.map((reason) => [reason, 0])) as Record<FailureReason, number>;
    let reserved = 0;
    let failed = 0;
    for (const result of this.results.values()) {
      if (result.status === 'reserved') reserved += 1;
      else {
        failed += 1;
        if (result.reason) failuresByReason[result.reason] += 1;
      }
    }

    const restaurants = new Map<string, { orders: number; revenueCents: number }>(RESTAURANTS.map((name) => [name, { orders: 0, revenueCents: 0 }]));
    let deadLettered = 0;
    let pending = 0;
    let totalOrders = 0;
    const minutes = new Map<string, number>();
    for (const [orderId, order] of this.orders) {
      // Computed here rather than as orders arrive: an order's rejection may come after it.
      if (this.rejectedIds.has(orderId)) continue;
      totalOrders += 1;
      minutes.set(order.minute, (minutes.get(order.minute) ?? 0) + 1);
      const totals = restaurants.get(order.restaurant) ?? { orders: 0, revenueCents: 0 };
      totals.orders += 1;
      const result = this.results.get(orderId);
      if (result?.status === 'reserved') totals.revenueCents += order.totalCents;
      restaurants.set(order.restaurant, totals);
      if (!result) {
        if (this.deadLetteredIds.has(orderId)) deadLettered += 1;
        else pending += 1;
      }
    }

    let peak = 0;
    let peakMinute: string | null = null;
    for (const [minute, count] of [...minutes].sort()) {
      if (count > peak) [peak, peakMinute] = [count, minute];
    }
    const minuteKeys = [...minutes.keys()].sort();
    const spanMinutes = minuteKeys.length === 0 ? 0 : (Date.parse(`${String(minuteKeys.at(-1))}:00Z`) - Date.parse(`${String(minuteKeys[0])}:00Z`)) / 60_000 + 1;

    return {
      total_orders: totalOrders,
      reserved,
      failed,
      dead_lettered: deadLettered,
      pending,
      malformed: this.malformedSources.size,
      failure_rate: reserved + failed === 0 ? 0 : Math.round((failed / (reserved + failed)) * 1e6) / 1e6,
      failures_by_reason: failuresByReason,
      orders_per_minute: sortedRecord(minutes),
      orders_per_minute_summary: {
        minutes: spanMinutes,
        average: spanMinutes === 0 ? 0 : Math.round((totalOrders / spanMinutes) * 100) / 100,
        peak,
        peak_minute: peakMinute,
      },
      by_restaurant: sortedRecord([...restaurants].map(([name, t]) => [name, { orders: t.orders, revenue: t.revenueCents / 100 }])),
      latency_ms: summarizeMs(this.latency),
      latency_not_available: this.latencyNotAvailable,
      latency_out_of_range: this.latencyOutOfRange,
    };
  }
}

/** The figures as JSON: the all-time, event-time ones; GET /metrics adds the `window` block after them (metricsJson). */
export function figuresJson(figures: Figures): string {
  return `${JSON.stringify(figures, null, 2)}\n`;
}

/** What GET /metrics and metrics.json carry: the all-time figures, then the rolling window of processing time. */
export type MetricsDocument = Figures & { readonly window: WindowFigures };

export function metricsJson(figures: Figures, window: WindowFigures): string {
  return `${JSON.stringify({ ...figures, window } satisfies MetricsDocument, null, 2)}\n`;
}

/**
 * The all-time figures of a GET /metrics answer, without its window: those are the figures of event
 * time that a replay reproduces byte for byte; the window depends on when the messages were read.
 */
export function eventTimeFigures(document: MetricsDocument): Figures {
  const figures: Figures & { window?: WindowFigures } = { ...document };
  delete figures.window;
  return figures;
}

function parseJson(value: Buffer): unknown {
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
}
