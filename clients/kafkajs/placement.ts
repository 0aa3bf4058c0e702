/**
 * Sends whose every record is answered for. kafkajs 2.2.4 drops records silently when a partition's
 * leader moves during a send: its retry sends again only to brokers that have not answered yet, so
 * the records of a partition whose new leader had already answered for other partitions are never
 * sent, and the send still resolves (bench:chaos found acknowledged orders missing from the topic
 * after a leader kill). Each record's partition, as the partitioner placed it last, is checked
 * against the partitions the responses name; the records of a partition they miss go again, in
 * order, with the sequence numbers they had, so a copy the broker did write counts as a duplicate.
 */
import { Partitioners, type ICustomPartitioner, type Message, type RecordMetadata, type TopicMessages } from 'kafkajs';

/** Rounds of re-sending a partition the responses left out, before the send fails. */
const COVERING_ROUNDS = 5;

export class RecordPlacement {
  private readonly placed = new WeakMap<Message, number>();

  /** Java's default partitioner (kafkajs's DefaultPartitioner), which notes where each record went. */
  readonly partitioner: ICustomPartitioner = () => {
    const place = Partitioners.DefaultPartitioner();
    return (args) => {
      const partition = place(args);
      this.placed.set(args.message, partition);
      return partition;
    };
  };

  /** Sends with `send` until every record's partition is in a response; throws if one stays out. */
  async sendCovering(send: (batch: TopicMessages[]) => Promise<RecordMetadata[]>, batch: TopicMessages[]): Promise<void> {
    let pending = batch;
    for (let round = 0; round <= COVERING_ROUNDS; round++) {
      const answered = new Set((await send(pending)).map((r) => `${r.topicName}/${r.partition}`));
      pending = pending
        .map(({ topic, messages }) => ({ topic, messages: messages.filter((m) => !answered.has(`${topic}/${this.placed.get(m) ?? -1}`)) }))
        .filter(({ messages }) => messages.length > 0);
      if (pending.length === 0) return;
    }
    const left = pending.map(({ topic, messages }) => `${messages.length} to ${topic}`).join(', ');
    throw new Error(`kafkajs answered the send without the partitions of ${left}, ${COVERING_ROUNDS} times`);
  }
}
