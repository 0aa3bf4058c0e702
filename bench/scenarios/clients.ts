/**
 * bench:clients: every driver on one broker, the same topic layout and the same orders, beside
 * Kafka's own Java tools from the same run. Per driver: produce throughput (acks=all and
 * idempotent, then acks=1), consume throughput reading the topic back, and produce-to-ack latency
 * at a fixed rate (open loop). The harness's own cost per message is measured as it runs.
 */
import type { DriverInfo, DriverName, ProducerOptions } from '../../clients/driver.js';
import { encodeHistogram, mergeHistograms, summarizeMs, type LatencyHistogram } from '../../pipeline/histogram.js';
import type { BenchContext } from '../harness.js';
import { measureConsume, type ConsumeResult } from '../load/consume.js';
import { runProduceLoad, type ProduceLoadResult } from '../load/produce.js';
import { bestJavaProduce, javaFigures, runJavaReference, TUNED_PRODUCER_PROPS, type JavaReference, type JavaTools } from '../reference/java-reference.js';
import type { HeaderSet } from '../measure/headers.js';
import type { FigureValue, HistogramRecord, TableRecord } from '../report/run-result.js';
import type { ClientsParams } from './params.js';
import type { ScenarioOutcome } from './scenario.js';

const round = (value: number, digits = 0): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** How each driver is set up for a throughput job: batches of orders per send, sends in flight, a short linger where the client has one. */
const THROUGHPUT_PRODUCER = { lingerMs: 5 } as const;

interface DriverMeasurement {
  readonly driver: DriverInfo;
  readonly produce: ProduceLoadResult;
  readonly produceAcks1: ProduceLoadResult;
  readonly consume: ConsumeResult;
  readonly latency: ProduceLoadResult;
}

export async function runClients(context: BenchContext, params: ClientsParams, java: JavaTools | undefined): Promise<ScenarioOutcome> {
  if (params.reference && !java) throw new Error('the Java reference needs Java and the Kafka tools classpath');
  const measured: DriverMeasurement[] = [];
  for (const driver of params.drivers) measured.push(await measureDriver(context, driver, params));
  const recordSize = Math.round(measured[0]?.produce.meanMessageBytes ?? 300);
  const reference = params.reference && java ? await runJavaReference(context, java, { recordSize, acks: 'all', partitions: params.partitions, measuredRecords: params.javaRecords, warmupRecords: params.javaWarmupRecords, consume: true, latency: { rate: params.rate, records: params.latencyCount, warmupRecords: params.latencyCount } }) : undefined;
  return outcome(measured, reference, params);
}

async function measureDriver(context: BenchContext, name: DriverName, params: ClientsParams): Promise<DriverMeasurement> {
  const client = await context.clientOf(name);
  const topicOf = (suffix: string): Promise<string> => context.freshTopic(`${name}-${suffix}`, params.partitions);
  const warmupTopic = await topicOf('warmup');
  const load = async (what: string, topic: string, producer: ProducerOptions, shape: { count: number; batchSize: number; sendsPerSecond: number | null; headers: HeaderSet }): Promise<ProduceLoadResult> => {
    context.progress.phase(`${name}: ${what}`);
    const result = await runProduceLoad({ driver: name, brokers: context.target.brokers, topic, warmupTopic, warmupPerWorker: params.warmup, workers: params.workers, inFlight: params.inFlight, seed: params.seed, timeoutMs: params.timeoutS * 1000, producer, phase: 'measure', runId: context.runId, eventTime: null, encoding: params.encoding, ...shape });
    if (result.failed > 0) throw new Error(`${name}: ${what}: ${result.failed} of ${shape.count} orders failed: ${result.firstError ?? 'no error given'}`);
    return result;
  };
  // Throughput: keyed orders without headers, as Kafka's ProducerPerformance sends its records.
  const throughput = { count: params.count, batchSize: params.batchSize, sendsPerSecond: null, headers: 'none' as const };
  const allTopic = await topicOf('acks-all');
  const produce = await load(`producing ${params.count} orders, acks=all, idempotent`, allTopic, { idempotent: true, acks: 'all', compression: 'none', ...THROUGHPUT_PRODUCER }, throughput);
  const produceAcks1 = await load(`producing ${params.count} orders, acks=1`, await topicOf('acks-1'), { idempotent: false, acks: 'leader', compression: 'none', ...THROUGHPUT_PRODUCER }, throughput);
  context.progress.phase(`${name}: reading ${params.count} orders back`);
  const consume = await measureConsume(client, allTopic, `${context.runId}-${name}-reader`, params.count, params.timeoutS * 1000);
  // Latency: one order per send on a fixed schedule, sent at once (no linger).
  const latency = await load(`${params.latencyCount} orders at ${params.rate}/s, one per send`, await topicOf('latency'), { idempotent: true, acks: 'all', compression: 'none', lingerMs: 0 }, { count: params.latencyCount, batchSize: 1, sendsPerSecond: params.rate, headers: 'bench' });
  return { driver: client.driver, produce, produceAcks1, consume, latency };
}

function driverFigures(m: DriverMeasurement): Record<string, FigureValue> {
  const name = m.driver.name;
  return {
    [`${name}_produce_events_per_s`]: round(m.produce.eventsPerS),
    [`${name}_produce_acks1_events_per_s`]: round(m.produceAcks1.eventsPerS),
    [`${name}_consume_events_per_s`]: round(m.consume.eventsPerS),
    [`${name}_produce_to_ack_p99_ms`]: summarizeMs(m.latency.produceToAck).p99,
    [`${name}_harness_us_per_message`]: round(m.produce.buildMicrosPerMessage, 2),
  };
}

function outcome(measured: readonly DriverMeasurement[], reference: JavaReference | undefined, params: ClientsParams): ScenarioOutcome {
  const best = [...measured].sort((a, b) => b.produce.eventsPerS - a.produce.eventsPerS)[0];
  const javaBest = reference ? bestJavaProduce(reference) : undefined;
  const harnessCost = Math.max(0, ...measured.map((m) => m.produce.buildMicrosPerMessage));
  const figures: Record<string, FigureValue> = {
    ...Object.fromEntries(measured.flatMap((m) => Object.entries(driverFigures(m)))),
    ...(reference ? javaFigures(reference) : {}),
    mean_message_bytes: round(measured[0]?.produce.meanMessageBytes ?? 0),
    harness_us_per_message: round(harnessCost, 2),
    best_driver: best?.driver.name ?? null,
    best_driver_share_of_java: best && javaBest ? round(best.produce.eventsPerS / javaBest, 3) : null,
  };
  const histograms: HistogramRecord[] = measured.map((m) => latencyRecord(`${m.driver.name}_produce_to_ack`, `${m.driver.name}: one order per send at ${params.rate}/s (open loop), from each send's intended time to the broker's acknowledgement (acks=all)`, m.latency.produceToAck));
  const sendLags = measured.flatMap((m) => (m.latency.sendLag ? [m.latency.sendLag] : []));
  if (sendLags.length > 0) histograms.push(latencyRecord('send_lag', "how late each latency send started after its intended time (the load generator's own delay), every driver", mergeHistograms(sendLags)));
  return {
    warmup: { messages: params.warmup * params.workers * 3 * measured.length, duration_ms: measured.reduce((total, m) => total + m.produce.warmupMs + m.produceAcks1.warmupMs + m.latency.warmupMs, 0), excluded_from_figures: true },
    figures,
    histograms,
    series: [],
    tables: [comparisonTable(measured, reference, javaBest)],
    checks: [
      ...measured.map((m) => ({ name: `${m.driver.name}: every order sent and read back`, passed: m.produce.sent === params.count && m.produceAcks1.sent === params.count && m.consume.messages === params.count && m.latency.sent === params.latencyCount, detail: `produced ${m.produce.sent} + ${m.produceAcks1.sent}, read back ${m.consume.messages}, latency ${m.latency.sent} of ${params.latencyCount}` })),
    ],
    drivers: measured.map((m) => m.driver),
  };
}

function latencyRecord(name: string, description: string, histogram: LatencyHistogram): HistogramRecord {
  return { name, description, summary: summarizeMs(histogram), encoded: encodeHistogram(histogram) };
}

function comparisonTable(measured: readonly DriverMeasurement[], reference: JavaReference | undefined, javaBest: number | undefined): TableRecord {
  const share = (eventsPerS: number): number | string => (javaBest ? round(eventsPerS / javaBest, 3) : '-');
  const rows: (number | string)[][] = measured.map((m) => [
    `${m.driver.name} (${m.driver.library} ${m.driver.version})`,
    round(m.produce.eventsPerS),
    round(m.produceAcks1.eventsPerS),
    round(m.consume.eventsPerS),
    summarizeMs(m.latency.produceToAck).p99,
    share(m.produce.eventsPerS),
  ]);
  if (reference) {
    rows.push(['Java ProducerPerformance, default (ConsumerPerformance)', round(reference.producer.recordsPerS), '-', reference.consumer ? round(reference.consumer.fetchRecordsPerS) : '-', reference.latency?.p99Ms ?? '-', share(reference.producer.recordsPerS)]);
    rows.push([`Java ProducerPerformance, tuned (${TUNED_PRODUCER_PROPS.join(' ')})`, round(reference.producerTuned.recordsPerS), '-', '-', '-', share(reference.producerTuned.recordsPerS)]);
  }
  return {
    name: 'clients',
    title: 'drivers and Java references (events/s; share of the best Java producer)',
    columns: ['client', 'produce_acks_all', 'produce_acks_1', 'consume', 'produce_to_ack_p99_ms', 'share_of_java'],
    rows,
  };
}
