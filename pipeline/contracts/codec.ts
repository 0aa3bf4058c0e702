/**
 * The one place events become bytes and bytes become events, in either encoding: JSON (the
 * documented text) or Avro single-object encoding (the specification's: the marker C3 01, the
 * writer schema's 8-byte CRC-64-AVRO fingerprint little-endian, then the Avro binary body). A
 * reader that holds the .avsc files beside this module needs no registry. Which encoding a message
 * is in: its `content-type` header, else the marker (no JSON text starts with byte C3).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avsc, { type Type } from 'avsc';
import type { z } from 'zod';
import { projectRoot } from '../../kafka/paths.js';
import { fingerprintBytes } from './avro-fingerprint.js';
import {
  inventoryResultSchema,
  orderIdOf,
  orderPlacedSchema,
  parseInventoryResult,
  parseOrderPlaced,
  serializeInventoryResult,
  serializeOrderPlaced,
  validateEvent,
  type FailureReason,
  type InventoryResult,
  type OrderPlaced,
  type Parsed,
  usableOrderId,
} from './events.js';
import { jsonInputErrorText, oversize } from './json-input.js';
import { boundedText } from './limits.js';
import { CONTENT_TYPE_HEADER, headerText, type MessageHeaders } from './headers.js';
import { toCents } from './menu.js';
import { DLQ_ERROR_CODES } from './topics.js';

export const ENCODINGS = ['json', 'avro'] as const;
export type Encoding = (typeof ENCODINGS)[number];
export const DEFAULT_ENCODING: Encoding = 'json';

/** The `content-type` header's value for each encoding. */
export const CONTENT_TYPES = { json: 'application/json', avro: 'application/avro' } as const satisfies Record<Encoding, string>;

/** Single-object encoding, version 1: these two bytes, then the fingerprint. */
const MARKER_0 = 0xc3;
const MARKER_1 = 0x01;
const HEADER_BYTES = 10;

/** The headers that say an event's encoding; every order and result carries them. */
export function contentTypeHeaders(encoding: Encoding): { readonly [CONTENT_TYPE_HEADER]: string } {
  return { [CONTENT_TYPE_HEADER]: CONTENT_TYPES[encoding] };
}

const hasMarker = (value: Buffer): boolean => value.length >= 2 && value[0] === MARKER_0 && value[1] === MARKER_1;

/** A message's encoding: as its content-type header says, else Avro when it starts with the marker, else JSON. */
export function encodingOf(value: Buffer | null, headers: MessageHeaders | undefined): Encoding {
  const declared = headerText(headers, CONTENT_TYPE_HEADER)?.split(';')[0]?.trim().toLowerCase();
  if (declared === CONTENT_TYPES.avro) return 'avro';
  if (declared === CONTENT_TYPES.json) return 'json';
  return value !== null && hasMarker(value) ? 'avro' : 'json';
}

export interface AvroSchemaFile {
  /** The file's name in pipeline/contracts/. */
  readonly file: string;
  readonly type: Type;
  /** CRC-64-AVRO of the canonical form, little-endian: the 8 bytes after the marker. */
  readonly fingerprint: Buffer;
}

/** A schema file of the contracts folder, parsed. Read from the sources (dist/ holds only compiled code). */
export function loadAvroSchema(file: string): AvroSchemaFile {
  const text = readFileSync(join(projectRoot(), 'pipeline', 'contracts', file), 'utf8');
  const type = avsc.Type.forSchema(JSON.parse(text) as Parameters<typeof avsc.Type.forSchema>[0]);
  return { file, type, fingerprint: fingerprintBytes(type) };
}

type AvroDecoded = { readonly ok: true; readonly record: unknown } | { readonly ok: false; readonly error: string };

/**
 * Writes records with the reader's schema, and reads a message written with any known schema
 * (recognised by its fingerprint) into the reader's, by Avro's schema resolution: a field the
 * reader lacks is skipped, a field the writer lacked takes its default.
 */
export class AvroSingleObjectCodec {
  private readonly writers = new Map<string, { readonly file: string; readonly resolver: ReturnType<Type['createResolver']> | undefined }>();

  constructor(
    readonly reader: AvroSchemaFile,
    known: readonly AvroSchemaFile[],
  ) {
    for (const writer of [reader, ...known]) {
      const same = writer.fingerprint.equals(reader.fingerprint);
      this.writers.set(writer.fingerprint.toString('hex'), { file: writer.file, resolver: same ? undefined : reader.type.createResolver(writer.type) });
    }
  }

  encode(record: unknown): Buffer {
    const body = this.reader.type.toBuffer(record);
    const message = Buffer.allocUnsafe(HEADER_BYTES + body.length);
    message[0] = MARKER_0;
    message[1] = MARKER_1;
    this.reader.fingerprint.copy(message, 2);
    body.copy(message, HEADER_BYTES);
    return message;
  }

  decode(value: Buffer | null): AvroDecoded {
    if (value === null || value.length === 0) return { ok: false, error: `${DLQ_ERROR_CODES.malformedAvro}: empty message` };
    if (!hasMarker(value)) return { ok: false, error: `${DLQ_ERROR_CODES.malformedAvro}: no single-object marker C3 01` };
    if (value.length < HEADER_BYTES) return { ok: false, error: `${DLQ_ERROR_CODES.malformedAvro}: ${value.length} bytes, shorter than the 10-byte single-object header` };
    const fingerprint = value.toString('hex', 2, HEADER_BYTES);
    const writer = this.writers.get(fingerprint);
    if (!writer) return { ok: false, error: `${DLQ_ERROR_CODES.unknownSchema}: fingerprint ${fingerprint} is none of ${[...this.writers.values()].map((w) => w.file).join(', ')}` };
    try {
      return { ok: true, record: this.reader.type.fromBuffer(value.subarray(HEADER_BYTES), writer.resolver) as unknown };
    } catch (error) {
      return { ok: false, error: `${DLQ_ERROR_CODES.malformedAvro}: ${writer.file}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
}

/** A decoded event, or why not, with the order_id when it could be read (a dead letter's key). */
export type Decoded<T> =
  | { readonly ok: true; readonly value: T; readonly encoding: Encoding }
  | { readonly ok: false; readonly error: string; readonly encoding: Encoding; readonly orderId: string | undefined };

const ORDER_V1 = loadAvroSchema('order-placed-v1.avsc');
/** OrderPlaced in Avro: written with version 1, read from version 1 or 2. */
export const ORDER_PLACED_AVRO = new AvroSingleObjectCodec(ORDER_V1, [ORDER_V1, loadAvroSchema('order-placed-v2.avsc')]);
const RESULT_V1 = loadAvroSchema('inventory-result-v1.avsc');
export const INVENTORY_RESULT_AVRO = new AvroSingleObjectCodec(RESULT_V1, [RESULT_V1]);

/** OrderPlaced as order-placed-v1.avsc has it (the reader's schema guarantees this shape after a decode). */
interface OrderRecord {
  readonly order_id: string;
  readonly student_id: string;
  readonly restaurant: string;
  readonly items: readonly { readonly item: string; readonly quantity: number; readonly unit_price_cents: number }[];
  readonly total_amount_cents: number;
  readonly placed_at: number;
  readonly status: 'placed';
}

interface ResultRecord {
  readonly order_id: string;
  readonly restaurant: string;
  readonly status: 'reserved' | 'failed';
  readonly reason: FailureReason | null;
  readonly placed_at: number;
  readonly processed_at: number;
  readonly processing_time_ms: number;
}

/** Dollars as cents and ISO times as epoch milliseconds: exact both ways for the contract's values (two decimals, milliseconds). */
function orderRecord(order: OrderPlaced): OrderRecord {
  return {
    order_id: order.order_id,
    student_id: order.student_id,
    restaurant: order.restaurant,
    items: order.items.map((line) => ({ item: line.item, quantity: line.quantity, unit_price_cents: toCents(line.unit_price) })),
    total_amount_cents: toCents(order.total_amount),
    placed_at: Date.parse(order.placed_at),
    status: order.status,
  };
}

function orderFromRecord(record: OrderRecord): unknown {
  return {
    order_id: record.order_id,
    student_id: record.student_id,
    restaurant: record.restaurant,
    items: record.items.map((line) => ({ item: line.item, quantity: line.quantity, unit_price: line.unit_price_cents / 100 })),
    total_amount: record.total_amount_cents / 100,
    placed_at: new Date(record.placed_at).toISOString(),
    status: record.status,
  };
}

function resultRecord(result: InventoryResult): ResultRecord {
  return { ...result, placed_at: Date.parse(result.placed_at), processed_at: Date.parse(result.processed_at) };
}

function resultFromRecord(record: ResultRecord): unknown {
  return { ...record, placed_at: new Date(record.placed_at).toISOString(), processed_at: new Date(record.processed_at).toISOString() };
}

export function encodeOrderPlaced(order: OrderPlaced, encoding: Encoding): string | Buffer {
  return encoding === 'json' ? serializeOrderPlaced(order) : ORDER_PLACED_AVRO.encode(orderRecord(order));
}

export function encodeInventoryResult(result: InventoryResult, encoding: Encoding): string | Buffer {
  return encoding === 'json' ? serializeInventoryResult(result) : INVENTORY_RESULT_AVRO.encode(resultRecord(result));
}

/** How one event type is read in each encoding. */
interface EventReader<T, R extends { readonly order_id: string }> {
  readonly parseJson: (value: Buffer | null) => Parsed<T>;
  readonly avro: AvroSingleObjectCodec;
  /** The contract's shape of a decoded Avro record (the reader's schema guarantees R), checked by the schema after. */
  readonly fromRecord: (record: R) => unknown;
  readonly schema: z.ZodType<T>;
}

const ORDER_PLACED_READER: EventReader<OrderPlaced, OrderRecord> = { parseJson: parseOrderPlaced, avro: ORDER_PLACED_AVRO, fromRecord: orderFromRecord, schema: orderPlacedSchema };
const INVENTORY_RESULT_READER: EventReader<InventoryResult, ResultRecord> = { parseJson: parseInventoryResult, avro: INVENTORY_RESULT_AVRO, fromRecord: resultFromRecord, schema: inventoryResultSchema };

/** One Kafka message's event, in whichever encoding it came; the same checks either way (docs/DESIGN.md, dead-letter codes). */
function decodeEvent<T, R extends { readonly order_id: string }>(reader: EventReader<T, R>, value: Buffer | null, headers?: MessageHeaders): Decoded<T> {
  const encoding = encodingOf(value, headers);
  // Before any decoding: a large message costs its reader nothing (limits.ts).
  const tooLarge = oversize(value?.length ?? 0);
  if (tooLarge) return { ok: false, error: jsonInputErrorText(tooLarge), encoding, orderId: undefined };
  if (encoding === 'json') {
    const parsed = reader.parseJson(value);
    return parsed.ok ? { ...parsed, encoding } : { ...parsed, encoding, orderId: orderIdOf(value) };
  }
  const decoded = reader.avro.decode(value);
  if (!decoded.ok) return { ok: false, error: boundedText(decoded.error), encoding, orderId: undefined };
  const record = decoded.record as R;
  const parsed = validateEvent(reader.schema, reader.fromRecord(record));
  return parsed.ok ? { ...parsed, encoding } : { ...parsed, encoding, orderId: usableOrderId(record.order_id) };
}

export function decodeOrderPlaced(value: Buffer | null, headers?: MessageHeaders): Decoded<OrderPlaced> {
  return decodeEvent(ORDER_PLACED_READER, value, headers);
}

export function decodeInventoryResult(value: Buffer | null, headers?: MessageHeaders): Decoded<InventoryResult> {
  return decodeEvent(INVENTORY_RESULT_READER, value, headers);
}
