import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHistogram } from '../../../pipeline/histogram.js';
import type { RunResult } from '../../../bench/report/run-result.js';
import { openClient } from '../../../clients/registry.js';
import { runCli, startCli } from '../../helpers/cli.js';
import { Cleanup, createTestTopics, testBrokers, uniqueName } from '../../helpers/kafka.js';
import { tempDir } from '../../helpers/processes.js';

describe('load agents on one machine: bench 10k --agents 3 (three agent processes and bench:collect)', function () {
  this.timeout(240_000);

  it("merges the three agents' reports into one run: counts and histogram counts are the sums of the agents', nothing lost", async () => {
    const out = tempDir('bench-agents');
    try {
      const dir = join(out.path, 'run');
      const count = 601;
      const result = await runCli('bench/cli.js', ['10k', '--agents', '3', '--count', String(count), '--warmup', '10', '--batch-size', '50', '--timeout', '120', '--brokers', (await testBrokers()).join(','), '--out', dir, '--format', 'omb'], { ...process.env, CI: 'true' }, 230_000);
      expect(result.code, `${result.stderr}\n${result.stdout}`).to.equal(0);
      expect(result.stdout.trim().split('\n').at(-1)).to.equal(dir);
      const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunResult;
      const agents = run.agents?.list ?? [];
      // The count split explicitly, the remainder to the lowest index; seeds and id prefixes apart.
      expect(agents.map((a) => a.share?.count)).to.deep.equal([201, 200, 200]);
      expect(new Set(agents.map((a) => a.share?.seed)).size).to.equal(3);
      expect(new Set(agents.map((a) => a.share?.id_prefix)).size).to.equal(3);
      expect(agents.every((a) => a.final_seen && a.intervals_missing.length === 0)).to.equal(true);
      const sum = (pick: (a: (typeof agents)[number]) => number): number => agents.reduce((total, a) => total + pick(a), 0);
      expect(run.figures.orders_sent).to.equal(count).and.equal(sum((a) => a.counters.sent));
      expect(run.figures.results_received).to.equal(count).and.equal(sum((a) => a.counters.results));
      expect(run.figures.orders_failed).to.equal(0);
      const histogramCount = (name: string): number => decodeHistogram(run.histograms.find((h) => h.name === name)?.encoded ?? '').totalCount;
      expect(histogramCount('produce_to_ack')).to.equal(count);
      expect(histogramCount('end_to_end')).to.equal(count);
      expect(run.checks.every((check) => check.passed), JSON.stringify(run.checks)).to.equal(true);
      // The intervals series adds up to the same counts.
      const intervals = run.series.find((s) => s.name === 'intervals');
      const column = intervals?.columns.indexOf('sent') ?? -1;
      expect(intervals?.rows.reduce((total, row) => total + Number(row[column]), 0)).to.equal(count);
      for (const file of ['summary.txt', 'report.html', 'agents.csv', 'omb.json', 'agent-0.log', 'agent-2.log', 'collector.log', 'inventory-1.log']) expect(existsSync(join(dir, file)), file).to.equal(true);
    } finally {
      await out.remove();
    }
  });

  it('names an agent that never reported, and a collector told to stop (SIGTERM) writes what it has: exit 1, never lower figures passed off as whole', async () => {
    const out = tempDir('bench-agents-missing');
    const cleanup = new Cleanup();
    try {
      const brokers = (await testBrokers()).join(',');
      const admin = await (await openClient('platformatic', { brokers: brokers.split(','), clientId: 'agents-test', logLevel: 'error' })).admin();
      cleanup.add(() => admin.close());
      const orders = uniqueName('agents-orders');
      const results = uniqueName('agents-results');
      await createTestTopics(admin, [{ topic: orders, partitions: 1 }, { topic: results, partitions: 1 }], cleanup);
      const runId = uniqueName('missing');
      const dir = join(out.path, 'run');
      const env = { ...process.env, CI: 'true' };
      const collector = startCli('bench/collect-cli.js', ['--run-id', runId, '--agents', '2', '--brokers', brokers, '--timeout-s', '120', '--out', dir], env);
      // Agent 0 of 2 alone, with no pipeline behind its topics: it sends its share, no result comes, it reports and gives up.
      const agent = await runCli('bench/cli.js', ['10k', '--agents', '2', '--agent-index', '0', '--run-id', runId, '--brokers', brokers, '--order-topic', orders, '--inventory-topic', results, '--count', '40', '--warmup', '0', '--timeout', '3', '--start-at', String(Date.now())], env);
      expect(agent.code, agent.stderr).to.equal(1);
      expect(agent.stdout).to.match(/^agent 0 of 2 \(run \S+\): sent 20 of 20, 0 failed, 0 results read back, \d+ reports to bench-results$/m);
      // Agent 1 never comes: the collector waits for it until told to stop.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(await collector.stop('SIGTERM')).to.equal(1);
      const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunResult;
      expect(run.passed).to.equal(false);
      expect(run.agents?.list.map((a) => [a.index, a.final_seen, a.counters.sent])).to.deep.equal([[0, true, 20], [1, false, 0]]);
      expect(run.checks.find((c) => c.name === 'every agent sent its final report')?.detail).to.equal('agent 1: never heard from (the collector stopped waiting)');
      expect(run.checks.find((c) => c.name === 'every order sent')?.passed).to.equal(false);
      expect(run.figures.agents_finished).to.equal(1);
    } finally {
      await cleanup.run();
      await out.remove();
    }
  });
});
