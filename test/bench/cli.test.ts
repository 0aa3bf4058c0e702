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
    [['baseline', '--workers', '2'], /^bench: --workers does not apply to baseline; it takes --count, --warmup, --rate \(see --help\)$/],
    [['10k', '--acks', 'some'], /^bench: Invalid values: Argument: acks, Given: "some", Choices: "all", "leader", "none" \(see --help\)$/],
    [['lag', '--sample-ms', '1'], /^bench: --sample-ms must be a whole number of at least 10, got 1/],
    [['fastest'], /^bench: Unknown argument: fastest/],
  ];
  for (const [args, expected] of bad) {
    it(`bench ${args.join(' ')}: one line naming the flag, exit 2`, async () => {
      const result = await runCli('bench/cli.js', args);
      expect(result.code).to.equal(2);
      expect(result.stderr.trim()).to.match(expected);
    });
  }

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
