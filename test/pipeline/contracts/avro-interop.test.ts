/**
 * A second, independent Avro implementation (Apache's avro-js, not avsc) reads our messages with
 * nothing but the .avsc files: what a reader in another language or library would do.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avroJs from 'avro-js/lib/schemas.js';
import { projectRoot } from '../../../kafka/paths.js';
import { crc64Avro } from '../../../pipeline/contracts/avro-fingerprint.js';
import { AvroSingleObjectCodec, encodeInventoryResult, encodeOrderPlaced, loadAvroSchema } from '../../../pipeline/contracts/codec.js';
import { fixedSchedule, OrderGenerator } from '../../../pipeline/producer/order-generator.js';

const schemaFile = (name: string): unknown => JSON.parse(readFileSync(join(projectRoot(), 'pipeline', 'contracts', name), 'utf8'));

/** What a reader of the specification does with a single-object message: check the marker, match the fingerprint, decode the rest. */
function readSingleObject(message: Buffer, schemas: readonly string[]): { file: string; value: unknown } {
  expect(message.subarray(0, 2).toString('hex')).to.equal('c301');
  for (const file of schemas) {
    const type = avroJs.createType(schemaFile(file));
    const fingerprint = Buffer.alloc(8);
    fingerprint.writeBigUInt64LE(crc64Avro(Buffer.from(type.getSchema(), 'utf8')));
    if (fingerprint.equals(message.subarray(2, 10))) return { file, value: type.fromBuffer(message.subarray(10)) };
  }
  throw new Error('no schema file has the fingerprint of the message');
}

describe('our Avro messages read by Apache avro-js from the schema files alone', () => {
  it('decodes generated orders to the same fields, money in cents and times in epoch milliseconds', () => {
    const generator = new OrderGenerator({ seed: 12, placedAt: fixedSchedule(new Date('2026-02-15T10:00:00.000Z'), 1_000) });
    for (let i = 0; i < 50; i++) {
      const order = generator.next();
      const { file, value } = readSingleObject(Buffer.from(encodeOrderPlaced(order, 'avro')), ['order-placed-v2.avsc', 'order-placed-v1.avsc']);
      expect(file).to.equal('order-placed-v1.avsc');
      expect(JSON.parse(JSON.stringify(value))).to.deep.equal({
        order_id: order.order_id,
        student_id: order.student_id,
        restaurant: order.restaurant,
        items: order.items.map((line) => ({ item: line.item, quantity: line.quantity, unit_price_cents: Math.round(line.unit_price * 100) })),
        total_amount_cents: Math.round(order.total_amount * 100),
        placed_at: Date.parse(order.placed_at),
        status: 'placed',
      });
    }
  });

  it('decodes an inventory result, its failure reason in the union (named by its branch, as Avro unions are in JSON)', () => {
    const result = { order_id: 'ORD-1', restaurant: 'Tower Cafe', status: 'failed' as const, reason: 'unknown_item' as const, placed_at: '2026-02-15T10:00:00.000Z', processed_at: '2026-02-15T10:00:00.250Z', processing_time_ms: 1.5 };
    const { value } = readSingleObject(Buffer.from(encodeInventoryResult(result, 'avro')), ['inventory-result-v1.avsc']);
    expect(JSON.parse(JSON.stringify(value))).to.deep.equal({ ...result, reason: { 'kafka_pipeline_bench.events.FailureReason': 'unknown_item' }, placed_at: 1771149600000, processed_at: 1771149600250 });
  });

  it('agrees with avsc on the canonical form of every schema file, so both find the same fingerprint', () => {
    for (const file of ['order-placed-v1.avsc', 'order-placed-v2.avsc', 'inventory-result-v1.avsc']) {
      const ours = loadAvroSchema(file);
      const theirs = avroJs.createType(schemaFile(file)).getSchema();
      expect(theirs, file).to.equal(JSON.stringify(ours.type.schema()));
    }
  });

  it('reads a version 2 order as version 1 by schema resolution, as any reader of the older schema would', () => {
    const v2 = loadAvroSchema('order-placed-v2.avsc');
    const record = { order_id: 'ORD-V2', student_id: 'STU-1', restaurant: 'Tower Cafe', items: [{ item: 'wrap', quantity: 1, unit_price_cents: 650 }], total_amount_cents: 650, placed_at: 1771149600000, status: 'placed', pickup_note: 'at the desk' };
    const message = new AvroSingleObjectCodec(v2, [v2]).encode(record);
    const writer = avroJs.createType(schemaFile('order-placed-v2.avsc'));
    const reader = avroJs.createType(schemaFile('order-placed-v1.avsc'));
    expect(JSON.parse(JSON.stringify(reader.fromBuffer(message.subarray(10), reader.createResolver(writer))))).to.deep.equal(Object.fromEntries(Object.entries(record).filter(([field]) => field !== 'pickup_note')));
  });
});
