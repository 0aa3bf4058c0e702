#!/usr/bin/env node
/** npm run kafka:up | kafka:down | kafka:status — the local single-node KRaft broker. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { describeCluster, parseBrokerList } from './cluster.js';
import { LocalKafkaError } from './errors.js';
import { localBrokerOptions, localBrokerStatus, startLocalBroker, stopLocalBroker, type LocalBrokerOptions } from './local-broker.js';

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

function options(argv: { port: number | undefined; 'controller-port': number | undefined; timeout: number | undefined }): LocalBrokerOptions {
  return localBrokerOptions(process.env, {
    ...(argv.port !== undefined ? { port: argv.port } : {}),
    ...(argv['controller-port'] !== undefined ? { controllerPort: argv['controller-port'] } : {}),
    ...(argv.timeout !== undefined ? { startTimeoutMs: argv.timeout * 1000 } : {}),
  });
}

/** With KAFKA_BROKERS set, the local broker is not this project's to manage. */
function configuredCluster(): string[] | undefined {
  const list = process.env.KAFKA_BROKERS;
  return list ? parseBrokerList(list) : undefined;
}

async function up(opts: LocalBrokerOptions): Promise<void> {
  const configured = configuredCluster();
  if (configured) {
    console.log(`KAFKA_BROKERS is set (${configured.join(',')}): that cluster is used, the local broker is left alone`);
    return;
  }
  const result = await startLocalBroker(opts, progress);
  const how = result.alreadyRunning ? 'was already up' : `is up (started in ${(result.tookMs / 1000).toFixed(1)} s${result.resolvedWithMaven ? ', jars resolved with Maven' : ''})`;
  console.log(`Apache Kafka ${result.kafkaVersion} ${how} on ${result.broker}, pid ${result.pid}; log: ${result.logFile}`);
}

async function down(opts: LocalBrokerOptions): Promise<void> {
  if (configuredCluster()) {
    console.log("KAFKA_BROKERS is set: that cluster is not this project's to stop; nothing done");
    return;
  }
  const result = await stopLocalBroker(opts);
  console.log(result.wasRunning ? `stopped the local broker on 127.0.0.1:${opts.port} (pid ${String(result.pid)})` : `no local broker was running on 127.0.0.1:${opts.port}`);
}

/** Exit code 0 when up, 3 when down (like service(8) status), 1 when running but not answering. */
async function status(opts: LocalBrokerOptions): Promise<void> {
  const configured = configuredCluster();
  if (configured) {
    const info = await describeCluster(configured, 5_000);
    console.log(`up: KAFKA_BROKERS=${configured.join(',')}, cluster ${info.clusterId}, ${info.brokers.length} broker(s)`);
    return;
  }
  const state = await localBrokerStatus(opts);
  if (!state.running) {
    console.log(`down: no local broker on ${state.broker} (Apache Kafka ${state.kafkaVersion} when started)`);
    process.exitCode = 3;
    return;
  }
  const health = state.answering ? 'up' : 'running but not answering';
  console.log(`${health}: Apache Kafka ${state.kafkaVersion} on ${state.broker}, pid ${String(state.pid)}, since ${String(state.startedAt)}; log: ${state.logFile}`);
  if (!state.answering) process.exitCode = 1;
}

const commands = { up, down, status } as const;

const argv = await yargs(hideBin(process.argv))
  .scriptName('kafka')
  .usage('$0 <command>\n\nThe local Apache Kafka broker (KRaft, 127.0.0.1) used when KAFKA_BROKERS is unset.')
  .command('up', 'start the local broker; returns when it answers (harmless when already up)')
  .command('down', 'stop the local broker this project started')
  .command('status', 'show whether the broker is up, where, and which version')
  .option('port', { type: 'number', describe: 'broker port [env KAFKA_PORT, default 9092]' })
  .option('controller-port', { type: 'number', describe: 'KRaft controller port [env KAFKA_CONTROLLER_PORT, default port + 1]' })
  .option('timeout', { type: 'number', describe: 'seconds to wait for the broker to answer [default 90]' })
  .check((args) => {
    for (const flag of ['port', 'controller-port'] as const) {
      const value = args[flag];
      if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 65535)) {
        throw new Error(`--${flag} must be a whole number from 1 to 65535, got ${String(value)}`);
      }
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
