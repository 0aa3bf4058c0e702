/** What every command line of the pipeline (and the bench) shares: flags, one-line errors, broker resolution, shutdown. */
import yargs, { type Argv } from 'yargs';
import { hideBin, Parser } from 'yargs/helpers';
import { environmentHelp, readEnvFile, readEnvironment, type EnvironmentFilter } from './cli-environment.js';
import { describeCluster, parseBrokerList } from '../kafka/cluster.js';
import { localBrokerOptions, startLocalBroker } from '../kafka/local-broker.js';
import { DRIVER_NAMES, LOG_LEVELS, type DriverName, type LogLevel } from '../clients/driver.js';
import { DEFAULT_DRIVER, loadDriver } from '../clients/registry.js';
import { DEFAULT_ENCODING, ENCODINGS } from './contracts/codec.js';
import { DEFAULT_PARTITIONS, DEFAULT_TOPICS, STATE_MODES, type PipelineTopics } from './contracts/topics.js';
import type { KafkaConnection } from './kafka.js';
import type { StageConsumerOptions } from './stage-consumer.js';

/** A yargs parser whose errors are one line naming the flag (or its variable), with exit code 2. */
export function commandLine(scriptName: string, usage: string, description: string): Argv {
  return yargs(hideBin(process.argv))
    .scriptName(scriptName)
    .usage(usage)
    .epilogue(description)
    .strict()
    .version(false)
    .help()
    .option('env-file', { type: 'string', describe: 'read flags from this dotenv file, beneath the environment [env ENV_FILE]' })
    .option('env', { type: 'boolean', default: true, describe: 'read flags from the environment (--no-env: only from the command line)' })
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail(failWith(scriptName, new Map()));
}

function failWith(scriptName: string, variables: ReadonlyMap<string, string>) {
  return (message: string | undefined, error: Error | undefined): never => {
    const text = error instanceof FlagError ? `${variables.get(error.flag) ?? `--${error.flag}`} ${error.text}` : (message ?? error?.message ?? 'bad arguments');
    // yargs' own messages (choices, conflicts) may span lines: one line, always.
    process.stderr.write(`${scriptName}: ${text.replace(/\s*\n\s*/g, ' ')} (see --help)\n`);
    process.exit(2);
  };
}

export interface ParseOptions {
  /** The command's name, as in its error lines. */
  readonly scriptName: string;
  /** Which flags take their variable (default: all); the bench lets only the scenario's own through. */
  readonly applies?: EnvironmentFilter;
}

/**
 * Parses the command line with the flags' variables (cli-environment.ts) beneath it: their values go
 * to yargs as its configuration, which the command line overrides; a bad one is refused in one line
 * naming the variable, and so is a check that fails on a value that came from one.
 */
export async function parseCommandLine<T>(argv: Argv<T>, options: ParseOptions) {
  const { scriptName } = options;
  const args = hideBin(process.argv);
  const raw = Parser(args, { boolean: ['env'], string: ['env-file'], configuration: { 'camel-case-expansion': false } });
  const useEnvironment = raw.env !== false;
  const envFile = typeof raw['env-file'] === 'string' ? raw['env-file'] : useEnvironment ? process.env.ENV_FILE : undefined;
  let file: Record<string, string> = {};
  const help = environmentHelp(argv);
  const fail = (text: string): never => {
    process.stderr.write(`${scriptName}: ${text} (see --help)\n`);
    process.exit(2);
  };
  if (envFile !== undefined && envFile !== '') {
    try {
      file = readEnvFile(envFile, typeof raw['env-file'] === 'string' ? '--env-file' : 'ENV_FILE');
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
  }
  const reading = readEnvironment(argv, args, useEnvironment ? process.env : {}, file, options.applies);
  if (reading.problem) fail(reading.problem);
  if (reading.unused.length > 0) process.stderr.write(`${scriptName}: ${String(envFile)}: ${reading.unused.join(', ')} not read by this command\n`);
  const variables = new Map([...reading.values].map(([flag, value]) => [flag, value.variable]));
  return argv
    .config(Object.fromEntries([...reading.values].map(([flag, value]) => [flag, value.value])))
    .epilogue(help)
    .fail(failWith(scriptName, variables))
    .parseAsync();
}

/** A check's finding about one flag: named as the flag, or as the variable its value came from. */
export class FlagError extends Error {
  constructor(
    readonly flag: string,
    readonly text: string,
  ) {
    super(`--${flag} ${text}`);
  }
}

export interface FlagProblem {
  readonly flag: string;
  /** What is wrong, after the flag's name: "must be …, got …". */
  readonly text: string;
}

export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  /** min itself not allowed */
  readonly exclusiveMin?: boolean;
}

/** Checks a numeric flag; returns a message naming the flag and the accepted values, or undefined when valid. */
export function checkNumber(flag: string, value: unknown, rule: NumberRule): FlagProblem | undefined {
  if (value === undefined) return undefined;
  const kind = rule.integer ? 'a whole number' : 'a number';
  const lower = rule.min === undefined ? '' : rule.exclusiveMin ? `above ${rule.min}` : `${rule.max === undefined ? 'of at least' : 'from'} ${rule.min}`;
  const upper = rule.max === undefined ? '' : rule.min === undefined ? `of at most ${rule.max}` : `to ${rule.max}`;
  const accepted = [kind, lower, upper].filter(Boolean).join(' ');
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || (rule.exclusiveMin ? value > rule.min : value >= rule.min)) &&
    (rule.max === undefined || value <= rule.max);
  return ok ? undefined : { flag, text: `must be ${accepted}, got ${typeof value === 'number' ? String(value) : JSON.stringify(value)}` };
}

/** Throws the first failed check, for yargs' .check(). */
export function validate(...problems: (string | FlagProblem | undefined)[]): true {
  const problem = problems.find((p) => p !== undefined);
  if (typeof problem === 'string') throw new Error(problem);
  if (problem) throw new FlagError(problem.flag, problem.text);
  return true;
}

/** --driver: which client library talks to Kafka, by name. */
export function withDriverOption<T>(argv: Argv<T>) {
  return argv.option('driver', { type: 'string', choices: DRIVER_NAMES, default: DEFAULT_DRIVER, describe: 'Kafka client driver' });
}

/** --encoding: how a publisher writes its events, JSON or Avro single-object encoding. */
export function withEncodingOption<T>(argv: Argv<T>) {
  return argv.option('encoding', { type: 'string', choices: ENCODINGS, default: DEFAULT_ENCODING, describe: 'event encoding: json, or avro (single-object encoding, schemas in pipeline/contracts/)' });
}

/** --driver, --brokers, the topic flags, and the client library's log level. */
export function withKafkaOptions<T>(argv: Argv<T>) {
  return withDriverOption(argv)
    .option('brokers', { type: 'string', defaultDescription: 'the local broker', describe: 'Kafka bootstrap servers, host:port[,host:port]' })
    .option('order-topic', { type: 'string', default: DEFAULT_TOPICS.orders, describe: 'OrderPlaced topic' })
    .option('inventory-topic', { type: 'string', default: DEFAULT_TOPICS.inventory, describe: 'inventory results topic' })
    .option('dlq-topic', { type: 'string', default: DEFAULT_TOPICS.deadLetter, describe: 'dead-letter topic' })
    .option('partitions', { type: 'number', default: DEFAULT_PARTITIONS, describe: 'partitions of the order and inventory topics when created' })
    .option('log-level', { type: 'string', choices: LOG_LEVELS, default: 'warn', describe: "the client library's own log lines on stderr" })
    .check((args) => validate(checkNumber('partitions', args.partitions, { integer: true, min: 1, max: 1000 }), checkBrokers(args.brokers)));
}

export const AUTO_OFFSET_RESETS = ['earliest', 'latest'] as const;

/** A consuming stage's group: its name, where it starts without committed offsets, static membership, session timeout. */
export function withConsumerOptions<T>(argv: Argv<T>, defaultGroup: string) {
  return argv
    .option('group', { type: 'string', default: defaultGroup, describe: 'consumer group' })
    .option('auto-offset-reset', { type: 'string', choices: AUTO_OFFSET_RESETS, default: 'earliest', describe: 'where the group starts on a partition it has no committed offset for' })
    .option('group-instance-id', { type: 'string', describe: "static membership (KIP-345): a restart within the session timeout keeps this member's partitions, no rebalance; one id per member; not with --driver kafkajs" })
    .option('session-timeout-ms', { type: 'number', default: 10_000, describe: "after this long without a heartbeat a member's partitions go to the others" })
    .check((a) =>
      validate(
        checkNumber('session-timeout-ms', a['session-timeout-ms'], { integer: true, min: 6_000, max: 300_000 }),
        a['group-instance-id'] === '' ? { flag: 'group-instance-id', text: 'must not be empty' } : undefined,
      ),
    );
}

/** A stateful stage's --state: its changelog topic (restored at start), or memory only. */
export function withStateOption<T>(argv: Argv<T>) {
  return argv.option('state', { type: 'string', choices: STATE_MODES, default: 'changelog' as const, describe: "where the stage's state lives: changelog (the compacted topic <group>-changelog, written with the consumed offsets in one transaction, restored at start; one instance per group) or memory (lost on restart)" });
}

/** The stage consumer's settings from the consumer flags. */
export function consumerSettings(args: { group: string; 'auto-offset-reset': string; 'group-instance-id': string | undefined; 'session-timeout-ms': number }): StageConsumerOptions {
  return {
    groupId: args.group,
    fromBeginning: args['auto-offset-reset'] === 'earliest',
    sessionTimeoutMs: args['session-timeout-ms'],
    ...(args['group-instance-id'] !== undefined ? { groupInstanceId: args['group-instance-id'] } : {}),
  };
}

/** --brokers as a host:port list, when given. */
export function checkBrokers(brokers: string | undefined): FlagProblem | undefined {
  if (brokers === undefined) return undefined;
  try {
    parseBrokerList(brokers);
    return undefined;
  } catch {
    return { flag: 'brokers', text: `must be host:port[,host:port...] (port 1-65535), got ${JSON.stringify(brokers)}` };
  }
}

export function topicsFrom(args: { 'order-topic': string; 'inventory-topic': string; 'dlq-topic': string; partitions: number }): PipelineTopics {
  return { orders: args['order-topic'], inventory: args['inventory-topic'], deadLetter: args['dlq-topic'], partitions: args.partitions };
}

/** Whether progress lines belong on stderr: a terminal, and not CI. */
export function isInteractive(stream: NodeJS.WriteStream = process.stderr): boolean {
  return stream.isTTY && !process.env.CI;
}

/**
 * The brokers a pipeline stage talks to: --brokers/KAFKA_BROKERS (checked to answer within seconds),
 * else the local broker, started if needed and left running for the other stages.
 */
export async function stageBrokers(brokersFlag: string | undefined, stage: string, driver?: DriverName): Promise<string[]> {
  if (brokersFlag) {
    const brokers = parseBrokerList(brokersFlag, '--brokers');
    await describeCluster(brokers, 5_000, driver ? { driver } : {});
    return brokers;
  }
  const started = await startLocalBroker(localBrokerOptions(process.env), (message) => {
    if (isInteractive()) process.stderr.write(`${stage}: ${message}\n`);
  });
  if (!started.alreadyRunning) process.stderr.write(`${stage}: started the local broker on ${started.brokers.join(',')}; 'npm run kafka:down' stops it\n`);
  return [...started.brokers];
}

/** The cluster a stage talks to and the driver it uses: brokers resolved (and checked), the driver and log level parsed. */
export async function stageConnection(args: { brokers: string | undefined; driver: string; 'log-level': string; 'group-instance-id'?: string | undefined }, stage: string): Promise<KafkaConnection> {
  const logLevel = args['log-level'] as LogLevel;
  const driver = await loadDriver(args.driver as DriverName);
  if (args['group-instance-id'] !== undefined && !driver.info.capabilities.staticMembership) {
    process.stderr.write(`${stage}: --group-instance-id needs static membership, which the ${driver.info.name} driver does not have; use --driver ${DRIVER_NAMES.filter((name) => name !== driver.info.name).join(' or ')} (see --help)\n`);
    process.exit(2);
  }
  const brokers = await stageBrokers(args.brokers, stage, args.driver as DriverName);
  return { driver: args.driver as DriverName, brokers, logLevel };
}

/** A consumer that stopped for good leaves nothing to do: exit non-zero, so that a supervisor restarts the stage. */
export function exitOnCrash(stage: string): (error: Error) => void {
  return (error) => {
    process.stderr.write(`${stage}: the consumer stopped on an error it cannot recover from, exiting: ${error.message}\n`);
    process.exit(1);
  };
}

export type ShutdownSignal = 'SIGINT' | 'SIGTERM';

/** The exit code of a process ended by a signal, as a shell reports it: 128 + the signal's number (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: ShutdownSignal): number {
  return 128 + (signal === 'SIGINT' ? 2 : 15);
}

/**
 * Runs stop() on the first SIGINT or SIGTERM and exits with the code it resolves to (0 when none);
 * a second signal exits at once.
 */
export function onShutdown(stage: string, stop: (signal: ShutdownSignal) => Promise<number | undefined> | Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`${stage}: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`${stage}: ${signal}, stopping cleanly\n`);
    stop(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM').then(
      (code) => process.exit(code ?? 0),
      (error: unknown) => {
        process.stderr.write(`${stage}: error while stopping: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** Prints a fatal error as one line and exits 1 (or the code given: 2 for a flag whose value cannot be used). */
export function exitWithError(stage: string, error: unknown, code = 1): never {
  process.stderr.write(`${stage}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(code);
}
