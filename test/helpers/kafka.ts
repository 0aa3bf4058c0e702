/**
 * The broker the tests talk to: the embedded default (KAFKA_BROKERS, else the local broker),
 * acquired on first use so that a run of pure unit tests never starts Kafka, and released by
 * the global teardown in global-hooks.ts.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DriverAdmin } from '../../clients/driver.js';
import { acquireKafkaFromEnv, type KafkaTarget } from '../../kafka/embedded.js';

let target: Promise<KafkaTarget> | undefined;

export async function testBrokers(): Promise<string[]> {
  target ??= acquireKafkaFromEnv(process.env);
  return [...(await target).brokers];
}

export async function releaseTestKafka(): Promise<void> {
  if (target) await (await target).release();
}

/** A name no other test or run uses: one topic and one group per test. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Polls until the check returns a value other than undefined, or fails after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Creates topics and deletes them at cleanup. */
export async function createTestTopics(admin: DriverAdmin, topics: readonly { topic: string; partitions: number }[], cleanup: Cleanup): Promise<void> {
  await admin.createTopics(topics);
  cleanup.add(() => admin.deleteTopics(topics.map((t) => t.topic)));
}

/** Cleanup steps registered by a test, run in reverse order after it. */
export class Cleanup {
  private readonly steps: (() => Promise<unknown>)[] = [];

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
  }
}
