#!/usr/bin/env node
/** npm run pipeline:analytics -- [--http-port P] [--report-interval S] [--out DIR] */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_GROUPS } from '../contracts/topics.js';
import { checkNumber, commandLine, consumerSettings, exitOnCrash, exitWithError, onShutdown, parseCommandLine, stageConnection, topicsFrom, validate, withConsumerOptions, withKafkaOptions, withStateOption } from '../cli-support.js';
import { openStageClient } from '../kafka.js';
import { metricsJson } from './figures.js';
import { buildMetricsServer } from './http.js';
import { createMetricsExposition } from './prometheus.js';
import { prepareWritableDir } from '../output-dir.js';
import { renderReport } from './report.js';
import { AnalyticsService } from './service.js';

const stage = 'pipeline:analytics';
const args = await parseCommandLine(withStateOption(withConsumerOptions(withKafkaOptions(
  commandLine(stage, '$0 [--http-port P] [--report-interval S] [--report-every N] [--out DIR]', 'The analytics consumer: figures from orders and results, GET /metrics, until stopped.'),
), DEFAULT_GROUPS.analytics))
  .option('http-port', { type: 'number', default: 8080, describe: 'port of GET /metrics; 0 picks a free one' })
  .option('http-host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
  .option('report-interval', { type: 'number', default: 10, describe: 'print a report (with the rolling window) every S seconds (0: off)' })
  .option('report-every', { type: 'number', default: 0, describe: 'also print a report every N messages (0: off)' })
  .option('out', { type: 'string', describe: 'write the figures to DIR/metrics.json and DIR/metrics.txt at each report' })
  .option('window-sec', { type: 'number', default: 60, describe: 'the rolling window of processing time that the window figures cover, seconds' })
  .check((a) =>
    validate(
      checkNumber('window-sec', a['window-sec'], { min: 1, max: 3600 }),
      checkNumber('http-port', a['http-port'], { integer: true, min: 0, max: 65535 }),
      checkNumber('report-interval', a['report-interval'], { min: 0 }),
      checkNumber('report-every', a['report-every'], { integer: true, min: 0 }),
    ),
  ), { scriptName: stage });

function report(service: AnalyticsService, title: string): void {
  const [figures, window] = [service.figures(), service.window()];
  const text = renderReport(figures, title, window);
  process.stdout.write(text);
  if (args.out) {
    writeFileSync(join(args.out, 'metrics.json'), metricsJson(figures, window));
    writeFileSync(join(args.out, 'metrics.txt'), text);
  }
}

try {
  // A folder the reports could not be written to is found now, not at the first report: a bad flag value, exit 2.
  if (args.out) prepareWritableDir(args.out, '--out');
} catch (error) {
  exitWithError(stage, error, 2);
}
try {
  const connection = await stageConnection(args, stage);
  const client = await openStageClient(connection, 'analytics-service');
  const prometheus = createMetricsExposition({ figures: () => service.figures(), window: () => service.window(), consumed: () => service.consumed() });
  const service: AnalyticsService = new AnalyticsService(client, {
    topics: topicsFrom(args),
    ...consumerSettings(args),
    windowSeconds: args['window-sec'],
    state: args.state,
    reportEveryMessages: args['report-every'],
    onReport: () => {
      report(service, `Analytics at ${new Date().toISOString()}`);
    },
    onResult: (result) => {
      prometheus.observe(result);
    },
    onNotice: (text) => process.stderr.write(`${stage}: ${text}\n`),
  });
  const server = buildMetricsServer(() => service.figures(), () => service.window(), prometheus);
  await server.listen({ port: args['http-port'], host: args['http-host'] });
  const ticker = args['report-interval'] > 0 ? setInterval(() => { report(service, `Analytics at ${new Date().toISOString()}`); }, args['report-interval'] * 1000) : undefined;
  onShutdown(stage, async () => {
    clearInterval(ticker);
    await service.stop();
    await server.close();
    report(service, 'Analytics, final');
  });
  service.onCrash(exitOnCrash(stage));
  await service.start();
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : args['http-port'];
  const state = args.state === 'changelog' ? `; state restored from ${service.changelog}: ${service.restoredRecords} records` : '; state in memory';
  console.log(`${stage}: consuming as group ${args.group} on ${connection.brokers.join(',')} (${connection.driver}); GET http://${args['http-host']}:${port}/metrics${state}`);
} catch (error) {
  exitWithError(stage, error);
}
