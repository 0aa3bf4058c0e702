import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultRecord, RunResult } from '../../../bench/report/run-result.js';
import { chromiumPath, inspectReport, launchChromium } from '../../helpers/browser.js';
import { envWithout, runCli } from '../../helpers/cli.js';
import { freePortRun } from '../../helpers/kafka.js';
import { tempDir } from '../../helpers/processes.js';

/**
 * bench:chaos as a user runs it, on the three-node local cluster it starts itself: one fault of each
 * kind at a small rate. It asserts the accounting, never the timings (a loaded machine moves them).
 */
describe('bench chaos on a three-node local cluster (real brokers)', function () {
  this.timeout(420_000);
  const dir = tempDir('chaos');
  let env: NodeJS.ProcessEnv | undefined;

  before(async function () {
    // Its faults are signals to the processes of a cluster it starts; a given cluster is not for killing.
    if (process.env.KAFKA_BROKERS) this.skip();
    const port = await freePortRun(6);
    env = { ...envWithout('KAFKA_BROKERS', 'KAFKA_CONTROLLER_PORT', 'KAFKA_NODES'), CI: 'true', KAFKA_LOCAL_DIR: join(dir.path, 'kafka'), KAFKA_PORT: String(port), KAFKA_HEAP: '256m' };
  });
  after(async () => {
    // The bench stops the cluster it started; this is for a bench killed by the timeout.
    if (env) await runCli('kafka/cli.js', ['down', '--nodes', '3'], env);
    await dir.remove();
  });

  it('--exactly-once through a leader kill, an inventory kill and a broker pause: every acknowledged order has exactly one committed result', async () => {
    const out = join(dir.path, 'report');
    // The default driver, as the README's command runs it (kafkajs passed this test in its earlier form).
    const args = ['chaos', '--exactly-once', '--rate', '40', '--duration', '45', '--faults', '8:kill-leader:6,20:kill-inventory,30:pause-broker:12', '--out', out];
    const run = await runCli('bench/cli.js', args, env, 400_000);
    expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
    const result = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunResult;
    const figures = result.figures;
    expect(figures.orders_acknowledged).to.be.greaterThan(1_000);
    expect(figures).to.include({ orders_lost: 0, orders_duplicated: 0, faults_run: 3, faults_skipped: 0 });
    expect(figures.results_committed).to.equal(Number(figures.orders_acknowledged) - Number(figures.orders_dead_lettered) + Number(figures.orders_unacknowledged_with_result));
    const faults = result.faults ?? [];
    expect(faults.map((f: FaultRecord) => f.kind)).to.deep.equal(['kill-leader', 'kill-inventory', 'pause-broker']);
    for (const fault of faults) expect(fault.target).to.not.equal('none');
    expect(result.checks.every((c) => c.passed)).to.equal(true);
    expect(existsSync(join(out, 'faults.csv'))).to.equal(true);
    await expectTimelineDrawn(out);
  });

  /** report.html draws the timeline's two charts, faults marked, in a real browser (CI requires it). */
  async function expectTimelineDrawn(out: string): Promise<void> {
    const executable = chromiumPath();
    if (!executable) {
      if (process.env.REQUIRE_BROWSER) throw new Error('REQUIRE_BROWSER is set but no chromium was found (apt-get install chromium, or set CHROMIUM_PATH)');
      return;
    }
    const browser = await launchChromium(executable);
    try {
      const page = await inspectReport(browser, join(out, 'report.html'), join(out, 'report.png'));
      expect(page.errors).to.deep.equal([]);
      expect(page.charts.map((c) => c.id)).to.include.members(['timeline-throughput', 'timeline-latency']);
      for (const chart of page.charts) expect(chart.plotPixels, chart.id).to.be.greaterThan(50);
    } finally {
      await browser.close();
    }
  }
});
