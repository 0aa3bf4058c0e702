import { JSON_INPUT_ERRORS } from './json-input.js';

/** Topic names, partitions and consumer groups: the defaults of docs/DESIGN.md. */
export const DEFAULT_TOPICS = {
  orders: 'order-events',
  inventory: 'inventory-events',
  deadLetter: 'orders-dlq',
} as const;

export const DEFAULT_PARTITIONS = 3;
export const DEAD_LETTER_PARTITIONS = 1;

/**
 * Pipeline topics on a cluster of at least `minBrokers` brokers: 3 replicas, and acks=all writes
 * need 2 of them in sync, so one broker may fail without losing or refusing an acknowledged order.
 * On fewer brokers, the broker's defaults.
 */
export const REPLICATED_TOPICS = { minBrokers: 3, replicationFactor: 3, minInSyncReplicas: 2 } as const;

export const DEFAULT_GROUPS = {
  inventory: 'inventory-service',
  analytics: 'analytics-service',
} as const;

export interface PipelineTopics {
  readonly orders: string;
  readonly inventory: string;
  readonly deadLetter: string;
  /** Partitions of the order and inventory topics when a stage creates them. */
  readonly partitions: number;
}

/** Headers an order may carry; the inventory copies every header of an order onto its result. */
export const ORDER_HEADERS = {
  /** When the publisher sent the order: milliseconds since the Unix epoch, wall clock, in decimal. */
  sentAt: 'sent-at',
} as const;

/** Headers on a dead-lettered message. */
export const DLQ_HEADERS = {
  error: 'error',
  sourceTopic: 'source-topic',
  sourcePartition: 'source-partition',
  sourceOffset: 'source-offset',
  /** `true` on a dead letter cut to fit its topic's max.message.bytes (its value shortened, the order's own headers dropped). */
  truncated: 'truncated',
  /** With `truncated`: the size of the message as received, value, key and headers, in bytes. */
  originalSize: 'original-size',
} as const;

/** The code each dead letter's `error` header starts with, before ": " and the details (at most MAX_ERROR_TEXT bytes in all). */
export const DLQ_ERROR_CODES = {
  /** More than MAX_ORDER_BYTES, checked before any parse (limits.ts). */
  tooLarge: JSON_INPUT_ERRORS.tooLarge,
  /** A JSON message whose bytes are not valid UTF-8. */
  invalidUtf8: JSON_INPUT_ERRORS.invalidUtf8,
  /** Not JSON (or an empty message). */
  invalidJson: JSON_INPUT_ERRORS.invalidJson,
  /** JSON with a `__proto__` or `constructor.prototype` key. */
  forbiddenKey: JSON_INPUT_ERRORS.forbiddenKey,
  /** A valid order whose item prices or total are not the menu's. */
  priceMismatch: 'price_mismatch',
  /** A valid order whose placed_at lies outside the stage's event-time window. */
  eventTimeOutOfRange: 'event_time_out_of_range',
  /** Decoded (JSON or Avro), but not a valid OrderPlaced: the field and what is wrong with it follow. */
  invalidEvent: 'invalid_event',
  /** Avro single-object encoding whose schema fingerprint is none of the schemas the reader knows. */
  unknownSchema: 'unknown_schema',
  /** Declared or marked as Avro, but not a whole single-object message: no marker, truncated, or a body its schema cannot decode. */
  malformedAvro: 'malformed_avro',
  /** A valid order whose processing threw on every attempt. */
  retriesExhausted: 'retries_exhausted',
} as const;

/**
 * Where a stateful stage keeps its state (docs/DESIGN.md, "Stage state"): `changelog`, a compacted
 * topic of its own written in the transaction of the consumed offsets and read back at start; or
 * `memory`, the process alone (a restart starts from nothing).
 */
export const STATE_MODES = ['changelog', 'memory'] as const;
export type StateMode = (typeof STATE_MODES)[number];

/** A stage's changelog topic, named after its group as Kafka Streams names `<app>-<store>-changelog`. */
export function changelogTopic(groupId: string): string {
  return `${groupId}-changelog`;
}
