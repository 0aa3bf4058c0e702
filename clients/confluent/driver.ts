/**
 * The confluent driver: @confluentinc/kafka-javascript, librdkafka (C) behind a KafkaJS-like
 * promise API. Configured with librdkafka's own properties rather than its kafkajs compatibility
 * block, so that its defaults are librdkafka's and each setting below is deliberate.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  BatchHandler,
  ClientOptions,
  ClusterInfo,
  ConsumedMessage,
  ConsumerOptions,
  DriverAdmin,
  DriverConsumer,
  DriverInfo,
  DriverProducer,
  GroupInfo,
  KafkaClient,
  KafkaDriver,
  OutgoingMessage,
  PartitionOffsets,
  ProducerOptions,
  TopicPartitionOffset,
  TopicSpec,
  TransactionOffsets,
} from '../driver.js';
import { BROKER_DEFAULT_MAX_MESSAGE_BYTES, LOG_LEVELS } from '../driver.js';
import { HandledOffsets } from '../handled-offsets.js';
import { DriverError, errorText, type DriverErrorCode } from '../errors.js';
import { byTopic, closingOnFailure, createMissingTopics, packageVersion, toBuffer } from '../support.js';
import { loadConfluentLibrary, type RdAdmin, type RdConfig, type RdConsumedMessage, type RdConsumer, type RdError, type RdKafka, type RdLogger, type RdOutgoingMessage, type RdProducer, type RdTopicMessages } from './library.js';

const library = loadConfluentLibrary();

/** librdkafka error codes (rdkafka.h) by what they mean here. */
const CODES: Readonly<Record<number, DriverErrorCode>> = {
  36: 'TOPIC_EXISTS',
  3: 'UNKNOWN_TOPIC',
  [-188]: 'UNKNOWN_TOPIC',
  10: 'MESSAGE_TOO_LARGE',
  18: 'MESSAGE_TOO_LARGE',
  [-144]: 'FENCED',
  47: 'FENCED',
  90: 'FENCED',
  68: 'GROUP_ACTIVE',
  22: 'NOT_MEMBER',
  25: 'NOT_MEMBER',
  82: 'NOT_MEMBER',
  [-185]: 'TIMEOUT',
  [-192]: 'TIMEOUT',
  7: 'TIMEOUT',
  [-195]: 'UNREACHABLE',
  [-187]: 'UNREACHABLE',
  [-193]: 'UNREACHABLE',
};

/** librdkafka's ConsumerGroupStates, in Kafka's own words. */
const GROUP_STATES: readonly string[] = ['Unknown', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'];

function isRdError(error: unknown): error is RdError {
  return error instanceof Error && 'code' in error && typeof error.code === 'number';
}

/** A transaction's error names the partition's error only in its text. */
const NOT_MEMBER_TEXT = /ILLEGAL_GENERATION|UNKNOWN_MEMBER_ID|FENCED_INSTANCE_ID/;

function driverError(error: unknown, doing: string): DriverError {
  let code = isRdError(error) ? (CODES[error.code] ?? 'FAILED') : 'FAILED';
  if (code === 'FAILED' && NOT_MEMBER_TEXT.test(errorText(error))) code = 'NOT_MEMBER';
  const retriable = isRdError(error) && error.retriable === true;
  return new DriverError(code, `${doing}: ${errorText(error)}`, { cause: error, retriable });
}

async function wrap<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof DriverError ? error : driverError(error, doing);
  }
}

/** One line per log entry on stderr, like the other drivers; the library sets the level from librdkafka's log_level. */
function stderrLogger(onError?: (message: string) => void): RdLogger {
  // The library's levels: 0 nothing, 1 error, 2 warn, 3 info, 4 debug.
  let threshold = 2;
  const line = (level: number, label: string) => (message: string, extra?: object) => {
    if (level === 1) onError?.(message);
    if (level > threshold) return;
    const facility = extra && 'fac' in extra && typeof extra.fac === 'string' ? ` [${extra.fac}]` : '';
    process.stderr.write(`confluent ${label}${facility} ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  };
  const logger: RdLogger = {
    error: line(1, 'ERROR'),
    warn: line(2, 'WARN'),
    info: line(3, 'INFO'),
    debug: line(4, 'DEBUG'),
    namespace: () => logger,
    setLogLevel: (level) => {
      threshold = level;
    },
  };
  return logger;
}

function toRdMessage(message: OutgoingMessage): RdOutgoingMessage {
  return { key: message.key, value: message.value, ...(message.headers ? { headers: { ...message.headers } } : {}) };
}

function toTopicMessages(messages: readonly OutgoingMessage[]): RdTopicMessages[] {
  return [...byTopic(messages)].map(([topic, group]) => ({ topic, messages: group.map(toRdMessage) }));
}

function consumedMessage(topic: string, partition: number, message: RdConsumedMessage): ConsumedMessage {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = toBuffer(first);
  }
  return { topic, partition, offset: Number(message.offset), key: message.key, value: message.value, headers };
}

class ConfluentAdmin implements DriverAdmin {
  constructor(
    private readonly admin: RdAdmin,
    private readonly client: ConfluentClient,
  ) {}

  describeCluster(): Promise<ClusterInfo> {
    return this.client.describeCluster();
  }

  describeGroup(groupId: string): Promise<GroupInfo> {
    return wrap(`describing group ${groupId}`, async () => {
      const [group] = (await this.admin.describeGroups([groupId])).groups;
      return { state: GROUP_STATES[group?.state ?? 0] ?? 'Unknown', members: group?.members.length ?? 0 };
    });
  }

  listTopics(): Promise<string[]> {
    return wrap('listing topics', () => this.admin.listTopics());
  }

  createTopics(specs: readonly TopicSpec[]): Promise<string[]> {
    return wrap('creating topics', () =>
      createMissingTopics(
        specs,
        () => this.admin.listTopics(),
        async (missing) => {
          await this.admin.createTopics({
            topics: missing.map((spec) => ({
              topic: spec.topic,
              numPartitions: spec.partitions,
              replicationFactor: spec.replicationFactor ?? -1,
              configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
            })),
          });
          await this.waitForLeaders(missing.map((spec) => spec.topic));
        },
      ),
    );
  }

  /**
   * Until every partition has a leader that answers for it: just after a topic is created (on a
   * cluster just started), its leader can answer a ListOffsets with UNKNOWN_TOPIC_OR_PARTITION
   * although the metadata names it (a stage exited at start reading its new changelog's offsets).
   */
  private async waitForLeaders(topics: string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    const answered = async (topic: string): Promise<boolean> => {
      const offsets = await this.admin.fetchTopicOffsets(topic).catch(() => []);
      return offsets.length > 0 && offsets.every((p) => Number(p.high) >= 0);
    };
    for (;;) {
      const metadata = await this.admin.fetchTopicMetadata({ topics }).catch(() => []);
      const led = metadata.length === topics.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (led && (await Promise.all(topics.map(answered))).every(Boolean)) return;
      if (Date.now() > deadline) throw new DriverError('TIMEOUT', `the partitions of ${topics.join(', ')} got no leader that answers within 30 s`);
      await sleep(50);
    }
  }

  deleteTopics(topics: readonly string[]): Promise<void> {
    return wrap('deleting topics', () => this.admin.deleteTopics({ topics: [...topics] }));
  }

  endOffsets(topic: string): Promise<PartitionOffsets[]> {
    return wrap(`reading the offsets of ${topic}`, async () => {
      // Just after a topic is created its partitions can answer -1 (not known yet) for a while.
      for (let attempt = 0; ; attempt++) {
        const offsets = (await this.admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }));
        if (offsets.every((p) => p.low >= 0 && p.high >= 0) || attempt >= 40) {
          return offsets.map((p) => ({ partition: p.partition, low: Math.max(0, p.low), high: Math.max(0, p.high) })).sort((a, b) => a.partition - b.partition);
        }
        await sleep(50);
      }
    });
  }

  partitionLeaders(topic: string): Promise<Map<number, number>> {
    return wrap(`reading the leaders of ${topic}`, async () => {
      const [metadata] = await this.admin.fetchTopicMetadata({ topics: [topic] });
      return new Map((metadata?.partitions ?? []).map((p) => [p.partitionId, p.leader]));
    });
  }

  committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
    return wrap(`reading the committed offsets of ${groupId}`, async () => {
      const [found] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map((found?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, Number(p.offset)]));
    });
  }

  /** The promise API has no DescribeConfigs: the broker's default, as the contract says. */
  maxMessageBytes(): Promise<number> {
    return Promise.resolve(BROKER_DEFAULT_MAX_MESSAGE_BYTES);
  }

  /** The promise API has no offset reset: a consumer of the group that never joins it commits the log start offsets. */
  resetGroupToEarliest(groupId: string, topics: readonly string[]): Promise<void> {
    return wrap(`resetting ${groupId} to the earliest offsets`, async () => {
      const offsets = (await Promise.all(topics.map(async (topic) => (await this.endOffsets(topic)).map((p) => ({ topic, partition: p.partition, offset: String(p.low) }))))).flat();
      const consumer = this.client.rdConsumer({ 'group.id': groupId, 'enable.auto.commit': false });
      await consumer.connect();
      try {
        await consumer.commitOffsets(offsets);
      } finally {
        await consumer.disconnect();
      }
    });
  }

  close(): Promise<void> {
    return this.admin.disconnect();
  }
}

class ConfluentProducer implements DriverProducer {
  /**
   * Set when a transaction failed and its abort did not go through (a broker gone): the library
   * still holds it open and refuses every later transaction ("Can only start one transaction at a
   * time"), so the next one is made by a new producer, whose start fences the open one.
   */
  private stale = false;

  constructor(
    private producer: RdProducer,
    /** A new connected producer with the same settings (the same transactional id). */
    private readonly renew: () => Promise<RdProducer>,
  ) {}

  private async replace(): Promise<void> {
    const old = this.producer;
    this.producer = await this.renew();
    this.stale = false;
    await old.disconnect().catch(() => undefined);
  }

  send(messages: readonly OutgoingMessage[]): Promise<void> {
    return wrap('sending', async () => {
      await this.producer.sendBatch({ topicMessages: toTopicMessages(messages) });
    });
  }

  sendInTransaction(messages: readonly OutgoingMessage[], offsets?: TransactionOffsets): Promise<void> {
    if (offsets && !(offsets.consumer instanceof ConfluentConsumer)) return Promise.reject(new DriverError('UNSUPPORTED', 'a transaction takes the offsets of a consumer of the same driver'));
    const consumer = offsets?.consumer instanceof ConfluentConsumer ? offsets.consumer.raw : undefined;
    return wrap('committing a transaction', async () => {
      if (this.stale) await this.replace();
      let transaction: RdProducer;
      try {
        transaction = await this.producer.transaction();
      } catch (error) {
        // The library may hold a transaction this producer never learnt had failed: the next attempt starts from a new producer.
        this.stale = true;
        const failed = driverError(error, 'beginning a transaction');
        throw new DriverError(failed.code, failed.message, { cause: error, retriable: failed.code !== 'FENCED' });
      }
      try {
        // librdkafka has decided the earlier transaction (aborted it, bumping the epoch) before it begins another.
        if (offsets?.alreadyCommitted && (await offsets.alreadyCommitted())) {
          await transaction.abort();
          return;
        }
        if (messages.length > 0) await transaction.sendBatch({ topicMessages: toTopicMessages(messages) });
        if (offsets && consumer) {
          const topics = [...new Set(offsets.offsets.map((o) => o.topic))].map((topic) => ({
            topic,
            partitions: offsets.offsets.filter((o) => o.topic === topic).map((o) => ({ partition: o.partition, offset: String(o.offset) })),
          }));
          await transaction.sendOffsets({ consumer, topics });
        }
        await transaction.commit();
      } catch (error) {
        this.stale = !(await transaction.abort().then(() => true, () => false));
        if (offsets?.consumer instanceof ConfluentConsumer && driverError(error, 'committing a transaction').code === 'NOT_MEMBER') offsets.consumer.membershipLost();
        throw error;
      }
    });
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}

/**
 * librdkafka's consumer can fail for good (ERR__FATAL: a static member fenced, as after its
 * session timed out at a broker pause and it joined again twice). The library then only logs
 * "Local: Fatal error" on a fetch, and goes on fetching while its commits quietly fail; the log
 * line is the one sign of it.
 */
const FATAL_TEXT = /Local: Fatal error/;

/**
 * More replacements than this within REPLACEMENT_WINDOW_MS are two live consumers taking one
 * group.instance.id from each other, not a consumer that fenced itself: the consumer crashes.
 */
const MAX_REPLACEMENTS = 3;
const REPLACEMENT_WINDOW_MS = 5 * 60_000;

class ConfluentConsumer implements DriverConsumer {
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private readonly crashListeners: ((error: Error) => void)[] = [];
  /** What the handler finished: a restart in place from lagging committed offsets does not hand it over again. */
  private readonly handled = new HandledOffsets();
  /** Set when a transaction's offsets found the group no longer knows this member, for the batch in hand. */
  private membershipGone = false;
  private handler: BatchHandler | undefined;
  private paused = false;
  /** The library consumer in use; another takes its place when it fails for good. */
  private current: RdConsumer | undefined;
  private replacing: Promise<void> | undefined;
  /** When each replacement was made, for the bound on them. */
  private readonly replacedAt: number[] = [];

  private constructor(
    private readonly options: ConsumerOptions,
    /** A new connected library consumer with the consumer's settings; onFatal once it failed for good. */
    private readonly connect: (onFatal: () => void) => Promise<RdConsumer>,
    private readonly warn: (text: string) => void,
  ) {}

  static async open(options: ConsumerOptions, connect: (onFatal: () => void) => Promise<RdConsumer>, warn: (text: string) => void): Promise<ConfluentConsumer> {
    const consumer = new ConfluentConsumer(options, connect, warn);
    consumer.current = await consumer.connectWatched();
    return consumer;
  }

  /** The library consumer in use (a transaction's offsets take its group metadata). */
  get raw(): RdConsumer {
    if (!this.current) throw new DriverError('FAILED', `the consumer of ${this.options.groupId} is not connected`);
    return this.current;
  }

  private async connectWatched(): Promise<RdConsumer> {
    const raw: RdConsumer = await this.connect(() => {
      this.fatal(raw);
    });
    return raw;
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** The library consumer failed for good: a new one takes its place (and the group member of its group.instance.id); what the handler finished stays finished. */
  private fatal(failed: RdConsumer): void {
    if (this.stopping || this.replacing || failed !== this.current) return;
    const now = Date.now();
    const recent = this.replacedAt.filter((at) => now - at < REPLACEMENT_WINDOW_MS);
    if (recent.length >= MAX_REPLACEMENTS) {
      const instance = this.options.groupInstanceId === undefined ? '' : ` (does another consumer use group.instance.id ${this.options.groupInstanceId}?)`;
      this.crash(new DriverError('FENCED', `the consumer of ${this.options.groupId} failed for good ${String(recent.length + 1)} times within ${String(REPLACEMENT_WINDOW_MS / 60_000)} minutes${instance}`));
      return;
    }
    this.replacedAt.splice(0, this.replacedAt.length, ...recent, now);
    this.warn(`the consumer of ${this.options.groupId} failed for good (Local: Fatal error); a new one takes its place`);
    this.replacing = this.replace(failed)
      .catch((error: unknown) => {
        this.crash(error instanceof DriverError ? error : driverError(error, `replacing the consumer of ${this.options.groupId}`));
      })
      .finally(() => {
        this.replacing = undefined;
      });
  }

  private async replace(failed: RdConsumer): Promise<void> {
    const handler = this.handler;
    if (!handler) return;
    await failed.disconnect().catch(() => undefined);
    this.current = await this.connectWatched();
    // A stop() that came meanwhile waited for this replacement, and disconnects what is current.
    if (this.stopping) return;
    await this.start(handler);
    if (this.paused) this.pause();
  }

  run(handler: BatchHandler): Promise<void> {
    this.handler = handler;
    return wrap(`starting the consumer of ${this.options.groupId}`, () => this.start(handler));
  }

  private async start(handler: BatchHandler): Promise<void> {
    await this.raw.subscribe({ topics: [...this.options.topics] });
    await this.raw.run({
      // The library seeks back to the first message of a batch not resolved: only what the handler finished is.
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        this.membershipGone = false;
        const consumed = this.handled.unhandled({ topic: batch.topic, partition: batch.partition, messages: batch.messages.map((message) => consumedMessage(batch.topic, batch.partition, message)) });
        if (consumed.messages.length > 0) {
          const context = this.handled.contextFor(consumed, () => !this.stopping && !this.membershipGone && payload.isRunning() && !payload.isStale());
          try {
            await handler(consumed, context);
            context.settle();
          } catch (error) {
            // A throwing handler would be retried for ever by the library; the contract says it crashes the consumer.
            this.crash(error instanceof DriverError ? error : driverError(error, `consumer of ${this.options.groupId}`));
            // The consumer stops: resolved, the batch is not sought back to, which after the disconnect would only log an error.
            const last = batch.messages.at(-1);
            if (last) payload.resolveOffset(last.offset);
            return;
          }
        }
        const next = this.handled.nextUnfinished(batch.topic, batch.partition);
        const first = batch.messages[0];
        if (first && next !== undefined && next > Number(first.offset)) payload.resolveOffset(String(next - 1));
      },
    });
  }

  /**
   * A transaction's offsets were refused because the group no longer knows this member: librdkafka
   * joins again only once the batch in hand returns (it must revoke first), so every attempt in the
   * batch would fail the same way. The batch's context turns inactive; what is not finished comes again.
   */
  membershipLost(): void {
    this.membershipGone = true;
  }

  private crash(error: DriverError): void {
    if (this.stopping) return;
    for (const listener of this.crashListeners) listener(error);
    void this.stop();
  }

  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    return wrap(`committing offsets of ${this.options.groupId}`, () => this.raw.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) }))));
  }

  pause(): void {
    this.paused = true;
    this.raw.pause(this.options.topics.map((topic) => ({ topic })));
  }

  resume(): void {
    this.paused = false;
    this.raw.resume(this.options.topics.map((topic) => ({ topic })));
  }

  stop(): Promise<void> {
    this.stopping = true;
    this.stopped ??= (async () => {
      await this.replacing;
      await this.raw.disconnect();
    })();
    return this.stopped;
  }

  onCrash(listener: (error: Error) => void): void {
    this.crashListeners.push(listener);
  }
}

class ConfluentClient implements KafkaClient {
  readonly driver = info;
  private readonly kafka: RdKafka;

  constructor(private readonly options: ClientOptions) {
    this.kafka = new library.KafkaJS.Kafka({});
  }

  /** librdkafka settings every client takes from ClientOptions. */
  private settings(): Record<string, string | number | boolean> {
    return {
      'bootstrap.servers': this.options.brokers.join(','),
      'client.id': this.options.clientId,
      'socket.connection.setup.timeout.ms': this.options.connectTimeoutMs ?? 3_000,
      'socket.timeout.ms': this.options.requestTimeoutMs ?? 30_000,
      // Nagle's algorithm would hold small requests back by up to 40 ms.
      'socket.nagle.disable': true,
      'retry.backoff.ms': 100,
      log_level: { nothing: 0, error: 3, warn: 4, info: 6, debug: 7 }[this.options.logLevel ?? 'warn'],
    };
  }

  /** The settings of a promise-API client, with its log lines routed to stderr (and its error lines to onError). */
  private common(onError?: (message: string) => void): RdConfig {
    return { kafkaJS: { logger: stderrLogger(onError) }, ...this.settings() };
  }

  rdConsumer(config: RdConfig): RdConsumer {
    return this.kafka.consumer({ ...this.common(), ...config });
  }

  async describeCluster(): Promise<ClusterInfo> {
    const native = new library.Producer(this.settings());
    const timeout = this.options.requestTimeoutMs ?? 10_000;
    return wrap(`connecting to ${this.options.brokers.join(',')}`, async () => {
      await new Promise<void>((resolve, reject) => {
        native.connect({}, (error) => {
          if (error) reject(error);
          else resolve();
        });
      });
      try {
        const metadata = await new Promise<{ orig_broker_id: number; brokers: { id: number; host: string; port: number }[] }>((resolve, reject) => {
          native.getMetadata({ timeout }, (error, result) => {
            if (error) reject(error);
            else resolve(result);
          });
        });
        return { clusterId: 'unknown', controller: null, brokers: metadata.brokers.map((b) => ({ nodeId: b.id, host: b.host, port: b.port })) };
      } finally {
        await new Promise<void>((resolve) => {
          native.disconnect(() => {
            resolve();
          });
        });
      }
    });
  }

  async admin(): Promise<DriverAdmin> {
    const admin = this.kafka.admin(this.common());
    await wrap(`connecting to ${this.options.brokers.join(',')}`, () =>
      closingOnFailure(
        async () => {
          await admin.connect();
          // librdkafka connects lazily: ask something, so that an unreachable cluster is reported here.
          await admin.listTopics({ timeout: this.options.requestTimeoutMs ?? 10_000 });
        },
        () => admin.disconnect(),
      ),
    );
    return new ConfluentAdmin(admin, this);
  }

  async producer(options: ProducerOptions): Promise<DriverProducer> {
    const idempotent = options.idempotent || options.transactionalId !== undefined;
    if (idempotent && options.acks !== 'all') throw new DriverError('UNSUPPORTED', 'an idempotent producer needs acks=all');
    const settings: RdConfig = {
      ...this.common(),
      'enable.idempotence': idempotent,
      acks: options.acks === 'all' ? -1 : options.acks === 'leader' ? 1 : 0,
      'compression.codec': options.compression,
      // Keyed messages land on the partitions Java's and the other drivers' default partitioner picks.
      partitioner: 'murmur2_random',
      // librdkafka's default linger of 5 ms adds 5 ms to every lone send: the harness says when to wait.
      'linger.ms': options.lingerMs ?? 0,
      // librdkafka's delivery timeout, within which it retries a send on fresh metadata: by default the
      // request timeout, so that a send to a dead cluster fails then instead of after 5 minutes.
      'message.timeout.ms': Math.max(1_000, this.options.deliveryTimeoutMs ?? this.options.requestTimeoutMs ?? 30_000),
      ...(options.transactionalId ? { 'transactional.id': options.transactionalId } : {}),
    };
    const connect = async (): Promise<RdProducer> => {
      const producer = this.kafka.producer(settings);
      await wrap(`connecting to ${this.options.brokers.join(',')}`, () =>
        closingOnFailure(
          () => producer.connect(),
          () => producer.disconnect(),
        ),
      );
      return producer;
    };
    if (!options.transactionalId) return new ConfluentProducer(await connect(), connect);
    // A transactional producer's connect waits at most 5 s (the library's own bound) for the broker to
    // abort what a predecessor with the same id left open; on a busy broker that takes longer, so it
    // tries again, within the request timeout.
    const connectTransactional = async (): Promise<RdProducer> => {
      const deadline = Date.now() + (this.options.requestTimeoutMs ?? 30_000);
      for (;;) {
        try {
          return await connect();
        } catch (error) {
          const retry = error instanceof DriverError && (error.retriable || error.code === 'TIMEOUT');
          if (!retry || Date.now() > deadline) throw error;
          await sleep(250);
        }
      }
    };
    return new ConfluentProducer(await connectTransactional(), connectTransactional);
  }

  consumer(options: ConsumerOptions): Promise<DriverConsumer> {
    return ConfluentConsumer.open(options, (onFatal) => this.connectedRdConsumer(options, onFatal), (text) => {
      if (LOG_LEVELS.indexOf(this.options.logLevel ?? 'warn') >= LOG_LEVELS.indexOf('warn')) process.stderr.write(`confluent WARN ${text}\n`);
    });
  }

  /** A library consumer for `options`, connected; onFatal when the library says it failed for good. */
  private async connectedRdConsumer(options: ConsumerOptions, onFatal: () => void): Promise<RdConsumer> {
    const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
    const consumer = this.kafka.consumer({
      ...this.common((message) => {
        if (FATAL_TEXT.test(message)) onFatal();
      }),
      'group.id': options.groupId,
      'auto.offset.reset': options.fromBeginning ? 'earliest' : 'latest',
      'enable.auto.commit': false,
      'session.timeout.ms': sessionTimeout,
      'heartbeat.interval.ms': Math.min(3_000, Math.floor(sessionTimeout / 3)),
      'fetch.wait.max.ms': options.maxWaitMs ?? 500,
      'isolation.level': 'read_committed',
      'allow.auto.create.topics': false,
      // Whole fetches in one batch rather than the library's 32 messages.
      'js.consumer.max.batch.size': -1,
      ...(options.groupInstanceId !== undefined ? { 'group.instance.id': options.groupInstanceId } : {}),
    });
    await wrap(`connecting to ${this.options.brokers.join(',')}`, () =>
      closingOnFailure(
        () => consumer.connect(),
        () => consumer.disconnect(),
      ),
    );
    return consumer;
  }
}

const info: DriverInfo = {
  name: 'confluent',
  library: '@confluentinc/kafka-javascript',
  version: `${packageVersion('@confluentinc/kafka-javascript', import.meta.url)} (librdkafka ${library.librdkafkaVersion})`,
  capabilities: {
    compressions: (['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const).filter((name) => name === 'none' || library.features.includes(name)),
    transactions: true,
    staticMembership: true,
    workerThreads: false,
  },
};

export const driver: KafkaDriver = {
  info,
  client: (options) => new ConfluentClient(options),
};
