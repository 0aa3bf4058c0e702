import { expect } from 'chai';
import type { Admin } from 'kafkajs';
import { Cleanup, createTestTopics, testKafkaClient, uniqueName, waitFor } from '../helpers/kafka.js';

describe('a real broker: produce, consume, offsets', () => {
  const cleanup = new Cleanup();
  let admin: Admin;

  before(async () => {
    admin = (await testKafkaClient()).admin();
    await admin.connect();
  });
  afterEach(() => cleanup.run());
  after(() => admin.disconnect());

  it('consumes every message produced, and the group commits up to the end offsets', async () => {
    const kafka = await testKafkaClient();
    const topic = uniqueName('roundtrip');
    const groupId = uniqueName('roundtrip-group');
    await createTestTopics(admin, [{ topic, numPartitions: 3 }], cleanup);

    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    cleanup.add(() => producer.disconnect());
    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 7}`, value: `message-${i}` }));
    await producer.send({ topic, acks: -1, messages: sent });

    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    cleanup.add(() => consumer.disconnect());
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: string[] = [];
    await consumer.run({
      eachMessage: ({ message }) => {
        received.push(message.value?.toString() ?? '');
        return Promise.resolve();
      },
    });
    await waitFor('all 30 messages', () => (received.length >= 30 ? true : undefined));
    expect([...received].sort()).to.deep.equal(sent.map((m) => m.value).sort());

    const endOffsets = await admin.fetchTopicOffsets(topic);
    expect(endOffsets.reduce((sum, p) => sum + Number(p.high), 0)).to.equal(30);
    const committed = await waitFor('offsets committed up to the end', async () => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const byPartition = new Map(offsets?.partitions.map((p) => [p.partition, p.offset]));
      return endOffsets.every((p) => byPartition.get(p.partition) === p.high) ? byPartition : undefined;
    });
    expect(committed.size).to.equal(3);
  });
});
