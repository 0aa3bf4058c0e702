/**
 * A dead letter must reach its topic whatever it carries: one larger than the topic's
 * max.message.bytes would fail with an error no retry cures, and stop the stage. Such a dead letter
 * is cut to fit, with headers saying so (docs/DESIGN.md, "Input bounds").
 */
import type { Headers, OutgoingMessage } from '../../clients/driver.js';
import { DLQ_HEADERS } from '../contracts/topics.js';

/** Room left for the record batch's own fields (a header of 61 bytes, varints per record and header), with a margin. */
export const RECORD_OVERHEAD_BYTES = 512;

/** Key, value and header bytes of a message: what counts against max.message.bytes, less the framing. */
export function messageSize(message: OutgoingMessage): number {
  let bytes = byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += Buffer.byteLength(name) + byteLength(value);
  return bytes;
}

const byteLength = (value: string | Buffer | null | undefined): number => (value === null || value === undefined ? 0 : Buffer.byteLength(value));

/** The headers a cut dead letter keeps: why, and where from (the order's own headers are dropped). */
const KEPT_HEADERS: readonly string[] = [DLQ_HEADERS.error, DLQ_HEADERS.sourceTopic, DLQ_HEADERS.sourcePartition, DLQ_HEADERS.sourceOffset];

/**
 * The dead letter as it is when it fits in maxBytes; else its value cut to what fits, only its own
 * headers kept, and `truncated: true` with `original-size` (the bytes of key, value and headers as
 * it was) added.
 */
export function fitDeadLetter(message: OutgoingMessage, maxBytes: number): OutgoingMessage {
  const size = messageSize(message);
  if (size + RECORD_OVERHEAD_BYTES <= maxBytes) return message;
  const headers: Record<string, string | Buffer> = {};
  for (const name of KEPT_HEADERS) {
    const value = message.headers?.[name];
    if (value !== undefined) headers[name] = value;
  }
  headers[DLQ_HEADERS.truncated] = 'true';
  headers[DLQ_HEADERS.originalSize] = String(size);
  const framed: OutgoingMessage = { topic: message.topic, key: message.key, value: null, headers: headers satisfies Headers };
  const room = Math.max(0, maxBytes - RECORD_OVERHEAD_BYTES - messageSize(framed));
  const value = message.value === null ? null : Buffer.from(message.value).subarray(0, room);
  return { ...framed, value };
}
