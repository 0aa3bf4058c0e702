import type { ClusterInfo, DriverName } from '../clients/driver.js';
import { errorText } from '../clients/errors.js';
import { DEFAULT_DRIVER, openClient } from '../clients/registry.js';
import { LocalKafkaError } from './errors.js';

/** Parses a comma-separated "host:port" list; throws a one-line error naming the bad entry. */
export function parseBrokerList(list: string, source = 'KAFKA_BROKERS'): string[] {
  const brokers = list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (brokers.length === 0) throw new Error(`${source} is empty: expected host:port[,host:port...]`);
  for (const broker of brokers) {
    const match = /^([^\s:]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(broker);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      throw new Error(`${source}: '${broker}' is not host:port (expected host:port[,host:port...], port 1-65535)`);
    }
  }
  return brokers;
}

/**
 * Asks the cluster for its metadata, giving up after timeoutMs with a one-line
 * BROKER_UNREACHABLE error, so an unreachable broker is reported in seconds, not after a hang.
 * With `groups`, also asks the group coordinator about a group: on a new broker that is what makes
 * it create and load its offsets topic, so consumer groups can join at once afterwards.
 * The probe goes through a client driver (the default one unless named).
 */
export async function describeCluster(brokers: readonly string[], timeoutMs: number, options: { groups?: boolean; driver?: DriverName } = {}): Promise<ClusterInfo> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const probe = async (): Promise<ClusterInfo> => {
    // One try per further bootstrap broker: with one node of several down (bench:chaos restarts a stage then), a client that met it first tries the next.
    const client = await openClient(options.driver ?? DEFAULT_DRIVER, { brokers, clientId: 'kafka-bench-probe', logLevel: 'nothing', connectTimeoutMs: Math.min(timeoutMs, 3000), requestTimeoutMs: timeoutMs, retries: brokers.length - 1 });
    const admin = await client.admin();
    try {
      const info = await admin.describeCluster();
      if (options.groups) await admin.describeGroup('kafka-bench-readiness-probe');
      return info;
    } finally {
      // Also when the probe lost the race: it closes what it opened.
      await admin.close().catch(() => undefined);
    }
  };
  try {
    return await Promise.race([probe(), timeout]);
  } catch (error) {
    throw new LocalKafkaError('BROKER_UNREACHABLE', `cannot reach Kafka at ${brokers.join(',')}: ${errorText(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
