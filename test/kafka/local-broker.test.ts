import { expect } from 'chai';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { LocalKafkaError } from '../../kafka/errors.js';
import { clusterNodes, localBrokerOptions, newClusterId, renderServerProperties, startLocalBroker, type LocalBrokerOptions } from '../../kafka/local-broker.js';
import { freePort, processesMentioning, tempDir, writeScript } from '../helpers/processes.js';

describe('kafka/local-broker', () => {
  const dir = tempDir('local-broker');
  after(() => dir.remove());

  /** Options for a broker whose java is a stand-in script: no Maven, no real Kafka. */
  async function fakeBrokerOptions(name: string, brokerBody: string, startTimeoutMs = 20_000): Promise<LocalBrokerOptions> {
    const java = writeScript(
      join(dir.path, `${name}-java`),
      `case "$*" in
  *-version*) echo 'openjdk version "17.0.9"' >&2; exit 0 ;;
  *StorageTool*) exit 0 ;;
esac
${brokerBody}`,
    );
    const cacheFile = join(dir.path, `${name}.classpath`);
    writeFileSync(cacheFile, java);
    const base = localBrokerOptions({}, { port: await freePort(), controllerPort: await freePort(), localDir: join(dir.path, name), startTimeoutMs });
    return { ...base, javaCommand: java, mavenCommand: join(dir.path, 'no-maven'), classpathCacheFile: cacheFile };
  }

  it('renders a single-node KRaft configuration on 127.0.0.1', () => {
    const properties = renderServerProperties({ port: 19092, controllerPort: 19093 }, '/data');
    expect(properties).to.include('process.roles=broker,controller');
    expect(properties).to.include('controller.quorum.voters=1@127.0.0.1:19093');
    expect(properties).to.include('listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(properties).to.include('advertised.listeners=PLAINTEXT://127.0.0.1:19092');
    expect(properties).to.include('offsets.topic.replication.factor=1');
    expect(properties).to.include('transaction.state.log.replication.factor=1');
    expect(properties).to.include('group.initial.rebalance.delay.ms=0');
    expect(properties).to.include('log.dirs=/data');
  });

  it('renders three nodes, each broker and controller, in one quorum of three, replicated 3 with 2 in sync', () => {
    const properties = renderServerProperties({ port: 19092, controllerPort: 19093, nodes: 3 }, '/data', 2);
    expect(properties).to.include('node.id=2');
    expect(properties).to.include('controller.quorum.voters=1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097');
    expect(properties).to.include('listeners=PLAINTEXT://127.0.0.1:19094,CONTROLLER://127.0.0.1:19095');
    expect(properties).to.include('advertised.listeners=PLAINTEXT://127.0.0.1:19094');
    for (const setting of ['default.replication.factor=3', 'min.insync.replicas=2', 'offsets.topic.replication.factor=3', 'transaction.state.log.replication.factor=3', 'transaction.state.log.min.isr=2']) {
      expect(properties).to.include(setting);
    }
  });

  it('takes the node count from KAFKA_NODES and lays the nodes out by the port scheme', () => {
    const options = localBrokerOptions({ KAFKA_PORT: '29092', KAFKA_NODES: '3' }, { localDir: '/local' });
    expect(options.instanceDir).to.equal('/local/cluster-29092-3nodes');
    expect(clusterNodes(options)).to.deep.equal([
      { nodeId: 1, port: 29092, controllerPort: 29093, dir: '/local/cluster-29092-3nodes/node-1' },
      { nodeId: 2, port: 29094, controllerPort: 29095, dir: '/local/cluster-29092-3nodes/node-2' },
      { nodeId: 3, port: 29096, controllerPort: 29097, dir: '/local/cluster-29092-3nodes/node-3' },
    ]);
    expect(localBrokerOptions({ KAFKA_PORT: '29092' }, { localDir: '/local' }).instanceDir).to.equal('/local/broker-29092');
  });

  it('refuses a node count out of range, and ports that collide or run past 65535, in one line', () => {
    expect(() => localBrokerOptions({ KAFKA_NODES: '0' })).to.throw("KAFKA_NODES='0' is not valid: expected a whole number from 1 to 9");
    expect(() => localBrokerOptions({ KAFKA_NODES: '3', KAFKA_PORT: '9092', KAFKA_CONTROLLER_PORT: '9094' })).to.throw(/^controller port 9094 collides with the broker ports of 3 nodes from 9092/);
    expect(localBrokerOptions({ KAFKA_NODES: '3', KAFKA_PORT: '65530' }).nodes).to.equal(3);
    expect(() => localBrokerOptions({ KAFKA_NODES: '3', KAFKA_PORT: '65531' })).to.throw(/^3 nodes from port 65531 need ports up to 65536: pick a lower KAFKA_PORT$/);
  });

  it('makes cluster ids that a command line cannot mistake for options', () => {
    const ids = Array.from({ length: 2_000 }, newClusterId);
    for (const id of ids) expect(id).to.match(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('refuses a port that is taken, and changes nothing', async () => {
    const options = await fakeBrokerOptions('port-taken', 'exit 1');
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(options.port, '127.0.0.1', resolve));
    try {
      await startLocalBroker(options);
      expect.fail('expected a rejection');
    } catch (error) {
      expect((error as LocalKafkaError).code).to.equal('PORT_TAKEN');
      expect((error as Error).message).to.include(`port ${options.port} on 127.0.0.1 is taken`);
    } finally {
      squatter.close();
    }
    expect(existsSync(options.instanceDir)).to.equal(false);
  });

  it('shows the last lines of the log when the broker exits during start', async () => {
    const options = await fakeBrokerOptions('exits', `echo 'ERROR Exiting Kafka due to fatal exception: stand-in failure'; exit 1`);
    try {
      await startLocalBroker(options);
      expect.fail('expected a rejection');
    } catch (error) {
      expect((error as LocalKafkaError).code).to.equal('BROKER_EXITED');
      expect((error as Error).message).to.match(/the broker exited during start; the last lines of .*broker\.log:$/);
      expect((error as LocalKafkaError).details).to.include('stand-in failure');
    }
    expect(existsSync(join(options.instanceDir, 'broker.json'))).to.equal(false);
  });

  it('gives up after the start timeout and stops what it started', async () => {
    const options = await fakeBrokerOptions('hangs', 'while :; do sleep 0.2; done', 1_500);
    try {
      await startLocalBroker(options);
      expect.fail('expected a rejection');
    } catch (error) {
      expect((error as LocalKafkaError).code).to.equal('START_TIMEOUT');
      expect((error as Error).message).to.include('did not answer on 127.0.0.1:').and.include('within 2 s and was stopped');
    }
    expect(processesMentioning(join(options.instanceDir, 'server.properties'))).to.deep.equal([]);
  });
});
