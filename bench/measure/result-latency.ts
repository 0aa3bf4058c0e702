import type { DriverConsumer, KafkaClient } from '../../clients/driver.js';
import { createLatencyHistogram, recordMicros, type LatencyHistogram } from '../../pipeline/histogram.js';
import type { Clock } from './clock.js';
import { readBenchHeaders } from './headers.js';

/**
 * Reads inventory results and records, per result, the time from its order's intended send to
 * now: the end-to-end latency of the pipeline, in microseconds. Warm-up results are counted, not recorded.
 */
export class ResultLatencyRecorder {
  readonly histogram: LatencyHistogram = createLatencyHistogram();
  warmupResults = 0;
  measuredResults = 0;
  private consumer: DriverConsumer | undefined;

  constructor(
    private readonly client: KafkaClient,
    private readonly topic: string,
    private readonly groupId: string,
    private readonly clock: Clock,
  ) {}

  async start(): Promise<void> {
    this.consumer = await this.client.consumer({ groupId: this.groupId, topics: [this.topic], fromBeginning: true, maxWaitMs: 100 });
    await this.consumer.run((batch) => {
      const now = this.clock.nowMicros();
      for (const message of batch.messages) {
        const bench = readBenchHeaders(message.headers);
        if (bench?.phase === 'measure') {
          recordMicros(this.histogram, now - bench.intendedMicros);
          this.measuredResults += 1;
        } else if (bench?.phase === 'warmup') {
          this.warmupResults += 1;
        }
      }
      return Promise.resolve();
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }
}
