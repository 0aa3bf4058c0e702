/**
 * The consumer of a pipeline stage: batches in; an offset committed only once the stage says the
 * messages before it are done, at most every commitIntervalMs; a stop that finishes the batch in
 * hand and commits everything done before it leaves the group.
 */
import type { BatchContext, ConsumedBatch, DriverConsumer, KafkaClient, TopicPartitionOffset } from '../clients/driver.js';
import { TIMED_OUT, withinMs } from './timeouts.js';

export interface StageConsumerOptions {
  readonly groupId: string;
  /** Where the group starts on a partition with no committed offset: the earliest (the default) or the end. */
  readonly fromBeginning?: boolean;
  /** Static membership (KIP-345), for drivers that have it. */
  readonly groupInstanceId?: string;
  /** A member not heard from for this long is dropped from the group, and its partitions reassigned (10 s). */
  readonly sessionTimeoutMs?: number;
  /** Longest wait of an idle fetch (500 ms): bounds how long stop() or resume() waits. */
  readonly fetchWaitMs?: number;
  /** Commits at most this often (500 ms); a stop commits at once. */
  readonly commitIntervalMs?: number;
  /**
   * A commit with no answer for this long (30 s) is given up, and its offsets go with the next one:
   * a client that never answers must not hold back every later commit, nor the stage's stop.
   */
  readonly commitTimeoutMs?: number;
  /** Told, in a line, of what the stage does about a client that failed it (a commit given up). */
  readonly onNotice?: (text: string) => void;
}

/** Processes a batch; calls done(nextOffset) once the messages before nextOffset are safely handled. */
export type StageBatchHandler = (batch: ConsumedBatch, context: BatchContext, done: (nextOffset: number) => void) => Promise<void>;

export class StageConsumer {
  private readonly pending = new Map<string, TopicPartitionOffset>();
  /** Commits one at a time, in order. */
  private committing: Promise<void> = Promise.resolve();
  private commitTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private inBatch: Promise<void> = Promise.resolve();
  private stopped: Promise<void> | undefined;

  private constructor(
    readonly driverConsumer: DriverConsumer,
    private readonly commitIntervalMs: number,
    private readonly commitTimeoutMs: number,
    private readonly onNotice: ((text: string) => void) | undefined,
  ) {}

  static async open(client: KafkaClient, topics: readonly string[], options: StageConsumerOptions): Promise<StageConsumer> {
    const consumer = await client.consumer({
      groupId: options.groupId,
      topics,
      fromBeginning: options.fromBeginning ?? true,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
      maxWaitMs: options.fetchWaitMs ?? 500,
      ...(options.groupInstanceId !== undefined ? { groupInstanceId: options.groupInstanceId } : {}),
    });
    return new StageConsumer(consumer, options.commitIntervalMs ?? 500, options.commitTimeoutMs ?? 30_000, options.onNotice);
  }

  get groupId(): string {
    return this.driverConsumer.groupId;
  }

  async start(handler: StageBatchHandler): Promise<void> {
    await this.driverConsumer.run(async (batch, context) => {
      if (this.stopping) return;
      const work = handler(batch, { isActive: () => !this.stopping && context.isActive(), finished: (nextOffset) => { context.finished(nextOffset); } }, (nextOffset) => {
        this.pending.set(`${batch.topic}\u0000${batch.partition}`, { topic: batch.topic, partition: batch.partition, offset: nextOffset });
      });
      this.inBatch = work.catch(() => undefined);
      await work;
    });
    // On a timer rather than per batch: the last batch before a quiet spell is committed too.
    this.commitTimer = setInterval(() => {
      this.commitPending().catch(() => undefined);
    }, this.commitIntervalMs);
  }

  /** Commits what is done so far; a failed commit is retried with the next one. */
  private commitPending(): Promise<void> {
    this.committing = this.committing.catch(() => undefined).then(async () => {
      if (this.pending.size === 0) return;
      const offsets = [...this.pending.values()];
      this.pending.clear();
      try {
        const commit = this.driverConsumer.commit(offsets);
        // Answered after it was given up: nothing waits for it any more.
        commit.catch(() => undefined);
        if ((await withinMs(commit, this.commitTimeoutMs)) === TIMED_OUT) {
          const text = `a commit of ${this.groupId} had no answer within ${this.commitTimeoutMs} ms; its offsets go with the next one`;
          this.onNotice?.(text);
          throw new Error(text);
        }
      } catch (error) {
        for (const offset of offsets) {
          const key = `${offset.topic}\u0000${offset.partition}`;
          if (!this.pending.has(key)) this.pending.set(key, offset);
        }
        throw error;
      }
    });
    return this.committing;
  }

  pause(): void {
    this.driverConsumer.pause();
  }

  resume(): void {
    this.driverConsumer.resume();
  }

  onCrash(listener: (error: Error) => void): void {
    this.driverConsumer.onCrash(listener);
  }

  /** Stops fetching, lets the batch in hand finish (it stops early at a message boundary), commits what was done, leaves the group. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      clearInterval(this.commitTimer);
      this.driverConsumer.pause();
      await this.inBatch;
      try {
        await this.commitPending();
      } finally {
        await this.driverConsumer.stop();
      }
    })();
    return this.stopped;
  }
}
