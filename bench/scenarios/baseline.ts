import { encodeHistogram, summarizeMs, type LatencyHistogram } from '../../pipeline/histogram.js';
import type { BenchContext } from '../harness.js';
import type { ProduceLoadResult } from '../load/produce.js';
import { runEndToEndLatency, type EndToEndLatencyResult } from '../reference/end-to-end-latency.js';
import type { JavaTools } from '../reference/java-reference.js';
import type { HistogramRecord } from '../report/run-result.js';
import type { BaselineParams } from './params.js';
import { sendOrders, startResultReader, startStages, untilDone } from './phases.js';
import type { ScenarioOutcome } from './scenario.js';

function histogramRecord(name: string, description: string, histogram: LatencyHistogram): HistogramRecord {
  return { name, description, summary: summarizeMs(histogram), encoded: encodeHistogram(histogram) };
}

/**
 * Produce-to-ack and order-to-inventory-result latency, one order at a time (closed loop) or at a
 * fixed rate (open loop, latency from each send's intended time). The inventory runs as its own
 * process; the orders come from a worker thread, the results are read in another; the main thread
 * only coordinates. With `java`, Kafka's own EndToEndLatency runs on the same broker as a reference.
 */
export async function runBaseline(context: BenchContext, params: BaselineParams, java?: JavaTools): Promise<ScenarioOutcome> {
  if (params.reference && !java) throw new Error('the reference run needs Java and the Kafka tools classpath');
  const topics = await context.pipelineTopics(params.partitions);
  const stages = await startStages(context, topics, { inventoryInstances: 1, analytics: false }, params.timeoutS);
  const reader = await startResultReader(context, topics);
  const oneAtATime = { topic: topics.orders, workers: 1, batchSize: 1, inFlight: 1, sendsPerSecond: null, seed: params.seed };

  context.progress.phase(`warm-up: ${params.warmup} orders through the pipeline`);
  const warmupStarted = performance.now();
  if (params.warmup > 0) {
    await sendOrders(context, { ...oneAtATime, count: params.warmup, phase: 'warmup', seed: params.seed + 1_000_003 }, params.timeoutS);
    await untilDone(context, { stages, reader, expectedResults: params.warmup, timeoutS: params.timeoutS });
  }
  const warmupMs = Math.round(performance.now() - warmupStarted);

  context.progress.phase(`measuring ${params.count} orders ${params.rate ? `at ${params.rate}/s` : 'one at a time'}`);
  // The producer thread warms its own JIT up on a side topic first.
  const warmupTopic = await context.freshTopic('producer-warmup', 1);
  const sent = await sendOrders(context, { ...oneAtATime, count: params.count, phase: 'measure', sendsPerSecond: params.rate, warmupPerWorker: 200, warmupTopic }, params.timeoutS);
  context.progress.phase('waiting for every result');
  await untilDone(context, { stages, reader, expectedResults: params.warmup + params.count, timeoutS: params.timeoutS });
  const { counts, endToEnd } = await reader.finish();

  let reference: EndToEndLatencyResult | undefined;
  if (params.reference && java) {
    context.progress.phase(`Kafka's EndToEndLatency, ${params.referenceRecords} records`);
    reference = await runEndToEndLatency({ ...java, brokers: context.target.brokers, topic: await context.freshTopic('java-end-to-end', 1), records: params.referenceRecords, recordSize: Math.round(sent.meanMessageBytes), acks: 'all' });
  }
  context.progress.done();
  return baselineOutcome(params, sent, counts.measured, endToEnd, reference, warmupMs);
}

function baselineOutcome(params: BaselineParams, sent: ProduceLoadResult, results: number, endToEnd: LatencyHistogram, reference: EndToEndLatencyResult | undefined, warmupMs: number): ScenarioOutcome {
  const how = params.rate ? `from each send's intended time on the ${params.rate}/s schedule` : 'one order in flight at a time';
  const histograms = [
    histogramRecord('produce_to_ack', `send to broker acknowledgement (acks=all), ${how}`, sent.produceToAck),
    histogramRecord('end_to_end', `order send (intended time) to its inventory result read back from the results topic, ${how}`, endToEnd),
  ];
  if (sent.sendLag) histograms.push(histogramRecord('send_lag', "how late each send started after its intended time (the load generator's own delay)", sent.sendLag));
  const produce = summarizeMs(sent.produceToAck);
  const e2e = summarizeMs(endToEnd);
  const lag = sent.sendLag ? summarizeMs(sent.sendLag) : undefined;
  return {
    warmup: { messages: params.warmup, duration_ms: warmupMs, excluded_from_figures: true },
    figures: {
      orders_sent: sent.sent,
      orders_failed: sent.failed,
      results_received: results,
      achieved_rate_per_s: Math.round((sent.sent / sent.spanS) * 10) / 10,
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
            end_to_end_p99_vs_java: reference.p99Ms > 0 ? Math.round((e2e.p99 / reference.p99Ms) * 100) / 100 : null,
            produce_to_ack_p99_vs_java: reference.p99Ms > 0 ? Math.round((produce.p99 / reference.p99Ms) * 100) / 100 : null,
          }
        : {}),
    },
    histograms,
    series: [],
    checks: [
      { name: 'every order sent', passed: sent.failed === 0 && sent.sent === params.count, detail: `${sent.sent} of ${params.count} acknowledged` },
      { name: 'every order has a result', passed: results === params.count, detail: `${results} results for ${params.count} orders` },
    ],
  };
}
