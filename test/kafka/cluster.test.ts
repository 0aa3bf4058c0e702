import { expect } from 'chai';
import { describeCluster, parseBrokerList } from '../../kafka/cluster.js';
import { LocalKafkaError } from '../../kafka/errors.js';
import { freePort } from '../helpers/processes.js';

describe('kafka/cluster', () => {
  it('parses a comma-separated broker list', () => {
    expect(parseBrokerList('127.0.0.1:9092')).to.deep.equal(['127.0.0.1:9092']);
    expect(parseBrokerList(' a:1, b.example:9093 ,')).to.deep.equal(['a:1', 'b.example:9093']);
    expect(parseBrokerList('[::1]:9092')).to.deep.equal(['[::1]:9092']);
  });

  it('rejects a malformed broker list, naming the entry', () => {
    expect(() => parseBrokerList('localhost')).to.throw(/KAFKA_BROKERS: 'localhost' is not host:port/);
    expect(() => parseBrokerList('a:1,b:70000', '--brokers')).to.throw(/--brokers: 'b:70000'/);
    expect(() => parseBrokerList(' , ')).to.throw(/empty/);
  });

  it('reports an unreachable broker in seconds', async () => {
    const port = await freePort();
    try {
      await describeCluster([`127.0.0.1:${port}`], 3_000);
      expect.fail('expected a rejection');
    } catch (error) {
      expect(error).to.be.instanceOf(LocalKafkaError);
      expect((error as LocalKafkaError).code).to.equal('BROKER_UNREACHABLE');
      expect((error as Error).message).to.include(`cannot reach Kafka at 127.0.0.1:${port}`);
    }
  });
});
