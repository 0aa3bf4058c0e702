#!/usr/bin/env node
/** npm run bench:baseline | bench:10k | bench:lag | bench:replay | bench:clients | bench:rest | bench:chaos | bench:all */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { errorText } from '../clients/errors.js';
import { loadDriver } from '../clients/registry.js';
import { parseBrokerList } from '../kafka/cluster.js';
import { acquireKafka, type KafkaTarget } from '../kafka/embedded.js';
import { kafkaJavaTools, localBrokerOptions, type LocalBrokerOptions } from '../kafka/local-broker.js';
import { projectRoot } from '../kafka/paths.js';
import { isInteractive } from '../pipeline/cli-support.js';
import { commandBrokerControl, localBrokerControl } from './faults/broker-control.js';
import { baselineParams, chaosParams, clientsParams, driverOf, lagParams, parseBenchCommandLine, pipelineChoice, replayParams, restParams, thresholdsOf, throughputParams, type BenchArgs } from './options.js';
import { runAgentsCommand } from './agents/command.js';
import { isAgentScenario } from './agents/agent-options.js';
import { createProgress } from './progress.js';
import { renderSummary } from './report/render.js';
import type { RunResult } from './report/run-result.js';
import { prepareReportDir } from './report/write-report.js';
import { Interrupted } from './harness.js';
import { runScenario, type RunOptions } from './runner.js';
import { runBaseline } from './scenarios/baseline.js';
import { runChaos, type BrokerFaults } from './scenarios/chaos.js';
import { runClients } from './scenarios/clients.js';
import { runLag } from './scenarios/lag.js';
import { runReplay } from './scenarios/replay.js';
import { runRest } from './scenarios/rest.js';
import { runThroughput } from './scenarios/throughput.js';
import { abortOnStopSignals, isStopSignal, signalExitCode } from './stop-signals.js';

const args = await parseBenchCommandLine();
const scenario = String(args._[0]);

/** The driver must be installed and able to do what was asked, before anything runs. */
async function checkDriver(): Promise<void> {
  const driver = await loadDriver(driverOf(args)).catch((error: unknown) => {
    process.stderr.write(`bench ${scenario}: ${errorText(error)}\n`);
    process.exit(1);
  });
  const compression = args.compression;
  if (compression && !driver.info.capabilities.compressions.includes(compression)) {
    process.stderr.write(`bench: --compression ${compression} is not available with --driver ${driver.info.name}; it does ${driver.info.capabilities.compressions.join(', ')} (see --help)\n`);
    process.exit(2);
  }
}

/** Nodes of the local cluster bench:chaos starts: one may be down while two keep every partition's in-sync replicas. */
const CHAOS_NODES = 3;

/** The local cluster when no --brokers: chaos takes three nodes unless KAFKA_NODES says otherwise (and then at least three). */
function localOptions(): LocalBrokerOptions {
  if (scenario !== 'chaos') return localBrokerOptions(process.env);
  const options = localBrokerOptions(process.env, process.env.KAFKA_NODES ? {} : { nodes: CHAOS_NODES });
  if (options.nodes < CHAOS_NODES) throw new UsageError(`KAFKA_NODES=${options.nodes}: bench chaos needs a local cluster of at least ${CHAOS_NODES} nodes (one node down must leave 2 in-sync replicas)`);
  return options;
}

async function target(local: LocalBrokerOptions): Promise<KafkaTarget> {
  const brokers = args.brokers ? parseBrokerList(args.brokers, '--brokers') : undefined;
  return acquireKafka({ brokers, local, probeTimeoutMs: 5_000, driver: driverOf(args), onProgress: (m) => (isInteractive() ? process.stderr.write(`bench: ${m}\n`) : undefined) });
}

/** Broker faults: the local cluster's processes, the user's --fault-command on a configured cluster, or none (and why). */
function brokerFaults(kafka: KafkaTarget, local: LocalBrokerOptions): BrokerFaults {
  const command = args['fault-command'];
  if (kafka.origin !== 'configured') return { control: localBrokerControl(local) };
  if (command) return { control: commandBrokerControl(command) };
  return { missing: 'the cluster is given by --brokers/KAFKA_BROKERS and no --fault-command was given: only the inventory is faulted' };
}

/** A flag value that cannot work, found before the run: exit 2. */
class UsageError extends Error {}

function checkFaultCommand(): void {
  const command = args['fault-command'];
  if (command === undefined) return;
  if (!args.brokers) throw new UsageError('--fault-command applies to a cluster given by --brokers/KAFKA_BROKERS; the local cluster is faulted through its processes');
  if (command.includes('/')) {
    try {
      accessSync(command, constants.X_OK);
    } catch {
      throw new UsageError(`--fault-command ${command} is not an executable file`);
    }
  }
}

const javaTools = () => kafkaJavaTools(local);

async function run(name: string, options: RunOptions, parsed: BenchArgs, faults: BrokerFaults): Promise<{ result: RunResult; dir: string }> {
  switch (name) {
    case 'baseline': {
      const params = baselineParams(parsed);
      const java = params.reference ? await javaTools() : undefined;
      return runScenario('baseline', params, (context, p) => runBaseline(context, p, java), options);
    }
    case '10k': {
      const params = throughputParams(parsed);
      const java = params.reference ? await javaTools() : undefined;
      return runScenario('10k', params, (context, p) => runThroughput(context, p, java), options);
    }
    case 'lag':
      return runScenario('lag', lagParams(parsed), runLag, options);
    case 'replay':
      return runScenario('replay', replayParams(parsed), runReplay, options);
    case 'rest':
      return runScenario('rest', restParams(parsed), runRest, options);
    case 'chaos':
      return runScenario('chaos', chaosParams(parsed), (context, p) => runChaos(context, p, faults), options);
    case 'clients': {
      const params = await clientsParams(parsed);
      const java = params.reference ? await javaTools() : undefined;
      return runScenario('clients', params, (context, p) => runClients(context, p, java), options);
    }
    default:
      throw new Error(`no scenario ${name}`);
  }
}

/** A failed check (the run itself is wrong) exits 1 before a failed threshold (a gate) exits 99, as k6 does; if neither, 0. */
function exitCodeOf(result: RunResult): number {
  if (!result.passed) return 1;
  return result.thresholds.some((t) => !t.passed) ? 99 : 0;
}

/** The scenario named (or all four), one report folder each; returns the exit code. */
async function runScenarios(options: RunOptions, faults: BrokerFaults): Promise<number> {
  const names = scenario === 'all' ? ['baseline', '10k', 'lag', 'replay'] : [scenario];
  const runs: { result: RunResult; dir: string }[] = [];
  // With `all`, one folder per scenario: under --out DIR when given, else each in reports/.
  for (const name of names) runs.push(await run(name, scenario === 'all' ? { ...options, outDir: args.out ? join(args.out, name) : undefined } : options, args, faults));
  for (const { result, dir } of runs) {
    process.stdout.write(`${renderSummary(result)}\n`);
    console.log(dir);
  }
  const codes = runs.map(({ result }) => exitCodeOf(result));
  return codes.includes(1) ? 1 : codes.includes(99) ? 99 : 0;
}

await checkDriver();
let local: LocalBrokerOptions;
try {
  // A folder the run could not write is found now, not after the run.
  if (args.out) prepareReportDir(args.out);
  checkFaultCommand();
} catch (error) {
  // An --out that cannot be written is a bad flag value: exit 2, like any usage error.
  process.stderr.write(`bench ${scenario}: ${errorText(error)}\n`);
  process.exit(2);
}
try {
  local = localOptions();
} catch (error) {
  // A chaos run on too few nodes is a usage error; a malformed KAFKA_* setting fails the run, as before.
  process.stderr.write(`bench ${scenario}: ${errorText(error)}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
}
/** A stop (Ctrl-C) cleans up what the run made: its stages, faults, topics, and the local cluster it started. */
const CLEANUP_GRACE_MS = 60_000;
const interrupt = abortOnStopSignals(CLEANUP_GRACE_MS, (why) => {
  process.stderr.write(`bench ${scenario}: ${why}: exiting without cleaning up\n`);
});
let kafka: KafkaTarget | undefined;
let exitCode = 0;
try {
  kafka = await target(local);
  if (interrupt.aborted) throw new Interrupted(String(interrupt.reason));
  const faults = brokerFaults(kafka, local);
  const formats = args.format ? [args.format] : [];
  const options: RunOptions = { target: kafka, driver: driverOf(args), progress: createProgress(isInteractive()), keepTopics: args['keep-topics'], outDir: args.out, reportsRoot: join(projectRoot(), 'reports'), pipeline: pipelineChoice(args), profile: args.profile, repeat: args.repeat ?? 1, thresholds: thresholdsOf(args), formats, interrupt };
  if (args.agents !== undefined && isAgentScenario(scenario)) {
    // Load agents: this process is one (--agent-index), or runs them all here with the collector.
    exitCode = await runAgentsCommand({ ...options, scenario, args, formats });
  } else {
    exitCode = await runScenarios(options, faults);
  }
} catch (error) {
  if (error instanceof Interrupted && isStopSignal(error.signal)) {
    const cluster = kafka?.origin === 'local-started' ? '; the local cluster it started is stopped' : '';
    process.stderr.write(`bench ${scenario}: ${error.message}: the run is cleaned up (its processes stopped, its faults undone)${cluster}\n`);
    exitCode = signalExitCode(error.signal);
  } else {
    process.stderr.write(`bench ${scenario}: ${errorText(error)}\n`);
    exitCode = 1;
  }
} finally {
  await kafka?.release();
}
process.exit(exitCode);
