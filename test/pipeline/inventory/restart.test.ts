import { expect } from 'chai';
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import type { DriverName } from '../../../clients/driver.js';
import { projectRoot } from '../../../kafka/paths.js';
import { fixedSchedule, OrderGenerator } from '../../../pipeline/producer/order-generator.js';
import { OrderPublisher } from '../../../pipeline/producer/order-producer.js';
import { produceOrders } from '../../../pipeline/producer/produce-orders.js';
import { driverSuite, TEST_DRIVERS } from '../../helpers/drivers.js';
import { EVENT_TIME_START } from '../../helpers/fixtures.js';
import { testBrokers, uniqueName, waitFor } from '../../helpers/kafka.js';
import { createPipelineTopics, readMessages, settledFigures, startAnalytics } from '../../helpers/pipeline.js';

/** The inventory command line, as a user runs it, in its own process. */
function startInventoryProcess(brokers: string[], args: string[]): { child: ChildProcessByStdio<null, Readable, Readable>; output: () => string } {
  const child = spawn(process.execPath, [join(projectRoot(), 'dist/pipeline/inventory/cli.js'), '--brokers', brokers.join(','), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { child, output: () => output };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else
      child.once('exit', (code) => {
        resolve(code);
      });
  });
}

for (const driver of TEST_DRIVERS) describe(`pipeline/inventory: killed mid-stream and restarted, ${driver} driver (real broker)`, function () {
  this.timeout(120_000);
  const suite = driverSuite(driver, 'restart-test');
  const { cleanup } = suite;

  /** Publishes `count` orders, runs the inventory CLI with a throttle, SIGKILLs it mid-stream, restarts it, and waits for every outcome. */
  async function crashAndRestart(count: number, extraArgs: string[]) {
    const topics = await createPipelineTopics(suite.admin, cleanup);
    const brokers = await testBrokers();
    const args = ['--driver', driver satisfies DriverName, '--order-topic', topics.orders, '--inventory-topic', topics.inventory, '--dlq-topic', topics.deadLetter, '--group', uniqueName('inventory'), '--throttle-ms', '5', '--initial-stock', '100000', ...extraArgs];
    const analytics = await startAnalytics(suite.kafka, topics, cleanup);

    const publisher = await OrderPublisher.open(suite.kafka, topics.orders);
    cleanup.add(() => publisher.close());
    await produceOrders(new OrderGenerator({ seed: 5, placedAt: fixedSchedule(EVENT_TIME_START, 50) }), publisher, { count, pacing: { kind: 'batch', batchSize: 100 } });

    const first = startInventoryProcess(brokers, args);
    cleanup.add(async () => {
      first.child.kill('SIGKILL');
      await exited(first.child);
    });
    await waitFor('some results before the kill', () => (analytics.figures().reserved >= 60 ? true : undefined), 60_000);
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(analytics.figures().reserved, 'killed mid-stream').to.be.lessThan(count);

    const second = startInventoryProcess(brokers, args);
    cleanup.add(async () => {
      second.child.kill('SIGTERM');
      await exited(second.child);
    });
    const figures = await settledFigures(analytics, count, 0, 90_000).catch((error: unknown) => {
      // What the inventory said is what explains a timeout here.
      throw new Error(`${error instanceof Error ? error.message : String(error)}; first inventory: ${first.output().slice(-1_500)}; second: ${second.output().slice(-1_500)}`);
    });
    return { topics, figures, second };
  }

  it('accounts every order exactly once in the figures after a SIGKILL and a restart', async () => {
    const count = 400;
    const { topics, figures, second } = await crashAndRestart(count, []);
    expect(figures).to.include({ total_orders: count, reserved: count, failed: 0, dead_lettered: 0, pending: 0 });

    // The restart may redeliver what was processed but not committed: duplicates on the topic, never in the figures.
    const results = await readMessages(suite.kafka, topics.inventory, count, cleanup);
    expect(new Set(results.map((m) => m.key?.toString())).size).to.equal(count);

    second.child.kill('SIGTERM');
    expect(await exited(second.child), second.output()).to.equal(0);
    expect(second.output()).to.match(/SIGTERM, stopping cleanly/).and.match(/stopped; processed \d+/);
  });

  it('with --exactly-once, leaves exactly one committed result per order on the topic', async () => {
    const count = 300;
    const { topics, figures } = await crashAndRestart(count, ['--exactly-once']);
    expect(figures).to.include({ total_orders: count, reserved: count, pending: 0 });
    // readMessages reads committed data only (kafkajs's default): aborted results are not there.
    const results = await readMessages(suite.kafka, topics.inventory, count, cleanup);
    // Give a duplicate every chance to show up before asserting there is none.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(results).to.have.length(count);
    expect(new Set(results.map((m) => m.key?.toString())).size).to.equal(count);
  });
});
