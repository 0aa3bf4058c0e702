import { decodeHistogram, encodeHistogram, summarizeMs, type LatencyHistogram } from '../../pipeline/histogram.js';
import type { BenchContext } from '../harness.js';
import type { ProbeResult, ProbeTask } from '../load/end-to-end-probe.js';
import { startTask } from '../load/task-host.js';
import { runEndToEndLatency, type EndToEndLatencyResult } from '../reference/end-to-end-latency.js';
import type { JavaTools } from '../reference/java-reference.js';
import type { HistogramRecord } from '../report/run-result.js';
import type { BaselineParams } from './params.js';
import { sendOrders, startResultReader, startStages, untilDone, type Stages } from './phases.js';
import type { PipelineTopics } from '../../pipeline/contracts/topics.js';
import type { ScenarioOutcome } from './scenario.js';

/** What either way of measuring gives: both latencies, per order. */
interface Measured {
  readonly sent: number;
  readonly results: number;
  readonly produceToAck: LatencyHistogram;
  readonly endToEnd: LatencyHistogram;
  readonly sendLag: LatencyHistogram | undefined;
  readonly spanS: number;
  readonly meanMessageBytes: number;
  readonly warmupMs: number;
}

/**
 * Produce-to-ack and order-to-inventory-result latency: one order through the whole pipeline at a
 * time (closed loop, as Kafka's EndToEndLatency does), or at a fixed rate (open loop, latency from
 * each send's intended time). The inventory runs as its own process; the orders come from a worker
 * thread and the results are read in one; the main thread only coordinates. With `java`, Kafka's
 * own EndToEndLatency runs on the same broker as the reference.
 */
export async function runBaseline(context: BenchContext, params: BaselineParams, java?: JavaTools): Promise<ScenarioOutcome> {
  if (params.reference && !java) throw new Error('the reference run needs Java and the Kafka tools classpath');
  const topics = await context.pipelineTopics(params.partitions);
  const viaRest = params.via === 'rest';
  const stages = await startStages(context, topics, { inventoryInstances: 1, analytics: false, ...(viaRest ? { api: { lingerMs: 0, encoding: params.encoding } } : {}) }, params.timeoutS);
  const measured = params.rate === null ? await oneAtATime(context, topics, stages, params, { kind: 'kafka' }) : await atRate(context, topics, stages, params, params.rate);
  const origin = stages.kind === 'ours' ? stages.pipeline.api?.metricsUrl : undefined;
  const rest = viaRest && origin ? await oneAtATime(context, topics, stages, params, { kind: 'rest', origin }) : undefined;
  let reference: EndToEndLatencyResult | undefined;
  if (params.reference && java) {
    context.progress.phase(`Kafka's EndToEndLatency, ${params.referenceRecords} records`);
    reference = await runEndToEndLatency({ ...java, brokers: context.target.brokers, topic: await context.freshTopic('java-end-to-end', 1), records: params.referenceRecords, recordSize: Math.round(measured.meanMessageBytes), acks: 'all' });
  }
  context.progress.done();
  const outcome = baselineOutcome(params, measured, reference);
  return rest ? withRest(outcome, measured, rest) : outcome;
}

/** Closed loop: the probe worker sends an order, waits for its ack and its result, then sends the next. */
async function oneAtATime(context: BenchContext, topics: PipelineTopics, stages: Stages, params: BaselineParams, via: ProbeTask['via']): Promise<Measured> {
  context.progress.phase(`${params.warmup} orders of warm-up, then ${params.count} measured, each through ${via.kind === 'rest' ? 'the REST service and ' : ''}the pipeline before the next`);
  const started = performance.now();
  const probe = await startTask<ProbeResult>(
    {
      kind: 'probe',
      task: { driver: context.client.driver.name, via, brokers: context.target.brokers, encoding: params.encoding, orderTopic: topics.orders, resultTopic: topics.inventory, groupId: `${context.runId}-probe-${via.kind}`, runId: context.runId, warmup: params.warmup, count: params.count, seed: params.seed + (via.kind === 'rest' ? 7 : 0), resultTimeoutMs: params.timeoutS * 1000 },
    },
    'the end-to-end probe',
  );
  const result = await (stages.kind === 'ours' ? stages.pipeline.guard(probe.result) : probe.result);
  await untilDone(context, { stages, timeoutS: params.timeoutS });
  const spanS = (performance.now() - started) / 1000;
  return { sent: result.sent, results: result.results, produceToAck: decodeHistogram(result.produceToAck), endToEnd: decodeHistogram(result.endToEnd), sendLag: undefined, spanS, meanMessageBytes: result.meanMessageBytes, warmupMs: result.warmupMs };
}

/** Open loop: a producer worker sends on the rate schedule, a reader worker times each result from its order's intended time. */
async function atRate(context: BenchContext, topics: PipelineTopics, stages: Stages, params: BaselineParams, rate: number): Promise<Measured> {
  const reader = await startResultReader(context, topics);
  const onePerSend = { topic: topics.orders, workers: 1, batchSize: 1, seed: params.seed, encoding: params.encoding };
  context.progress.phase(`warm-up: ${params.warmup} orders through the pipeline`);
  const warmupStarted = performance.now();
  if (params.warmup > 0) {
    await sendOrders(context, { ...onePerSend, count: params.warmup, sendsPerSecond: rate, phase: 'warmup', seed: params.seed + 1_000_003 }, params.timeoutS);
    await untilDone(context, { stages, reader, expectedResults: params.warmup, timeoutS: params.timeoutS });
  }
  const warmupMs = Math.round(performance.now() - warmupStarted);
  context.progress.phase(`measuring ${params.count} orders at ${rate}/s`);
  // The producer thread warms its own JIT up on a side topic first.
  const warmupTopic = await context.freshTopic('producer-warmup', 1);
  const sent = await sendOrders(context, { ...onePerSend, count: params.count, sendsPerSecond: rate, phase: 'measure', warmupPerWorker: 200, warmupTopic }, params.timeoutS);
  context.progress.phase('waiting for every result');
  await untilDone(context, { stages, reader, expectedResults: params.warmup + params.count, timeoutS: params.timeoutS });
  const { counts, endToEnd } = await reader.finish();
  return { sent: sent.sent, results: counts.measured, produceToAck: sent.produceToAck, endToEnd, sendLag: sent.sendLag, spanS: sent.spanS, meanMessageBytes: sent.meanMessageBytes, warmupMs };
}

function histogramRecord(name: string, description: string, histogram: LatencyHistogram): HistogramRecord {
  return { name, description, summary: summarizeMs(histogram), encoded: encodeHistogram(histogram) };
}

const ratio = (ours: number, java: number): number | null => (java > 0 ? Math.round((ours / java) * 100) / 100 : null);

function baselineOutcome(params: BaselineParams, measured: Measured, reference: EndToEndLatencyResult | undefined): ScenarioOutcome {
  const how = params.rate ? `from each send's intended time on the ${params.rate}/s schedule` : 'one order through the pipeline at a time';
  const histograms = [
    histogramRecord('produce_to_ack', `send to broker acknowledgement (acks=all), ${how}`, measured.produceToAck),
    histogramRecord('end_to_end', `order send (intended time) to its inventory result read back from the results topic, ${how}`, measured.endToEnd),
  ];
  if (measured.sendLag) histograms.push(histogramRecord('send_lag', "how late each send started after its intended time (the load generator's own delay)", measured.sendLag));
  const produce = summarizeMs(measured.produceToAck);
  const e2e = summarizeMs(measured.endToEnd);
  const lag = measured.sendLag ? summarizeMs(measured.sendLag) : undefined;
  return {
    warmup: { messages: params.warmup, duration_ms: measured.warmupMs, excluded_from_figures: true },
    figures: {
      orders_sent: measured.sent,
      orders_failed: params.count - measured.sent,
      results_received: measured.results,
      achieved_rate_per_s: Math.round((measured.sent / measured.spanS) * 10) / 10,
      produce_to_ack_p50_ms: produce.p50,
      produce_to_ack_p99_ms: produce.p99,
      end_to_end_p50_ms: e2e.p50,
      end_to_end_p99_ms: e2e.p99,
      ...(lag ? { send_lag_p99_ms: lag.p99 } : {}),
      ...(reference
        ? {
            java_end_to_end_p50_ms: reference.p50Ms,
            java_end_to_end_p99_ms: reference.p99Ms,
            java_end_to_end_records: reference.records,
            end_to_end_p99_vs_java: ratio(e2e.p99, reference.p99Ms),
            produce_to_ack_p99_vs_java: ratio(produce.p99, reference.p99Ms),
          }
        : {}),
    },
    histograms,
    series: [],
    checks: [
      { name: 'every order sent', passed: measured.sent === params.count, detail: `${measured.sent} of ${params.count} acknowledged` },
      { name: 'every order has a result', passed: measured.results === params.count, detail: `${measured.results} results for ${params.count} orders` },
    ],
  };
}

/** `--via rest`: the same closed loop through the REST service, beside the direct one, in the same report. */
function withRest(outcome: ScenarioOutcome, direct: Measured, rest: Measured): ScenarioOutcome {
  const http = summarizeMs(rest.produceToAck);
  const e2e = summarizeMs(rest.endToEnd);
  const directAck = summarizeMs(direct.produceToAck);
  return {
    ...outcome,
    figures: {
      ...outcome.figures,
      rest_http_p50_ms: http.p50,
      rest_http_p99_ms: http.p99,
      rest_end_to_end_p50_ms: e2e.p50,
      rest_end_to_end_p99_ms: e2e.p99,
      rest_p50_over_direct_produce_to_ack_p50_ms: Math.round((http.p50 - directAck.p50) * 1000) / 1000,
    },
    histograms: [
      ...outcome.histograms,
      histogramRecord('rest_http', 'POST /order to its 202 (the service had Kafka acknowledge the order first), one request through the pipeline at a time', rest.produceToAck),
      histogramRecord('rest_end_to_end', "POST /order to the order's inventory result read back from the results topic, one at a time", rest.endToEnd),
    ],
    checks: [...outcome.checks, { name: 'every request through the REST service has a result', passed: rest.results === rest.sent && rest.sent > 0, detail: `${rest.results} results for ${rest.sent} requests` }],
  };
}
