import type { KafkaClient } from '../../clients/driver.js';
import type { OrderPlaced } from '../contracts/events.js';
import { OrderPublisher } from '../producer/order-producer.js';
import type { OrderSink } from './server.js';

/** Publishes accepted orders with one idempotent producer, connecting on first use and again after a failure. */
export class KafkaOrderSink implements OrderSink {
  private publisher: OrderPublisher | undefined;
  private connecting: Promise<OrderPublisher> | undefined;

  constructor(
    private readonly client: KafkaClient,
    private readonly topic: string,
  ) {}

  get connected(): boolean {
    return this.publisher !== undefined;
  }

  async publish(order: OrderPlaced): Promise<void> {
    const publisher = await this.connect();
    await publisher.publish([order]);
  }

  private connect(): Promise<OrderPublisher> {
    if (this.publisher) return Promise.resolve(this.publisher);
    this.connecting ??= (async () => {
      try {
        const publisher = await OrderPublisher.open(this.client, this.topic);
        this.publisher = publisher;
        return publisher;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  async close(): Promise<void> {
    await this.publisher?.close();
    this.publisher = undefined;
  }
}
