import type { Consumer, Kafka } from 'kafkajs';
import type { PipelineTopics } from '../contracts/topics.js';
import { createStageConsumer, ensurePipelineTopics, type StageConsumerOptions } from '../kafka-client.js';
import { OrderAnalytics, type Figures } from './figures.js';

export interface AnalyticsServiceOptions extends StageConsumerOptions {
  readonly topics: PipelineTopics;
  /** Called with fresh figures every this many messages (0: never). */
  readonly reportEveryMessages: number;
  readonly onReport?: (figures: Figures) => void;
}

/** The analytics consumer: reads orders, results and dead letters, and keeps the figures. */
export class AnalyticsService {
  private readonly consumer: Consumer;
  private readonly analytics = new OrderAnalytics();
  private readonly consumedByTopic: Record<string, number> = {};
  private sinceReport = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: AnalyticsServiceOptions,
  ) {
    this.consumer = createStageConsumer(kafka, options);
  }

  figures(): Figures {
    return this.analytics.figures();
  }

  consumed(): Readonly<Record<string, number>> {
    return this.consumedByTopic;
  }

  async start(): Promise<void> {
    const { topics } = this.options;
    await ensurePipelineTopics(this.kafka, topics, ['orders', 'inventory', 'deadLetter']);
    for (const topic of this.subscribedTopics()) this.consumedByTopic[topic] = 0;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.subscribedTopics(), fromBeginning: true });
    await this.consumer.run({
      eachBatch: async (payload) => {
        const { batch } = payload;
        const ingest =
          batch.topic === topics.orders
            ? this.analytics.ingestOrder.bind(this.analytics)
            : batch.topic === topics.inventory
              ? this.analytics.ingestResult.bind(this.analytics)
              : this.analytics.ingestDeadLetter.bind(this.analytics);
        for (const message of batch.messages) {
          if (!payload.isRunning() || payload.isStale()) break;
          ingest(message);
          payload.resolveOffset(message.offset);
          this.consumedByTopic[batch.topic] = (this.consumedByTopic[batch.topic] ?? 0) + 1;
          this.sinceReport += 1;
          if (this.options.reportEveryMessages > 0 && this.sinceReport >= this.options.reportEveryMessages) {
            this.sinceReport = 0;
            this.options.onReport?.(this.figures());
          }
        }
        await payload.heartbeat();
      },
    });
  }

  /** Stops fetching (the batch in hand finishes); resume() goes on from there. */
  pause(): void {
    this.consumer.pause(this.subscribedTopics().map((topic) => ({ topic })));
  }

  resume(): void {
    this.consumer.resume(this.subscribedTopics().map((topic) => ({ topic })));
  }

  private subscribedTopics(): string[] {
    const { topics } = this.options;
    return [topics.orders, topics.inventory, topics.deadLetter];
  }

  /** Commits what was consumed and disconnects. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
