import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { ConsumedMessage, DriverAdmin, KafkaClient } from '../../../clients/driver.js';
import { openClient } from '../../../clients/registry.js';
import { KafkaOrderSink } from '../../../pipeline/api/kafka-sink.js';
import { buildOrderApi } from '../../../pipeline/api/server.js';
import { orderIdForKey } from '../../../pipeline/api/idempotency.js';
import { startLocalBroker, stopLocalBroker, type LocalBrokerOptions } from '../../../kafka/local-broker.js';
import { decodeOrderPlaced, type Encoding } from '../../../pipeline/contracts/codec.js';
import { TEST_DRIVERS, testClient } from '../../helpers/drivers.js';
import { Cleanup, createTestTopics, ownBrokerOptions, uniqueName, waitFor } from '../../helpers/kafka.js';
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
    expect(notJson.json<{ error: string }>().error).to.match(/^invalid_json: /);
    // The raw body: bounded, strict UTF-8, no prototype keys; each with its own reason.
    const raw: [string | Buffer, number, RegExp][] = [
      [Buffer.concat([Buffer.from('{"student_id":"STU-'), Buffer.from([0xff, 0xfe]), Buffer.from('","restaurant":"Engineering Hub","items":[{"item":"ramen","quantity":1}]}')]), 400, /^invalid_utf8: /],
      [JSON.stringify(body).replace('{', '{"__proto__":{"admin":true},'), 400, /^forbidden_key: /],
      [JSON.stringify(body).replace('"quantity":1}', '"quantity":1,"constructor":{"prototype":{"admin":true}}}'), 400, /^forbidden_key: /],
      [`{"order_id":"X","items":[${Array(30_000).fill('{}').join(',')}]}`, 413, /^too_large: the body is larger than the 32768 bytes an order may have$/],
      [JSON.stringify({ ...body, student_id: 'S'.repeat(65) }), 400, /^student_id: Too big/],
      [JSON.stringify({ ...body, items: Array(51).fill({ item: 'ramen', quantity: 1 }) }), 400, /^items: Too big: expected array to have <=50 items$/],
    ];
    for (const [payload, status, reason] of raw) {
      const response = await app.inject({ method: 'POST', url: '/order', headers: { 'content-type': 'application/json' }, payload });
      expect(response.statusCode, String(reason)).to.equal(status);
      expect(response.json<{ error: string }>().error).to.match(reason);
    }
    const offsets = await admin.endOffsets(topic);
    expect(offsets.map((p) => p.high)).to.deep.equal([0]);
  });

  it('answers 503 within seconds when Kafka is unreachable, saying the order was not published; /health says unreachable (503)', async () => {
    const deadKafka = await openClient('kafkajs', { brokers: [`127.0.0.1:${await freePort()}`], clientId: 'api-test-dead', logLevel: 'nothing', retries: 1 });
    const app = api(deadKafka, 'orders-nowhere', 3_000);
    const response = await app.inject({ method: 'POST', url: '/order', payload: body });
    expect(response.statusCode).to.equal(503);
    expect(response.headers['retry-after']).to.equal('1');
    const answer = response.json<{ error: string; published: unknown; order_id: string }>();
    expect(answer.error).to.match(/^Kafka could not take the order; it was not published: /);
    expect(answer.published).to.equal(false);
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).to.equal(503);
    expect(health.json()).to.deep.equal({ status: 'unavailable', kafka: 'unreachable' });
  });

  it('with an Idempotency-Key, a retried POST answers the first order and publishes it once; a changed body is 422; a bad key 400', async () => {
    const topic = uniqueName('api-orders');
    await createTestTopics(admin, [{ topic, partitions: 3 }], cleanup);
    const app = api(kafka, topic);
    const key = uniqueName('retry');
    const post = (headers: Record<string, string>, payload: object = body) => app.inject({ method: 'POST', url: '/order', payload, headers });
    // Two at once, then one after: all three the same order.
    const answers = [...(await Promise.all([post({ 'idempotency-key': key }), post({ 'idempotency-key': key })])), await post({ 'idempotency-key': key })];
    expect(answers.map((r) => r.statusCode)).to.deep.equal([202, 202, 202]);
    expect(new Set(answers.map((r) => r.json<{ order_id: string }>().order_id))).to.deep.equal(new Set([orderIdForKey(key)]));
    expect(answers.map((r) => r.headers['idempotent-replayed'])).to.deep.equal([undefined, 'true', 'true']);
    const changed = await post({ 'idempotency-key': key }, { ...body, items: [{ item: 'ramen', quantity: 3 }] });
    expect(changed.statusCode).to.equal(422);
    expect(changed.json<{ error: string }>().error).to.equal('this idempotency key (or order_id) was used with a different request body');
    const badKey = await post({ 'idempotency-key': 'has space' });
    expect(badKey.statusCode).to.equal(400);
    expect(badKey.json<{ error: string }>().error).to.match(/^header idempotency-key: /);
    // A client's own order_id does the same without the header.
    const own = await Promise.all([post({}, { ...body, order_id: 'CLIENT-42' }), post({}, { ...body, order_id: 'CLIENT-42' })]);
    expect(own.map((r) => [r.statusCode, r.json<{ order_id: string }>().order_id])).to.deep.equal([[202, 'CLIENT-42'], [202, 'CLIENT-42']]);
    const badId = await post({}, { ...body, order_id: 'x'.repeat(65) });
    expect(badId.statusCode).to.equal(400);
    expect(badId.json<{ error: string }>().error).to.equal('order_id: must be 1 to 64 letters, digits, or . _ : -');

    const messages = await readMessages(kafka, topic, 2, cleanup);
    expect(messages.map((m) => m.key?.toString()).sort()).to.deep.equal(['CLIENT-42', orderIdForKey(key)].sort());
    expect((await admin.endOffsets(topic)).reduce((sum, p) => sum + p.high, 0)).to.equal(2);
  });
});

/** A broker of this test's own, which it may stop with SIGSTOP without stopping anyone else's. */
describe('pipeline/api with its broker stopped (SIGSTOP of a broker of its own)', function () {
  this.timeout(180_000);
  const cleanup = new Cleanup();
  const body = { student_id: 'STU-0009', restaurant: 'Tower Cafe', items: [{ item: 'coffee', quantity: 1 }] };
  let brokerPid: number | undefined;
  let brokers: string[] = [];
  let local: LocalBrokerOptions | undefined;
  let dir: string | undefined;

  before(async () => {
    const own = await ownBrokerOptions({}, tmpdir());
    local = own.local;
    dir = own.dir;
    const started = await startLocalBroker(local);
    brokers = [...started.brokers];
    brokerPid = started.nodes[0]?.pid;
  });
  afterEach(() => cleanup.run());
  after(async () => {
    if (brokerPid !== undefined) process.kill(brokerPid, 'SIGCONT');
    if (local) await stopLocalBroker(local);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('GET /health says unreachable (503) while the broker is stopped and connected (200) once it runs again, with every driver', async () => {
    if (brokerPid === undefined) throw new Error('no broker pid');
    const pid = brokerPid;
    const apps: { driver: string; app: ReturnType<typeof buildOrderApi> }[] = [];
    for (const driver of TEST_DRIVERS) {
      const client = await openClient(driver, { brokers, clientId: `api-health-${driver}`, logLevel: 'nothing', retries: 2 });
      const sink = new KafkaOrderSink(client, uniqueName('api-health'), 'json', { lingerMs: 0, maxBatch: 100 });
      const app = buildOrderApi({ sink, sendTimeoutMs: 1_500 });
      cleanup.add(async () => {
        await app.close();
        await sink.close();
      });
      apps.push({ driver, app });
    }
    const statuses = async () => Promise.all(apps.map(async ({ driver, app }) => `${driver} ${(await app.inject({ method: 'GET', url: '/health' })).statusCode}`));
    const all = (code: number) => TEST_DRIVERS.map((driver) => `${driver} ${code}`);
    expect(await statuses()).to.deep.equal(all(200));
    process.kill(pid, 'SIGSTOP');
    try {
      await waitFor('every /health to say unreachable', async () => ((await statuses()).every((s) => s.endsWith(' 503')) ? true : undefined), 20_000);
      expect((await apps[0]?.app.inject({ method: 'GET', url: '/health' }))?.json()).to.deep.equal({ status: 'unavailable', kafka: 'unreachable' });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitFor('every /health to say connected again', async () => ((await statuses()).every((s) => s.endsWith(' 200')) ? true : undefined), 60_000);
  });

  it('answers 503 "published: unknown" for an order in a send, "published: false" for one still waiting (never published), /health 503; retries with the key publish each order once', async () => {
    if (brokerPid === undefined) throw new Error('no broker pid');
    const pid = brokerPid;
    const client = await openClient('kafkajs', { brokers, clientId: 'api-paused', logLevel: 'nothing', retries: 2 });
    const admin = await client.admin();
    cleanup.add(() => admin.close());
    const topic = uniqueName('api-paused');
    await admin.createTopics([{ topic, partitions: 1 }]);
    const sink = new KafkaOrderSink(client, topic, 'json', { lingerMs: 0, maxBatch: 100 });
    const app = buildOrderApi({ sink, sendTimeoutMs: 1_500 });
    cleanup.add(async () => {
      await app.close();
      await sink.close();
    });
    const post = (key: string) => app.inject({ method: 'POST', url: '/order', payload: body, headers: { 'idempotency-key': key } });
    const health = () => app.inject({ method: 'GET', url: '/health' });
    const [sent, waiting, warm] = [uniqueName('in-a-send'), uniqueName('waiting'), uniqueName('warm')];
    expect((await post(warm)).statusCode).to.equal(202);
    expect((await health()).statusCode).to.equal(200);

    process.kill(pid, 'SIGSTOP');
    try {
      const first = post(sent);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const second = post(waiting);
      const [inSend, queued] = await Promise.all([first, second]);
      expect(inSend.statusCode).to.equal(503);
      expect(inSend.headers['retry-after']).to.equal('1');
      expect(inSend.json()).to.deep.equal({ error: 'Kafka has not acknowledged the order; it may still be published: no acknowledgement within 1500 ms', order_id: orderIdForKey(sent), published: 'unknown' });
      expect(queued.statusCode).to.equal(503);
      expect(queued.json()).to.deep.include({ order_id: orderIdForKey(waiting), published: false });
      const again = await post(sent);
      expect([again.statusCode, again.headers['idempotent-replayed'], again.json<{ published: unknown }>().published]).to.deep.equal([503, 'true', 'unknown']);
      await waitFor('/health to say unreachable', async () => ((await health()).statusCode === 503 ? true : undefined), 15_000);
      expect((await health()).json()).to.deep.equal({ status: 'unavailable', kafka: 'unreachable' });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitFor('/health to say connected', async () => ((await health()).statusCode === 200 ? true : undefined), 60_000);
    for (const key of [sent, waiting]) {
      const accepted = await waitFor(`a 202 for ${key}`, async () => {
        const retry = await post(key);
        return retry.statusCode === 202 ? retry : undefined;
      }, 60_000);
      expect(accepted.json<{ order_id: string }>().order_id).to.equal(orderIdForKey(key));
    }
    const messages = await readMessages(client, topic, 3, cleanup);
    expect(messages.map((m) => m.key?.toString()).sort()).to.deep.equal([warm, sent, waiting].map(orderIdForKey).sort());
    expect((await admin.endOffsets(topic)).reduce((sum, p) => sum + p.high, 0)).to.equal(3);
  });
});
