/**
 * The driver interface between the harness and a Kafka client library, after the OpenMessaging
 * Benchmark's driver API: the harness measures, a driver only moves bytes. Each client is an
 * adapter in a folder of its own (clients/<name>/driver.ts); nothing outside that folder imports
 * the client library. The contract is written down in docs/DESIGN.md ("Client drivers").
 */

export const DRIVER_NAMES = ['kafkajs', 'platformatic', 'confluent'] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** all: every in-sync replica; leader: the partition leader only; none: no acknowledgement. */
export const ACKS = ['all', 'leader', 'none'] as const;
export type Acks = (typeof ACKS)[number];

export const LOG_LEVELS = ['nothing', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What a driver can do beyond the common ground; the harness refuses what a driver lacks, in one line. */
export interface DriverCapabilities {
  readonly compressions: readonly Compression[];
  /** Transactions with the consumer's offsets in them (exactly-once stages). */
  readonly transactions: boolean;
  /** Static group membership (KIP-345, group.instance.id). */
  readonly staticMembership: boolean;
  /**
   * Whether the client loads in worker threads. A native addon that is not context-aware loads in
   * one context per process only: its load generators run as processes instead.
   */
  readonly workerThreads: boolean;
}

/** Which client a driver wraps; every run.json carries it. */
export interface DriverInfo {
  readonly name: DriverName;
  /** The npm package of the client library. */
  readonly library: string;
  readonly version: string;
  readonly capabilities: DriverCapabilities;
}

export interface ClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** How long connecting to a broker may take before it counts as unreachable (3 s). */
  readonly connectTimeoutMs?: number;
  /** How long one request may take (30 s). */
  readonly requestTimeoutMs?: number;
  /** How often a failed request is retried before the error reaches the caller (5). */
  readonly retries?: number;
  /**
   * How long a send that failed on a transient error (no leader, a broker gone) is made again, the
   * same records on fresh metadata, before it fails: Java's delivery.timeout.ms (default: no
   * more than the retries).
   */
  readonly deliveryTimeoutMs?: number;
  /** The client library's own log lines on stderr (warn). */
  readonly logLevel?: LogLevel;
}

export type Headers = Readonly<Record<string, string | Buffer>>;

export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: Headers;
}

export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  /** Offsets are 64-bit in Kafka; a number holds them exactly up to 2^53. */
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Header values as bytes; a repeated header keeps its first value. */
  readonly headers: Readonly<Record<string, Buffer>>;
}

/** Messages of one partition, each offset once, in increasing order. */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly ConsumedMessage[];
}

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to consume (the last processed + 1), as Kafka commits it. */
  readonly offset: number;
}

export interface ProducerOptions {
  /** Exactly one copy per send on the log, even across retries; needs acks=all. */
  readonly idempotent: boolean;
  readonly acks: Acks;
  readonly compression: Compression;
  /** How long the client may hold a message to fill a batch; 0 sends at once (the default). */
  readonly lingerMs?: number;
  /** Makes the producer transactional (sendInTransaction); implies idempotent. */
  readonly transactionalId?: string;
}

/** A consumer's offsets to commit inside a transaction. */
export interface TransactionOffsets {
  readonly consumer: DriverConsumer;
  readonly offsets: readonly TopicPartitionOffset[];
  /**
   * For an attempt after a failed one, whose commit may have taken effect though its answer was
   * lost: asked once every earlier transaction of the transactional id is decided (the driver
   * fences it first) and before anything is written; true (these offsets are committed already)
   * ends the call with nothing sent.
   */
  readonly alreadyCommitted?: () => Promise<boolean>;
}

export interface DriverProducer {
  /** Resolves once the broker has acknowledged every message (as acks asks); rejects with a DriverError. */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  /**
   * Sends the messages and commits the consumer's offsets (when given) in one transaction, aborting
   * it on failure. Needs a transactionalId and a driver with the transactions capability.
   */
  sendInTransaction(messages: readonly OutgoingMessage[], offsets?: TransactionOffsets): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts: the earliest offset (true) or the end. */
  readonly fromBeginning: boolean;
  /** A member not heard from for this long leaves the group and its partitions go to others (10 s). */
  readonly sessionTimeoutMs?: number;
  /** Longest wait of a fetch that finds nothing (500 ms): bounds how fast stop() and resume() act. */
  readonly maxWaitMs?: number;
  /** Static membership (KIP-345); only for drivers with the staticMembership capability. */
  readonly groupInstanceId?: string;
}

export interface BatchContext {
  /** False once stop() was called or the batch's partition went to another member: the rest of the batch will be delivered again. */
  isActive(): boolean;
  /**
   * The handler has finished the batch's messages before nextOffset (their results and offsets
   * are committed): this consumer never hands them over again, though the context is no longer
   * active when the handler returns (a rebalance began while a transaction committed).
   */
  finished(nextOffset: number): void;
}

/** Processes one batch; offsets are committed only by an explicit commit() (or a transaction). */
export type BatchHandler = (batch: ConsumedBatch, context: BatchContext) => Promise<void>;

export interface DriverConsumer {
  readonly groupId: string;
  /**
   * Joins the group and calls the handler for each batch, one batch at a time, until stop().
   * Resolves once consuming has started; a handler that throws crashes the consumer. A message the
   * handler finished (it returned while the context was active, or it called context.finished) is
   * never handed over again by this consumer, even where the library restarts from committed
   * offsets that lag it.
   */
  run(handler: BatchHandler): Promise<void>;
  /** Commits the group's offsets. */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Stops fetching (the batch in hand finishes) until resume(). */
  pause(): void;
  resume(): void;
  /** Finishes the batch in hand, leaves the group and disconnects. Harmless twice. */
  stop(): Promise<void>;
  /** Called once if the consumer stops for good on an error it will not retry. */
  onCrash(listener: (error: Error) => void): void;
}

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Default: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  readonly config?: Readonly<Record<string, string>>;
}

export interface PartitionOffsets {
  readonly partition: number;
  /** The log start offset. */
  readonly low: number;
  /** The end offset (the next offset to be written). */
  readonly high: number;
}

export interface ClusterInfo {
  readonly clusterId: string;
  readonly controller: number | null;
  readonly brokers: readonly { readonly nodeId: number; readonly host: string; readonly port: number }[];
}

/** A consumer group as the coordinator sees it. */
export interface GroupInfo {
  /** Stable, Empty, PreparingRebalance, CompletingRebalance, Dead, or Unknown. */
  readonly state: string;
  readonly members: number;
}

/** What a topic takes when its max.message.bytes cannot be read: the broker's default (message.max.bytes). */
export const BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

export interface DriverAdmin {
  /** A round trip to the cluster every time (never a client's cached metadata): health checks rely on it. */
  describeCluster(): Promise<ClusterInfo>;
  /** Asks the group coordinator about a group (an unknown group is Dead or Empty with no members). */
  describeGroup(groupId: string): Promise<GroupInfo>;
  listTopics(): Promise<string[]>;
  /** Creates the topics that do not exist yet and waits for their leaders; returns the names it created. */
  createTopics(specs: readonly TopicSpec[]): Promise<string[]>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** Each partition's log start and end offsets, by partition. */
  endOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** The node id of each partition's leader, from fresh metadata (-1: none at the moment); bench:chaos kills one. */
  partitionLeaders(topic: string): Promise<Map<number, number>>;
  /** The group's committed offsets on the topic, by partition; a partition with none is absent. */
  committedOffsets(groupId: string, topic: string): Promise<Map<number, number>>;
  /**
   * The largest record batch the topic takes (its max.message.bytes, as the broker reports it); a
   * driver that cannot read topic configurations answers BROKER_DEFAULT_MAX_MESSAGE_BYTES.
   */
  maxMessageBytes(topic: string): Promise<number>;
  /** Moves an inactive group's offsets on these topics to the log start (a replay). */
  resetGroupToEarliest(groupId: string, topics: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** A client bound to a cluster: makes connected admins, producers and consumers. */
export interface KafkaClient {
  readonly driver: DriverInfo;
  admin(): Promise<DriverAdmin>;
  producer(options: ProducerOptions): Promise<DriverProducer>;
  consumer(options: ConsumerOptions): Promise<DriverConsumer>;
}

/** What each driver module exports as `driver`. */
export interface KafkaDriver {
  readonly info: DriverInfo;
  client(options: ClientOptions): KafkaClient;
}
