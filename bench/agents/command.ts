/**
 * `bench baseline|10k --agents N …`: with --agent-index, this process is that agent; without, it
 * runs the whole thing on this machine: the pipeline, N agent processes and bench:collect, one report.
 */
import { randomUUID } from 'node:crypto';
import { errorText } from '../../clients/errors.js';
import { PIPELINE_PRODUCER } from '../../pipeline/kafka.js';
import { baselineParams, throughputParams, type BenchArgs } from '../options.js';
import type { FigureValue } from '../report/run-result.js';
import { throughputProducer } from '../scenarios/phases.js';
import { runAgent, type AgentLoad, type StartSignal } from './agent.js';
import { DEFAULT_INTERVAL_S, parseStartAt } from './agent-options.js';
import { runLocalAgents, type LocalRun } from './local-run.js';
import { AGENT_TOPICS, type AgentScenario } from './messages.js';

/** The run's load and parameters from the scenario's flags: the same in every agent, so the collector can check they agree. */
function loadOf(scenario: AgentScenario, args: BenchArgs): { load: AgentLoad; parameters: Record<string, FigureValue>; flags: string[] } {
  if (scenario === '10k') {
    const p = throughputParams(args);
    const encoding = p.encodings[0] ?? 'json';
    return {
      load: { count: p.count, rate: null, seed: p.seed, warmup: p.warmup, batchSize: p.batchSize, inFlight: 4, producer: throughputProducer(p.acks, p.compression), encoding, timeoutS: p.timeoutS },
      parameters: { count: p.count, warmup: p.warmup, batchSize: p.batchSize, acks: p.acks, compression: p.compression, partitions: p.partitions, seed: p.seed, timeoutS: p.timeoutS, encoding },
      flags: ['--count', String(p.count), '--warmup', String(p.warmup), '--batch-size', String(p.batchSize), '--acks', p.acks, '--compression', p.compression, '--partitions', String(p.partitions), '--seed', String(p.seed), '--timeout', String(p.timeoutS), '--encoding', encoding],
    };
  }
  const p = baselineParams(args);
  // One order per send: one at a time after each answer, or open loop at the agent's share of --rate.
  return {
    load: { count: p.count, rate: p.rate, seed: p.seed, warmup: p.warmup, batchSize: 1, inFlight: 1, producer: PIPELINE_PRODUCER, encoding: p.encoding, timeoutS: p.timeoutS },
    parameters: { count: p.count, warmup: p.warmup, rate: p.rate, partitions: p.partitions, seed: p.seed, timeoutS: p.timeoutS, encoding: p.encoding },
    flags: ['--count', String(p.count), '--warmup', String(p.warmup), ...(p.rate === null ? [] : ['--rate', String(p.rate)]), '--partitions', String(p.partitions), '--seed', String(p.seed), '--timeout', String(p.timeoutS), '--encoding', p.encoding],
  };
}

/** What a run of agents is given: the run's own settings, as a local run of them takes them, and the flags. */
export interface AgentsCommand extends Pick<LocalRun, 'scenario' | 'target' | 'driver' | 'progress' | 'pipeline' | 'keepTopics' | 'outDir' | 'reportsRoot' | 'formats' | 'interrupt'> {
  readonly args: BenchArgs;
}

/** Runs the agent role or the local run; returns the exit code. */
export async function runAgentsCommand(command: AgentsCommand): Promise<number> {
  const { args, scenario } = command;
  const agents = args.agents ?? 1;
  const intervalS = args.interval ?? DEFAULT_INTERVAL_S;
  const resultsTopic = args['results-topic'] ?? AGENT_TOPICS.results;
  const controlTopic = args['control-topic'] ?? AGENT_TOPICS.control;
  const { load, parameters, flags } = loadOf(scenario, args);
  const index = args['agent-index'];
  if (index === undefined) {
    const runId = args['run-id'] ?? `agents-${randomUUID().slice(0, 8)}`;
    return runLocalAgents({ ...command, agents, runId, intervalS, resultsTopic, controlTopic, timeoutS: load.timeoutS, partitions: typeof parameters.partitions === 'number' ? parameters.partitions : 3, scenarioFlags: flags });
  }
  const runId = args['run-id'] ?? '';
  const startAt = args['start-at'] === undefined ? undefined : parseStartAt(args['start-at']);
  const start: StartSignal = startAt === undefined ? { kind: 'control' } : { kind: 'at', atMs: startAt };
  try {
    const outcome = await runAgent({ scenario, runId, agents, index, driver: command.driver, brokers: command.target.brokers, orderTopic: args['order-topic'], resultTopic: args['inventory-topic'], resultsTopic, controlTopic, start, intervalS, load, parameters: { ...parameters, interval_s: intervalS } });
    const { share } = outcome;
    process.stdout.write(`agent ${index} of ${agents} (run ${runId}): sent ${outcome.sent} of ${share.count}${share.rate === null ? '' : ` at ${share.rate}/s`}, ${outcome.failed} failed, ${outcome.results} results read back, ${outcome.intervals} reports to ${resultsTopic}\n`);
    return outcome.failed === 0 && outcome.sent === share.count && outcome.results === outcome.sent ? 0 : 1;
  } catch (error) {
    process.stderr.write(`bench ${scenario} agent ${index}: ${errorText(error)}\n`);
    return 1;
  }
}
