import { expect } from 'chai';
import { IntervalRecorder, type IntervalHeader } from '../../../bench/agents/interval-recorder.js';
import { agentRunResult } from '../../../bench/agents/collect.js';
import { mergeIntervals } from '../../../bench/agents/merge.js';
import { agentIntervalSchema, parseMessage, type AgentInterval } from '../../../bench/agents/messages.js';
import { agentShare, shareProblem } from '../../../bench/agents/share.js';
import type { RunEnvironment } from '../../../bench/report/run-result.js';
import { createLatencyHistogram, decodeHistogram } from '../../../pipeline/histogram.js';

const header = (index: number, agents = 3): IntervalHeader => {
  const share = agentShare({ count: 10, rate: null, seed: 1 }, 'r1', agents, index);
  return { version: 1, run_id: 'r1', scenario: '10k', agents, agent_index: index, share: { count: share.count, rate: share.rate, seed: share.seed, id_prefix: share.idPrefix }, parameters: { count: 10 }, driver: { name: 'platformatic', library: '@platformatic/kafka', version: '1' } };
};

/** An agent's reports: one interval per entry of `acks` (latencies in µs of one order each), the last one final. */
function reports(index: number, acks: number[][], final = true): AgentInterval[] {
  let now = 1_000_000;
  const recorder = new IntervalRecorder(header(index), false, () => (now += 1_000));
  return acks.map((interval, i) => {
    const latencies = createLatencyHistogram();
    for (const micros of interval) {
      recorder.acknowledged(1, 100, micros);
      latencies.recordValue(micros * 2);
    }
    recorder.results(latencies);
    const last = final && i === acks.length - 1;
    return recorder.take(last, last ? { started_at_ms: 1_000_000, ended_at_ms: 1_002_000 } : null);
  });
}

const environment: RunEnvironment = { kafka: { version: 'x', brokers: ['b:9092'], origin: 'configured' }, drivers: [], node: 'v20', os: 'Linux', cpu: { model: 'cpu', cores: 2 }, memory_gib: 1, commit: 'c' };

describe('load agents: shares and the merge of their reports', () => {
  it('splits count and a whole-number rate explicitly, the remainder to the lowest indexes, with seeds and id prefixes apart', () => {
    const shares = [0, 1, 2].map((i) => agentShare({ count: 10, rate: 7, seed: 5 }, 'run', 3, i));
    expect(shares.map((s) => s.count)).to.deep.equal([4, 3, 3]);
    expect(shares.map((s) => s.rate)).to.deep.equal([3, 2, 2]);
    expect(shares.map((s) => s.seed)).to.deep.equal([5, 1029, 2053]);
    expect(shares.map((s) => s.idPrefix)).to.deep.equal(['run-0-', 'run-1-', 'run-2-']);
    expect(agentShare({ count: 3, rate: 2.5, seed: 1 }, 'run', 2, 1).rate).to.equal(1.25);
    expect(shareProblem({ count: 2, rate: null, seed: 1 }, 3)).to.match(/fewer orders than --agents 3/);
    expect(shareProblem({ count: 9, rate: 2, seed: 1 }, 3)).to.match(/--rate 2 is below --agents 3/);
  });

  it("merges counters and histograms to the sums of the agents' (histograms merged, never averaged)", () => {
    const all = [...reports(0, [[1_000, 2_000], [3_000]]), ...reports(1, [[10_000], [20_000, 30_000]]), ...reports(2, [[500]])];
    const merged = mergeIntervals(all, 3);
    expect(merged.counters.sent).to.equal(7);
    expect(merged.counters.results).to.equal(7);
    expect(merged.counters.bytes).to.equal(700);
    expect(merged.produceToAck.totalCount).to.equal(7);
    expect(merged.endToEnd.totalCount).to.equal(7);
    expect(merged.produceToAck.maxValue).to.be.within(29_990, 30_040);
    expect(merged.perAgent.map((a) => a.counters.sent)).to.deep.equal([3, 3, 1]);
    expect(merged.periods.map((p) => p.sent)).to.deep.equal([4, 3]);
    const result = agentRunResult({ intervals: all, malformed: [], agents: 3, timedOut: false }, { runId: 'r1', resultsTopic: 'bench-results', startedAt: new Date(0), endedAt: new Date(1), environment });
    expect(result.figures.orders_sent).to.equal(7);
    expect(decodeHistogram(result.histograms.find((h) => h.name === 'produce_to_ack')?.encoded ?? '').totalCount).to.equal(7);
    // Only 7 of the 10 the parameters ask for were sent: the run does not pass.
    expect(result.checks.find((c) => c.name === 'every order sent')?.passed).to.equal(false);
  });

  it('counts a report read twice once', () => {
    const once = reports(0, [[1_000], [2_000]]);
    expect(mergeIntervals([...once, ...once], 1).counters.sent).to.equal(2);
  });

  it('shows a dead agent and a lost interval as missing, never as silently lower figures', () => {
    const lost = reports(1, [[1_000], [2_000], [3_000]]).filter((i) => i.seq !== 1);
    const dead = reports(2, [[1_000], [1_000]], false);
    const all = [...reports(0, [[1_000]]), ...lost, ...dead];
    const result = agentRunResult({ intervals: all, malformed: [], agents: 4, timedOut: true }, { runId: 'r1', resultsTopic: 'bench-results', startedAt: new Date(0), endedAt: new Date(1), environment });
    const list = result.agents?.list ?? [];
    expect(list.map((a) => [a.index, a.intervals_seen, a.intervals_missing, a.final_seen])).to.deep.equal([
      [0, 1, [], true],
      [1, 2, [1], true],
      [2, 2, [], false],
      [3, 0, [], false],
    ]);
    expect(result.figures.intervals_missing).to.equal(1);
    expect(result.figures.agents_finished).to.equal(2);
    expect(result.passed).to.equal(false);
    expect(result.checks.find((c) => c.name === 'every agent sent its final report')?.detail).to.equal('agent 2: last interval 1, no final; agent 3: never heard from (the collector stopped waiting)');
    expect(result.checks.find((c) => c.name === 'no interval missing')?.detail).to.equal('agent 1: 1');
    expect(result.tables?.find((t) => t.name === 'agents')?.rows.map((row) => row[6])).to.deep.equal(['yes', 'yes', 'NO', 'NO']);
  });

  it('refuses a report that is not of the schema, naming the field', () => {
    const [valid] = reports(0, [[1_000]]);
    expect(typeof parseMessage(agentIntervalSchema, Buffer.from(JSON.stringify(valid)))).to.equal('object');
    expect(parseMessage(agentIntervalSchema, Buffer.from(JSON.stringify({ ...valid, seq: -1 })))).to.match(/^seq: /);
    expect(parseMessage(agentIntervalSchema, Buffer.from(JSON.stringify({ ...valid, version: 2 })))).to.match(/^version: /);
    expect(parseMessage(agentIntervalSchema, Buffer.from('{'))).to.equal('not JSON');
  });
});
