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
  /** The first node's broker port; node i (from 0) listens on port + 2i. */
  readonly port: number;
  /** The first node's controller port; node i (from 0) listens on controllerPort + 2i. */
  readonly controllerPort: number;
  /** How many KRaft nodes, each broker and controller, in one quorum. */
  readonly nodes: number;
  /** Config, data, log and pid record of this broker (of every node when there are several). */
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

export const MAX_LOCAL_NODES = 9;

function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}='${raw}' is not valid: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

/** The folder of a cluster: `broker-<port>` for one node (as before clusters), `cluster-<port>-<n>nodes` for n. */
export function instanceDirName(port: number, nodes: number): string {
  return nodes === 1 ? `broker-${port}` : `cluster-${port}-${nodes}nodes`;
}

/**
 * The local broker's options from the environment, with overrides from flags:
 * KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (port + 1), KAFKA_NODES (1), KAFKA_LOCAL_DIR
 * (<project>/.local-kafka), KAFKA_HEAP (512m), JAVA_HOME, MAVEN_CMD (mvn), KAFKA_START_TIMEOUT_MS (90000).
 * Throws a one-line error when a setting is out of range or the nodes' ports would collide.
 */
export function localBrokerOptions(
  env: NodeJS.ProcessEnv,
  overrides: Partial<Pick<LocalBrokerOptions, 'port' | 'controllerPort' | 'nodes' | 'startTimeoutMs'>> & { localDir?: string } = {},
): LocalBrokerOptions {
  const root = projectRoot();
  const port = overrides.port ?? envInt(env, 'KAFKA_PORT', 9092, 1, 65535);
  const controllerPort = overrides.controllerPort ?? envInt(env, 'KAFKA_CONTROLLER_PORT', port + 1, 1, 65535);
  const nodes = overrides.nodes ?? envInt(env, 'KAFKA_NODES', 1, 1, MAX_LOCAL_NODES);
  checkPortScheme(port, controllerPort, nodes);
  const localDir = overrides.localDir ?? env.KAFKA_LOCAL_DIR ?? join(root, '.local-kafka');
  const cacheHome = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return {
    kafkaVersion: KAFKA_VERSION,
    port,
    controllerPort,
    nodes,
    instanceDir: join(localDir, instanceDirName(port, nodes)),
    classpathCacheFile: join(cacheHome, 'kafka-pipeline-bench', `kafka-${KAFKA_VERSION}.classpath`),
    pomFile: join(root, 'kafka', 'pom.xml'),
    heap: env.KAFKA_HEAP ?? '512m',
    javaCommand: defaultJavaCommand(env),
    mavenCommand: env.MAVEN_CMD ?? 'mvn',
    startTimeoutMs: overrides.startTimeoutMs ?? envInt(env, 'KAFKA_START_TIMEOUT_MS', 90_000, 1_000, 3_600_000),
    stopTimeoutMs: 30_000,
  };
}

/** Every port of every node must be a valid port, and no two may be the same. */
function checkPortScheme(port: number, controllerPort: number, nodes: number): void {
  const ports = Array.from({ length: nodes }, (_, i) => [port + 2 * i, controllerPort + 2 * i]).flat();
  const highest = Math.max(...ports);
  if (highest > 65535) throw new Error(`${nodes} nodes from port ${port} need ports up to ${highest}: pick a lower KAFKA_PORT`);
  if (new Set(ports).size !== ports.length) {
    throw new Error(`controller port ${controllerPort} collides with the broker ports of ${nodes} nodes from ${port} (broker ports go up by 2 from KAFKA_PORT, controller ports by 2 from KAFKA_CONTROLLER_PORT)`);
  }
}

/** One node of the local cluster: its id (from 1), its ports and its folder. */
export interface LocalNode {
  readonly nodeId: number;
  readonly port: number;
  readonly controllerPort: number;
  readonly dir: string;
}

/** The nodes of the cluster, by the port scheme: node i (from 0) on port + 2i and controllerPort + 2i. */
export function clusterNodes(options: Pick<LocalBrokerOptions, 'port' | 'controllerPort' | 'nodes' | 'instanceDir'>): LocalNode[] {
  return Array.from({ length: options.nodes }, (_, i) => ({
    nodeId: i + 1,
    port: options.port + 2 * i,
    controllerPort: options.controllerPort + 2 * i,
    dir: options.nodes === 1 ? options.instanceDir : join(options.instanceDir, `node-${i + 1}`),
  }));
}

export function brokerAddress(node: Pick<LocalNode, 'port'>): string {
  return `${LOCAL_HOST}:${node.port}`;
}

/** Every node's broker address: what clients bootstrap from. */
export function clusterBrokers(options: Pick<LocalBrokerOptions, 'port' | 'controllerPort' | 'nodes' | 'instanceDir'>): string[] {
  return clusterNodes(options).map(brokerAddress);
}

interface BrokerFiles {
  readonly configFile: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly recordFile: string;
}

function brokerFiles(node: LocalNode): BrokerFiles {
  return {
    configFile: join(node.dir, 'server.properties'),
    dataDir: join(node.dir, 'data'),
    logFile: join(node.dir, 'broker.log'),
    recordFile: join(node.dir, 'broker.json'),
  };
}

/**
 * One KRaft node, broker+controller, on 127.0.0.1, sized for one machine. With three or more
 * nodes the internal topics and new topics get 3 replicas and 2 in-sync replicas, so a cluster
 * keeps accepting acks=all writes with one node down; with fewer, as many replicas as nodes.
 */
export function renderServerProperties(options: Pick<LocalBrokerOptions, 'port' | 'controllerPort'> & { nodes?: number }, dataDir: string, nodeId = 1): string {
  const nodes = options.nodes ?? 1;
  const quorum = clusterNodes({ ...options, nodes, instanceDir: '' });
  const self = quorum[nodeId - 1];
  if (!self) throw new Error(`node ${nodeId} is not one of the ${nodes} nodes`);
  const replicas = Math.min(nodes, 3);
  const minInSync = nodes >= 3 ? 2 : 1;
  const settings: [string, string | number][] = [
    ['process.roles', 'broker,controller'],
    ['node.id', nodeId],
    ['controller.quorum.voters', quorum.map((node) => `${node.nodeId}@${LOCAL_HOST}:${node.controllerPort}`).join(',')],
    ['listeners', `PLAINTEXT://${LOCAL_HOST}:${self.port},CONTROLLER://${LOCAL_HOST}:${self.controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://${LOCAL_HOST}:${self.port}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['log.dirs', dataDir],
    ['num.partitions', 3],
    ...(nodes > 1
      ? ([
          ['default.replication.factor', replicas],
          ['min.insync.replicas', minInSync],
        ] as [string, number][])
      : []),
    ['offsets.topic.replication.factor', replicas],
    // Fewer than the default 50 partitions: the first consumer group joins in a fraction of the time.
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', replicas],
    ['transaction.state.log.min.isr', minInSync],
    ['transaction.state.log.num.partitions', 10],
    ['share.coordinator.state.topic.replication.factor', replicas],
    ['share.coordinator.state.topic.min.isr', minInSync],
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

/** The record of the node's process when that process is alive. */
function runningRecord(node: LocalNode): BrokerRecord | undefined {
  const record = readRecord(brokerFiles(node));
  return record && isRecordedProcess(record) ? record : undefined;
}

/** The pid of a node's broker process when it is running (bench:chaos signals it), else undefined. */
export function runningNodePid(options: Pick<LocalBrokerOptions, 'port' | 'controllerPort' | 'nodes' | 'instanceDir'>, nodeId: number): number | undefined {
  const node = clusterNodes(options).find((n) => n.nodeId === nodeId);
  return node ? runningRecord(node)?.pid : undefined;
}

export function isPortFree(host: string, port: number): Promise<boolean> {
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

/** A node of a started or running cluster. */
export interface NodeProcess {
  readonly nodeId: number;
  readonly broker: string;
  readonly pid: number;
  readonly logFile: string;
}

export interface StartResult {
  /** Every node's broker address, the first node's first. */
  readonly brokers: readonly string[];
  readonly nodes: readonly NodeProcess[];
  readonly kafkaVersion: string;
  /** True when every node was already running: this call started nothing. */
  readonly alreadyRunning: boolean;
  /** The nodes this call started (all of them, none, or the ones that were down). */
  readonly startedNodeIds: readonly number[];
  readonly resolvedWithMaven: boolean;
  readonly tookMs: number;
}

export type ProgressListener = (message: string) => void;

type Readiness = { state: 'answering' } | { state: 'exited'; node: LocalNode } | { state: 'timeout' };

/**
 * Until every node answers, ready for consumer groups too (see describeCluster), and the cluster
 * counts all its nodes; `exited` names a node whose process is gone.
 */
async function waitUntilAnswering(nodes: readonly LocalNode[], deadline: number, exited: (node: LocalNode) => boolean): Promise<Readiness> {
  const waiting = new Set(nodes);
  while (Date.now() < deadline) {
    for (const node of waiting) {
      if (exited(node)) return { state: 'exited', node };
      try {
        const timeoutMs = Math.max(500, Math.min(2_000, deadline - Date.now()));
        // Groups only once the node knows every broker: a coordinator it does not know yet trips a client.
        const info = await describeCluster([brokerAddress(node)], timeoutMs);
        if (info.brokers.length < nodes.length) continue;
        await describeCluster([brokerAddress(node)], timeoutMs, { groups: true });
        waiting.delete(node);
      } catch {
        // not yet
      }
    }
    if (waiting.size === 0) return { state: 'answering' };
    const gone = [...waiting].find(exited);
    if (gone) return { state: 'exited', node: gone };
    await sleep(250);
  }
  return { state: 'timeout' };
}

/** The cluster id every node is formatted with: kept beside the nodes so that a node formatted later joins the same cluster. */
function clusterId(options: LocalBrokerOptions): string {
  const file = join(options.instanceDir, 'cluster.id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = newClusterId();
  mkdirSync(options.instanceDir, { recursive: true });
  writeFileSync(file, `${id}\n`);
  return id;
}

async function formatStorage(options: LocalBrokerOptions, classpath: string, node: LocalNode, id: string, onProgress: ProgressListener): Promise<void> {
  const files = brokerFiles(node);
  if (existsSync(join(files.dataDir, 'meta.properties'))) return;
  onProgress(`formatting KRaft storage in ${files.dataDir}`);
  const format = await runCommand(options.javaCommand, ['-cp', classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${id}`, '-c', files.configFile]);
  if (format.code !== 0) {
    throw new LocalKafkaError('BROKER_EXITED', `formatting the broker's storage failed (exit ${String(format.code)})`, {
      details: (format.stdout + format.stderr).trim().split('\n').slice(-15).join('\n'),
    });
  }
}

/** Starts one node's JVM in the background, its output appended to its log; returns its pid and whether it has exited. */
function spawnNode(options: LocalBrokerOptions, classpath: string, node: LocalNode): { pid: number; exited: () => boolean } {
  const files = brokerFiles(node);
  const broker = brokerAddress(node);
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
    { detached: true, stdio: ['ignore', logFd, logFd], cwd: node.dir },
  );
  closeSync(logFd);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new LocalKafkaError('BROKER_EXITED', `could not start '${options.javaCommand}'`);
  const record: BrokerRecord = { pid, port: node.port, kafkaVersion: options.kafkaVersion, configFile: files.configFile, startedAt: new Date().toISOString() };
  writeFileSync(files.recordFile, `${JSON.stringify(record, null, 2)}\n`);
  return { pid, exited: () => exited };
}

function describeNodes(nodes: readonly LocalNode[]): string {
  return nodes.length === 1 ? 'the broker' : `the ${nodes.length}-node cluster`;
}

/**
 * Starts the local broker (every node of the cluster) in the background and returns once each
 * answers. Harmless when it is already running; when only some nodes run, starts the others.
 */
export async function startLocalBroker(options: LocalBrokerOptions, onProgress: ProgressListener = () => undefined): Promise<StartResult> {
  const began = Date.now();
  const nodes = clusterNodes(options);
  const running = new Map<number, BrokerRecord>();
  for (const node of nodes) {
    const record = runningRecord(node);
    if (record) running.set(node.nodeId, record);
  }
  const result = (processes: Map<number, number>, started: readonly number[], resolvedWithMaven: boolean): StartResult => ({
    brokers: nodes.map(brokerAddress),
    nodes: nodes.map((node) => ({ nodeId: node.nodeId, broker: brokerAddress(node), pid: processes.get(node.nodeId) ?? 0, logFile: brokerFiles(node).logFile })),
    kafkaVersion: running.get(1)?.kafkaVersion ?? options.kafkaVersion,
    alreadyRunning: started.length === 0,
    startedNodeIds: started,
    resolvedWithMaven,
    tookMs: Date.now() - began,
  });
  const pids = new Map([...running].map(([nodeId, record]) => [nodeId, record.pid]));
  if (running.size === nodes.length) {
    const isGone = (node: LocalNode): boolean => !runningRecord(node);
    const ready = await waitUntilAnswering(nodes, Date.now() + options.startTimeoutMs, isGone);
    if (ready.state === 'answering') return result(pids, [], false);
  }

  const missing = nodes.filter((node) => !running.has(node.nodeId) || !runningRecord(node));
  for (const node of missing) rmSync(brokerFiles(node).recordFile, { force: true });
  for (const port of missing.flatMap((node) => [node.port, node.controllerPort])) {
    if (!(await isPortFree(LOCAL_HOST, port))) {
      throw new LocalKafkaError(
        'PORT_TAKEN',
        `port ${port} on ${LOCAL_HOST} is taken by another process: stop it, pick other ports with KAFKA_PORT/KAFKA_CONTROLLER_PORT, or set KAFKA_BROKERS to use a broker that is already there`,
      );
    }
  }

  const { classpath, resolvedWithMaven } = await kafkaJavaTools(options, onProgress);
  const id = options.nodes === 1 ? newClusterId() : clusterId(options);
  for (const node of missing) {
    const files = brokerFiles(node);
    mkdirSync(files.dataDir, { recursive: true });
    writeFileSync(files.configFile, renderServerProperties(options, files.dataDir, node.nodeId));
    await formatStorage(options, classpath, node, id, onProgress);
  }

  onProgress(`starting Apache Kafka ${options.kafkaVersion} on ${missing.map(brokerAddress).join(', ')}`);
  const children = new Map<number, { pid: number; exited: () => boolean }>();
  for (const node of missing) {
    const child = spawnNode(options, classpath, node);
    children.set(node.nodeId, child);
    pids.set(node.nodeId, child.pid);
  }
  const exited = (node: LocalNode): boolean => {
    const child = children.get(node.nodeId);
    return child ? child.exited() : !runningRecord(node);
  };
  const ready = await waitUntilAnswering(nodes, began + options.startTimeoutMs, exited);
  if (ready.state === 'answering') return result(pids, missing.map((node) => node.nodeId), resolvedWithMaven);

  // What this call started, it stops: a half-started cluster is of no use to anyone.
  for (const node of missing) {
    const child = children.get(node.nodeId);
    if (child && !child.exited()) await terminate(child.pid, 5_000);
    rmSync(brokerFiles(node).recordFile, { force: true });
  }
  const failed = ready.state === 'exited' ? ready.node : missing[0] ?? nodes[0];
  const logFile = failed ? brokerFiles(failed).logFile : '';
  const logHint = relative(process.cwd(), logFile);
  if (ready.state === 'exited') {
    throw new LocalKafkaError('BROKER_EXITED', `the broker${nodes.length > 1 ? ` of node ${ready.node.nodeId}` : ''} exited during start; the last lines of ${logHint}:`, { details: tailLines(logFile, 20) });
  }
  throw new LocalKafkaError(
    'START_TIMEOUT',
    `${describeNodes(nodes)} did not answer on ${nodes.map(brokerAddress).join(',')} within ${Math.round(options.startTimeoutMs / 1000)} s and was stopped; the last lines of ${logHint}:`,
    { details: tailLines(logFile, 20) },
  );
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
  /** The pids stopped, by node id; empty when nothing was running. */
  readonly stopped: readonly { readonly nodeId: number; readonly pid: number }[];
}

/** Stops the broker (every node) this project started on these ports, and nothing else; the nodes stop together. */
export async function stopLocalBroker(options: LocalBrokerOptions): Promise<StopResult> {
  const nodes = clusterNodes(options);
  const stopping = nodes.flatMap((node) => {
    const record = runningRecord(node);
    if (!record) rmSync(brokerFiles(node).recordFile, { force: true });
    return record ? [{ node, pid: record.pid }] : [];
  });
  const outcomes = await Promise.all(stopping.map(({ pid }) => terminate(pid, options.stopTimeoutMs)));
  const stuck = stopping.filter((_, i) => !outcomes[i]);
  for (const { node } of stopping.filter((_, i) => outcomes[i])) rmSync(brokerFiles(node).recordFile, { force: true });
  if (stuck.length > 0) {
    throw new LocalKafkaError('STOP_FAILED', `the broker (pid ${stuck.map((s) => s.pid).join(', ')}) did not stop, even after SIGKILL`);
  }
  return { wasRunning: stopping.length > 0, stopped: stopping.map(({ node, pid }) => ({ nodeId: node.nodeId, pid })) };
}

export interface NodeStatus {
  readonly nodeId: number;
  readonly broker: string;
  readonly running: boolean;
  readonly answering: boolean;
  readonly pid: number | undefined;
  readonly startedAt: string | undefined;
  readonly logFile: string;
}

export interface BrokerStatus {
  readonly kafkaVersion: string;
  /** Every node, the first one first. */
  readonly nodes: readonly NodeStatus[];
}

async function nodeStatus(node: LocalNode): Promise<{ status: NodeStatus; kafkaVersion: string | undefined }> {
  const record = runningRecord(node);
  const answering = record
    ? await describeCluster([brokerAddress(node)], 3_000).then(
        () => true,
        () => false,
      )
    : false;
  const status = { nodeId: node.nodeId, broker: brokerAddress(node), running: record !== undefined, answering, pid: record?.pid, startedAt: record?.startedAt, logFile: brokerFiles(node).logFile };
  return { status, kafkaVersion: record?.kafkaVersion };
}

export async function localBrokerStatus(options: LocalBrokerOptions): Promise<BrokerStatus> {
  const states = await Promise.all(clusterNodes(options).map(nodeStatus));
  return {
    kafkaVersion: states.find((state) => state.kafkaVersion)?.kafkaVersion ?? options.kafkaVersion,
    nodes: states.map((state) => state.status),
  };
}
