/**
 * The one notion of "done" every scenario uses, read from the broker: a group has caught up when its
 * committed offsets reach the end offsets of its input topics. Lag is the same two numbers apart.
 */
import type { DriverAdmin } from '../../clients/driver.js';
import { PhaseTimeoutError } from './deadline.js';

/** A consumer group and the topics it reads. */
export interface GroupWatch {
  /** What to call it in messages: inventory, analytics, result reader. */
  readonly name: string;
  readonly group: string;
  readonly topics: readonly string[];
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly endOffset: number;
  readonly committedOffset: number;
  readonly lag: number;
}

/** A group's lag on each partition of its topics: the end offset less the committed one (the log start when nothing is committed). */
export async function groupLag(admin: DriverAdmin, watch: GroupWatch): Promise<PartitionLag[]> {
  const perTopic = await Promise.all(
    watch.topics.map(async (topic) => {
      const [ends, committed] = await Promise.all([admin.endOffsets(topic), admin.committedOffsets(watch.group, topic)]);
      return ends.map((end) => {
        const committedOffset = committed.get(end.partition) ?? end.low;
        return { topic, partition: end.partition, endOffset: end.high, committedOffset, lag: Math.max(0, end.high - committedOffset) };
      });
    }),
  );
  return perTopic.flat();
}

export const totalLag = (partitions: readonly PartitionLag[]): number => partitions.reduce((sum, p) => sum + p.lag, 0);

/**
 * Waits until every watched group has caught up, checking them in order (a stage before the one
 * that reads its output), every `everyMs`; `onSample` sees each round.
 */
export async function untilCaughtUp(admin: DriverAdmin, watches: readonly GroupWatch[], limitMs: number, everyMs = 50, onSample?: (lags: readonly number[]) => void): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const lags: number[] = [];
    try {
      for (const watch of watches) lags.push(totalLag(await groupLag(admin, watch)));
    } catch (error) {
      // A failed read (a broker just back, a client's stale metadata: bench:chaos) is read again, until the deadline.
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.max(everyMs, 200)));
      continue;
    }
    onSample?.(lags);
    if (lags.every((lag) => lag === 0)) return;
    if (Date.now() > deadline) {
      const behind = watches.map((watch, i) => `${watch.name} ${String(lags[i])} behind`).join(', ');
      throw new PhaseTimeoutError(`the pipeline did not catch up within ${Math.round(limitMs / 1000)} s: ${behind}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
