import type { BatchContext, ConsumedBatch } from './driver.js';

/**
 * Per partition, the offset after the last batch a consumer's handler finished, so that the
 * consumer never hands those messages over again while it lives. A client library that restarts
 * its consumer in place (kafkajs after a broker error, platformatic's new stream, a rebalance that
 * gives a partition back) starts again from the group's committed offsets. These can lag what was
 * handled: at least once, the commit of a finished batch may still be pending; exactly once,
 * an offset fetch made while the transaction's markers are still being written answers the offset
 * before it (no KIP-447 require_stable in these clients), and the orders would be processed twice.
 */
export class HandledOffsets {
  private readonly next = new Map<string, number>();

  /**
   * The batch without the messages its partition's handler finished already, and with each offset
   * once, in order: a library's stream that joins its group again while it holds fetched messages
   * fetches them again from the committed offsets, behind the first copies (@platformatic/kafka
   * after a broker pause: bench:chaos saw 1,443 orders processed twice in one batch).
   */
  unhandled(batch: ConsumedBatch): ConsumedBatch {
    let next = this.next.get(partitionKey(batch)) ?? -1;
    const messages = batch.messages.filter((message) => {
      if (message.offset < next) return false;
      next = message.offset + 1;
      return true;
    });
    return messages.length === batch.messages.length ? batch : { ...batch, messages };
  }

  /** The offset after the last message of topic/partition finished, if any is. */
  nextUnfinished(topic: string, partition: number): number | undefined {
    return this.next.get(partitionKey({ topic, partition }));
  }

  /**
   * The context a handler gets for `batch`: finished(nextOffset) records what it reports done at
   * once; settle() after the handler returned records the whole batch if it is still active.
   */
  contextFor(batch: ConsumedBatch, isActive: () => boolean): BatchContext & { settle(): void } {
    const key = partitionKey(batch);
    const finished = (nextOffset: number): void => {
      this.next.set(key, Math.max(this.next.get(key) ?? 0, nextOffset));
    };
    return {
      isActive,
      finished,
      settle: () => {
        const last = batch.messages.at(-1);
        if (last !== undefined && isActive()) finished(last.offset + 1);
      },
    };
  }
}

function partitionKey(batch: Pick<ConsumedBatch, 'topic' | 'partition'>): string {
  return `${batch.topic}\u0000${batch.partition}`;
}
