import type { BatchHandler, ConsumerOptions, DriverConsumer, DriverProducer, KafkaClient, OutgoingMessage, ProducerOptions, TransactionOffsets } from '../../clients/driver.js';

/**
 * A real driver's client whose consumers hand every batch to the handler twice, the second time
 * once the first has returned: what a consumer that restarts in place and fetches a stale committed
 * offset (the transaction that moved it still writing its markers) delivers. Its producers take the
 * wrapped consumers' offsets in transactions.
 */
export function redeliveringClient(client: KafkaClient): KafkaClient {
  return {
    driver: client.driver,
    admin: () => client.admin(),
    async producer(options: ProducerOptions): Promise<DriverProducer> {
      return new UnwrappingProducer(await client.producer(options));
    },
    async consumer(options: ConsumerOptions): Promise<DriverConsumer> {
      return new RedeliveringConsumer(await client.consumer(options));
    },
  };
}

class RedeliveringConsumer implements DriverConsumer {
  constructor(readonly inner: DriverConsumer) {}

  get groupId(): string {
    return this.inner.groupId;
  }

  run(handler: BatchHandler): Promise<void> {
    return this.inner.run(async (batch, context) => {
      await handler(batch, context);
      await handler(batch, context);
    });
  }

  commit(...args: Parameters<DriverConsumer['commit']>): Promise<void> {
    return this.inner.commit(...args);
  }

  pause(): void {
    this.inner.pause();
  }

  resume(): void {
    this.inner.resume();
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  onCrash(listener: (error: Error) => void): void {
    this.inner.onCrash(listener);
  }
}

class UnwrappingProducer implements DriverProducer {
  constructor(private readonly inner: DriverProducer) {}

  send(messages: readonly OutgoingMessage[]): Promise<void> {
    return this.inner.send(messages);
  }

  sendInTransaction(messages: readonly OutgoingMessage[], offsets?: TransactionOffsets): Promise<void> {
    const consumer = offsets?.consumer instanceof RedeliveringConsumer ? offsets.consumer.inner : offsets?.consumer;
    return this.inner.sendInTransaction(messages, offsets && consumer ? { ...offsets, consumer } : offsets);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
