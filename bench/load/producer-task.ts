import type { DriverName, ProducerOptions } from '../../clients/driver.js';
import type { Encoding } from '../../pipeline/contracts/codec.js';
import type { HeaderSet, Phase } from '../measure/headers.js';

/** One worker thread's share of a produce load: plain data, posted to the worker. */
export interface ProducerTask {
  readonly workerIndex: number;
  readonly driver: DriverName;
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly count: number;
  /** Orders sent first to `warmupTopic`, unmeasured, so that the thread's JIT and the client are warm when measuring starts. */
  readonly warmup: number;
  readonly warmupTopic: string;
  readonly seed: number;
  /** Orders per send. */
  readonly batchSize: number;
  readonly producer: ProducerOptions;
  /** Sends a worker keeps in flight at once; the next batch is built while earlier ones wait for acks. */
  readonly inFlight: number;
  /** This worker's sends per second on a fixed schedule (open loop, latency from each send's intended time); null: as fast as acks allow. */
  readonly sendsPerSecond: number | null;
  /** The headers every order carries (with `content-type` beside them, unless `none`). */
  readonly headers: HeaderSet;
  /** How the orders are written, prepared before the clock starts. */
  readonly encoding: Encoding;
  /** The phase the counted orders are stamped with: a pipeline's warm-up goes through it as `warmup`. */
  readonly phase: Phase;
  readonly runId: string;
  /** Event time of the orders: a fixed schedule (reproducible figures), or the wall clock when null. */
  readonly eventTime: { readonly startIso: string; readonly stepMs: number } | null;
  /** Put before the seed in the measured orders' ids (a load agent's run and index); none by default. */
  readonly idPrefix?: string;
}

/** What a worker posts back: counts, its time span, and its histograms, encoded. */
export interface ProducerTaskResult {
  readonly workerIndex: number;
  readonly sent: number;
  readonly failed: number;
  /** Keys, values and headers of the measured messages. */
  readonly bytes: number;
  /** Their values alone: the events as encoded. */
  readonly valueBytes: number;
  readonly startedMicros: number;
  readonly endedMicros: number;
  /** Produce-to-ack, per message, from each send's intended time. */
  readonly histogram: string;
  /** How late each send started after its intended time (rate only). */
  readonly sendLag: string | null;
  /** Time spent making the measured orders before the clock started (generating, serialising, to bytes), in µs. */
  readonly buildMicros: number;
  /** How long the unmeasured warm-up sends took, in µs. */
  readonly warmupMicros: number;
  readonly firstError: string | undefined;
}
