import { Gauge, Registry } from 'prom-client';
import type { Figures } from './figures.js';

export interface MetricsExposition {
  readonly contentType: string;
  /** The exposition text, with the figures computed once for the whole scrape. */
  scrape(): Promise<string>;
}

/** Prometheus gauges over the current figures, computed once per scrape (not once per gauge). */
export function createMetricsExposition(current: () => Figures, consumed: () => Readonly<Record<string, number>>): MetricsExposition {
  const registry = new Registry();
  let snapshot: Figures | undefined;
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, figures: Figures) => void): void => {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        snapshot ??= current();
        fill(this, snapshot);
      },
    });
  };
  gauge('analytics_orders', 'Orders seen, each order_id once, by outcome', ['outcome'], (g, f) => {
    for (const outcome of ['reserved', 'failed', 'dead_lettered', 'pending'] as const) g.set({ outcome }, f[outcome]);
  });
  gauge('analytics_orders_total', 'Distinct orders seen on the order topic', [], (g, f) => { g.set(f.total_orders); });
  gauge('analytics_malformed_messages', 'Dead-lettered messages that were not valid orders', [], (g, f) => { g.set(f.malformed); });
  gauge('analytics_failure_rate', 'failed / (reserved + failed), 0..1', [], (g, f) => { g.set(f.failure_rate); });
  gauge('analytics_failures', 'Failed orders by reason', ['reason'], (g, f) => {
    for (const [reason, count] of Object.entries(f.failures_by_reason)) g.set({ reason }, count);
  });
  gauge('analytics_restaurant_orders', 'Orders by restaurant', ['restaurant'], (g, f) => {
    for (const [restaurant, t] of Object.entries(f.by_restaurant)) g.set({ restaurant }, t.orders);
  });
  gauge('analytics_restaurant_revenue_dollars', 'Revenue of reserved orders by restaurant', ['restaurant'], (g, f) => {
    for (const [restaurant, t] of Object.entries(f.by_restaurant)) g.set({ restaurant }, t.revenue);
  });
  gauge('analytics_orders_per_minute_peak', 'The busiest minute of event time', [], (g, f) => { g.set(f.orders_per_minute_summary.peak); });
  gauge('analytics_orders_per_minute_average', 'Average orders per minute of event time', [], (g, f) => { g.set(f.orders_per_minute_summary.average); });
  gauge('analytics_order_to_result_latency_ms', 'Order-to-inventory-result latency (sent-at to processed_at, wall clocks) by quantile', ['quantile'], (g, f) => {
    const l = f.latency_ms;
    for (const [quantile, value] of [['0.5', l.p50], ['0.9', l.p90], ['0.99', l.p99], ['0.999', l.p99_9], ['1', l.max]] as const) g.set({ quantile }, value);
  });
  new Gauge({
    name: 'analytics_messages_consumed',
    help: 'Messages consumed by topic',
    labelNames: ['topic'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [topic, count] of Object.entries(consumed())) this.set({ topic }, count);
    },
  });
  return {
    contentType: registry.contentType,
    async scrape() {
      snapshot = current();
      try {
        return await registry.metrics();
      } finally {
        snapshot = undefined;
      }
    },
  };
}
