/**
 * The Avro specification's schema fingerprint: CRC-64-AVRO (a 64-bit Rabin fingerprint) of a
 * schema's Parsing Canonical Form, as 8 bytes little-endian, the form single-object encoding
 * carries. Computed once per schema at start-up, so plain BigInt arithmetic is fast enough.
 */
import type { Type } from 'avsc';

const EMPTY = 0xc15d213aa4d7a795n;
const MASK_64 = 0xffffffffffffffffn;

const TABLE: readonly bigint[] = Array.from({ length: 256 }, (_, byte) => {
  let fp = BigInt(byte);
  for (let bit = 0; bit < 8; bit++) fp = (fp >> 1n) ^ (EMPTY & (-(fp & 1n) & MASK_64));
  return fp;
});

/** CRC-64-AVRO of the bytes, as the unsigned 64-bit number the specification's algorithm computes. */
export function crc64Avro(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const byte of bytes) fp = (fp >> 8n) ^ (TABLE[Number((fp ^ BigInt(byte)) & 0xffn)] ?? 0n);
  return fp;
}

/** The schema's Parsing Canonical Form (avsc writes it: full names, only the attributes that matter to parsing, no logical types, defaults or docs). */
export function canonicalForm(type: Type): string {
  return JSON.stringify(type.schema());
}

/** The 8 bytes single-object encoding puts after its marker: the fingerprint of the canonical form, little-endian. */
export function fingerprintBytes(type: Type): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(crc64Avro(Buffer.from(canonicalForm(type), 'utf8')));
  return bytes;
}
