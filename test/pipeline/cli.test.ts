import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DriverAdmin } from '../../clients/driver.js';
import type { Figures, MetricsDocument } from '../../pipeline/analytics/figures.js';
import { runCli, startCli } from '../helpers/cli.js';
import { testClient } from '../helpers/drivers.js';
import { Cleanup, testBrokers, uniqueName, waitFor } from '../helpers/kafka.js';
import { decodeOrderPlaced } from '../../pipeline/contracts/codec.js';
import { createPipelineTopics, headerText, readMessages } from '../helpers/pipeline.js';
import { tempDir } from '../helpers/processes.js';
import { promtoolCheckMetrics } from '../helpers/promtool.js';

describe('pipeline command lines (as a user runs them)', function () {
  this.timeout(90_000);
  const cleanup = new Cleanup();
  let admin: DriverAdmin;

  let ready = false;

  before(async () => {
    admin = await (await testClient('kafkajs', 'cli-test')).admin();
    ready = true;
  });
  afterEach(() => cleanup.run());
  after(() => (ready ? admin.close() : undefined));

  const bad: [string, string[], RegExp][] = [
    ['pipeline/producer/cli.js', ['--count', '-5'], /^pipeline:producer: --count must be a whole number of at least 1, got -5 \(see --help\)$/],
    ['pipeline/producer/cli.js', ['--count', '5', '--rate', '10', '--delay-ms', '5'], /^pipeline:producer: Arguments rate and delay-ms are mutually exclusive/],
    ['pipeline/inventory/cli.js', ['--failure-rate', '1.5'], /^pipeline:inventory: --failure-rate must be a number from 0 to 1, got 1\.5 \(see --help\)$/],
    ['pipeline/inventory/cli.js', ['--transient-error-rate', 'lots'], /^pipeline:inventory: --transient-error-rate must be a number from 0 to 1/],
    ['pipeline/analytics/cli.js', ['--http-port', '70000'], /^pipeline:analytics: --http-port must be a whole number from 0 to 65535, got 70000/],
    ['pipeline/api/cli.js', ['--colour', 'blue'], /^pipeline:api: Unknown argument: colour/],
    ['pipeline/producer/cli.js', ['--count', '5', '--encoding', 'xml'], /^pipeline:producer: Invalid values: Argument: encoding, Given: "xml", Choices: "json", "avro" \(see --help\)$/],
    ['pipeline/api/cli.js', ['--encoding', 'protobuf'], /^pipeline:api: Invalid values: Argument: encoding, Given: "protobuf", Choices: "json", "avro" \(see --help\)$/],
    ['pipeline/inventory/cli.js', ['--driver', 'rdkafka'], /^pipeline:inventory: Invalid values: Argument: driver, Given: "rdkafka", Choices: "kafkajs", "platformatic", "confluent" \(see --help\)$/],
  ];
  for (const [script, args, expected] of bad) {
    it(`${script} ${args.join(' ')}: one line naming the flag, exit 2`, async () => {
      const result = await runCli(script, args);
      expect(result.code).to.equal(2);
      expect(result.stderr.trim()).to.match(expected);
      expect(result.stderr.trim().split('\n')).to.have.length(1);
    });
  }

  it('pipeline:producer publishes N orders and prints a summary', async () => {
    const topics = await createPipelineTopics(admin, cleanup);
    const brokers = (await testBrokers()).join(',');
    const result = await runCli('pipeline/producer/cli.js', ['--brokers', brokers, '--order-topic', topics.orders, '--dlq-topic', topics.deadLetter, '--count', '250', '--seed', '77']);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout.trim()).to.match(new RegExp(`^sent 250 of 250 orders \\(json\\) to ${topics.orders} in [\\d.]+ s \\(\\d+ orders/s\\), 0 failed; seed 77$`));
    const offsets = await admin.endOffsets(topics.orders);
    expect(offsets.reduce((sum, p) => sum + p.high, 0)).to.equal(250);
  });

  it('pipeline:producer with EVENT_ENCODING=avro publishes Avro single-object messages that say so', async () => {
    const topics = await createPipelineTopics(admin, cleanup, 1);
    const brokers = (await testBrokers()).join(',');
    const result = await runCli('pipeline/producer/cli.js', ['--brokers', brokers, '--order-topic', topics.orders, '--count', '20', '--seed', '5'], { ...process.env, EVENT_ENCODING: 'avro' });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^sent 20 of 20 orders \(avro\) to /);
    const client = await testClient('kafkajs', 'cli-avro-reader');
    const messages = await readMessages(client, topics.orders, 20, cleanup);
    expect(messages.every((m) => m.value?.subarray(0, 2).toString('hex') === 'c301' && headerText(m, 'content-type') === 'application/avro' && decodeOrderPlaced(m.value, m.headers).ok)).to.equal(true);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`pipeline:producer on ${signal} stops sending, prints its summary of what was acknowledged, and exits ${signal === 'SIGTERM' ? 143 : 130}`, async () => {
      const topics = await createPipelineTopics(admin, cleanup, 1);
      const brokers = (await testBrokers()).join(',');
      const producer = startCli('pipeline/producer/cli.js', ['--brokers', brokers, '--order-topic', topics.orders, '--count', '100000', '--rate', '200'], { ...process.env, CI: 'true' });
      cleanup.add(() => producer.stop('SIGKILL'));
      const onLog = async () => (await admin.endOffsets(topics.orders)).reduce((sum, p) => sum + p.high, 0);
      await waitFor('orders on the topic', async () => ((await onLog()) >= 50 ? true : undefined), 30_000);
      expect(await producer.stop(signal)).to.equal(signal === 'SIGTERM' ? 143 : 130);
      const stdout = producer.stdout();
      const match = /^sent (\d+) of 100000 orders \(json\) to \S+ in [\d.]+ s \(\d+ orders\/s\), 0 failed, stopped by (SIG\w+); seed \d+$/.exec(stdout.trim());
      expect(match, stdout).to.not.equal(null);
      expect(match?.[2]).to.equal(signal);
      const acknowledged = Number(match?.[1]);
      expect(acknowledged).to.be.within(50, 99_999);
      // Every order it counts as sent is on the log, and nothing else: what was in flight was answered before the summary.
      expect(await onLog()).to.equal(acknowledged);
    });
  }

  it('pipeline:analytics refuses an --out it cannot write, in one line (exit 2), before it starts', async () => {
    const scratch = tempDir('analytics-out');
    cleanup.add(() => scratch.remove());
    const file = join(scratch.path, 'a-file');
    writeFileSync(file, '');
    for (const [dir, code] of [[join(file, 'sub'), 'ENOTDIR'], ['/proc/analytics-cannot-write/x', 'ENOENT']] as const) {
      const result = await runCli('pipeline/analytics/cli.js', ['--out', dir, '--brokers', '127.0.0.1:1'], process.env, 20_000);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.equal(`pipeline:analytics: the report folder ${dir} cannot be written (${code}); choose another with --out\n`);
    }
  });

  it('pipeline:analytics writes its figures and stops cleanly on SIGTERM', async () => {
    const topics = await createPipelineTopics(admin, cleanup);
    const brokers = (await testBrokers()).join(',');
    const out = tempDir('analytics-out');
    cleanup.add(() => out.remove());
    const producer = await runCli('pipeline/producer/cli.js', ['--brokers', brokers, '--order-topic', topics.orders, '--dlq-topic', topics.deadLetter, '--count', '40', '--event-time-start', '2026-02-15T10:00:00Z']);
    expect(producer.code, producer.stderr).to.equal(0);

    const analytics = startCli('pipeline/analytics/cli.js', ['--brokers', brokers, '--order-topic', topics.orders, '--inventory-topic', topics.inventory, '--dlq-topic', topics.deadLetter, '--group', uniqueName('analytics'), '--http-port', '0', '--report-every', '40', '--report-interval', '0', '--out', out.path]);
    cleanup.add(() => analytics.stop('SIGKILL'));
    await waitFor('a report of 40 orders', () => (analytics.stdout().includes('orders 40:') ? true : undefined), 30_000);
    const url = /GET (http:\/\/\S+\/metrics)/.exec(analytics.stdout())?.[1] ?? '';
    const document = (await (await fetch(url)).json()) as MetricsDocument;
    expect(document.total_orders).to.equal(40);
    // Read just now: the 40 orders are in the window of processing time, no result yet.
    expect(document.window).to.deep.include({ seconds: 60, orders: 40, reserved: 0, failed: 0, failure_rate: 0 });
    const check = await promtoolCheckMetrics(await (await fetch(`${url}/prometheus`)).text());
    expect(check.code, check.output).to.be.oneOf([0, 3]);
    expect(check.output.split('\n').filter((line) => line.startsWith('analytics_'))).to.deep.equal([]);
    expect(analytics.stdout()).to.match(/last 60 s \(processing time\): 40 orders/);
    expect(await analytics.stop('SIGTERM')).to.equal(0);
    expect(analytics.stdout()).to.include('Analytics, final');
    const figures = JSON.parse(readFileSync(join(out.path, 'metrics.json'), 'utf8')) as Figures;
    expect(figures).to.include({ total_orders: 40, pending: 40 });
    expect(figures.orders_per_minute).to.deep.equal({ '2026-02-15T10:00': 40 });
    expect(readFileSync(join(out.path, 'metrics.txt'), 'utf8')).to.match(/^Analytics, final\n {2}orders 40:/);
  });
});
