import { OrderGenerator, wallClock } from '../../pipeline/producer/order-generator.js';
import { OrderPublisher } from '../../pipeline/producer/order-producer.js';
import { produceOrders } from '../../pipeline/producer/produce-orders.js';
import { startBenchInventory, type BenchContext } from '../harness.js';
import { sampleLag } from '../measure/consumer-lag.js';
import { until, withDeadline } from '../measure/deadline.js';
import type { LagParams } from './params.js';
import type { ScenarioOutcome } from './scenario.js';

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * A producer at a rate above a throttled inventory consumer's capacity: the group's lag, sampled
 * from broker offsets, rises while the producer runs and must come back to zero after it stops.
 */
export async function runLag(context: BenchContext, params: LagParams): Promise<ScenarioOutcome> {
  const { client, progress } = context;
  const limit = params.timeoutS * 1000;
  const count = Math.round(params.rate * params.durationS);
  const topics = await context.freshTopics(params.partitions);
  const inventory = await startBenchInventory(context, topics, { seed: params.seed, throttleMs: params.throttleMs });

  const rows: (number | string)[][] = [];
  let maxLag = 0;
  let maxLagAtMs = 0;
  let lastTotal = 0;
  let producing = true;
  const started = performance.now();
  let sampling = Promise.resolve();
  const sample = async (): Promise<void> => {
    const t = Math.round(performance.now() - started);
    const partitions = await sampleLag(context.admin, inventory.groupId, topics.orders);
    const total = partitions.reduce((sum, p) => sum + p.lag, 0);
    const phase = producing ? 'producing' : 'draining';
    for (const p of partitions) rows.push([t, phase, String(p.partition), p.endOffset, p.committedOffset, p.lag]);
    rows.push([t, phase, 'total', partitions.reduce((s, p) => s + p.endOffset, 0), partitions.reduce((s, p) => s + p.committedOffset, 0), total]);
    if (total > maxLag) [maxLag, maxLagAtMs] = [total, t];
    lastTotal = total;
    progress.update(`${phase}, lag ${total}, processed ${inventory.stats.processed}/${count}`);
  };
  // Samples never overlap: each waits for the one before.
  const timer = setInterval(() => {
    sampling = sampling.then(sample).catch(() => undefined);
  }, params.sampleMs);
  context.onCleanup(() => {
    clearInterval(timer);
    return Promise.resolve();
  });

  progress.phase(`producing ${count} orders at ${params.rate}/s into a consumer throttled to ${params.throttleMs} ms per order`);
  const publisher = await OrderPublisher.open(client, topics.orders);
  context.onCleanup(() => publisher.close());
  const summary = await withDeadline(
    'producing',
    limit,
    produceOrders(new OrderGenerator({ seed: params.seed, placedAt: wallClock() }), publisher, { count, pacing: { kind: 'rate', perSecond: params.rate } }),
  );
  producing = false;
  const producerStoppedMs = performance.now() - started;

  progress.phase('draining');
  await until('lag back to zero', limit, () => (inventory.stats.processed >= count && lastTotal === 0 && rows.length > 0 && rows.at(-1)?.[1] === 'draining' ? true : undefined), params.sampleMs);
  const drainedMs = performance.now() - started;
  clearInterval(timer);
  await sampling;
  progress.done();

  const capacity = params.throttleMs > 0 ? 1000 / params.throttleMs : null;
  return {
    warmup: { messages: 0, duration_ms: 0, excluded_from_figures: false },
    figures: {
      orders_produced: summary.sent,
      producer_rate_per_s: round(summary.ordersPerSecond),
      throttle_limit_per_s: capacity,
      consumer_rate_per_s: round(count / (drainedMs / 1000)),
      max_total_lag: maxLag,
      max_lag_at_s: round(maxLagAtMs / 1000, 3),
      producer_stopped_at_s: round(producerStoppedMs / 1000, 3),
      drained_at_s: round(drainedMs / 1000, 3),
      time_to_drain_after_producer_stopped_s: round((drainedMs - producerStoppedMs) / 1000, 3),
      samples: rows.filter((row) => row[2] === 'total').length,
    },
    histograms: [],
    series: [{ name: 'lag', columns: ['t_ms', 'phase', 'partition', 'end_offset', 'committed_offset', 'lag'], rows }],
    checks: [
      { name: 'every order sent', passed: summary.sent === count, detail: `${summary.sent} of ${count}` },
      { name: 'lag rose', passed: maxLag > 0, detail: `maximum total lag ${maxLag} at ${round(maxLagAtMs / 1000, 2)} s` },
      { name: 'lag came back to zero', passed: lastTotal === 0 && inventory.stats.processed >= count, detail: `lag ${lastTotal} after ${round((drainedMs - producerStoppedMs) / 1000, 2)} s of draining; ${inventory.stats.processed} processed` },
    ],
  };
}
