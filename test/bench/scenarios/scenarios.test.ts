import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { KafkaTarget } from '../../../kafka/embedded.js';
import { kafkaJavaTools, localBrokerOptions } from '../../../kafka/local-broker.js';
import { createProgress } from '../../../bench/progress.js';
import type { RunResult, SeriesRecord } from '../../../bench/report/run-result.js';
import { runScenario, type RunOptions } from '../../../bench/runner.js';
import { runBaseline } from '../../../bench/scenarios/baseline.js';
import { runLag } from '../../../bench/scenarios/lag.js';
import { runReplay } from '../../../bench/scenarios/replay.js';
import type { BaselineParams, ClientsParams, ReplayParams, RestParams, ThroughputParams } from '../../../bench/scenarios/params.js';
import { runClients } from '../../../bench/scenarios/clients.js';
import { runRest } from '../../../bench/scenarios/rest.js';
import { installedDrivers } from '../../../clients/registry.js';
import { runThroughput } from '../../../bench/scenarios/throughput.js';
import { spawn } from 'node:child_process';
import { projectRoot } from '../../../kafka/paths.js';
import { testClient } from '../../helpers/drivers.js';
import { testBrokers, uniqueName } from '../../helpers/kafka.js';
import { tempDir } from '../../helpers/processes.js';
import { chromiumPath, inspectReport, launchChromium } from '../../helpers/browser.js';

describe('bench scenarios at a small size (real broker)', function () {
  this.timeout(120_000);
  const out = tempDir('bench-scenarios');
  let options: (name: string) => RunOptions;

  before(async () => {
    const target: KafkaTarget = { brokers: await testBrokers(), origin: 'configured', release: () => Promise.resolve() };
    options = (name) => {
      reports.push(name);
      return { target, driver: 'kafkajs', progress: createProgress(false), keepTopics: false, outDir: join(out.path, name), reportsRoot: out.path, pipeline: { mode: 'internal' }, profile: false };
    };
  });
  /** Every report folder the tests above wrote: the last test opens each report.html in a browser. */
  const reports: string[] = [];
  after(() => out.remove());

  const files = (dir: string): string[] => readdirSync(dir).sort();
  /** A series' samples in time (its totals rows, when it has a row per partition). */
  const timeSamples = (series: SeriesRecord): number => {
    const partition = series.columns.indexOf('partition');
    return partition < 0 ? series.rows.length : series.rows.filter((row) => row[partition] === 'total').length;
  };
  const runJson = (dir: string): RunResult => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunResult;
  const csv = (dir: string, name: string): Record<string, string>[] => parse(readFileSync(join(dir, name), 'utf8'), { columns: true });

  const baseline: BaselineParams = { count: 60, warmup: 10, rate: null, partitions: 3, seed: 1, timeoutS: 60, reference: false, referenceRecords: 500, via: 'kafka', encoding: 'json' };

  it('baseline, one at a time: both latencies for every order, the warm-up left out; the inventory a process of its own', async () => {
    const { result, dir } = await runScenario('baseline', baseline, (context, p) => runBaseline(context, p), options('baseline'));
    expect(result.passed, JSON.stringify(result.checks)).to.equal(true);
    expect(files(dir)).to.deep.equal(['end_to_end.hgrm', 'figures.csv', 'inventory-1.log', 'latency.csv', 'produce_to_ack.hgrm', 'report.html', 'run.json', 'summary.txt']);
    // The stage ran as the command a user runs, in another process, and was stopped cleanly at the end.
    const log = readFileSync(join(dir, 'inventory-1.log'), 'utf8');
    expect(log).to.match(/node pipeline\/inventory\/cli\.js --driver kafkajs/).and.match(/pipeline:inventory: consuming .* \(kafkajs\); GET http/).and.match(/stopped; processed 70:/);
    expect(result.figures).to.include({ orders_sent: 60, orders_failed: 0, results_received: 60 });
    expect(result.warmup).to.deep.equal({ ...result.warmup, messages: 10, excluded_from_figures: true });
    expect(result.histograms.map((h) => [h.name, h.summary.count])).to.deep.equal([['produce_to_ack', 60], ['end_to_end', 60]]);
    const [produce, endToEnd] = result.histograms;
    expect(endToEnd?.summary.p50).to.be.greaterThan(produce?.summary.p50 ?? Infinity);
    expect(runJson(dir)).to.deep.equal(JSON.parse(JSON.stringify(result)));
    expect(result.environment.drivers).to.deep.equal([{ name: 'kafkajs', library: 'kafkajs', version: '2.2.4' }]);
    expect(result.parameters).to.include({ count: 60, warmup: 10, rate: null });
    expect(csv(dir, 'latency.csv').map((row) => row.histogram)).to.deep.equal(['produce_to_ack', 'end_to_end']);
  });

  it('baseline at a rate: latency from intended times, and the send lag as its own figure', async () => {
    const { result } = await runScenario('baseline', { ...baseline, count: 50, warmup: 5, rate: 250, seed: 2 }, (context, p) => runBaseline(context, p), options('baseline-rate'));
    expect(result.passed, JSON.stringify(result.checks)).to.equal(true);
    expect(result.histograms.map((h) => [h.name, h.summary.count])).to.deep.equal([['produce_to_ack', 50], ['end_to_end', 50], ['send_lag', 50]]);
    expect(result.figures.send_lag_p99_ms).to.be.a('number');
  });

  it('baseline --via rest: one request at a time through the REST service, beside the direct path', async () => {
    const { result, dir } = await runScenario('baseline', { ...baseline, count: 30, warmup: 5, via: 'rest' as const }, (context, p) => runBaseline(context, p), options('baseline-rest'));
    expect(result.passed, JSON.stringify(result.checks)).to.equal(true);
    expect(result.histograms.map((h) => [h.name, h.summary.count])).to.deep.equal([['produce_to_ack', 30], ['end_to_end', 30], ['rest_http', 30], ['rest_end_to_end', 30]]);
    const restOverDirect = Number(result.figures.rest_http_p50_ms) - Number(result.figures.produce_to_ack_p50_ms);
    expect(result.figures.rest_p50_over_direct_produce_to_ack_p50_ms).to.be.closeTo(restOverDirect, 0.002);
    expect(readFileSync(join(dir, 'api.log'), 'utf8')).to.match(/pipeline:api: POST http:\/\/127\.0\.0\.1:\d+\/order/);
  });

  it('rest: concurrent POST /order, every 202 exactly one order on the topic and one result', async () => {
    const params: RestParams = { connections: 16, rate: null, count: 600, durationS: 10, warmup: 50, workers: 2, lingerMs: 0, partitions: 3, seed: 1, timeoutS: 60, encoding: 'avro' };
    const { result } = await runScenario('rest', params, runRest, options('rest'));
    expect(result.passed, JSON.stringify(result.checks)).to.equal(true);
    expect(result.figures).to.include({ requests: 600, accepted: 600, status_202: 600, orders_on_topic: 600, results: 600 });
    expect(result.histograms.map((h) => [h.name, h.summary.count])).to.deep.equal([['http', 600], ['order_to_result', 600]]);
  });

  it('rest at a rate: latency from intended times, the send lag apart', async () => {
    const params: RestParams = { connections: 8, rate: 200, count: 200, durationS: 10, warmup: 20, workers: 1, lingerMs: 0.5, partitions: 3, seed: 2, timeoutS: 60, encoding: 'json' };
    const { result } = await runScenario('rest', params, runRest, options('rest-rate'));
    expect(result.passed, JSON.stringify(result.checks)).to.equal(true);
    expect(result.histograms.map((h) => h.name)).to.deep.equal(['http', 'order_to_result', 'send_lag']);
    expect(result.figures.api_linger_ms).to.equal(0.5);
  });

  it("baseline --reference: Kafka's EndToEndLatency on the same broker, and our p99 over its", async function () {
    if (process.env.KAFKA_BROKERS) this.skip();
    const java = await kafkaJavaTools(localBrokerOptions(process.env));
    const { result } = await runScenario('baseline', { ...baseline, count: 30, warmup: 5, reference: true, referenceRecords: 300 }, (context, p) => runBaseline(context, p, java), options('baseline-reference'));
    expect(result.passed, JSON.stringify(result.checks)).to.equal(true);
    expect(result.figures.java_end_to_end_records).to.equal(300);
    const javaP99 = Number(result.figures.java_end_to_end_p99_ms);
    expect(javaP99).to.be.greaterThan(0);
    expect(result.figures.end_to_end_p99_vs_java).to.be.closeTo(Number(result.figures.end_to_end_p99_ms) / javaP99, 0.01);
  });

  it('baseline --pipeline external: measures an inventory started apart, reading only its own results', async () => {
    const admin = await (await testClient('kafkajs', 'external-test')).admin();
    const topics = { orders: uniqueName('ext-orders'), inventory: uniqueName('ext-results'), deadLetter: uniqueName('ext-dlq') };
    await admin.createTopics([{ topic: topics.orders, partitions: 3 }, { topic: topics.inventory, partitions: 3 }, { topic: topics.deadLetter, partitions: 1 }]);
    // Another run's result already on the topic: the bench must not count it.
    const stranger = await (await testClient('kafkajs')).producer({ idempotent: false, acks: 'all', compression: 'none' });
    await stranger.send([{ topic: topics.inventory, key: 'ORD-OTHER', value: '{}', headers: { 'bench-run': 'another-run', 'bench-phase': 'measure', 'bench-intended-us': '1' } }]);
    await stranger.close();
    const brokers = (await testBrokers()).join(',');
    const inventory = spawn(process.execPath, [join(projectRoot(), 'dist/pipeline/inventory/cli.js'), '--driver', 'platformatic', '--brokers', brokers, '--order-topic', topics.orders, '--inventory-topic', topics.inventory, '--dlq-topic', topics.deadLetter, '--group', uniqueName('external-inventory'), '--initial-stock', '100000'], { stdio: 'ignore' });
    try {
      const { result, dir } = await runScenario('baseline', { ...baseline, count: 40, warmup: 5 }, (context, p) => runBaseline(context, p), { ...options('baseline-external'), pipeline: { mode: 'external', orderTopic: topics.orders, inventoryTopic: topics.inventory } });
      expect(result.passed, JSON.stringify(result.checks)).to.equal(true);
      expect(result.figures).to.include({ orders_sent: 40, results_received: 40 });
      expect(files(dir)).to.not.include('inventory-1.log');
      expect(await admin.listTopics()).to.include.members([topics.orders, topics.inventory]);
    } finally {
      inventory.kill('SIGTERM');
      await admin.deleteTopics([topics.orders, topics.inventory, topics.deadLetter]);
      await admin.close();
    }
  });

  const tenK: ThroughputParams = { count: 600, warmup: 30, workers: 2, batchSize: 50, acks: 'all', compression: 'none', partitions: 3, seed: 1, sampleMs: 50, timeoutS: 60, reference: false, javaRecords: 1000, javaWarmupRecords: 100, inventoryInstances: [1], encodings: ['json'] };

  it('10k: worker producers split the count, the stages drain it as processes, nothing is lost; JSON and Avro side by side', async () => {
    const { result, dir } = await runScenario('10k', { ...tenK, encodings: ['json', 'avro'] as const }, (context, p) => runThroughput(context, p), options('10k'));
    expect(result.passed, JSON.stringify(result.checks)).to.equal(true);
    expect(result.checks.map((check) => check.name)).to.deep.equal(['json, 1 inventory: every order sent', 'avro, 1 inventory: every order sent', 'json, 1 inventory: nothing lost', 'avro, 1 inventory: nothing lost']);
    // Avro's orders are about a third of JSON's (docs/DESIGN.md): the same orders, measured apart.
    expect(Number(result.figures.avro_mean_value_bytes)).to.be.greaterThan(0).and.below(Number(result.figures.json_mean_value_bytes) / 2);
    expect(result.figures.avro_over_json_value_bytes).to.be.closeTo(Number(result.figures.avro_mean_value_bytes) / Number(result.figures.json_mean_value_bytes), 0.002);
    expect(result.figures.mean_value_bytes).to.equal(result.figures.json_mean_value_bytes);
    expect(csv(dir, 'encodings.csv').map((row) => [row.encoding, row.mean_value_bytes])).to.deep.equal([['json', String(result.figures.json_mean_value_bytes)], ['avro', String(result.figures.avro_mean_value_bytes)]]);
    expect(result.figures).to.include({ orders_sent: 600, orders_failed: 0, analytics_total_orders: 630, inventory_instances: 1 });
    expect(Object.keys(result.figures).filter((k) => /^worker_\d+_events_per_s$/.test(k))).to.have.length(2);
    expect(result.figures.inventory_1_orders_per_s).to.be.a('number').greaterThan(0);
    expect(result.histograms[0]?.summary.count).to.equal(600);
    const series = csv(dir, 'drain.csv');
    expect(series.at(-1)).to.include({ inventory_lag: '0', analytics_lag: '0' });
    expect(files(dir)).to.include.members(['drain.csv', 'produce_to_ack.hgrm', 'inventory-1.log', 'analytics.log']);
  });

  it('10k --inventory-instances 1,2: the same backlog drained by one process, then by two in one group', async () => {
    const { result, dir } = await runScenario('10k', { ...tenK, count: 400, inventoryInstances: [1, 2] }, (context, p) => runThroughput(context, p), options('10k-scaling'));
    expect(result.passed, JSON.stringify(result.checks)).to.equal(true);
    expect(result.figures.inventory_instances_1_drain_orders_per_s).to.be.a('number').greaterThan(0);
    expect(result.figures.inventory_instances_2_drain_orders_per_s).to.be.a('number').greaterThan(0);
    const scaling = csv(dir, 'inventory_scaling.csv');
    expect(scaling.map((row) => row.instances)).to.deep.equal(['1', '2']);
    expect(scaling[1]?.per_instance_orders_per_s?.split(' / ')).to.have.length(2);
    // Each count ran its own processes: both inventories of the second run logged.
    expect(files(dir)).to.include.members(['inventory-1.log', 'inventory-2.log']);
  });

  it("10k --reference: Kafka's own ProducerPerformance on the same broker, in the same report", async function () {
    // The reference needs Java and the provisioned jars; a user who set KAFKA_BROKERS may have neither.
    if (process.env.KAFKA_BROKERS) this.skip();
    const java = await kafkaJavaTools(localBrokerOptions(process.env));
    const params: ThroughputParams = { ...tenK, count: 300, warmup: 10, workers: 1, batchSize: 100, acks: 'leader', partitions: 1, timeoutS: 90, reference: true, javaRecords: 20_000, javaWarmupRecords: 5_000 };
    const { result } = await runScenario(
      '10k',
      params,
      (context, p) => runThroughput(context, p, java),
      options('10k-reference'),
    );
    expect(result.passed, JSON.stringify(result.checks)).to.equal(true);
    expect(result.figures.java_steady_records).to.equal(20_000);
    expect(result.figures.java_produce_events_per_s).to.be.greaterThan(0);
    expect(result.figures.java_produce_tuned_events_per_s).to.be.greaterThan(0);
    const best = Math.max(Number(result.figures.java_produce_events_per_s), Number(result.figures.java_produce_tuned_events_per_s));
    const share = Number(result.figures.produce_events_per_s) / best;
    expect(result.figures.driver_share_of_java).to.be.closeTo(share, 0.01);
  });

  it('clients: every driver produces, reads back and sends at a rate, beside the Java tools', async function () {
    if (process.env.KAFKA_BROKERS) this.skip();
    const java = await kafkaJavaTools(localBrokerOptions(process.env));
    const drivers = await installedDrivers();
    const params: ClientsParams = { drivers, count: 3_000, warmup: 200, workers: 1, batchSize: 500, inFlight: 4, rate: 500, latencyCount: 200, partitions: 3, seed: 1, timeoutS: 120, reference: true, javaRecords: 20_000, javaWarmupRecords: 5_000, encoding: 'json' };
    const { result, dir } = await runScenario('clients', params, (context, p) => runClients(context, p, java), options('clients'));
    expect(result.passed, JSON.stringify(result.checks)).to.equal(true);
    expect(result.environment.drivers.map((d) => d.name)).to.deep.equal(drivers);
    for (const driver of drivers) {
      for (const figure of ['produce_events_per_s', 'produce_acks1_events_per_s', 'consume_events_per_s', 'produce_to_ack_p99_ms']) expect(result.figures[`${driver}_${figure}`], `${driver}_${figure}`).to.be.a('number').greaterThan(0);
    }
    for (const figure of ['java_produce_events_per_s', 'java_produce_tuned_events_per_s', 'java_consume_events_per_s']) expect(result.figures[figure], figure).to.be.a('number').greaterThan(0);
    const best = drivers.reduce((a, b) => (Number(result.figures[`${a}_produce_events_per_s`]) >= Number(result.figures[`${b}_produce_events_per_s`]) ? a : b));
    expect(result.figures.best_driver).to.equal(best);
    const javaBest = Math.max(Number(result.figures.java_produce_events_per_s), Number(result.figures.java_produce_tuned_events_per_s));
    expect(result.figures.best_driver_share_of_java).to.be.closeTo(Number(result.figures[`${best}_produce_events_per_s`]) / javaBest, 0.002);
    expect(csv(dir, 'clients.csv').map((row) => row.client?.split(' ')[0])).to.deep.equal([...drivers, 'Java', 'Java']);
    expect(readFileSync(join(dir, 'summary.txt'), 'utf8')).to.include('drivers and Java references');
  });

  it('lag: rises while the producer outruns the throttled consumer, then comes back to zero', async () => {
    const { result, dir } = await runScenario('lag', { rate: 150, durationS: 1.5, throttleMs: 15, sampleMs: 100, partitions: 3, seed: 1, timeoutS: 60, encoding: 'json' }, runLag, options('lag'));
    expect(result.passed, JSON.stringify(result.checks)).to.equal(true);
    expect(result.figures.max_total_lag).to.be.greaterThan(0);
    const totals = csv(dir, 'lag.csv').filter((row) => row.partition === 'total');
    expect(Math.max(...totals.map((row) => Number(row.lag)))).to.equal(result.figures.max_total_lag);
    expect(totals.at(-1)).to.include({ phase: 'draining', lag: '0' });
    expect(new Set(csv(dir, 'lag.csv').map((row) => row.partition))).to.deep.equal(new Set(['0', '1', '2', 'total']));
  });

  const replay: ReplayParams = { count: 300, seed: 3, failureRate: 0.1, transientErrorRate: 0.4, initialStock: 40, partitions: 3, timeoutS: 60, encoding: 'json' };
  for (const [encoding, malformed] of [['json', 3], ['avro', 5]] as const) {
    it(`replay, ${encoding}: the first pass, the pass after an offset reset and a fresh group agree byte for byte`, async () => {
      const { result } = await runScenario('replay', { ...replay, encoding }, runReplay, options(`replay-${encoding}`));
      expect(result.passed, JSON.stringify(result.checks)).to.equal(true);
      expect(result.figures).to.include({ identical: true, total_orders: 300, pending: 0, malformed });
      const documents = result.documents ?? {};
      expect(documents.after_offset_reset).to.deep.equal(documents.first_pass);
      expect(documents.fresh_group).to.deep.equal(documents.first_pass);
      expect(result.figures.dead_lettered).to.be.greaterThan(0);
    });
  }
  it("every scenario's report.html draws in a real browser: no errors, every chart's lines and axes, a screenshot", async function () {
    const executable = chromiumPath();
    if (!executable) {
      // CI installs chromium (.ci/run) and requires this test; elsewhere it says why it skipped.
      if (process.env.REQUIRE_BROWSER) throw new Error('REQUIRE_BROWSER is set but no chromium was found (apt-get install chromium, or set CHROMIUM_PATH)');
      this.skip();
    }
    expect(reports).to.include.members(['baseline', 'baseline-rate', 'rest', '10k', 'lag', 'replay-json', 'replay-avro']);
    const browser = await launchChromium(executable);
    const screenshots = join(projectRoot(), 'reports', 'browser-test');
    try {
      for (const name of reports) {
        const dir = join(out.path, name);
        const page = await inspectReport(browser, join(dir, 'report.html'), join(screenshots, `${name}.png`));
        expect(page.errors, name).to.deep.equal([]);
        expect(page.charts.length, `${name}: every chart box drawn`).to.equal(page.chartBoxes);
        const run = runJson(dir);
        const expected = [...(run.histograms.length > 0 ? ['latency-percentiles'] : []), ...(run.tables?.some((t) => t.name === 'clients') ? ['clients'] : []), ...run.series.flatMap((s) => [`${s.name}-lag`, ...(timeSamples(s) >= 3 ? [`${s.name}-throughput`] : [])])];
        expect(page.charts.map((c) => c.id), name).to.deep.equal(expected);
        for (const chart of page.charts) {
          const what = `${name} ${chart.id}`;
          expect(chart.plotPixels, `${what}: lines or bars drawn`).to.be.greaterThan(50);
          expect(chart.yAxisPixels, `${what}: y axis ticks and label drawn`).to.be.greaterThan(50);
          expect(chart.xAxisPixels, `${what}: x axis ticks and label drawn`).to.be.greaterThan(50);
          expect(chart.axisLabels.every((label) => label.length > 0), `${what}: axis labels ${chart.axisLabels.join(', ')}`).to.equal(true);
          expect(chart.legend.length, `${what}: a legend`).to.be.greaterThan(0);
        }
        expect(page.text).to.include(run.passed ? 'PASSED' : 'FAILED');
        const legend = page.charts.find((c) => c.id === 'latency-percentiles')?.legend ?? [];
        expect(legend, name).to.include.members(run.histograms.map((h) => h.name));
        if (typeof run.figures.java_end_to_end_p99_ms === 'number') expect(legend, name).to.include('Java EndToEndLatency');
      }
    } finally {
      await browser.close();
    }
  });
});
