import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DriverAdmin, KafkaClient } from '../../clients/driver.js';
import { projectRoot } from '../../kafka/paths.js';
import { parseInventoryResult } from '../../pipeline/contracts/events.js';
import type { PipelineTopics } from '../../pipeline/contracts/topics.js';
import { envWithout, runCli } from '../helpers/cli.js';
import { EVENT_TIME_START } from '../helpers/fixtures.js';
import { testClient } from '../helpers/drivers.js';
import { Cleanup, testBrokers, uniqueName, waitFor } from '../helpers/kafka.js';
import { createPipelineTopics, readMessages } from '../helpers/pipeline.js';
import { tempDir } from '../helpers/processes.js';

/** Every variable a stage reads, so that a test's own environment configures nothing by accident. */
const STAGE_VARIABLES = ['KAFKA_BROKERS', 'BOOTSTRAP_SERVERS', 'BROKERS', 'ORDER_TOPIC', 'INVENTORY_TOPIC', 'DLQ_TOPIC', 'PARTITIONS', 'GROUP', 'GROUP_ID', 'FAILURE_RATE', 'FAIL_RATE', 'THROTTLE_MS', 'HTTP_PORT', 'HTTP_HOST', 'INITIAL_STOCK', 'SEED', 'ENV_FILE', 'AUTO_OFFSET_RESET', 'GROUP_INSTANCE_ID', 'KAFKA_DRIVER', 'DRIVER'];

interface InventoryCounts {
  readonly processed: number;
  readonly reserved: number;
  readonly failed: number;
}

/** Starts pipeline:inventory as a user would, waits for its GET /metrics line, and stops it at cleanup. */
async function startInventoryProcess(args: string[], env: NodeJS.ProcessEnv, cleanup: Cleanup): Promise<string> {
  const child = spawn(process.execPath, [join(projectRoot(), 'dist/pipeline/inventory/cli.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exit = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  cleanup.add(async () => {
    child.kill('SIGTERM');
    await exit;
  });
  return waitFor(`the inventory's metrics line (${output})`, () => /GET (http:\/\/\S+\/metrics)/.exec(output)?.[1], 30_000);
}

async function counts(url: string): Promise<InventoryCounts> {
  return (await (await fetch(url)).json()) as InventoryCounts;
}

/** order_id → status/reason of every result on the topic. */
async function outcomes(client: KafkaClient, topic: string, count: number, cleanup: Cleanup): Promise<Map<string, string>> {
  const messages = await readMessages(client, topic, count, cleanup);
  const map = new Map<string, string>();
  for (const message of messages) {
    const parsed = parseInventoryResult(message.value);
    if (parsed.ok) map.set(parsed.value.order_id, `${parsed.value.status}/${String(parsed.value.reason)}`);
  }
  return map;
}

describe('flags from the environment and from env files (as a user runs the commands)', function () {
  this.timeout(120_000);
  const cleanup = new Cleanup();
  let admin: DriverAdmin;
  let client: KafkaClient;

  before(async () => {
    client = await testClient('platformatic', 'environment-test');
    admin = await client.admin();
  });
  afterEach(() => cleanup.run());
  after(async () => {
    await admin.close();
  });

  async function produce(topics: PipelineTopics, count: number, seed = 21): Promise<void> {
    const brokers = (await testBrokers()).join(',');
    const result = await runCli('pipeline/producer/cli.js', ['--brokers', brokers, '--order-topic', topics.orders, '--count', String(count), '--seed', String(seed), '--event-time-start', EVENT_TIME_START.toISOString()], envWithout(...STAGE_VARIABLES));
    expect(result.code, result.stderr).to.equal(0);
  }

  it("the inventory configured only by an env file in the seed stack's names does what the same flags do", async () => {
    const brokers = (await testBrokers()).join(',');
    const [byFile, byFlags] = [await createPipelineTopics(admin, cleanup), await createPipelineTopics(admin, cleanup)];
    await produce(byFile, 200);
    await produce(byFlags, 200);
    const dir = tempDir('env-file');
    cleanup.add(() => dir.remove());
    const file = join(dir.path, 'inventory.env');
    writeFileSync(
      file,
      [
        '# the seed stack inventory/.env',
        `BOOTSTRAP_SERVERS=${brokers}`,
        `ORDER_TOPIC=${byFile.orders}`,
        `INVENTORY_TOPIC=${byFile.inventory}`,
        `DLQ_TOPIC="${byFile.deadLetter}"`,
        `GROUP_ID=${uniqueName('inventory')}`,
        'AUTO_OFFSET_RESET=earliest',
        'FAIL_RATE=0.5',
        'THROTTLE_MS=1',
        'INITIAL_STOCK=1000000',
        'HTTP_PORT=0',
        '',
      ].join('\n'),
    );
    const fromFile = await startInventoryProcess(['--env-file', file], envWithout(...STAGE_VARIABLES), cleanup);
    // The flags, over a variable that says otherwise: the flag wins.
    const fromFlags = await startInventoryProcess(
      ['--brokers', brokers, '--order-topic', byFlags.orders, '--inventory-topic', byFlags.inventory, '--dlq-topic', byFlags.deadLetter, '--group', uniqueName('inventory'), '--failure-rate', '0.5', '--throttle-ms', '1', '--initial-stock', '1000000', '--http-port', '0'],
      { ...envWithout(...STAGE_VARIABLES), FAIL_RATE: '0.9' },
      cleanup,
    );
    const [a, b] = await Promise.all([fromFile, fromFlags].map((url) => waitFor('200 orders processed', async () => { const c = await counts(url); return c.processed === 200 ? c : undefined; }, 60_000)));
    expect(a).to.deep.include({ processed: 200, reserved: b?.reserved, failed: b?.failed });
    // FAIL_RATE=0.5 took: about half failed (seeded by order_id: the same orders fail both ways).
    expect(a?.failed).to.be.within(60, 140);
    const [fileOutcomes, flagOutcomes] = await Promise.all([outcomes(client, byFile.inventory, 200, cleanup), outcomes(client, byFlags.inventory, 200, cleanup)]);
    expect(fileOutcomes.size).to.equal(200);
    expect([...fileOutcomes].sort()).to.deep.equal([...flagOutcomes].sort());
  });

  it('--auto-offset-reset latest: a group with no committed offsets starts at the end', async () => {
    const brokers = (await testBrokers()).join(',');
    const topics = await createPipelineTopics(admin, cleanup, 1);
    await produce(topics, 50);
    const before = new Set((await outcomesOfOrders(topics, 50)).keys());
    const group = uniqueName('inventory');
    const url = await startInventoryProcess(['--brokers', brokers, '--order-topic', topics.orders, '--inventory-topic', topics.inventory, '--dlq-topic', topics.deadLetter, '--group', group, '--http-port', '0', '--initial-stock', '1000000'], { ...envWithout(...STAGE_VARIABLES), AUTO_OFFSET_RESET: 'latest' }, cleanup);
    await waitFor('the group to be stable', async () => ((await admin.describeGroup(group)).state === 'Stable' ? true : undefined), 30_000);
    // More orders until the inventory has processed some: it may have looked up the end before or after a send.
    let seed = 100;
    await waitFor('orders after the start processed', async () => {
      // Other seeds, other order ids.
      await produce(topics, 5, (seed += 1));
      return (await counts(url)).processed > 0 ? true : undefined;
    }, 60_000);
    const processed = (await counts(url)).processed;
    const results = await outcomes(client, topics.inventory, processed, cleanup);
    expect(processed).to.be.below(50 + 5 * 12);
    expect([...results.keys()].filter((id) => before.has(id))).to.deep.equal([]);
  });

  /** The order ids on the order topic (read back), keyed. */
  async function outcomesOfOrders(topics: PipelineTopics, count: number): Promise<Map<string, true>> {
    const messages = await readMessages(client, topics.orders, count, cleanup);
    return new Map(messages.map((m) => [m.key?.toString() ?? '', true]));
  }

  const bad: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ['pipeline/inventory/cli.js', [], { FAIL_RATE: '1.5' }, /^pipeline:inventory: FAIL_RATE must be a number from 0 to 1, got 1\.5 \(see --help\)$/],
    ['pipeline/inventory/cli.js', [], { THROTTLE_MS: 'slow' }, /^pipeline:inventory: THROTTLE_MS must be a number, got "slow" \(see --help\)$/],
    ['pipeline/inventory/cli.js', [], { AUTO_OFFSET_RESET: 'middle' }, /^pipeline:inventory: AUTO_OFFSET_RESET must be one of earliest, latest, got "middle" \(see --help\)$/],
    ['pipeline/inventory/cli.js', [], { BOOTSTRAP_SERVERS: 'kafka' }, /^pipeline:inventory: BOOTSTRAP_SERVERS must be host:port\[,host:port\.\.\.\] \(port 1-65535\), got "kafka" \(see --help\)$/],
    ['pipeline/inventory/cli.js', [], { EXACTLY_ONCE: 'perhaps' }, /^pipeline:inventory: EXACTLY_ONCE must be true or false, got "perhaps" \(see --help\)$/],
    ['pipeline/analytics/cli.js', [], { WINDOW_SEC: '0' }, /^pipeline:analytics: WINDOW_SEC must be a number from 1 to 3600, got 0 \(see --help\)$/],
    ['pipeline/analytics/cli.js', [], { REPORT_INTERVAL_SEC: '-1' }, /^pipeline:analytics: REPORT_INTERVAL_SEC must be a number of at least 0, got -1 \(see --help\)$/],
    ['pipeline/analytics/cli.js', [], { HTTP_PORT: '70000' }, /^pipeline:analytics: HTTP_PORT must be a whole number from 0 to 65535, got 70000 \(see --help\)$/],
    ['pipeline/producer/cli.js', [], { TOTAL_EVENTS: '0' }, /^pipeline:producer: TOTAL_EVENTS must be a whole number of at least 1, got 0 \(see --help\)$/],
    ['pipeline/producer/cli.js', ['--count', '5'], { SLEEP_MS: '-3' }, /^pipeline:producer: SLEEP_MS must be a number of at least 0, got -3 \(see --help\)$/],
    ['pipeline/api/cli.js', [], { PORT: 'eighty' }, /^pipeline:api: PORT must be a number, got "eighty" \(see --help\)$/],
    ['pipeline/inventory/cli.js', [], { ENV_FILE: '/nonexistent/inventory.env' }, /^pipeline:inventory: ENV_FILE \/nonexistent\/inventory\.env cannot be read \(ENOENT\) \(see --help\)$/],
    // The flag wins: its own bad value is named as the flag.
    ['pipeline/inventory/cli.js', ['--failure-rate', '2'], { FAIL_RATE: '0.5' }, /^pipeline:inventory: --failure-rate must be a number from 0 to 1, got 2 \(see --help\)$/],
    // A variable of a flag the scenario does not take is not the bench's business; --count is checked.
    ['bench/cli.js', ['replay', '--count', '0'], { THROTTLE_MS: 'slow' }, /^bench: --count must be a whole number of at least 1, got 0 \(see --help\)$/],
    ['bench/cli.js', ['lag'], { DURATION: '0' }, /^bench: DURATION must be a number above 0, got 0 \(see --help\)$/],
  ];
  for (const [script, args, env, expected] of bad) {
    it(`${Object.entries(env).map(([k, v]) => `${k}=${String(v)}`).join(' ')} ${script} ${args.join(' ')}: one line naming the variable, exit 2`, async () => {
      const result = await runCli(script, args, { ...envWithout(...STAGE_VARIABLES), ...env });
      expect(result.stderr.trim()).to.match(expected);
      expect(result.code).to.equal(2);
    });
  }

  it('--help names the variables of every flag', async () => {
    const result = await runCli('pipeline/inventory/cli.js', ['--help']);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.match(/--failure-rate +FAILURE_RATE, FAIL_RATE\n/);
    expect(result.stdout).to.match(/--brokers +BROKERS, KAFKA_BROKERS, BOOTSTRAP_SERVERS\n/);
    expect(result.stdout).to.match(/--group-instance-id +GROUP_INSTANCE_ID\n/);
  });

  it('--group-instance-id with a driver that has no static membership: refused in one line before connecting', async () => {
    const result = await runCli('pipeline/inventory/cli.js', ['--driver', 'kafkajs', '--group-instance-id', 'inventory-1', '--brokers', '127.0.0.1:1'], envWithout(...STAGE_VARIABLES));
    expect(result.code).to.equal(2);
    expect(result.stderr.trim()).to.equal('pipeline:inventory: --group-instance-id needs static membership, which the kafkajs driver does not have; use --driver platformatic or confluent (see --help)');
  });
});
