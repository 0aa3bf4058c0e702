/**
 * bench:chaos's view of the results while faults come: each order's first result as it arrives,
 * with its end-to-end latency (from its order's intended send). For timing only: the accounting
 * comes from a final read (bench/faults/final-read.ts). A consumer that the faults crash is
 * replaced by a fresh one reading from the start again; results already seen are skipped.
 */
import type { DriverConsumer, KafkaClient } from '../../clients/driver.js';
import type { Arrival } from '../faults/recovery.js';
import { systemClock } from '../measure/clock.js';
import { readBenchHeaders } from '../measure/headers.js';

export interface LiveResults {
  /** Each order's first result seen, in arrival order; tMs from the load's start. */
  readonly arrivals: readonly Arrival[];
  /** Consumers replaced after a crash. */
  readonly restarts: number;
  stop(): Promise<void>;
}

export async function readLiveResults(client: KafkaClient, options: { topic: string; runId: string; startMicros: number }): Promise<LiveResults> {
  const seen = new Set<string>();
  const arrivals: Arrival[] = [];
  let consumer: DriverConsumer | undefined;
  let stopped = false;
  let restarts = 0;
  let generation = 0;
  const open = async (): Promise<void> => {
    generation += 1;
    const next = await client.consumer({ groupId: `${options.runId}-live-results-${generation}`, topics: [options.topic], fromBeginning: true, maxWaitMs: 100 });
    consumer = next;
    next.onCrash(() => {
      if (stopped) return;
      restarts += 1;
      setTimeout(() => void open().catch(() => undefined), 1_000);
    });
    await next.run((batch) => {
      const now = systemClock.nowMicros();
      for (const message of batch.messages) {
        const stamp = readBenchHeaders(message.headers);
        const id = message.key?.toString();
        if (stamp?.runId !== options.runId || id === undefined || seen.has(id)) continue;
        seen.add(id);
        arrivals.push({ tMs: (now - options.startMicros) / 1000, latencyMs: (now - stamp.intendedMicros) / 1000 });
      }
      return Promise.resolve();
    });
  };
  await open();
  return {
    arrivals,
    get restarts() {
      return restarts;
    },
    async stop() {
      stopped = true;
      await consumer?.stop();
    },
  };
}
