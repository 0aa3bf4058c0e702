import type { KafkaClient } from '../../clients/driver.js';
import type { PipelineTopics } from '../contracts/topics.js';
import { ensurePipelineTopics } from '../kafka.js';
import { StageConsumer, type StageConsumerOptions } from '../stage-consumer.js';
import { OrderAnalytics, type Figures } from './figures.js';

export interface AnalyticsServiceOptions extends StageConsumerOptions {
  readonly topics: PipelineTopics;
  /** Called with fresh figures every this many messages (0: never). */
  readonly reportEveryMessages: number;
  readonly onReport?: (figures: Figures) => void;
}

/** The analytics consumer: reads orders, results and dead letters, and keeps the figures. */
export class AnalyticsService {
  private consumer: StageConsumer | undefined;
  private readonly analytics = new OrderAnalytics();
  private readonly consumedByTopic: Record<string, number> = {};
  private readonly crashListeners: ((error: Error) => void)[] = [];
  private sinceReport = 0;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: AnalyticsServiceOptions,
  ) {}

  figures(): Figures {
    return this.analytics.figures();
  }

  consumed(): Readonly<Record<string, number>> {
    return this.consumedByTopic;
  }

  async start(): Promise<void> {
    const { topics } = this.options;
    await ensurePipelineTopics(this.client, topics, ['orders', 'inventory', 'deadLetter']);
    for (const topic of this.subscribedTopics()) this.consumedByTopic[topic] = 0;
    const consumer = await StageConsumer.open(this.client, this.subscribedTopics(), this.options);
    this.consumer = consumer;
    for (const listener of this.crashListeners) consumer.onCrash(listener);
    await consumer.start((batch, context, done) => {
      const ingest =
        batch.topic === topics.orders
          ? this.analytics.ingestOrder.bind(this.analytics)
          : batch.topic === topics.inventory
            ? this.analytics.ingestResult.bind(this.analytics)
            : this.analytics.ingestDeadLetter.bind(this.analytics);
      for (const message of batch.messages) {
        if (!context.isActive()) break;
        ingest(message);
        done(message.offset + 1);
        this.consumedByTopic[batch.topic] = (this.consumedByTopic[batch.topic] ?? 0) + 1;
        this.sinceReport += 1;
        if (this.options.reportEveryMessages > 0 && this.sinceReport >= this.options.reportEveryMessages) {
          this.sinceReport = 0;
          this.options.onReport?.(this.figures());
        }
      }
      return Promise.resolve();
    });
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
  }
}
