/**
 * @confluentinc/kafka-javascript (librdkafka) is an optional dependency: its install builds
 * librdkafka from source (CKJS_LINKING=dynamic) and may be absent. So the project compiles
 * without it: these are the parts of its API this driver uses, typed here, and the library is
 * loaded at run time. The driver's contract test checks them against the real library.
 */
import { createRequire } from 'node:module';

export type RdHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export interface RdOutgoingMessage {
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Record<string, Buffer | string>;
}

export interface RdTopicMessages {
  readonly topic: string;
  readonly messages: RdOutgoingMessage[];
}

export interface RdTopicOffsets {
  readonly topic: string;
  readonly partitions: { readonly partition: number; readonly offset: string }[];
}

export interface RdProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(batch: { topicMessages: RdTopicMessages[] }): Promise<unknown[]>;
  transaction(): Promise<RdProducer>;
  sendOffsets(args: { consumer: RdConsumer; topics: RdTopicOffsets[] }): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface RdConsumedMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
  readonly headers?: RdHeaders;
}

export interface RdEachBatchPayload {
  readonly batch: { readonly topic: string; readonly partition: number; readonly messages: RdConsumedMessage[] };
  isRunning(): boolean;
  isStale(): boolean;
  /** The batch's messages up to this offset are processed; those after it are fetched again. */
  resolveOffset(offset: string): void;
}

export interface RdConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(subscription: { topics: string[] }): Promise<void>;
  run(config: { eachBatchAutoResolve: boolean; eachBatch: (payload: RdEachBatchPayload) => Promise<void> }): Promise<void>;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  pause(topics: { topic: string }[]): void;
  resume(topics: { topic: string }[]): void;
}

export interface RdAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  createTopics(options: { topics: { topic: string; numPartitions: number; replicationFactor: number; configEntries: { name: string; value: string }[] }[]; timeout?: number }): Promise<boolean>;
  deleteTopics(options: { topics: string[]; timeout?: number }): Promise<void>;
  listTopics(options?: { timeout?: number }): Promise<string[]>;
  fetchTopicOffsets(topic: string): Promise<{ partition: number; high: string; low: string }[]>;
  fetchOffsets(options: { groupId: string; topics: string[] }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  describeGroups(groupIds: string[]): Promise<{ groups: { groupId: string; state: number; members: unknown[] }[] }>;
  fetchTopicMetadata(options: { topics: string[] }): Promise<{ name: string; partitions: { partitionId: number; leader: number }[] }[]>;
}

/** Settings: librdkafka's own properties, and the library's logger in its `kafkaJS` block. */
export type RdConfig = Record<string, string | number | boolean | { logger: RdLogger }>;

export interface RdKafka {
  producer(config: RdConfig): RdProducer;
  consumer(config: RdConfig): RdConsumer;
  admin(config?: RdConfig): RdAdmin;
}

/** The library's logger interface: it calls these for librdkafka's log lines and its own. */
export interface RdLogger {
  info(message: string, extra?: object): void;
  error(message: string, extra?: object): void;
  warn(message: string, extra?: object): void;
  debug(message: string, extra?: object): void;
  namespace(): RdLogger;
  setLogLevel(level: number): void;
}

/** The callback API, for what the promise API lacks (cluster metadata). */
export interface RdNativeProducer {
  connect(options: Record<string, never>, callback: (error: Error | null) => void): void;
  getMetadata(options: { timeout: number }, callback: (error: Error | null, metadata: { orig_broker_id: number; brokers: { id: number; host: string; port: number }[] }) => void): void;
  disconnect(callback: () => void): void;
}

/** What librdkafka errors carry through the promise API. */
export interface RdError extends Error {
  readonly code: number;
  readonly retriable?: boolean;
}

export interface ConfluentLibrary {
  readonly KafkaJS: { readonly Kafka: new (config: RdConfig) => RdKafka };
  readonly Producer: new (config: Record<string, string | number | boolean>) => RdNativeProducer;
  readonly librdkafkaVersion: string;
  readonly features: readonly string[];
}

/** The error classes of the library's promise API, as its own modules share them. */
interface RdErrorClasses {
  readonly KafkaJSProtocolError: new (...args: unknown[]) => Error;
  KafkaJSGroupCoordinatorNotAvailableError?: new (...args: unknown[]) => Error;
}

/**
 * Loads the library; throws MODULE_NOT_FOUND (naming it) when it is not installed. Mends a defect
 * of 1.10 on the way: it makes COORDINATOR_NOT_AVAILABLE into a KafkaJSGroupCoordinatorNotAvailableError,
 * a class it never defines, so a transaction's offsets refused with it (a broker killed or paused)
 * threw a TypeError in the library's callback instead of failing the call, and the process exited
 * (bench:chaos --driver confluent). The class is given, as a protocol error.
 */
export function loadConfluentLibrary(): ConfluentLibrary {
  const require = createRequire(import.meta.url);
  const library = require('@confluentinc/kafka-javascript') as ConfluentLibrary;
  const errors = require('@confluentinc/kafka-javascript/lib/kafkajs/_error.js') as RdErrorClasses;
  errors.KafkaJSGroupCoordinatorNotAvailableError ??= class KafkaJSGroupCoordinatorNotAvailableError extends errors.KafkaJSProtocolError {
    constructor(...args: unknown[]) {
      super(...args);
      this.name = 'KafkaJSGroupCoordinatorNotAvailableError';
    }
  };
  return library;
}
