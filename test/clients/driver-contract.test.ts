/** One contract, every driver, the real broker: what the harness relies on a driver for. */
import { expect } from 'chai';
import type { ConsumedMessage, DriverAdmin, DriverConsumer, DriverProducer, KafkaClient, OutgoingMessage, ProducerOptions } from '../../clients/driver.js';
import { COMPRESSIONS } from '../../clients/driver.js';
import { DriverError } from '../../clients/errors.js';
import { openClient } from '../../clients/registry.js';
import { requireDriver, TEST_DRIVERS, testClient } from '../helpers/drivers.js';
import { javaPartition } from '../helpers/java-partitioner.js';
import { Cleanup, uniqueName, waitFor } from '../helpers/kafka.js';
import { freePort } from '../helpers/processes.js';

function messagesFor(topic: string, count: number, tag = 'm'): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => ({ topic, key: `key-${i}`, value: `${tag}-${i}`, headers: { text: `h-${i}`, bytes: Buffer.from([0, 255, i % 256]) } }));
}

for (const name of TEST_DRIVERS) {
  describe(`clients/${name}: the driver contract (real broker)`, function () {
    this.timeout(90_000);
    const cleanup = new Cleanup();
    let client: KafkaClient;
    let admin: DriverAdmin;
    let ready = false;

    before(async function () {
      await requireDriver(this, name);
      client = await testClient(name);
      admin = await client.admin();
      ready = true;
    });
    afterEach(() => cleanup.run());
    // A skipped or failed before() set no admin: nothing to close.
    after(() => (ready ? admin.close() : undefined));

    async function freshTopic(partitions = 3): Promise<string> {
      const topic = uniqueName(`contract-${name}`);
      expect(await admin.createTopics([{ topic, partitions }])).to.deep.equal([topic]);
      cleanup.add(() => admin.deleteTopics([topic]));
      return topic;
    }

    /** A producer closed after the test: idempotent, acks=all and uncompressed unless told otherwise. */
    async function openProducer(options: Partial<ProducerOptions> = {}): Promise<DriverProducer> {
      const producer = await client.producer({ idempotent: true, acks: 'all', compression: 'none', ...options });
      cleanup.add(() => producer.close());
      return producer;
    }

    /** Waits until `items` (filled by a consumer's handler) holds at least `count`. */
    const untilAtLeast = (what: string, items: readonly unknown[], count: number): Promise<true> => waitFor(what, () => (items.length >= count ? true : undefined));

    /** Starts a consumer that collects every message it is handed, and commits each batch when `commit` is set. */
    async function collect(topics: string[], groupId: string, commit = true): Promise<{ consumer: DriverConsumer; received: ConsumedMessage[] }> {
      const consumer = await client.consumer({ groupId, topics, fromBeginning: true, maxWaitMs: 100 });
      cleanup.add(() => consumer.stop());
      const received: ConsumedMessage[] = [];
      await consumer.run(async (batch) => {
        received.push(...batch.messages);
        const last = batch.messages.at(-1);
        if (commit && last) await consumer.commit([{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1 }]);
      });
      return { consumer, received };
    }

    it('creates only the topics that are missing, and reports their offsets', async () => {
      const topic = await freshTopic(3);
      expect(await admin.createTopics([{ topic, partitions: 3 }])).to.deep.equal([]);
      expect(await admin.listTopics()).to.include(topic);
      expect(await admin.endOffsets(topic)).to.deep.equal([0, 1, 2].map((partition) => ({ partition, low: 0, high: 0 })));
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).to.be.at.least(1);
    });

    it("names each partition's leader, a broker of the cluster", async () => {
      const topic = await freshTopic(3);
      const leaders = await admin.partitionLeaders(topic);
      const nodeIds = (await admin.describeCluster()).brokers.map((b) => b.nodeId);
      expect([...leaders.keys()].sort()).to.deep.equal([0, 1, 2]);
      for (const leader of leaders.values()) expect(nodeIds).to.include(leader);
    });

    it('produces idempotently and consumes every message with its key, value and headers', async () => {
      const topic = await freshTopic(3);
      const producer = await openProducer();
      await producer.send(messagesFor(topic, 60));
      await producer.send([{ topic, key: null, value: null }]);
      const offsets = await admin.endOffsets(topic);
      expect(offsets.reduce((sum, p) => sum + p.high, 0)).to.equal(61);

      const { received } = await collect([topic], uniqueName('group'));
      await untilAtLeast('61 messages', received, 61);
      const byValue = new Map(received.map((m) => [m.value?.toString() ?? 'null', m]));
      for (let i = 0; i < 60; i++) {
        const message = byValue.get(`m-${i}`);
        expect(message?.key?.toString(), `message ${i}`).to.equal(`key-${i}`);
        expect(message?.headers.text?.toString()).to.equal(`h-${i}`);
        expect(message?.headers.bytes).to.deep.equal(Buffer.from([0, 255, i]));
      }
      expect(byValue.get('null')).to.include({ key: null, value: null });
      // Keys land where Java's default partitioner puts them, whichever client sent them.
      for (const message of received.filter((m) => m.key !== null)) {
        const key = message.key?.toString() ?? '';
        expect(message.partition, key).to.equal(javaPartition(key, 3));
      }
    });

    it('keeps overlapping sends of an idempotent producer in order, each once, every send acknowledged', async () => {
      const topic = await freshTopic(1);
      const producer = await openProducer();
      const sends = Array.from({ length: 40 }, (_, send) => producer.send(Array.from({ length: 5 }, (_, i) => ({ topic, key: 'same', value: `s${send}-${i}` }))));
      await Promise.all(sends);
      const { received } = await collect([topic], uniqueName('group'));
      await untilAtLeast('200 messages', received, 200);
      const expected = Array.from({ length: 40 }, (_, send) => Array.from({ length: 5 }, (_, i) => `s${send}-${i}`)).flat();
      expect(received.map((m) => m.value?.toString())).to.deep.equal(expected);
      expect((await admin.endOffsets(topic))[0]?.high).to.equal(200);
    });

    it('commits offsets that the admin reads back, and a restarted member goes on from them', async () => {
      const topic = await freshTopic(1);
      const producer = await openProducer();
      await producer.send(messagesFor(topic, 10, 'first'));
      const groupId = uniqueName('group');
      const first = await collect([topic], groupId);
      await untilAtLeast('the first 10', first.received, 10);
      await waitFor('offset 10 committed', async () => ((await admin.committedOffsets(groupId, topic)).get(0) === 10 ? true : undefined));
      await first.consumer.stop();

      await producer.send(messagesFor(topic, 5, 'second'));
      const second = await collect([topic], groupId);
      await untilAtLeast('the next 5', second.received, 5);
      expect(second.received.map((m) => m.value?.toString())).to.deep.equal([0, 1, 2, 3, 4].map((i) => `second-${i}`));
      expect(second.received.map((m) => m.offset)).to.deep.equal([10, 11, 12, 13, 14]);
    });

    it('never hands a finished batch over again, though the group fetches committed offsets that lag it (a rebalance)', async () => {
      const topic = await freshTopic(2);
      const producer = await openProducer();
      await producer.send(messagesFor(topic, 20, 'first'));
      const groupId = uniqueName('group');
      // Nothing is committed: every rebalance starts the group's partitions again from the beginning.
      const first = await collect([topic], groupId, false);
      await untilAtLeast('the first 20', first.received, 20);
      // A second member takes one partition (it reads it from the beginning), then leaves: the first gets it back.
      const second = await collect([topic], groupId, false);
      await waitFor('the second member assigned a partition', () => (second.received.length > 0 ? true : undefined), 60_000);
      await second.consumer.stop();

      await producer.send(messagesFor(topic, 20, 'second'));
      await waitFor('the next 20 at the first member', () => (first.received.filter((m) => m.value?.toString().startsWith('second')).length >= 20 ? true : undefined), 60_000);
      const handedOver = first.received.map((m) => `${m.partition}@${m.offset}`);
      expect(handedOver.length, 'messages handed over to the first member twice').to.equal(new Set(handedOver).size);
      expect(handedOver).to.have.length(40);
    });

    it('pauses and resumes fetching', async () => {
      const topic = await freshTopic(1);
      const producer = await openProducer({ idempotent: false, acks: 'leader' });
      await producer.send(messagesFor(topic, 5, 'before'));
      const { consumer, received } = await collect([topic], uniqueName('group'));
      await untilAtLeast('5 before the pause', received, 5);
      consumer.pause();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await producer.send(messagesFor(topic, 5, 'during'));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(received, 'nothing while paused').to.have.length(5);
      consumer.resume();
      await untilAtLeast('5 after resume', received, 10);
    });

    it('resets an inactive group to the earliest offsets, so that it reads everything again', async () => {
      const topic = await freshTopic(2);
      const producer = await openProducer();
      await producer.send(messagesFor(topic, 20));
      const groupId = uniqueName('group');
      const first = await collect([topic], groupId);
      await untilAtLeast('20 messages', first.received, 20);
      await waitFor('every offset committed', async () => ([...(await admin.committedOffsets(groupId, topic)).values()].reduce((a, b) => a + b, 0) === 20 ? true : undefined));
      await first.consumer.stop();

      await admin.resetGroupToEarliest(groupId, [topic]);
      expect(await admin.committedOffsets(groupId, topic)).to.deep.equal(new Map([[0, 0], [1, 0]]));
      const again = await collect([topic], groupId);
      await untilAtLeast('20 messages again', again.received, 20);
    });

    it('commits messages and consumed offsets in one transaction', async () => {
      const input = await freshTopic(1);
      const output = await freshTopic(1);
      const producer = await openProducer();
      await producer.send(messagesFor(input, 8));
      const groupId = uniqueName('group');
      const transactional = await openProducer({ transactionalId: uniqueName('tx') });
      const consumer = await client.consumer({ groupId, topics: [input], fromBeginning: true, maxWaitMs: 100 });
      cleanup.add(() => consumer.stop());
      let handled = 0;
      await consumer.run(async (batch) => {
        const last = batch.messages.at(-1);
        if (!last) return;
        const results = batch.messages.map((m) => ({ topic: output, key: m.key, value: `done-${m.value?.toString() ?? ''}` }));
        await transactional.sendInTransaction(results, { consumer, offsets: [{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1 }] });
        handled += batch.messages.length;
      });
      await waitFor('8 handled', () => (handled >= 8 ? true : undefined));
      await waitFor('offset 8 committed by the transaction', async () => ((await admin.committedOffsets(groupId, input)).get(0) === 8 ? true : undefined));
      const { received } = await collect([output], uniqueName('reader'));
      await untilAtLeast('8 results', received, 8);
      expect(received.map((m) => m.value?.toString()).sort()).to.deep.equal(Array.from({ length: 8 }, (_, i) => `done-m-${i}`).sort());
    });

    it('a read_committed consumer never gets the records of an aborted transaction', async () => {
      const output = await freshTopic(1);
      // A record too large for this topic fails the transaction after the other topic's record was written: that one is aborted data on the log.
      const small = uniqueName(`contract-${name}-small`);
      await admin.createTopics([{ topic: small, partitions: 1, config: { 'max.message.bytes': '1024' } }]);
      cleanup.add(() => admin.deleteTopics([small]));
      const transactional = await openProducer({ transactionalId: uniqueName('tx') });
      const failed = await transactional.sendInTransaction([{ topic: output, key: 'a', value: 'aborted' }, { topic: small, key: 'b', value: 'x'.repeat(4096) }]).then(() => undefined, (e: unknown) => e);
      expect(failed, 'the oversized record fails its transaction').to.be.instanceOf(DriverError);
      await transactional.sendInTransaction([{ topic: output, key: 'c', value: 'committed' }]);
      const { received } = await collect([output], uniqueName('aborted-reader'));
      await waitFor('the committed record', () => (received.some((m) => m.value?.toString() === 'committed') ? true : undefined), 30_000);
      expect(received.map((m) => m.value?.toString())).to.deep.equal(['committed']);
    });

    it('lets a new producer take over a transactional id (a restart), fencing the old one', async () => {
      const input = await freshTopic(1);
      const output = await freshTopic(1);
      const producer = await openProducer();
      await producer.send(messagesFor(input, 4));
      const groupId = uniqueName('group');
      const transactionalId = uniqueName('tx');
      const consumer = await client.consumer({ groupId, topics: [input], fromBeginning: true, maxWaitMs: 100 });
      cleanup.add(() => consumer.stop());
      const batches: { offset: number; partition: number }[] = [];
      await consumer.run((batch) => {
        const last = batch.messages.at(-1);
        if (last) batches.push({ offset: last.offset + 1, partition: batch.partition });
        return Promise.resolve();
      });
      const [seen] = await waitFor('a batch', () => (batches.length > 0 ? batches : undefined));
      const offsets = { consumer, offsets: [{ topic: input, partition: seen?.partition ?? 0, offset: seen?.offset ?? 0 }] };
      const first = await openProducer({ transactionalId });
      await first.sendInTransaction([{ topic: output, key: 'a', value: 'from the first' }], offsets);
      const second = await openProducer({ transactionalId });
      await second.sendInTransaction([{ topic: output, key: 'b', value: 'from the second' }], offsets);
      try {
        await first.sendInTransaction([{ topic: output, key: 'c', value: 'from a zombie' }], offsets);
        expect.fail('the first producer should be fenced');
      } catch (error) {
        expect(error).to.be.instanceOf(DriverError);
      }
      const { received } = await collect([output], uniqueName('reader'));
      await untilAtLeast('2 committed results', received, 2);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(received.map((m) => m.value?.toString())).to.deep.equal(['from the first', 'from the second']);
    });

    it('asks whether a transaction already committed only once the transactional id is fenced (the earlier transaction decided)', async () => {
      const input = await freshTopic(1);
      const output = await freshTopic(1);
      const producer = await openProducer();
      await producer.send(messagesFor(input, 2));
      const consumer = await client.consumer({ groupId: uniqueName('group'), topics: [input], fromBeginning: true, maxWaitMs: 100 });
      cleanup.add(() => consumer.stop());
      const ends: number[] = [];
      await consumer.run((batch) => {
        const last = batch.messages.at(-1);
        if (last) ends.push(last.offset + 1);
        return Promise.resolve();
      });
      const [end] = await waitFor('a batch', () => (ends.length > 0 ? ends : undefined));
      const offsets = { consumer, offsets: [{ topic: input, partition: 0, offset: end ?? 0 }] };
      const transactionalId = uniqueName('tx');
      const earlier = await openProducer({ transactionalId });
      await earlier.sendInTransaction([{ topic: output, key: 'a', value: 'from the earlier' }], offsets);
      const retry = await openProducer({ transactionalId });
      // Were the earlier producer still able to commit when asked, the answer could be stale: it may commit after it.
      let earlierWhenAsked: 'committed' | 'fenced' | undefined;
      await retry.sendInTransaction([{ topic: output, key: 'b', value: 'from the retry' }], {
        ...offsets,
        alreadyCommitted: async () => {
          earlierWhenAsked = await earlier.sendInTransaction([{ topic: output, key: 'z', value: 'from a zombie' }]).then(() => 'committed' as const, () => 'fenced' as const);
          return false;
        },
      });
      expect(earlierWhenAsked).to.equal('fenced');
      const { received } = await collect([output], uniqueName('reader'));
      await untilAtLeast('2 committed results', received, 2);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(received.map((m) => m.value?.toString())).to.deep.equal(['from the earlier', 'from the retry']);
    });

    for (const compression of COMPRESSIONS) {
      it(`compression ${compression}: round trip, or a one-line refusal when the driver cannot`, async function () {
        const supported = client.driver.capabilities.compressions.includes(compression);
        if (!supported) {
          try {
            await client.producer({ idempotent: false, acks: 'leader', compression });
            expect.fail('expected a refusal');
          } catch (error) {
            expect(error).to.be.instanceOf(DriverError);
            expect((error as DriverError).code).to.equal('UNSUPPORTED');
            expect((error as Error).message).to.include(compression).and.not.include('\n');
          }
          return;
        }
        const topic = await freshTopic(1);
        const producer = await openProducer({ compression });
        const big = 'x'.repeat(2_000);
        await producer.send(Array.from({ length: 20 }, (_, i) => ({ topic, key: `k${i}`, value: `${big}-${i}` })));
        const { received } = await collect([topic], uniqueName('group'));
        await untilAtLeast('20 messages', received, 20);
        expect(received.map((m) => m.value?.toString())).to.deep.equal(Array.from({ length: 20 }, (_, i) => `${big}-${i}`));
      });
    }

    it('reports a handler that throws as a crash', async () => {
      const topic = await freshTopic(1);
      const producer = await openProducer({ idempotent: false, acks: 'leader' });
      await producer.send(messagesFor(topic, 1));
      const consumer = await client.consumer({ groupId: uniqueName('group'), topics: [topic], fromBeginning: true, maxWaitMs: 100 });
      cleanup.add(() => consumer.stop());
      const crashes: Error[] = [];
      consumer.onCrash((error) => crashes.push(error));
      await consumer.run(() => Promise.reject(new Error('handler failed on purpose')));
      const [crash] = await waitFor('a crash', () => (crashes.length > 0 ? crashes : undefined));
      expect(crash?.message).to.include('handler failed on purpose');
    });

    it('reports an unreachable broker in seconds, in one line', async () => {
      const started = Date.now();
      const unreachable = await openClient(name, { brokers: [`127.0.0.1:${await freePort()}`], clientId: 'unreachable', logLevel: 'nothing', retries: 1, requestTimeoutMs: 3_000 });
      try {
        await unreachable.admin();
        expect.fail('expected a rejection');
      } catch (error) {
        expect(error).to.be.instanceOf(DriverError);
        expect(['UNREACHABLE', 'TIMEOUT']).to.include((error as DriverError).code);
        expect((error as Error).message).to.not.include('\n');
      }
      expect(Date.now() - started).to.be.below(10_000);
    });
  });
}
