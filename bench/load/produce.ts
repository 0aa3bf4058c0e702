/**
 * A produce load from worker threads (piscina), or from processes for a driver that cannot load in
 * threads: the count, and a rate when one is set, split between the workers explicitly; their
 * histograms merged, never averaged.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { DriverName, ProducerOptions } from '../../clients/driver.js';
import { loadDriver } from '../../clients/registry.js';
import { decodeHistogram, mergeHistograms, type LatencyHistogram } from '../../pipeline/histogram.js';
import { withDeadline } from '../measure/deadline.js';
import type { ProducerTask, ProducerTaskResult } from './producer-task.js';
import { splitEvenly } from './split-load.js';

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
  /** The bench headers on every order (the pipeline's end-to-end latency needs them). */
  readonly stampHeaders: boolean;
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
  readonly produceToAck: LatencyHistogram;
  readonly sendLag: LatencyHistogram | undefined;
  /** The harness's own cost per message: making orders, serialising them to bytes (before the clock starts). */
  readonly buildMicrosPerMessage: number;
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
    stampHeaders: load.stampHeaders,
  }));
  const { workerThreads } = (await loadDriver(load.driver)).info.capabilities;
  return summarize(await withDeadline('producing', load.timeoutMs, workerThreads ? inThreads(tasks) : inProcesses(tasks)));
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

type ProcessAnswer = { readonly ok: true; readonly result: ProducerTaskResult } | { readonly ok: false; readonly error: string };

function inProcesses(tasks: readonly ProducerTask[]): Promise<ProducerTaskResult[]> {
  return Promise.all(
    tasks.map(
      (task) =>
        new Promise<ProducerTaskResult>((resolve, reject) => {
          const child = fork(fileURLToPath(new URL('./producer-process.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          let answered = false;
          child.once('message', (answer: ProcessAnswer) => {
            answered = true;
            if (answer.ok) resolve(answer.result);
            else reject(new Error(`producer process ${task.workerIndex}: ${answer.error}`));
          });
          child.once('exit', (code, signal) => {
            if (!answered) reject(new Error(`producer process ${task.workerIndex} exited (${signal ?? String(code)}) without a result`));
          });
          child.once('error', reject);
          child.send(task);
        }),
    ),
  );
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
    produceToAck: mergeHistograms(results.map((r) => decodeHistogram(r.histogram))),
    sendLag: sendLags.length > 0 ? mergeHistograms(sendLags) : undefined,
    buildMicrosPerMessage: sent + failed > 0 ? sum((r) => r.buildMicros) / (sent + failed) : 0,
    perWorkerEventsPerS: [...results].sort((a, b) => a.workerIndex - b.workerIndex).map((r) => r.sent / ((r.endedMicros - r.startedMicros) / 1e6)),
    firstError: results.find((r) => r.firstError !== undefined)?.firstError,
  };
}
