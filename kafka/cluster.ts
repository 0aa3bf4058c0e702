import { Kafka, logLevel } from 'kafkajs';
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

export interface ClusterInfo {
  readonly clusterId: string;
  readonly controller: number | null;
  readonly brokers: readonly { nodeId: number; host: string; port: number }[];
}

/**
 * Asks the cluster for its metadata, giving up after timeoutMs with a one-line
 * BROKER_UNREACHABLE error, so an unreachable broker is reported in seconds, not after a hang.
 * With `groups`, also asks the group coordinator about a group: on a new broker that is what makes
 * it create and load its offsets topic, so consumer groups can join at once afterwards.
 */
export async function describeCluster(brokers: readonly string[], timeoutMs: number, options: { groups?: boolean } = {}): Promise<ClusterInfo> {
  const kafka = new Kafka({
    clientId: 'kafka-bench-probe',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      (async () => {
        await admin.connect();
        const info = await admin.describeCluster();
        if (options.groups) await admin.describeGroups(['kafka-bench-readiness-probe']);
        return info;
      })(),
      timeout,
    ]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LocalKafkaError('BROKER_UNREACHABLE', `cannot reach Kafka at ${brokers.join(',')}: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}
