import { expect } from 'chai';
import { OrderAnalytics } from '../../../pipeline/analytics/figures.js';
import { createMetricsExposition, LATENCY_BUCKETS_SECONDS } from '../../../pipeline/analytics/prometheus.js';
import { RollingWindow } from '../../../pipeline/analytics/window.js';
import { serializeInventoryResult, serializeOrderPlaced } from '../../../pipeline/contracts/events.js';
import { fixedSchedule, OrderGenerator } from '../../../pipeline/producer/order-generator.js';
import { promtoolCheckMetrics } from '../../helpers/promtool.js';

/** The value of one sample line (`name{labels} value`) of an exposition. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The lint findings prom-client's default metrics bring along (prom-client 15); not ours to rename. */
const PROM_CLIENT_DEFAULT_FINDINGS = new Set(['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'].map((name) => `${name} non-counter metrics should not have "_total" suffix`));

describe('pipeline/analytics/prometheus', () => {
  /** 20 orders with results at 3 ms, 30 ms, 300 ms and 3 s latency in turn, every fifth failed. */
  async function exposition(): Promise<string> {
    const analytics = new OrderAnalytics();
    const window = new RollingWindow(60);
    const generator = new OrderGenerator({ seed: 9, placedAt: fixedSchedule(new Date('2026-03-01T12:00:00Z'), 500) });
    const prometheus = createMetricsExposition({ figures: () => analytics.figures(), window: () => window.figures(), consumed: () => ({ 'order-events': 20, 'inventory-events': 20 }) });
    for (let i = 0; i < 20; i += 1) {
      const order = generator.next();
      if (analytics.ingestOrder({ key: null, value: Buffer.from(serializeOrderPlaced(order)) })) window.order();
      const sentAt = 1_700_000_000_000;
      const latencyMs = [3, 30, 300, 3_000][i % 4] ?? 0;
      const status = i % 5 === 0 ? 'failed' : 'reserved';
      const result = analytics.ingestResult({
        key: Buffer.from(order.order_id),
        value: Buffer.from(serializeInventoryResult({ order_id: order.order_id, restaurant: order.restaurant, status, reason: status === 'failed' ? 'out_of_stock' : null, placed_at: order.placed_at, processed_at: new Date(sentAt + latencyMs).toISOString(), processing_time_ms: 0.1 })),
        headers: { 'sent-at': String(sentAt) },
      });
      if (result) {
        window.result(result.status, result.latencyMicros);
        prometheus.observe(result);
      }
    }
    return prometheus.scrape();
  }

  it("passes Prometheus' own check (promtool check metrics): it parses, and every series of ours lints clean", async () => {
    const result = await promtoolCheckMetrics(await exposition());
    // Exit 1 is a parse error, 3 lint findings only. prom-client names three of its default gauges
    // *_total (its own choice, which promtool's linter flags); every other finding fails the test.
    expect(result.code, result.output).to.be.oneOf([0, 3]);
    const findings = result.output.split('\n').filter(Boolean);
    expect(findings.filter((line) => !PROM_CLIENT_DEFAULT_FINDINGS.has(line))).to.deep.equal([]);
  });

  it('counts with counters, latency as a histogram in seconds, the window as gauges, beside the process metrics', async () => {
    const text = await exposition();
    for (const counter of ['analytics_orders_total', 'analytics_results_total', 'analytics_failures_total', 'analytics_malformed_messages_total', 'analytics_restaurant_orders_total', 'analytics_restaurant_revenue_dollars_total', 'analytics_messages_consumed_total', 'process_cpu_seconds_total']) {
      expect(text, counter).to.include(`# TYPE ${counter} counter`);
    }
    for (const gauge of ['analytics_orders_pending', 'analytics_failure_ratio', 'analytics_window_orders_per_second', 'analytics_window_failure_ratio', 'analytics_window_latency_p99_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(text, gauge).to.include(`# TYPE ${gauge} gauge`);
    }
    expect(text).to.include('# TYPE analytics_order_to_result_latency_seconds histogram');
    expect(sample(text, 'analytics_orders_total')).to.equal(20);
    expect(sample(text, 'analytics_results_total{status="failed"}')).to.equal(4);
    expect(sample(text, 'analytics_failure_ratio')).to.equal(0.2);
    expect(sample(text, 'analytics_window_failure_ratio')).to.equal(0.2);
    // Five results in each of 3 ms, 30 ms, 300 ms, 3 s: the cumulative buckets step by five.
    const bucket = (le: number): number | undefined => sample(text, `analytics_order_to_result_latency_seconds_bucket{le="${String(le)}"}`);
    expect([bucket(0.0025), bucket(0.005), bucket(0.025), bucket(0.05), bucket(0.25), bucket(0.5), bucket(2.5), bucket(5)]).to.deep.equal([0, 5, 5, 10, 10, 15, 15, 20]);
    expect(sample(text, 'analytics_order_to_result_latency_seconds_count')).to.equal(20);
    expect(sample(text, 'analytics_order_to_result_latency_seconds_bucket{le="+Inf"}')).to.equal(20);
    expect(LATENCY_BUCKETS_SECONDS.length).to.be.greaterThan(10);
    expect(sample(text, 'analytics_window_latency_p99_seconds')).to.be.closeTo(3, 0.005);
  });
});
