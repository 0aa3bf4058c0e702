#!/usr/bin/env node
/** npm run bench:collect -- --run-id R [--agents N] [--timeout-s S] [--start-delay-s D] [--out DIR] [--format omb] */
import { join } from 'node:path';
import { errorText } from '../clients/errors.js';
import { openClient } from '../clients/registry.js';
import { parseBrokerList } from '../kafka/cluster.js';
import { acquireKafka, type KafkaTarget } from '../kafka/embedded.js';
import { localBrokerOptions } from '../kafka/local-broker.js';
import { projectRoot } from '../kafka/paths.js';
import { checkBrokers, checkNumber, commandLine, parseCommandLine, validate, withDriverOption } from '../pipeline/cli-support.js';
import { agentRunResult, collectReports } from './agents/collect.js';
import { AGENT_TOPICS } from './agents/messages.js';
import { describeEnvironment } from './report/environment.js';
import { renderSummary } from './report/render.js';
import { defaultReportDir, prepareReportDir, REPORT_FORMATS, writeReport } from './report/write-report.js';

const NAME = 'bench:collect';

const args = await parseCommandLine(
  withDriverOption(commandLine(NAME, '$0 --run-id R [options]', "Reads a run's interval reports from the results topic, merges every load agent's counters and histograms (merged, never averaged), and writes one report folder like a single machine's run (printed last). Exit 1 when an agent is missing, an interval lost, or an order unaccounted for."))
    .option('run-id', { type: 'string', demandOption: true, describe: 'the run the agents made (their --run-id)' })
    .option('agents', { type: 'number', describe: "agents to wait for [as many as the agents' reports say]" })
    .option('brokers', { type: 'string', defaultDescription: 'the local broker', describe: 'Kafka bootstrap servers' })
    .option('results-topic', { type: 'string', default: AGENT_TOPICS.results, describe: 'where the agents report' })
    .option('control-topic', { type: 'string', default: AGENT_TOPICS.control, describe: "where the run's start is announced" })
    .option('timeout-s', { type: 'number', default: 600, describe: "seconds to wait for every agent's final report; then the report shows who is missing" })
    .option('start-delay-s', { type: 'number', describe: "announce the run's start on the control topic, this many seconds from now (agents without --start-at wait for it)" })
    .option('out', { type: 'string', describe: 'report folder [default: reports/<scenario>-<UTC timestamp>]' })
    .option('format', { type: 'string', choices: REPORT_FORMATS, describe: "also write the report in this form: omb, the OpenMessaging Benchmark's result JSON (omb.json)" })
    .check((a) =>
      validate(
        checkBrokers(a.brokers),
        checkNumber('agents', a.agents, { integer: true, min: 1, max: 10_000 }),
        checkNumber('timeout-s', a['timeout-s'], { min: 0, exclusiveMin: true }),
        checkNumber('start-delay-s', a['start-delay-s'], { min: 0 }),
      ),
    ),
  { scriptName: NAME },
);

function fail(code: number, error: unknown): never {
  process.stderr.write(`${NAME}: ${errorText(error)}\n`);
  process.exit(code);
}

try {
  if (args.out) prepareReportDir(args.out);
} catch (error) {
  fail(2, error);
}

let target: KafkaTarget | undefined;
let exitCode = 1;
try {
  const brokers = args.brokers ? parseBrokerList(args.brokers, '--brokers') : undefined;
  target = await acquireKafka({ brokers, local: localBrokerOptions(process.env), probeTimeoutMs: 5_000, driver: args.driver });
  const client = await openClient(args.driver, { brokers: target.brokers, clientId: `${args['run-id']}-collector`, logLevel: 'error' });
  const startedAt = new Date();
  // A stop (SIGTERM, SIGINT) ends the wait, not the collector: the report says who is missing.
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stop.abort();
    });
  }
  const collected = await collectReports(client, { runId: args['run-id'], agents: args.agents, resultsTopic: args['results-topic'], controlTopic: args['control-topic'], timeoutS: args['timeout-s'], startDelayS: args['start-delay-s'], signal: stop.signal });
  const result = agentRunResult(collected, { runId: args['run-id'], resultsTopic: args['results-topic'], startedAt, endedAt: new Date(), environment: describeEnvironment(target, []) });
  const dir = args.out ?? defaultReportDir(join(projectRoot(), 'reports'), result.scenario, startedAt);
  writeReport(result, dir, args.format ? [args.format] : []);
  process.stdout.write(`${renderSummary(result)}\n`);
  console.log(dir);
  exitCode = result.passed ? 0 : 1;
} catch (error) {
  process.stderr.write(`${NAME}: ${errorText(error)}\n`);
  exitCode = 1;
} finally {
  await target?.release();
}
process.exit(exitCode);
