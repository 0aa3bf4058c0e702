import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseEnv } from 'node:util';
import { runCli } from './helpers/cli.js';
import { projectRoot } from '../kafka/paths.js';
import { DEAD_LETTER_PARTITIONS, DEFAULT_GROUPS, DEFAULT_PARTITIONS, DEFAULT_TOPICS } from '../pipeline/contracts/topics.js';
import { renderServerProperties } from '../kafka/local-broker.js';
import { KAFKA_VERSION } from '../kafka/version.js';

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  entrypoint?: string[];
  ports?: string[];
  environment?: Record<string, string | number>;
  env_file?: string[];
  depends_on?: Record<string, { condition?: string }>;
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
    const stages = { 'order-api': 'dist/pipeline/api/cli.js', inventory: 'dist/pipeline/inventory/cli.js', analytics: 'dist/pipeline/analytics/cli.js', producer: 'dist/pipeline/producer/cli.js' };
    /** A service's variables as Compose gives them to it: its env files in order, the later winning. */
    const variables = (service: ComposeService | undefined): Record<string, string> => {
      const merged: Record<string, string> = {};
      for (const file of service?.env_file ?? []) {
        for (const [name, value] of Object.entries(parseEnv(readFileSync(join(projectRoot(), file), 'utf8')))) if (value !== undefined) merged[name] = value;
      }
      return merged;
    };

    for (const [name, script] of Object.entries(stages)) {
      it(`${name}: built from the repo, running ${script}, configured by env files whose every variable the command reads`, async () => {
        const service = compose.services[name];
        expect(service?.build).to.equal('.');
        expect([...(service?.command ?? []), ...(service?.entrypoint ?? [])]).to.include(script);
        expect(readFileSync(join(projectRoot(), script.replace(/^dist\//, '').replace(/\.js$/, '.ts')), 'utf8')).to.match(/^#!\/usr\/bin\/env node/);
        expect(service?.environment, 'configured by env files only').to.equal(undefined);
        expect(service?.env_file?.[0]).to.equal('config/pipeline.env');
        expect(service?.depends_on?.['kafka-init']?.condition).to.equal('service_completed_successfully');
        const environment = variables(service);
        expect(environment.BOOTSTRAP_SERVERS).to.equal('kafka:19092');
        // What the command reads, from its own --help (every flag's variables).
        const help = await runCli(script.replace(/^dist\//, ''), ['--help']);
        const read = new Set(help.stdout.split('\n').flatMap((line) => (/^ {2}--[a-z-]+ +([A-Z_, ]+)$/.exec(line)?.[1] ?? '').split(', ').filter(Boolean)));
        for (const variable of Object.keys(environment)) expect(read.has(variable), `${name}: ${variable} is read by ${script}`).to.equal(true);
        for (const [variable, value] of Object.entries({ ORDER_TOPIC: DEFAULT_TOPICS.orders, INVENTORY_TOPIC: DEFAULT_TOPICS.inventory, DLQ_TOPIC: DEFAULT_TOPICS.deadLetter, PARTITIONS: String(DEFAULT_PARTITIONS) })) {
          if (variable in environment) expect(environment[variable], variable).to.equal(value);
        }
      });
    }

    it('kafka-init creates the three topics with the configured partitions, once, after the broker is healthy', () => {
      const init = compose.services['kafka-init'];
      expect(init?.image).to.equal(`apache/kafka:${KAFKA_VERSION}`);
      expect(init?.depends_on?.kafka?.condition).to.equal('service_healthy');
      expect(variables(init)).to.include({ ORDER_TOPIC: DEFAULT_TOPICS.orders, INVENTORY_TOPIC: DEFAULT_TOPICS.inventory, DLQ_TOPIC: DEFAULT_TOPICS.deadLetter, PARTITIONS: String(DEFAULT_PARTITIONS) });
      const script = (init?.command ?? []).join('\n');
      expect(script).to.include('kafka-topics.sh --bootstrap-server "$$BOOTSTRAP_SERVERS" --create --if-not-exists');
      for (const topic of ['"$$ORDER_TOPIC:$$PARTITIONS"', '"$$INVENTORY_TOPIC:$$PARTITIONS"', `"$$DLQ_TOPIC:${String(DEAD_LETTER_PARTITIONS)}"`]) expect(script).to.include(topic);
    });

    it('uses the default consumer groups and ports, and the analytics as a static member', () => {
      expect(variables(compose.services.inventory).GROUP_ID).to.equal(DEFAULT_GROUPS.inventory);
      expect(variables(compose.services.analytics)).to.include({ GROUP_ID: DEFAULT_GROUPS.analytics, HTTP_PORT: '8080', GROUP_INSTANCE_ID: 'analytics-1' });
      expect(variables(compose.services['order-api']).PORT).to.equal('3000');
      expect(compose.services.analytics?.ports).to.include('8080:8080');
      expect(compose.services['order-api']?.ports).to.include('3000:3000');
    });
  });

  it('points the web UI at the broker', () => {
    expect(compose.services['kafka-ui']?.environment?.KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS).to.equal('kafka:19092');
  });
});
