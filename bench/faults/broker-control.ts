/**
 * How bench:chaos takes a broker down and brings it back: the local cluster's nodes by their
 * process ids, or, on a cluster given by KAFKA_BROKERS, the user's own script (`--fault-command`),
 * called as `CMD kill|restart|pause|resume <node-id>`.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { runningNodePid, startLocalBroker, type LocalBrokerOptions } from '../../kafka/local-broker.js';

export const BROKER_ACTIONS = ['kill', 'restart', 'pause', 'resume'] as const;
export type BrokerAction = (typeof BROKER_ACTIONS)[number];

export interface BrokerControl {
  /** For the report: how brokers are controlled. */
  readonly description: string;
  run(action: BrokerAction, nodeId: number): Promise<void>;
}

const SIGNALS: Readonly<Record<Exclude<BrokerAction, 'restart'>, NodeJS.Signals>> = { kill: 'SIGKILL', pause: 'SIGSTOP', resume: 'SIGCONT' };

/** The nodes of the local cluster: SIGKILL, SIGSTOP and SIGCONT to the node's JVM; restart starts the nodes that are down and waits until every node answers. */
export function localBrokerControl(options: LocalBrokerOptions): BrokerControl {
  return {
    description: `the local ${options.nodes}-node cluster (signals to each node's process)`,
    async run(action, nodeId) {
      if (action === 'restart') {
        await startLocalBroker(options);
        return;
      }
      const pid = runningNodePid(options, nodeId);
      if (pid === undefined) throw new Error(`cannot ${action} node ${nodeId}: it is not running`);
      process.kill(pid, SIGNALS[action]);
      if (action !== 'kill') return;
      // Gone once its record no longer names a live process of its own (a killed child may linger as a zombie).
      for (let waited = 0; runningNodePid(options, nodeId) !== undefined; waited += 50) {
        if (waited > 10_000) throw new Error(`node ${nodeId} (pid ${pid}) was still running 10 s after SIGKILL`);
        await sleep(50);
      }
    },
  };
}

/** The user's script: `command kill|restart|pause|resume <node-id>`, which must exit 0 once done (at most timeoutMs). */
export function commandBrokerControl(command: string, timeoutMs = 120_000): BrokerControl {
  return {
    description: `--fault-command ${command}`,
    run(action, nodeId) {
      return new Promise((resolve, reject) => {
        execFile(command, [action, String(nodeId)], { timeout: timeoutMs }, (error, _stdout, stderr) => {
          if (!error) {
            resolve();
            return;
          }
          const last = stderr.trim().split('\n').at(-1) ?? '';
          reject(new Error(`--fault-command ${command} ${action} ${nodeId} failed (${error.code ?? error.signal ?? 'error'})${last ? `: ${last}` : ''}`));
        });
      });
    },
  };
}
