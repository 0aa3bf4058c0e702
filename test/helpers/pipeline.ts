import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import type { PipelineTopics } from '../../pipeline/contracts/topics.js';
import { AnalyticsService } from '../../pipeline/analytics/service.js';
import type { Figures } from '../../pipeline/analytics/figures.js';
import { InventoryService, type InventoryServiceOptions } from '../../pipeline/inventory/service.js';
import { Cleanup, createTestTopics, uniqueName, waitFor } from './kafka.js';

/** Unique order, inventory and dead-letter topics for one test, created now and deleted at cleanup. */
export async function createPipelineTopics(admin: Admin, cleanup: Cleanup, partitions = 3): Promise<PipelineTopics> {
  const id = uniqueName('p');
  const topics = { orders: `${id}-orders`, inventory: `${id}-inventory`, deadLetter: `${id}-dlq`, partitions };
  await createTestTopics(
    admin,
    [
      { topic: topics.orders, numPartitions: partitions },
      { topic: topics.inventory, numPartitions: partitions },
      { topic: topics.deadLetter, numPartitions: 1 },
    ],
    cleanup,
  );
  return topics;
}

export type InventorySettings = Partial<Omit<InventoryServiceOptions, 'topics' | 'groupId'>>;

export async function startInventory(kafka: Kafka, topics: PipelineTopics, cleanup: Cleanup, settings: InventorySettings = {}): Promise<InventoryService> {
  const service = new InventoryService(kafka, {
    topics,
    groupId: uniqueName('inventory'),
    initialStock: 1_000_000,
    trouble: { seed: 1, failureRate: 0, transientErrorRate: 0 },
    retry: { maxRetries: 3, backoffMs: 1 },
    throttleMs: 0,
    ...settings,
  });
  await service.start();
  cleanup.add(() => service.stop());
  return service;
}

export async function startAnalytics(kafka: Kafka, topics: PipelineTopics, cleanup: Cleanup, groupId = uniqueName('analytics')): Promise<AnalyticsService> {
  const service = new AnalyticsService(kafka, { topics, groupId, reportEveryMessages: 0 });
  await service.start();
  cleanup.add(() => service.stop());
  return service;
}

/** Waits until the analytics has an outcome for `orders` orders and has read `malformed` bad messages. */
export function settledFigures(analytics: AnalyticsService, orders: number, malformed = 0, timeoutMs = 30_000): Promise<Figures> {
  return waitFor(
    `figures for ${orders} orders`,
    () => {
      const f = analytics.figures();
      return f.total_orders === orders && f.pending === 0 && f.reserved + f.failed + f.dead_lettered === orders && f.malformed === malformed ? f : undefined;
    },
    timeoutMs,
  );
}

/** Reads a topic from the beginning with a throwaway group until `count` messages are in. */
export async function readMessages(kafka: Kafka, topic: string, count: number, cleanup: Cleanup, timeoutMs = 30_000): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  await consumer.connect();
  cleanup.add(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  const messages: KafkaMessage[] = [];
  await consumer.run({
    eachMessage: ({ message }) => {
      messages.push(message);
      return Promise.resolve();
    },
  });
  return waitFor(`${count} messages on ${topic}`, () => (messages.length >= count ? messages : undefined), timeoutMs);
}

export function headerText(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString();
}
