/** What one load agent of a run produces: its share of the count and the rate, its seed and its order ids. */
import { splitEvenly } from '../load/split-load.js';

/** Seeds of two agents lie this far apart: room for an agent's own offsets (its warm-up's) without meeting the next agent's. */
export const AGENT_SEED_STRIDE = 1_024;

export interface RunTotals {
  readonly count: number;
  /** Orders per second of the whole run; null: each agent as fast as acks allow. */
  readonly rate: number | null;
  readonly seed: number;
}

export interface AgentShare {
  readonly index: number;
  readonly count: number;
  readonly rate: number | null;
  readonly seed: number;
  /** Before the seed in each order id: the run id and the index, so that no two agents' orders share an id. */
  readonly idPrefix: string;
}

/**
 * Agent `index` of `agents`: the count split explicitly, the remainder one each to the lowest indexes;
 * a whole-number rate the same way, any other rate in equal parts.
 */
export function agentShare(totals: RunTotals, runId: string, agents: number, index: number): AgentShare {
  if (!Number.isInteger(agents) || agents < 1) throw new Error(`an agent count must be a whole number of at least 1, got ${agents}`);
  if (!Number.isInteger(index) || index < 0 || index >= agents) throw new Error(`an agent index must be from 0 to ${agents - 1}, got ${index}`);
  const count = splitEvenly(totals.count, agents)[index] ?? 0;
  const rate = totals.rate === null ? null : Number.isInteger(totals.rate) ? (splitEvenly(totals.rate, agents)[index] ?? 0) : totals.rate / agents;
  return { index, count, rate, seed: (totals.seed + index * AGENT_SEED_STRIDE) % 2 ** 32, idPrefix: `${runId}-${index}-` };
}

/** Why these totals cannot be split over `agents`, or undefined: every agent must have orders to send and, with a rate, a rate above zero. */
export function shareProblem(totals: RunTotals, agents: number): string | undefined {
  if (totals.count < agents) return `--count ${totals.count} is fewer orders than --agents ${agents}: every agent needs at least one`;
  if (totals.rate !== null && Number.isInteger(totals.rate) && totals.rate < agents) return `--rate ${totals.rate} is below --agents ${agents}: a whole-number rate is split into whole shares, and every agent needs one`;
  return undefined;
}
