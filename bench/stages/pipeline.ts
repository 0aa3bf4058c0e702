/**
 * The pipeline under test, as separate processes: N inventory processes in one consumer group and
 * an analytics process, each the command a user runs. The bench observes them only through Kafka's
 * offsets and their public surfaces (GET /metrics, their output), never from inside.
 */
import { join } from 'node:path';
import type { DriverName } from '../../clients/driver.js';
import { eventTimeFigures, type Figures, type MetricsDocument } from '../../pipeline/analytics/figures.js';
import type { Encoding } from '../../pipeline/contracts/codec.js';
import type { PipelineTopics, StateMode } from '../../pipeline/contracts/topics.js';
import type { GroupWatch } from '../measure/offsets.js';
import { StageProcess } from './stage-process.js';

export interface InventorySettings {
  readonly initialStock: number;
  readonly failureRate: number;
  readonly transientErrorRate: number;
  readonly retryBackoffMs: number;
  readonly throttleMs: number;
  readonly seed: number;
  /** --max-event-age-s: how old an order's placed_at may be (undefined: the inventory's default, a day); a replay of fixed old event times widens it. */
  readonly maxEventAgeS?: number;
}

/** Stock that never runs out and no simulated trouble: the pipeline measured, not the business rules. */
export const MEASURING_INVENTORY: InventorySettings = { initialStock: 1_000_000_000, failureRate: 0, transientErrorRate: 0, retryBackoffMs: 10, throttleMs: 0, seed: 1 };

export interface PipelineSpec {
  readonly driver: DriverName;
  readonly brokers: readonly string[];
  readonly topics: PipelineTopics;
  /** Names the stages' consumer groups: <runId>-inventory, <runId>-analytics. */
  readonly runId: string;
  /** Where each stage's log goes (the report folder). */
  readonly logDir: string;
  readonly inventoryInstances: number;
  readonly inventory: InventorySettings;
  readonly analytics: boolean;
  /** The REST service (pipeline:api), with its linger and the encoding it publishes in; undefined: none. */
  readonly api?: { readonly lingerMs: number; readonly encoding: Encoding };
  /** A CPU profile of each stage, written to logDir. */
  readonly profile: boolean;
  readonly startTimeoutMs: number;
  /** The stages' group session timeout: longer than any pause the bench puts them in (10 s). */
  readonly sessionTimeoutMs?: number;
  /** The analytics' consumer group, when not <runId>-analytics (a replay from a fresh group). */
  readonly analyticsGroup?: string;
  /**
   * The stages' --state (memory unless asked): a scenario runs several pipelines on the same topics
   * and groups in one run, each of which must count its own orders only, not restore the last one's.
   */
  readonly state?: StateMode;
  /** The analytics' --state when not `state`. */
  readonly analyticsState?: StateMode;
  /** The inventory commits results and offsets in one transaction per flush (its --exactly-once). */
  readonly exactlyOnce?: boolean;
  /**
   * Each inventory process with a static group member id of its own (--group-instance-id
   * <group>-<i>), so that a restarted one takes its place at once instead of after the session
   * timeout; only with a driver that has static membership.
   */
  readonly staticMembers?: boolean;
}

/** What GET /metrics of an inventory process answers. */
export interface InventoryCounts {
  readonly processed: number;
  readonly reserved: number;
  readonly failed: number;
  readonly dead_lettered: number;
  readonly retries: number;
}

interface Endpoint {
  readonly stage: StageProcess;
  readonly metricsUrl: string;
}

const METRICS_LINE = /GET (http:\/\/[^\s]+\/metrics)/;
const API_LINE = /POST (http:\/\/[^\s/]+)\/order/;

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

export class RunningPipeline {
  private readonly failure: Promise<never>;
  private failed: Error | undefined;
  private fail: (error: Error) => void = () => undefined;
  private readonly inventoryList: Endpoint[];

  constructor(
    private readonly spec: PipelineSpec,
    inventories: readonly Endpoint[],
    readonly analytics: Endpoint | undefined,
    /** The REST service; its `metricsUrl` is its origin, http://host:port. */
    readonly api: Endpoint | undefined,
  ) {
    this.inventoryList = [...inventories];
    this.failure = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    for (const { stage } of this.stages()) this.watchExit(stage);
    // Nobody may be racing the failure at the moment it happens; it is reported where it is raced.
    this.failure.catch(() => undefined);
  }

  /** The inventory processes as they are now (a restarted one is a new process). */
  get inventories(): readonly Endpoint[] {
    return this.inventoryList;
  }

  private watchExit(stage: StageProcess): void {
    stage.onUnexpectedExit((exit) => {
      this.failed ??= new Error(`${stage.name} exited during the run (${exit.signal ?? `code ${String(exit.code)}`}): ${stage.lastLines(3)}`);
      this.fail(this.failed);
    });
  }

  /** SIGKILL of inventory process `index` (a fault), which the run expects; returns its pid. */
  async killInventory(index: number): Promise<number | undefined> {
    const inventory = this.inventoryList[index];
    if (!inventory) throw new Error(`no inventory process ${index + 1}`);
    const pid = inventory.stage.pid;
    await inventory.stage.kill();
    return pid;
  }

  /** Starts inventory process `index` again, with the same command line (its group, its static member id), once it printed its start-up line. */
  async restartInventory(index: number): Promise<void> {
    const endpoint = await startInventoryStage(this.spec, index);
    this.inventoryList[index] = endpoint;
    this.watchExit(endpoint.stage);
  }

  get inventoryGroup(): string {
    return `${this.spec.runId}-inventory`;
  }

  get analyticsGroup(): string {
    return this.spec.analyticsGroup ?? `${this.spec.runId}-analytics`;
  }

  /** The groups whose offsets say that the pipeline is done, upstream first. */
  watches(): GroupWatch[] {
    const { topics } = this.spec;
    return [
      ...(this.inventories.length > 0 ? [{ name: 'inventory', group: this.inventoryGroup, topics: [topics.orders] }] : []),
      ...(this.analytics ? [{ name: 'analytics', group: this.analyticsGroup, topics: [topics.orders, topics.inventory, topics.deadLetter] }] : []),
    ];
  }

  /** `work`, or the error of a stage that died meanwhile, whichever comes first. */
  guard<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.failure]);
  }

  /**
   * The analytics' all-time figures from GET /metrics, without its rolling window: those depend on
   * when the messages were read, not on the messages, and a replay compares the rest byte for byte.
   */
  async analyticsFigures(): Promise<Figures> {
    if (!this.analytics) throw new Error('the run has no analytics stage');
    return eventTimeFigures(await this.guard(getJson<MetricsDocument>(this.analytics.metricsUrl)));
  }

  inventoryCounts(): Promise<InventoryCounts[]> {
    return this.guard(Promise.all(this.inventories.map((inventory) => getJson<InventoryCounts>(inventory.metricsUrl))));
  }

  /**
   * Freezes every stage (SIGSTOP) so that it takes no CPU while the load generators run, or thaws
   * it (SIGCONT). Frozen for less than the session timeout, a stage stays in its group.
   */
  freeze(frozen: boolean): void {
    for (const { stage } of this.stages()) stage.signal(frozen ? 'SIGSTOP' : 'SIGCONT');
  }

  private stages(): Endpoint[] {
    return [...(this.api ? [this.api] : []), ...this.inventories, ...(this.analytics ? [this.analytics] : [])];
  }

  /** Stops every stage (SIGTERM: each commits what it processed), even when one failed. */
  async stop(): Promise<void> {
    this.freeze(false);
    await Promise.all(this.stages().map(({ stage }) => stage.stop()));
  }
}

/** Where every stage's Kafka is: driver, brokers, topics. */
function kafkaArgs(spec: PipelineSpec): string[] {
  const { topics } = spec;
  // --no-env: the bench says everything; a variable in its own environment meant for a stage started by hand does not reach these.
  return ['--driver', spec.driver, '--brokers', spec.brokers.join(','), '--order-topic', topics.orders, '--inventory-topic', topics.inventory, '--dlq-topic', topics.deadLetter, '--partitions', String(topics.partitions), '--no-env'];
}

/** A consuming stage's: its metrics on a free port, its group's session timeout. */
function consumerArgs(spec: PipelineSpec): string[] {
  return [...kafkaArgs(spec), '--http-port', '0', '--session-timeout-ms', String(spec.sessionTimeoutMs ?? 10_000)];
}

async function startStage(spec: PipelineSpec, name: string, script: string, args: string[], readyLine = METRICS_LINE): Promise<Endpoint> {
  const { stage, ready } = await StageProcess.start({
    name,
    script,
    args,
    logFile: join(spec.logDir, `${name}.log`),
    ready: readyLine,
    startTimeoutMs: spec.startTimeoutMs,
    ...(spec.profile ? { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${spec.logDir}`, `--cpu-prof-name=${name}.cpuprofile`] } : {}),
  });
  return { stage, metricsUrl: ready[1] ?? '' };
}

/** An inventory process's command line: the run's Kafka, its group, its settings; the same again at a restart. */
function inventoryArgs(spec: PipelineSpec, index: number): string[] {
  const inv = spec.inventory;
  return [
    ...consumerArgs(spec),
    '--group',
    `${spec.runId}-inventory`,
    '--initial-stock',
    String(inv.initialStock),
    '--failure-rate',
    String(inv.failureRate),
    '--transient-error-rate',
    String(inv.transientErrorRate),
    '--retry-backoff-ms',
    String(inv.retryBackoffMs),
    '--throttle-ms',
    String(inv.throttleMs),
    '--seed',
    String(inv.seed),
    ...(inv.maxEventAgeS !== undefined ? ['--max-event-age-s', String(inv.maxEventAgeS)] : []),
    '--state',
    spec.state ?? 'memory',
    ...(spec.exactlyOnce ? ['--exactly-once'] : []),
    ...(spec.staticMembers ? ['--group-instance-id', `${spec.runId}-inventory-${index + 1}`] : []),
  ];
}

function startInventoryStage(spec: PipelineSpec, index: number): Promise<Endpoint> {
  return startStage(spec, `inventory-${index + 1}`, 'pipeline/inventory/cli.js', inventoryArgs(spec, index));
}

/** Starts the stages in parallel and returns once each has printed its start-up line; a stage that fails to start stops the others. */
export async function startPipeline(spec: PipelineSpec): Promise<RunningPipeline> {
  const starting = [
    ...Array.from({ length: spec.inventoryInstances }, (_, i) => startInventoryStage(spec, i)),
    ...(spec.analytics ? [startStage(spec, 'analytics', 'pipeline/analytics/cli.js', [...consumerArgs(spec), '--group', spec.analyticsGroup ?? `${spec.runId}-analytics`, '--report-interval', '0', '--state', spec.analyticsState ?? spec.state ?? 'memory'])] : []),
    ...(spec.api ? [startStage(spec, 'api', 'pipeline/api/cli.js', [...kafkaArgs(spec), '--port', '0', '--linger-ms', String(spec.api.lingerMs), '--encoding', spec.api.encoding], API_LINE)] : []),
  ];
  const started = await Promise.allSettled(starting);
  const failed = started.find((s) => s.status === 'rejected');
  const endpoints = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failed) {
    await Promise.all(endpoints.map(({ stage }) => stage.stop()));
    throw failed.reason;
  }
  const inventories = endpoints.slice(0, spec.inventoryInstances);
  const analytics = spec.analytics ? endpoints[spec.inventoryInstances] : undefined;
  const api = spec.api ? endpoints[spec.inventoryInstances + (spec.analytics ? 1 : 0)] : undefined;
  return new RunningPipeline(spec, inventories, analytics, api);
}
