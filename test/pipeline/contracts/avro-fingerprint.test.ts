import { expect } from 'chai';
import avsc from 'avsc';
import { canonicalForm, crc64Avro, fingerprintBytes } from '../../../pipeline/contracts/avro-fingerprint.js';

/** Inputs, Parsing Canonical Forms and CRC-64-AVRO fingerprints (as Java's signed long) from the Avro project's schema-tests.txt. */
const SPEC_CASES: readonly (readonly [string, string, bigint])[] = [
  ['"null"', '"null"', 7195948357588979594n],
  ['"int"', '"int"', 8247732601305521295n],
  ['{"type":"string"}', '"string"', -8142146995180207161n],
  ['{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}', '{"name":"x.y.foo","type":"record","fields":[]}', 5916914534497305771n],
  [
    '{"fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true}, {"order":"descending","name":"f2","doc":"Hello","type":"int"}], "type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    -4860222112080293046n,
  ],
  ['{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}', '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}', -4448647247586288245n],
  ['{ "items":{"type":"null"}, "type":"array"}', '{"type":"array","items":"null"}', -589620603366471059n],
  ['{"name":"PigValue","type":"record","fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}', '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}', -1759257747318642341n],
];

const typeOf = (schema: string): avsc.Type => avsc.Type.forSchema(JSON.parse(schema) as Parameters<typeof avsc.Type.forSchema>[0]);

describe('pipeline/contracts/avro-fingerprint', () => {
  for (const [input, canonical, fingerprint] of SPEC_CASES) {
    it(`gives the specification's canonical form and CRC-64-AVRO for ${input.slice(0, 48)}`, () => {
      const type = typeOf(input);
      expect(canonicalForm(type)).to.equal(canonical);
      expect(BigInt.asIntN(64, crc64Avro(Buffer.from(canonical)))).to.equal(fingerprint);
      const bytes = Buffer.alloc(8);
      bytes.writeBigInt64LE(fingerprint);
      expect(fingerprintBytes(type).toString('hex')).to.equal(bytes.toString('hex'));
    });
  }

  it('leaves logical types, defaults and docs out of the fingerprint, as the canonical form does', () => {
    const plain = typeOf('{"type":"record","name":"r","fields":[{"name":"at","type":"long"}]}');
    const decorated = typeOf('{"type":"record","name":"r","doc":"d","fields":[{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"},"default":0}]}');
    expect(fingerprintBytes(decorated).equals(fingerprintBytes(plain))).to.equal(true);
  });
});
