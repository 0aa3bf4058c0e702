/**
 * sendInTransactionRetrying: a transaction tried again after a failure asks, through the driver,
 * whether its offsets are committed already (a commit whose answer was lost), and the first
 * attempt never does; a fenced producer is not tried again.
 */
import { expect } from 'chai';
import type { DriverConsumer, DriverProducer, OutgoingMessage, TransactionOffsets } from '../../../clients/driver.js';
import { DriverError } from '../../../clients/errors.js';
import { sendInTransactionRetrying } from '../../../pipeline/state/changelog.js';

/** A producer whose transactions fail with the given errors, in turn, then succeed; it records the offsets each attempt got. */
function scriptedProducer(failures: DriverError[]) {
  const attempts: (TransactionOffsets | undefined)[] = [];
  const producer: DriverProducer = {
    send: () => Promise.resolve(),
    async sendInTransaction(_messages: readonly OutgoingMessage[], offsets?: TransactionOffsets) {
      attempts.push(offsets);
      // As a driver does: the check comes before anything is written.
      if (offsets?.alreadyCommitted && (await offsets.alreadyCommitted())) return;
      const failure = failures.shift();
      if (failure) throw failure;
    },
    close: () => Promise.resolve(),
  };
  return { producer, attempts };
}

const consumer = {} as DriverConsumer;
const offsets: TransactionOffsets = { consumer, offsets: [{ topic: 'orders', partition: 0, offset: 42 }] };
const coordinatorMoved = (): DriverError => new DriverError('FAILED', 'committing a transaction: This is not the correct coordinator.', { retriable: true });

describe('pipeline/state sendInTransactionRetrying', () => {
  it('asks whether the offsets are committed only on the attempts after a failure, and stops when they are', async () => {
    const { producer, attempts } = scriptedProducer([coordinatorMoved(), coordinatorMoved()]);
    let asked = 0;
    await sendInTransactionRetrying(producer, [], offsets, { committed: () => Promise.resolve(++asked >= 2) });
    expect(attempts).to.have.length(3);
    expect(attempts[0]?.alreadyCommitted).to.equal(undefined);
    expect(attempts[1]?.alreadyCommitted).to.be.a('function');
    // The second attempt found nothing committed and failed; the third found the offsets in and sent nothing.
    expect(asked).to.equal(2);
  });

  it('makes no attempt after a failure the caller gives up on, though transient (the batch is no longer in hand)', async () => {
    const notMember = new DriverError('NOT_MEMBER', 'committing a transaction: Broker: Unknown member');
    const { producer, attempts } = scriptedProducer([coordinatorMoved(), notMember, notMember]);
    const error = await sendInTransactionRetrying(producer, [], offsets, { committed: () => Promise.resolve(false), giveUp: (e) => e instanceof DriverError && e.code === 'NOT_MEMBER' }).then(() => undefined, (e: unknown) => e);
    expect(error).to.equal(notMember);
    expect(attempts).to.have.length(2);
  });

  it('never retries a fenced producer', async () => {
    const { producer, attempts } = scriptedProducer([new DriverError('FENCED', 'a newer instance holds the transactional id')]);
    const error = await sendInTransactionRetrying(producer, [], offsets, { committed: () => Promise.resolve(false) }).then(() => undefined, (e: unknown) => e);
    expect((error as DriverError).code).to.equal('FENCED');
    expect(attempts).to.have.length(1);
  });
});
