/**
 * Kafka's own ProducerPerformance (Java, from the kafka-tools jars the project provisions), run on
 * the same broker with the same record size and acks: a reference for what the machine and broker
 * can take, beside what the drivers reached.
 */
import { runKafkaTool } from './kafka-tool.js';

export interface ProducerPerformanceResult {
  readonly records: number;
  readonly recordsPerS: number;
  readonly mbPerS: number;
  readonly avgLatencyMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxLatencyMs: number;
}

/**
 * Reads ProducerPerformance's summary: "N records sent, R records/sec (M MB/sec), A ms avg latency,
 * X ms max latency, P ms 50th, … ms 99th, …", or the "N steady state records sent, …" line that
 * follows it when warm-up records were asked for.
 */
export function parseProducerPerformance(output: string): ProducerPerformanceResult {
  const lines = output.split('\n');
  const summary = (l: string): boolean => /records sent, .* records\/sec .* ms 50th/.test(l);
  const line = lines.find((l) => summary(l) && l.includes('steady state')) ?? lines.reverse().find(summary);
  const number = (pattern: RegExp): number => {
    const match = line ? pattern.exec(line) : null;
    if (!match?.[1]) throw new Error(`ProducerPerformance printed no summary line${line ? `: ${line}` : ''}`);
    return Number(match[1]);
  };
  return {
    records: number(/^(\d+) (?:steady state )?records sent/),
    recordsPerS: number(/([\d.]+) records\/sec/),
    mbPerS: number(/\(([\d.]+) MB\/sec\)/),
    avgLatencyMs: number(/([\d.]+) ms avg latency/),
    maxLatencyMs: number(/([\d.]+) ms max latency/),
    p50Ms: number(/([\d.]+) ms 50th/),
    p99Ms: number(/([\d.]+) ms 99th/),
  };
}

export interface ProducerPerformanceOptions {
  readonly javaCommand: string;
  readonly classpath: string;
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly records: number;
  /** Records sent first and left out of the steady-state figures (the JVM's own warm-up). */
  readonly warmupRecords: number;
  readonly recordSize: number;
  readonly acks: 'all' | '1' | '0';
  /** Producer settings beyond the defaults (the tuned run: batch.size, linger.ms). */
  readonly producerProps?: readonly string[];
  /** Records per second on the tool's own schedule; default: as fast as it can. */
  readonly throughput?: number;
}

export async function runProducerPerformance(options: ProducerPerformanceOptions): Promise<ProducerPerformanceResult> {
  const stdout = await runKafkaTool(options, 'ProducerPerformance', [
    '--topic',
    options.topic,
    '--num-records',
    String(options.records),
    '--warmup-records',
    String(options.warmupRecords),
    '--record-size',
    String(options.recordSize),
    '--throughput',
    String(options.throughput ?? -1),
    '--producer-props',
    `bootstrap.servers=${options.brokers.join(',')}`,
    `acks=${options.acks}`,
    ...(options.producerProps ?? []),
  ]);
  return parseProducerPerformance(stdout);
}
