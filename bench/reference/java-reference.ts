/**
 * Kafka's own Java tools on the run's broker, long enough to reach steady state: the limit every
 * figure of ours is compared with. ProducerPerformance with default settings and tuned for
 * throughput, and ConsumerPerformance reading the default run's topic back.
 */
import type { KafkaJavaTools } from '../../kafka/local-broker.js';
import type { BenchContext } from '../harness.js';
import { runConsumerPerformance, type ConsumerPerformanceResult } from './consumer-performance.js';
import { runProducerPerformance, type ProducerPerformanceResult } from './producer-performance.js';

/**
 * Records sent before the figures count, and after. In one run of 3,000,000 records with 1 s
 * windows (README, "How long the Java references run"), the rate stopped rising within the first
 * 500,000; the measured million comes after that.
 */
export const JAVA_STEADY_STATE = { warmupRecords: 500_000, measuredRecords: 1_000_000 } as const;

/** The tuned producer: larger batches, a short linger (what a throughput-minded Java user sets). */
export const TUNED_PRODUCER_PROPS = ['batch.size=262144', 'linger.ms=5'] as const;

export interface JavaReferenceOptions {
  readonly recordSize: number;
  readonly acks: 'all' | '1' | '0';
  readonly partitions: number;
  readonly measuredRecords: number;
  readonly warmupRecords: number;
  /** Also read the default run's topic back with ConsumerPerformance. */
  readonly consume: boolean;
  /** Also a run at a fixed rate, sent at once (linger.ms=0), for produce-to-ack latency. */
  readonly latency?: { readonly rate: number; readonly records: number; readonly warmupRecords: number };
}

export interface JavaReference {
  readonly producer: ProducerPerformanceResult;
  readonly producerTuned: ProducerPerformanceResult;
  readonly consumer: ConsumerPerformanceResult | undefined;
  readonly latency: ProducerPerformanceResult | undefined;
}

export type JavaTools = Pick<KafkaJavaTools, 'javaCommand' | 'classpath'>;

export async function runJavaReference(context: BenchContext, java: JavaTools, options: JavaReferenceOptions): Promise<JavaReference> {
  const records = options.warmupRecords + options.measuredRecords;
  const run = async (suffix: string, producerProps: readonly string[], shape = { records, warmupRecords: options.warmupRecords, throughput: -1 }): Promise<{ topic: string; result: ProducerPerformanceResult }> => {
    const topic = await context.freshTopic(suffix, options.partitions);
    const result = await runProducerPerformance({ ...java, brokers: context.target.brokers, topic, recordSize: options.recordSize, acks: options.acks, producerProps, ...shape });
    return { topic, result };
  };
  context.progress.phase(`Kafka's ProducerPerformance, default settings, ${records} records`);
  const plain = await run('java-producer', []);
  context.progress.phase(`Kafka's ProducerPerformance, tuned (${TUNED_PRODUCER_PROPS.join(' ')}), ${records} records`);
  const tuned = await run('java-producer-tuned', TUNED_PRODUCER_PROPS);
  let consumer: ConsumerPerformanceResult | undefined;
  if (options.consume) {
    context.progress.phase(`Kafka's ConsumerPerformance, ${records} records`);
    consumer = await runConsumerPerformance({ ...java, brokers: context.target.brokers, topic: plain.topic, records });
  }
  let latency: ProducerPerformanceResult | undefined;
  if (options.latency) {
    const { rate, records: measured, warmupRecords } = options.latency;
    context.progress.phase(`Kafka's ProducerPerformance at ${rate}/s, linger.ms=0, ${warmupRecords + measured} records`);
    latency = (await run('java-latency', ['linger.ms=0'], { records: warmupRecords + measured, warmupRecords, throughput: rate })).result;
  }
  context.progress.done();
  return { producer: plain.result, producerTuned: tuned.result, consumer, latency };
}

/** The figures every report with a Java reference carries, named as in docs/DESIGN.md. */
export function javaFigures(reference: JavaReference): Record<string, number> {
  return {
    java_produce_events_per_s: Math.round(reference.producer.recordsPerS),
    java_produce_p99_ms: reference.producer.p99Ms,
    java_produce_tuned_events_per_s: Math.round(reference.producerTuned.recordsPerS),
    java_produce_tuned_p99_ms: reference.producerTuned.p99Ms,
    java_steady_records: reference.producer.records,
    ...(reference.consumer ? { java_consume_events_per_s: Math.round(reference.consumer.fetchRecordsPerS) } : {}),
    ...(reference.latency ? { java_produce_to_ack_p50_ms: reference.latency.p50Ms, java_produce_to_ack_p99_ms: reference.latency.p99Ms } : {}),
  };
}

/** The best Java producer figure of the run: what "share of Java" divides by. */
export function bestJavaProduce(reference: JavaReference): number {
  return Math.max(reference.producer.recordsPerS, reference.producerTuned.recordsPerS);
}
