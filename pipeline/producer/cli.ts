#!/usr/bin/env node
/** npm run pipeline:producer -- --count N [--rate R | --delay-ms D] [--seed S] [--encoding json|avro] */
import { randomInt } from 'node:crypto';
import { checkNumber, commandLine, exitWithError, isInteractive, onShutdown, parseCommandLine, signalExitCode, stageConnection, topicsFrom, validate, withEncodingOption, withKafkaOptions, type ShutdownSignal } from '../cli-support.js';
import { ensurePipelineTopics, openStageClient } from '../kafka.js';
import { fixedSchedule, OrderGenerator, wallClock } from './order-generator.js';
import { OrderPublisher } from './order-producer.js';
import { produceOrders, type Pacing } from './produce-orders.js';

const stage = 'pipeline:producer';
/** --rate and --delay-ms exclude each other: the one on the command line wins over the other's variable. */
const PACINGS = ['rate', 'delay-ms'];

const args = await parseCommandLine(withEncodingOption(withKafkaOptions(commandLine(stage, '$0 --count N [--rate R | --delay-ms D] [--seed S] [--encoding json|avro]', 'Publishes N OrderPlaced events and exits with a summary.')))
  .option('count', { type: 'number', demandOption: true, describe: 'how many orders to publish' })
  .option('rate', { type: 'number', describe: 'orders per second (a fixed schedule); default: as fast as acks allow' })
  .option('delay-ms', { type: 'number', describe: 'wait this long between single-order sends' })
  .option('batch-size', { type: 'number', default: 500, describe: 'orders per send when neither --rate nor --delay-ms is given' })
  .option('seed', { type: 'number', describe: 'the same seed gives the same orders [default: random, printed]' })
  .option('event-time-start', { type: 'string', describe: 'placed_at of the first order (ISO 8601), for reproducible figures; default: the wall clock' })
  .option('event-time-step-ms', { type: 'number', default: 100, describe: 'placed_at step between orders with --event-time-start' })
  .conflicts('rate', 'delay-ms')
  .check((a) =>
    validate(
      checkNumber('count', a.count, { integer: true, min: 1 }),
      checkNumber('rate', a.rate, { min: 0, exclusiveMin: true }),
      checkNumber('delay-ms', a['delay-ms'], { min: 0 }),
      checkNumber('batch-size', a['batch-size'], { integer: true, min: 1, max: 100_000 }),
      checkNumber('seed', a.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }),
      checkNumber('event-time-step-ms', a['event-time-step-ms'], { min: 0 }),
      a['event-time-start'] !== undefined && Number.isNaN(Date.parse(a['event-time-start'])) ? { flag: 'event-time-start', text: `must be an ISO 8601 time, got ${a['event-time-start']}` } : undefined,
    ),
  ), { scriptName: stage, applies: (flag, _positionals, given) => !PACINGS.includes(flag) || !PACINGS.some((pacing) => given.has(pacing)) });

const seed = args.seed ?? randomInt(2 ** 32 - 1);
const pacing: Pacing = args.rate !== undefined ? { kind: 'rate', perSecond: args.rate } : args['delay-ms'] !== undefined ? { kind: 'delay', delayMs: args['delay-ms'] } : { kind: 'batch', batchSize: args['batch-size'] };
const topics = topicsFrom(args);

/**
 * Connects, publishes and prints the summary; resolves to the exit code: 0 when every order was
 * acknowledged, 1 when some failed, 128 + the signal's number when a signal stopped it first.
 */
async function run(abort: AbortController, stoppedBy: () => ShutdownSignal | undefined): Promise<number> {
  const connection = await stageConnection(args, stage);
  const client = await openStageClient(connection, 'order-producer');
  await ensurePipelineTopics(client, topics, ['orders']);

  const publisher = await OrderPublisher.open(client, topics.orders, args.encoding);
  const generator = new OrderGenerator({ seed, placedAt: args['event-time-start'] ? fixedSchedule(new Date(args['event-time-start']), args['event-time-step-ms']) : wallClock() });
  const showProgress = isInteractive();
  let lastShown = 0;
  const summary = await produceOrders(generator, publisher, {
    count: args.count,
    pacing,
    signal: abort.signal,
    onProgress: (sent, failed) => {
      if (showProgress && performance.now() - lastShown > 250) {
        lastShown = performance.now();
        process.stderr.write(`\r${sent + failed}/${args.count} orders sent…`);
      }
    },
  });
  if (showProgress) process.stderr.write('\r\x1b[K');
  // What was in flight has been answered (produceOrders waits for it); close flushes the rest.
  await publisher.close();
  const signal = stoppedBy();
  console.log(
    `sent ${summary.sent} of ${args.count} orders (${args.encoding}) to ${topics.orders} in ${(summary.elapsedMs / 1000).toFixed(2)} s (${Math.round(summary.ordersPerSecond)} orders/s), ${summary.failed} failed${signal ? `, stopped by ${signal}` : ''}; seed ${seed}`,
  );
  if (summary.firstError) process.stderr.write(`pipeline:producer: first failure: ${summary.firstError}\n`);
  if (signal) return signalExitCode(signal);
  return summary.failed > 0 || summary.sent < args.count ? 1 : 0;
}

const abort = new AbortController();
let stoppedBy: ShutdownSignal | undefined;
const running = run(abort, () => stoppedBy).catch((error: unknown) => exitWithError(stage, error));
// A signal stops the sending; the summary is still printed, and the exit code says it did not finish.
onShutdown(stage, (signal) => {
  stoppedBy = signal;
  abort.abort();
  return running;
});
process.exit(await running);
