/**
 * Load agents on one machine (`--agents N` without an index): the pipeline's stages as for a
 * single-machine run (none with --pipeline external), N agent processes and bench:collect, each the
 * same command a Kubernetes pod runs (deploy/kubernetes/), and one report folder, the collector's.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DriverName } from '../../clients/driver.js';
import type { KafkaTarget } from '../../kafka/embedded.js';
import { withBenchContext, type PipelineChoice } from '../harness.js';
import { systemClock } from '../measure/clock.js';
import type { Progress } from '../progress.js';
import { defaultReportDir, prepareReportDir, type ReportFormat } from '../report/write-report.js';
import { startStages } from '../scenarios/phases.js';
import type { AgentScenario } from './messages.js';
import { ensureRunTopics } from './run-topics.js';

export interface LocalRun {
  readonly scenario: AgentScenario;
  readonly agents: number;
  readonly runId: string;
  readonly target: KafkaTarget;
  readonly driver: DriverName;
  readonly progress: Progress;
  readonly pipeline: PipelineChoice;
  readonly keepTopics: boolean;
  readonly outDir: string | undefined;
  readonly reportsRoot: string;
  readonly formats: readonly ReportFormat[];
  readonly intervalS: number;
  readonly resultsTopic: string;
  readonly controlTopic: string;
  readonly timeoutS: number;
  readonly partitions: number;
  /** The scenario's own flags, the same for every agent. */
  readonly scenarioFlags: readonly string[];
  /** Aborted by a stop (SIGINT, SIGTERM): the agents, the collector and the stages are stopped. */
  readonly interrupt?: AbortSignal;
}

/** Seconds from the start message to the agents' first measured send: time for every agent to connect and warm up. */
const START_DELAY_S = 3;

const BENCH_CLI = fileURLToPath(new URL('../cli.js', import.meta.url));
const COLLECT_CLI = fileURLToPath(new URL('../collect-cli.js', import.meta.url));

/** The command line of agent `index`: what a pod of the Indexed Job runs, its index given by flag here. */
export function agentCommand(run: Pick<LocalRun, 'scenario' | 'agents' | 'runId' | 'driver' | 'intervalS' | 'resultsTopic' | 'controlTopic' | 'scenarioFlags'>, index: number, brokers: readonly string[], orderTopic: string, resultTopic: string): string[] {
  return [run.scenario, '--agents', String(run.agents), '--agent-index', String(index), '--run-id', run.runId, '--brokers', brokers.join(','), '--driver', run.driver, '--order-topic', orderTopic, '--inventory-topic', resultTopic, '--interval', String(run.intervalS), '--results-topic', run.resultsTopic, '--control-topic', run.controlTopic, ...run.scenarioFlags];
}

/** The collector's command line: it also announces the start, so the agents begin together. */
export function collectorCommand(run: Pick<LocalRun, 'agents' | 'runId' | 'driver' | 'resultsTopic' | 'controlTopic' | 'timeoutS' | 'formats'>, brokers: readonly string[], out: string): string[] {
  return ['--run-id', run.runId, '--agents', String(run.agents), '--brokers', brokers.join(','), '--driver', run.driver, '--results-topic', run.resultsTopic, '--control-topic', run.controlTopic, '--timeout-s', String(run.timeoutS + START_DELAY_S), '--start-delay-s', String(START_DELAY_S), '--out', out, ...run.formats.flatMap((format) => ['--format', format])];
}

/** A compiled command running as a child: its exit code, and a way to stop it. */
interface Child {
  readonly exited: Promise<number>;
  stop(): void;
}

/** Runs a compiled command; its output to a log file, or (the collector's standard output) back to the caller. */
function runProcess(script: string, args: readonly string[], log: string, passStdout: boolean): Child {
  const file = createWriteStream(log);
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
  child.stdout.on('data', (chunk: Buffer) => (passStdout ? process.stdout.write(chunk) : file.write(chunk)));
  child.stderr.on('data', (chunk: Buffer) => file.write(chunk));
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      file.end();
      resolve(code ?? 1);
    });
  });
  return {
    exited,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

/** After the last agent, the collector has this long to read the reports they sent before it is told to stop waiting. */
const COLLECT_GRACE_MS = 10_000;

/** Returns the exit code: the collector's, or 1 when an agent failed. */
export async function runLocalAgents(run: LocalRun): Promise<number> {
  const dir = run.outDir ?? defaultReportDir(run.reportsRoot, run.scenario, new Date());
  prepareReportDir(dir);
  const contextOptions = { target: run.target, driver: run.driver, clock: systemClock, progress: run.progress, keepTopics: run.keepTopics, scenario: run.scenario, reportDir: dir, pipeline: run.pipeline, profile: false, ...(run.interrupt ? { interrupt: run.interrupt } : {}) };
  return withBenchContext(contextOptions, async (context) => {
    const topics = await context.pipelineTopics(run.partitions);
    await startStages(context, topics, { inventoryInstances: 1, analytics: false }, run.timeoutS);
    // Made once here, before the agents and the collector start together.
    await ensureRunTopics(context.client, [run.resultsTopic, run.controlTopic]);
    run.progress.phase(`${run.agents} agents of run ${run.runId}, and the collector`);
    const brokers = run.target.brokers;
    const collector = runProcess(COLLECT_CLI, collectorCommand(run, brokers, dir), join(dir, 'collector.log'), true);
    const agents = Array.from({ length: run.agents }, (_, index) => runProcess(BENCH_CLI, agentCommand(run, index, brokers, topics.orders, topics.inventory), join(dir, `agent-${index}.log`), false));
    // Done by then, unless the run was interrupted.
    context.onCleanup(async () => {
      for (const child of [collector, ...agents]) child.stop();
      await Promise.allSettled([collector, ...agents].map((child) => child.exited));
    });
    // A collector that failed sends no start: the agents waiting for it are stopped rather than left to their timeout.
    void collector.exited.then((code) => {
      if (code !== 0) for (const agent of agents) agent.stop();
    });
    const codes = await Promise.all(agents.map((agent) => agent.exited));
    // Every agent is done: whatever it reported is on the topic; a collector still waiting for a dead one is told to stop.
    const grace = setTimeout(() => {
      collector.stop();
    }, COLLECT_GRACE_MS);
    const collected = await collector.exited;
    clearTimeout(grace);
    run.progress.done();
    codes.forEach((code, index) => {
      if (code !== 0) process.stderr.write(`bench ${run.scenario}: agent ${index} exited ${code} (see ${join(dir, `agent-${index}.log`)})\n`);
    });
    return codes.some((code) => code !== 0) && collected === 0 ? 1 : collected;
  });
}
