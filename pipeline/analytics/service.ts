import type { DriverProducer, KafkaClient } from '../../clients/driver.js';
import { changelogTopic, type PipelineTopics, type StateMode } from '../contracts/topics.js';
import { ensurePipelineTopics, PIPELINE_PRODUCER } from '../kafka.js';
import { changelogMessages, ensureChangelog, restoreChangelog, sendInTransactionRetrying } from '../state/changelog.js';
import { StageConsumer, type StageConsumerOptions } from '../stage-consumer.js';
import { OrderAnalytics, type CountedResult, type Figures, type IncomingMessage } from './figures.js';
import { RollingWindow, type Clock, type WindowFigures } from './window.js';

export interface AnalyticsServiceOptions extends StageConsumerOptions {
  readonly topics: PipelineTopics;
  /** Called with fresh figures every this many messages (0: never). */
  readonly reportEveryMessages: number;
  readonly onReport?: (figures: Figures) => void;
  /** Seconds of processing time the rolling window covers (60). */
  readonly windowSeconds?: number;
  /** The window's clock (Date.now); tests pass their own. */
  readonly clock?: Clock;
  /** Hears every order's first result as it is counted (the Prometheus histogram observes its latency). */
  readonly onResult?: (result: CountedResult) => void;
  /**
   * `changelog`: the facts behind the figures go to the group's changelog topic in the transaction
   * of each batch's offsets, and a start restores them; `memory` (the default here, the command
   * line's is changelog): a start counts from nothing.
   */
  readonly state?: StateMode;
}

/** The analytics consumer: reads orders, results and dead letters, and keeps the figures. */
export class AnalyticsService {
  private consumer: StageConsumer | undefined;
  private readonly analytics = new OrderAnalytics();
  private readonly rolling: RollingWindow;
  private readonly consumedByTopic: Record<string, number> = {};
  private readonly crashListeners: ((error: Error) => void)[] = [];
  private sinceReport = 0;
  /** With state in the changelog: the one transactional producer (one instance per group). */
  private transactional: DriverProducer | undefined;
  /** Changelog records read back at start (0 with state in memory). */
  restoredRecords = 0;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: AnalyticsServiceOptions,
  ) {
    this.rolling = new RollingWindow(options.windowSeconds ?? 60, options.clock);
  }

  figures(): Figures {
    return this.analytics.figures();
  }

  /** The last --window-sec seconds of processing time. */
  window(): WindowFigures {
    return this.rolling.figures();
  }

  /** One message of a topic into the figures and the window. */
  ingest(topic: string, message: IncomingMessage): void {
    const { topics } = this.options;
    if (topic === topics.orders) {
      if (this.analytics.ingestOrder(message)) this.rolling.order();
    } else if (topic === topics.inventory) {
      const result = this.analytics.ingestResult(message);
      if (result) {
        this.rolling.result(result.status, result.latencyMicros);
        this.options.onResult?.(result);
      }
    } else this.analytics.ingestDeadLetter(message);
  }

  consumed(): Readonly<Record<string, number>> {
    return this.consumedByTopic;
  }

  async start(): Promise<void> {
    const { topics } = this.options;
    await ensurePipelineTopics(this.client, topics, ['orders', 'inventory', 'deadLetter']);
    for (const topic of this.subscribedTopics()) this.consumedByTopic[topic] = 0;
    if (this.options.state === 'changelog') await this.restore();
    const consumer = await StageConsumer.open(this.client, this.subscribedTopics(), this.options);
    this.consumer = consumer;
    for (const listener of this.crashListeners) consumer.onCrash(listener);
    await consumer.start(async (batch, context, done) => {
      let next: number | undefined;
      for (const message of batch.messages) {
        if (!context.isActive()) break;
        this.ingest(batch.topic, message);
        next = message.offset + 1;
        this.consumedByTopic[batch.topic] = (this.consumedByTopic[batch.topic] ?? 0) + 1;
        this.sinceReport += 1;
        if (this.options.reportEveryMessages > 0 && this.sinceReport >= this.options.reportEveryMessages) {
          this.sinceReport = 0;
          this.options.onReport?.(this.figures());
        }
      }
      const changes = this.analytics.takeChanges();
      if (next === undefined) return;
      // The batch's facts and its offset in one transaction: a crash loses both or neither.
      if (this.transactional) await sendInTransactionRetrying(this.transactional, changelogMessages(this.changelog, changes), { consumer: consumer.driverConsumer, offsets: [{ topic: batch.topic, partition: batch.partition, offset: next }] });
      else done(next);
      context.finished(next);
    });
  }

  get changelog(): string {
    return changelogTopic(this.options.groupId);
  }

  /** Fences a crashed predecessor (the first transaction of the group's transactional id), then reads the changelog back into the figures. */
  private async restore(): Promise<void> {
    const partitions = await ensureChangelog(this.client, this.changelog, this.options.topics.orders);
    const producer = await this.client.producer({ ...PIPELINE_PRODUCER, transactionalId: this.changelog });
    this.transactional = producer;
    this.restoredRecords = await restoreChangelog(this.client, { topic: this.changelog, partitions: partitions.changelog, producers: [producer], apply: (key, value) => { this.analytics.restore(key, value); } });
  }

  /** Stops fetching (the batch in hand finishes); resume() goes on from there. */
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

  private subscribedTopics(): string[] {
    const { topics } = this.options;
    return [topics.orders, topics.inventory, topics.deadLetter];
  }

  /** Commits what was consumed and disconnects. */
  async stop(): Promise<void> {
    await this.consumer?.stop();
    await this.transactional?.close();
  }
}
