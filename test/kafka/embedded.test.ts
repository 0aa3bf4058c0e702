import { expect } from 'chai';
import { acquireKafka } from '../../kafka/embedded.js';
import { LocalKafkaError } from '../../kafka/errors.js';
import { describeCluster } from '../../kafka/cluster.js';
import { localBrokerOptions } from '../../kafka/local-broker.js';
import { testBrokers } from '../helpers/kafka.js';
import { freePort } from '../helpers/processes.js';

describe('kafka/embedded (the embedded default)', () => {
  it('uses a configured cluster as it is, and release leaves it running', async () => {
    const brokers = await testBrokers();
    const target = await acquireKafka({ brokers, local: localBrokerOptions({}), probeTimeoutMs: 5_000 });
    expect(target.origin).to.equal('configured');
    expect(target.brokers).to.deep.equal(brokers);
    await target.release();
    expect((await describeCluster(brokers, 5_000)).brokers).to.have.length.at.least(1);
  });

  it('reports an unreachable configured cluster instead of starting a broker', async () => {
    const brokers = [`127.0.0.1:${await freePort()}`];
    try {
      await acquireKafka({ brokers, local: localBrokerOptions({}), probeTimeoutMs: 2_000 });
      expect.fail('expected a rejection');
    } catch (error) {
      expect((error as LocalKafkaError).code).to.equal('BROKER_UNREACHABLE');
    }
  });
});
