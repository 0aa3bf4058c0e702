import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readdirSync, statSync } from 'node:fs';
import { projectRoot } from '../kafka/paths.js';
import { DEFAULT_GROUPS, DEFAULT_PARTITIONS, DEFAULT_TOPICS } from '../pipeline/contracts/topics.js';
import { renderServerProperties } from '../kafka/local-broker.js';
import { KAFKA_VERSION } from '../kafka/version.js';

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  entrypoint?: string[];
  ports?: string[];
  environment?: Record<string, string | number>;
}

/** Every TypeScript source under a folder, as one text. */
function sources(folder: string): string {
  return readdirSync(folder)
    .map((name) => join(folder, name))
    .map((path) => (statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? readFileSync(path, 'utf8') : ''))
    .join('\n');
}

/** No Docker engine runs here, so the file is checked against the code's defaults instead of run. */
describe('docker-compose.yml', () => {
  // merge: true applies the `<<:` merge keys, as Docker Compose does.
  const compose = parse(readFileSync(join(projectRoot(), 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
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

  describe('the pipeline services', () => {
    const pipelineCode = sources(join(projectRoot(), 'pipeline'));
    const stages = { 'order-api': 'dist/pipeline/api/cli.js', inventory: 'dist/pipeline/inventory/cli.js', analytics: 'dist/pipeline/analytics/cli.js', producer: 'dist/pipeline/producer/cli.js' };

    for (const [name, script] of Object.entries(stages)) {
      it(`${name}: built from the repo, running ${script}, with variables the code reads`, () => {
        const service = compose.services[name];
        expect(service?.build).to.equal('.');
        expect([...(service?.command ?? []), ...(service?.entrypoint ?? [])]).to.include(script);
        expect(readFileSync(join(projectRoot(), script.replace(/^dist\//, '').replace(/\.js$/, '.ts')), 'utf8')).to.match(/^#!\/usr\/bin\/env node/);
        const environment = service?.environment ?? {};
        expect(environment.KAFKA_BROKERS).to.equal('kafka:19092');
        expect(environment).to.include({ ORDER_TOPIC: DEFAULT_TOPICS.orders, INVENTORY_TOPIC: DEFAULT_TOPICS.inventory, DLQ_TOPIC: DEFAULT_TOPICS.deadLetter, PARTITIONS: DEFAULT_PARTITIONS });
        for (const variable of Object.keys(environment)) {
          expect(pipelineCode, `${name}: ${variable} is read by the code`).to.match(new RegExp(`env\\.${variable}\\b`));
        }
      });
    }

    it('uses the default consumer groups and ports', () => {
      expect(compose.services.inventory?.environment?.GROUP_ID).to.equal(DEFAULT_GROUPS.inventory);
      expect(compose.services.analytics?.environment?.GROUP_ID).to.equal(DEFAULT_GROUPS.analytics);
      expect(compose.services.analytics?.ports).to.include('8080:8080');
      expect(compose.services['order-api']?.ports).to.include('3000:3000');
    });
  });

  it('points the web UI at the broker', () => {
    expect(compose.services['kafka-ui']?.environment?.KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS).to.equal('kafka:19092');
  });
});
