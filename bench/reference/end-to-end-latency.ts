/**
 * Kafka's own EndToEndLatency (Java): one record at a time, produced and consumed back on the same
 * broker, acks as asked. Its percentiles are whole milliseconds; it has no warm-up of its own, so
 * it runs enough records that its JVM's first ones do not reach the percentiles reported.
 */
import { runKafkaTool } from './kafka-tool.js';

export interface EndToEndLatencyResult {
  readonly records: number;
  readonly avgMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p99_9Ms: number;
}

/** Reads "Avg latency: 3.0385 ms" and "Percentiles: 50th = 2, 99th = 10, 99.9th = 42". */
export function parseEndToEndLatency(output: string, records: number): EndToEndLatencyResult {
  const avg = /Avg latency: ([\d.]+) ms/.exec(output);
  const percentiles = /Percentiles: 50th = ([\d.]+), 99th = ([\d.]+), 99\.9th = ([\d.]+)/.exec(output);
  if (!avg?.[1] || !percentiles?.[1] || !percentiles[2] || !percentiles[3]) throw new Error(`EndToEndLatency printed no summary: ${output.trim().split('\n').slice(-2).join(' | ')}`);
  return { records, avgMs: Number(avg[1]), p50Ms: Number(percentiles[1]), p99Ms: Number(percentiles[2]), p99_9Ms: Number(percentiles[3]) };
}

export interface EndToEndLatencyOptions {
  readonly javaCommand: string;
  readonly classpath: string;
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly records: number;
  readonly recordSize: number;
  readonly acks: 'all' | '1';
}

export async function runEndToEndLatency(options: EndToEndLatencyOptions): Promise<EndToEndLatencyResult> {
  const stdout = await runKafkaTool(options, 'EndToEndLatency', [
    '--bootstrap-server',
    options.brokers.join(','),
    '--topic',
    options.topic,
    '--num-records',
    String(options.records),
    '--producer-acks',
    options.acks,
    '--record-size',
    String(options.recordSize),
  ]);
  return parseEndToEndLatency(stdout, options.records);
}
