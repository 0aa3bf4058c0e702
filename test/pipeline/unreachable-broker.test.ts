import { expect } from 'chai';
import { runCli } from '../helpers/cli.js';
import { TEST_DRIVERS } from '../helpers/drivers.js';
import { freePort } from '../helpers/processes.js';

/**
 * Every command against a port nothing listens on, with every driver: one line naming the brokers,
 * and a non-zero exit. The goal is at most 10 s; mocha's timeout bounds it (with room for a busy
 * machine), the test asserts the message.
 */
describe('an unreachable broker, as every command reports it', function () {
  this.timeout(30_000);
  const env = { ...process.env, CI: 'true' };

  const stages: [string, string, string[]][] = [
    ['pipeline:producer', 'pipeline/producer/cli.js', ['--count', '5']],
    ['pipeline:api', 'pipeline/api/cli.js', ['--port', '0']],
    ['pipeline:inventory', 'pipeline/inventory/cli.js', []],
    ['pipeline:analytics', 'pipeline/analytics/cli.js', ['--http-port', '0']],
  ];
  for (const driver of TEST_DRIVERS) {
    for (const [stage, script, args] of stages) {
      it(`${stage} --driver ${driver}: one line, exit 1`, async () => {
        const brokers = `127.0.0.1:${await freePort()}`;
        const result = await runCli(script, ['--driver', driver, '--brokers', brokers, ...args], env, 25_000);
        expect(result.code, result.stderr).to.equal(1);
        const lines = result.stderr.trim().split('\n');
        expect(lines, result.stderr).to.have.length(1);
        expect(lines[0]).to.match(new RegExp(`^${stage}: cannot reach Kafka at ${brokers.replace(/\./g, '\\.')}: \\S`));
      });
    }
  }

  // Every scenario once, the drivers taken in turn so that each meets the bench too.
  const scenarios = ['baseline', '10k', 'lag', 'replay', 'rest', 'clients', 'all'];
  scenarios.forEach((scenario, index) => {
    const driver = TEST_DRIVERS[index % TEST_DRIVERS.length] ?? 'kafkajs';
    it(`bench ${scenario} --driver ${driver}: one line, exit 1`, async () => {
      const brokers = `127.0.0.1:${await freePort()}`;
      const result = await runCli('bench/cli.js', [scenario, '--driver', driver, '--brokers', brokers], env, 25_000);
      expect(result.code, result.stderr).to.equal(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).to.have.length(1);
      expect(lines[0]).to.match(new RegExp(`^bench ${scenario}: cannot reach Kafka at ${brokers.replace(/\./g, '\\.')}: \\S`));
    });
  });
});
