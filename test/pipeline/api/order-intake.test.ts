import { expect } from 'chai';
import type { OrderPlaced } from '../../../pipeline/contracts/events.js';
import { OrderIntake, type OrderSink } from '../../../pipeline/api/order-intake.js';
import { OrderNotSentError } from '../../../pipeline/producer/order-batcher.js';

/** A sink whose sends the test answers one by one: the intake's decisions, without Kafka's timing. */
class ManualSink implements OrderSink {
  readonly sends: { order: OrderPlaced; resolve: () => void; reject: (error: unknown) => void; signal: AbortSignal }[] = [];

  publish(order: OrderPlaced, _headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => this.sends.push({ order, resolve, reject, signal }));
  }

  kafkaReachable(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

function order(id: string): OrderPlaced {
  return { order_id: id, student_id: 'STU-1', restaurant: 'Tower Cafe', items: [{ item: 'coffee', quantity: 1, unit_price: 3.5 }], total_amount: 3.5, placed_at: '2026-02-15T10:00:00.000Z', status: 'placed' };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('pipeline/api/order-intake: retries with an idempotency key', () => {
  it('two identical requests in flight at once send one order, and both hear its outcome', async () => {
    const sink = new ManualSink();
    const intake = new OrderIntake({ sink, sendTimeoutMs: 60_000 });
    const identity = { key: 'key:k1', fingerprint: 'f' };
    const first = intake.place({ order: order('ORD-1'), headers: {}, identity });
    const second = intake.place({ order: order('ORD-2'), headers: {}, identity });
    await settle();
    expect(sink.sends.map((s) => s.order.order_id)).to.deep.equal(['ORD-1']);
    sink.sends[0]?.resolve();
    expect(await first).to.deep.equal({ kind: 'acknowledged', order: order('ORD-1'), replayed: false });
    expect(await second).to.deep.equal({ kind: 'acknowledged', order: order('ORD-1'), replayed: true });
  });

  it('a retry after an acknowledgement answers the first order again and sends nothing', async () => {
    const sink = new ManualSink();
    const intake = new OrderIntake({ sink, sendTimeoutMs: 60_000 });
    const identity = { key: 'key:k2', fingerprint: 'f' };
    const first = intake.place({ order: order('ORD-A'), headers: {}, identity });
    await settle();
    sink.sends[0]?.resolve();
    await first;
    const retry = await intake.place({ order: order('ORD-B'), headers: {}, identity });
    expect(retry).to.deep.equal({ kind: 'acknowledged', order: order('ORD-A'), replayed: true });
    expect(sink.sends).to.have.length(1);
  });

  it('the same key with another body is a conflict, and sends nothing', async () => {
    const sink = new ManualSink();
    const intake = new OrderIntake({ sink, sendTimeoutMs: 60_000 });
    void intake.place({ order: order('ORD-C'), headers: {}, identity: { key: 'key:k3', fingerprint: 'f1' } });
    const other = await intake.place({ order: order('ORD-D'), headers: {}, identity: { key: 'key:k3', fingerprint: 'f2' } });
    expect(other.kind).to.equal('conflict');
    expect(sink.sends).to.have.length(1);
  });

  it('an order not acknowledged in time is "unknown"; one the sink withdrew is "not sent", and its retry sends the same order again', async () => {
    const sink = new ManualSink();
    const intake = new OrderIntake({ sink, sendTimeoutMs: 20 });
    // The sink withdraws an order when the intake gives up on it, as the batcher does for one still waiting.
    const withdrawing: OrderSink = {
      publish: (o, h, signal) => {
        const sent = sink.publish(o, h, signal);
        if (o.order_id === 'ORD-W') signal.addEventListener('abort', () => sink.sends.at(-1)?.reject(new OrderNotSentError('withdrawn')));
        return sent;
      },
      kafkaReachable: () => Promise.resolve(true),
    };
    const withdrawingIntake = new OrderIntake({ sink: withdrawing, sendTimeoutMs: 20 });
    expect(await intake.place({ order: order('ORD-U'), headers: {} })).to.deep.include({ kind: 'unknown', reason: 'no acknowledgement within 20 ms' });
    const identity = { key: 'key:k4', fingerprint: 'f' };
    expect(await withdrawingIntake.place({ order: order('ORD-W'), headers: {}, identity })).to.deep.include({ kind: 'not-sent', reason: 'withdrawn' });
    const retry = withdrawingIntake.place({ order: order('ORD-X'), headers: {}, identity });
    await settle();
    expect(sink.sends.map((s) => s.order.order_id)).to.deep.equal(['ORD-U', 'ORD-W', 'ORD-W']);
    sink.sends[2]?.resolve();
    expect(await retry).to.deep.equal({ kind: 'acknowledged', order: order('ORD-W'), replayed: true });
  });
});
