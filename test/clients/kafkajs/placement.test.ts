/**
 * RecordPlacement: a send answered without some of its partitions (kafkajs 2.2.4 after a leader
 * moved to a broker that had already answered) sends those partitions' records again, and only them.
 */
import { expect } from 'chai';
import { RecordPlacement } from '../../../clients/kafkajs/placement.js';

// The library's types as the placement takes them (only the driver folder imports kafkajs itself).
type Send = Parameters<RecordPlacement['sendCovering']>[0];
type TopicMessages = Parameters<Send>[0][number];
type Message = TopicMessages['messages'][number];
type RecordMetadata = Awaited<ReturnType<Send>>[number];
type PartitionerArgs = Parameters<ReturnType<RecordPlacement['partitioner']>>[0];
type PartitionMetadata = PartitionerArgs['partitionMetadata'][number];

const partitionMetadata: PartitionMetadata[] = [0, 1, 2].map((partitionId) => ({ partitionId, leader: partitionId, partitionErrorCode: 0, replicas: [partitionId], isr: [partitionId] }));

/** A send that places every record as kafkajs does and answers for every partition but those `omit` names (for as many calls as it holds). */
function fakeKafkajs(placement: RecordPlacement, omit: number[][]) {
  const place = placement.partitioner();
  const calls: { topic: string; partitions: Map<number, string[]> }[][] = [];
  const send = (batch: TopicMessages[]): Promise<RecordMetadata[]> => {
    const left = omit[calls.length] ?? [];
    const call = batch.map(({ topic, messages }) => {
      const partitions = new Map<number, string[]>();
      for (const message of messages) {
        const partition = place({ topic, partitionMetadata, message });
        partitions.set(partition, [...(partitions.get(partition) ?? []), String(message.value)]);
      }
      return { topic, partitions };
    });
    calls.push(call);
    return Promise.resolve(call.flatMap(({ topic, partitions }) => [...partitions.keys()].filter((p) => !left.includes(p)).map((partition) => ({ topicName: topic, partition, errorCode: 0 }))));
  };
  return { send, calls };
}

const records = (count: number): Message[] => Array.from({ length: count }, (_, i) => ({ key: `order-${i}`, value: `v${i}` }));

describe('clients/kafkajs RecordPlacement', () => {
  it('sends once when every partition is answered', async () => {
    const placement = new RecordPlacement();
    const kafkajs = fakeKafkajs(placement, []);
    await placement.sendCovering(kafkajs.send, [{ topic: 't', messages: records(30) }]);
    expect(kafkajs.calls).to.have.length(1);
    expect([...(kafkajs.calls[0]?.[0]?.partitions.keys() ?? [])].sort()).to.deep.equal([0, 1, 2]);
  });

  it('sends the records of a partition left out of the answer again, in order, and nothing else', async () => {
    const placement = new RecordPlacement();
    const kafkajs = fakeKafkajs(placement, [[1]]);
    await placement.sendCovering(kafkajs.send, [{ topic: 't', messages: records(30) }]);
    expect(kafkajs.calls).to.have.length(2);
    const first = kafkajs.calls[0]?.[0]?.partitions;
    const again = kafkajs.calls[1]?.[0]?.partitions;
    expect([...(again?.keys() ?? [])]).to.deep.equal([1]);
    expect(again?.get(1)).to.deep.equal(first?.get(1));
  });

  it('fails, naming what stayed out, when a partition is never answered', async () => {
    const placement = new RecordPlacement();
    const kafkajs = fakeKafkajs(placement, Array.from({ length: 10 }, () => [2]));
    const error = await placement.sendCovering(kafkajs.send, [{ topic: 't', messages: records(30) }]).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/without the partitions of \d+ to t/);
    expect(kafkajs.calls).to.have.length(6);
  });
});
