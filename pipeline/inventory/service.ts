import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type Consumer, type IHeaders, type Kafka, type KafkaMessage, type Message, type Producer, type TopicMessages } from 'kafkajs';
import { serializeInventoryResult } from '../contracts/events.js';
import { DLQ_HEADERS, type PipelineTopics } from '../contracts/topics.js';
import { createStageConsumer, ensurePipelineTopics, type StageConsumerOptions } from '../kafka-client.js';
import { InventoryProcessor, type Outcome, type RetryPolicy } from './processor.js';
import type { TroubleSettings } from './simulation.js';
import { StockLedger } from './stock.js';

export interface InventoryServiceOptions extends StageConsumerOptions {
  readonly topics: PipelineTopics;
  readonly initialStock: number;
  readonly trouble: TroubleSettings;
  readonly retry: RetryPolicy;
  /** A pause before each message, to simulate a slow consumer. */
  readonly throttleMs: number;
  /** Results sent (and offsets resolved) at least every this many messages. */
  readonly flushEvery?: number;
  /**
   * Results, dead letters and the consumed offsets committed together in one Kafka transaction per
   * flush, so that a crash can neither lose nor duplicate a result for readers of committed data.
   */
  readonly exactlyOnce?: boolean;
}

export interface InventoryStats {
  processed: number;
  reserved: number;
  failed: number;
  deadLettered: number;
  retries: number;
}

/**
 * The inventory consumer: reads order-events, reserves stock, writes results to inventory-events
 * and bad or unrecoverable input to the dead-letter topic. A message's offset is committed only
 * after its result or dead letter is acknowledged by the broker (at-least-once).
 */
export class InventoryService {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly processor: InventoryProcessor;
  private readonly flushEvery: number;
  /** With exactlyOnce: one transactional producer per input partition, made on first use. */
  private readonly transactional = new Map<string, Producer>();
  readonly stats: InventoryStats = { processed: 0, reserved: 0, failed: 0, deadLettered: 0, retries: 0 };

  constructor(
    private readonly kafka: Kafka,
    private readonly options: InventoryServiceOptions,
  ) {
    this.consumer = createStageConsumer(kafka, options);
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    this.processor = new InventoryProcessor(new StockLedger(options.initialStock), options.trouble, options.retry);
    this.flushEvery = options.flushEvery ?? 500;
  }

  async start(): Promise<void> {
    const { topics } = this.options;
    await ensurePipelineTopics(this.kafka, topics, ['orders', 'inventory', 'deadLetter']);
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: topics.orders, fromBeginning: true });
    const exactlyOnce = this.options.exactlyOnce ?? false;
    await this.consumer.run({
      // With transactions the offsets go in the transaction, never through the consumer.
      autoCommit: !exactlyOnce,
      autoCommitInterval: 500,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        let results: Message[] = [];
        let deadLetters: Message[] = [];
        let lastOffset: string | undefined;
        const flush = async (): Promise<void> => {
          if (lastOffset === undefined) return;
          const topicMessages = [
            { topic: topics.inventory, messages: results },
            { topic: topics.deadLetter, messages: deadLetters },
          ].filter((t) => t.messages.length > 0);
          if (exactlyOnce) await this.commitTransaction(batch.topic, batch.partition, lastOffset, topicMessages);
          else if (topicMessages.length > 0) await this.producer.sendBatch({ acks: -1, topicMessages });
          payload.resolveOffset(lastOffset);
          results = [];
          deadLetters = [];
          lastOffset = undefined;
          await payload.heartbeat();
        };
        for (const message of batch.messages) {
          if (!payload.isRunning() || payload.isStale()) break;
          if (this.options.throttleMs > 0) await sleep(this.options.throttleMs);
          const outcome = await this.processor.process(message.value);
          this.count(outcome);
          if (outcome.kind === 'result') {
            // The order's headers travel on with its result (trace context, a benchmark's send time).
            results.push({ key: outcome.result.order_id, value: serializeInventoryResult(outcome.result), ...(message.headers ? { headers: message.headers } : {}) });
          } else {
            deadLetters.push(deadLetter(message, outcome, batch.topic, batch.partition));
          }
          lastOffset = message.offset;
          if (this.options.throttleMs > 0 || results.length + deadLetters.length >= this.flushEvery) {
            await flush();
            // Commits at most every autoCommitInterval: a large batch does not hold all its offsets back.
            await payload.commitOffsetsIfNecessary();
          }
        }
        await flush();
        await payload.commitOffsetsIfNecessary();
      },
    });
  }

  /** Sends the messages and the next offset to consume in one transaction; aborts it on failure. */
  private async commitTransaction(topic: string, partition: number, lastOffset: string, topicMessages: TopicMessages[]): Promise<void> {
    const producer = await this.transactionalProducer(topic, partition);
    const transaction = await producer.transaction();
    try {
      if (topicMessages.length > 0) await transaction.sendBatch({ acks: -1, topicMessages });
      await transaction.sendOffsets({
        consumerGroupId: this.options.groupId,
        topics: [{ topic, partitions: [{ partition, offset: (BigInt(lastOffset) + 1n).toString() }] }],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  /**
   * The transactional id names the input partition, so that a restarted instance fences the
   * transaction its crashed predecessor left open on it, and instances of one group never fence
   * each other.
   */
  private async transactionalProducer(topic: string, partition: number): Promise<Producer> {
    const transactionalId = `${this.options.groupId}-${topic}-${partition}`;
    let producer = this.transactional.get(transactionalId);
    if (!producer) {
      producer = this.kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      this.transactional.set(transactionalId, producer);
    }
    return producer;
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** Stops fetching new orders (the batch in hand finishes); resume() goes on from there. */
  pause(): void {
    this.consumer.pause([{ topic: this.options.topics.orders }]);
  }

  resume(): void {
    this.consumer.resume([{ topic: this.options.topics.orders }]);
  }

  /** Finishes the batch in hand, commits what was processed, and disconnects. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
    await Promise.all([...this.transactional.values()].map((producer) => producer.disconnect()));
  }

  private count(outcome: Outcome): void {
    this.stats.processed += 1;
    this.stats.retries += Math.max(0, outcome.attempts - 1);
    if (outcome.kind === 'dead-letter') this.stats.deadLettered += 1;
    else if (outcome.result.status === 'reserved') this.stats.reserved += 1;
    else this.stats.failed += 1;
  }
}

/** The message as received (value byte for byte, its headers kept), with headers saying why and where from. */
function deadLetter(message: KafkaMessage, outcome: Extract<Outcome, { kind: 'dead-letter' }>, topic: string, partition: number): Message {
  const headers: IHeaders = {
    ...message.headers,
    [DLQ_HEADERS.error]: outcome.error,
    [DLQ_HEADERS.sourceTopic]: topic,
    [DLQ_HEADERS.sourcePartition]: String(partition),
    [DLQ_HEADERS.sourceOffset]: message.offset,
  };
  return { key: outcome.orderId ?? null, value: message.value, headers };
}
