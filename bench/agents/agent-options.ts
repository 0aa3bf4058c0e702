/**
 * The load-agent flags of the bench (baseline and 10k): --agents, --agent-index, --run-id,
 * --start-at, --interval, --results-topic, --control-topic; their checks, and the typed options of
 * an agent built from them.
 */
import type { Argv } from 'yargs';
import { checkNumber, type FlagProblem } from '../../pipeline/cli-support.js';
import { AGENT_SCENARIOS, AGENT_TOPICS, type AgentScenario } from './messages.js';
import { shareProblem } from './share.js';

export const AGENT_FLAGS = ['agents', 'agent-index', 'run-id', 'start-at', 'interval', 'results-topic', 'control-topic'] as const;

/** Seconds between two interval reports of an agent. */
export const DEFAULT_INTERVAL_S = 1;
/** At most this many agents on one machine (`--agents N` without an index). */
export const MAX_LOCAL_AGENTS = 16;

/** A run id names topics' keys, groups and order ids: a short, plain name. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$/;

export function withAgentFlags<T>(argv: Argv<T>) {
  return argv
    .option('agents', { type: 'number', describe: `baseline, 10k: load agents that share the run; without --agent-index, that many agent processes here and bench:collect (at most ${MAX_LOCAL_AGENTS})` })
    .option('agent-index', { type: 'number', describe: 'this agent, 0 to --agents − 1 (env JOB_COMPLETION_INDEX too: a Kubernetes Indexed Job)' })
    .option('run-id', { type: 'string', describe: "the run the agents make together: the key of its reports and start, in its order ids [agents-<random>; needed with --agent-index]" })
    .option('start-at', { type: 'string', describe: "with --agent-index: begin the measured sends at this time (ISO 8601 or ms since the epoch) [the run's start message on --control-topic]" })
    .option('interval', { type: 'number', describe: `seconds between an agent's reports to --results-topic [${DEFAULT_INTERVAL_S}]` })
    .option('results-topic', { type: 'string', describe: `where agents report, keyed by run id [${AGENT_TOPICS.results}]` })
    .option('control-topic', { type: 'string', describe: `where a run's start is announced, keyed by run id [${AGENT_TOPICS.control}]` });
}

/** --start-at as ms since the epoch, or undefined when it is neither ISO 8601 nor a whole number of ms. */
export function parseStartAt(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The flags as yargs gives them, loosely typed: the check runs before the typed arguments exist. */
type Loose = Record<string, unknown>;

/** The flags that cannot go with load agents, for the scenario: each names why. */
function conflicts(a: Loose, scenario: string): string | undefined {
  const refused: [string, string][] = [
    ['workers', 'an agent is one producer; run more agents for more producers'],
    ['repeat', 'bench:collect makes one run of the agents'],
    ['reference', "Kafka's Java tools run beside one machine's run"],
    ['inventory-instances', 'the agents load one pipeline'],
    ['threshold', 'gate the collected run instead'],
    ['thresholds', 'gate the collected run instead'],
  ];
  const found = refused.find(([flag]) => a[flag] !== undefined && a[flag] !== false);
  if (found) return `--${found[0]} does not go with --agents: ${found[1]}`;
  if (a.via === 'rest') return '--via rest does not go with --agents: agents produce to Kafka';
  if (typeof a.encoding === 'string' && a.encoding.includes(',')) return `--encoding takes one encoding with --agents, got ${a.encoding}`;
  if (!(AGENT_SCENARIOS as readonly string[]).includes(scenario)) return `--agents applies to ${AGENT_SCENARIOS.join(' and ')}; ${scenario} runs on one machine`;
  return undefined;
}

/** The first thing wrong with the agent flags, or undefined. `defaults` are the scenario's count and seed when not given. */
export function agentFlagProblem(a: Loose, scenario: string, defaults: { count: number; seed: number }): string | FlagProblem | undefined {
  if (a.agents === undefined) {
    const stray = AGENT_FLAGS.find((flag) => a[flag] !== undefined);
    return stray ? `--${stray} applies only with --agents` : undefined;
  }
  const local = a['agent-index'] === undefined;
  const agents = a.agents;
  const numbers = checkNumber('agents', agents, { integer: true, min: 1, max: local ? MAX_LOCAL_AGENTS : 10_000 }) ?? checkNumber('interval', a.interval, { min: 0, exclusiveMin: true });
  if (numbers) return numbers;
  const problem = conflicts(a, scenario);
  if (problem) return problem;
  const runId = a['run-id'];
  if (runId !== undefined && (typeof runId !== 'string' || !RUN_ID.test(runId))) return { flag: 'run-id', text: `must be 1 to 48 of A-Z a-z 0-9 . _ - (starting with a letter or digit), got ${JSON.stringify(runId)}` };
  if (!local) {
    const index = checkNumber('agent-index', a['agent-index'], { integer: true, min: 0, max: Number(agents) - 1 });
    if (index) return index;
    if (runId === undefined) return '--agent-index needs --run-id: every agent of a run must name the same run';
    if (a.brokers === undefined) return '--agent-index needs --brokers (or KAFKA_BROKERS): an agent loads the cluster its run shares';
  }
  const startAt = a['start-at'];
  if (startAt !== undefined) {
    if (local) return '--start-at applies with --agent-index; a local run of agents starts them itself';
    if (typeof startAt !== 'string' || parseStartAt(startAt) === undefined) return { flag: 'start-at', text: `must be an ISO 8601 time (2026-12-02T09:00:00Z) or ms since the epoch, got ${JSON.stringify(startAt)}` };
  }
  const count = typeof a.count === 'number' ? a.count : defaults.count;
  const rate = typeof a.rate === 'number' ? a.rate : null;
  return shareProblem({ count, rate, seed: defaults.seed }, Number(agents));
}

export function isAgentScenario(name: string): name is AgentScenario {
  return (AGENT_SCENARIOS as readonly string[]).includes(name);
}
