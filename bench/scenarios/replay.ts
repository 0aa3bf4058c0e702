import type { DriverAdmin } from '../../clients/driver.js';
import { figuresJson, type Figures } from '../../pipeline/analytics/figures.js';
import { AnalyticsService } from '../../pipeline/analytics/service.js';
import type { PipelineTopics } from '../../pipeline/contracts/topics.js';
import { InventoryService } from '../../pipeline/inventory/service.js';
import { fixedSchedule, OrderGenerator } from '../../pipeline/producer/order-generator.js';
import { OrderPublisher } from '../../pipeline/producer/order-producer.js';
import { produceOrders } from '../../pipeline/producer/produce-orders.js';
import type { BenchContext } from '../harness.js';
import { until } from '../measure/deadline.js';
import type { ReplayParams } from './params.js';
import type { ScenarioOutcome } from './scenario.js';

const MALFORMED = ['not json at all', '{"order_id":"ORD-BAD-1","restaurant":"Moon Base"}', '{"order_id":"ORD-BAD-2","student_id":"STU-1","restaurant":"Tower Cafe","items":[{"item":"coffee","quantity":-1,"unit_price":3.5}],"total_amount":-3.5,"placed_at":"2026-02-15T10:00:00.000Z","status":"placed"}'];

/** A fixed event-time schedule, so that a rerun with the same seed gives the same orders, times included. */
const EVENT_TIME_START = new Date('2026-02-15T10:00:00.000Z');

async function endOffsets(admin: DriverAdmin, topics: PipelineTopics): Promise<Record<string, number>> {
  const entries = await Promise.all(
    [topics.orders, topics.inventory, topics.deadLetter].map(async (topic) => [topic, (await admin.endOffsets(topic)).reduce((sum, p) => sum + p.high, 0)] as const),
  );
  return Object.fromEntries(entries);
}

/** One analytics pass: consume all three topics to their end offsets as `groupId`, and return the figures. */
async function analyticsPass(context: BenchContext, topics: PipelineTopics, groupId: string, ends: Record<string, number>, limitMs: number): Promise<Figures> {
  const analytics = new AnalyticsService(context.client, { topics, groupId, reportEveryMessages: 0 });
  await analytics.start();
  try {
    await until(`analytics pass as ${groupId}`, limitMs, () => (Object.entries(ends).every(([topic, end]) => (analytics.consumed()[topic] ?? 0) >= end) ? true : undefined));
    return analytics.figures();
  } finally {
    await analytics.stop();
  }
}

/**
 * Replay: analytics over a fixed set of orders gives figures; the group's offsets are reset to the
 * earliest with the admin API and a second pass gives figures; a fresh group gives a third. All
 * three must be identical, byte for byte.
 */
export async function runReplay(context: BenchContext, params: ReplayParams): Promise<ScenarioOutcome> {
  const { client, progress } = context;
  const limit = params.timeoutS * 1000;
  const topics = await context.freshTopics(params.partitions);
  const { admin } = context;

  progress.phase(`producing ${params.count} orders and processing them`);
  const publisher = await OrderPublisher.open(client, topics.orders);
  const summary = await produceOrders(new OrderGenerator({ seed: params.seed, placedAt: fixedSchedule(EVENT_TIME_START, 250) }), publisher, { count: params.count, pacing: { kind: 'batch', batchSize: 500 } });
  await publisher.close();
  // A few messages that are not orders, so that the dead-letter topic is part of what is replayed.
  const raw = await client.producer({ idempotent: false, acks: 'all', compression: 'none' });
  await raw.send(MALFORMED.map((value) => ({ topic: topics.orders, key: null, value })));
  await raw.close();
  const inventory = new InventoryService(client, {
    topics,
    groupId: `${context.runId}-inventory`,
    initialStock: params.initialStock,
    trouble: { seed: params.seed, failureRate: params.failureRate, transientErrorRate: params.transientErrorRate },
    retry: { maxRetries: 3, backoffMs: 1 },
    throttleMs: 0,
  });
  await inventory.start();
  try {
    await until('inventory', limit, () => (inventory.stats.processed >= params.count + MALFORMED.length ? true : undefined));
  } finally {
    // Stopped before the analytics passes, and also when this phase times out.
    await inventory.stop();
  }
  const ends = await endOffsets(admin, topics);

  const group = `${context.runId}-analytics`;
  progress.phase('analytics, first pass');
  const first = await analyticsPass(context, topics, group, ends, limit);
  progress.phase('resetting the group to the earliest offsets');
  await admin.resetGroupToEarliest(group, [topics.orders, topics.inventory, topics.deadLetter]);
  progress.phase('analytics, second pass after the reset');
  const second = await analyticsPass(context, topics, group, ends, limit);
  progress.phase('analytics, third pass as a fresh group');
  const third = await analyticsPass(context, topics, `${context.runId}-analytics-fresh`, ends, limit);
  progress.done();

  const [a, b, c] = [figuresJson(first), figuresJson(second), figuresJson(third)];
  const identical = a === b && a === c;
  const differing = identical ? [] : (Object.keys(first) as (keyof Figures)[]).filter((key) => JSON.stringify(first[key]) !== JSON.stringify(second[key]) || JSON.stringify(first[key]) !== JSON.stringify(third[key]));
  const accounted = first.reserved + first.failed + first.dead_lettered;
  return {
    warmup: { messages: 0, duration_ms: 0, excluded_from_figures: false },
    figures: {
      identical,
      orders_produced: summary.sent,
      total_orders: first.total_orders,
      reserved: first.reserved,
      failed: first.failed,
      dead_lettered: first.dead_lettered,
      pending: first.pending,
      malformed: first.malformed,
      failure_rate: first.failure_rate,
      revenue: Object.values(first.by_restaurant).reduce((sum, r) => sum + Math.round(r.revenue * 100), 0) / 100,
      messages_per_pass: Object.values(ends).reduce((sum, n) => sum + n, 0),
      figures_json_bytes: Buffer.byteLength(a),
    },
    histograms: [],
    series: [],
    checks: [
      { name: 'replay identical', passed: identical, detail: identical ? `three passes, ${Buffer.byteLength(a)} bytes of figures each, byte for byte the same` : `differ in: ${differing.join(', ')}` },
      { name: 'every order accounted for', passed: first.total_orders === params.count && accounted === params.count && first.pending === 0 && first.malformed === MALFORMED.length, detail: `${first.total_orders} orders: ${first.reserved} reserved, ${first.failed} failed, ${first.dead_lettered} dead-lettered, ${first.pending} pending; ${first.malformed} of ${MALFORMED.length} malformed messages dead-lettered` },
    ],
    documents: { first_pass: first, after_offset_reset: second, fresh_group: third },
  };
}
