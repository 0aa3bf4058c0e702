import type { BenchContext } from '../harness.js';
import { groupLag, totalLag, type GroupWatch } from '../measure/offsets.js';
import { MEASURING_INVENTORY } from '../stages/pipeline.js';
import type { LagParams } from './params.js';
import { sendOrders, startStages, untilDone } from './phases.js';
import type { ScenarioOutcome } from './scenario.js';

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Samples a group's lag from broker offsets every period, each sample after the one before; rows per partition and a total. */
function lagSampler(context: BenchContext, watch: GroupWatch, everyMs: number) {
  const rows: (number | string)[][] = [];
  const started = performance.now();
  let phase: 'producing' | 'draining' = 'producing';
  let max = { lag: 0, atMs: 0 };
  let sampling = Promise.resolve();
  const sample = async (): Promise<void> => {
    const t = Math.round(performance.now() - started);
    const partitions = await groupLag(context.admin, watch);
    const total = totalLag(partitions);
    for (const p of partitions) rows.push([t, phase, String(p.partition), p.endOffset, p.committedOffset, p.lag]);
    rows.push([t, phase, 'total', partitions.reduce((s, p) => s + p.endOffset, 0), partitions.reduce((s, p) => s + p.committedOffset, 0), total]);
    if (total > max.lag) max = { lag: total, atMs: t };
    context.progress.update(`${phase}, lag ${total}`);
  };
  const timer = setInterval(() => {
    sampling = sampling.then(sample).catch(() => undefined);
  }, everyMs);
  return {
    rows,
    startedAt: started,
    max: () => max,
    draining: () => {
      phase = 'draining';
    },
    /** Stops, after one last sample. */
    async stop(): Promise<void> {
      clearInterval(timer);
      await sampling;
      await sample();
    },
  };
}

/**
 * A producer at a rate above a throttled inventory's capacity: the group's lag, sampled from broker
 * offsets, rises while the producer runs and must come back to zero after it stops.
 */
export async function runLag(context: BenchContext, params: LagParams): Promise<ScenarioOutcome> {
  const count = Math.round(params.rate * params.durationS);
  const topics = await context.pipelineTopics(params.partitions);
  const stages = await startStages(context, topics, { inventoryInstances: 1, analytics: false, inventory: { ...MEASURING_INVENTORY, throttleMs: params.throttleMs, seed: params.seed } }, params.timeoutS);
  if (stages.kind === 'external') throw new Error('bench:lag throttles its own inventory; it does not run with --pipeline external');
  const [watch] = stages.pipeline.watches();
  if (!watch) throw new Error('no inventory group to watch');
  const sampler = lagSampler(context, watch, params.sampleMs);
  context.onCleanup(() => sampler.stop());

  context.progress.phase(`producing ${count} orders at ${params.rate}/s into an inventory throttled to ${params.throttleMs} ms per order`);
  const sent = await sendOrders(context, { topic: topics.orders, count, workers: 1, batchSize: 1, sendsPerSecond: params.rate, phase: 'measure', seed: params.seed, encoding: params.encoding }, params.timeoutS);
  const producerStoppedMs = performance.now() - sampler.startedAt;
  sampler.draining();
  context.progress.phase('draining');
  await untilDone(context, { stages, timeoutS: params.timeoutS, everyMs: params.sampleMs });
  const drainedMs = performance.now() - sampler.startedAt;
  await sampler.stop();
  context.progress.done();

  const last = sampler.rows.filter((row) => row[2] === 'total').at(-1);
  const lastLag = Number(last?.[5] ?? -1);
  const { lag: maxLag, atMs: maxLagAtMs } = sampler.max();
  const capacity = params.throttleMs > 0 ? 1000 / params.throttleMs : null;
  return {
    warmup: { messages: 0, duration_ms: 0, excluded_from_figures: false },
    figures: {
      orders_produced: sent.sent,
      producer_rate_per_s: round(sent.sent / sent.spanS),
      throttle_limit_per_s: capacity,
      consumer_rate_per_s: round(count / (drainedMs / 1000)),
      max_total_lag: maxLag,
      max_lag_at_s: round(maxLagAtMs / 1000, 3),
      producer_stopped_at_s: round(producerStoppedMs / 1000, 3),
      drained_at_s: round(drainedMs / 1000, 3),
      time_to_drain_after_producer_stopped_s: round((drainedMs - producerStoppedMs) / 1000, 3),
      samples: sampler.rows.filter((row) => row[2] === 'total').length,
    },
    histograms: [],
    series: [{ name: 'lag', columns: ['t_ms', 'phase', 'partition', 'end_offset', 'committed_offset', 'lag'], rows: sampler.rows }],
    checks: [
      { name: 'every order sent', passed: sent.sent === count, detail: `${sent.sent} of ${count}` },
      { name: 'lag rose', passed: maxLag > 0, detail: `maximum total lag ${maxLag} at ${round(maxLagAtMs / 1000, 2)} s` },
      { name: 'lag came back to zero', passed: lastLag === 0, detail: `lag ${lastLag} after ${round((drainedMs - producerStoppedMs) / 1000, 2)} s of draining` },
    ],
  };
}
