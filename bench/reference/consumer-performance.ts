/** Kafka's own ConsumerPerformance (Java), reading a topic back on the same broker: the consume reference. */
import { runKafkaTool } from './kafka-tool.js';

export interface ConsumerPerformanceResult {
  readonly records: number;
  readonly mb: number;
  /** Records per second while fetching, the group's join (rebalance time) left out, as the tool reports it. */
  readonly fetchRecordsPerS: number;
  readonly fetchMbPerS: number;
  readonly rebalanceMs: number;
}

/**
 * Reads ConsumerPerformance's summary: a header line "start.time, end.time, data.consumed.in.MB,
 * MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec,
 * fetch.nMsg.sec" and one line of values under it.
 */
export function parseConsumerPerformance(output: string): ConsumerPerformanceResult {
  const lines = output.split('\n').map((line) => line.trim());
  const headerIndex = lines.findIndex((line) => line.startsWith('start.time,'));
  const header = lines[headerIndex]?.split(',').map((cell) => cell.trim());
  const values = lines[headerIndex + 1]?.split(',').map((cell) => cell.trim());
  if (headerIndex < 0 || !header || !values || values.length !== header.length) throw new Error(`ConsumerPerformance printed no summary line${values ? `: ${values.join(',')}` : ''}`);
  const value = (name: string): number => {
    const found = Number(values[header.indexOf(name)]);
    if (!Number.isFinite(found)) throw new Error(`ConsumerPerformance's summary has no ${name}`);
    return found;
  };
  return { records: value('data.consumed.in.nMsg'), mb: value('data.consumed.in.MB'), fetchRecordsPerS: value('fetch.nMsg.sec'), fetchMbPerS: value('fetch.MB.sec'), rebalanceMs: value('rebalance.time.ms') };
}

export interface ConsumerPerformanceOptions {
  readonly javaCommand: string;
  readonly classpath: string;
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly records: number;
}

export async function runConsumerPerformance(options: ConsumerPerformanceOptions): Promise<ConsumerPerformanceResult> {
  const stdout = await runKafkaTool(options, 'ConsumerPerformance', [
    '--bootstrap-server',
    options.brokers.join(','),
    '--topic',
    options.topic,
    '--num-records',
    String(options.records),
    '--timeout',
    '30000',
  ]);
  return parseConsumerPerformance(stdout);
}
