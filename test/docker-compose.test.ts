import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../kafka/paths.js';
import { renderServerProperties } from '../kafka/local-broker.js';
import { KAFKA_VERSION } from '../kafka/version.js';

interface ComposeService {
  image?: string;
  ports?: string[];
  environment?: Record<string, string | number>;
}

/** No Docker engine runs here, so the file is checked against the code's defaults instead of run. */
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(projectRoot(), 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
  const kafka = compose.services.kafka;

  it('runs the Apache Kafka release the project provisions, in KRaft mode', () => {
    expect(kafka?.image).to.equal(`apache/kafka:${KAFKA_VERSION}`);
    expect(kafka?.environment?.KAFKA_PROCESS_ROLES).to.equal('broker,controller');
  });

  it('publishes the default broker port and advertises it to the host', () => {
    expect(kafka?.ports).to.include('9092:9092');
    expect(String(kafka?.environment?.KAFKA_ADVERTISED_LISTENERS)).to.include('HOST://localhost:9092');
  });

  it('sets what the local broker sets for a single node', () => {
    const local = new Map(
      renderServerProperties({ port: 9092, controllerPort: 9093 }, '/data')
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => line.split('=', 2) as [string, string]),
    );
    for (const key of ['num.partitions', 'offsets.topic.replication.factor', 'offsets.topic.num.partitions', 'transaction.state.log.replication.factor', 'transaction.state.log.min.isr', 'group.initial.rebalance.delay.ms']) {
      const variable = `KAFKA_${key.toUpperCase().replaceAll('.', '_')}`;
      expect(String(kafka?.environment?.[variable]), variable).to.equal(local.get(key));
    }
  });

  it('points the web UI at the broker', () => {
    expect(compose.services['kafka-ui']?.environment?.KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS).to.equal('kafka:19092');
  });
});
