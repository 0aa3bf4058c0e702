/** The OrderPlaced example of docs/DESIGN.md, byte for byte as another Kafka client would write it. */
export const DESIGN_EXAMPLE_ORDER =
  '{"order_id":"ORD-000001","student_id":"STU-0042","restaurant":"Spartan Eats","items":[{"item":"burger","quantity":2,"unit_price":8.5}],"total_amount":17.0,"placed_at":"2026-02-15T10:23:15.123Z","status":"placed"}';
