import type { DriverAdmin } from '../../clients/driver.js';

export interface LagSample {
  readonly partition: number;
  readonly endOffset: number;
  readonly committedOffset: number;
  readonly lag: number;
}

/** A group's lag on a topic, from broker offsets: each partition's end offset less the group's committed offset. */
export async function sampleLag(admin: DriverAdmin, groupId: string, topic: string): Promise<LagSample[]> {
  const [ends, committed] = await Promise.all([admin.endOffsets(topic), admin.committedOffsets(groupId, topic)]);
  return ends.map((end) => {
    // Nothing committed yet: everything from the log start is still to be consumed.
    const committedOffset = committed.get(end.partition) ?? end.low;
    return { partition: end.partition, endOffset: end.high, committedOffset, lag: Math.max(0, end.high - committedOffset) };
  });
}
