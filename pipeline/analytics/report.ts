import type { Figures } from './figures.js';
import type { WindowFigures } from './window.js';

const pct = (share: number): string => `${(share * 100).toFixed(2)} %`;
const money = (dollars: number): string => `$${dollars.toFixed(2)}`;

/** The figures as the human report the analytics consumer prints. A pure function of the figures. */
export function renderReport(figures: Figures, title = 'Analytics', window?: WindowFigures): string {
  const lines = [
    title,
    `  orders ${figures.total_orders}: ${figures.reserved} reserved, ${figures.failed} failed, ${figures.dead_lettered} dead-lettered, ${figures.pending} pending; ${figures.malformed} malformed messages`,
    `  failure rate ${pct(figures.failure_rate)} (${Object.entries(figures.failures_by_reason)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ')})`,
    `  orders per minute: average ${figures.orders_per_minute_summary.average} over ${figures.orders_per_minute_summary.minutes} min, peak ${figures.orders_per_minute_summary.peak}${figures.orders_per_minute_summary.peak_minute ? ` at ${figures.orders_per_minute_summary.peak_minute}` : ''}`,
    '  by restaurant:',
    ...Object.entries(figures.by_restaurant).map(([name, t]) => `    ${name.padEnd(16)} ${String(t.orders).padStart(7)} orders  ${money(t.revenue).padStart(12)}`),
    `  order-to-result latency (ms, sent-at to processed_at): p50 ${figures.latency_ms.p50}, p90 ${figures.latency_ms.p90}, p99 ${figures.latency_ms.p99}, max ${figures.latency_ms.max} over ${figures.latency_ms.count} results; ${figures.latency_not_available} without sent-at, ${figures.latency_out_of_range} out of range`,
    ...(window
      ? [
          `  last ${window.seconds} s (processing time): ${window.orders} orders, ${window.orders_per_s} orders/s; failure rate ${pct(window.failure_rate)} (${window.failed} of ${window.reserved + window.failed} results); latency p50 ${window.latency_ms.p50} ms, p99 ${window.latency_ms.p99} ms over ${window.latency_ms.count}`,
        ]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}
