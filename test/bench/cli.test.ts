import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import type { RunResult } from '../../bench/report/run-result.js';
import { makeDirs } from '../../pipeline/output-dir.js';
import { envWithout, runCli, startCli } from '../helpers/cli.js';
import { freePortRun, testBrokers, waitFor } from '../helpers/kafka.js';
import { processesMentioning, tempDir } from '../helpers/processes.js';

describe('bench command line (as a user runs it)', function () {
  this.timeout(120_000);

  const bad: [string[], RegExp][] = [
    [['baseline', '--count', '0'], /^bench: --count must be a whole number of at least 1, got 0 \(see --help\)$/],
    [['baseline', '--workers', '2'], /^bench: --workers does not apply to baseline; it takes --count, --warmup, --rate, --reference, --reference-records, --via \(see --help\)$/],
    [['10k', '--acks', 'some'], /^bench: Invalid values: Argument: acks, Given: "some", Choices: "all", "leader", "none" \(see --help\)$/],
    [['lag', '--sample-ms', '1'], /^bench: --sample-ms must be a whole number of at least 10, got 1/],
    [['fastest'], /^bench: Unknown argument: fastest/],
    [['10k', '--inventory-instances', '1,0'], /^bench: --inventory-instances takes whole numbers from 1 to 64, comma-separated, got 1,0 \(see --help\)$/],
    [['lag', '--pipeline', 'external'], /^bench: --pipeline external applies to baseline and 10k; lag runs its own pipeline \(see --help\)$/],
    [['baseline', '--encoding', 'json,avro'], /^bench: --encoding takes one encoding for baseline \(json or avro\); only 10k measures both side by side, got json,avro \(see --help\)$/],
    [['10k', '--encoding', 'json,xml'], /^bench: --encoding takes json or avro, or both comma-separated, got json,xml \(see --help\)$/],
    [['clients', '--drivers', 'kafkajs,rdkafka'], /^bench: --drivers takes names from kafkajs, platformatic, confluent, got rdkafka \(see --help\)$/],
    [['baseline', '--threshold', 'end_to_end.p99<50', '--threshold', 'end_to_end.p99<<50'], /^bench: --threshold 'end_to_end\.p99<<50' is not a threshold: expected .* e\.g\. end_to_end\.p99<50 or produce_events_per_s>20000 \(see --help\)$/],
    [['baseline', '--thresholds', '/nonexistent/t.json'], /^bench: --thresholds \/nonexistent\/t\.json cannot be read \(ENOENT\) \(see --help\)$/],
    [['all', '--threshold', 'end_to_end.p99<50'], /^bench: --threshold and --thresholds apply to one scenario at a time; all runs four with different figures \(see --help\)$/],
    [['lag', '--repeat', '0'], /^bench: --repeat must be a whole number from 1 to 1000, got 0 \(see --help\)$/],
    [['lag', '--agents', '2'], /^bench: --agents applies to baseline and 10k; lag runs on one machine \(see --help\)$/],
    [['10k', '--agents', '2', '--workers', '2'], /^bench: --workers does not go with --agents: an agent is one producer; run more agents for more producers \(see --help\)$/],
    [['10k', '--agents', '17'], /^bench: --agents must be a whole number from 1 to 16, got 17 \(see --help\)$/],
    [['baseline', '--agents', '3', '--count', '2'], /^bench: --count 2 is fewer orders than --agents 3: every agent needs at least one \(see --help\)$/],
    [['baseline', '--agents', '3', '--rate', '2'], /^bench: --rate 2 is below --agents 3: a whole-number rate is split into whole shares, and every agent needs one \(see --help\)$/],
    [['baseline', '--run-id', 'r1'], /^bench: --run-id applies only with --agents \(see --help\)$/],
    [['baseline', '--agents', '3', '--agent-index', '3', '--run-id', 'r1', '--brokers', 'h:1'], /^bench: --agent-index must be a whole number from 0 to 2, got 3 \(see --help\)$/],
    [['baseline', '--agents', '3', '--agent-index', '0', '--brokers', 'h:1'], /^bench: --agent-index needs --run-id: every agent of a run must name the same run \(see --help\)$/],
    [['baseline', '--agents', '3', '--agent-index', '0', '--run-id', 'r1'], /^bench: --agent-index needs --brokers \(or KAFKA_BROKERS\): an agent loads the cluster its run shares \(see --help\)$/],
    [['baseline', '--agents', '3', '--agent-index', '0', '--run-id', 'a b', '--brokers', 'h:1'], /^bench: --run-id must be 1 to 48 of A-Z a-z 0-9 \. _ - \(starting with a letter or digit\), got "a b" \(see --help\)$/],
    [['baseline', '--agents', '3', '--agent-index', '0', '--run-id', 'r1', '--brokers', 'h:1', '--start-at', 'soon'], /^bench: --start-at must be an ISO 8601 time \(2026-12-02T09:00:00Z\) or ms since the epoch, got "soon" \(see --help\)$/],
    [['10k', '--format', 'csv'], /^bench: Invalid values: Argument: format, Given: "csv", Choices: "omb" \(see --help\)$/],
  ];
  for (const [args, expected] of bad) {
    it(`bench ${args.join(' ')}: one line naming the flag, exit 2`, async () => {
      const result = await runCli('bench/cli.js', args);
      expect(result.code).to.equal(2);
      expect(result.stderr.trim()).to.match(expected);
    });
  }

  // Tests run as root, whom no mode bits stop: a folder under a regular file (ENOTDIR) and one under /proc (ENOENT) are what root cannot write.
  const scenarios = ['baseline', '10k', 'lag', 'replay', 'clients', 'rest', 'all'];
  for (const scenario of scenarios) {
    it(`bench ${scenario} refuses a report folder it cannot write, in one line (exit 2), before it runs anything`, async () => {
      const scratch = tempDir('bench-out');
      try {
        const file = join(scratch.path, 'a-file');
        writeFileSync(file, '');
        for (const [dir, code] of [[join(file, 'sub'), 'ENOTDIR'], ['/proc/bench-cannot-write/run', 'ENOENT']] as const) {
          const result = await runCli('bench/cli.js', [scenario, '--out', dir], { ...process.env, CI: 'true' }, 30_000);
          expect(result.code, result.stderr).to.equal(2);
          expect(result.stderr).to.equal(`bench ${scenario}: the report folder ${dir} cannot be written (${code}); choose another with --out\n`);
          expect(result.stdout).to.equal('');
        }
      } finally {
        await scratch.remove();
      }
    });
  }

  it('runs a scenario, writes its report folder, and prints the folder last', async () => {
    const out = tempDir('bench-cli');
    try {
      const dir = join(out.path, 'run');
      const result = await runCli('bench/cli.js', ['baseline', '--count', '20', '--warmup', '2', '--brokers', (await testBrokers()).join(','), '--out', dir, '--format', 'omb'], { ...process.env, CI: 'true' });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout.trim().split('\n').at(-1)).to.equal(dir);
      expect(result.stdout).to.match(/^baseline: PASSED/);
      expect(result.stderr).to.equal('');
      for (const file of ['run.json', 'summary.txt', 'report.html', 'figures.csv', 'latency.csv', 'produce_to_ack.hgrm', 'end_to_end.hgrm', 'omb.json']) expect(existsSync(join(dir, file)), file).to.equal(true);
    } finally {
      await out.remove();
    }
  });
  it('--repeat with thresholds: a failing one exits 99, a passing one 0; bench:compare over the two folds their runs', async () => {
    const out = tempDir('bench-cli-repeat');
    const env = { ...process.env, CI: 'true' };
    try {
      const brokers = (await testBrokers()).join(',');
      const run = (dir: string, ...extra: string[]) => runCli('bench/cli.js', ['baseline', '--count', '15', '--warmup', '2', '--repeat', '2', '--brokers', brokers, '--out', join(out.path, dir), ...extra], env);
      const thresholds = join(out.path, 'thresholds.json');
      writeFileSync(thresholds, JSON.stringify({ thresholds: { end_to_end: ['count==30'], results_received: ['value==15'] } }));
      const failing = await run('a', '--threshold', 'end_to_end.p99<0.001', '--threshold', 'orders_sent>=15');
      expect(failing.code, failing.stderr).to.equal(99);
      expect(failing.stdout).to.match(/^baseline: PASSED/).and.include('[FAIL] end_to_end.p99<0.001: ').and.include('[pass] orders_sent>=15: 15 within >= 15');
      const a = JSON.parse(readFileSync(join(out.path, 'a', 'run.json'), 'utf8')) as RunResult;
      expect(a.repeat?.count).to.equal(2);
      expect(a.repeat?.runs.map((r) => r.histograms.find((h) => h.name === 'end_to_end')?.summary.count)).to.deep.equal([15, 15]);
      expect(a.histograms.find((h) => h.name === 'end_to_end')?.summary.count).to.equal(30);
      expect(a.repeat?.figures.orders_sent).to.deep.include({ values: [15, 15], median: 15, spread_pct: 0 });
      expect(a.thresholds.map((t) => [t.threshold, t.passed])).to.deep.equal([['end_to_end.p99<0.001', false], ['orders_sent>=15', true]]);
      // Each run's stages logged into a folder of its own.
      expect(existsSync(join(out.path, 'a', 'run-1', 'inventory-1.log')) && existsSync(join(out.path, 'a', 'run-2', 'inventory-1.log'))).to.equal(true);
      expect(readFileSync(join(out.path, 'a', 'report.html'), 'utf8')).to.include('end_to_end.p99&lt;0.001').and.include('Figures, over 2 runs');

      const passing = await run('b', '--thresholds', thresholds);
      expect(passing.code, passing.stderr).to.equal(0);
      expect(passing.stdout).to.include('[pass] end_to_end.count==30: 30 within == 30').and.include('[pass] results_received==15');

      const compared = await runCli('bench/compare/cli.js', [join(out.path, 'a'), join(out.path, 'b'), '--out', join(out.path, 'cmp'), '--fail-if-worse', '1000'], env);
      expect(compared.code, compared.stderr).to.equal(0);
      expect(compared.stdout).to.include("Welch's t-test").and.match(/end_to_end_p99_ms\s+\S+ \(n=2\)\s+\S+ \(n=2\)\s+[+-]\d+\.\d%\s+(<?\d\.\d+)\s+/);
      expect(readFileSync(join(out.path, 'cmp', 'compare.md'), 'utf8')).to.include('| end_to_end_p99_ms |');
      // A single run on one side (its first run as a folder of its own): no guess.
      makeDirs(join(out.path, 'single'));
      writeFileSync(join(out.path, 'single', 'run.json'), JSON.stringify({ ...a, figures: a.repeat?.runs[0]?.figures, repeat: undefined }));
      const single = await runCli('bench/compare/cli.js', [join(out.path, 'single'), join(out.path, 'b'), '--fail-if-worse', '0'], env);
      expect(single.code, single.stderr).to.equal(0);
      expect(single.stdout).to.match(/end_to_end_p99_ms\s+\S+\s+\S+ \(n=2\)\s+[+-]\d+\.\d%\s+-\s+not enough runs/);
      const missing = await runCli('bench/compare/cli.js', [join(out.path, 'a', 'run-1'), join(out.path, 'b')], env);
      expect(missing.code).to.equal(2);
      expect(missing.stderr.trim()).to.equal(`bench:compare: ${join(out.path, 'a', 'run-1')} has no run.json; name two report folders of the bench`);
    } finally {
      await out.remove();
    }
  });

  it('a run stopped with Ctrl-C (SIGINT) cleans up: its stages and the local broker it started are gone; one line, exit 130', async () => {
    const scratch = tempDir('bench-interrupt');
    const port = await freePortRun(2);
    const env = { ...envWithout('KAFKA_BROKERS', 'KAFKA_CONTROLLER_PORT', 'KAFKA_NODES'), CI: 'true', KAFKA_LOCAL_DIR: join(scratch.path, 'kafka'), KAFKA_PORT: String(port), KAFKA_HEAP: '256m' };
    const ours = (): number[] => [...processesMentioning(scratch.path), ...processesMentioning(`127.0.0.1:${port}`)].filter((pid) => pid !== process.pid);
    try {
      const bench = startCli('bench/cli.js', ['lag', '--duration', '120', '--out', join(scratch.path, 'report')], env);
      await waitFor('the bench consuming with its own broker and stages', () => (/consuming/.test(readIfThere(join(scratch.path, 'report', 'inventory-1.log'))) ? true : undefined), 90_000);
      expect(ours().length, 'the broker and the stages running').to.be.greaterThan(2);
      const code = await bench.stop('SIGINT');
      expect(code, bench.output()).to.equal(130);
      expect(bench.output()).to.include('bench lag: interrupted by SIGINT: the run is cleaned up (its processes stopped, its faults undone); the local cluster it started is stopped\n');
      expect(ours(), 'processes of the run left behind').to.deep.equal([]);
    } finally {
      await runCli('kafka/cli.js', ['down'], env);
      await scratch.remove();
    }
  });
});

function readIfThere(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
