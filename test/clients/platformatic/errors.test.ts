/** How the platformatic driver reads the library's errors, built as the library builds them. */
import { expect } from 'chai';
import { MultipleErrors, ProtocolError, ResponseError } from '@platformatic/kafka';
import { driverError, lostMembership } from '../../../clients/platformatic/errors.js';

/** Protocol API keys and error codes, as on the wire. */
const TXN_OFFSET_COMMIT = 28;
const END_TXN = 26;
const NOT_COORDINATOR = 16;
const UNKNOWN_MEMBER_ID = 25;

const response = (api: number, code: number): ResponseError => new ResponseError(api, 4, { '/topics/0/partitions/0': [code, null] }, {});
/** What the library's retry loop throws once every attempt failed ("commit" is its name for TxnOffsetCommit). */
const retried = (operation: string, error: Error): MultipleErrors => new MultipleErrors(`${operation} failed 6 times.`, Array.from({ length: 6 }, () => error));

describe('clients/platformatic/errors', () => {
  it("a transaction's offsets refused with NOT_COORDINATOR, after the library's retries, is a lost membership (the consumer must look its coordinator up again)", () => {
    expect(lostMembership(retried('commit', response(TXN_OFFSET_COMMIT, NOT_COORDINATOR)))).to.equal(true);
    expect(lostMembership(response(TXN_OFFSET_COMMIT, NOT_COORDINATOR))).to.equal(true);
  });

  it('an unknown member is a lost membership whatever the request', () => {
    expect(lostMembership(response(TXN_OFFSET_COMMIT, UNKNOWN_MEMBER_ID))).to.equal(true);
  });

  it("NOT_COORDINATOR from the transaction's own coordinator is not: the producer is replaced instead", () => {
    expect(lostMembership(retried('endTransaction', response(END_TXN, NOT_COORDINATOR)))).to.equal(false);
    expect(lostMembership(new ProtocolError(NOT_COORDINATOR))).to.equal(false);
  });

  it('a driver error names what failed and why, in one line', () => {
    const error = driverError(retried('commit', response(TXN_OFFSET_COMMIT, NOT_COORDINATOR)), 'committing a transaction');
    expect(error.message).to.match(/^committing a transaction: commit failed 6 times\. \(.*coordinator.*\)$/);
    expect(error.message).to.not.include('\n');
  });
});
