import { expect } from 'chai';
import type { ConsumedMessage, DriverAdmin, KafkaClient } from '../../../clients/driver.js';
import { openClient } from '../../../clients/registry.js';
import { KafkaOrderSink } from '../../../pipeline/api/kafka-sink.js';
import { buildOrderApi } from '../../../pipeline/api/server.js';
import { decodeOrderPlaced, type Encoding } from '../../../pipeline/contracts/codec.js';
import { testClient } from '../../helpers/drivers.js';
import { Cleanup, createTestTopics, uniqueName } from '../../helpers/kafka.js';
import { headerText, readMessages } from '../../helpers/pipeline.js';
import { freePort } from '../../helpers/processes.js';

describe('pipeline/api: POST /order (real broker)', () => {
  const cleanup = new Cleanup();
  let kafka: KafkaClient;
  let admin: DriverAdmin;
  const body = { student_id: 'STU-0007', restaurant: 'Engineering Hub', items: [{ item: 'ramen', quantity: 2 }, { item: 'sushi', quantity: 1 }] };

  let ready = false;

  before(async () => {
    kafka = await testClient('kafkajs', 'api-test');
    admin = await kafka.admin();
    ready = true;
  });
  afterEach(() => cleanup.run());
  after(() => (ready ? admin.close() : undefined));

  function api(sinkKafka: KafkaClient, topic: string, sendTimeoutMs = 5_000, encoding: Encoding = 'json') {
    const sink = new KafkaOrderSink(sinkKafka, topic, encoding, { lingerMs: 0, maxBatch: 100 });
    const app = buildOrderApi({ sink, sendTimeoutMs });
    cleanup.add(async () => {
      await app.close();
      await sink.close();
    });
    return app;
  }

  for (const [encoding, contentType, firstByte] of [['json', 'application/json', 0x7b], ['avro', 'application/avro', 0xc3]] as const) {
    it(`answers 202 with the order id and publishes a valid OrderPlaced keyed by it, in ${encoding} with a JSON body`, async () => {
      const topic = uniqueName('api-orders');
      await createTestTopics(admin, [{ topic, partitions: 3 }], cleanup);
      const app = api(kafka, topic, 5_000, encoding);
      const response = await app.inject({ method: 'POST', url: '/order', payload: body });
      expect(response.statusCode).to.equal(202);
      const answer = response.json<{ order_id: string; status: string; total_amount: number }>();
      expect(answer).to.include({ status: 'placed', total_amount: 35.5 });

      const [message] = await readMessages(kafka, topic, 1, cleanup);
      if (!message) throw new Error('no order on the topic');
      expect(message.key?.toString()).to.equal(answer.order_id);
      expect(headerText(message, 'content-type')).to.equal(contentType);
      expect(message.value?.[0]).to.equal(firstByte);
      const event = decodeOrderPlaced(message.value, message.headers);
      expect(event).to.include({ ok: true, encoding });
      if (event.ok) expect(event.value).to.include({ order_id: answer.order_id, student_id: 'STU-0007', restaurant: 'Engineering Hub', total_amount: 35.5, status: 'placed' });
      expect((await app.inject({ method: 'GET', url: '/health' })).json()).to.deep.equal({ status: 'ok', kafka: 'connected' });
    });
  }

  it('copies trace context and a load generator\'s timing from the request onto the order, beside its sent-at', async () => {
    const topic = uniqueName('api-orders');
    await createTestTopics(admin, [{ topic, partitions: 1 }], cleanup);
    const app = api(kafka, topic);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const before = Date.now();
    const response = await app.inject({ method: 'POST', url: '/order', payload: body, headers: { traceparent, tracestate: 'vendor=1', 'bench-run': 'run-7', 'x-not-propagated': 'no' } });
    expect(response.statusCode).to.equal(202);
    const [message] = await readMessages(kafka, topic, 1, cleanup);
    expect(headerText(message ?? ({} as ConsumedMessage), 'traceparent')).to.equal(traceparent);
    expect(message?.headers).to.have.all.keys('traceparent', 'tracestate', 'bench-run', 'sent-at', 'content-type');
    expect(Number(message?.headers['sent-at']?.toString())).to.be.within(before, Date.now());
    const tooLong = await app.inject({ method: 'POST', url: '/order', payload: body, headers: { baggage: 'x'.repeat(9_000) } });
    expect(tooLong.statusCode).to.equal(400);
    expect(tooLong.json<{ error: string }>().error).to.equal('header baggage: longer than 8192 characters');
  });

  it('under concurrent requests, publishes exactly one order for every 202', async () => {
    const topic = uniqueName('api-orders');
    await createTestTopics(admin, [{ topic, partitions: 3 }], cleanup);
    const app = api(kafka, topic);
    const count = 400;
    const responses = await Promise.all(Array.from({ length: count }, () => app.inject({ method: 'POST', url: '/order', payload: body })));
    const accepted = responses.filter((r) => r.statusCode === 202).map((r) => r.json<{ order_id: string }>().order_id);
    expect(accepted).to.have.length(count);
    const messages = await readMessages(kafka, topic, count, cleanup);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await admin.endOffsets(topic)).reduce((sum, p) => sum + p.high, 0)).to.equal(count);
    expect(new Set(messages.map((m) => m.key?.toString()))).to.deep.equal(new Set(accepted));
  });

  it('answers 400 with the reason, and publishes nothing', async () => {
    const topic = uniqueName('api-orders');
    await createTestTopics(admin, [{ topic, partitions: 1 }], cleanup);
    const app = api(kafka, topic);
    const cases: [unknown, string][] = [
      [{ ...body, restaurant: 'Moon Base' }, 'restaurant: unknown restaurant'],
      [{ ...body, items: [{ item: 'ramen', quantity: 0 }] }, 'items.0.quantity'],
      [{ ...body, items: [{ item: 'coffee', quantity: 1 }] }, "'coffee' is not on the menu of Engineering Hub"],
    ];
    for (const [payload, reason] of cases) {
      const response = await app.inject({ method: 'POST', url: '/order', payload: payload as object });
      expect(response.statusCode).to.equal(400);
      expect(response.json<{ error: string }>().error).to.include(reason);
    }
    const notJson = await app.inject({ method: 'POST', url: '/order', headers: { 'content-type': 'application/json' }, payload: '{"student_id":' });
    expect(notJson.statusCode).to.equal(400);
    expect(notJson.json<{ error: string }>().error).to.match(/JSON/);
    const offsets = await admin.endOffsets(topic);
    expect(offsets.map((p) => p.high)).to.deep.equal([0]);
  });

  it('answers 503 within seconds when Kafka is unreachable', async () => {
    const deadKafka = await openClient('kafkajs', { brokers: [`127.0.0.1:${await freePort()}`], clientId: 'api-test-dead', logLevel: 'nothing', retries: 1 });
    const app = api(deadKafka, 'orders-nowhere', 3_000);
    const response = await app.inject({ method: 'POST', url: '/order', payload: body });
    expect(response.statusCode).to.equal(503);
    expect(response.json<{ error: string }>().error).to.match(/^Kafka could not take the order: /);
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).to.deep.equal({ status: 'ok', kafka: 'not connected' });
  });
});
