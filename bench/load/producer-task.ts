import type { CompressionTypes } from 'kafkajs';

/** One worker thread's share of a throughput run: plain data, posted to the worker. */
export interface ProducerTask {
  readonly workerIndex: number;
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly count: number;
  /** Orders sent first to `warmupTopic`, unmeasured, so that the thread's JIT is warm when measuring starts. */
  readonly warmup: number;
  readonly warmupTopic: string;
  readonly seed: number;
  readonly batchSize: number;
  readonly acks: -1 | 0 | 1;
  readonly compression: CompressionTypes;
  /** Sends a worker keeps in flight at once; the next batch is built while earlier ones wait for acks. */
  readonly inFlight: number;
}

/** What a worker posts back: counts, its time span, and its produce-to-ack histogram, encoded. */
export interface ProducerTaskResult {
  readonly workerIndex: number;
  readonly sent: number;
  readonly failed: number;
  readonly bytes: number;
  readonly startedMicros: number;
  readonly endedMicros: number;
  readonly histogram: string;
  readonly firstError: string | undefined;
}
