import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { DriverAdmin, DriverName } from '../../clients/driver.js';
import { loadDriver } from '../../clients/registry.js';
import { projectRoot } from '../../kafka/paths.js';
import type { PipelineTopics } from '../../pipeline/contracts/topics.js';
import { envWithout, runCli } from '../helpers/cli.js';
import { requireDriver, testClient } from '../helpers/drivers.js';
import { Cleanup, testBrokers, uniqueName, waitFor } from '../helpers/kafka.js';
import { createPipelineTopics } from '../helpers/pipeline.js';

const SESSION_TIMEOUT_MS = 15_000;

interface Member {
  readonly url: string;
  kill(): Promise<void>;
}

/** An inventory process in `group`, as a user starts it (state in memory: two members of one group); resolves once it serves GET /metrics. */
async function startMember(driver: DriverName, topics: PipelineTopics, group: string, instanceId: string | undefined, cleanup: Cleanup): Promise<Member> {
  const brokers = (await testBrokers()).join(',');
  const args = ['--no-env', '--driver', driver, '--brokers', brokers, '--order-topic', topics.orders, '--inventory-topic', topics.inventory, '--dlq-topic', topics.deadLetter, '--group', group, '--session-timeout-ms', String(SESSION_TIMEOUT_MS), '--initial-stock', '1000000', '--http-port', '0', '--state', 'memory', ...(instanceId ? ['--group-instance-id', instanceId] : [])];
  const child = spawn(process.execPath, [join(projectRoot(), 'dist/pipeline/inventory/cli.js'), ...args], { env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  const kill = async (): Promise<void> => {
    child.kill('SIGKILL');
    await exited;
  };
  cleanup.add(kill);
  const url = await waitFor(`${instanceId ?? 'a member'} serving /metrics (${output})`, () => /GET (http:\/\/\S+\/metrics)/.exec(output)?.[1], 60_000);
  return { url, kill };
}

async function processed(member: Member): Promise<number> {
  return ((await (await fetch(member.url)).json()) as { processed: number }).processed;
}

/** Polls the group's state at the coordinator until stop() and returns every state seen. */
function watchGroup(admin: DriverAdmin, group: string): { stop: () => Promise<string[]> } {
  const seen: string[] = [];
  const watching = { on: true };
  const loop = (async () => {
    while (watching.on) {
      const info = await admin.describeGroup(group);
      seen.push(`${info.state}/${String(info.members)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      watching.on = false;
      await loop;
      return seen;
    },
  };
}

/**
 * Two inventory processes in one group; one is killed (no goodbye to the coordinator) and started
 * again, within the session timeout, and both go on processing orders. Returns every state of the
 * group the coordinator reported from just before the kill to the end.
 */
async function restartOneOfTwo(driver: DriverName, admin: DriverAdmin, cleanup: Cleanup, staticIds: boolean): Promise<string[]> {
  const topics = await createPipelineTopics(admin, cleanup, 2);
  const group = uniqueName('static');
  const brokers = (await testBrokers()).join(',');
  let seed = 1;
  const produce = async (count: number): Promise<void> => {
    const result = await runCli('pipeline/producer/cli.js', ['--no-env', '--brokers', brokers, '--order-topic', topics.orders, '--count', String(count), '--seed', String((seed += 1))], envWithout());
    expect(result.code, result.stderr).to.equal(0);
  };
  const first = await startMember(driver, topics, group, staticIds ? 'inventory-a' : undefined, cleanup);
  const second = await startMember(driver, topics, group, staticIds ? 'inventory-b' : undefined, cleanup);
  // Both members have partitions once each has processed an order.
  await waitFor('both members processing', async () => {
    await produce(20);
    return (await processed(first)) > 0 && (await processed(second)) > 0 ? true : undefined;
  }, 60_000);
  await waitFor('a stable group of two', async () => {
    const info = await admin.describeGroup(group);
    return info.state === 'Stable' && info.members === 2 ? true : undefined;
  }, 30_000);
  const watch = watchGroup(admin, group);
  await first.kill();
  const restarted = await startMember(driver, topics, group, staticIds ? 'inventory-a' : undefined, cleanup);
  const before = await processed(second);
  await waitFor('the restarted member and the other processing again', async () => {
    await produce(20);
    return (await processed(restarted)) > 0 && (await processed(second)) > before ? true : undefined;
  }, 60_000);
  return watch.stop();
}

describe('static membership (--group-instance-id): a restart within the session timeout', function () {
  this.timeout(180_000);
  const cleanup = new Cleanup();
  let admin: DriverAdmin;

  before(async () => {
    admin = await (await testClient('kafkajs', 'static-membership-test')).admin();
  });
  afterEach(() => cleanup.run());
  after(() => admin.close());

  for (const driver of ['platformatic', 'confluent'] as const) {
    describe(`--driver ${driver}`, () => {
      before(async function () {
        await requireDriver(this, driver);
        expect((await loadDriver(driver)).info.capabilities.staticMembership).to.equal(true);
      });

      it('causes no rebalance: the group stays Stable with both members while one is down and back', async () => {
        const states = await restartOneOfTwo(driver, admin, cleanup, true);
        expect(states.length).to.be.greaterThan(5);
        expect([...new Set(states)]).to.deep.equal(['Stable/2']);
      });
    });
  }

  it('without it (the control), the same restart rebalances the group', async () => {
    const states = await restartOneOfTwo('platformatic', admin, cleanup, false);
    expect(states.some((state) => !state.startsWith('Stable/')), states.join(' ')).to.equal(true);
  });
});
