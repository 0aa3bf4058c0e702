import type { DriverProducer, Headers, KafkaClient, OutgoingMessage, ProducerOptions } from '../../clients/driver.js';
import { contentTypeHeaders, DEFAULT_ENCODING, encodeOrderPlaced, type Encoding } from '../contracts/codec.js';
import type { OrderPlaced } from '../contracts/events.js';
import { ORDER_HEADERS } from '../contracts/topics.js';
import { PIPELINE_PRODUCER } from '../kafka.js';

/** An order and the headers it travels with (trace context, a benchmark's timing). */
export interface OrderWithHeaders {
  readonly order: OrderPlaced;
  readonly headers?: Headers;
}

/** Sends OrderPlaced events in one encoding, keyed by order_id: idempotent, acknowledged by all in-sync replicas unless told otherwise. */
export class OrderPublisher {
  private constructor(
    private readonly producer: DriverProducer,
    private readonly topic: string,
    private readonly encoding: Encoding,
  ) {}

  static async open(client: KafkaClient, topic: string, encoding: Encoding = DEFAULT_ENCODING, settings: ProducerOptions = PIPELINE_PRODUCER): Promise<OrderPublisher> {
    return new OrderPublisher(await client.producer(settings), topic, encoding);
  }

  /** Resolves once every order is acknowledged by the broker. Each carries its send time (`sent-at`) beside the given headers. */
  publish(orders: readonly OrderPlaced[], headers?: Headers): Promise<void> {
    return this.publishEach(orders.map((order) => ({ order, ...(headers ? { headers } : {}) })));
  }

  /** Like publish, each order with headers of its own, in one send. */
  publishEach(orders: readonly OrderWithHeaders[]): Promise<void> {
    const sentAt = String(Date.now());
    return this.producer.send(orders.map(({ order, headers }) => orderMessage(this.topic, order, this.encoding, { ...headers, [ORDER_HEADERS.sentAt]: sentAt })));
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}

/** An order as a Kafka message: its value in the encoding, which its content-type header names. */
export function orderMessage(topic: string, order: OrderPlaced, encoding: Encoding, headers?: Headers): OutgoingMessage {
  return { topic, key: order.order_id, value: encodeOrderPlaced(order, encoding), headers: { ...headers, ...contentTypeHeaders(encoding) } };
}
