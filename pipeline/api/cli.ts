#!/usr/bin/env node
/** npm run pipeline:api -- [--port P] [--encoding json|avro] : the order service, POST /order. */
import { checkNumber, commandLine, exitWithError, onShutdown, parseCommandLine, stageConnection, topicsFrom, validate, withEncodingOption, withKafkaOptions } from '../cli-support.js';
import { ensurePipelineTopics, openStageClient } from '../kafka.js';
import { KafkaOrderSink } from './kafka-sink.js';
import { buildOrderApi } from './server.js';

/** Measured with bench:rest (README, "The REST path"). */
const DEFAULT_LINGER_MS = 0;

const stage = 'pipeline:api';
const args = await parseCommandLine(withEncodingOption(withKafkaOptions(commandLine(stage, '$0 [--port P] [--host H] [--encoding json|avro]', 'The order service: POST /order (a JSON body) publishes an OrderPlaced event in the chosen encoding; GET /health.')))
  .option('port', { type: 'number', default: 3000, describe: 'HTTP port' })
  .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
  .option('send-timeout-ms', { type: 'number', default: 5_000, describe: 'answer 503 when Kafka has not acknowledged an order within this' })
  .option('linger-ms', { type: 'number', default: DEFAULT_LINGER_MS, describe: 'how long an idle service waits for more requests before a send; requests that come while a send is in flight go in the next one anyway (0: the same turn of the event loop)' })
  .option('max-batch', { type: 'number', default: 1_000, describe: 'orders per Kafka send at most' })
  .check((a) =>
    validate(
      checkNumber('port', a.port, { integer: true, min: 0, max: 65535 }),
      checkNumber('send-timeout-ms', a['send-timeout-ms'], { integer: true, min: 1 }),
      checkNumber('linger-ms', a['linger-ms'], { min: 0, max: 1 }),
      checkNumber('max-batch', a['max-batch'], { integer: true, min: 1, max: 100_000 }),
    ),
  ), { scriptName: stage });
try {
  const connection = await stageConnection(args, stage);
  const topics = topicsFrom(args);
  // Few retries: a client waiting on POST /order should hear 503 in seconds, not after minutes.
  const client = await openStageClient(connection, 'order-api', { retries: 2 });
  await ensurePipelineTopics(client, topics, ['orders']);
  const sink = new KafkaOrderSink(client, topics.orders, args.encoding, { lingerMs: args['linger-ms'], maxBatch: args['max-batch'] });
  const app = buildOrderApi({ sink, sendTimeoutMs: args['send-timeout-ms'] });
  await app.listen({ port: args.port, host: args.host });
  onShutdown(stage, async () => {
    await app.close();
    await sink.close();
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : args.port;
  console.log(`${stage}: POST http://${args.host}:${port}/order → ${topics.orders} (${args.encoding}) on ${connection.brokers.join(',')} (${connection.driver})`);
} catch (error) {
  exitWithError(stage, error);
}
