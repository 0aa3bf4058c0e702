/**
 * Runs a fault schedule against the running pipeline: each fault at its time, on its own (an
 * inventory kill may come while a broker is down), undone after its FOR. A broker fault without a
 * way to control brokers is skipped, and the record says so.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, waitUntil } from '../measure/clock.js';
import type { BrokerControl } from './broker-control.js';
import type { Fault } from './schedule.js';

/** What the schedule acts on. */
export interface FaultTargets {
  /** undefined: brokers cannot be controlled here (a configured cluster without --fault-command). */
  readonly brokers: BrokerControl | undefined;
  /** Why brokers cannot be controlled, when they cannot. */
  readonly brokersMissing?: string;
  /** The broker leading `partition` of the order topic now. */
  leaderOf(partition: number): Promise<number>;
  readonly orderTopic: string;
  readonly orderPartitions: number;
  /** SIGKILL of the inventory process; returns what was killed (for the record). */
  killInventory(): Promise<string>;
  restartInventory(): Promise<void>;
}

/** One fault as it happened: run.json's `faults` array (recovery_s is added from the results). */
export interface FaultEvent {
  /** Seconds from the load's start to the moment the fault was made. */
  readonly at_s: number;
  readonly kind: Fault['kind'];
  readonly target: string;
  readonly for_s: number;
  /** Why it did not run, when it did not. */
  readonly skipped?: string;
}

export interface FaultRun {
  /** Resolves with every fault's record once the last one is undone; rejects if making or undoing one failed. */
  readonly done: Promise<FaultEvent[]>;
  /** Undoes what is still in force (a paused broker resumed, a killed one restarted): for the run's cleanup. */
  undo(): Promise<void>;
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

export function runFaultSchedule(faults: readonly Fault[], targets: FaultTargets, startMicros: number, onFault: (event: FaultEvent) => void): FaultRun {
  const paused = new Set<number>();
  const killed = new Set<number>();
  const one = async (fault: Fault): Promise<FaultEvent> => {
    await waitUntil(systemClock, startMicros + fault.atS * 1e6);
    const at_s = round((systemClock.nowMicros() - startMicros) / 1e6);
    const base = { at_s, kind: fault.kind, for_s: fault.forS };
    if (fault.kind === 'kill-inventory') {
      const target = await targets.killInventory();
      onFault({ ...base, target });
      await sleep(fault.forS * 1000);
      await targets.restartInventory();
      return { ...base, target };
    }
    const { brokers } = targets;
    if (!brokers) {
      const event = { ...base, target: 'none', skipped: targets.brokersMissing ?? 'brokers cannot be controlled' };
      onFault(event);
      return event;
    }
    const partition = fault.kind === 'kill-leader' ? 0 : 1 % targets.orderPartitions;
    const node = await targets.leaderOf(partition);
    const target = `broker ${node} (leader of ${targets.orderTopic}/${partition})`;
    if (fault.kind === 'kill-leader') {
      await brokers.run('kill', node);
      killed.add(node);
      onFault({ ...base, target });
      await sleep(fault.forS * 1000);
      await brokers.run('restart', node);
      killed.delete(node);
    } else {
      await brokers.run('pause', node);
      paused.add(node);
      onFault({ ...base, target });
      await sleep(fault.forS * 1000);
      await brokers.run('resume', node);
      paused.delete(node);
    }
    return { ...base, target };
  };
  const done = Promise.all(faults.map(one));
  // Raced by the scenario; a rejection here is reported there.
  done.catch(() => undefined);
  return {
    done,
    async undo() {
      for (const node of paused) await targets.brokers?.run('resume', node).catch(() => undefined);
      for (const node of killed) await targets.brokers?.run('restart', node).catch(() => undefined);
    },
  };
}
