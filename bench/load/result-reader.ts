/**
 * Reads the results topic as a group of its own and records, per result, the time from its order's
 * intended send to now: the pipeline's end-to-end latency. Results of other runs (an external
 * pipeline's topic is shared) and warm-up results are counted apart. Commits what it read, so that
 * its progress is in the broker's offsets like every other group's.
 */
import type { DriverName } from '../../clients/driver.js';
import { openClient } from '../../clients/registry.js';
import { StageConsumer } from '../../pipeline/stage-consumer.js';
import { createLatencyHistogram, encodeHistogram, recordMicros } from '../../pipeline/histogram.js';
import { systemClock } from '../measure/clock.js';
import { readBenchHeaders } from '../measure/headers.js';

export interface ResultReaderTask {
  readonly driver: DriverName;
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
  /** Only results whose order carried this run id count. */
  readonly runId: string;
  /** Each progress report also carries the latencies measured since the previous one (a load agent's intervals). */
  readonly latencyDeltas?: boolean;
}

export interface ResultReaderResult {
  readonly measured: number;
  readonly warmup: number;
  /** Results of orders this run did not send. */
  readonly others: number;
  /** End-to-end latency of the measured results, encoded. */
  readonly histogram: string;
}

export type ResultReaderProgress = Omit<ResultReaderResult, 'histogram'> & {
  /** With `latencyDeltas`: the end-to-end latencies since the previous report, encoded. */
  readonly latencies?: string;
};

/** How often the counts go to the main thread while reading. */
const PROGRESS_EVERY_MS = 100;

/** Reads until `finished` resolves, then stops and reports; `report` hears the counts as they grow. */
export async function readResults(task: ResultReaderTask, finished: Promise<void>, report: (progress: ResultReaderProgress) => void): Promise<ResultReaderResult> {
  const client = await openClient(task.driver, { brokers: task.brokers, clientId: `${task.runId}-result-reader`, logLevel: 'error' });
  // Commits on a timer, not per batch: a commit is a request, and the reader shares the machine with what it measures.
  const consumer = await StageConsumer.open(client, [task.topic], { groupId: task.groupId, fetchWaitMs: 100, commitIntervalMs: 100 });
  const histogram = createLatencyHistogram();
  const delta = task.latencyDeltas ? createLatencyHistogram() : undefined;
  const counts = { measured: 0, warmup: 0, others: 0 };
  await consumer.start((batch, _context, done) => {
    const now = systemClock.nowMicros();
    for (const message of batch.messages) {
      const bench = readBenchHeaders(message.headers);
      if (bench?.runId !== task.runId) counts.others += 1;
      else if (bench.phase === 'warmup') counts.warmup += 1;
      else {
        recordMicros(histogram, now - bench.intendedMicros);
        if (delta) recordMicros(delta, now - bench.intendedMicros);
        counts.measured += 1;
      }
    }
    const last = batch.messages.at(-1);
    if (last) done(last.offset + 1);
    return Promise.resolve();
  });
  const flush = (): void => {
    report({ ...counts, ...(delta ? { latencies: encodeHistogram(delta) } : {}) });
    delta?.reset();
  };
  const ticker = setInterval(flush, PROGRESS_EVERY_MS);
  await finished;
  clearInterval(ticker);
  await consumer.stop();
  // The last latencies go out before the result, so that a listener to the reports misses none.
  if (delta) flush();
  return { ...counts, histogram: encodeHistogram(histogram) };
}
