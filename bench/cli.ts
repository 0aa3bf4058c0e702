#!/usr/bin/env node
/** npm run bench:baseline | bench:10k | bench:lag | bench:replay | bench:all */
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { COMPRESSIONS, DRIVER_NAMES, type DriverName } from '../clients/driver.js';
import { errorText } from '../clients/errors.js';
import { installedDrivers, isDriverName, loadDriver } from '../clients/registry.js';
import { parseBrokerList } from '../kafka/cluster.js';
import { acquireKafka, type KafkaTarget } from '../kafka/embedded.js';
import { kafkaJavaTools, localBrokerOptions } from '../kafka/local-broker.js';
import { projectRoot } from '../kafka/paths.js';
import { checkNumber, commandLine, isInteractive, validate, withDriverOption } from '../pipeline/cli-support.js';
import { createProgress } from './progress.js';
import { renderSummary } from './report/render.js';
import type { RunResult } from './report/run-result.js';
import { runScenario, type RunOptions } from './runner.js';
import { runBaseline } from './scenarios/baseline.js';
import { runLag } from './scenarios/lag.js';
import { DEFAULTS, type Acks, type BaselineParams, type ClientsParams, type LagParams, type ReplayParams, type ThroughputParams } from './scenarios/params.js';
import { runClients } from './scenarios/clients.js';
import { runReplay } from './scenarios/replay.js';
import { runThroughput } from './scenarios/throughput.js';

const d = DEFAULTS;

function common<T>(argv: Argv<T>) {
  return withDriverOption(argv)
    .option('brokers', { type: 'string', default: process.env.KAFKA_BROKERS, defaultDescription: '$KAFKA_BROKERS, else the local broker (started and stopped by the run)', describe: 'Kafka bootstrap servers' })
    .option('out', { type: 'string', describe: 'report folder [default: reports/<scenario>-<UTC timestamp>]' })
    .option('keep-topics', { type: 'boolean', default: false, describe: 'keep the run\'s topics (by default each run uses fresh topics and deletes them)' })
    .option('partitions', { type: 'number', describe: 'partitions of the order and inventory topics [default 3]' })
    .option('seed', { type: 'number', describe: 'seed of the generated orders' })
    .option('timeout', { type: 'number', describe: 'limit of each phase, seconds' });
}

/** Which flags each scenario takes, beyond the common ones. */
const SCENARIO_FLAGS = {
  baseline: ['count', 'warmup', 'rate'],
  '10k': ['count', 'warmup', 'workers', 'batch-size', 'acks', 'compression', 'sample-ms', 'reference', 'java-records'],
  lag: ['rate', 'duration', 'throttle-ms', 'sample-ms'],
  replay: ['count', 'failure-rate', 'transient-error-rate', 'initial-stock'],
  clients: ['drivers', 'count', 'warmup', 'workers', 'batch-size', 'rate', 'latency-count', 'reference', 'java-records'],
  all: [],
} as const;

function checkDriverList(list: string | undefined): string | undefined {
  if (list === undefined) return undefined;
  const unknown = list.split(',').map((name) => name.trim()).find((name) => !isDriverName(name));
  return unknown === undefined ? undefined : `--drivers takes names from ${DRIVER_NAMES.join(', ')}, got ${unknown}`;
}

const parser = common(commandLine('bench', '$0 <scenario> [options]', 'Runs a benchmark scenario against the pipeline and writes its report folder (printed last). Defaults: bench/scenarios/params.ts.'))
  .command('baseline', `produce-to-ack and end-to-end latency, one order at a time or at --rate [${SCENARIO_FLAGS.baseline.join(', ')}]`)
  .command('10k', `throughput: --count orders from worker-thread producers, then the pipeline drain [${SCENARIO_FLAGS['10k'].join(', ')}]`)
  .command('lag', `a producer above a throttled consumer's capacity: lag rises, then drains to zero [${SCENARIO_FLAGS.lag.join(', ')}]`)
  .command('replay', `analytics figures, again after an offset reset, and from a fresh group: byte for byte [${SCENARIO_FLAGS.replay.join(', ')}]`)
  .command('clients', `every driver on the same broker and orders, beside Kafka's own Java tools: produce, consume, latency [${SCENARIO_FLAGS.clients.join(', ')}]`)
  .command('all', 'every scenario with its defaults, one report folder each')
  .option('count', { type: 'number', describe: `orders measured [baseline ${d.baseline.count}, 10k ${d['10k'].count}, replay ${d.replay.count}, clients ${d.clients.count} per job]` })
  .option('drivers', { type: 'string', describe: 'clients: the drivers to measure, comma-separated [every installed one]' })
  .option('latency-count', { type: 'number', describe: `clients: orders of the latency job, at --rate [${d.clients.latencyCount}]` })
  .option('java-records', { type: 'number', describe: `records each Java producer sends after its warm-up of ${d.clients.javaWarmupRecords} [${d.clients.javaRecords}]` })
  .option('warmup', { type: 'number', describe: `orders sent first and left out of the figures [baseline ${d.baseline.warmup}, 10k ${d['10k'].warmup}]` })
  .option('rate', { type: 'number', describe: `orders per second on a fixed schedule [baseline: one at a time; lag ${d.lag.rate}]` })
  .option('workers', { type: 'number', describe: `producer worker threads [default: cores, ${d['10k'].workers}]` })
  .option('batch-size', { type: 'number', describe: `orders per send [${d['10k'].batchSize}]` })
  .option('acks', { type: 'string', choices: ['all', 'leader', 'none'], describe: `producer acks [${d['10k'].acks}]` })
  .option('compression', { type: 'string', choices: COMPRESSIONS, describe: `producer compression, where the driver can [${d['10k'].compression}]` })
  .option('duration', { type: 'number', describe: `seconds the lag producer runs [${d.lag.durationS}]` })
  .option('throttle-ms', { type: 'number', describe: `inventory pause per message [${d.lag.throttleMs}]` })
  .option('reference', { type: 'boolean', describe: `Kafka's own Java tools on the same broker, long enough for steady state (needs Java; Maven on first use) [10k: off; clients: on, --no-reference turns it off]` })
  .option('sample-ms', { type: 'number', describe: `time-series sampling period [10k ${d['10k'].sampleMs}, lag ${d.lag.sampleMs}]` })
  .option('failure-rate', { type: 'number', describe: `simulated business failures, 0..1 [${d.replay.failureRate}]` })
  .option('transient-error-rate', { type: 'number', describe: `simulated transient errors, 0..1 [${d.replay.transientErrorRate}]` })
  .option('initial-stock', { type: 'number', describe: `stock of every item [${d.replay.initialStock}]` })
  .demandCommand(1, 1, 'name one scenario: baseline, 10k, lag, replay or all')
  .check((a) => {
    const name = String(a._[0]) as keyof typeof SCENARIO_FLAGS;
    const allowed: readonly string[] = SCENARIO_FLAGS[name];
    const misplaced = Object.keys(SCENARIO_FLAGS)
      .flatMap((s) => SCENARIO_FLAGS[s as keyof typeof SCENARIO_FLAGS] as readonly string[])
      .find((flag) => a[flag] !== undefined && !allowed.includes(flag));
    return validate(
      misplaced ? `--${misplaced} does not apply to ${name}; it takes ${allowed.length > 0 ? allowed.map((f) => `--${f}`).join(', ') : 'only the common flags'}` : undefined,
      checkNumber('partitions', a.partitions, { integer: true, min: 1, max: 1000 }),
      checkNumber('seed', a.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }),
      checkNumber('timeout', a.timeout, { min: 0, exclusiveMin: true }),
      checkNumber('count', a.count, { integer: true, min: 1 }),
      checkNumber('warmup', a.warmup, { integer: true, min: 0 }),
      checkNumber('rate', a.rate, { min: 0, exclusiveMin: true }),
      checkNumber('workers', a.workers, { integer: true, min: 1, max: 64 }),
      checkNumber('batch-size', a['batch-size'], { integer: true, min: 1, max: 100_000 }),
      checkNumber('duration', a.duration, { min: 0, exclusiveMin: true }),
      checkNumber('throttle-ms', a['throttle-ms'], { min: 0 }),
      checkNumber('sample-ms', a['sample-ms'], { integer: true, min: 10 }),
      checkNumber('failure-rate', a['failure-rate'], { min: 0, max: 1 }),
      checkNumber('transient-error-rate', a['transient-error-rate'], { min: 0, max: 1 }),
      checkNumber('initial-stock', a['initial-stock'], { integer: true, min: 0 }),
      checkNumber('latency-count', a['latency-count'], { integer: true, min: 1 }),
      checkNumber('java-records', a['java-records'], { integer: true, min: 1 }),
      checkDriverList(a.drivers),
    );
  });

const args = await parser.parseAsync();
const scenario = String(args._[0]);

function baselineParams(): BaselineParams {
  return {
    count: args.count ?? d.baseline.count,
    warmup: args.warmup ?? d.baseline.warmup,
    rate: args.rate ?? null,
    partitions: args.partitions ?? d.baseline.partitions,
    seed: args.seed ?? d.baseline.seed,
    timeoutS: args.timeout ?? d.baseline.timeoutS,
  };
}

function throughputParams(): ThroughputParams {
  const t = d['10k'];
  return {
    count: args.count ?? t.count,
    warmup: args.warmup ?? t.warmup,
    workers: args.workers ?? t.workers,
    batchSize: args['batch-size'] ?? t.batchSize,
    acks: (args.acks as Acks | undefined) ?? t.acks,
    compression: (args.compression) ?? t.compression,
    partitions: args.partitions ?? t.partitions,
    seed: args.seed ?? t.seed,
    sampleMs: args['sample-ms'] ?? t.sampleMs,
    timeoutS: args.timeout ?? t.timeoutS,
    reference: args.reference ?? t.reference,
    javaRecords: args['java-records'] ?? t.javaRecords,
    javaWarmupRecords: t.javaWarmupRecords,
  };
}

function lagParams(): LagParams {
  const l = d.lag;
  return {
    rate: args.rate ?? l.rate,
    durationS: args.duration ?? l.durationS,
    throttleMs: args['throttle-ms'] ?? l.throttleMs,
    sampleMs: args['sample-ms'] ?? l.sampleMs,
    partitions: args.partitions ?? l.partitions,
    seed: args.seed ?? l.seed,
    timeoutS: args.timeout ?? l.timeoutS,
  };
}

async function clientsParams(): Promise<ClientsParams> {
  const c = d.clients;
  const drivers = args.drivers ? args.drivers.split(',').map((name) => name.trim()).filter(isDriverName) : await installedDrivers();
  return {
    drivers,
    count: args.count ?? c.count,
    warmup: args.warmup ?? c.warmup,
    workers: args.workers ?? c.workers,
    batchSize: args['batch-size'] ?? c.batchSize,
    inFlight: c.inFlight,
    rate: args.rate ?? c.rate,
    latencyCount: args['latency-count'] ?? c.latencyCount,
    partitions: args.partitions ?? c.partitions,
    seed: args.seed ?? c.seed,
    timeoutS: args.timeout ?? c.timeoutS,
    reference: args.reference ?? c.reference,
    javaRecords: args['java-records'] ?? c.javaRecords,
    javaWarmupRecords: c.javaWarmupRecords,
  };
}

function replayParams(): ReplayParams {
  const r = d.replay;
  return {
    count: args.count ?? r.count,
    seed: args.seed ?? r.seed,
    failureRate: args['failure-rate'] ?? r.failureRate,
    transientErrorRate: args['transient-error-rate'] ?? r.transientErrorRate,
    initialStock: args['initial-stock'] ?? r.initialStock,
    partitions: args.partitions ?? r.partitions,
    timeoutS: args.timeout ?? r.timeoutS,
  };
}

async function target(): Promise<KafkaTarget> {
  const brokers = args.brokers ? parseBrokerList(args.brokers, '--brokers') : undefined;
  return acquireKafka({ brokers, local: localBrokerOptions(process.env), probeTimeoutMs: 5_000, onProgress: (m) => (isInteractive() ? process.stderr.write(`bench: ${m}\n`) : undefined) });
}

/** The driver must be installed and able to do what was asked, before anything runs. */
async function checkDriver(): Promise<void> {
  const driver = await loadDriver(args.driver as DriverName).catch((error: unknown) => {
    process.stderr.write(`bench ${scenario}: ${errorText(error)}\n`);
    process.exit(1);
  });
  const compression = args.compression;
  if (compression && !driver.info.capabilities.compressions.includes(compression)) {
    process.stderr.write(`bench: --compression ${compression} is not available with --driver ${driver.info.name}; it does ${driver.info.capabilities.compressions.join(', ')} (see --help)\n`);
    process.exit(2);
  }
}

await checkDriver();
let kafka: KafkaTarget | undefined;
let exitCode = 0;
try {
  kafka = await target();
  const options: RunOptions = { target: kafka, driver: args.driver as DriverName, progress: createProgress(isInteractive()), keepTopics: args['keep-topics'], outDir: args.out, reportsRoot: join(projectRoot(), 'reports') };
  const runs: { result: RunResult; dir: string }[] = [];
  if (scenario === 'baseline') runs.push(await runScenario('baseline', baselineParams(), runBaseline, options));
  if (scenario === '10k') {
    const params = throughputParams();
    const java = params.reference ? await kafkaJavaTools(localBrokerOptions(process.env)) : undefined;
    runs.push(await runScenario('10k', params, (context, p) => runThroughput(context, p, java), options));
  }
  if (scenario === 'lag') runs.push(await runScenario('lag', lagParams(), runLag, options));
  if (scenario === 'replay') runs.push(await runScenario('replay', replayParams(), runReplay, options));
  if (scenario === 'clients') {
    const params = await clientsParams();
    const java = params.reference ? await kafkaJavaTools(localBrokerOptions(process.env)) : undefined;
    runs.push(await runScenario('clients', params, (context, p) => runClients(context, p, java), options));
  }
  if (scenario === 'all') {
    // One folder per scenario: under --out DIR when given, else each in reports/.
    const under = (name: string): RunOptions => ({ ...options, outDir: args.out ? join(args.out, name) : undefined });
    runs.push(await runScenario('baseline', baselineParams(), runBaseline, under('baseline')));
    runs.push(await runScenario('10k', throughputParams(), runThroughput, under('10k')));
    runs.push(await runScenario('lag', lagParams(), runLag, under('lag')));
    runs.push(await runScenario('replay', replayParams(), runReplay, under('replay')));
  }
  for (const { result, dir } of runs) {
    process.stdout.write(`${renderSummary(result)}\n`);
    if (!result.passed) exitCode = 1;
    console.log(dir);
  }
} catch (error) {
  process.stderr.write(`bench ${scenario}: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = 1;
} finally {
  await kafka?.release();
}
process.exit(exitCode);
