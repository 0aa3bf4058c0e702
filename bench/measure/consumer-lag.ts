import type { Admin } from 'kafkajs';

export interface LagSample {
  readonly partition: number;
  readonly endOffset: number;
  readonly committedOffset: number;
  readonly lag: number;
}

/** A group's lag on a topic, from broker offsets: each partition's end offset less the group's committed offset. */
export async function sampleLag(admin: Admin, groupId: string, topic: string): Promise<LagSample[]> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const committedByPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return ends
    .map((end) => {
      const endOffset = Number(end.high);
      // -1: nothing committed yet, so everything from the log start is still to be consumed.
      const raw = committedByPartition.get(end.partition) ?? -1;
      const committedOffset = raw < 0 ? Number(end.low) : raw;
      return { partition: end.partition, endOffset, committedOffset, lag: Math.max(0, endOffset - committedOffset) };
    })
    .sort((a, b) => a.partition - b.partition);
}
