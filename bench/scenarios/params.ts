import { cpus } from 'node:os';
import type { Acks, Compression, DriverName } from '../../clients/driver.js';
import type { Encoding } from '../../pipeline/contracts/codec.js';
import { DEFAULT_FAULTS } from '../faults/schedule.js';
import { JAVA_STEADY_STATE } from '../reference/java-reference.js';

export type { Acks, Compression };

/** Each scenario's parameters, with their defaults: the one place they are set. */
export interface BaselineParams {
  /** Orders measured, sent one at a time (or at `rate`). */
  readonly count: number;
  /** Orders sent first and left out of the figures. */
  readonly warmup: number;
  /** Orders per second on a fixed schedule (open loop); null: one at a time, each after the last ack. */
  readonly rate: number | null;
  readonly partitions: number;
  readonly seed: number;
  /** Limit of each phase, in seconds. */
  readonly timeoutS: number;
  /** Also run Kafka's own EndToEndLatency on the same broker. */
  readonly reference: boolean;
  /** Records of the EndToEndLatency run. */
  readonly referenceRecords: number;
  /** kafka: orders produced directly; rest: also one request at a time through the REST service, beside. */
  readonly via: 'kafka' | 'rest';
  /** How orders (and so results) are written: json or avro. */
  readonly encoding: Encoding;
}

export interface ThroughputParams {
  readonly count: number;
  readonly warmup: number;
  /** Worker threads producing; the count is split between them explicitly. */
  readonly workers: number;
  readonly batchSize: number;
  readonly acks: Acks;
  readonly compression: Compression;
  readonly partitions: number;
  readonly seed: number;
  readonly sampleMs: number;
  readonly timeoutS: number;
  /** Also run Kafka's own Java ProducerPerformance on the same broker, as a reference. */
  readonly reference: boolean;
  /** Records the Java producers send after their warm-up. */
  readonly javaRecords: number;
  readonly javaWarmupRecords: number;
  /** Inventory processes in one group; several counts measure the scaling, each on fresh topics. */
  readonly inventoryInstances: readonly number[];
  /** The encodings measured, each on fresh topics; two are reported side by side (figures json_…, avro_…; table encodings). */
  readonly encodings: readonly Encoding[];
}

export interface LagParams {
  /** Producer rate, orders per second: above the throttled consumer's capacity. */
  readonly rate: number;
  readonly durationS: number;
  /** Pause per message in the inventory consumer: its capacity is about 1000 / throttleMs orders/s. */
  readonly throttleMs: number;
  readonly sampleMs: number;
  readonly partitions: number;
  readonly seed: number;
  readonly timeoutS: number;
  /** How orders (and so results) are written: json or avro. */
  readonly encoding: Encoding;
}

export interface ReplayParams {
  readonly count: number;
  readonly seed: number;
  readonly failureRate: number;
  readonly transientErrorRate: number;
  readonly initialStock: number;
  readonly partitions: number;
  readonly timeoutS: number;
  /** How orders (and so results) are written: json or avro. */
  readonly encoding: Encoding;
}

export interface ClientsParams {
  /** The drivers measured, in order; default: every installed one. */
  readonly drivers: readonly DriverName[];
  /** Orders per produce job (acks=all, then acks=1), read back by the consume job. */
  readonly count: number;
  /** Orders each producer thread sends first, unmeasured, per job. */
  readonly warmup: number;
  readonly workers: number;
  /** Orders per send in the throughput jobs. */
  readonly batchSize: number;
  /** Sends each producer thread keeps in flight. */
  readonly inFlight: number;
  /** Orders per second of the latency job, one per send. */
  readonly rate: number;
  readonly latencyCount: number;
  readonly partitions: number;
  readonly seed: number;
  readonly timeoutS: number;
  /** Kafka's own Java tools on the same broker. */
  readonly reference: boolean;
  /** Records the Java producers send after their warm-up. */
  readonly javaRecords: number;
  readonly javaWarmupRecords: number;
  /** How orders (and so results) are written: json or avro. */
  readonly encoding: Encoding;
}

export interface RestParams {
  /** Connections of the closed loop (and at most, of the open loop). */
  readonly connections: number;
  /** Requests per second (open loop); null: closed loop over `connections`. */
  readonly rate: number | null;
  /** Requests measured; null: for `durationS`. */
  readonly count: number | null;
  readonly durationS: number;
  /** Requests sent first through the whole pipeline and left out of the figures. */
  readonly warmup: number;
  /** Worker threads sending the requests: one thread did not saturate the service here. */
  readonly workers: number;
  /** The service's linger (its --linger-ms). */
  readonly lingerMs: number;
  readonly partitions: number;
  readonly seed: number;
  readonly timeoutS: number;
  /** How the service publishes the orders (its --encoding); request bodies are JSON. */
  readonly encoding: Encoding;
}

export interface ChaosParams {
  /** Orders per second, steady, for durationS. */
  readonly rate: number;
  readonly durationS: number;
  /** The fault schedule, as --faults reads it (AT:KIND:FOR,...; bench/faults/schedule.ts), already checked. */
  readonly faults: string;
  /** The inventory commits results and offsets in one transaction per flush; duplicates then fail the run. */
  readonly exactlyOnce: boolean;
  readonly partitions: number;
  readonly seed: number;
  /** Limit of the drain after the load and of the final read, seconds. */
  readonly timeoutS: number;
  readonly encoding: Encoding;
}

export const DEFAULTS = {
  baseline: { count: 1_000, warmup: 100, rate: null, partitions: 3, seed: 1, timeoutS: 120, reference: false, referenceRecords: 5_000, via: 'kafka', encoding: 'json' } satisfies BaselineParams,
  '10k': { count: 10_000, warmup: 500, workers: cpus().length, batchSize: 500, acks: 'all', compression: 'none', partitions: 3, seed: 1, sampleMs: 250, timeoutS: 300, reference: false, javaRecords: JAVA_STEADY_STATE.measuredRecords, javaWarmupRecords: JAVA_STEADY_STATE.warmupRecords, inventoryInstances: [1], encodings: ['json'] } satisfies ThroughputParams,
  lag: { rate: 400, durationS: 10, throttleMs: 5, sampleMs: 250, partitions: 3, seed: 1, timeoutS: 300, encoding: 'json' } satisfies LagParams,
  replay: { count: 2_000, seed: 7, failureRate: 0.05, transientErrorRate: 0.3, initialStock: 300, partitions: 3, timeoutS: 300, encoding: 'json' } satisfies ReplayParams,
  rest: { connections: 50, rate: null, count: null, durationS: 10, warmup: 1_000, workers: 1, lingerMs: 0, partitions: 3, seed: 1, timeoutS: 120, encoding: 'json' } satisfies RestParams,
  chaos: { rate: 100, durationS: 110, faults: DEFAULT_FAULTS, exactlyOnce: false, partitions: 3, seed: 1, timeoutS: 180, encoding: 'json' } satisfies ChaosParams,
  clients: {
    drivers: [],
    count: 200_000,
    warmup: 20_000,
    // One per core: on 2 cores shared with the broker, 2 workers beat 1 and 3 (README, "Producer workers").
    workers: cpus().length,
    batchSize: 1_000,
    inFlight: 4,
    rate: 1_000,
    latencyCount: 10_000,
    partitions: 3,
    seed: 1,
    timeoutS: 300,
    reference: true,
    javaRecords: JAVA_STEADY_STATE.measuredRecords,
    javaWarmupRecords: JAVA_STEADY_STATE.warmupRecords,
    encoding: 'json',
  } satisfies ClientsParams,
} as const;
