/** The kafkajs driver: the pure-JavaScript client, the project's first. */
import kafkajs, {
  Kafka,
  logLevel,
  type Admin,
  type Consumer,
  type IHeaders,
  type KafkaMessage,
  type LogEntry,
  type logCreator,
  type Message,
  type Producer,
} from 'kafkajs';
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
  LogLevel,
  OutgoingMessage,
  PartitionOffsets,
  ProducerOptions,
  TopicPartitionOffset,
  TopicSpec,
  TransactionOffsets,
} from '../driver.js';
import { HandledOffsets } from '../handled-offsets.js';
import { DriverError, errorText, isTransient, type DriverErrorCode } from '../errors.js';
import { byTopic, closingOnFailure, deliverWithin, maxMessageBytesValue, createMissingTopics, MAX_MESSAGE_BYTES, GroupCommitQueue, MAX_MERGED_REQUEST_BYTES, messageBytes, packageVersion, toBuffer, withHeartbeat } from '../support.js';
import { KAFKAJS_COMPRESSION, registerCodecs } from './codecs.js';
import { RecordPlacement } from './placement.js';

// kafkajs is CommonJS: its error classes are not named exports Node can see.
const { ConfigResourceTypes, KafkaJSError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;

const LEVELS: Record<LogLevel, logLevel> = { nothing: logLevel.NOTHING, error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO, debug: logLevel.DEBUG };

/**
 * One line per log entry on stderr. Left out: protocol-level error responses, which kafkajs retries
 * and throws if they persist, and the notice that the idempotent producer's retries are bounded
 * (they are, on purpose: a send to a dead cluster must fail, not hang).
 */
const stderrLogCreator: logCreator = () => (entry: LogEntry) => {
  const { message, error } = entry.log;
  if (entry.namespace === 'Connection' && message.startsWith('Response')) return;
  if (message.startsWith('Limiting retries for the idempotent producer')) return;
  process.stderr.write(`kafkajs ${entry.label} [${entry.namespace}] ${message}${typeof error === 'string' ? `: ${error}` : ''}\n`);
};

const PROTOCOL_CODES: Readonly<Record<string, DriverErrorCode>> = {
  TOPIC_ALREADY_EXISTS: 'TOPIC_EXISTS',
  UNKNOWN_TOPIC_OR_PARTITION: 'UNKNOWN_TOPIC',
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  RECORD_LIST_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  INVALID_PRODUCER_EPOCH: 'FENCED',
  PRODUCER_FENCED: 'FENCED',
  NON_EMPTY_GROUP: 'GROUP_ACTIVE',
  REQUEST_TIMED_OUT: 'TIMEOUT',
  ILLEGAL_GENERATION: 'NOT_MEMBER',
  UNKNOWN_MEMBER_ID: 'NOT_MEMBER',
  FENCED_INSTANCE_ID: 'NOT_MEMBER',
};

/** A kafkajs error as a DriverError: the innermost cause decides the code. */
function driverError(error: unknown, doing: string): DriverError {
  let inner = error;
  while (inner instanceof KafkaJSNumberOfRetriesExceeded && inner.cause) inner = inner.cause;
  const text = errorText(inner);
  let code: DriverErrorCode = 'FAILED';
  if (inner instanceof KafkaJSProtocolError) code = PROTOCOL_CODES[inner.type] ?? 'FAILED';
  else if (inner instanceof KafkaJSError && /connect|ECONNREFUSED|ENOTFOUND|broker.*not.*(found|available)/i.test(`${inner.name} ${text}`)) code = 'UNREACHABLE';
  else if (inner instanceof KafkaJSError && /timeout|timed out/i.test(`${inner.name} ${text}`)) code = 'TIMEOUT';
  else if (/not a member|is running|active members/i.test(text)) code = 'GROUP_ACTIVE';
  const retriable = inner instanceof KafkaJSError && inner.retriable;
  return new DriverError(code, `${doing}: ${text}`, { cause: error, retriable });
}

async function wrap<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof DriverError ? error : driverError(error, doing);
  }
}

function kafkajsHeaders(headers: OutgoingMessage['headers']): IHeaders | undefined {
  return headers ? { ...headers } : undefined;
}

function toKafkajsMessage(message: OutgoingMessage): Message {
  return { key: message.key, value: message.value, ...(message.headers ? { headers: kafkajsHeaders(message.headers) } : {}) };
}

function consumedMessage(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = toBuffer(first);
  }
  return { topic, partition, offset: Number(message.offset), key: message.key, value: message.value, headers };
}

class KafkajsAdmin implements DriverAdmin {
  constructor(private readonly admin: Admin) {}

  describeCluster(): Promise<ClusterInfo> {
    return wrap('describing the cluster', async () => {
      const info = await this.admin.describeCluster();
      return { clusterId: info.clusterId, controller: info.controller, brokers: info.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })) };
    });
  }

  describeGroup(groupId: string): Promise<GroupInfo> {
    return wrap(`describing group ${groupId}`, async () => {
      const { groups } = await this.admin.describeGroups([groupId]);
      return { state: groups[0]?.state ?? 'Unknown', members: groups[0]?.members.length ?? 0 };
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
            waitForLeaders: true,
            topics: missing.map((spec) => ({
              topic: spec.topic,
              numPartitions: spec.partitions,
              replicationFactor: spec.replicationFactor ?? -1,
              configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
            })),
          });
        },
      ),
    );
  }

  deleteTopics(topics: readonly string[]): Promise<void> {
    return wrap('deleting topics', () => this.admin.deleteTopics({ topics: [...topics] }));
  }

  endOffsets(topic: string): Promise<PartitionOffsets[]> {
    return wrap(`reading the offsets of ${topic}`, async () =>
      (await this.admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) })).sort((a, b) => a.partition - b.partition),
    );
  }

  partitionLeaders(topic: string): Promise<Map<number, number>> {
    return wrap(`reading the leaders of ${topic}`, async () => {
      const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
      return new Map((topics[0]?.partitions ?? []).map((p) => [p.partitionId, p.leader]));
    });
  }

  committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
    return wrap(`reading the committed offsets of ${groupId}`, async () => {
      const [found] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
      // -1: nothing committed on that partition.
      return new Map((found?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, Number(p.offset)]));
    });
  }

  maxMessageBytes(topic: string): Promise<number> {
    return wrap(`reading the max.message.bytes of ${topic}`, async () => {
      const { resources } = await this.admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [MAX_MESSAGE_BYTES] }], includeSynonyms: false });
      return maxMessageBytesValue(resources[0]?.configEntries.find((entry) => entry.configName === MAX_MESSAGE_BYTES)?.configValue);
    });
  }

  resetGroupToEarliest(groupId: string, topics: readonly string[]): Promise<void> {
    return wrap(`resetting ${groupId} to the earliest offsets`, async () => {
      // Each partition's actual log start: kafkajs's resetOffsets would commit the marker -2 instead.
      for (const topic of topics) {
        const partitions = (await this.admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.low }));
        await this.admin.setOffsets({ groupId, topic, partitions });
      }
    });
  }

  close(): Promise<void> {
    return this.admin.disconnect();
  }
}

class KafkajsProducer implements DriverProducer {
  private readonly acks: -1 | 0 | 1;
  /**
   * An idempotent producer's overlapping sends reached a partition out of call order (a test caught
   * two sends swapped): its sends go one request at a time, what queues meanwhile in the next.
   */
  private readonly grouped: GroupCommitQueue<OutgoingMessage> | undefined;
  /**
   * The producer must be replaced before its next send: an idempotent or transactional one after a
   * failed send, whose records may have been written though kafkajs took their sequence numbers
   * back (the next records would reuse them, and the broker would drop them as duplicates while
   * acknowledging them); a transactional one also after a failed abort.
   */
  private stale = false;

  constructor(
    private producer: Producer,
    private readonly options: ProducerOptions,
    /** A new connected kafkajs producer with the same settings (a new producer id, or a new epoch of the transactional id). */
    private readonly renew: () => Promise<Producer>,
    private readonly placement: RecordPlacement,
    private readonly deliveryTimeoutMs: number | undefined,
  ) {
    this.acks = options.acks === 'all' ? -1 : options.acks === 'leader' ? 1 : 0;
    if (options.idempotent) this.grouped = new GroupCommitQueue((batch) => this.sendNow(batch), messageBytes, MAX_MERGED_REQUEST_BYTES);
  }

  send(messages: readonly OutgoingMessage[]): Promise<void> {
    return this.grouped ? this.grouped.send(messages) : this.sendNow(messages);
  }

  private sendNow(messages: readonly OutgoingMessage[]): Promise<void> {
    return wrap('sending', async () => {
      await this.replaceStale();
      const compression = KAFKAJS_COMPRESSION[this.options.compression];
      const batch = [...byTopic(messages)].map(([topic, group]) => ({ topic, messages: group.map(toKafkajsMessage) }));
      if (this.acks === 0) {
        await this.producer.sendBatch({ acks: 0, compression, topicMessages: batch });
        return;
      }
      try {
        const send = () => this.placement.sendCovering((topicMessages) => this.producer.sendBatch({ acks: this.acks, compression, topicMessages }), batch);
        // Never made again whole by an idempotent producer: kafkajs keeps the sequence numbers of the
        // partitions that were answered before the send failed, so their records would go again
        // under new ones, and the broker would write them twice (bench:chaos saw orders twice on
        // the order topic after a leader kill). kafkajs's own retry (above) covers the delivery timeout.
        await (this.options.idempotent ? send() : deliverWithin(this.deliveryTimeoutMs, send, (error) => isTransient(driverError(error, 'sending'))));
      } catch (error) {
        if (this.options.idempotent) this.stale = true;
        throw error;
      }
    });
  }

  sendInTransaction(messages: readonly OutgoingMessage[], offsets?: TransactionOffsets): Promise<void> {
    return wrap('committing a transaction', async () => {
      await this.replaceStale();
      // kafkajs fences the transactional id at a producer's first transaction(), not at connect: its
      // InitProducerId waits until the earlier transaction is decided, and only then is whether that
      // one committed its offsets (its answer lost) a stable question. Asked before, a commit still
      // writing its markers looks undone, and the batch was committed twice.
      const transaction = await this.producer.transaction();
      try {
        if (offsets?.alreadyCommitted && (await offsets.alreadyCommitted())) {
          // Nothing was added to it: kafkajs ends it without a request.
          await transaction.abort();
          return;
        }
        if (messages.length > 0) {
          const batch = [...byTopic(messages)].map(([topic, group]) => ({ topic, messages: group.map(toKafkajsMessage) }));
          await this.placement.sendCovering((topicMessages) => transaction.sendBatch({ acks: -1, compression: KAFKAJS_COMPRESSION[this.options.compression], topicMessages }), batch);
        }
        if (offsets) {
          const topics = [...new Set(offsets.offsets.map((o) => o.topic))].map((topic) => ({
            topic,
            partitions: offsets.offsets.filter((o) => o.topic === topic).map((o) => ({ partition: o.partition, offset: String(o.offset) })),
          }));
          await transaction.sendOffsets({ consumerGroupId: offsets.consumer.groupId, topics });
        }
        await transaction.commit();
      } catch (error) {
        this.stale = true;
        await transaction.abort().catch(() => this.replaceAfterFailedAbort());
        throw error;
      }
    });
  }

  /**
   * The abort did not reach the coordinator (down, or moving): kafkajs is left in state ABORTING
   * ("Cannot call beginTransaction in state ABORTING") and the transaction may still be open on the
   * broker. A new producer of the same transactional id gets a new epoch at its first transaction,
   * which aborts the open one first, so nothing of the failed one is ever committed.
   */
  private async replaceAfterFailedAbort(): Promise<void> {
    this.stale = true;
    // The cluster may not answer yet: then the next transaction makes the new producer first.
    await this.replaceStale().catch(() => undefined);
  }

  private async replaceStale(): Promise<void> {
    if (!this.stale) return;
    await this.producer.disconnect().catch(() => undefined);
    this.producer = await this.renew();
    this.stale = false;
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}

class KafkajsConsumer implements DriverConsumer {
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private readonly crashListeners: ((error: Error) => void)[] = [];
  /** What the handler finished: a restart in place from lagging committed offsets does not hand it over again. */
  private readonly handled = new HandledOffsets();

  constructor(
    private readonly consumer: Consumer,
    private readonly options: ConsumerOptions,
  ) {
    consumer.on(consumer.events.CRASH, (event) => {
      // kafkajs restarts the consumer itself after a retriable error; only a final crash is reported.
      if (!event.payload.restart) this.crash(driverError(event.payload.error, `consumer of ${options.groupId}`));
    });
  }

  private crash(error: DriverError): void {
    if (this.stopping) return;
    for (const listener of this.crashListeners) listener(error);
    void this.stop();
  }

  get groupId(): string {
    return this.options.groupId;
  }

  run(handler: BatchHandler): Promise<void> {
    return wrap(`starting the consumer of ${this.options.groupId}`, async () => {
      await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning });
      await this.consumer.run({
        autoCommit: false,
        // Resolving moves the consumer's position past the batch (the commit stays explicit); unresolved, kafkajs fetches it again.
        eachBatchAutoResolve: true,
        eachBatch: async (payload) => {
          const { batch } = payload;
          const consumed = this.handled.unhandled({ topic: batch.topic, partition: batch.partition, messages: batch.messages.map((message) => consumedMessage(batch.topic, batch.partition, message)) });
          if (consumed.messages.length === 0) return;
          const context = this.handled.contextFor(consumed, () => !this.stopping && payload.isRunning() && !payload.isStale());
          try {
            await withHeartbeat(2_000, () => payload.heartbeat(), () => handler(consumed, context));
            context.settle();
          } catch (error) {
            // kafkajs would retry the batch and restart; the contract says a throwing handler crashes the consumer.
            this.crash(error instanceof DriverError ? error : driverError(error, `consumer of ${this.options.groupId}`));
          }
        },
      });
    });
  }

  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    return wrap(`committing offsets of ${this.options.groupId}`, () =>
      this.consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) }))),
    );
  }

  pause(): void {
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
  }

  resume(): void {
    this.consumer.resume(this.options.topics.map((topic) => ({ topic })));
  }

  stop(): Promise<void> {
    this.stopping = true;
    this.stopped ??= this.consumer.disconnect();
    return this.stopped;
  }

  onCrash(listener: (error: Error) => void): void {
    this.crashListeners.push(listener);
  }
}

class KafkajsClient implements KafkaClient {
  readonly driver = info;
  private readonly kafka: Kafka;

  constructor(private readonly options: ClientOptions) {
    registerCodecs();
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: LEVELS[options.logLevel ?? 'warn'],
      logCreator: stderrLogCreator,
      connectionTimeout: options.connectTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      retry: { retries: options.retries ?? 5, initialRetryTime: 100 },
    });
  }

  async admin(): Promise<DriverAdmin> {
    const admin = this.kafka.admin();
    await wrap(`connecting to ${this.options.brokers.join(',')}`, () =>
      closingOnFailure(
        () => admin.connect(),
        () => admin.disconnect(),
      ),
    );
    return new KafkajsAdmin(admin);
  }

  async producer(options: ProducerOptions): Promise<DriverProducer> {
    const idempotent = options.idempotent || options.transactionalId !== undefined;
    if (idempotent && options.acks !== 'all') throw new DriverError('UNSUPPORTED', 'an idempotent producer needs acks=all');
    const placement = new RecordPlacement();
    const create = (): Producer => this.kafka.producer({
      idempotent,
      // kafkajs keeps the idempotent producer's sequence numbers right with one request in flight.
      maxInFlightRequests: idempotent ? 1 : 5,
      createPartitioner: placement.partitioner,
      allowAutoTopicCreation: false,
      ...(options.transactionalId ? { transactionalId: options.transactionalId } : {}),
      // Bounded retries: a send to a dead cluster must fail, not hang. With a delivery timeout,
      // kafkajs itself keeps making a failed send again for that long (about a second apart): its
      // retry goes only to the brokers that have not answered.
      retry: this.options.deliveryTimeoutMs ? { retries: Math.ceil(this.options.deliveryTimeoutMs / 1_000), initialRetryTime: 100, maxRetryTime: 1_000 } : { retries: this.options.retries ?? 5, initialRetryTime: 100 },
    });
    const connected = async (): Promise<Producer> => {
      const producer = create();
      await wrap(`connecting to ${this.options.brokers.join(',')}`, () =>
        closingOnFailure(
          () => producer.connect(),
          () => producer.disconnect(),
        ),
      );
      return producer;
    };
    return new KafkajsProducer(await connected(), options, connected, placement, this.options.deliveryTimeoutMs);
  }

  async consumer(options: ConsumerOptions): Promise<DriverConsumer> {
    if (options.groupInstanceId !== undefined) throw new DriverError('UNSUPPORTED', 'the kafkajs driver has no static membership (group.instance.id); use --driver platformatic or confluent');
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // A fetch returns as soon as data is there; the wait bounds how long stop() or resume() waits on an idle fetch.
      maxWaitTimeInMs: options.maxWaitMs ?? 500,
      // How soon the partitions of a crashed member go to the others (kafkajs's default is 30 s).
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: Math.min(3_000, Math.floor((options.sessionTimeoutMs ?? 10_000) / 3)),
    });
    await wrap(`connecting to ${this.options.brokers.join(',')}`, () =>
      closingOnFailure(
        () => consumer.connect(),
        () => consumer.disconnect(),
      ),
    );
    return new KafkajsConsumer(consumer, options);
  }
}

const info: DriverInfo = {
  name: 'kafkajs',
  library: 'kafkajs',
  version: packageVersion('kafkajs', import.meta.url),
  capabilities: { compressions: ['none', 'gzip', 'snappy', 'lz4', 'zstd'], transactions: true, staticMembership: false, workerThreads: true },
};

export const driver: KafkaDriver = {
  info,
  client: (options) => new KafkajsClient(options),
};
