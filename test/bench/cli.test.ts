import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { testBrokers } from '../helpers/kafka.js';
import { tempDir } from '../helpers/processes.js';

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
  ];
  for (const [args, expected] of bad) {
    it(`bench ${args.join(' ')}: one line naming the flag, exit 2`, async () => {
      const result = await runCli('bench/cli.js', args);
      expect(result.code).to.equal(2);
      expect(result.stderr.trim()).to.match(expected);
    });
  }

  it('refuses a report folder it cannot write, in one line, before it runs anything', async () => {
    const started = Date.now();
    const result = await runCli('bench/cli.js', ['baseline', '--out', '/proc/bench-cannot-write/run'], { ...process.env, CI: 'true' });
    expect(result.code).to.equal(1);
    expect(result.stderr.trim()).to.match(/^bench baseline: the report folder \/proc\/bench-cannot-write\/run cannot be written \(\w+\); choose another with --out$/);
    expect(Date.now() - started).to.be.below(15_000);
  });

  it('runs a scenario, writes its report folder, and prints the folder last', async () => {
    const out = tempDir('bench-cli');
    try {
      const dir = join(out.path, 'run');
      const result = await runCli('bench/cli.js', ['baseline', '--count', '20', '--warmup', '2', '--brokers', (await testBrokers()).join(','), '--out', dir], { ...process.env, CI: 'true' });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout.trim().split('\n').at(-1)).to.equal(dir);
      expect(result.stdout).to.match(/^baseline: PASSED/);
      expect(result.stderr).to.equal('');
      for (const file of ['run.json', 'summary.txt', 'figures.csv', 'latency.csv', 'produce_to_ack.hgrm', 'end_to_end.hgrm']) expect(existsSync(join(dir, file)), file).to.equal(true);
    } finally {
      await out.remove();
    }
  });
});
