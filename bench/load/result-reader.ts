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
}

export interface ResultReaderResult {
  readonly measured: number;
  readonly warmup: number;
  /** Results of orders this run did not send. */
  readonly others: number;
  /** End-to-end latency of the measured results, encoded. */
  readonly histogram: string;
}

export type ResultReaderProgress = Omit<ResultReaderResult, 'histogram'>;

/** How often the counts go to the main thread while reading. */
const PROGRESS_EVERY_MS = 100;

/** Reads until `finished` resolves, then stops and reports; `report` hears the counts as they grow. */
export async function readResults(task: ResultReaderTask, finished: Promise<void>, report: (progress: ResultReaderProgress) => void, onMeasured?: (micros: number) => void): Promise<ResultReaderResult> {
  const client = await openClient(task.driver, { brokers: task.brokers, clientId: `${task.runId}-result-reader`, logLevel: 'error' });
  // Commits on a timer, not per batch: a commit is a request, and the reader shares the machine with what it measures.
  const consumer = await StageConsumer.open(client, [task.topic], { groupId: task.groupId, fetchWaitMs: 100, commitIntervalMs: 100 });
  const histogram = createLatencyHistogram();
  const counts = { measured: 0, warmup: 0, others: 0 };
  await consumer.start((batch, _context, done) => {
    const now = systemClock.nowMicros();
    for (const message of batch.messages) {
      const bench = readBenchHeaders(message.headers);
      if (bench?.runId !== task.runId) counts.others += 1;
      else if (bench.phase === 'warmup') counts.warmup += 1;
      else {
        recordMicros(histogram, now - bench.intendedMicros);
        counts.measured += 1;
        onMeasured?.(now - bench.intendedMicros);
      }
    }
    const last = batch.messages.at(-1);
    if (last) done(last.offset + 1);
    return Promise.resolve();
  });
  const ticker = setInterval(() => {
    report({ ...counts });
  }, PROGRESS_EVERY_MS);
  await finished;
  clearInterval(ticker);
  await consumer.stop();
  return { ...counts, histogram: encodeHistogram(histogram) };
}
