/**
 * GET /metrics/prometheus: the analytics figures in Prometheus' text format, on the stage's own
 * registry. Monotonic counts are counters (`_total`), levels and ratios gauges, the order-to-result
 * latency a histogram in seconds; prom-client's default process and Node.js metrics beside them.
 * Names and labels are listed in docs/DESIGN.md ("Prometheus").
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CountedResult, Figures } from './figures.js';
import type { WindowFigures } from './window.js';

/**
 * Latency buckets, seconds: order-to-result latency on this pipeline runs from about a millisecond
 * (one order at a time) to tens of seconds (a drained backlog), so 1 ms to 60 s, about ×2.5 apart.
 */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

export interface MetricsSources {
  readonly figures: () => Figures;
  readonly window: () => WindowFigures;
  readonly consumed: () => Readonly<Record<string, number>>;
}

export interface MetricsExposition {
  readonly contentType: string;
  /** Observes one counted result's latency in the histogram. */
  observe(result: CountedResult): void;
  /** The exposition text, with the figures computed once for the whole scrape. */
  scrape(): Promise<string>;
}

interface Snapshot {
  readonly figures: Figures;
  readonly window: WindowFigures;
}

export function createMetricsExposition(sources: MetricsSources): MetricsExposition {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let snapshot: Snapshot | undefined;
  const current = (): Snapshot => (snapshot ??= { figures: sources.figures(), window: sources.window() });

  /** A series refilled from the figures at each scrape. */
  const series = (Kind: typeof Counter | typeof Gauge, name: string, help: string, labelNames: readonly string[], fill: (set: (value: number, labels?: Record<string, string>) => void, s: Snapshot) => void): void => {
    new Kind({
      name,
      help,
      labelNames,
      registers: [registry],
      collect(this: Counter | Gauge) {
        this.reset();
        fill((value, labels = {}) => {
          if (this instanceof Counter) this.inc(labels, value);
          else this.set(labels, value);
        }, current());
      },
    });
  };

  series(Counter, 'analytics_orders_total', 'Distinct valid orders seen on the order topic', [], (set, { figures }) => { set(figures.total_orders); });
  series(Counter, 'analytics_results_total', "Orders with a result, by the first result's status", ['status'], (set, { figures }) => {
    set(figures.reserved, { status: 'reserved' });
    set(figures.failed, { status: 'failed' });
  });
  series(Counter, 'analytics_failures_total', 'Failed orders by reason', ['reason'], (set, { figures }) => {
    for (const [reason, count] of Object.entries(figures.failures_by_reason)) set(count, { reason });
  });
  series(Counter, 'analytics_malformed_messages_total', 'Dead-lettered messages that were not valid orders', [], (set, { figures }) => { set(figures.malformed); });
  series(Gauge, 'analytics_orders_dead_lettered', 'Valid orders with no result whose transient failure survived every retry (a later result moves one out)', [], (set, { figures }) => { set(figures.dead_lettered); });
  series(Gauge, 'analytics_orders_pending', 'Valid orders with neither a result nor a dead letter yet', [], (set, { figures }) => { set(figures.pending); });
  series(Gauge, 'analytics_failure_ratio', 'failed / (reserved + failed), all time, 0..1', [], (set, { figures }) => { set(figures.failure_rate); });
  series(Counter, 'analytics_restaurant_orders_total', 'Orders placed, by restaurant', ['restaurant'], (set, { figures }) => {
    for (const [restaurant, t] of Object.entries(figures.by_restaurant)) set(t.orders, { restaurant });
  });
  series(Counter, 'analytics_restaurant_revenue_dollars_total', 'Revenue of reserved orders, by restaurant', ['restaurant'], (set, { figures }) => {
    for (const [restaurant, t] of Object.entries(figures.by_restaurant)) set(t.revenue, { restaurant });
  });
  series(Gauge, 'analytics_orders_per_minute_peak', 'Orders in the busiest minute of event time', [], (set, { figures }) => { set(figures.orders_per_minute_summary.peak); });
  series(Gauge, 'analytics_orders_per_minute_average', 'Average orders per minute of event time', [], (set, { figures }) => { set(figures.orders_per_minute_summary.average); });
  series(Counter, 'analytics_latency_not_available_total', 'Results whose order carried no sent-at header', [], (set, { figures }) => { set(figures.latency_not_available); });
  series(Counter, 'analytics_latency_out_of_range_total', "Results whose latency fell outside the histogram's 1 µs to 1 h", [], (set, { figures }) => { set(figures.latency_out_of_range); });
  series(Gauge, 'analytics_window_seconds', 'Length of the rolling window of processing time (--window-sec)', [], (set, { window }) => { set(window.seconds); });
  series(Gauge, 'analytics_window_orders_per_second', 'Distinct orders counted per second over the rolling window', [], (set, { window }) => { set(window.orders_per_s); });
  series(Gauge, 'analytics_window_failure_ratio', 'failed / (reserved + failed) over the rolling window, 0..1', [], (set, { window }) => { set(window.failure_rate); });
  series(Gauge, 'analytics_window_latency_p50_seconds', 'Median order-to-result latency over the rolling window', [], (set, { window }) => { set(window.latency_ms.p50 / 1000); });
  series(Gauge, 'analytics_window_latency_p99_seconds', '99th percentile order-to-result latency over the rolling window', [], (set, { window }) => { set(window.latency_ms.p99 / 1000); });
  new Counter({
    name: 'analytics_messages_consumed_total',
    help: 'Messages consumed, by topic (redeliveries included)',
    labelNames: ['topic'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [topic, count] of Object.entries(sources.consumed())) this.inc({ topic }, count);
    },
  });
  const latency = new Histogram({
    name: 'analytics_order_to_result_latency_seconds',
    help: "Order-to-inventory-result latency: the result's processed_at less the order's sent-at (wall clocks), each order's first result",
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });

  return {
    contentType: registry.contentType,
    observe(result) {
      if (result.latencyMicros !== undefined) latency.observe(result.latencyMicros / 1e6);
    },
    async scrape() {
      snapshot = undefined;
      try {
        return await registry.metrics();
      } finally {
        snapshot = undefined;
      }
    },
  };
}
