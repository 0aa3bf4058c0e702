import { figuresJson, type Figures } from '../../pipeline/analytics/figures.js';
import { encodeOrderPlaced, type Encoding } from '../../pipeline/contracts/codec.js';
import type { OrderPlaced } from '../../pipeline/contracts/events.js';
import { changelogTopic, type PipelineTopics } from '../../pipeline/contracts/topics.js';
import { deleteChangelog } from '../../pipeline/state/changelog.js';
import { MAX_EVENT_WINDOW_S } from '../../pipeline/contracts/limits.js';
import type { BenchContext } from '../harness.js';
import type { ReplayParams } from './params.js';
import { sendOrders, startStages, untilDone } from './phases.js';
import type { ScenarioOutcome } from './scenario.js';

const MALFORMED_JSON = ['not json at all', '{"order_id":"ORD-BAD-1","restaurant":"Moon Base"}', '{"order_id":"ORD-BAD-2","student_id":"STU-1","restaurant":"Tower Cafe","items":[{"item":"coffee","quantity":-1,"unit_price":3.5}],"total_amount":-3.5,"placed_at":"2026-02-15T10:00:00.000Z","status":"placed"}'];

const SAMPLE_ORDER: OrderPlaced = { order_id: 'ORD-BAD-3', student_id: 'STU-1', restaurant: 'Tower Cafe', items: [{ item: 'coffee', quantity: 1, unit_price: 3.5 }], total_amount: 3.5, placed_at: '2026-02-15T10:00:00.000Z', status: 'placed' };

/** Messages that are not orders, for the dead-letter topic; in Avro also an unknown schema's fingerprint and a truncated body. */
function malformedMessages(encoding: Encoding): (string | Buffer)[] {
  if (encoding === 'json') return MALFORMED_JSON;
  const valid = Buffer.from(encodeOrderPlaced(SAMPLE_ORDER, 'avro'));
  const unknownSchema = Buffer.from(valid);
  unknownSchema.writeUInt8((unknownSchema[2] ?? 0) ^ 0xff, 2);
  return [...MALFORMED_JSON, unknownSchema, valid.subarray(0, valid.length - 4)];
}

/** A fixed event-time schedule, so that a rerun with the same seed gives the same orders, times included. */
const EVENT_TIME = { startIso: '2026-02-15T10:00:00.000Z', stepMs: 250 } as const;

/** One analytics pass: an analytics process reads all three topics as `group` until its offsets reach the ends; its figures come from GET /metrics. */
async function analyticsPass(context: BenchContext, topics: PipelineTopics, group: string, params: ReplayParams): Promise<Figures> {
  const stages = await startStages(context, topics, { inventoryInstances: 0, analytics: true, analyticsGroup: group, state: 'changelog' }, params.timeoutS);
  if (stages.kind === 'external') throw new Error('bench:replay runs its own pipeline; it does not run with --pipeline external');
  try {
    await untilDone(context, { stages, timeoutS: params.timeoutS });
    return await stages.pipeline.analyticsFigures();
  } finally {
    await stages.pipeline.stop();
  }
}

/** The orders (and a few malformed messages) through an inventory with simulated trouble, until its group has committed them all. */
async function processOrders(context: BenchContext, topics: PipelineTopics, params: ReplayParams): Promise<number> {
  context.progress.phase(`producing ${params.count} orders and processing them`);
  const sent = await sendOrders(context, { topic: topics.orders, count: params.count, workers: 1, batchSize: 500, sendsPerSecond: null, phase: 'measure', seed: params.seed, eventTime: EVENT_TIME, headers: 'none', encoding: params.encoding }, params.timeoutS);
  // A few messages that are not orders, so that the dead-letter topic is part of what is replayed.
  const raw = await context.client.producer({ idempotent: false, acks: 'all', compression: 'none' });
  await raw.send(malformedMessages(params.encoding).map((value) => ({ topic: topics.orders, key: null, value })));
  await raw.close();
  // The orders' event times are fixed (EVENT_TIME), so older than the inventory's default window: a replay is a backfill.
  const inventory = { initialStock: params.initialStock, failureRate: params.failureRate, transientErrorRate: params.transientErrorRate, retryBackoffMs: 1, throttleMs: 0, seed: params.seed, maxEventAgeS: MAX_EVENT_WINDOW_S };
  const stages = await startStages(context, topics, { inventoryInstances: 1, analytics: false, inventory }, params.timeoutS);
  if (stages.kind === 'external') throw new Error('bench:replay runs its own pipeline; it does not run with --pipeline external');
  try {
    await untilDone(context, { stages, timeoutS: params.timeoutS });
  } finally {
    // Stopped before the analytics passes, and also when this phase times out.
    await stages.pipeline.stop();
  }
  return sent.sent;
}

/**
 * Replay: an analytics process over a fixed set of orders gives figures; the group's offsets are
 * reset to the earliest with the admin API and a second process gives figures; a fresh group
 * gives a third. All three must be identical, byte for byte.
 */
export async function runReplay(context: BenchContext, params: ReplayParams): Promise<ScenarioOutcome> {
  const topics = await context.freshTopics(params.partitions);
  const sent = await processOrders(context, topics, params);
  const group = `${context.runId}-analytics`;
  context.progress.phase('analytics, first pass');
  const first = await analyticsPass(context, topics, group, params);
  context.progress.phase('resetting the group to the earliest offsets');
  await context.admin.resetGroupToEarliest(group, [topics.orders, topics.inventory, topics.deadLetter]);
  // And its state, as Kafka Streams' reset tool deletes a store's changelog: else the second pass would restore the first's figures rather than compute them again.
  await deleteChangelog(context.admin, changelogTopic(group));
  context.progress.phase('analytics, second pass after the reset');
  const second = await analyticsPass(context, topics, group, params);
  context.progress.phase('analytics, third pass as a fresh group');
  const third = await analyticsPass(context, topics, `${context.runId}-analytics-fresh`, params);
  context.progress.done();
  const messages = (await Promise.all([topics.orders, topics.inventory, topics.deadLetter].map(async (topic) => (await context.admin.endOffsets(topic)).reduce((sum, p) => sum + p.high, 0)))).reduce((a, b) => a + b, 0);
  return replayOutcome(params, sent, messages, first, second, third);
}

function replayOutcome(params: ReplayParams, sent: number, messages: number, first: Figures, second: Figures, third: Figures): ScenarioOutcome {
  const [a, b, c] = [figuresJson(first), figuresJson(second), figuresJson(third)];
  const identical = a === b && a === c;
  const differing = identical ? [] : (Object.keys(first) as (keyof Figures)[]).filter((key) => JSON.stringify(first[key]) !== JSON.stringify(second[key]) || JSON.stringify(first[key]) !== JSON.stringify(third[key]));
  const accounted = first.reserved + first.failed + first.dead_lettered;
  const malformed = malformedMessages(params.encoding).length;
  return {
    warmup: { messages: 0, duration_ms: 0, excluded_from_figures: false },
    figures: {
      identical,
      orders_produced: sent,
      total_orders: first.total_orders,
      reserved: first.reserved,
      failed: first.failed,
      dead_lettered: first.dead_lettered,
      pending: first.pending,
      malformed: first.malformed,
      failure_rate: first.failure_rate,
      revenue: Object.values(first.by_restaurant).reduce((sum, r) => sum + Math.round(r.revenue * 100), 0) / 100,
      messages_per_pass: messages,
      figures_json_bytes: Buffer.byteLength(a),
    },
    histograms: [],
    series: [],
    checks: [
      { name: 'replay identical', passed: identical, detail: identical ? `three passes, ${Buffer.byteLength(a)} bytes of figures each, byte for byte the same` : `differ in: ${differing.join(', ')}` },
      { name: 'every order accounted for', passed: first.total_orders === params.count && accounted === params.count && first.pending === 0 && first.malformed === malformed, detail: `${first.total_orders} orders: ${first.reserved} reserved, ${first.failed} failed, ${first.dead_lettered} dead-lettered, ${first.pending} pending; ${first.malformed} of ${malformed} malformed messages dead-lettered` },
    ],
    documents: { first_pass: first, after_offset_reset: second, fresh_group: third },
  };
}
