import type { Consumer, Kafka } from 'kafkajs';
import { DEAD_LETTER_PARTITIONS, type PipelineTopics } from '../contracts/topics.js';
import { ensureTopics } from '../kafka-client.js';
import { OrderAnalytics, type Figures } from './figures.js';

export interface AnalyticsServiceOptions {
  /** Longest wait of an idle fetch (500 ms). */
  readonly fetchWaitMs?: number;
  /** A member not heard from for this long is dropped from the group, and its partitions reassigned. */
  readonly sessionTimeoutMs?: number;
  readonly topics: PipelineTopics;
  readonly groupId: string;
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
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // A fetch returns as soon as data is there; the wait bounds how long stop() or resume() waits on an idle fetch.
      maxWaitTimeInMs: options.fetchWaitMs ?? 500,
      // How soon the partitions of a crashed member go to the others (kafkajs's default is 30 s).
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    });
  }

  figures(): Figures {
    return this.analytics.figures();
  }

  consumed(): Readonly<Record<string, number>> {
    return this.consumedByTopic;
  }

  async start(): Promise<void> {
    const { topics } = this.options;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [
        { topic: topics.orders, numPartitions: topics.partitions },
        { topic: topics.inventory, numPartitions: topics.partitions },
        { topic: topics.deadLetter, numPartitions: DEAD_LETTER_PARTITIONS },
      ]);
    } finally {
      await admin.disconnect();
    }
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
