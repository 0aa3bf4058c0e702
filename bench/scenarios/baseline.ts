import { setTimeout as sleep } from 'node:timers/promises';
import { createLatencyHistogram, encodeHistogram, recordMicros, summarizeMs, type LatencyHistogram } from '../../pipeline/histogram.js';
import { OrderGenerator, wallClock } from '../../pipeline/producer/order-generator.js';
import { OrderPublisher } from '../../pipeline/producer/order-producer.js';
import { startBenchInventory, type BenchContext } from '../harness.js';
import { until, withDeadline } from '../measure/deadline.js';
import { benchHeaders } from '../measure/headers.js';
import { RateSchedule } from '../../pipeline/producer/rate-schedule.js';
import { ResultLatencyRecorder } from '../measure/result-latency.js';
import type { HistogramRecord } from '../report/run-result.js';
import type { BaselineParams } from './params.js';
import type { ScenarioOutcome } from './scenario.js';

function histogramRecord(name: string, description: string, histogram: LatencyHistogram): HistogramRecord {
  return { name, description, summary: summarizeMs(histogram), encoded: encodeHistogram(histogram) };
}

/**
 * Produce-to-ack and order-to-inventory-result latency, one order at a time (closed loop) or at a
 * fixed rate (open loop, latency from each send's intended time).
 */
export async function runBaseline(context: BenchContext, params: BaselineParams): Promise<ScenarioOutcome> {
  const { client, clock, progress } = context;
  const limit = params.timeoutS * 1000;
  const topics = await context.freshTopics(params.partitions);
  await startBenchInventory(context, topics, { seed: params.seed });
  const results = new ResultLatencyRecorder(client, topics.inventory, `${context.runId}-results`, clock);
  await results.start();
  context.onCleanup(() => results.stop());
  const publisher = await OrderPublisher.open(client, topics.orders);
  context.onCleanup(() => publisher.close());
  const generator = new OrderGenerator({ seed: params.seed, placedAt: wallClock() });

  progress.phase(`warm-up: ${params.warmup} orders`);
  const warmupStarted = performance.now();
  for (let i = 0; i < params.warmup; i++) await publisher.publish([generator.next()], benchHeaders(clock.nowMicros(), 'warmup'));
  await until('warm-up results', limit, () => (results.warmupResults >= params.warmup ? true : undefined));
  const warmupMs = Math.round(performance.now() - warmupStarted);

  const produceToAck = createLatencyHistogram();
  const sendLag = createLatencyHistogram();
  let failed = 0;
  progress.phase(`measuring ${params.count} orders ${params.rate ? `at ${params.rate}/s` : 'one at a time'}`);
  const measureStarted = performance.now();
  if (params.rate === null) {
    for (let i = 0; i < params.count; i++) {
      const intended = clock.nowMicros();
      try {
        await withDeadline('a send', limit, publisher.publish([generator.next()], benchHeaders(intended, 'measure')));
        recordMicros(produceToAck, clock.nowMicros() - intended);
      } catch {
        failed += 1;
      }
      progress.update(`${i + 1}/${params.count}`);
    }
  } else {
    const schedule = new RateSchedule(params.rate, clock.nowMicros() + 1_000);
    const sends: Promise<void>[] = [];
    for (let i = 0; i < params.count; i++) {
      const intended = schedule.intendedMicros(i);
      const wait = (intended - clock.nowMicros()) / 1000;
      if (wait >= 1) await sleep(wait);
      recordMicros(sendLag, clock.nowMicros() - intended);
      sends.push(
        publisher.publish([generator.next()], benchHeaders(intended, 'measure')).then(
          () => {
            recordMicros(produceToAck, clock.nowMicros() - intended);
          },
          () => {
            failed += 1;
          },
        ),
      );
      progress.update(`${i + 1}/${params.count} sent`);
    }
    await withDeadline('acks', limit, Promise.all(sends));
  }
  const measureMs = performance.now() - measureStarted;
  const sent = params.count - failed;
  progress.phase('waiting for every result');
  await until('results', limit, () => (results.measuredResults >= sent ? true : undefined)).catch(() => undefined);
  progress.done();

  const histograms = [
    histogramRecord('produce_to_ack', params.rate ? 'send to broker acknowledgement (acks=all), from each send\'s intended time on the rate schedule' : 'send to broker acknowledgement (acks=all), one order in flight at a time', produceToAck),
    histogramRecord('end_to_end', 'order send (intended time) to its inventory result read back from inventory-events', results.histogram),
  ];
  if (params.rate) histograms.push(histogramRecord('send_lag', 'how late each send started after its intended time (the load generator\'s own delay)', sendLag));
  const p = (h: HistogramRecord | undefined, key: 'p50' | 'p99'): number => h?.summary[key] ?? 0;
  return {
    warmup: { messages: params.warmup, duration_ms: warmupMs, excluded_from_figures: true },
    figures: {
      orders_sent: sent,
      orders_failed: failed,
      results_received: results.measuredResults,
      achieved_rate_per_s: Math.round((sent / measureMs) * 1000 * 10) / 10,
      produce_to_ack_p50_ms: p(histograms[0], 'p50'),
      produce_to_ack_p99_ms: p(histograms[0], 'p99'),
      end_to_end_p50_ms: p(histograms[1], 'p50'),
      end_to_end_p99_ms: p(histograms[1], 'p99'),
    },
    histograms,
    series: [],
    checks: [
      { name: 'every order sent', passed: failed === 0, detail: `${sent} of ${params.count} acknowledged` },
      { name: 'every order has a result', passed: results.measuredResults === params.count, detail: `${results.measuredResults} results for ${params.count} orders` },
    ],
  };
}
