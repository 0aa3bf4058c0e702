import { expect } from 'chai';
import { KAFKA_VERSION } from '../../kafka/version.js';
import { envWithout, runCli } from '../helpers/cli.js';
import { freePort, tempDir } from '../helpers/processes.js';

describe('kafka CLI (npm run kafka:up / kafka:status / kafka:down)', function () {
  this.timeout(240_000);
  const dir = tempDir('kafka-cli');
  let env: NodeJS.ProcessEnv | undefined;
  let port: number;

  before(async function () {
    // The local broker needs Java and Maven; a user who set KAFKA_BROKERS may have neither.
    if (process.env.KAFKA_BROKERS) this.skip();
    port = await freePort();
    env = { ...envWithout('KAFKA_BROKERS', 'CI'), KAFKA_LOCAL_DIR: dir.path, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(await freePort()), KAFKA_NODES: '1' };
  });

  after(async () => {
    if (env) await runCli('kafka/cli.js', ['down'], env);
    await dir.remove();
  });

  it('starts a broker, is harmless twice, reports status, stops exactly it', async () => {
    const up = await runCli('kafka/cli.js', ['up'], env);
    expect(up.code, up.stderr).to.equal(0);
    expect(up.stdout).to.match(new RegExp(`^Apache Kafka ${KAFKA_VERSION} is up \\(started in [\\d.]+ s.*\\) on 127\\.0\\.0\\.1:${port}, pid \\d+`));

    const again = await runCli('kafka/cli.js', ['up'], env);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.match(new RegExp(`^Apache Kafka ${KAFKA_VERSION} was already up on 127\\.0\\.0\\.1:${port}`));
    const pid = /pid (\d+)/.exec(up.stdout)?.[1];
    expect(again.stdout).to.include(`pid ${String(pid)}`);

    const status = await runCli('kafka/cli.js', ['status'], env);
    expect(status.code).to.equal(0);
    expect(status.stdout).to.match(new RegExp(`^up: Apache Kafka ${KAFKA_VERSION} on 127\\.0\\.0\\.1:${port}, pid ${String(pid)}`));

    const down = await runCli('kafka/cli.js', ['down'], env);
    expect(down.code).to.equal(0);
    expect(down.stdout).to.include(`stopped the local broker on 127.0.0.1:${port} (pid ${String(pid)})`);

    const after = await runCli('kafka/cli.js', ['status'], env);
    expect(after.code).to.equal(3);
    expect(after.stdout).to.match(/^down: no local broker/);
  });

  it('rejects a node count out of range in one line that names the flag', async () => {
    const result = await runCli('kafka/cli.js', ['up', '--nodes', '10'], env);
    expect(result.code).to.equal(2);
    expect(result.stderr.trim()).to.equal('kafka: --nodes must be a whole number from 1 to 9, got 10 (see --help)');
  });

  it('rejects a bad flag in one line that names it', async () => {
    const result = await runCli('kafka/cli.js', ['up', '--port', '99999'], env);
    expect(result.code).to.equal(2);
    expect(result.stderr.trim().split('\n')).to.have.length(1);
    expect(result.stderr).to.include('--port must be a whole number from 1 to 65535, got 99999');
  });
});
