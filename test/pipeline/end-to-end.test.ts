import { expect } from 'chai';
import type { DriverAdmin, DriverProducer, KafkaClient } from '../../clients/driver.js';
import { figuresJson, type Figures } from '../../pipeline/analytics/figures.js';
import { parseInventoryResult, serializeOrderPlaced, type OrderPlaced } from '../../pipeline/contracts/events.js';
import { DLQ_HEADERS, type PipelineTopics } from '../../pipeline/contracts/topics.js';
import { fixedSchedule, OrderGenerator } from '../../pipeline/producer/order-generator.js';
import { OrderPublisher } from '../../pipeline/producer/order-producer.js';
import { produceOrders } from '../../pipeline/producer/produce-orders.js';
import { DESIGN_EXAMPLE_ORDER } from '../helpers/fixtures.js';
import { requireDriver, TEST_DRIVERS, testClient } from '../helpers/drivers.js';
import { Cleanup } from '../helpers/kafka.js';
import { createPipelineTopics, headerText, readMessages, settledFigures, startAnalytics, startInventory, type InventorySettings } from '../helpers/pipeline.js';

const START = new Date('2026-02-15T10:00:30.000Z');

for (const driver of TEST_DRIVERS) describe(`the pipeline end to end, ${driver} driver (real broker)`, function () {
  this.timeout(120_000);
  const cleanup = new Cleanup();
  let kafka: KafkaClient;
  let admin: DriverAdmin;
  let ready = false;

  before(async function () {
    await requireDriver(this, driver);
    kafka = await testClient(driver, 'pipeline-test');
    admin = await kafka.admin();
    ready = true;
  });
  afterEach(() => cleanup.run());
  after(() => (ready ? admin.close() : undefined));

  async function publish(topics: PipelineTopics, count: number, seed: number): Promise<OrderPlaced[]> {
    const generator = new OrderGenerator({ seed, placedAt: fixedSchedule(START, 1_000) });
    const sent: OrderPlaced[] = [];
    const publisher = await OrderPublisher.open(kafka, topics.orders);
    cleanup.add(() => publisher.close());
    const recording = {
      next: (): OrderPlaced => {
        const order = generator.next();
        sent.push(order);
        return order;
      },
    };
    const summary = await produceOrders(recording, publisher, { count, pacing: { kind: 'batch', batchSize: 100 } });
    expect(summary).to.include({ sent: count, failed: 0 });
    return sent;
  }

  async function rawProducer(): Promise<DriverProducer> {
    const producer = await kafka.producer({ idempotent: false, acks: 'all', compression: 'none' });
    cleanup.add(() => producer.close());
    return producer;
  }

  async function runPipeline(count: number, seed: number, settings: InventorySettings, partitions = 3): Promise<{ figures: Figures; orders: OrderPlaced[]; topics: PipelineTopics }> {
    const topics = await createPipelineTopics(admin, cleanup, partitions);
    await startInventory(kafka, topics, cleanup, settings);
    const analytics = await startAnalytics(kafka, topics, cleanup);
    const orders = await publish(topics, count, seed);
    return { figures: await settledFigures(analytics, count), orders, topics };
  }

  it('turns N orders into N results, and figures right to the cent and to the minute', async () => {
    const { figures, orders, topics } = await runPipeline(150, 11, {});
    const results = await readMessages(kafka, topics.inventory, 150, cleanup);
    expect(new Set(results.map((m) => m.key?.toString())).size).to.equal(150);
    expect(results.every((m) => parseInventoryResult(m.value).ok)).to.equal(true);

    expect(figures).to.include({ total_orders: 150, reserved: 150, failed: 0, dead_lettered: 0, pending: 0, failure_rate: 0 });
    expect(figures.orders_per_minute).to.deep.equal({ '2026-02-15T10:00': 30, '2026-02-15T10:01': 60, '2026-02-15T10:02': 60 });
    const cents = new Map<string, number>();
    for (const order of orders) cents.set(order.restaurant, (cents.get(order.restaurant) ?? 0) + order.items.reduce((sum, l) => sum + Math.round(l.unit_price * 100) * l.quantity, 0));
    for (const [restaurant, totals] of Object.entries(figures.by_restaurant)) {
      expect(totals.revenue, restaurant).to.equal((cents.get(restaurant) ?? 0) / 100);
      expect(totals.orders, restaurant).to.equal(orders.filter((o) => o.restaurant === restaurant).length);
    }
    expect(figures.latency_ms.count).to.equal(150);
  });

  it('processes and counts an order written by any client in the documented JSON', async () => {
    const topics = await createPipelineTopics(admin, cleanup);
    await startInventory(kafka, topics, cleanup);
    const analytics = await startAnalytics(kafka, topics, cleanup);
    await (await rawProducer()).send([{ topic: topics.orders, key: 'ORD-000001', value: DESIGN_EXAMPLE_ORDER }]);
    const figures = await settledFigures(analytics, 1);
    expect(figures).to.include({ total_orders: 1, reserved: 1 });
    expect(figures.by_restaurant['Spartan Eats']).to.deep.equal({ orders: 1, revenue: 17 });
  });

  it('dead-letters malformed input with its reason and source, keeps going, and loses nothing valid', async () => {
    const topics = await createPipelineTopics(admin, cleanup, 1);
    const inventory = await startInventory(kafka, topics, cleanup);
    const analytics = await startAnalytics(kafka, topics, cleanup);
    const bad = [
      ['not JSON', '{"order_id": "ORD-X1", oops', /^invalid_json: /],
      ['missing fields', '{"order_id":"ORD-X2","restaurant":"Tower Cafe"}', /^invalid_event: student_id: /],
      ['unknown restaurant', DESIGN_EXAMPLE_ORDER.replace('ORD-000001', 'ORD-X3').replace('Spartan Eats', 'Moon Base'), /^invalid_event: restaurant: unknown restaurant/],
      ['negative quantity', DESIGN_EXAMPLE_ORDER.replace('ORD-000001', 'ORD-X4').replace('"quantity":2', '"quantity":-2'), /^invalid_event: items\.0\.quantity: /],
    ] as const;
    const producer = await rawProducer();
    const valid = new OrderGenerator({ seed: 3, placedAt: fixedSchedule(START, 100) });
    const messages = [];
    for (const [, value] of bad) {
      messages.push({ topic: topics.orders, key: null, value }, { topic: topics.orders, key: 'k', value: serializeOrderPlaced(valid.next()) });
    }
    await producer.send(messages);

    const figures = await settledFigures(analytics, 4, 4);
    expect(figures).to.include({ total_orders: 4, reserved: 4, malformed: 4 });
    const deadLetters = await readMessages(kafka, topics.deadLetter, 4, cleanup);
    expect(deadLetters).to.have.length(4);
    deadLetters.forEach((letter, i) => {
      const [what, value, reason] = bad[i] ?? ['?', '', /^$/];
      expect(letter.value?.toString(), what).to.equal(value);
      expect(headerText(letter, DLQ_HEADERS.error), what).to.match(reason);
      expect(headerText(letter, DLQ_HEADERS.sourceTopic)).to.equal(topics.orders);
      expect(headerText(letter, DLQ_HEADERS.sourcePartition)).to.equal('0');
      expect(headerText(letter, DLQ_HEADERS.sourceOffset)).to.equal(String(i * 2));
    });
    expect(deadLetters.slice(1).map((m) => m.key?.toString())).to.deep.equal(['ORD-X2', 'ORD-X3', 'ORD-X4']);
    expect(inventory.stats).to.include({ processed: 8, reserved: 4, deadLettered: 4 });
  });

  it('retries transient errors, then dead-letters what failed on every retry', async () => {
    const always = await runPipeline(20, 21, { trouble: { seed: 2, failureRate: 0, transientErrorRate: 1 }, retry: { maxRetries: 2, backoffMs: 1 } });
    expect(always.figures).to.include({ total_orders: 20, dead_lettered: 20, reserved: 0, failed: 0 });
    const letters = await readMessages(kafka, always.topics.deadLetter, 20, cleanup);
    expect(letters.map((m) => headerText(m, DLQ_HEADERS.error))).to.satisfy((errors: string[]) => errors.every((e) => e === 'retries_exhausted: simulated transient error on attempt 3; 3 attempts'));
    expect(new Set(letters.map((m) => m.key?.toString()))).to.deep.equal(new Set(always.orders.map((o) => o.order_id)));

    const sometimes = await runPipeline(200, 22, { trouble: { seed: 2, failureRate: 0, transientErrorRate: 0.5 }, retry: { maxRetries: 3, backoffMs: 1 } });
    // 0.5^4 of the orders fail all four attempts: about 12 of 200; the rest are reserved, some after retries.
    expect(sometimes.figures.dead_lettered).to.be.within(1, 40);
    expect(sometimes.figures.reserved + sometimes.figures.dead_lettered).to.equal(200);
  });

  it('fails orders with out_of_stock when stock runs out; the same seed gives the same orders and figures', async () => {
    const settings = { initialStock: 10, trouble: { seed: 4, failureRate: 0.1, transientErrorRate: 0 } };
    // One partition, so that both runs process orders in the same order and exhaust stock alike.
    const first = await runPipeline(120, 99, settings, 1);
    const second = await runPipeline(120, 99, settings, 1);
    expect(first.figures.failures_by_reason.out_of_stock).to.be.greaterThan(0);
    expect(first.figures.failures_by_reason.simulated_failure).to.be.greaterThan(0);
    expect(first.figures.reserved).to.be.greaterThan(0);
    expect(second.orders).to.deep.equal(first.orders);
    // Latency is wall-clock processing time, the one figure that may differ between runs.
    const withoutLatency = (f: Figures): string => figuresJson({ ...f, latency_ms: { ...f.latency_ms, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, p99_99: 0, max: 0 } });
    expect(withoutLatency(second.figures)).to.equal(withoutLatency(first.figures));
  });
});
