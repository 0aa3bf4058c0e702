import type { Consumer, Kafka } from 'kafkajs';
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
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    groupId: string,
    private readonly clock: Clock,
  ) {
    this.consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async (payload) => {
        const now = this.clock.nowMicros();
        for (const message of payload.batch.messages) {
          const bench = readBenchHeaders(message.headers);
          if (bench?.phase === 'measure') {
            recordMicros(this.histogram, now - bench.intendedMicros);
            this.measuredResults += 1;
          } else if (bench?.phase === 'warmup') {
            this.warmupResults += 1;
          }
        }
        await payload.heartbeat();
      },
    });
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
