/**
 * A produce load from worker threads (piscina), or from processes for a driver that cannot load in
 * threads: the count, and a rate when one is set, split between the workers explicitly; their
 * histograms merged, never averaged.
 */
import { Piscina } from 'piscina';
import type { DriverName, ProducerOptions } from '../../clients/driver.js';
import type { Encoding } from '../../pipeline/contracts/codec.js';
import { decodeHistogram, mergeHistograms, type LatencyHistogram } from '../../pipeline/histogram.js';
import { withDeadline } from '../measure/deadline.js';
import type { HeaderSet, Phase } from '../measure/headers.js';
import type { ProducerTask, ProducerTaskResult } from './producer-task.js';
import { splitEvenly } from './split-load.js';
import { startTask, threadsFor } from './task-host.js';

export interface ProduceLoad {
  readonly driver: DriverName;
  readonly brokers: readonly string[];
  readonly topic: string;
  /** Orders each worker sends first to this topic, unmeasured. */
  readonly warmupTopic: string;
  readonly count: number;
  readonly warmupPerWorker: number;
  readonly workers: number;
  readonly batchSize: number;
  readonly producer: ProducerOptions;
  readonly inFlight: number;
  /** Sends per second across all workers (open loop); null: closed loop, as fast as acks allow. */
  readonly sendsPerSecond: number | null;
  /** The headers every order carries (see HeaderSet). */
  readonly headers: HeaderSet;
  readonly encoding: Encoding;
  readonly phase: Phase;
  readonly runId: string;
  readonly eventTime: ProducerTask['eventTime'];
  readonly seed: number;
  readonly timeoutMs: number;
}

export interface ProduceLoadResult {
  readonly sent: number;
  readonly failed: number;
  readonly bytes: number;
  /** From the first worker's start to the last worker's end, seconds. */
  readonly spanS: number;
  readonly eventsPerS: number;
  readonly mbPerS: number;
  readonly meanMessageBytes: number;
  /** The encoded order alone, without key and headers. */
  readonly meanValueBytes: number;
  readonly produceToAck: LatencyHistogram;
  readonly sendLag: LatencyHistogram | undefined;
  /** The harness's own cost per message: making orders, serialising them to bytes (before the clock starts). */
  readonly buildMicrosPerMessage: number;
  /** The workers' warm-up, which they run at the same time: the longest, ms. */
  readonly warmupMs: number;
  readonly perWorkerEventsPerS: readonly number[];
  readonly firstError: string | undefined;
}

export async function runProduceLoad(load: ProduceLoad): Promise<ProduceLoadResult> {
  const shares = splitEvenly(load.count, load.workers);
  const tasks: ProducerTask[] = shares.map((count, workerIndex) => ({
    workerIndex,
    driver: load.driver,
    brokers: load.brokers,
    topic: load.topic,
    count,
    warmup: load.warmupPerWorker,
    warmupTopic: load.warmupTopic,
    seed: load.seed + workerIndex,
    batchSize: load.batchSize,
    producer: load.producer,
    inFlight: load.inFlight,
    // A rate applies to the whole load, not to each worker: each takes its share.
    sendsPerSecond: load.sendsPerSecond === null ? null : load.sendsPerSecond / load.workers,
    headers: load.headers,
    encoding: load.encoding,
    phase: load.phase,
    runId: load.runId,
    eventTime: load.eventTime,
  }));
  const threads = await threadsFor(load.driver);
  return summarize(await withDeadline('producing', load.timeoutMs, threads ? inThreads(tasks) : inProcesses(tasks)));
}

async function inThreads(tasks: readonly ProducerTask[]): Promise<ProducerTaskResult[]> {
  const pool = new Piscina<ProducerTask, ProducerTaskResult>({
    filename: new URL('./producer-worker.js', import.meta.url).href,
    minThreads: tasks.length,
    maxThreads: tasks.length,
  });
  try {
    return await Promise.all(tasks.map((task) => pool.run(task)));
  } finally {
    await pool.destroy();
  }
}

/** One process per share: the driver's client cannot load in worker threads. */
async function inProcesses(tasks: readonly ProducerTask[]): Promise<ProducerTaskResult[]> {
  const running = await Promise.all(tasks.map((task) => startTask<ProducerTaskResult>({ kind: 'produce', task }, `producer process ${task.workerIndex}`)));
  return Promise.all(running.map((task) => task.result));
}
function summarize(results: readonly ProducerTaskResult[]): ProduceLoadResult {
  const sum = (pick: (r: ProducerTaskResult) => number): number => results.reduce((total, r) => total + pick(r), 0);
  const sent = sum((r) => r.sent);
  const failed = sum((r) => r.failed);
  const bytes = sum((r) => r.bytes);
  const spanS = (Math.max(...results.map((r) => r.endedMicros)) - Math.min(...results.map((r) => r.startedMicros))) / 1e6;
  const sendLags = results.flatMap((r) => (r.sendLag === null ? [] : [decodeHistogram(r.sendLag)]));
  return {
    sent,
    failed,
    bytes,
    spanS,
    eventsPerS: spanS > 0 ? sent / spanS : 0,
    mbPerS: spanS > 0 ? bytes / spanS / 1e6 : 0,
    meanMessageBytes: sent + failed > 0 ? bytes / (sent + failed) : 0,
    meanValueBytes: sent + failed > 0 ? sum((r) => r.valueBytes) / (sent + failed) : 0,
    produceToAck: mergeHistograms(results.map((r) => decodeHistogram(r.histogram))),
    sendLag: sendLags.length > 0 ? mergeHistograms(sendLags) : undefined,
    buildMicrosPerMessage: sent + failed > 0 ? sum((r) => r.buildMicros) / (sent + failed) : 0,
    warmupMs: Math.round(Math.max(0, ...results.map((r) => r.warmupMicros)) / 1000),
    perWorkerEventsPerS: [...results].sort((a, b) => a.workerIndex - b.workerIndex).map((r) => r.sent / ((r.endedMicros - r.startedMicros) / 1e6)),
    firstError: results.find((r) => r.firstError !== undefined)?.firstError,
  };
}
