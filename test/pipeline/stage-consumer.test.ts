import { expect } from 'chai';
import type { BatchHandler, ConsumerOptions, DriverConsumer, KafkaClient, TopicPartitionOffset } from '../../clients/driver.js';
import { StageConsumer } from '../../pipeline/stage-consumer.js';
import { waitFor } from '../helpers/kafka.js';

/** A consumer whose first commit is never answered (a client stuck on a broker that went away); later ones are. */
class FirstCommitHangs implements DriverConsumer {
  readonly groupId = 'stage';
  readonly commits: (readonly TopicPartitionOffset[])[] = [];
  readonly answered: (readonly TopicPartitionOffset[])[] = [];
  handler: BatchHandler | undefined;
  stopped = false;

  run(handler: BatchHandler): Promise<void> {
    this.handler = handler;
    return Promise.resolve();
  }

  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.commits.push(offsets);
    if (this.commits.length === 1) return new Promise<void>(() => undefined);
    this.answered.push(offsets);
    return Promise.resolve();
  }

  pause(): void {}
  resume(): void {}
  onCrash(): void {}

  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
}

function clientOf(consumer: DriverConsumer): KafkaClient {
  return {
    driver: { name: 'kafkajs', library: 'none', version: '0', capabilities: { compressions: ['none'], transactions: false, staticMembership: false, workerThreads: true } },
    admin: () => Promise.reject(new Error('no admin here')),
    producer: () => Promise.reject(new Error('no producer here')),
    consumer: (_options: ConsumerOptions) => Promise.resolve(consumer),
  };
}

describe('pipeline/stage-consumer: a commit that is never answered', () => {
  it('is given up after commitTimeoutMs: its offsets go with the next commit, and stop() finishes', async () => {
    const driver = new FirstCommitHangs();
    const notices: string[] = [];
    const stage = await StageConsumer.open(clientOf(driver), ['orders'], { groupId: 'stage', commitIntervalMs: 20, commitTimeoutMs: 200, onNotice: (text) => notices.push(text) });
    await stage.start((batch, _context, done) => {
      const last = batch.messages.at(-1);
      if (last) done(last.offset + 1);
      return Promise.resolve();
    });
    const message = (offset: number) => ({ topic: 'orders', partition: 0, offset, key: null, value: null, headers: {} });
    const context = { isActive: () => true, finished: () => undefined };
    await driver.handler?.({ topic: 'orders', partition: 0, messages: [message(0), message(1)] }, context);
    await waitFor('the first commit made', () => (driver.commits.length === 1 ? true : undefined), 2_000);
    await waitFor('the offsets committed by a later commit', () => (driver.answered.length > 0 ? true : undefined), 2_000);
    expect(driver.answered[0]).to.deep.equal([{ topic: 'orders', partition: 0, offset: 2 }]);
    expect(notices).to.deep.equal(['a commit of stage had no answer within 200 ms; its offsets go with the next one']);
    await stage.stop();
    expect(driver.stopped).to.equal(true);
  });
});
