/**
 * The bench's command line: its flags, which scenario takes which, their checks, and each
 * scenario's typed parameters built from them (defaults from scenarios/params.ts).
 */
import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { COMPRESSIONS, DRIVER_NAMES, type DriverName } from '../clients/driver.js';
import { installedDrivers, isDriverName } from '../clients/registry.js';
import { checkBrokers, checkNumber, commandLine, parseCommandLine, validate, withDriverOption } from '../pipeline/cli-support.js';
import { DEFAULT_ENCODING, ENCODINGS, type Encoding } from '../pipeline/contracts/codec.js';
import { DEFAULT_TOPICS } from '../pipeline/contracts/topics.js';
import type { PipelineChoice } from './harness.js';
import { parseThreshold, parseThresholdsFile, type Threshold } from './measure/thresholds.js';
import { FAULT_KINDS, formatFaultSchedule, parseFaultSchedule } from './faults/schedule.js';
import { AGENT_FLAGS, agentFlagProblem, withAgentFlags } from './agents/agent-options.js';
import { REPORT_FORMATS } from './report/write-report.js';
import { DEFAULTS, type BaselineParams, type ChaosParams, type ClientsParams, type LagParams, type ReplayParams, type RestParams, type ThroughputParams } from './scenarios/params.js';

const d = DEFAULTS;

export const SCENARIOS = ['baseline', '10k', 'lag', 'replay', 'clients', 'rest', 'chaos', 'all'] as const;
export type ScenarioChoice = (typeof SCENARIOS)[number];

/** Which flags each scenario takes, beyond the common ones. */
const SCENARIO_FLAGS: Readonly<Record<ScenarioChoice, readonly string[]>> = {
  baseline: ['count', 'warmup', 'rate', 'reference', 'reference-records', 'via'],
  '10k': ['count', 'warmup', 'workers', 'batch-size', 'acks', 'compression', 'sample-ms', 'reference', 'java-records', 'inventory-instances'],
  lag: ['rate', 'duration', 'throttle-ms', 'sample-ms'],
  replay: ['count', 'failure-rate', 'transient-error-rate', 'initial-stock'],
  clients: ['drivers', 'count', 'warmup', 'workers', 'batch-size', 'rate', 'latency-count', 'reference', 'java-records'],
  rest: ['connections', 'rate', 'count', 'duration', 'warmup', 'workers', 'linger-ms'],
  chaos: ['rate', 'duration', 'faults', 'fault-command', 'exactly-once'],
  all: [],
};

function common<T>(argv: Argv<T>) {
  return withDriverOption(argv)
    .option('brokers', { type: 'string', defaultDescription: 'the local broker (started and stopped by the run)', describe: 'Kafka bootstrap servers' })
    .option('out', { type: 'string', describe: 'report folder [default: reports/<scenario>-<UTC timestamp>]' })
    .option('keep-topics', { type: 'boolean', default: false, describe: "keep the run's topics (by default each run uses fresh topics and deletes them)" })
    .option('partitions', { type: 'number', describe: 'partitions of the order and inventory topics [default 3]' })
    .option('seed', { type: 'number', describe: 'seed of the generated orders' })
    .option('timeout', { type: 'number', describe: 'limit of each phase, seconds' })
    .option('pipeline', { type: 'string', choices: ['internal', 'external'] as const, default: 'internal' as const, describe: 'internal: the bench starts the stages as processes on fresh topics; external: it measures whatever pipeline consumes --order-topic and writes --inventory-topic' })
    .option('order-topic', { type: 'string', default: DEFAULT_TOPICS.orders, describe: 'with --pipeline external: the topic its orders go to' })
    .option('inventory-topic', { type: 'string', default: DEFAULT_TOPICS.inventory, describe: 'with --pipeline external: the topic its results come from' })
    .option('profile', { type: 'boolean', default: false, describe: 'a CPU profile of every stage process (.cpuprofile files in the report folder)' })
    .option('encoding', { type: 'string', describe: `how orders (and so results) are written: ${ENCODINGS.join(' or ')}; 10k also takes json,avro (both, side by side) [${DEFAULT_ENCODING}]` })
    .option('repeat', { type: 'number', describe: 'runs of the scenario, each on fresh topics: figures as median, min, max and spread, histograms merged [1]' })
    .option('threshold', { type: 'string', array: true, nargs: 1, describe: "a pass/fail gate in k6's syntax, repeatable: 'end_to_end.p99<50' (a histogram's statistic, ms) or 'produce_events_per_s>20000' (a figure); a failed one exits 99" })
    .option('thresholds', { type: 'string', describe: 'a JSON file of thresholds: { "thresholds": { "end_to_end": ["p(99)<50"], "produce_events_per_s": ["value>20000"] } }' })
    .option('format', { type: 'string', choices: REPORT_FORMATS, describe: "also write the report in this form: omb, the OpenMessaging Benchmark's result JSON (omb.json)" });
}

/** "json,avro" → ['json', 'avro'] (10k only); a message naming the flag and the accepted values when it is not that. */
function encodingList(value: string | undefined, scenario: string): Encoding[] | string {
  if (value === undefined) return [DEFAULT_ENCODING];
  const names = value.split(',').map((name) => name.trim());
  const several = scenario === '10k';
  const known = names.every((name): name is Encoding => (ENCODINGS as readonly string[]).includes(name));
  if (!known || new Set(names).size !== names.length) return `--encoding takes ${ENCODINGS.join(' or ')}${several ? ', or both comma-separated' : ''}, got ${value}`;
  if (names.length > 1 && !several) return `--encoding takes one encoding for ${scenario} (${ENCODINGS.join(' or ')}); only 10k measures both side by side, got ${value}`;
  return names;
}

/** The run's one encoding (a list is refused before this, except for 10k). */
function encodingOf(args: BenchArgs): Encoding {
  const list = encodingList(args.encoding, '10k');
  return typeof list === 'string' ? DEFAULT_ENCODING : (list[0] ?? DEFAULT_ENCODING);
}

/** The thresholds of --threshold and --thresholds FILE, or one line naming the first that is not one. */
function readThresholds(flags: readonly string[] | undefined, file: string | undefined): Threshold[] | string {
  const thresholds: Threshold[] = [];
  for (const text of flags ?? []) {
    const threshold = parseThreshold(text);
    if (typeof threshold === 'string') return `--threshold ${threshold}`;
    thresholds.push(threshold);
  }
  if (file === undefined) return thresholds;
  let json: string;
  try {
    json = readFileSync(file, 'utf8');
  } catch (error) {
    return `--thresholds ${file} cannot be read (${error instanceof Error && 'code' in error ? String(error.code) : String(error)})`;
  }
  const fromFile = parseThresholdsFile(json, file);
  return typeof fromFile === 'string' ? fromFile : [...thresholds, ...fromFile];
}

function checkDriverList(list: string | undefined): string | undefined {
  if (list === undefined) return undefined;
  const unknown = list.split(',').map((name) => name.trim()).find((name) => !isDriverName(name));
  return unknown === undefined ? undefined : `--drivers takes names from ${DRIVER_NAMES.join(', ')}, got ${unknown}`;
}

/** "1,2,4" → [1, 2, 4]; a message naming the flag when it is not a list of counts from 1 to 64. */
function instanceCounts(list: string | undefined): number[] | string {
  if (list === undefined) return [...d['10k'].inventoryInstances];
  const counts = list.split(',').map((part) => Number(part.trim()));
  return counts.length > 0 && counts.every((n) => Number.isInteger(n) && n >= 1 && n <= 64) ? counts : `--inventory-instances takes whole numbers from 1 to 64, comma-separated, got ${list}`;
}

export function benchCommandLine() {
  return withAgentFlags(common(commandLine('bench', '$0 <scenario> [options]', 'Runs a benchmark scenario against the pipeline and writes its report folder (printed last). Defaults: bench/scenarios/params.ts.')))
    .command('baseline', `produce-to-ack and end-to-end latency, one order at a time or at --rate [${SCENARIO_FLAGS.baseline.join(', ')}]`)
    .command('10k', `throughput: --count orders from worker-thread producers, then the pipeline drain [${SCENARIO_FLAGS['10k'].join(', ')}]`)
    .command('lag', `a producer above a throttled consumer's capacity: lag rises, then drains to zero [${SCENARIO_FLAGS.lag.join(', ')}]`)
    .command('replay', `analytics figures, again after an offset reset, and from a fresh group: byte for byte [${SCENARIO_FLAGS.replay.join(', ')}]`)
    .command('clients', `every driver on the same broker and orders, beside Kafka's own Java tools: produce, consume, latency [${SCENARIO_FLAGS.clients.join(', ')}]`)
    .command('rest', `POST /order through the REST service over many connections or at a rate; HTTP and order-to-result latency, nothing lost [${SCENARIO_FLAGS.rest.join(', ')}]`)
    .command('chaos', `faults on a schedule (a partition leader killed, the inventory killed, a broker paused) at a steady --rate on a replicated cluster; every acknowledged order accounted for, each fault's recovery [${SCENARIO_FLAGS.chaos.join(', ')}]`)
    .command('all', 'baseline, 10k, lag and replay with their defaults, one report folder each')
    .option('count', { type: 'number', describe: `orders measured [baseline ${d.baseline.count}, 10k ${d['10k'].count}, replay ${d.replay.count}, clients ${d.clients.count} per job]` })
    .option('drivers', { type: 'string', describe: 'clients: the drivers to measure, comma-separated [every installed one]' })
    .option('latency-count', { type: 'number', describe: `clients: orders of the latency job, at --rate [${d.clients.latencyCount}]` })
    .option('java-records', { type: 'number', describe: `records each Java producer sends after its warm-up of ${d.clients.javaWarmupRecords} [${d.clients.javaRecords}]` })
    .option('warmup', { type: 'number', describe: `orders sent first and left out of the figures [baseline ${d.baseline.warmup}, 10k ${d['10k'].warmup}]` })
    .option('rate', { type: 'number', describe: `orders per second on a fixed schedule [baseline: one at a time; lag ${d.lag.rate}; clients ${d.clients.rate}]` })
    .option('workers', { type: 'number', describe: `producer worker threads [one per core, ${d['10k'].workers}]` })
    .option('batch-size', { type: 'number', describe: `orders per send [10k ${d['10k'].batchSize}, clients ${d.clients.batchSize}]` })
    .option('acks', { type: 'string', choices: ['all', 'leader', 'none'] as const, describe: `producer acks [${d['10k'].acks}]` })
    .option('compression', { type: 'string', choices: COMPRESSIONS, describe: `producer compression, where the driver can [${d['10k'].compression}]` })
    .option('inventory-instances', { type: 'string', describe: 'inventory processes in one group; a list (1,2,4) measures the scaling [1]' })
    .option('duration', { type: 'number', describe: `seconds the load runs [lag ${d.lag.durationS}, rest ${d.rest.durationS} unless --count]` })
    .option('connections', { type: 'number', describe: `rest: HTTP connections [${d.rest.connections}]` })
    .option('linger-ms', { type: 'number', describe: `rest: the service's linger, 0 to 1 ms [${d.rest.lingerMs}]` })
    .option('throttle-ms', { type: 'number', describe: `inventory pause per message [${d.lag.throttleMs}]` })
    .option('reference', { type: 'boolean', describe: "Kafka's own Java tools on the same broker (needs Java; Maven on first use): EndToEndLatency for baseline, ProducerPerformance for 10k, both with ConsumerPerformance for clients [baseline, 10k: off; clients: on, --no-reference turns it off]" })
    .option('via', { type: 'string', choices: ['kafka', 'rest'] as const, describe: 'baseline: rest also sends one request at a time through the REST service, beside the direct path [kafka]' })
    .option('reference-records', { type: 'number', describe: `baseline: records of the EndToEndLatency run [${d.baseline.referenceRecords}]` })
    .option('sample-ms', { type: 'number', describe: `time-series sampling period [10k ${d['10k'].sampleMs}, lag ${d.lag.sampleMs}]` })
    .option('failure-rate', { type: 'number', describe: `simulated business failures, 0..1 [${d.replay.failureRate}]` })
    .option('transient-error-rate', { type: 'number', describe: `simulated transient errors, 0..1 [${d.replay.transientErrorRate}]` })
    .option('initial-stock', { type: 'number', describe: `stock of every item [${d.replay.initialStock}]` })
    .option('faults', { type: 'string', describe: `chaos: the fault schedule, AT:KIND[:FOR],... in seconds from the load's start; KIND ${FAULT_KINDS.join(', ')} [${d.chaos.faults}]` })
    .option('fault-command', { type: 'string', describe: 'chaos, against --brokers/KAFKA_BROKERS: an executable called as CMD kill|restart|pause|resume <node-id> for the broker faults [none: only the inventory is faulted]' })
    .option('exactly-once', { type: 'boolean', describe: 'chaos: the inventory commits results and offsets in one transaction; a duplicated result then fails the run [off]' })
    .demandCommand(1, 1, `name one scenario: ${SCENARIOS.join(', ')}`)
    .check((a) => {
      const name = String(a._[0]);
      const defaults = name === '10k' ? d['10k'] : d.baseline;
      return validate(agentFlagProblem(a, name, { count: defaults.count, seed: defaults.seed }));
    })
    .check((a) => {
      const name = String(a._[0]) as ScenarioChoice;
      const allowed = SCENARIO_FLAGS[name];
      const misplaced = SCENARIOS.flatMap((s) => SCENARIO_FLAGS[s]).find((flag) => a[flag] !== undefined && !allowed.includes(flag));
      const instances = instanceCounts(a['inventory-instances']);
      const encodings = encodingList(a.encoding, name);
      const thresholds = readThresholds(a.threshold, a.thresholds);
      const faults = name === 'chaos' ? parseFaultSchedule(a.faults ?? d.chaos.faults, a.duration ?? d.chaos.durationS) : [];
      return validate(
        misplaced ? `--${misplaced} does not apply to ${name}; it takes ${allowed.length > 0 ? allowed.map((f) => `--${f}`).join(', ') : 'only the common flags'}` : undefined,
        a.pipeline === 'external' && !['baseline', '10k'].includes(name) ? `--pipeline external applies to baseline and 10k; ${name} runs its own pipeline` : undefined,
        a.via === 'rest' && a.rate !== undefined ? '--via rest measures one request at a time; it does not take --rate' : undefined,
        a.via === 'rest' && a.pipeline === 'external' ? '--via rest starts the REST service itself; it does not take --pipeline external' : undefined,
        checkBrokers(a.brokers),
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
        checkNumber('reference-records', a['reference-records'], { integer: true, min: 100 }),
        checkNumber('connections', a.connections, { integer: true, min: 1, max: 10_000 }),
        checkNumber('linger-ms', a['linger-ms'], { min: 0, max: 1 }),
        checkDriverList(a.drivers),
        typeof instances === 'string' ? instances : undefined,
        typeof encodings === 'string' ? encodings : undefined,
        checkNumber('repeat', a.repeat, { integer: true, min: 1, max: 1000 }),
        typeof thresholds === 'string' ? thresholds : undefined,
        typeof faults === 'string' ? faults : undefined,
        name === 'all' && (a.threshold !== undefined || a.thresholds !== undefined) ? '--threshold and --thresholds apply to one scenario at a time; all runs four with different figures' : undefined,
      );
    });
}

/**
 * The bench's flags, beneath them their variables: only those of the flags the scenario named on
 * the command line takes (a THROTTLE_MS meant for a stage does not stop `bench replay`).
 */
export function parseBenchCommandLine(): Promise<BenchArgs> {
  const scenarioFlags = new Set(SCENARIOS.flatMap((s) => SCENARIO_FLAGS[s]));
  const agentFlags = new Set<string>(AGENT_FLAGS);
  return parseCommandLine(benchCommandLine(), {
    scriptName: 'bench',
    applies: (flag, [scenario]) =>
      agentFlags.has(flag) ? scenario === 'baseline' || scenario === '10k' : !scenarioFlags.has(flag) || (SCENARIOS as readonly string[]).includes(scenario ?? '') && SCENARIO_FLAGS[scenario as ScenarioChoice].includes(flag),
  });
}

export type BenchArgs = Awaited<ReturnType<ReturnType<typeof benchCommandLine>['parseAsync']>>;

export function pipelineChoice(args: BenchArgs): PipelineChoice {
  return args.pipeline === 'external' ? { mode: 'external', orderTopic: args['order-topic'], inventoryTopic: args['inventory-topic'] } : { mode: 'internal' };
}

/** The thresholds asked for (already checked by the command line). */
export function thresholdsOf(args: BenchArgs): Threshold[] {
  const thresholds = readThresholds(args.threshold, args.thresholds);
  if (typeof thresholds === 'string') throw new Error(thresholds);
  return thresholds;
}

export function driverOf(args: BenchArgs): DriverName {
  return args.driver;
}

export function baselineParams(args: BenchArgs): BaselineParams {
  const b = d.baseline;
  return {
    count: args.count ?? b.count,
    warmup: args.warmup ?? b.warmup,
    rate: args.rate ?? null,
    partitions: args.partitions ?? b.partitions,
    seed: args.seed ?? b.seed,
    timeoutS: args.timeout ?? b.timeoutS,
    reference: args.reference ?? b.reference,
    referenceRecords: args['reference-records'] ?? b.referenceRecords,
    via: args.via ?? b.via,
    encoding: encodingOf(args),
  };
}

export function throughputParams(args: BenchArgs): ThroughputParams {
  const t = d['10k'];
  const instances = instanceCounts(args['inventory-instances']);
  const encodings = encodingList(args.encoding, '10k');
  return {
    count: args.count ?? t.count,
    warmup: args.warmup ?? t.warmup,
    workers: args.workers ?? t.workers,
    batchSize: args['batch-size'] ?? t.batchSize,
    acks: args.acks ?? t.acks,
    compression: args.compression ?? t.compression,
    partitions: args.partitions ?? t.partitions,
    seed: args.seed ?? t.seed,
    sampleMs: args['sample-ms'] ?? t.sampleMs,
    timeoutS: args.timeout ?? t.timeoutS,
    reference: args.reference ?? t.reference,
    javaRecords: args['java-records'] ?? t.javaRecords,
    javaWarmupRecords: t.javaWarmupRecords,
    inventoryInstances: typeof instances === 'string' ? t.inventoryInstances : instances,
    encodings: typeof encodings === 'string' ? t.encodings : encodings,
  };
}

export function lagParams(args: BenchArgs): LagParams {
  const l = d.lag;
  return {
    rate: args.rate ?? l.rate,
    durationS: args.duration ?? l.durationS,
    throttleMs: args['throttle-ms'] ?? l.throttleMs,
    sampleMs: args['sample-ms'] ?? l.sampleMs,
    partitions: args.partitions ?? l.partitions,
    seed: args.seed ?? l.seed,
    timeoutS: args.timeout ?? l.timeoutS,
    encoding: encodingOf(args),
  };
}

export function replayParams(args: BenchArgs): ReplayParams {
  const r = d.replay;
  return {
    count: args.count ?? r.count,
    seed: args.seed ?? r.seed,
    failureRate: args['failure-rate'] ?? r.failureRate,
    transientErrorRate: args['transient-error-rate'] ?? r.transientErrorRate,
    initialStock: args['initial-stock'] ?? r.initialStock,
    partitions: args.partitions ?? r.partitions,
    timeoutS: args.timeout ?? r.timeoutS,
    encoding: encodingOf(args),
  };
}

export function restParams(args: BenchArgs): RestParams {
  const r = d.rest;
  return {
    connections: args.connections ?? r.connections,
    rate: args.rate ?? r.rate,
    count: args.count ?? r.count,
    durationS: args.duration ?? r.durationS,
    warmup: args.warmup ?? r.warmup,
    workers: args.workers ?? r.workers,
    lingerMs: args['linger-ms'] ?? r.lingerMs,
    partitions: args.partitions ?? r.partitions,
    seed: args.seed ?? r.seed,
    timeoutS: args.timeout ?? r.timeoutS,
    encoding: encodingOf(args),
  };
}

export async function clientsParams(args: BenchArgs): Promise<ClientsParams> {
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
    encoding: encodingOf(args),
  };
}

export function chaosParams(args: BenchArgs): ChaosParams {
  const c = d.chaos;
  const durationS = args.duration ?? c.durationS;
  const faults = parseFaultSchedule(args.faults ?? c.faults, durationS);
  return {
    rate: args.rate ?? c.rate,
    durationS,
    faults: typeof faults === 'string' ? c.faults : formatFaultSchedule(faults),
    exactlyOnce: args['exactly-once'] ?? c.exactlyOnce,
    partitions: args.partitions ?? c.partitions,
    seed: args.seed ?? c.seed,
    timeoutS: args.timeout ?? c.timeoutS,
    encoding: encodingOf(args),
  };
}
