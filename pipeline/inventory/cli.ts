#!/usr/bin/env node
/** npm run pipeline:inventory -- [--throttle-ms T] [--failure-rate F] [--transient-error-rate E] */
import { DEFAULT_GROUPS } from '../contracts/topics.js';
import { checkNumber, commandLine, exitOnCrash, exitWithError, isInteractive, onShutdown, parseCommandLine, stageConnection, topicsFrom, validate, withConsumerOptions, withKafkaOptions, withStateOption, consumerSettings } from '../cli-support.js';
import { openStageClient } from '../kafka.js';
import { errorText } from '../../clients/errors.js';
import { buildInventoryServer } from './http.js';
import { DEFAULT_EVENT_TIME_WINDOW_S, MAX_EVENT_WINDOW_S } from '../contracts/limits.js';
import { InventoryService } from './service.js';

const stage = 'pipeline:inventory';
const args = await parseCommandLine(withStateOption(withConsumerOptions(withKafkaOptions(
  commandLine(stage, '$0 [--throttle-ms T] [--failure-rate F] [--transient-error-rate E]', 'The inventory consumer: reserves stock for each order, until stopped (SIGINT/SIGTERM).'),
), DEFAULT_GROUPS.inventory))
  .option('initial-stock', { type: 'number', default: 100, describe: 'starting stock of every menu item' })
  .option('failure-rate', { type: 'number', default: 0, describe: 'share of orders failed as simulated_failure, 0..1' })
  .option('transient-error-rate', { type: 'number', default: 0, describe: 'chance that a processing attempt throws, 0..1' })
  .option('max-retries', { type: 'number', default: 3, describe: 'retries of a throwing attempt before dead-lettering' })
  .option('retry-backoff-ms', { type: 'number', default: 50, describe: 'backoff before the first retry, doubled each retry' })
  .option('throttle-ms', { type: 'number', default: 0, describe: 'pause before each message (a slow consumer)' })
  .option('exactly-once', { type: 'boolean', default: false, describe: 'commit results and consumed offsets in one Kafka transaction per flush' })
  .option('seed', { type: 'number', default: 1, describe: 'seed of the simulated failures and transient errors' })
  .option('max-event-age-s', { type: 'number', default: DEFAULT_EVENT_TIME_WINDOW_S.maxAge, describe: `dead-letter an order placed more than this many seconds before the stage's clock (event_time_out_of_range); widen it to replay or backfill old orders, up to ${MAX_EVENT_WINDOW_S}` })
  .option('max-event-ahead-s', { type: 'number', default: DEFAULT_EVENT_TIME_WINDOW_S.maxAhead, describe: "dead-letter an order placed more than this many seconds after the stage's clock (event_time_out_of_range)" })
  .option('http-port', { type: 'number', describe: 'serve GET /metrics (the counts as JSON) on this port; 0 picks a free one [default: no server]' })
  .option('http-host', { type: 'string', default: '127.0.0.1', describe: 'address of the metrics server' })
  .check((a) =>
    validate(
      checkNumber('http-port', a['http-port'], { integer: true, min: 0, max: 65535 }),
      checkNumber('initial-stock', a['initial-stock'], { integer: true, min: 0 }),
      checkNumber('failure-rate', a['failure-rate'], { min: 0, max: 1 }),
      checkNumber('transient-error-rate', a['transient-error-rate'], { min: 0, max: 1 }),
      checkNumber('max-retries', a['max-retries'], { integer: true, min: 0, max: 100 }),
      checkNumber('retry-backoff-ms', a['retry-backoff-ms'], { min: 0 }),
      checkNumber('throttle-ms', a['throttle-ms'], { min: 0 }),
      checkNumber('seed', a.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }),
      checkNumber('max-event-age-s', a['max-event-age-s'], { integer: true, min: 1, max: MAX_EVENT_WINDOW_S }),
      checkNumber('max-event-ahead-s', a['max-event-ahead-s'], { integer: true, min: 0, max: MAX_EVENT_WINDOW_S }),
    ),
  ), { scriptName: stage });
try {
  const connection = await stageConnection(args, stage);
  const client = await openStageClient(connection, 'inventory-service');
  const service = new InventoryService(client, {
    topics: topicsFrom(args),
    ...consumerSettings(args),
    initialStock: args['initial-stock'],
    trouble: { seed: args.seed, failureRate: args['failure-rate'], transientErrorRate: args['transient-error-rate'] },
    retry: { maxRetries: args['max-retries'], backoffMs: args['retry-backoff-ms'] },
    throttleMs: args['throttle-ms'],
    exactlyOnce: args['exactly-once'],
    state: args.state,
    onRetry: (what, error) => process.stderr.write(`${stage}: ${what} failed, trying again: ${errorText(error)}\n`),
    onNotice: (text) => process.stderr.write(`${stage}: ${text}\n`),
    eventTimeWindow: { maxAgeMs: args['max-event-age-s'] * 1000, maxAheadMs: args['max-event-ahead-s'] * 1000 },
  });
  const summary = (): string => {
    const s = service.stats;
    return `processed ${s.processed}: ${s.reserved} reserved, ${s.failed} failed, ${s.deadLettered} dead-lettered (${s.retries} retries)`;
  };
  const ticker = setInterval(() => {
    if (isInteractive()) process.stderr.write(`${stage}: ${summary()}\n`);
  }, 5_000);
  const server = args['http-port'] === undefined ? undefined : buildInventoryServer(() => service.stats);
  await server?.listen({ port: args['http-port'], host: args['http-host'] });
  onShutdown(stage, async () => {
    clearInterval(ticker);
    await service.stop();
    await server?.close();
    console.log(`${stage}: stopped; ${summary()}`);
  });
  service.onCrash(exitOnCrash(stage));
  await service.start();
  const address = server?.server.address();
  const metrics = typeof address === 'object' && address !== null ? `; GET http://${args['http-host']}:${address.port}/metrics` : '';
  const state = service.stateful ? `; state restored from ${service.changelog}: ${service.restoredRecords} decisions` : '; state in memory';
  console.log(`${stage}: consuming ${args['order-topic']} as group ${args.group} on ${connection.brokers.join(',')} (${connection.driver})${metrics}${state}`);
} catch (error) {
  exitWithError(stage, error);
}
