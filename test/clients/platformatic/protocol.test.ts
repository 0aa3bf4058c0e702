/**
 * How the patched library reads responses that carry tagged fields: a broker of Kafka 3.7 or later
 * adds KIP-951's leader hints to a NOT_LEADER_OR_FOLLOWER answer, as after a leader was killed or paused.
 */
import { expect } from 'chai';
import { produceV11, Reader, ResponseError } from '@platformatic/kafka';

/** Kafka's wire encoding, written here by hand so that the bytes do not depend on the library under test. */
function unsignedVarInt(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
const int16 = (value: number): Buffer => Buffer.from([(value >> 8) & 0xff, value & 0xff]);
function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}
function int64(value: bigint): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(value);
  return buffer;
}
const compactString = (text: string): Buffer => Buffer.concat([unsignedVarInt(Buffer.byteLength(text) + 1), Buffer.from(text)]);
const compactArray = (entries: readonly Buffer[]): Buffer => Buffer.concat([unsignedVarInt(entries.length + 1), ...entries]);
const NULL_STRING = unsignedVarInt(0);
const NO_TAGS = unsignedVarInt(0);
const taggedFields = (fields: readonly (readonly [number, Buffer])[]): Buffer =>
  Buffer.concat([unsignedVarInt(fields.length), ...fields.flatMap(([tag, data]) => [unsignedVarInt(tag), unsignedVarInt(data.length), data])]);

const NOT_LEADER_OR_FOLLOWER = 6;

function partitionResponse(index: number, errorCode: number, baseOffset: bigint, tags: Buffer): Buffer {
  return Buffer.concat([int32(index), int16(errorCode), int64(baseOffset), int64(-1n), int64(0n), compactArray([]), NULL_STRING, tags]);
}

/** A Produce v11 response body: partition 0 refused with the new leader's hint (tag 0), partition 1 written at offset 42, the brokers' endpoints (tag 0). */
function produceResponseWithLeaderHints(): Buffer {
  const currentLeader = Buffer.concat([int32(2), int32(7), NO_TAGS]);
  const nodeEndpoint = Buffer.concat([int32(2), compactString('127.0.0.1'), int32(19094), NULL_STRING, NO_TAGS]);
  const topic = Buffer.concat([
    compactString('order-events'),
    compactArray([partitionResponse(0, NOT_LEADER_OR_FOLLOWER, -1n, taggedFields([[0, currentLeader]])), partitionResponse(1, 0, 42n, NO_TAGS)]),
    NO_TAGS,
  ]);
  return Buffer.concat([compactArray([topic]), int32(0), taggedFields([[0, compactArray([nodeEndpoint])]])]);
}

describe('clients/platformatic: the patched protocol reader', () => {
  it("reads past a response's tagged fields: a produce refused with KIP-951's leader hint is NOT_LEADER_OR_FOLLOWER, and the other partition's offset is read right", () => {
    const reader = Reader.from(produceResponseWithLeaderHints());
    let thrown: unknown;
    try {
      produceV11.parseResponse(0, 0, 11, reader);
    } catch (error) {
      thrown = error;
    }
    // Unpatched, the first tag's bytes were read as the next fields: "Out of bounds.", or wrong offsets.
    expect(thrown).to.be.instanceOf(ResponseError);
    const error = thrown as ResponseError;
    expect(error.errors.map((e) => (e as Error & { apiCode?: number }).apiCode)).to.deep.equal([NOT_LEADER_OR_FOLLOWER]);
    const response = error.response as { responses: { name: string; partitionResponses: { index: number; errorCode: number; baseOffset: bigint }[] }[]; throttleTimeMs: number };
    const partitions = response.responses[0]?.partitionResponses.map((p) => [p.index, p.errorCode, p.baseOffset]);
    expect(response.responses[0]?.name).to.equal('order-events');
    expect(partitions).to.deep.equal([[0, NOT_LEADER_OR_FOLLOWER, -1n], [1, 0, 42n]]);
    expect(response.throttleTimeMs).to.equal(0);
    // The response's own tagged fields (the brokers' endpoints) are the last bytes.
    reader.readTaggedFields();
    expect(reader.remaining).to.equal(0);
  });
});
