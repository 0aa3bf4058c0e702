import { setTimeout as sleep } from 'node:timers/promises';
import { BROKER_DEFAULT_MAX_MESSAGE_BYTES, type BatchContext, type ConsumedBatch, type ConsumedMessage, type DriverConsumer, type DriverProducer, type KafkaClient, type OutgoingMessage, type TopicPartitionOffset } from '../../clients/driver.js';
import { DriverError } from '../../clients/errors.js';
import { contentTypeHeaders, encodeInventoryResult } from '../contracts/codec.js';
import { changelogTopic, DLQ_HEADERS, type PipelineTopics, type StateMode } from '../contracts/topics.js';
import { ensurePipelineTopics, PIPELINE_PRODUCER } from '../kafka.js';
import { changelogMessages, ensureChangelog, restoreChangelog, sendInTransactionRetrying } from '../state/changelog.js';
import { retryTransient } from '../retry.js';
import { StageConsumer, type StageConsumerOptions } from '../stage-consumer.js';
import { fitDeadLetter, messageSize, RECORD_OVERHEAD_BYTES } from './fit-message.js';
import type { EventTimeWindow } from './order-checks.js';
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
  /** Results sent (and offsets marked done) at least every this many messages. */
  readonly flushEvery?: number;
  /**
   * Results, dead letters and the consumed offsets committed together in one Kafka transaction per
   * flush, so that a crash can neither lose nor duplicate a result for readers of committed data.
   */
  readonly exactlyOnce?: boolean;
  /**
   * `changelog`: each decision goes to the group's changelog topic in a transaction, and a start
   * restores the decisions and the stock they left; `memory` (the default here, the command line's
   * is changelog): a start begins again from initialStock.
   */
  readonly state?: StateMode;
  /** Told of each Kafka operation that failed and is tried again (a broker failing over). */
  readonly onRetry?: (what: string, error: unknown) => void;
  /** Told, in a line, what a retry found: whether a transaction whose answer was lost had committed. */
  readonly onNotice?: (text: string) => void;
  /** placed_at must lie in this window around the stage's clock, else event_time_out_of_range (undefined: no window; the command line always sets one). */
  readonly eventTimeWindow?: EventTimeWindow;
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
 * after its result or dead letter is acknowledged by the broker (at-least-once), or in the same
 * transaction as it (exactly-once).
 */
export class InventoryService {
  private consumer: StageConsumer | undefined;
  private producer: DriverProducer | undefined;
  private readonly processor: InventoryProcessor;
  private readonly ledger: StockLedger;
  private readonly flushEvery: number;
  /** The dead-letter topic's max.message.bytes, read at start: a larger dead letter is cut to fit (fit-message.ts). */
  private deadLetterLimit = BROKER_DEFAULT_MAX_MESSAGE_BYTES;
  /** The bytes one flush sends at most: under the smaller limit of the two topics, so that no record batch of a flush exceeds it. */
  private flushBytes = BROKER_DEFAULT_MAX_MESSAGE_BYTES / 2;
  /** Changelog records read back at start (0 with state in memory). */
  restoredRecords = 0;
  /** With exactlyOnce: one transactional producer per input partition, made on first use. */
  private readonly transactional = new Map<string, Promise<DriverProducer>>();
  private readonly crashListeners: ((error: Error) => void)[] = [];
  readonly stats: InventoryStats = { processed: 0, reserved: 0, failed: 0, deadLettered: 0, retries: 0 };

  constructor(
    private readonly client: KafkaClient,
    private readonly options: InventoryServiceOptions,
  ) {
    this.ledger = new StockLedger(options.initialStock);
    this.processor = new InventoryProcessor(this.ledger, options.trouble, options.retry, undefined, options.eventTimeWindow);
    this.flushEvery = options.flushEvery ?? 500;
  }

  get groupId(): string {
    return this.options.groupId;
  }

  get stateful(): boolean {
    return this.options.state === 'changelog';
  }

  /**
   * A flush's results, decisions and offsets in one transaction, tried again while that may help.
   * False when the group no longer knew this consumer as its member and the batch is no longer in
   * hand (the driver joins again only once the handler returns): nothing of it was committed.
   */
  private async commitExactlyOnce(consumer: DriverConsumer, offset: TopicPartitionOffset, messages: readonly OutgoingMessage[], context: BatchContext): Promise<boolean> {
    const what = `the transaction of ${offset.topic}/${offset.partition} up to offset ${offset.offset}`;
    const givenUp = (error: unknown): boolean => error instanceof DriverError && error.code === 'NOT_MEMBER' && !context.isActive();
    try {
      await sendInTransactionRetrying(await this.transactionalProducer(offset.topic, offset.partition), messages, { consumer, offsets: [offset] }, {
        committed: async () => {
          const committed = await this.offsetCommitted(offset.topic, offset.partition, offset.offset);
          this.options.onNotice?.(`${what}: its failed attempt had ${committed ? 'committed (nothing is sent again)' : 'not committed (it is made again)'}`);
          return committed;
        },
        onRetry: (error) => this.options.onRetry?.(what, error),
        giveUp: givenUp,
      });
      return true;
    } catch (error) {
      if (!givenUp(error)) throw error;
      this.options.onNotice?.(`${what}: refused, as the group no longer knew this member; the batch comes again`);
      return false;
    }
  }

  /** Whether the group's committed offset of topic/partition has reached `next`: a transaction whose answer was lost did commit. */
  private async offsetCommitted(topic: string, partition: number, next: number): Promise<boolean> {
    const admin = await this.client.admin();
    try {
      return ((await admin.committedOffsets(this.options.groupId, topic)).get(partition) ?? -1) >= next;
    } finally {
      await admin.close();
    }
  }

  get changelog(): string {
    return changelogTopic(this.options.groupId);
  }

  async start(): Promise<void> {
    const { topics } = this.options;
    await ensurePipelineTopics(this.client, topics, ['orders', 'inventory', 'deadLetter']);
    await this.readMessageLimits();
    this.producer = await this.client.producer(PIPELINE_PRODUCER);
    if (this.stateful) await this.restore();
    const consumer = await StageConsumer.open(this.client, [topics.orders], this.options);
    this.consumer = consumer;
    for (const listener of this.crashListeners) consumer.onCrash(listener);
    await consumer.start((batch, context, done) => this.handleBatch(consumer.driverConsumer, batch, context, done));
  }

  /**
   * Decides each order of the batch and commits its results in flushes: exactly once, each flush a
   * transaction with its offsets; at least once, sent, then done(offset) for the stage's commit.
   * Figures count an order once its flush is committed.
   */
  private async handleBatch(consumer: DriverConsumer, batch: ConsumedBatch, context: BatchContext, done: (nextOffset: number) => void): Promise<void> {
    let outgoing: OutgoingMessage[] = [];
    let outcomes: Outcome[] = [];
    let outgoingBytes = 0;
    let lastOffset: number | undefined;
    const flush = async (): Promise<void> => {
      if (lastOffset === undefined) return;
      const next = lastOffset + 1;
      const decisions = this.ledger.takeChanges();
      const state = this.stateful ? changelogMessages(this.changelog, decisions) : [];
      const committed = this.options.exactlyOnce
        ? await this.commitExactlyOnce(consumer, { topic: batch.topic, partition: batch.partition, offset: next }, [...outgoing, ...state], context)
        : await this.commitAtLeastOnce(batch, outgoing, state);
      if (committed) {
        for (const outcome of outcomes) this.count(outcome);
        if (!this.options.exactlyOnce) done(next);
        context.finished(next);
      } else {
        // Nothing of it is committed, and the batch comes again: its decisions go out with the next transaction.
        this.ledger.giveBack(decisions);
      }
      outgoing = [];
      outcomes = [];
      outgoingBytes = 0;
      lastOffset = undefined;
    };
    for (const message of batch.messages) {
      if (!context.isActive()) break;
      if (this.options.throttleMs > 0) await sleep(this.options.throttleMs);
      const outcome = await this.processor.process(message.value, message.headers);
      const reply = outcome.kind === 'result' ? this.resultMessage(message, outcome) : this.deadLetter(message, outcome, batch.topic, batch.partition);
      const replyBytes = messageSize(reply) + RECORD_OVERHEAD_BYTES;
      // The messages before go first when this one would take the flush past a record batch's limit.
      if (outgoingBytes + replyBytes > this.flushBytes) await flush();
      outgoing.push(reply);
      outcomes.push(outcome);
      outgoingBytes += replyBytes;
      lastOffset = message.offset;
      if (this.options.throttleMs > 0 || outgoing.length >= this.flushEvery) await flush();
    }
    await flush();
  }

  /**
   * At least once with a changelog: the decisions are committed before their results go out, so
   * that an order redelivered after a crash gets its first decision again, and reserves nothing more.
   * A send tried again after a failure may write a result twice, which readers tolerate.
   */
  private async commitAtLeastOnce(batch: ConsumedBatch, outgoing: readonly OutgoingMessage[], state: readonly OutgoingMessage[]): Promise<true> {
    if (state.length > 0) await sendInTransactionRetrying(await this.transactionalProducer(batch.topic, batch.partition), state);
    const producer = this.producer;
    if (!producer) throw new Error('the inventory sends results only once started');
    if (outgoing.length > 0) await retryTransient(() => producer.send(outgoing), { onRetry: (error) => this.options.onRetry?.(`sending ${outgoing.length} results`, error) });
    return true;
  }

  /** In the order's encoding; the order's headers travel on with it (trace context, a benchmark's send time), content-type set to the result's. */
  private resultMessage(message: ConsumedMessage, outcome: Extract<Outcome, { kind: 'result' }>): OutgoingMessage {
    return { topic: this.options.topics.inventory, key: outcome.result.order_id, value: encodeInventoryResult(outcome.result, outcome.encoding), headers: { ...message.headers, ...contentTypeHeaders(outcome.encoding) } };
  }

  /** The topics' max.message.bytes: a dead letter is cut to its topic's, a flush stays under the smaller one. */
  private async readMessageLimits(): Promise<void> {
    const admin = await this.client.admin();
    try {
      const { deadLetter, inventory } = this.options.topics;
      const [dlq, results] = await Promise.all([admin.maxMessageBytes(deadLetter), admin.maxMessageBytes(inventory)]);
      this.deadLetterLimit = dlq;
      this.flushBytes = Math.min(dlq, results);
    } finally {
      await admin.close();
    }
  }

  /**
   * The message as received (value byte for byte, its headers kept), with headers saying why and
   * where from; cut to fit the dead-letter topic when it would not (truncated, original-size).
   */
  private deadLetter(message: ConsumedMessage, outcome: Extract<Outcome, { kind: 'dead-letter' }>, topic: string, partition: number): OutgoingMessage {
    return fitDeadLetter({
      topic: this.options.topics.deadLetter,
      key: outcome.orderId ?? null,
      value: message.value,
      headers: {
        ...message.headers,
        [DLQ_HEADERS.error]: outcome.error,
        [DLQ_HEADERS.sourceTopic]: topic,
        [DLQ_HEADERS.sourcePartition]: String(partition),
        [DLQ_HEADERS.sourceOffset]: String(message.offset),
      },
    }, this.deadLetterLimit);
  }

  /**
   * Fences every input partition's predecessor (a transaction of each partition's transactional id,
   * which aborts what a crashed process left open), then reads the changelog back into the ledger.
   */
  private async restore(): Promise<void> {
    const { topics } = this.options;
    const partitions = await ensureChangelog(this.client, this.changelog, topics.orders);
    const producers = await Promise.all(Array.from({ length: partitions.input }, (_, p) => this.transactionalProducer(topics.orders, p)));
    this.restoredRecords = await restoreChangelog(this.client, { topic: this.changelog, partitions: partitions.changelog, producers, apply: (key, value) => { this.ledger.restore(key, value); } });
  }

  /**
   * The transactional id names the input partition, so that a restarted instance fences the
   * transaction its crashed predecessor left open on it, and instances of one group never fence
   * each other.
   */
  private transactionalProducer(topic: string, partition: number): Promise<DriverProducer> {
    const transactionalId = `${this.options.groupId}-${topic}-${partition}`;
    let producer = this.transactional.get(transactionalId);
    if (!producer) {
      producer = this.client.producer({ ...PIPELINE_PRODUCER, transactionalId });
      this.transactional.set(transactionalId, producer);
      producer.catch(() => this.transactional.delete(transactionalId));
    }
    return producer;
  }

  /** Stops fetching new orders (the batch in hand finishes); resume() goes on from there. */
  pause(): void {
    this.consumer?.pause();
  }

  resume(): void {
    this.consumer?.resume();
  }

  /** The consumer stopped for good on an error: the stage cannot go on. */
  onCrash(listener: (error: Error) => void): void {
    this.crashListeners.push(listener);
    this.consumer?.onCrash(listener);
  }

  /** Finishes the batch in hand, commits what was processed, and disconnects. */
  async stop(): Promise<void> {
    await this.consumer?.stop();
    await this.producer?.close();
    const opened = (await Promise.allSettled(this.transactional.values())).filter((p) => p.status === 'fulfilled');
    await Promise.all(opened.map((p) => p.value.close()));
  }

  private count(outcome: Outcome): void {
    this.stats.processed += 1;
    this.stats.retries += Math.max(0, outcome.attempts - 1);
    if (outcome.kind === 'dead-letter') this.stats.deadLettered += 1;
    else if (outcome.result.status === 'reserved') this.stats.reserved += 1;
    else this.stats.failed += 1;
  }
}
