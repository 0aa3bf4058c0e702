/** The platformatic driver: @platformatic/kafka, a TypeScript client with its own protocol code. */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Admin,
  compressionsAlgorithms,
  ConfigResourceTypes,
  Consumer,
  FetchIsolationLevels,
  Producer,
  type Message,
  type MessagesStream,
  type MessageToProduce,
} from '@platformatic/kafka';
import type {
  BatchHandler,
  ClientOptions,
  ClusterInfo,
  Compression,
  ConsumedMessage,
  ConsumerOptions,
  DriverAdmin,
  DriverConsumer,
  DriverInfo,
  DriverProducer,
  GroupInfo,
  Headers,
  KafkaClient,
  KafkaDriver,
  OutgoingMessage,
  PartitionOffsets,
  ProducerOptions,
  TopicPartitionOffset,
  TopicSpec,
  TransactionOffsets,
} from '../driver.js';
import { HandledOffsets } from '../handled-offsets.js';
import { DriverError, isTransient } from '../errors.js';
import { carries, driverError, lostMembership, wrap, writtenPartitions } from './errors.js';
import { byPartition, closingOnFailure, deliverWithin, maxMessageBytesValue, createMissingTopics, MAX_MESSAGE_BYTES, GroupCommitQueue, MAX_MERGED_REQUEST_BYTES, messageBytes, murmur2, packageVersion, SerialQueue, toBuffer } from '../support.js';

/** Connection settings every platformatic client takes from ClientOptions. */
function baseOptions(options: ClientOptions) {
  return {
    clientId: options.clientId,
    bootstrapBrokers: [...options.brokers],
    connectTimeout: options.connectTimeoutMs ?? 3_000,
    timeout: options.requestTimeoutMs ?? 30_000,
    // More than one, or an idempotent producer retries for ever (an unreachable broker would hang it).
    retries: Math.max(2, options.retries ?? 5),
    retryDelay: 250,
  };
}

/** Header names go as bytes too: the default serializers pass them through unchanged. */
function headerMap(headers: Headers): Map<Buffer, Buffer> {
  const map = new Map<Buffer, Buffer>();
  for (const [name, value] of Object.entries(headers)) map.set(Buffer.from(name), toBuffer(value));
  return map;
}

/** The messages as the library takes them; messages that share one headers object (a batch's) share one map. */
function toProduced(messages: readonly OutgoingMessage[]): MessageToProduce[] {
  let lastHeaders: Headers | undefined;
  let lastMap = new Map<Buffer, Buffer>();
  return messages.map((message) => {
    if (message.headers !== lastHeaders) {
      lastHeaders = message.headers;
      lastMap = message.headers ? headerMap(message.headers) : new Map<Buffer, Buffer>();
    }
    const produced: MessageToProduce = { topic: message.topic, headers: lastMap };
    if (message.key !== null) produced.key = toBuffer(message.key);
    if (message.value !== null) produced.value = toBuffer(message.value);
    return produced;
  });
}

/** Java's default partitioner before the modulo (murmur2, made positive by masking); a null key goes to partition 0. */
const partitionHash = (key: Buffer | undefined): number => (key ? murmur2(key) & 0x7fffffff : 0);

/** The library's types promise a key and value, but a null one arrives as undefined. */
const nullable = (bytes: Buffer | undefined): Buffer | null => bytes ?? null;

function consumedMessage(message: Message): ConsumedMessage {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of message.headers) {
    const key = name.toString();
    if (!(key in headers)) headers[key] = value;
  }
  return { topic: message.topic, partition: message.partition, offset: Number(message.offset), key: nullable(message.key), value: nullable(message.value), headers };
}

/** The library's PREPARING_REBALANCE as the interface's PreparingRebalance (Kafka's own names). */
function groupState(state: string): string {
  return state
    .toLowerCase()
    .split('_')
    .map((word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`)
    .join('');
}

class PlatformaticAdmin implements DriverAdmin {
  constructor(private readonly admin: Admin) {}

  describeCluster(): Promise<ClusterInfo> {
    return wrap('describing the cluster', async () => {
      // forceUpdate: a round trip to the cluster, never the client's cached metadata (a stopped broker must show).
      const metadata = await this.admin.metadata({ topics: [], forceUpdate: true });
      return { clusterId: metadata.id, controller: metadata.controllerId, brokers: [...metadata.brokers].map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port })) };
    });
  }

  describeGroup(groupId: string): Promise<GroupInfo> {
    return wrap(`describing group ${groupId}`, async () => {
      const group = (await this.admin.describeGroups({ groups: [groupId] })).get(groupId);
      return { state: group ? groupState(group.state) : 'Unknown', members: group?.members.size ?? 0 };
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
          // One request per topic: the call takes one partition count and replication factor for all its topics.
          for (const spec of missing) {
            await this.admin.createTopics({
              topics: [spec.topic],
              partitions: spec.partitions,
              replicas: spec.replicationFactor ?? -1,
              configs: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
            });
          }
          await this.waitForLeaders(missing.map((spec) => spec.topic));
        },
      ),
    );
  }

  /** Until every partition of the topics has a leader, so that the first send does not meet a missing one. */
  private async waitForLeaders(topics: readonly string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const metadata = await this.admin.metadata({ topics: [...topics], forceUpdate: true });
        if (topics.every((topic) => metadata.topics.get(topic)?.partitions.every((p) => p.leader >= 0))) return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new DriverError('TIMEOUT', `the partitions of ${topics.join(', ')} got no leader within 30 s`);
      await sleep(50);
    }
  }

  deleteTopics(topics: readonly string[]): Promise<void> {
    return wrap('deleting topics', () => this.admin.deleteTopics({ topics: [...topics] }));
  }

  endOffsets(topic: string): Promise<PartitionOffsets[]> {
    return wrap(`reading the offsets of ${topic}`, async () => {
      const metadata = await this.admin.metadata({ topics: [topic] });
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      const partitions = Array.from({ length: count }, (_, partitionIndex) => partitionIndex);
      // Timestamps -2 and -1 ask for the log start and the end offsets.
      const ask = (timestamp: bigint) => this.admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }] });
      const [low, high] = await Promise.all([ask(-2n), ask(-1n)]);
      const lows = new Map((low[0]?.partitions ?? []).map((p) => [p.partitionIndex, Number(p.offset)]));
      return (high[0]?.partitions ?? []).map((p) => ({ partition: p.partitionIndex, low: lows.get(p.partitionIndex) ?? 0, high: Number(p.offset) })).sort((a, b) => a.partition - b.partition);
    });
  }

  partitionLeaders(topic: string): Promise<Map<number, number>> {
    return wrap(`reading the leaders of ${topic}`, async () => {
      // forceUpdate: the leaders now, not the client's cached metadata from before a broker died.
      const metadata = await this.admin.metadata({ topics: [topic], forceUpdate: true });
      return new Map((metadata.topics.get(topic)?.partitions ?? []).map((p, partition) => [partition, p.leader]));
    });
  }

  committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
    return wrap(`reading the committed offsets of ${groupId}`, async () => {
      const metadata = await this.admin.metadata({ topics: [topic] });
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      const [group] = await this.admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: Array.from({ length: count }, (_, i) => i) }] }] });
      const partitions = group?.topics.find((t) => t.name === topic)?.partitions ?? [];
      return new Map(partitions.filter((p) => p.committedOffset >= 0n).map((p) => [p.partitionIndex, Number(p.committedOffset)]));
    });
  }

  maxMessageBytes(topic: string): Promise<number> {
    return wrap(`reading the max.message.bytes of ${topic}`, async () => {
      const [description] = await this.admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: [MAX_MESSAGE_BYTES] }] });
      return maxMessageBytesValue(description?.configs.find((entry) => entry.name === MAX_MESSAGE_BYTES)?.value);
    });
  }

  resetGroupToEarliest(groupId: string, topics: readonly string[]): Promise<void> {
    return wrap(`resetting ${groupId} to the earliest offsets`, async () => {
      const entries = await Promise.all(topics.map(async (topic) => ({ name: topic, partitionOffsets: (await this.endOffsets(topic)).map((p) => ({ partition: p.partition, offset: BigInt(p.low) })) })));
      await this.admin.alterConsumerGroupOffsets({ groupId, topics: entries });
    });
  }

  close(): Promise<void> {
    return this.admin.close();
  }
}

class PlatformaticProducer implements DriverProducer {
  /** An idempotent producer sends one request at a time: overlapping sends broke its sequence numbers (OUT_OF_ORDER_SEQUENCE_NUMBER). */
  private readonly queue = new SerialQueue();
  /** ...and sends queued behind one in flight go together in the next request, instead of one round trip each. */
  private readonly grouped: GroupCommitQueue<OutgoingMessage> | undefined;

  constructor(
    private producer: Producer,
    private readonly idempotent: boolean,
    /** A new library producer with the same settings (a new producer id, or a new epoch of the transactional id). */
    private readonly renew: () => Producer,
    private readonly deliveryTimeoutMs: number | undefined,
  ) {
    // Through the serial queue too, so that a transaction never overlaps a send.
    if (idempotent) this.grouped = new GroupCommitQueue((messages) => this.queue.run(() => this.sendNow(messages)), messageBytes, MAX_MERGED_REQUEST_BYTES);
  }

  send(messages: readonly OutgoingMessage[]): Promise<void> {
    return this.grouped ? this.grouped.send(messages) : this.sendNow(messages);
  }

  private sendNow(messages: readonly OutgoingMessage[]): Promise<void> {
    return wrap('sending', async () => {
      try {
        // The library moves a partition's sequence number on only when its records are acknowledged:
        // the same records again get the same ones. Those of a partition it acknowledged before the
        // send failed do not go again: under new sequence numbers the broker would write them twice
        // (bench:chaos saw orders twice on the order topic after a leader kill).
        const written = new Set<string>();
        let pending = toProduced(messages);
        await deliverWithin(this.deliveryTimeoutMs, async () => {
          if (written.size > 0) pending = await this.withoutPartitions(pending, written);
          if (pending.length === 0) return;
          try {
            await this.producer.send({ messages: pending });
          } catch (error) {
            for (const partition of writtenPartitions(error)) written.add(partition);
            throw error;
          }
        }, (error) => isTransient(driverError(error, 'sending')), () => { this.producer.clearMetadata(); });
      } catch (error) {
        // The failed records may have been written under their sequence numbers, and the library
        // keeps its producer id and sequences (it cannot recover from OUT_OF_ORDER_SEQUENCE_NUMBER
        // either): the next records go from a new producer id, so none is taken for a duplicate.
        if (this.idempotent) await this.replace();
        throw error;
      }
    });
  }

  /** The messages that do not go to one of `partitions` ("topic:partition"), placed as the partitioner places them. */
  private async withoutPartitions(messages: MessageToProduce[], partitions: ReadonlySet<string>): Promise<MessageToProduce[]> {
    const metadata = await this.producer.metadata({ topics: [...new Set(messages.map((m) => m.topic))] });
    return messages.filter((m) => {
      const count = metadata.topics.get(m.topic)?.partitionsCount;
      return count === undefined || !partitions.has(`${m.topic}:${partitionHash(m.key) % count}`);
    });
  }

  private async replace(): Promise<void> {
    const old = this.producer;
    this.producer = this.renew();
    await old.close().catch(() => undefined);
  }

  sendInTransaction(messages: readonly OutgoingMessage[], offsets?: TransactionOffsets): Promise<void> {
    if (offsets && !(offsets.consumer instanceof PlatformaticConsumer)) return Promise.reject(new DriverError('UNSUPPORTED', 'a transaction takes the offsets of a consumer of the same driver'));
    const consumer = offsets?.consumer instanceof PlatformaticConsumer ? offsets.consumer : undefined;
    return this.queue.run(() =>
      wrap('committing a transaction', async () => {
        // Producer id and epoch -1: "none yet". The library would send 0 and 0, which the broker
        // answers with PRODUCER_FENCED whenever the transactional id was used before (a restart).
        const library = consumer?.raw;
        let transaction: Awaited<ReturnType<Producer['beginTransaction']>> | undefined;
        try {
          transaction = await this.producer.beginTransaction({ producerId: -1n, producerEpoch: -1 });
          // After a failure the producer is a new one, whose first transaction fenced the id in (InitProducerId decides the earlier one).
          if (offsets?.alreadyCommitted && (await offsets.alreadyCommitted())) {
            await transaction.cancel().catch(() => undefined);
            // The library may still hold the cancelled transaction ("There is already an active transaction").
            await this.replace();
            return;
          }
          if (messages.length > 0) await transaction.send({ messages: toProduced(messages) });
          if (offsets && consumer && library) {
            await transaction.addConsumer(library);
            for (const offset of offsets.offsets) await transaction.addOffset(consumer.messageBefore(offset));
          }
          await transaction.commit();
        } catch (error) {
          if (consumer && library && lostMembership(error)) consumer.rejoin(library, driverError(error, `consumer of ${consumer.groupId}`));
          const failed = transaction;
          // A begin that failed part-way leaves no transaction to abort, but the library may hold one: replaced below either way.
          if (failed) await failed.abort().catch(() => failed.cancel().catch(() => undefined));
          // The library keeps its producer id and sequence numbers after a failure, and an abort that
          // did not reach the coordinator leaves the transaction open there: a new producer gets a new
          // epoch at its first transaction, which decides the open one, so nothing of it is committed.
          await this.replace();
          throw error;
        }
      }),
    );
  }


  close(): Promise<void> {
    return this.producer.close();
  }
}

/** How long a consumer keeps making new streams after retriable errors with no message read: longer than a broker's restart or an election. */
const RECOVERY_LIMIT_MS = 120_000;
const RECOVERY_BACKOFF_MS = 500;

class PlatformaticConsumer implements DriverConsumer {
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private stopping = false;
  private paused = false;
  private loop: Promise<void> = Promise.resolve();
  private stopped: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly crashListeners: ((error: Error) => void)[] = [];
  /** The last message read from each partition: a transaction's offset is committed with its group metadata. */
  private readonly lastMessages = new Map<string, Message>();
  /** Since when the stream has failed without a fetch answered in between; undefined while it reads. */
  private failingSince: number | undefined;
  /**
   * What the handler finished: a stream made by a recovery starts at the committed offsets, which
   * may lag it (a transaction still being retried when the stream was made).
   */
  private readonly handled = new HandledOffsets();
  /** A recovery is under way. */
  private recovering = false;
  /** The next recovery replaces the library's consumer (its connections or its group state went bad). */
  private mustReplace = false;

  constructor(
    private library: Consumer,
    private readonly options: ConsumerOptions,
    /** A new library consumer with the same settings, connected: one whose connections went bad is replaced by it. */
    private readonly renew: () => Promise<Consumer>,
  ) {
    this.watchLibrary(library);
  }

  /**
   * The library's consumer emits 'error' when its group membership fails for good ("rejoinGroup
   * failed 6 times": the coordinator was moving); unheard, that event would end the process. Its
   * group state is then lost, so it is replaced by a new one.
   */
  private watchLibrary(library: Consumer): void {
    library.on('error', (error: Error) => {
      if (library === this.library) this.recover(driverError(error, `consumer of ${this.options.groupId}`), true);
    });
  }

  /** The library's consumer now (a recovery may have replaced it): a transaction takes its group metadata. */
  get raw(): Consumer {
    return this.library;
  }

  get groupId(): string {
    return this.options.groupId;
  }

  run(handler: BatchHandler): Promise<void> {
    return wrap(`starting the consumer of ${this.options.groupId}`, async () => {
      await this.openStream();
      this.loop = this.consume(handler).catch((error: unknown) => {
        this.crash(error instanceof DriverError ? error : driverError(error, `consumer of ${this.options.groupId}`));
      });
    });
  }

  /** A stream from the group's committed offsets (the first, or the one after a recovery). */
  private async openStream(): Promise<void> {
    const stream = await this.library.consume({
      topics: [...this.options.topics],
      mode: 'committed',
      fallbackMode: this.options.fromBeginning ? 'earliest' : 'latest',
      autocommit: false,
    });
    this.stream = stream;
    stream.on('error', (error: Error) => {
      this.recover(driverError(error, `consumer of ${this.options.groupId}`));
    });
    stream.on('readable', () => this.wake?.());
    // A fetch answered without ending the stream (it ends in the same turn on an error): healthy again, idle or not.
    stream.on('fetch', () => {
      setImmediate(() => {
        if (!stream.destroyed) this.failingSince = undefined;
      });
    });
  }

  /**
   * The library's stream ends on any fetch that failed its retries, which it makes against the
   * metadata it had: while a broker is down (killed, paused, or a leader not elected yet) that
   * fails at once. A retriable error gets a new stream on fresh metadata, from the committed
   * offsets (what was handed out and not committed comes again, as after a rebalance). An error
   * the library does not classify (bench:chaos saw "fetch failed 6 times. (Out of bounds.)": it
   * misread the tagged fields of a moved leader's answers, now patched) gets a new library
   * consumer, with connections of its own. Either for as long as RECOVERY_LIMIT_MS without
   * a fetch answered; a protocol error that is not retriable, or a longer failure, crashes it.
   */
  private recover(error: DriverError, libraryFailed = false): void {
    if (this.stopping) return;
    const retriable = isTransient(error);
    const unclassified = !retriable && error.code === 'FAILED' && !carries(error.cause, 'code', 'PLT_KFK_PROTOCOL');
    this.failingSince ??= Date.now();
    if ((!retriable && !unclassified && !libraryFailed) || Date.now() - this.failingSince > RECOVERY_LIMIT_MS) {
      this.crash(error);
      return;
    }
    if (unclassified || libraryFailed) this.mustReplace = true;
    // One recovery at a time (the stream and the library can fail together); its own failure starts the next.
    if (this.recovering) return;
    this.recovering = true;
    const old = this.stream;
    this.stream = undefined;
    setTimeout(() => {
      if (this.stopping) return;
      void (async () => {
        await old?.close().catch(() => undefined);
        if (this.mustReplace) {
          await this.replaceLibraryConsumer();
          this.mustReplace = false;
        } else {
          this.library.clearMetadata();
        }
        await this.openStream();
      })().then(
        () => {
          this.recovering = false;
        },
        (reopenError: unknown) => {
          this.recovering = false;
          this.recover(reopenError instanceof DriverError ? reopenError : driverError(reopenError, `consumer of ${this.options.groupId}`));
        },
      );
    }, RECOVERY_BACKOFF_MS).unref();
  }

  /**
   * The group no longer knows the membership of `library` (a transaction's offsets were refused): a
   * new library consumer joins again, unless that one is replaced already or has not joined yet.
   */
  rejoin(library: Consumer, error: DriverError): void {
    if (library !== this.library || library.memberId === null || this.recovering) return;
    this.recover(error, true);
  }

  private async replaceLibraryConsumer(): Promise<void> {
    const old = this.library;
    this.library = await this.renew();
    this.watchLibrary(this.library);
    await old.close().catch(() => undefined);
  }

  /** Reads what the stream holds, one batch per partition, and hands each to the handler in turn. */
  private async consume(handler: BatchHandler): Promise<void> {
    const isActive = (): boolean => !this.stopping;
    while (!this.stopping) {
      const messages: ConsumedMessage[] = [];
      const stream = this.stream;
      if (!this.paused && stream) {
        for (let message = stream.read() as Message | null; message !== null; message = stream.read() as Message | null) {
          messages.push(consumedMessage(message));
          this.lastMessages.set(`${message.topic}:${message.partition}`, message);
        }
      }
      if (messages.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          // Also looks again after a while: a 'readable' can come while a batch is in hand.
          setTimeout(resolve, 100).unref();
        });
        this.wake = undefined;
        continue;
      }
      for (const batch of byPartition(messages).map((consumed) => this.handled.unhandled(consumed))) {
        if (!isActive()) break;
        if (batch.messages.length === 0) continue;
        const context = this.handled.contextFor(batch, isActive);
        await handler(batch, context);
        context.settle();
      }
    }
  }

  private crash(error: DriverError): void {
    if (this.stopping) return;
    for (const listener of this.crashListeners) listener(error);
    void this.stop();
  }

  /** A consumed message standing for `offset` - 1 of its partition, with the group metadata a transaction needs. */
  messageBefore(offset: TopicPartitionOffset): Message {
    const last = this.lastMessages.get(`${offset.topic}:${offset.partition}`);
    if (!last) throw new DriverError('FAILED', `no message of ${offset.topic}/${offset.partition} was consumed, so its offset cannot go in a transaction`);
    // The group as it is now: the library stamps each message with the group's coordinator and
    // generation when it was fetched, and a transaction sends its offsets there, to a coordinator
    // that may have moved since (NOT_COORDINATOR on every attempt after a broker failed).
    const library = this.library;
    const consumer = { groupId: library.groupId, memberId: library.memberId ?? '', generationId: library.generationId, coordinatorId: library.coordinatorId };
    return { ...last, offset: BigInt(offset.offset) - 1n, metadata: { ...last.metadata, consumer } };
  }

  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    return wrap(`committing offsets of ${this.options.groupId}`, () =>
      // Leader epoch -1: unknown, which the broker accepts without fencing.
      this.library.commit({ offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1 })) }),
    );
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.wake?.();
      await this.loop;
      await this.stream?.close().catch(() => undefined);
      await this.library.close().catch(() => undefined);
    })();
    return this.stopped;
  }

  onCrash(listener: (error: Error) => void): void {
    this.crashListeners.push(listener);
  }
}

class PlatformaticClient implements KafkaClient {
  readonly driver = info;

  constructor(private readonly options: ClientOptions) {}

  async admin(): Promise<DriverAdmin> {
    const admin = new Admin(baseOptions(this.options));
    await wrap(`connecting to ${this.options.brokers.join(',')}`, () =>
      closingOnFailure(
        () => admin.metadata({ topics: [] }),
        () => admin.close(),
      ),
    );
    return new PlatformaticAdmin(admin);
  }

  async producer(options: ProducerOptions): Promise<DriverProducer> {
    const idempotent = options.idempotent || options.transactionalId !== undefined;
    if (idempotent && options.acks !== 'all') throw new DriverError('UNSUPPORTED', 'an idempotent producer needs acks=all');
    checkCompression(options.compression);
    const create = (): Producer => new Producer({
      ...baseOptions(this.options),
      idempotent,
      acks: options.acks === 'all' ? -1 : options.acks === 'leader' ? 1 : 0,
      compression: options.compression,
      // Java's default partitioner (murmur2, made positive by masking): keys land where they would from
      // any other client. The library's own murmur2 does the same in BigInt arithmetic, several times slower.
      partitioner: (_message, key) => partitionHash(key),
      autocreateTopics: false,
      ...(options.transactionalId ? { transactionalId: options.transactionalId } : {}),
    });
    const producer = create();
    await wrap(`connecting to ${this.options.brokers.join(',')}`, () =>
      closingOnFailure(
        async () => {
          await producer.metadata({ topics: [] });
          // A transactional producer gets its id when its first transaction begins.
          if (idempotent && !options.transactionalId) await producer.initIdempotentProducer({});
        },
        () => producer.close(),
      ),
    );
    return new PlatformaticProducer(producer, idempotent, create, this.options.deliveryTimeoutMs);
  }

  async consumer(options: ConsumerOptions): Promise<DriverConsumer> {
    const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
    const create = (): Consumer => new Consumer({
      ...baseOptions(this.options),
      groupId: options.groupId,
      sessionTimeout,
      rebalanceTimeout: sessionTimeout,
      heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
      maxWaitTime: options.maxWaitMs ?? 500,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      autocommit: false,
      ...(options.groupInstanceId !== undefined ? { groupInstanceId: options.groupInstanceId } : {}),
    });
    const connected = async (): Promise<Consumer> => {
      const consumer = create();
      await wrap(`connecting to ${this.options.brokers.join(',')}`, () =>
        closingOnFailure(
          () => consumer.metadata({ topics: [] }),
          () => consumer.close(),
        ),
      );
      return consumer;
    };
    return new PlatformaticConsumer(await connected(), options, connected);
  }
}

function checkCompression(compression: Compression): void {
  if (!info.capabilities.compressions.includes(compression)) {
    throw new DriverError('UNSUPPORTED', `the platformatic driver cannot compress with ${compression} on Node ${process.versions.node} (it does ${info.capabilities.compressions.join(', ')})`);
  }
}

const info: DriverInfo = {
  name: 'platformatic',
  library: '@platformatic/kafka',
  // With the project's fixes to it (patches/, applied by npm's postinstall): the figures are of that code.
  version: `${packageVersion('@platformatic/kafka', import.meta.url)} (patched)`,
  capabilities: {
    // zstd needs the zlib of Node 22.15 or newer.
    compressions: (['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const).filter((name) => compressionsAlgorithms[name].available),
    transactions: true,
    staticMembership: true,
    workerThreads: true,
  },
};

export const driver: KafkaDriver = {
  info,
  client: (options) => new PlatformaticClient(options),
};
