import type { DriverName } from '../clients/driver.js';
import { describeCluster, parseBrokerList } from './cluster.js';
import { localBrokerOptions, startLocalBroker, stopLocalBroker, type LocalBrokerOptions, type ProgressListener } from './local-broker.js';

/** The cluster a run uses, and how to give it back when the run ends. */
export interface KafkaTarget {
  readonly brokers: readonly string[];
  /** `configured`: KAFKA_BROKERS or --brokers; `local-started`: this run started the local broker; `local-running`: it was already up. */
  readonly origin: 'configured' | 'local-started' | 'local-running';
  /** Stops the local broker only if this run started it; never touches a configured cluster. */
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** A configured cluster; when absent, the local broker is used. */
  readonly brokers: readonly string[] | undefined;
  readonly local: LocalBrokerOptions;
  /** How long a configured cluster may take to answer before it is reported unreachable. */
  readonly probeTimeoutMs: number;
  readonly onProgress?: ProgressListener;
  /** The driver that probes a configured cluster (the default driver when absent): the one the run will use. */
  readonly driver?: DriverName;
}

/**
 * The embedded default: a configured cluster is used as it is (after checking it answers);
 * otherwise the local broker is started if it is not running, and stopped at release only if
 * this call started it.
 */
export async function acquireKafka(options: AcquireOptions): Promise<KafkaTarget> {
  if (options.brokers) {
    await describeCluster(options.brokers, options.probeTimeoutMs, options.driver ? { driver: options.driver } : {});
    return { brokers: options.brokers, origin: 'configured', release: () => Promise.resolve() };
  }
  const started = await startLocalBroker(options.local, options.onProgress);
  const local = options.local;
  // A cluster this call only completed (some nodes were up) is someone else's: it is left running.
  const startedAll = started.startedNodeIds.length === started.nodes.length;
  return {
    brokers: started.brokers,
    origin: startedAll ? 'local-started' : 'local-running',
    release: startedAll
      ? async () => {
          await stopLocalBroker(local);
        }
      : () => Promise.resolve(),
  };
}

/** acquireKafka with everything taken from the environment: KAFKA_BROKERS, else the local broker's KAFKA_* settings (KAFKA_NODES nodes). */
export function acquireKafkaFromEnv(env: NodeJS.ProcessEnv, onProgress?: ProgressListener): Promise<KafkaTarget> {
  const brokers = env.KAFKA_BROKERS ? parseBrokerList(env.KAFKA_BROKERS) : undefined;
  return acquireKafka({ brokers, local: localBrokerOptions(env), probeTimeoutMs: 5_000, ...(onProgress ? { onProgress } : {}) });
}
