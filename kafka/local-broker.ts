import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeCluster } from './cluster.js';
import { LocalKafkaError } from './errors.js';
import { projectRoot } from './paths.js';
import { checkJava, defaultJavaCommand, resolveClasspath, runCommand } from './toolchain.js';
import { KAFKA_VERSION } from './version.js';

export const LOCAL_HOST = '127.0.0.1';

export interface LocalBrokerOptions {
  readonly kafkaVersion: string;
  readonly port: number;
  readonly controllerPort: number;
  /** Config, data, log and pid record of this broker. */
  readonly instanceDir: string;
  /** Where the resolved classpath is cached across clones and runs. */
  readonly classpathCacheFile: string;
  readonly pomFile: string;
  readonly heap: string;
  readonly javaCommand: string;
  readonly mavenCommand: string;
  readonly startTimeoutMs: number;
  readonly stopTimeoutMs: number;
}

function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}='${raw}' is not valid: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * The local broker's options from the environment, with overrides from flags:
 * KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (port + 1), KAFKA_LOCAL_DIR (<project>/.local-kafka),
 * KAFKA_HEAP (512m), JAVA_HOME, MAVEN_CMD (mvn), KAFKA_START_TIMEOUT_MS (90000).
 */
export function localBrokerOptions(
  env: NodeJS.ProcessEnv,
  overrides: Partial<Pick<LocalBrokerOptions, 'port' | 'controllerPort' | 'startTimeoutMs'>> & { localDir?: string } = {},
): LocalBrokerOptions {
  const root = projectRoot();
  const port = overrides.port ?? envInt(env, 'KAFKA_PORT', 9092, 1, 65535);
  const controllerPort = overrides.controllerPort ?? envInt(env, 'KAFKA_CONTROLLER_PORT', port + 1, 1, 65535);
  const localDir = overrides.localDir ?? env.KAFKA_LOCAL_DIR ?? join(root, '.local-kafka');
  const cacheHome = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return {
    kafkaVersion: KAFKA_VERSION,
    port,
    controllerPort,
    instanceDir: join(localDir, `broker-${port}`),
    classpathCacheFile: join(cacheHome, 'kafka-pipeline-bench', `kafka-${KAFKA_VERSION}.classpath`),
    pomFile: join(root, 'kafka', 'pom.xml'),
    heap: env.KAFKA_HEAP ?? '512m',
    javaCommand: defaultJavaCommand(env),
    mavenCommand: env.MAVEN_CMD ?? 'mvn',
    startTimeoutMs: overrides.startTimeoutMs ?? envInt(env, 'KAFKA_START_TIMEOUT_MS', 90_000, 1_000, 3_600_000),
    stopTimeoutMs: 30_000,
  };
}

export function brokerAddress(options: Pick<LocalBrokerOptions, 'port'>): string {
  return `${LOCAL_HOST}:${options.port}`;
}

interface BrokerFiles {
  readonly configFile: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly recordFile: string;
}

function brokerFiles(options: LocalBrokerOptions): BrokerFiles {
  return {
    configFile: join(options.instanceDir, 'server.properties'),
    dataDir: join(options.instanceDir, 'data'),
    logFile: join(options.instanceDir, 'broker.log'),
    recordFile: join(options.instanceDir, 'broker.json'),
  };
}

/** A single-node KRaft broker+controller on 127.0.0.1, sized for one machine and replication factor 1. */
export function renderServerProperties(options: Pick<LocalBrokerOptions, 'port' | 'controllerPort'>, dataDir: string): string {
  const settings: [string, string | number][] = [
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.voters', `1@${LOCAL_HOST}:${options.controllerPort}`],
    ['listeners', `PLAINTEXT://${LOCAL_HOST}:${options.port},CONTROLLER://${LOCAL_HOST}:${options.controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://${LOCAL_HOST}:${options.port}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['log.dirs', dataDir],
    ['num.partitions', 3],
    ['offsets.topic.replication.factor', 1],
    // Fewer than the default 50 partitions: the first consumer group joins in a fraction of the time.
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 10],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],
    // Tests and benchmarks start groups often; no reason to wait for more members.
    ['group.initial.rebalance.delay.ms', 0],
  ];
  return `# Written by kafka/local-broker.ts; rewritten on every start.\n${settings.map(([key, value]) => `${key}=${value}`).join('\n')}\n`;
}

/** What kafka:up records about the process it started, so that kafka:down stops exactly that one. */
interface BrokerRecord {
  readonly pid: number;
  readonly port: number;
  readonly kafkaVersion: string;
  readonly configFile: string;
  readonly startedAt: string;
}

function readRecord(files: BrokerFiles): BrokerRecord | undefined {
  if (!existsSync(files.recordFile)) return undefined;
  try {
    return JSON.parse(readFileSync(files.recordFile, 'utf8')) as BrokerRecord;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when pid is alive and is the java process started on this record's config file. */
function isRecordedProcess(record: BrokerRecord): boolean {
  if (!isAlive(record.pid)) return false;
  const cmdlineFile = `/proc/${record.pid}/cmdline`;
  if (!existsSync(cmdlineFile)) return process.platform !== 'linux';
  return readFileSync(cmdlineFile, 'utf8').split('\0').includes(record.configFile);
}

function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

export function tailLines(file: string, count: number): string {
  if (!existsSync(file)) return '';
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}

/** A KRaft cluster id: 16 random bytes in base64url, never starting with '-' (a command line would read it as an option). */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export interface KafkaJavaTools {
  readonly javaCommand: string;
  /** The provisioned Kafka jars: the broker's, and Kafka's own tools (ProducerPerformance and others). */
  readonly classpath: string;
  readonly resolvedWithMaven: boolean;
}

/** Checks Java and resolves the Kafka classpath (with Maven on first use): what runs the broker or Kafka's tools. */
export async function kafkaJavaTools(options: LocalBrokerOptions, onProgress: ProgressListener = () => undefined): Promise<KafkaJavaTools> {
  await checkJava(options.javaCommand);
  onProgress(`resolving Apache Kafka ${options.kafkaVersion} jars with Maven (the first run downloads them)`);
  const { classpath, resolvedWithMaven } = await resolveClasspath({
    kafkaVersion: options.kafkaVersion,
    pomFile: options.pomFile,
    cacheFile: options.classpathCacheFile,
    mavenCommand: options.mavenCommand,
  });
  return { javaCommand: options.javaCommand, classpath, resolvedWithMaven };
}

export interface StartResult {
  readonly broker: string;
  readonly pid: number;
  readonly kafkaVersion: string;
  readonly alreadyRunning: boolean;
  readonly resolvedWithMaven: boolean;
  readonly logFile: string;
  readonly tookMs: number;
}

export type ProgressListener = (message: string) => void;

async function waitUntilAnswering(
  broker: string,
  deadline: number,
  exited: () => boolean,
): Promise<'answering' | 'exited' | 'timeout'> {
  while (Date.now() < deadline) {
    if (exited()) return 'exited';
    try {
      // Ready means ready for consumer groups too, not just metadata: see describeCluster.
      await describeCluster([broker], Math.max(500, Math.min(2_000, deadline - Date.now())), { groups: true });
      return 'answering';
    } catch {
      if (exited()) return 'exited';
      await sleep(250);
    }
  }
  return 'timeout';
}

/**
 * Starts the local broker in the background and returns once it answers a metadata request.
 * Harmless when this broker is already running.
 */
export async function startLocalBroker(options: LocalBrokerOptions, onProgress: ProgressListener = () => undefined): Promise<StartResult> {
  const began = Date.now();
  const files = brokerFiles(options);
  const broker = brokerAddress(options);
  const record = readRecord(files);
  if (record && isRecordedProcess(record)) {
    const state = await waitUntilAnswering(broker, Date.now() + options.startTimeoutMs, () => !isRecordedProcess(record));
    if (state === 'answering') {
      return { broker, pid: record.pid, kafkaVersion: record.kafkaVersion, alreadyRunning: true, resolvedWithMaven: false, logFile: files.logFile, tookMs: Date.now() - began };
    }
  }
  if (record) rmSync(files.recordFile, { force: true });

  for (const port of [options.port, options.controllerPort]) {
    if (!(await isPortFree(LOCAL_HOST, port))) {
      throw new LocalKafkaError(
        'PORT_TAKEN',
        `port ${port} on ${LOCAL_HOST} is taken by another process: stop it, pick other ports with KAFKA_PORT/KAFKA_CONTROLLER_PORT, or set KAFKA_BROKERS to use a broker that is already there`,
      );
    }
  }

  const { classpath, resolvedWithMaven } = await kafkaJavaTools(options, onProgress);

  mkdirSync(files.dataDir, { recursive: true });
  writeFileSync(files.configFile, renderServerProperties(options, files.dataDir));
  if (!existsSync(join(files.dataDir, 'meta.properties'))) {
    onProgress(`formatting KRaft storage in ${files.dataDir}`);
    const format = await runCommand(options.javaCommand, ['-cp', classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${newClusterId()}`, '-c', files.configFile]);
    if (format.code !== 0) {
      throw new LocalKafkaError('BROKER_EXITED', `formatting the broker's storage failed (exit ${String(format.code)})`, {
        details: (format.stdout + format.stderr).trim().split('\n').slice(-15).join('\n'),
      });
    }
  }

  onProgress(`starting Apache Kafka ${options.kafkaVersion} on ${broker}`);
  const logFd = openSync(files.logFile, 'a');
  writeSync(logFd, `\n=== ${new Date().toISOString()} starting Apache Kafka ${options.kafkaVersion} on ${broker} ===\n`);
  const child = spawn(
    options.javaCommand,
    [
      `-Xms${options.heap}`,
      `-Xmx${options.heap}`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-Djava.awt.headless=true',
      '-Dorg.slf4j.simpleLogger.showDateTime=true',
      "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ",
      '-cp',
      classpath,
      'kafka.Kafka',
      files.configFile,
    ],
    { detached: true, stdio: ['ignore', logFd, logFd], cwd: options.instanceDir },
  );
  closeSync(logFd);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new LocalKafkaError('BROKER_EXITED', `could not start '${options.javaCommand}'`);
  const newRecord: BrokerRecord = { pid, port: options.port, kafkaVersion: options.kafkaVersion, configFile: files.configFile, startedAt: new Date().toISOString() };
  writeFileSync(files.recordFile, `${JSON.stringify(newRecord, null, 2)}\n`);

  const state = await waitUntilAnswering(broker, began + options.startTimeoutMs, () => exited);
  if (state === 'answering') {
    return { broker, pid, kafkaVersion: options.kafkaVersion, alreadyRunning: false, resolvedWithMaven, logFile: files.logFile, tookMs: Date.now() - began };
  }
  rmSync(files.recordFile, { force: true });
  const logHint = relative(process.cwd(), files.logFile);
  if (state === 'exited') {
    throw new LocalKafkaError('BROKER_EXITED', `the broker exited during start; the last lines of ${logHint}:`, { details: tailLines(files.logFile, 20) });
  }
  await terminate(pid, 5_000);
  throw new LocalKafkaError('START_TIMEOUT', `the broker did not answer on ${broker} within ${Math.round(options.startTimeoutMs / 1000)} s and was stopped; the last lines of ${logHint}:`, {
    details: tailLines(files.logFile, 20),
  });
}

/** SIGTERM, then SIGKILL after graceMs; true once the process is gone. */
async function terminate(pid: number, graceMs: number): Promise<boolean> {
  const gone = async (deadline: number): Promise<boolean> => {
    while (Date.now() < deadline) {
      if (!isAlive(pid) || isZombie(pid)) return true;
      await sleep(100);
    }
    return false;
  };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return true;
  }
  if (await gone(Date.now() + graceMs)) return true;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return true;
  }
  return gone(Date.now() + 5_000);
}

function isZombie(pid: number): boolean {
  const statFile = `/proc/${pid}/stat`;
  if (!existsSync(statFile)) return false;
  try {
    return / Z /.test(readFileSync(statFile, 'utf8'));
  } catch {
    return false;
  }
}

export interface StopResult {
  readonly wasRunning: boolean;
  readonly pid: number | undefined;
}

/** Stops the broker this project started on these ports, and nothing else. */
export async function stopLocalBroker(options: LocalBrokerOptions): Promise<StopResult> {
  const files = brokerFiles(options);
  const record = readRecord(files);
  if (!record || !isRecordedProcess(record)) {
    rmSync(files.recordFile, { force: true });
    return { wasRunning: false, pid: undefined };
  }
  if (!(await terminate(record.pid, options.stopTimeoutMs))) {
    throw new LocalKafkaError('STOP_FAILED', `the broker (pid ${record.pid}) did not stop, even after SIGKILL`);
  }
  rmSync(files.recordFile, { force: true });
  return { wasRunning: true, pid: record.pid };
}

export interface BrokerStatus {
  readonly broker: string;
  readonly running: boolean;
  readonly answering: boolean;
  readonly pid: number | undefined;
  readonly kafkaVersion: string;
  readonly startedAt: string | undefined;
  readonly logFile: string;
}

export async function localBrokerStatus(options: LocalBrokerOptions): Promise<BrokerStatus> {
  const files = brokerFiles(options);
  const record = readRecord(files);
  const running = record !== undefined && isRecordedProcess(record);
  let answering = false;
  if (running) {
    answering = await describeCluster([brokerAddress(options)], 3_000).then(
      () => true,
      () => false,
    );
  }
  return {
    broker: brokerAddress(options),
    running,
    answering,
    pid: running ? record.pid : undefined,
    kafkaVersion: record?.kafkaVersion ?? options.kafkaVersion,
    startedAt: running ? record.startedAt : undefined,
    logFile: files.logFile,
  };
}
