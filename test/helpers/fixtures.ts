/** The OrderPlaced example of docs/DESIGN.md, byte for byte as another Kafka client would write it. */
export const DESIGN_EXAMPLE_ORDER =
  '{"order_id":"ORD-000001","student_id":"STU-0042","restaurant":"Spartan Eats","items":[{"item":"burger","quantity":2,"unit_price":8.5}],"total_amount":17.0,"placed_at":"2026-02-15T10:23:15.123Z","status":"placed"}';

/** The same order in Avro single-object encoding (order-placed-v1.avsc), as docs/DESIGN.md shows it in hex. */
export const DESIGN_EXAMPLE_ORDER_AVRO = Buffer.from('c301d4721ed2a0a8dd66144f52442d303030303031105354552d30303432185370617274616e2045617473020c62757267657204a40d00c81ae6ba9b8d8c6700', 'hex');

/**
 * Event times for orders that stages started as processes read: the start of the hour before this
 * run, so that they are the same throughout a run and inside the inventory's default event-time
 * window (a day behind its clock, five minutes ahead), unlike a fixed date that ages out of it.
 */
export const EVENT_TIME_START = new Date(Math.floor((Date.now() - 3_600_000) / 3_600_000) * 3_600_000);
