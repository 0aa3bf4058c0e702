import type { Kafka } from 'kafkajs';
import type { OrderPlaced } from '../contracts/events.js';
import { OrderPublisher } from '../producer/order-producer.js';
import type { OrderSink } from './server.js';

/** Publishes accepted orders with one idempotent producer, connecting on first use and again after a failure. */
export class KafkaOrderSink implements OrderSink {
  private publisher: OrderPublisher | undefined;
  private connecting: Promise<OrderPublisher> | undefined;

  constructor(
    private readonly kafka: Kafka,
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
      const publisher = new OrderPublisher(this.kafka, this.topic);
      try {
        await publisher.connect();
        this.publisher = publisher;
        return publisher;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  async close(): Promise<void> {
    await this.publisher?.disconnect();
    this.publisher = undefined;
  }
}
