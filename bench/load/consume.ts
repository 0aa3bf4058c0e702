/** Consume throughput: a fresh group reads a topic back from the start until it has every message. */
import type { KafkaClient } from '../../clients/driver.js';
import { until } from '../measure/deadline.js';

export interface ConsumeResult {
  readonly messages: number;
  readonly bytes: number;
  /** From the batch that passed the warm-up share to the last: the group's join and the first fetches are not part of it. */
  readonly spanS: number;
  readonly eventsPerS: number;
  readonly mbPerS: number;
  /** From the consumer's start to its first message: joining the group and the first fetch. */
  readonly firstMessageS: number;
}

/** The share of messages read before the clock starts, as Java's tools leave their warm-up out. */
const WARMUP_SHARE = 0.1;

export async function measureConsume(client: KafkaClient, topic: string, groupId: string, expected: number, timeoutMs: number): Promise<ConsumeResult> {
  const consumer = await client.consumer({ groupId, topics: [topic], fromBeginning: true, maxWaitMs: 100 });
  let messages = 0;
  let bytes = 0;
  let first: number | undefined;
  let measuredFrom: { at: number; messages: number } | undefined;
  let last = 0;
  const started = performance.now();
  try {
    await consumer.run((batch) => {
      first ??= performance.now();
      for (const message of batch.messages) bytes += (message.value?.length ?? 0) + (message.key?.length ?? 0);
      messages += batch.messages.length;
      last = performance.now();
      if (!measuredFrom && messages >= expected * WARMUP_SHARE) measuredFrom = { at: last, messages };
      return Promise.resolve();
    });
    await until(`reading ${expected} messages back`, timeoutMs, () => (messages >= expected ? true : undefined), 5);
  } finally {
    await consumer.stop();
  }
  const spanS = (last - (measuredFrom?.at ?? last)) / 1000;
  const measured = messages - (measuredFrom?.messages ?? messages);
  return { messages, bytes, spanS, eventsPerS: spanS > 0 ? measured / spanS : 0, mbPerS: spanS > 0 ? (bytes * (measured / messages)) / spanS / 1e6 : 0, firstMessageS: ((first ?? started) - started) / 1000 };
}
