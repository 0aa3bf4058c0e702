/**
 * The confluent driver replaces a consumer that librdkafka failed for good (ERR__FATAL), as after a
 * static member's session timed out at a broker pause and it joined again twice. Provoked here by a
 * second consumer with the same group.instance.id, which takes the first's place and is then gone.
 */
import { expect } from 'chai';
import type { ConsumedMessage, DriverConsumer } from '../../../clients/driver.js';
import { driverSuite } from '../../helpers/drivers.js';
import { uniqueName, waitFor } from '../../helpers/kafka.js';

describe('clients/confluent: a static member fenced by another with its instance id (real broker)', function () {
  this.timeout(120_000);
  const suite = driverSuite('confluent', 'fenced-member-test');

  /** A member of the group that records the values it is handed and commits each batch. */
  async function member(topic: string, groupId: string, instanceId: string): Promise<{ consumer: DriverConsumer; values: string[] }> {
    const consumer = await suite.kafka.consumer({ groupId, topics: [topic], fromBeginning: true, maxWaitMs: 100, groupInstanceId: instanceId });
    suite.cleanup.add(() => consumer.stop());
    const values: string[] = [];
    await consumer.run(async (batch) => {
      values.push(...batch.messages.map((m: ConsumedMessage) => m.value?.toString() ?? ''));
      const last = batch.messages.at(-1);
      if (last) await consumer.commit([{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1 }]);
    });
    return { consumer, values };
  }

  it('goes on consuming and committing once that one is gone (librdkafka failed it for good: it fetched, and committed nothing)', async () => {
    const { kafka, admin, cleanup } = suite;
    const topic = uniqueName('fenced');
    await admin.createTopics([{ topic, partitions: 1 }]);
    cleanup.add(() => admin.deleteTopics([topic]));
    const producer = await kafka.producer({ idempotent: true, acks: 'all', compression: 'none' });
    cleanup.add(() => producer.close());
    const groupId = uniqueName('group');
    const instanceId = uniqueName('member');
    await producer.send([{ topic, key: 'k', value: 'before' }]);
    const first = await member(topic, groupId, instanceId);
    await waitFor('the first member consuming', () => (first.values.includes('before') ? true : undefined), 30_000);
    // The second takes the first's place: the coordinator fences the first's member id, which the first
    // learns at its next heartbeat (3 s apart at most). A first that takes its place back fences the
    // second in turn, so probes go until the second has had one, and it stops at once.
    const second = await member(topic, groupId, instanceId);
    let probe = 0;
    await waitFor('the second member consuming in its place', async () => {
      await producer.send([{ topic, key: 'k', value: `taken-${probe++}` }]);
      return second.values.length > 0 ? true : undefined;
    }, 60_000);
    await second.consumer.stop();
    const fencedBy = Date.now() + 8_000;
    // Probes until the first gets one sent well after it was told it is fenced.
    await waitFor('the fenced member consuming again', async () => {
      const late = Date.now() > fencedBy;
      await producer.send([{ topic, key: 'k', value: `${late ? 'late' : 'probe'}-${probe++}` }]);
      return first.values.some((v) => v.startsWith('late-')) ? true : undefined;
    }, 60_000);
    const end = (await admin.endOffsets(topic))[0]?.high;
    expect(end).to.be.a('number');
    await waitFor(`the group's offset committed up to ${String(end)}`, async () => ((await admin.committedOffsets(groupId, topic)).get(0) === end ? true : undefined), 30_000);
  });
});
