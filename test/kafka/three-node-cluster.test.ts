import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { KafkaClient } from '../../clients/driver.js';
import { openClient } from '../../clients/registry.js';
import { describeCluster } from '../../kafka/cluster.js';
import { kafkaJavaTools, localBrokerOptions } from '../../kafka/local-broker.js';
import { runCommand } from '../../kafka/toolchain.js';
import { fixedSchedule, OrderGenerator } from '../../pipeline/producer/order-generator.js';
import { OrderPublisher } from '../../pipeline/producer/order-producer.js';
import { produceOrders } from '../../pipeline/producer/produce-orders.js';
import { envWithout, runCli } from '../helpers/cli.js';
import { Cleanup, freePortRun, uniqueName } from '../helpers/kafka.js';
import { settledFigures, startAnalytics, startInventory } from '../helpers/pipeline.js';
import { processesMentioning, tempDir } from '../helpers/processes.js';

describe('a three-node local cluster (kafka:up --nodes 3) running the pipeline', function () {
  this.timeout(240_000);
  const dir = tempDir('three-nodes');
  const cleanup = new Cleanup();
  let env: NodeJS.ProcessEnv | undefined;
  let port = 0;
  const brokers = (): string[] => [0, 2, 4].map((step) => `127.0.0.1:${port + step}`);

  before(async function () {
    // The local cluster needs Java and Maven; a user who set KAFKA_BROKERS may have neither.
    if (process.env.KAFKA_BROKERS) this.skip();
    port = await freePortRun(6);
    // A small heap per node: three JVMs share this machine with the tests' own broker.
    env = { ...envWithout('KAFKA_BROKERS', 'KAFKA_CONTROLLER_PORT', 'KAFKA_NODES', 'CI'), KAFKA_LOCAL_DIR: dir.path, KAFKA_PORT: String(port), KAFKA_HEAP: '256m' };
  });
  afterEach(() => cleanup.run());
  after(async () => {
    if (env) await runCli('kafka/cli.js', ['down', '--nodes', '3'], env);
    await dir.remove();
  });

  it('starts three nodes in one quorum on ports P, P+2, P+4 (controllers P+1, P+3, P+5); status lists every node', async () => {
    const up = await runCli('kafka/cli.js', ['up', '--nodes', '3'], env);
    expect(up.code, up.stderr).to.equal(0);
    expect(up.stdout).to.match(new RegExp(`is up \\(started in [\\d.]+ s\\): 3 nodes on ${brokers().join(',').replaceAll('.', '\\.')}`));

    const info = await describeCluster(brokers(), 5_000);
    expect(info.brokers.map((b) => b.port).sort()).to.deep.equal([port, port + 2, port + 4]);
    const config = readFileSync(`${dir.path}/cluster-${port}-3nodes/node-2/server.properties`, 'utf8');
    expect(config).to.include(`controller.quorum.voters=1@127.0.0.1:${port + 1},2@127.0.0.1:${port + 3},3@127.0.0.1:${port + 5}`);

    // The node count from the environment, as the embedded default takes it.
    const status = await runCli('kafka/cli.js', ['status'], { ...env, KAFKA_NODES: '3' });
    expect(status.code, status.stdout).to.equal(0);
    const lines = status.stdout.trim().split('\n');
    expect(lines[0]).to.match(/^up: Apache Kafka [\d.]+, 3 of 3 nodes answering on /);
    expect(lines.slice(1).map((line) => /^ {2}node (\d) up on 127\.0\.0\.1:(\d+), pid \d+/.exec(line)?.slice(1))).to.deep.equal([
      ['1', String(port)],
      ['2', String(port + 2)],
      ['3', String(port + 4)],
    ]);
  });

  it('gives the pipeline topics 3 replicas and min.insync.replicas 2, and accounts for every order', async () => {
    const client: KafkaClient = await openClient('platformatic', { brokers: brokers(), clientId: uniqueName('three-nodes'), logLevel: 'error' });
    const id = uniqueName('p3');
    const topics = { orders: `${id}-orders`, inventory: `${id}-inventory`, deadLetter: `${id}-dlq`, partitions: 3 };
    // The inventory creates the topics it needs, as a stage does on a new cluster.
    await startInventory(client, topics, cleanup);
    const analytics = await startAnalytics(client, topics, cleanup);
    const publisher = await OrderPublisher.open(client, topics.orders);
    cleanup.add(() => publisher.close());
    const summary = await produceOrders(new OrderGenerator({ seed: 3, placedAt: fixedSchedule(new Date('2026-02-15T10:00:00Z'), 1_000) }), publisher, { count: 60, pacing: { kind: 'batch', batchSize: 20 } });
    expect(summary).to.include({ sent: 60, failed: 0 });
    const figures = await settledFigures(analytics, 60, 0, 60_000);
    expect(figures.reserved + figures.failed + figures.dead_lettered).to.equal(60);

    const java = await kafkaJavaTools(localBrokerOptions(env ?? {}));
    for (const topic of [topics.orders, topics.inventory, topics.deadLetter]) {
      const described = await runCommand(java.javaCommand, ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', java.classpath, 'org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers().join(','), '--describe', '--topic', topic]);
      const header = described.stdout.split('\n').find((line) => line.startsWith(`Topic: ${topic}\t`)) ?? described.stdout + described.stderr;
      expect(header, topic).to.match(/\tReplicationFactor: 3\t/);
      expect(header, topic).to.match(/Configs: .*min\.insync\.replicas=2/);
    }
  });

  it('kafka:down stops every node', async () => {
    const down = await runCli('kafka/cli.js', ['down', '--nodes', '3'], env);
    expect(down.code, down.stderr).to.equal(0);
    expect(down.stdout).to.match(/^stopped the local 3-node cluster on .* \(pid \d+, \d+, \d+\)$/m);
    const status = await runCli('kafka/cli.js', ['status', '--nodes', '3'], env);
    expect(status.code).to.equal(3);
    expect(processesMentioning(`${dir.path}/cluster-${port}-3nodes/`)).to.deep.equal([]);
  });
});
