/**
 * The stateful stages survive a restart (issue 10, Deliver 3): the inventory and the analytics,
 * each its own process, are killed mid-stream and started again with the same group; their state
 * comes back from their changelogs, and the final figures are those of an uninterrupted run over
 * the same orders.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { DriverAdmin, KafkaClient } from '../../clients/driver.js';
import { eventTimeFigures, type Figures, type MetricsDocument } from '../../pipeline/analytics/figures.js';
import type { PipelineTopics } from '../../pipeline/contracts/topics.js';
import { fixedSchedule, OrderGenerator } from '../../pipeline/producer/order-generator.js';
import { OrderPublisher } from '../../pipeline/producer/order-producer.js';
import { produceOrders } from '../../pipeline/producer/produce-orders.js';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { testClient } from '../helpers/drivers.js';
import { EVENT_TIME_START } from '../helpers/fixtures.js';
import { Cleanup, testBrokers, uniqueName, waitFor } from '../helpers/kafka.js';
import { createPipelineTopics, settledFigures, startAnalytics, startInventory } from '../helpers/pipeline.js';

/** GET /metrics of an analytics process, once it printed its address. */
async function metricsOf(analytics: RunningCli): Promise<MetricsDocument> {
  const url = /GET (http:\/\/\S+\/metrics)/.exec(analytics.output())?.[1];
  if (url === undefined) throw new Error(`the analytics printed no address: ${analytics.output()}`);
  return (await (await fetch(url)).json()) as MetricsDocument;
}

/** The figures of an uninterrupted run and of a killed one are compared without latency, which is wall-clock time of each run. */
function withoutLatency(figures: Figures): Omit<Figures, 'latency_ms'> & { latency_count: number } {
  const { latency_ms: latency, ...rest } = figures;
  return { ...rest, latency_count: latency.count };
}

interface Case {
  readonly signal: 'SIGKILL' | 'SIGTERM';
  /** One partition: the stock decisions depend on the order of processing, which one partition fixes. */
  readonly partitions: number;
  readonly count: number;
  readonly initialStock: number;
  readonly failureRate: number;
  readonly exactlyOnce: boolean;
}

const CASES: readonly Case[] = [
  // Stock runs out partway: a restart that forgot the stock would reserve more than the uninterrupted run.
  { signal: 'SIGKILL', partitions: 1, count: 500, initialStock: 60, failureRate: 0.1, exactlyOnce: false },
  { signal: 'SIGTERM', partitions: 3, count: 450, initialStock: 100_000, failureRate: 0.2, exactlyOnce: true },
];

describe('pipeline: stateful stages restored from their changelogs after a restart (real broker, processes)', function () {
  this.timeout(180_000);
  const cleanup = new Cleanup();
  let kafka: KafkaClient;
  let admin: DriverAdmin;
  let ready = false;

  before(async () => {
    kafka = await testClient('platformatic', 'state-restore-test');
    admin = await kafka.admin();
    ready = true;
  });
  afterEach(() => cleanup.run());
  after(() => (ready ? admin.close() : undefined));

  async function publishOrders(topics: PipelineTopics, count: number): Promise<void> {
    const publisher = await OrderPublisher.open(kafka, topics.orders);
    cleanup.add(() => publisher.close());
    await produceOrders(new OrderGenerator({ seed: 11, placedAt: fixedSchedule(EVENT_TIME_START, 700) }), publisher, { count, pacing: { kind: 'batch', batchSize: 100 } });
  }

  /** The same orders through in-process stages that are never interrupted. */
  async function uninterrupted(c: Case): Promise<Figures> {
    const topics = await createPipelineTopics(admin, cleanup, c.partitions);
    await publishOrders(topics, c.count);
    await startInventory(kafka, topics, cleanup, { initialStock: c.initialStock, trouble: { seed: 1, failureRate: c.failureRate, transientErrorRate: 0 }, exactlyOnce: c.exactlyOnce });
    const analytics = await startAnalytics(kafka, topics, cleanup);
    return settledFigures(analytics, c.count, 0, 60_000);
  }

  for (const c of CASES) {
    it(`${c.signal} of the inventory and the analytics mid-stream, ${c.partitions} partition(s)${c.exactlyOnce ? ', --exactly-once' : ''}: the final figures equal an uninterrupted run's`, async () => {
      const expected = await uninterrupted(c);
      if (c.initialStock < c.count) expect(expected.failures_by_reason.out_of_stock, 'the stock runs out in this case').to.be.greaterThan(0);

      const topics = await createPipelineTopics(admin, cleanup, c.partitions);
      await publishOrders(topics, c.count);
      const brokers = (await testBrokers()).join(',');
      const common = ['--brokers', brokers, '--order-topic', topics.orders, '--inventory-topic', topics.inventory, '--dlq-topic', topics.deadLetter, '--partitions', String(c.partitions), '--no-env'];
      const inventoryArgs = [...common, '--group', uniqueName('inventory'), '--initial-stock', String(c.initialStock), '--failure-rate', String(c.failureRate), '--throttle-ms', '3', ...(c.exactlyOnce ? ['--exactly-once'] : [])];
      const analyticsArgs = [...common, '--group', uniqueName('analytics'), '--http-port', '0', '--report-interval', '0'];
      const stages: RunningCli[] = [];
      cleanup.add(() => Promise.all(stages.map((stage) => stage.stop('SIGKILL'))));
      const start = (script: string, args: readonly string[]): RunningCli => {
        const stage = startCli(join('pipeline', script), args, { ...process.env, CI: 'true' });
        stages.push(stage);
        return stage;
      };
      const logs = (): string => stages.map((stage, i) => `--- stage ${i}:\n${stage.output().slice(-1_200)}`).join('\n');

      const inventory = start('inventory/cli.js', inventoryArgs);
      const analytics = start('analytics/cli.js', analyticsArgs);
      await waitFor('both stages consuming', () => (/consuming/.test(inventory.output()) && /consuming/.test(analytics.output()) ? true : undefined), 60_000).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${logs()}`);
      });
      const before = await waitFor('a third of the results counted', async () => {
        const figures = await metricsOf(analytics);
        return figures.reserved + figures.failed >= c.count / 3 ? figures : undefined;
      }, 90_000);
      await Promise.all([inventory.stop(c.signal), analytics.stop(c.signal)]);
      expect(before.reserved + before.failed, 'stopped mid-stream').to.be.lessThan(c.count);

      const inventoryAgain = start('inventory/cli.js', inventoryArgs);
      const analyticsAgain = start('analytics/cli.js', analyticsArgs);
      const final = await waitFor('every order accounted for after the restart', async () => {
        if (!/consuming/.test(analyticsAgain.output())) return undefined;
        const figures = await metricsOf(analyticsAgain);
        return figures.pending === 0 && figures.reserved + figures.failed === c.count && figures.total_orders === c.count ? figures : undefined;
      }, 120_000).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${logs()}`);
      });

      // Restored, not recounted from nothing: each restarted stage read its changelog back.
      const restoredDecisions = Number(/state restored from \S+: (\d+) decisions/.exec(inventoryAgain.output())?.[1]);
      const restoredRecords = Number(/state restored from \S+: (\d+) records/.exec(analyticsAgain.output())?.[1]);
      expect(restoredDecisions, inventoryAgain.output()).to.be.greaterThan(0);
      expect(restoredRecords, analyticsAgain.output()).to.be.greaterThan(0);

      expect(withoutLatency(eventTimeFigures(final))).to.deep.equal(withoutLatency(expected));
      // Latency included: a fresh reader of the same topics, never interrupted, gives exactly the restored figures.
      const reader = await startAnalytics(kafka, topics, cleanup);
      expect(await settledFigures(reader, c.count, 0, 60_000)).to.deep.equal(eventTimeFigures(final));

      expect(await inventoryAgain.stop('SIGTERM'), inventoryAgain.output()).to.equal(0);
      expect(await analyticsAgain.stop('SIGTERM'), analyticsAgain.output()).to.equal(0);
    });
  }
});
