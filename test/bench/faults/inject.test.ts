import { expect } from 'chai';
import type { BrokerAction, BrokerControl } from '../../../bench/faults/broker-control.js';
import { runFaultSchedule, type FaultTargets } from '../../../bench/faults/inject.js';
import type { Fault } from '../../../bench/faults/schedule.js';
import { systemClock } from '../../../bench/measure/clock.js';

/** Brokers that only record what was done to them, node 2 leading every partition. */
function recordingTargets(actions: string[]): FaultTargets {
  const brokers: BrokerControl = {
    description: 'recorded',
    run: (action: BrokerAction, node: number) => {
      actions.push(`${action} ${node}`);
      return Promise.resolve();
    },
  };
  return { brokers, leaderOf: () => Promise.resolve(2), orderTopic: 'orders', orderPartitions: 3, killInventory: () => Promise.resolve('inventory-1'), restartInventory: () => Promise.resolve() };
}

describe('bench/faults/inject: undo, for a run stopped while a fault is in force', () => {
  for (const [kind, made, undone] of [['kill-leader', 'kill 2', 'restart 2'], ['pause-broker', 'pause 2', 'resume 2']] as const) {
    it(`${kind}: undo ${undone.split(' ')[0]}s the broker at once, and nothing once the fault's own undoing came`, async () => {
      const actions: string[] = [];
      const faults: Fault[] = [{ atS: 0, kind, forS: 0.3 }];
      let signalMade = (): void => undefined;
      const inForce = new Promise<void>((resolve) => (signalMade = resolve));
      const run = runFaultSchedule(faults, recordingTargets(actions), systemClock.nowMicros(), () => {
        signalMade();
      });
      await inForce;
      await run.undo();
      expect(actions).to.deep.equal([made, undone]);
      await run.done;
      await run.undo();
      expect(actions).to.deep.equal([made, undone, undone]);
    });
  }
});
