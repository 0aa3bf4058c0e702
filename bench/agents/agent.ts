/**
 * One load agent of a run made by several (on one machine or many): it produces its share of the
 * scenario's orders to the pipeline's order topic, reads its own orders' results back, and reports
 * every interval to the results topic, for bench:collect to merge. It starts its measured sends at
 * the agreed time: --start-at, or the run's start message on the control topic.
 */
import type { DriverName, ProducerOptions } from '../../clients/driver.js';
import { openClient } from '../../clients/registry.js';
import type { Encoding } from '../../pipeline/contracts/codec.js';
import { PIPELINE_PRODUCER } from '../../pipeline/kafka.js';
import { produceObserved } from '../load/producer-worker.js';
import type { ResultReaderProgress, ResultReaderResult } from '../load/result-reader.js';
import { startTask } from '../load/task-host.js';
import { decodeHistogram } from '../../pipeline/histogram.js';
import type { FigureValue } from '../report/run-result.js';
import { IntervalRecorder } from './interval-recorder.js';
import { parseMessage, runStartSchema, type AgentInterval, type AgentScenario } from './messages.js';
import { ensureRunTopics, publishForRun, watchRun } from './run-topics.js';
import { agentShare, type AgentShare } from './share.js';

/** When the measured sends begin: a time agreed beforehand, or the first start message of the run on the control topic. */
export type StartSignal = { readonly kind: 'at'; readonly atMs: number } | { readonly kind: 'control' };

/** What each agent sends, from the scenario's flags: the run's totals, which the agent divides. */
export interface AgentLoad {
  readonly count: number;
  readonly rate: number | null;
  readonly seed: number;
  /** Orders the agent sends first through the pipeline, stamped warm-up and left out. */
  readonly warmup: number;
  readonly batchSize: number;
  readonly inFlight: number;
  readonly producer: ProducerOptions;
  readonly encoding: Encoding;
  readonly timeoutS: number;
}

export interface AgentOptions {
  readonly scenario: AgentScenario;
  readonly runId: string;
  readonly agents: number;
  readonly index: number;
  readonly driver: DriverName;
  readonly brokers: readonly string[];
  readonly orderTopic: string;
  readonly resultTopic: string;
  readonly resultsTopic: string;
  readonly controlTopic: string;
  readonly start: StartSignal;
  readonly intervalS: number;
  readonly load: AgentLoad;
  /** The run's parameters as given (reported with every interval, so the collector can tell runs apart). */
  readonly parameters: Readonly<Record<string, FigureValue>>;
}

export interface AgentOutcome {
  readonly share: AgentShare;
  readonly sent: number;
  readonly failed: number;
  readonly results: number;
  readonly intervals: number;
}

/** The header every order of this agent carries as `bench-run`: its own results are told apart from the other agents'. */
export const agentStamp = (runId: string, index: number): string => `${runId}/${index}`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function runAgent(options: AgentOptions): Promise<AgentOutcome> {
  const { load, runId, index } = options;
  const share = agentShare(load, runId, options.agents, index);
  const client = await openClient(options.driver, { brokers: options.brokers, clientId: `${runId}-agent-${index}`, logLevel: 'error' });
  await ensureRunTopics(client, [options.resultsTopic, options.controlTopic]);
  const reports = await client.producer(PIPELINE_PRODUCER);
  const started = startTime(client, options);
  // Awaited before the first measured send; a failure before then is the run's error, not an unhandled one.
  started.catch(() => undefined);
  let recorder: IntervalRecorder | undefined;
  let readerCounts: ResultReaderProgress = { measured: 0, warmup: 0, others: 0 };
  // The reader runs in a worker thread (a process for a driver that needs one), as a single run's does: in
  // this thread, its fetches and decoding delayed the producer's acks (p50 8 ms became 98 ms at 300/s here).
  const reader = await startTask<ResultReaderResult, ResultReaderProgress>(
    { kind: 'read-results', task: { driver: options.driver, brokers: options.brokers, topic: options.resultTopic, groupId: `${runId}-agent-${index}-results`, runId: agentStamp(runId, index), latencyDeltas: true } },
    'the result reader',
    (counts) => {
      readerCounts = counts;
      if (counts.latencies !== undefined) recorder?.results(decodeHistogram(counts.latencies));
    },
  );
  let readerTold = false;
  const finishReading = (): void => {
    if (!readerTold) reader.finish();
    readerTold = true;
  };
  let published = 0;
  let publishing: Promise<void> = Promise.resolve();
  const publish = (interval: AgentInterval): Promise<void> => {
    // A failed report is not retried, and does not stop the next: the collector sees the gap.
    publishing = publishing.catch(() => undefined).then(() => publishForRun(reports, options.resultsTopic, runId, interval)).then(() => void (published += 1));
    return publishing;
  };
  let ticker: NodeJS.Timeout | undefined;
  try {
    const header = { version: 1 as const, run_id: runId, scenario: options.scenario, agents: options.agents, agent_index: index, share: { count: share.count, rate: share.rate, seed: share.seed, id_prefix: share.idPrefix }, parameters: { ...options.parameters }, driver: { name: client.driver.name, library: client.driver.library, version: client.driver.version } };
    const produced = await produceObserved(
      { workerIndex: index, driver: options.driver, brokers: options.brokers, topic: options.orderTopic, count: share.count, warmup: load.warmup, warmupTopic: options.orderTopic, seed: share.seed, idPrefix: share.idPrefix, batchSize: load.batchSize, producer: load.producer, inFlight: load.inFlight, sendsPerSecond: share.rate, headers: 'bench', encoding: load.encoding, phase: 'measure', runId: agentStamp(runId, index), eventTime: null },
      {
        async beforeMeasure() {
          await sleep((await started) - Date.now());
          const current = new IntervalRecorder(header, share.rate !== null);
          recorder = current;
          ticker = setInterval(() => void publish(current.take(false)).catch(() => undefined), options.intervalS * 1000);
        },
        acknowledged: (size, bytes, micros) => recorder?.acknowledged(size, bytes, micros),
        failed: (size) => recorder?.failed(size),
        late: (micros) => recorder?.late(micros),
      },
    );
    await untilResults(() => readerCounts.measured, produced.sent, load.timeoutS * 1000);
    finishReading();
    const counts = await reader.result;
    clearInterval(ticker);
    const last = recorder ?? new IntervalRecorder(header, share.rate !== null);
    last.warmupResults(counts.warmup);
    await publish(last.take(true, { started_at_ms: Math.round(produced.startedMicros / 1000), ended_at_ms: Math.round(produced.endedMicros / 1000) }));
    return { share, sent: produced.sent, failed: produced.failed, results: counts.measured, intervals: published };
  } finally {
    clearInterval(ticker);
    finishReading();
    await reader.result.catch(() => undefined);
    await reports.close();
  }
}

/** Waits until `have()` reaches `want`, or the limit passes: then the final report says how many came, and the collector's check fails. */
async function untilResults(have: () => number, want: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (have() < want && Date.now() < deadline) await sleep(50);
}

/** The agreed start, ms since the epoch: --start-at, or the first valid start message of the run on the control topic. */
async function startTime(client: Awaited<ReturnType<typeof openClient>>, options: AgentOptions): Promise<number> {
  if (options.start.kind === 'at') return options.start.atMs;
  let resolveStart = (_ms: number): void => undefined;
  const start = new Promise<number>((resolve) => (resolveStart = resolve));
  const watch = await watchRun(client, options.controlTopic, options.runId, `agent-${options.index}-control`, (value) => {
    const message = parseMessage(runStartSchema, value);
    if (typeof message !== 'string') resolveStart(message.start_at_ms);
  });
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no start message for run ${options.runId} on ${options.controlTopic} within ${options.load.timeoutS} s`));
    }, options.load.timeoutS * 1000);
  });
  try {
    return await Promise.race([start, limit]);
  } finally {
    clearTimeout(timer);
    await watch.stop();
  }
}
