import type { KafkaClient } from '../../clients/driver.js';
import type { Encoding } from '../contracts/codec.js';
import type { OrderPlaced } from '../contracts/events.js';
import { OrderBatcher, OrderNotSentError, type BatcherOptions } from '../producer/order-batcher.js';
import { OrderPublisher } from '../producer/order-producer.js';
import { BrokerHealth } from './broker-health.js';
import type { OrderSink } from './server.js';

/** Rejects with OrderNotSentError when the signal aborts first; the promise itself goes on. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal, reason: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new OrderNotSentError(reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(new OrderNotSentError(reason));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort);
    });
  });
}

/**
 * Publishes accepted orders with one idempotent producer, connecting on first use and again after a
 * failure; concurrent requests share produce requests (OrderBatcher), each answered on its own ack.
 */
export class KafkaOrderSink implements OrderSink {
  private batcher: OrderBatcher | undefined;
  private publisher: OrderPublisher | undefined;
  private connecting: Promise<OrderBatcher> | undefined;
  private readonly health: BrokerHealth;

  constructor(
    private readonly client: KafkaClient,
    private readonly topic: string,
    private readonly encoding: Encoding,
    private readonly batching: BatcherOptions,
  ) {
    this.health = new BrokerHealth(client);
  }

  kafkaReachable(): Promise<boolean> {
    return this.health.reachable();
  }

  async publish(order: OrderPlaced, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<void> {
    let batcher: OrderBatcher;
    try {
      batcher = await unlessAborted(this.connect(), signal, 'not sent: the producer was still connecting');
    } catch (error) {
      if (error instanceof OrderNotSentError) throw error;
      throw new OrderNotSentError(`not sent: the producer could not connect: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    await batcher.publish(order, headers, signal);
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
    await this.health.close();
    await this.publisher?.close();
    this.publisher = undefined;
    this.batcher = undefined;
  }
}
