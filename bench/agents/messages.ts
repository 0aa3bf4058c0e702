/**
 * The two message kinds of a multi-agent run, on Kafka itself: each agent's interval reports on the
 * results topic, and the run's start on the control topic; both keyed by the run id, JSON values
 * with a schema version (docs/DESIGN.md, "Load agents").
 */
import { z } from 'zod';

export const AGENT_TOPICS = { results: 'bench-results', control: 'bench-control' } as const;
export const AGENT_SCHEMA_VERSION = 1;

/** The scenarios whose load agents can split: produce load that adds up across machines. */
export const AGENT_SCENARIOS = ['baseline', '10k'] as const;
export type AgentScenario = (typeof AGENT_SCENARIOS)[number];

const figureValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const encoded = z.string().min(1);

/** One interval of one agent: what happened in it (counters are of the interval, not running totals) and its histograms, encoded. */
export const agentIntervalSchema = z.strictObject({
  version: z.literal(AGENT_SCHEMA_VERSION),
  run_id: z.string().min(1),
  scenario: z.enum(AGENT_SCENARIOS),
  agents: z.number().int().min(1),
  agent_index: z.number().int().min(0),
  /** 0, 1, 2, … in the order the agent sent them; a gap is an interval lost. */
  seq: z.number().int().min(0),
  /** The agent's last interval: it sent everything it will. */
  final: z.boolean(),
  started_at_ms: z.number().int(),
  ended_at_ms: z.number().int(),
  share: z.strictObject({ count: z.number().int().min(0), rate: z.number().positive().nullable(), seed: z.number().int().min(0), id_prefix: z.string() }),
  /** The run's parameters as the agent was given them (the totals, before its share). */
  parameters: z.record(z.string(), figureValue),
  driver: z.strictObject({ name: z.string(), library: z.string(), version: z.string() }),
  counters: z.strictObject({
    sent: z.number().int().min(0),
    failed: z.number().int().min(0),
    bytes: z.number().int().min(0),
    results: z.number().int().min(0),
    warmup_results: z.number().int().min(0),
  }),
  histograms: z.strictObject({ produce_to_ack: encoded, end_to_end: encoded, send_lag: encoded.nullable() }),
  /** With `final`: when the agent's first measured send started and its last was answered, ms since the epoch. */
  produce: z.strictObject({ started_at_ms: z.number().int(), ended_at_ms: z.number().int() }).nullable(),
});

export type AgentInterval = z.infer<typeof agentIntervalSchema>;

/** The run's start: every agent that waits on the control topic begins its measured sends at `start_at_ms`. */
export const runStartSchema = z.strictObject({
  version: z.literal(AGENT_SCHEMA_VERSION),
  run_id: z.string().min(1),
  start_at_ms: z.number().int(),
});

export type RunStart = z.infer<typeof runStartSchema>;

/** A message's value as one of these, or one line saying what is wrong with it. */
export function parseMessage<T>(schema: z.ZodType<T>, value: Buffer | null): T | string {
  if (value === null) return 'no value';
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'not valid';
}
