/** Small pieces every driver adapter needs; no client library here. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BROKER_DEFAULT_MAX_MESSAGE_BYTES, type ConsumedBatch, type ConsumedMessage, type OutgoingMessage, type TopicSpec } from './driver.js';

/** Messages grouped by topic, each group in the order given. */
export function byTopic(messages: readonly OutgoingMessage[]): Map<string, OutgoingMessage[]> {
  const groups = new Map<string, OutgoingMessage[]>();
  for (const message of messages) {
    const group = groups.get(message.topic);
    if (group) group.push(message);
    else groups.set(message.topic, [message]);
  }
  return groups;
}

/** Consumed messages grouped into one batch per partition, each in offset order as received. */
export function byPartition(messages: readonly ConsumedMessage[]): ConsumedBatch[] {
  const batches = new Map<string, { topic: string; partition: number; messages: ConsumedMessage[] }>();
  for (const message of messages) {
    const key = `${message.topic}\u0000${message.partition}`;
    const batch = batches.get(key);
    if (batch) batch.messages.push(message);
    else batches.set(key, { topic: message.topic, partition: message.partition, messages: [message] });
  }
  return [...batches.values()];
}

/** A message's key, value and header bytes, near enough to bound a request's size. */
export function messageBytes(message: OutgoingMessage): number {
  let bytes = (message.key?.length ?? 0) + (message.value?.length ?? 0);
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += name.length + Buffer.byteLength(value);
  return bytes;
}

/** The topic configuration that bounds a record batch. */
export const MAX_MESSAGE_BYTES = 'max.message.bytes';

/** A numeric configuration value as the broker answered it; the broker's default when it gave none. */
export function maxMessageBytesValue(value: string | null | undefined): number {
  const number = value === null || value === undefined ? Number.NaN : Number(value);
  return Number.isInteger(number) && number > 0 ? number : BROKER_DEFAULT_MAX_MESSAGE_BYTES;
}

export function toBuffer(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

/**
 * Creates the topics that are missing, tolerating a concurrent creator (another stage may create
 * them meanwhile); returns the names this call created.
 */
export async function createMissingTopics(
  specs: readonly TopicSpec[],
  listTopics: () => Promise<string[]>,
  create: (missing: readonly TopicSpec[]) => Promise<void>,
): Promise<string[]> {
  const existing = new Set(await listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length === 0) return [];
  try {
    await create(missing);
  } catch (error) {
    const now = new Set(await listTopics());
    if (!missing.every((spec) => now.has(spec.topic))) throw error;
  }
  return missing.map((spec) => spec.topic);
}

/**
 * Runs sends one after another: an idempotent producer whose sends overlap can have its
 * sequence numbers reach a partition out of order, so each waits for the one before.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Merged sends stay well under the broker's default limit of 1 MiB a record batch. */
export const MAX_MERGED_REQUEST_BYTES = 512 * 1024;

/** A send waiting for the request it will go in: its messages and whom to tell. */
interface PendingSend<M> {
  readonly messages: readonly M[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One request in flight at a time, as an idempotent producer needs, without making each send wait
 * for every send queued before it: the sends that arrive while a request is in flight go together
 * in the next one (group commit), in the order they came, and each is resolved or rejected with
 * that request. A backlog of N sends costs one round trip, not N.
 */
export class GroupCommitQueue<M> {
  private pending: PendingSend<M>[] = [];
  private inFlight = false;

  /** `deliver` sends one request; a merged request weighs at most `maxWeight` by `weigh` (a lone heavier send still goes whole). */
  constructor(
    private readonly deliver: (messages: readonly M[]) => Promise<void>,
    private readonly weigh: (message: M) => number,
    private readonly maxWeight: number,
  ) {}

  send(messages: readonly M[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ messages, resolve, reject });
      if (!this.inFlight) this.next();
    });
  }

  private next(): void {
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    this.inFlight = true;
    const messages = batch.length === 1 ? (batch[0]?.messages ?? []) : batch.flatMap((send) => send.messages);
    this.deliver(messages)
      .then(
        () => {
          for (const send of batch) send.resolve();
        },
        (error: unknown) => {
          for (const send of batch) send.reject(error);
        },
      )
      .finally(() => {
        this.inFlight = false;
        this.next();
      });
  }

  private takeBatch(): PendingSend<M>[] {
    let weight = 0;
    let taken = 0;
    for (const send of this.pending) {
      for (const message of send.messages) weight += this.weigh(message);
      if (taken > 0 && weight > this.maxWeight) break;
      taken += 1;
    }
    return this.pending.splice(0, taken);
  }
}

/** Calls `beat` every `everyMs` while `work` runs: long batches keep the group membership alive. */
export async function withHeartbeat<T>(everyMs: number, beat: () => Promise<unknown>, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    beat().catch(() => undefined);
  }, everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** The installed version of a package, found from its entry point (some packages do not export package.json). */
export function packageVersion(name: string, from: string): string {
  let dir = dirname(createRequire(from).resolve(name));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === name && manifest.version) return manifest.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/** Runs `connect`; when it fails, closes what it half-opened (sockets, librdkafka threads) before rethrowing. */
export async function closingOnFailure<T>(connect: () => Promise<T>, close: () => Promise<unknown>): Promise<T> {
  try {
    return await connect();
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/**
 * Kafka's murmur2 (Utils.murmur2 in the Java client) of a key's bytes, as a signed 32-bit number.
 * Java's default partitioner puts a keyed record on (murmur2 & 0x7fffffff) % partitions.
 */
export function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ data.length) | 0;
  let i = 0;
  for (; i + 4 <= data.length; i += 4) {
    let k = data.readInt32LE(i);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = data.length - i;
  if (rest >= 3) h ^= (data[i + 2] ?? 0) << 16;
  if (rest >= 2) h ^= (data[i + 1] ?? 0) << 8;
  if (rest >= 1) {
    h ^= data[i] ?? 0;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}

/** The partition Java's default partitioner gives a key. */
export function javaPartition(key: Buffer, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

/**
 * A send made again while it fails on a transient error, until deliveryTimeoutMs from its start
 * (none: once). The same records each time, on the same producer, so an idempotent producer gives
 * them the same sequence numbers and a copy the broker did write counts as a duplicate; `refresh`
 * (fresh metadata) runs before each new attempt, after a pause that doubles from 100 ms up to 1 s.
 */
export async function deliverWithin<T>(deliveryTimeoutMs: number | undefined, send: () => Promise<T>, transient: (error: unknown) => boolean, refresh: () => void = () => undefined): Promise<T> {
  const deadline = Date.now() + (deliveryTimeoutMs ?? 0);
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!transient(error) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 100 * 2 ** attempt)));
      refresh();
    }
  }
}
