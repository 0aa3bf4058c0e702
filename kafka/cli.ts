#!/usr/bin/env node
/** npm run kafka:up | kafka:down | kafka:status — the local KRaft broker, or a cluster of them (--nodes). */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { describeCluster, parseBrokerList } from './cluster.js';
import { LocalKafkaError } from './errors.js';
import { clusterBrokers, localBrokerOptions, localBrokerStatus, MAX_LOCAL_NODES, startLocalBroker, stopLocalBroker, type LocalBrokerOptions } from './local-broker.js';

function fail(command: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`kafka:${command}: ${message}\n`);
  if (error instanceof LocalKafkaError && error.details) process.stderr.write(`${error.details}\n`);
  process.exit(1);
}

const interactive = process.stderr.isTTY && !process.env.CI;
const progress = (message: string): void => {
  if (interactive) process.stderr.write(`… ${message}\n`);
};

function options(argv: { port: number | undefined; 'controller-port': number | undefined; nodes: number | undefined; timeout: number | undefined }): LocalBrokerOptions {
  return localBrokerOptions(process.env, {
    ...(argv.port !== undefined ? { port: argv.port } : {}),
    ...(argv['controller-port'] !== undefined ? { controllerPort: argv['controller-port'] } : {}),
    ...(argv.nodes !== undefined ? { nodes: argv.nodes } : {}),
    ...(argv.timeout !== undefined ? { startTimeoutMs: argv.timeout * 1000 } : {}),
  });
}

/** With KAFKA_BROKERS set, the local broker is not this project's to manage. */
function configuredCluster(): string[] | undefined {
  const list = process.env.KAFKA_BROKERS;
  return list ? parseBrokerList(list) : undefined;
}

function nodeLine(node: { nodeId: number; broker: string; pid: number | undefined; logFile: string }): string {
  return `  node ${node.nodeId} on ${node.broker}, pid ${String(node.pid)}; log: ${node.logFile}`;
}

async function up(opts: LocalBrokerOptions): Promise<void> {
  const configured = configuredCluster();
  if (configured) {
    console.log(`KAFKA_BROKERS is set (${configured.join(',')}): that cluster is used, the local broker is left alone`);
    return;
  }
  const result = await startLocalBroker(opts, progress);
  const how = result.alreadyRunning ? 'was already up' : `is up (started in ${(result.tookMs / 1000).toFixed(1)} s${result.resolvedWithMaven ? ', jars resolved with Maven' : ''})`;
  const [first] = result.nodes;
  if (result.nodes.length === 1 && first) {
    console.log(`Apache Kafka ${result.kafkaVersion} ${how} on ${first.broker}, pid ${first.pid}; log: ${first.logFile}`);
    return;
  }
  const started = result.alreadyRunning || result.startedNodeIds.length === result.nodes.length ? '' : ` (started node ${result.startedNodeIds.join(', ')})`;
  console.log(`Apache Kafka ${result.kafkaVersion} ${how}: ${result.nodes.length} nodes on ${result.brokers.join(',')}${started}`);
  for (const node of result.nodes) console.log(nodeLine(node));
}

async function down(opts: LocalBrokerOptions): Promise<void> {
  if (configuredCluster()) {
    console.log("KAFKA_BROKERS is set: that cluster is not this project's to stop; nothing done");
    return;
  }
  const result = await stopLocalBroker(opts);
  const where = clusterBrokers(opts).join(',');
  const what = opts.nodes === 1 ? 'the local broker' : `the local ${opts.nodes}-node cluster`;
  const pids = result.stopped.map((node) => String(node.pid)).join(', ');
  console.log(result.wasRunning ? `stopped ${what} on ${where} (pid ${pids})` : `no local broker was running on ${where}`);
}

/** Exit code 0 when every node is up, 3 when all are down (like service(8) status), 1 otherwise. */
async function status(opts: LocalBrokerOptions): Promise<void> {
  const configured = configuredCluster();
  if (configured) {
    const info = await describeCluster(configured, 5_000);
    console.log(`up: KAFKA_BROKERS=${configured.join(',')}, cluster ${info.clusterId}, ${info.brokers.length} broker(s)`);
    return;
  }
  const state = await localBrokerStatus(opts);
  const where = state.nodes.map((node) => node.broker).join(',');
  const running = state.nodes.filter((node) => node.running);
  const answering = state.nodes.filter((node) => node.answering);
  if (running.length === 0) {
    console.log(`down: no local broker on ${where} (Apache Kafka ${state.kafkaVersion} when started)`);
    process.exitCode = 3;
    return;
  }
  const [first] = state.nodes;
  if (state.nodes.length === 1 && first) {
    const health = first.answering ? 'up' : 'running but not answering';
    console.log(`${health}: Apache Kafka ${state.kafkaVersion} on ${first.broker}, pid ${String(first.pid)}, since ${String(first.startedAt)}; log: ${first.logFile}`);
  } else {
    const health = answering.length === state.nodes.length ? 'up' : 'degraded';
    console.log(`${health}: Apache Kafka ${state.kafkaVersion}, ${answering.length} of ${state.nodes.length} nodes answering on ${where}`);
    for (const node of state.nodes) {
      const how = node.answering ? 'up' : node.running ? 'running but not answering' : 'down';
      console.log(`  node ${node.nodeId} ${how} on ${node.broker}${node.running ? `, pid ${String(node.pid)}, since ${String(node.startedAt)}` : ''}; log: ${node.logFile}`);
    }
  }
  if (answering.length < state.nodes.length) process.exitCode = 1;
}

const commands = { up, down, status } as const;

const argv = await yargs(hideBin(process.argv))
  .scriptName('kafka')
  .usage('$0 <command>\n\nThe local Apache Kafka broker (KRaft, 127.0.0.1; one node, or a cluster with --nodes) used when KAFKA_BROKERS is unset.')
  .command('up', 'start the local broker; returns when it answers (harmless when already up)')
  .command('down', 'stop the local broker (every node) this project started')
  .command('status', 'show whether the broker (each node) is up, where, and which version')
  .option('port', { type: 'number', describe: 'broker port [env KAFKA_PORT, default 9092]' })
  .option('controller-port', { type: 'number', describe: 'KRaft controller port [env KAFKA_CONTROLLER_PORT, default port + 1]' })
  .option('nodes', { type: 'number', describe: `KRaft nodes, each broker and controller: node i (from 0) on port + 2i, controller port + 2i [env KAFKA_NODES, default 1, at most ${MAX_LOCAL_NODES}]` })
  .option('timeout', { type: 'number', describe: 'seconds to wait for the broker to answer [default 90]' })
  .check((args) => {
    for (const flag of ['port', 'controller-port'] as const) {
      const value = args[flag];
      if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 65535)) {
        throw new Error(`--${flag} must be a whole number from 1 to 65535, got ${String(value)}`);
      }
    }
    if (args.nodes !== undefined && (!Number.isInteger(args.nodes) || args.nodes < 1 || args.nodes > MAX_LOCAL_NODES)) {
      throw new Error(`--nodes must be a whole number from 1 to ${MAX_LOCAL_NODES}, got ${String(args.nodes)}`);
    }
    if (args.timeout !== undefined && !(args.timeout > 0)) throw new Error(`--timeout must be a positive number of seconds, got ${String(args.timeout)}`);
    return true;
  })
  .demandCommand(1, 1, 'name one command: up, down or status')
  .strict()
  .fail((message, error) => {
    process.stderr.write(`kafka: ${message || error.message} (see --help)\n`);
    process.exit(2);
  })
  .help()
  .parseAsync();

const command = String(argv._[0]) as keyof typeof commands;
try {
  await commands[command](options(argv));
} catch (error) {
  fail(command, error);
}
