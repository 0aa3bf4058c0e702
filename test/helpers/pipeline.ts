import type { ConsumedMessage, DriverAdmin, KafkaClient } from '../../clients/driver.js';
import { AnalyticsService } from '../../pipeline/analytics/service.js';
import type { Figures } from '../../pipeline/analytics/figures.js';
import { headerText as readHeader } from '../../pipeline/contracts/headers.js';
import type { PipelineTopics } from '../../pipeline/contracts/topics.js';
import { InventoryService, type InventoryServiceOptions } from '../../pipeline/inventory/service.js';
import { Cleanup, createTestTopics, uniqueName, waitFor } from './kafka.js';

/** Unique order, inventory and dead-letter topics for one test, created now and deleted at cleanup. */
export async function createPipelineTopics(admin: DriverAdmin, cleanup: Cleanup, partitions = 3): Promise<PipelineTopics> {
  const id = uniqueName('p');
  const topics = { orders: `${id}-orders`, inventory: `${id}-inventory`, deadLetter: `${id}-dlq`, partitions };
  await createTestTopics(
    admin,
    [
      { topic: topics.orders, partitions },
      { topic: topics.inventory, partitions },
      { topic: topics.deadLetter, partitions: 1 },
    ],
    cleanup,
  );
  return topics;
}

export type InventorySettings = Partial<Omit<InventoryServiceOptions, 'topics' | 'groupId'>>;

export async function startInventory(client: KafkaClient, topics: PipelineTopics, cleanup: Cleanup, settings: InventorySettings = {}): Promise<InventoryService> {
  const service = new InventoryService(client, {
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

export async function startAnalytics(client: KafkaClient, topics: PipelineTopics, cleanup: Cleanup, groupId = uniqueName('analytics')): Promise<AnalyticsService> {
  const service = new AnalyticsService(client, { topics, groupId, reportEveryMessages: 0 });
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

/** Reads a topic from the beginning with a throwaway group (committed data only) until `count` messages are in. */
export async function readMessages(client: KafkaClient, topic: string, count: number, cleanup: Cleanup, timeoutMs = 30_000): Promise<ConsumedMessage[]> {
  const consumer = await client.consumer({ groupId: uniqueName('reader'), topics: [topic], fromBeginning: true, maxWaitMs: 100 });
  cleanup.add(() => consumer.stop());
  const messages: ConsumedMessage[] = [];
  await consumer.run((batch) => {
    messages.push(...batch.messages);
    return Promise.resolve();
  });
  return waitFor(`${count} messages on ${topic}`, () => (messages.length >= count ? messages : undefined), timeoutMs);
}

export function headerText(message: ConsumedMessage, name: string): string | undefined {
  return readHeader(message.headers, name);
}
