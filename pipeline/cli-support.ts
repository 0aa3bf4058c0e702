/** What every command line of the pipeline (and the bench) shares: flags, one-line errors, broker resolution, shutdown. */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { describeCluster, parseBrokerList } from '../kafka/cluster.js';
import { localBrokerOptions, startLocalBroker } from '../kafka/local-broker.js';
import { DRIVER_NAMES, LOG_LEVELS, type DriverName, type LogLevel } from '../clients/driver.js';
import { DEFAULT_DRIVER } from '../clients/registry.js';
import { DEFAULT_PARTITIONS, DEFAULT_TOPICS, type PipelineTopics } from './contracts/topics.js';
import type { KafkaConnection } from './kafka.js';

/** A yargs parser whose errors are one line naming the flag, with exit code 2. */
export function commandLine(scriptName: string, usage: string, description: string): Argv {
  return yargs(hideBin(process.argv))
    .scriptName(scriptName)
    .usage(usage)
    .epilogue(description)
    .strict()
    .version(false)
    .help()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((message, error) => {
      // yargs' own messages (choices, conflicts) may span lines: one line, always.
      process.stderr.write(`${scriptName}: ${(message || error.message).replace(/\s*\n\s*/g, ' ')} (see --help)\n`);
      process.exit(2);
    });
}

export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  /** min itself not allowed */
  readonly exclusiveMin?: boolean;
}

/** Checks a numeric flag; returns a message naming the flag and the accepted values, or undefined when valid. */
export function checkNumber(flag: string, value: unknown, rule: NumberRule): string | undefined {
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
  return ok ? undefined : `--${flag} must be ${accepted}, got ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`;
}

/** Throws the first failed check, for yargs' .check(). */
export function validate(...problems: (string | undefined)[]): true {
  const problem = problems.find((p) => p !== undefined);
  if (problem) throw new Error(problem);
  return true;
}

const env = process.env;

/** --driver: which client library talks to Kafka, by name [env KAFKA_DRIVER]. */
export function withDriverOption<T>(argv: Argv<T>) {
  return argv.option('driver', { type: 'string', choices: DRIVER_NAMES, default: env.KAFKA_DRIVER ?? DEFAULT_DRIVER, describe: 'Kafka client driver [env KAFKA_DRIVER]' });
}

/** KAFKA_LOG_LEVEL (or the older KAFKAJS_LOG_LEVEL): the client library's own log lines on stderr. */
export function logLevelFromEnv(environment: NodeJS.ProcessEnv = env, fallback: LogLevel = 'warn'): LogLevel {
  const raw = environment.KAFKA_LOG_LEVEL ?? environment.KAFKAJS_LOG_LEVEL;
  if (raw === undefined || raw === '') return fallback;
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new Error(`KAFKA_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${raw}`);
  return raw as LogLevel;
}

/** --driver, --brokers and the topic flags, each with its environment variable as default. */
export function withKafkaOptions<T>(argv: Argv<T>) {
  return withDriverOption(argv)
    .option('brokers', { type: 'string', default: env.KAFKA_BROKERS, defaultDescription: '$KAFKA_BROKERS, else the local broker', describe: 'Kafka bootstrap servers, host:port[,host:port]' })
    .option('order-topic', { type: 'string', default: env.ORDER_TOPIC ?? DEFAULT_TOPICS.orders, describe: 'OrderPlaced topic [env ORDER_TOPIC]' })
    .option('inventory-topic', { type: 'string', default: env.INVENTORY_TOPIC ?? DEFAULT_TOPICS.inventory, describe: 'inventory results topic [env INVENTORY_TOPIC]' })
    .option('dlq-topic', { type: 'string', default: env.DLQ_TOPIC ?? DEFAULT_TOPICS.deadLetter, describe: 'dead-letter topic [env DLQ_TOPIC]' })
    .option('partitions', { type: 'number', default: env.PARTITIONS ? Number(env.PARTITIONS) : DEFAULT_PARTITIONS, describe: 'partitions of the order and inventory topics when created [env PARTITIONS]' })
    .check((args) => validate(checkNumber('partitions', args.partitions, { integer: true, min: 1, max: 1000 })));
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
export async function stageConnection(args: { brokers: string | undefined; driver: string }, stage: string): Promise<KafkaConnection> {
  const logLevel = logLevelFromEnv();
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

/** Runs stop() on the first SIGINT or SIGTERM; a second signal exits at once. */
export function onShutdown(stage: string, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`${stage}: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`${stage}: ${signal}, stopping cleanly\n`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${stage}: error while stopping: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** Prints a fatal error as one line and exits 1. */
export function exitWithError(stage: string, error: unknown): never {
  process.stderr.write(`${stage}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
