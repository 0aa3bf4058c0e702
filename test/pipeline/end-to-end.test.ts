import { expect } from 'chai';
import type { DriverProducer } from '../../clients/driver.js';
import { figuresJson, type Figures } from '../../pipeline/analytics/figures.js';
import { AvroSingleObjectCodec, decodeInventoryResult, encodeOrderPlaced, ENCODINGS, loadAvroSchema, type Encoding } from '../../pipeline/contracts/codec.js';
import type { OrderPlaced } from '../../pipeline/contracts/events.js';
import { DLQ_HEADERS, type PipelineTopics } from '../../pipeline/contracts/topics.js';
import { fixedSchedule, OrderGenerator } from '../../pipeline/producer/order-generator.js';
import { OrderPublisher } from '../../pipeline/producer/order-producer.js';
import { produceOrders } from '../../pipeline/producer/produce-orders.js';
import { DESIGN_EXAMPLE_ORDER, DESIGN_EXAMPLE_ORDER_AVRO } from '../helpers/fixtures.js';
import { driverSuite, TEST_DRIVERS } from '../helpers/drivers.js';
import { createPipelineTopics, headerText, readMessages, settledFigures, startAnalytics, startInventory, type InventorySettings } from '../helpers/pipeline.js';

const START = new Date('2026-02-15T10:00:30.000Z');

/**
 * Every driver in both encodings: a suite takes about 6 s on a warm local broker (measured on the
 * project's 2-core machine), so the whole matrix stays under a minute.
 */
const SUITES = TEST_DRIVERS.flatMap((driver) => ENCODINGS.map((encoding) => ({ driver, encoding })));

/** The same order in this suite's encoding, as bytes another client would write. */
const asWritten = (order: OrderPlaced, encoding: Encoding): string | Buffer => encodeOrderPlaced(order, encoding);

for (const { driver, encoding } of SUITES) describe(`the pipeline end to end, ${driver} driver, ${encoding} (real broker)`, function () {
  this.timeout(120_000);
  const suite = driverSuite(driver, 'pipeline-test');
  const { cleanup } = suite;

  async function publish(topics: PipelineTopics, count: number, seed: number, as: Encoding = encoding): Promise<OrderPlaced[]> {
    const generator = new OrderGenerator({ seed, placedAt: fixedSchedule(START, 1_000) });
    const sent: OrderPlaced[] = [];
    const publisher = await OrderPublisher.open(suite.kafka, topics.orders, as);
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
    const producer = await suite.kafka.producer({ idempotent: false, acks: 'all', compression: 'none' });
    cleanup.add(() => producer.close());
    return producer;
  }

  async function runPipeline(count: number, seed: number, settings: InventorySettings, partitions = 3, as: Encoding = encoding): Promise<{ figures: Figures; orders: OrderPlaced[]; topics: PipelineTopics }> {
    const topics = await createPipelineTopics(suite.admin, cleanup, partitions);
    await startInventory(suite.kafka, topics, cleanup, settings);
    const analytics = await startAnalytics(suite.kafka, topics, cleanup);
    const orders = await publish(topics, count, seed, as);
    return { figures: await settledFigures(analytics, count), orders, topics };
  }

  it('turns N orders into N results, and figures right to the cent and to the minute', async () => {
    const { figures, orders, topics } = await runPipeline(150, 11, {});
    const results = await readMessages(suite.kafka, topics.inventory, 150, cleanup);
    expect(new Set(results.map((m) => m.key?.toString())).size).to.equal(150);
    // Each result in its order's encoding, and saying so.
    expect(results.every((m) => decodeInventoryResult(m.value, m.headers).ok && m.value?.[0] === (encoding === 'avro' ? 0xc3 : 0x7b))).to.equal(true);
    expect(new Set(results.map((m) => headerText(m, 'content-type')))).to.deep.equal(new Set([encoding === 'avro' ? 'application/avro' : 'application/json']));

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

  it(`processes and counts an order written by any client in the documented ${encoding}, without a content-type header`, async () => {
    const topics = await createPipelineTopics(suite.admin, cleanup);
    await startInventory(suite.kafka, topics, cleanup);
    const analytics = await startAnalytics(suite.kafka, topics, cleanup);
    await (await rawProducer()).send([{ topic: topics.orders, key: 'ORD-000001', value: encoding === 'avro' ? DESIGN_EXAMPLE_ORDER_AVRO : DESIGN_EXAMPLE_ORDER }]);
    const figures = await settledFigures(analytics, 1);
    expect(figures).to.include({ total_orders: 1, reserved: 1 });
    expect(figures.by_restaurant['Spartan Eats']).to.deep.equal({ orders: 1, revenue: 17 });
  });

  it('dead-letters malformed input with its reason and source, keeps going, and loses nothing valid', async () => {
    const topics = await createPipelineTopics(suite.admin, cleanup, 1);
    const inventory = await startInventory(suite.kafka, topics, cleanup);
    const analytics = await startAnalytics(suite.kafka, topics, cleanup);
    const bad = encoding === 'json' ? badJson() : badAvro();
    const producer = await rawProducer();
    const valid = new OrderGenerator({ seed: 3, placedAt: fixedSchedule(START, 100) });
    const messages = [];
    for (const [, value] of bad) {
      messages.push({ topic: topics.orders, key: null, value }, { topic: topics.orders, key: 'k', value: asWritten(valid.next(), encoding) });
    }
    await producer.send(messages);

    const figures = await settledFigures(analytics, 4, 4);
    expect(figures).to.include({ total_orders: 4, reserved: 4, malformed: 4 });
    const deadLetters = await readMessages(suite.kafka, topics.deadLetter, 4, cleanup);
    expect(deadLetters).to.have.length(4);
    deadLetters.forEach((letter, i) => {
      const [what, value, reason] = bad[i] ?? ['?', '', /^$/];
      expect(letter.value?.equals(Buffer.from(value)), `${what}: byte for byte`).to.equal(true);
      expect(headerText(letter, DLQ_HEADERS.error), what).to.match(reason);
      expect(headerText(letter, DLQ_HEADERS.sourceTopic)).to.equal(topics.orders);
      expect(headerText(letter, DLQ_HEADERS.sourcePartition)).to.equal('0');
      expect(headerText(letter, DLQ_HEADERS.sourceOffset)).to.equal(String(i * 2));
    });
    expect(deadLetters.map((m) => m.key?.toString() ?? null)).to.deep.equal(encoding === 'json' ? [null, 'ORD-X2', 'ORD-X3', 'ORD-X4'] : [null, null, 'ORD-X3', 'ORD-X4']);
    expect(inventory.stats).to.include({ processed: 8, reserved: 4, deadLettered: 4 });
  });

  it('retries transient errors, then dead-letters what failed on every retry', async () => {
    const always = await runPipeline(20, 21, { trouble: { seed: 2, failureRate: 0, transientErrorRate: 1 }, retry: { maxRetries: 2, backoffMs: 1 } });
    expect(always.figures).to.include({ total_orders: 20, dead_lettered: 20, reserved: 0, failed: 0 });
    const letters = await readMessages(suite.kafka, always.topics.deadLetter, 20, cleanup);
    expect(letters.map((m) => headerText(m, DLQ_HEADERS.error))).to.satisfy((errors: string[]) => errors.every((e) => e === 'retries_exhausted: simulated transient error on attempt 3; 3 attempts'));
    expect(new Set(letters.map((m) => m.key?.toString()))).to.deep.equal(new Set(always.orders.map((o) => o.order_id)));

    const sometimes = await runPipeline(200, 22, { trouble: { seed: 2, failureRate: 0, transientErrorRate: 0.5 }, retry: { maxRetries: 3, backoffMs: 1 } });
    // 0.5^4 of the orders fail all four attempts: about 12 of 200; the rest are reserved, some after retries.
    expect(sometimes.figures.dead_lettered).to.be.within(1, 40);
    expect(sometimes.figures.reserved + sometimes.figures.dead_lettered).to.equal(200);
  });

  it(`fails orders with out_of_stock when stock runs out; the same seed gives the same orders and figures${encoding === 'json' ? '' : ', in Avro as in JSON'}`, async () => {
    const settings = { initialStock: 10, trouble: { seed: 4, failureRate: 0.1, transientErrorRate: 0 } };
    // One partition, so that both runs process orders in the same order and exhaust stock alike; the second in JSON.
    const first = await runPipeline(120, 99, settings, 1);
    const second = await runPipeline(120, 99, settings, 1, 'json');
    expect(first.figures.failures_by_reason.out_of_stock).to.be.greaterThan(0);
    expect(first.figures.failures_by_reason.simulated_failure).to.be.greaterThan(0);
    expect(first.figures.reserved).to.be.greaterThan(0);
    expect(second.orders).to.deep.equal(first.orders);
    // Latency is wall-clock processing time, the one figure that may differ between runs.
    const withoutLatency = (f: Figures): string => figuresJson({ ...f, latency_ms: { ...f.latency_ms, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, p99_99: 0, max: 0 } });
    expect(withoutLatency(second.figures)).to.equal(withoutLatency(first.figures));
  });

  if (encoding === 'avro') {
    it('reads orders of both encodings and of both OrderPlaced schemas on one topic, and answers each in its own encoding', async () => {
      const topics = await createPipelineTopics(suite.admin, cleanup, 1);
      const inventory = await startInventory(suite.kafka, topics, cleanup);
      const analytics = await startAnalytics(suite.kafka, topics, cleanup);
      const generator = new OrderGenerator({ seed: 31, placedAt: fixedSchedule(START, 100) });
      const [json, v1, v2] = [generator.next(), generator.next(), generator.next()];
      const newer = loadAvroSchema('order-placed-v2.avsc');
      const v2Bytes = new AvroSingleObjectCodec(newer, [newer]).encode({ ...v2, items: v2.items.map((l) => ({ item: l.item, quantity: l.quantity, unit_price_cents: Math.round(l.unit_price * 100) })), total_amount_cents: Math.round(v2.total_amount * 100), placed_at: Date.parse(v2.placed_at), pickup_note: 'at the desk' });
      await (await rawProducer()).send([
        { topic: topics.orders, key: json.order_id, value: asWritten(json, 'json') },
        { topic: topics.orders, key: v1.order_id, value: asWritten(v1, 'avro') },
        { topic: topics.orders, key: v2.order_id, value: v2Bytes },
      ]);
      const figures = await settledFigures(analytics, 3);
      expect(figures).to.include({ total_orders: 3, reserved: 3, malformed: 0 });
      const results = await readMessages(suite.kafka, topics.inventory, 3, cleanup);
      expect(results.map((m) => [m.key?.toString(), decodeInventoryResult(m.value, m.headers).ok && m.value?.[0]])).to.deep.equal([[json.order_id, 0x7b], [v1.order_id, 0xc3], [v2.order_id, 0xc3]]);
      expect(inventory.stats).to.include({ processed: 3, reserved: 3, deadLettered: 0 });
    });
  }
});

/** Bad JSON orders and the reason each must be dead-lettered with. */
function badJson(): readonly (readonly [string, string | Buffer, RegExp])[] {
  return [
    ['not JSON', '{"order_id": "ORD-X1", oops', /^invalid_json: /],
    ['missing fields', '{"order_id":"ORD-X2","restaurant":"Tower Cafe"}', /^invalid_event: student_id: /],
    ['unknown restaurant', DESIGN_EXAMPLE_ORDER.replace('ORD-000001', 'ORD-X3').replace('Spartan Eats', 'Moon Base'), /^invalid_event: restaurant: unknown restaurant/],
    ['negative quantity', DESIGN_EXAMPLE_ORDER.replace('ORD-000001', 'ORD-X4').replace('"quantity":2', '"quantity":-2'), /^invalid_event: items\.0\.quantity: /],
  ];
}

/** Bad Avro orders: a schema nobody knows, a cut-off body, and well-formed Avro that is not a valid order. */
function badAvro(): readonly (readonly [string, string | Buffer, RegExp])[] {
  const example: OrderPlaced = { order_id: 'ORD-X', student_id: 'STU-0042', restaurant: 'Spartan Eats', items: [{ item: 'burger', quantity: 2, unit_price: 8.5 }], total_amount: 17, placed_at: '2026-02-15T10:23:15.123Z', status: 'placed' };
  const unknownSchema = Buffer.from(DESIGN_EXAMPLE_ORDER_AVRO);
  unknownSchema.writeUInt8((unknownSchema[9] ?? 0) ^ 0x5a, 9);
  return [
    ['an unknown schema', unknownSchema, /^unknown_schema: fingerprint [0-9a-f]{16} is none of /],
    ['a truncated body', DESIGN_EXAMPLE_ORDER_AVRO.subarray(0, 30), /^malformed_avro: order-placed-v1\.avsc: truncated buffer/],
    ['unknown restaurant', asWritten({ ...example, order_id: 'ORD-X3', restaurant: 'Moon Base' as OrderPlaced['restaurant'] }, 'avro'), /^invalid_event: restaurant: unknown restaurant/],
    ['negative quantity', asWritten({ ...example, order_id: 'ORD-X4', items: [{ item: 'burger', quantity: -2, unit_price: 8.5 }], total_amount: -17 }, 'avro'), /^invalid_event: items\.0\.quantity: /],
  ];
}
