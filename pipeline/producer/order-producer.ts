import type { Kafka, Message, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { serializeOrderPlaced, type OrderPlaced } from '../contracts/events.js';

/** Sends OrderPlaced events: idempotent, acks from all in-sync replicas, keyed by order_id. */
export class OrderPublisher {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Resolves once every order is acknowledged by the broker. */
  async publish(orders: readonly OrderPlaced[], headers?: Message['headers']): Promise<void> {
    await this.producer.send({ topic: this.topic, acks: -1, messages: orders.map((order) => toMessage(order, headers)) });
  }
}

export function toMessage(order: OrderPlaced, headers?: Message['headers']): Message {
  return { key: order.order_id, value: serializeOrderPlaced(order), ...(headers ? { headers } : {}) };
}
