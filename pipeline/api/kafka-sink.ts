import type { KafkaClient } from '../../clients/driver.js';
import type { Encoding } from '../contracts/codec.js';
import type { OrderPlaced } from '../contracts/events.js';
import { OrderBatcher, type BatcherOptions } from '../producer/order-batcher.js';
import { OrderPublisher } from '../producer/order-producer.js';
import type { OrderSink } from './server.js';

/**
 * Publishes accepted orders with one idempotent producer, connecting on first use and again after a
 * failure; concurrent requests share produce requests (OrderBatcher), each answered on its own ack.
 */
export class KafkaOrderSink implements OrderSink {
  private batcher: OrderBatcher | undefined;
  private publisher: OrderPublisher | undefined;
  private connecting: Promise<OrderBatcher> | undefined;

  constructor(
    private readonly client: KafkaClient,
    private readonly topic: string,
    private readonly encoding: Encoding,
    private readonly batching: BatcherOptions,
  ) {}

  get connected(): boolean {
    return this.publisher !== undefined;
  }

  async publish(order: OrderPlaced, headers: Readonly<Record<string, string>>): Promise<void> {
    const batcher = await this.connect();
    await batcher.publish(order, headers);
  }

  private connect(): Promise<OrderBatcher> {
    if (this.batcher) return Promise.resolve(this.batcher);
    this.connecting ??= (async () => {
      try {
        const publisher = await OrderPublisher.open(this.client, this.topic, this.encoding);
        this.publisher = publisher;
        this.batcher = new OrderBatcher(publisher, this.batching);
        return this.batcher;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  async close(): Promise<void> {
    await this.publisher?.close();
    this.publisher = undefined;
    this.batcher = undefined;
  }
}
