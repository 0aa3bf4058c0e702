import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DriverAdmin, KafkaClient } from '../../clients/driver.js';
import { openClient } from '../../clients/registry.js';
import { describeCluster } from '../../kafka/cluster.js';
import { kafkaJavaTools, localBrokerOptions, runningNodePid } from '../../kafka/local-broker.js';
import { runCommand } from '../../kafka/toolchain.js';
import { fixedSchedule, OrderGenerator } from '../../pipeline/producer/order-generator.js';
import { OrderPublisher } from '../../pipeline/producer/order-producer.js';
import { produceOrders } from '../../pipeline/producer/produce-orders.js';
import { retryTransient } from '../../pipeline/retry.js';
import { envWithout, runCli } from '../helpers/cli.js';
import { requireDriver, TEST_DRIVERS } from '../helpers/drivers.js';
import { Cleanup, freePortRun, uniqueName, waitFor } from '../helpers/kafka.js';
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

  for (const driver of TEST_DRIVERS) {
    it(`${driver}: an idempotent send that one broker left unanswered is made again without writing twice what another broker acknowledged`, async function () {
      await requireDriver(this, driver);
      // Requests time out fast and the library retries little, so that a send fails and is made again
      // (within the delivery timeout) while the broker is stopped.
      const client = await openClient(driver, { brokers: brokers(), clientId: uniqueName('partial-send'), logLevel: 'error', requestTimeoutMs: 500, retries: 1, deliveryTimeoutMs: 20_000 });
      const admin = await client.admin();
      cleanup.add(() => admin.close());
      const { answered, stopped, stoppedLeader } = await topicsOnTwoBrokers(admin);
      const producer = await client.producer({ idempotent: true, acks: 'all', compression: 'none' });
      cleanup.add(() => producer.close());
      const pid = runningNodePid(localBrokerOptions({ ...env, KAFKA_NODES: '3' }), stoppedLeader);
      if (pid === undefined) throw new Error(`node ${stoppedLeader} is not running`);
      // Stopped for less than the broker session timeout (9 s): it stays in the cluster, leading its topic.
      process.kill(pid, 'SIGSTOP');
      const resumed = sleep(6_000).then(() => process.kill(pid, 'SIGCONT'));
      cleanup.add(() => resumed);
      await producer.send([{ topic: answered, key: 'a', value: 'once' }, { topic: stopped, key: 'b', value: 'once' }]);
      await resumed;
      expect((await admin.endOffsets(answered))[0]?.high, 'copies of the record the running broker acknowledged').to.equal(1);
      expect((await admin.endOffsets(stopped))[0]?.high, 'copies of the record the stopped broker took later').to.equal(1);
    });
  }

  for (const driver of TEST_DRIVERS) {
    it(`${driver}: a transaction made while every broker was stopped, its abort unanswered, does not stop the transactions after it`, async function () {
      await requireDriver(this, driver);
      const client = await openClient(driver, { brokers: brokers(), clientId: uniqueName('stalled-transaction'), logLevel: 'nothing', requestTimeoutMs: 1_000, retries: 1 });
      const admin = await client.admin();
      cleanup.add(() => admin.close());
      const topic = uniqueName('transactions');
      await admin.createTopics([{ topic, partitions: 1 }]);
      cleanup.add(() => admin.deleteTopics([topic]));
      const producer = await client.producer({ idempotent: true, acks: 'all', compression: 'none', transactionalId: uniqueName('stalled') });
      cleanup.add(() => producer.close());
      await producer.sendInTransaction([{ topic, key: 'k', value: 'before' }]);

      const pids = [1, 2, 3].map((node) => {
        const pid = runningNodePid(localBrokerOptions({ ...env, KAFKA_NODES: '3' }), node);
        if (pid === undefined) throw new Error(`node ${node} is not running`);
        return pid;
      });
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      // Stopped for less than the broker session timeout (9 s): the same leaders and coordinators after.
      const resumed = sleep(6_000).then(() => {
        for (const pid of pids) process.kill(pid, 'SIGCONT');
      });
      cleanup.add(() => resumed);
      // It fails (librdkafka: its abort unanswered too), or commits once the brokers are back; either way
      // the transactions after it must commit, as a stage tries them again while the cluster comes back.
      await producer.sendInTransaction([{ topic, key: 'k', value: 'stalled' }]).catch(() => undefined);
      await resumed;
      await retryTransient(() => producer.sendInTransaction([{ topic, key: 'k', value: 'after' }]), { limitMs: 60_000 });
      const read = await committedValues(client, topic, 'after');
      expect(read.filter((value) => value !== 'stalled')).to.deep.equal(['before', 'after']);
    });
  }

  /** The committed values of the topic's partition 0, read from its start until `last` is among them. */
  async function committedValues(client: KafkaClient, topic: string, last: string): Promise<string[]> {
    const consumer = await client.consumer({ groupId: uniqueName('read'), topics: [topic], fromBeginning: true, maxWaitMs: 100 });
    cleanup.add(() => consumer.stop());
    const values: string[] = [];
    await consumer.run((batch) => {
      values.push(...batch.messages.map((m) => m.value?.toString() ?? ''));
      return Promise.resolve();
    });
    return waitFor(`${last} among the committed values of ${topic}`, () => (values.includes(last) ? values : undefined), 30_000);
  }

  /** Two one-partition topics of one replica, led by different brokers. */
  async function topicsOnTwoBrokers(admin: DriverAdmin): Promise<{ answered: string; stopped: string; stoppedLeader: number }> {
    const leaderOf = (topic: string): Promise<number> => waitFor(`a leader of ${topic}`, async () => {
      // Just created, a topic may not be in a broker's metadata yet.
      const leader = (await admin.partitionLeaders(topic).catch(() => new Map<number, number>())).get(0);
      return leader !== undefined && leader >= 0 ? leader : undefined;
    });
    const create = async (prefix: string): Promise<string> => {
      const topic = uniqueName(prefix);
      await admin.createTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
      cleanup.add(() => admin.deleteTopics([topic]));
      return topic;
    };
    const answered = await create('answered');
    const leader = await leaderOf(answered);
    for (let attempt = 0; attempt < 8; attempt++) {
      const stopped = await create('stopped');
      const stoppedLeader = await leaderOf(stopped);
      if (stoppedLeader !== leader) return { answered, stopped, stoppedLeader };
    }
    throw new Error(`eight topics in a row were led by broker ${leader}`);
  }

  it('kafka:down stops every node', async () => {
    const down = await runCli('kafka/cli.js', ['down', '--nodes', '3'], env);
    expect(down.code, down.stderr).to.equal(0);
    expect(down.stdout).to.match(/^stopped the local 3-node cluster on .* \(pid \d+, \d+, \d+\)$/m);
    const status = await runCli('kafka/cli.js', ['status', '--nodes', '3'], env);
    expect(status.code).to.equal(3);
    expect(processesMentioning(`${dir.path}/cluster-${port}-3nodes/`)).to.deep.equal([]);
  });
});
