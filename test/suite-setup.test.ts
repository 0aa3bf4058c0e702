import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../kafka/paths.js';
import { envWithout } from './helpers/cli.js';
import { ownBrokerOptions } from './helpers/kafka.js';
import { freePort, tempDir } from './helpers/processes.js';
import { isPortFree } from '../kafka/local-broker.js';

/** Runs mocha as `npm test` does, on one Kafka test file, with the given environment. */
function runMocha(configFile: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const root = projectRoot();
  const child = spawn(process.execPath, [join(root, 'node_modules/mocha/bin/mocha.js'), '--config', configFile, join(root, 'dist/test/kafka/embedded.test.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => {
    resolve({ code, stdout, stderr });
  }));
}

describe('the test suite: its own broker, set up once', function () {
  this.timeout(60_000);
  const dir = tempDir('suite-setup');
  const configFile = join(dir.path, 'mocharc.json');
  before(() => {
    writeFileSync(configFile, JSON.stringify({ require: [join(projectRoot(), 'dist/test/helpers/global-hooks.js')], reporter: 'spec' }));
  });
  after(() => dir.remove());

  it('picks free ports in a fresh folder for a broker of its own, whatever KAFKA_CONTROLLER_PORT says', async () => {
    const first = await ownBrokerOptions({ KAFKA_CONTROLLER_PORT: '9093' }, dir.path);
    const second = await ownBrokerOptions({}, dir.path);
    expect(first.dir).to.not.equal(second.dir);
    expect(first.local.instanceDir.startsWith(first.dir)).to.equal(true);
    expect(first.local.port).to.not.equal(9092);
    expect(first.local.controllerPort).to.equal(first.local.port + 1);
    expect(await isPortFree('127.0.0.1', first.local.port)).to.equal(true);
    expect(await isPortFree('127.0.0.1', first.local.controllerPort)).to.equal(true);
  });

  it('stops before the first test, in one line, when the configured cluster does not answer', async () => {
    const result = await runMocha(configFile, { ...envWithout('KAFKA_PORT'), KAFKA_BROKERS: `127.0.0.1:${await freePort()}` });
    expect(result.code).to.equal(1);
    expect(result.stderr.trim().split('\n')).to.have.length(1);
    expect(result.stderr).to.match(/^test setup: no broker for the tests: cannot reach Kafka at 127\.0\.0\.1:\d+: /);
    expect(result.stdout).to.not.include('passing').and.not.include('failing');
  });

  it('stops before the first test, in one line, when the port it is told to use is another process’s', async () => {
    const squatter: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const result = await runMocha(configFile, { ...envWithout('KAFKA_BROKERS', 'KAFKA_CONTROLLER_PORT', 'KAFKA_NODES'), KAFKA_PORT: String(port), KAFKA_LOCAL_DIR: dir.path });
      expect(result.code).to.equal(1);
      expect(result.stderr.trim()).to.equal(
        `test setup: no broker for the tests: port ${port} on 127.0.0.1 is taken by another process: stop it, pick other ports with KAFKA_PORT/KAFKA_CONTROLLER_PORT, or set KAFKA_BROKERS to use a broker that is already there`,
      );
      expect(result.stdout).to.not.include('passing');
    } finally {
      squatter.close();
    }
  });
});
