/**
 * Properties of every parser of untrusted input (fast-check): it never throws, it accepts every
 * valid order, and it rejects every invalid one with a one-line reason of its own, bounded in
 * length. FC_SEED=<n> repeats a run (the seed is printed).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { orderRequestSchema, parseOrderRequest } from '../../../pipeline/api/order-request.js';
import { decodeOrderPlaced, encodeOrderPlaced, ENCODINGS } from '../../../pipeline/contracts/codec.js';
import { jsonInputErrorText, parseJsonBytes } from '../../../pipeline/contracts/json-input.js';
import { MAX_ERROR_TEXT, MAX_ID_LENGTH } from '../../../pipeline/contracts/limits.js';
import { MENU, RESTAURANTS } from '../../../pipeline/contracts/menu.js';
import { invalidOrder, propertySeed, validOrder } from '../../helpers/order-arbitraries.js';

const seed = propertySeed();
const runs = { seed, numRuns: 300 };

/** A rejection as every parser words it: a code, ": ", the detail; one line, at most MAX_ERROR_TEXT bytes. */
function expectReason(error: string, reason: RegExp = /^[a-z_0-9]+: /): void {
  expect(error).to.match(reason);
  expect(error).to.not.include('\n');
  expect(Buffer.byteLength(error)).to.be.at.most(MAX_ERROR_TEXT);
}

describe('properties of the parsers of untrusted input (fast-check)', () => {
  for (const encoding of ENCODINGS) {
    it(`decodeOrderPlaced accepts every valid order in ${encoding}, as it was`, () => {
      fc.assert(
        fc.property(validOrder, (order) => {
          const decoded = decodeOrderPlaced(Buffer.from(encodeOrderPlaced(order, encoding)));
          expect(decoded.ok, decoded.ok ? '' : decoded.error).to.equal(true);
          if (decoded.ok) expect(decoded.value).to.deep.equal(order);
        }),
        runs,
      );
    });

    it(`decodeOrderPlaced rejects every invalid order in ${encoding} with its reason, never throwing`, () => {
      fc.assert(
        fc.property(invalidOrder(encoding), (mutation) => {
          const decoded = decodeOrderPlaced(mutation.value);
          expect(decoded.ok, mutation.what).to.equal(false);
          if (!decoded.ok) {
            expectReason(decoded.error, mutation.reason);
            if (decoded.orderId !== undefined) expect(decoded.orderId.length).to.be.within(1, MAX_ID_LENGTH);
          }
        }),
        runs,
      );
    });
  }

  it('decodeOrderPlaced never throws on any bytes, and names a reason for each it rejects', () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 40_000 }), fc.uint8Array({ maxLength: 64 }).map((tail) => Uint8Array.from([0xc3, 0x01, ...tail])), fc.json().map((text) => new TextEncoder().encode(text)));
    fc.assert(
      fc.property(bytes, (value) => {
        const decoded = decodeOrderPlaced(Buffer.from(value));
        if (!decoded.ok) expectReason(decoded.error);
      }),
      runs,
    );
  });

  const validRequest = fc.constantFrom(...RESTAURANTS).chain((restaurant) =>
    fc.record({
      student_id: fc.string({ minLength: 1, maxLength: MAX_ID_LENGTH }).filter((id) => id.trim().length > 0 && id.length <= MAX_ID_LENGTH),
      restaurant: fc.constant(restaurant),
      items: fc.array(fc.record({ item: fc.constantFrom(...Object.keys(MENU[restaurant])), quantity: fc.integer({ min: 1, max: 100 }) }), { minLength: 1, maxLength: 50 }),
    }),
  );

  it('the REST body: every valid request is accepted through the bytes path', () => {
    fc.assert(
      fc.property(validRequest, (request) => {
        const json = parseJsonBytes(Buffer.from(JSON.stringify(request)));
        expect(json.ok).to.equal(true);
        if (json.ok) expect(parseOrderRequest(json.value).ok).to.equal(true);
      }),
      runs,
    );
  });

  it('the REST body: any bytes or any value is any JSON value is answered with a reason, never a throw; what is accepted fits the schema', () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 40_000 }).map((bytes) => ({ bytes })),
      fc.jsonValue().map((value) => ({ bytes: new TextEncoder().encode(JSON.stringify(value)) })),
      validRequest.chain((request) => fc.constantFrom('student_id', 'restaurant', 'items', 'unit_price', '__proto__').map((field) => ({ bytes: new TextEncoder().encode(JSON.stringify({ ...request, [field]: field === 'items' ? [] : field === '__proto__' ? 1 : 'x'.repeat(65) }).replace('"__proto__":1', '"__proto__":{"a":1}')) }))),
    );
    fc.assert(
      fc.property(body, ({ bytes }) => {
        const json = parseJsonBytes(bytes);
        if (!json.ok) {
          expectReason(jsonInputErrorText(json));
          return;
        }
        const request = parseOrderRequest(json.value);
        if (request.ok) expect(orderRequestSchema.safeParse(request.value).success).to.equal(true);
        else expectReason(request.error, /^[a-z_.0-9]+: /);
      }),
      runs,
    );
  });
});
