/**
 * The broker the tests talk to, acquired once, up front, by the global setup (global-hooks.ts):
 * KAFKA_BROKERS when set; else the local broker on KAFKA_PORT when that is set (one started with
 * `npm run kafka:up` is used and left running); else a broker of the tests' own, on free ports in
 * a fresh folder, so that a broker someone else runs on 9092 is never touched. KAFKA_NODES nodes.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DriverAdmin } from '../../clients/driver.js';
import { parseBrokerList } from '../../kafka/cluster.js';
import { acquireKafka, type KafkaTarget } from '../../kafka/embedded.js';
import { isPortFree, LOCAL_HOST, localBrokerOptions, type LocalBrokerOptions } from '../../kafka/local-broker.js';

let target: KafkaTarget | undefined;

/** The brokers of the global setup; a test file run without it (no global-hooks) is a one-line error. */
export function testBrokers(): Promise<string[]> {
  if (!target) return Promise.reject(new Error('no test broker: run mocha with --config test/.mocharc.json (its global setup starts one)'));
  return Promise.resolve([...target.brokers]);
}

/** A run of `count` consecutive ports free on 127.0.0.1, from a random base, at the time of asking. */
export async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const free = await Promise.all(ports.map((port) => isPortFree(LOCAL_HOST, port)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports on ${LOCAL_HOST}`);
}

/** Options for a broker of the tests' own: free ports, a fresh folder (removed at release). */
export async function ownBrokerOptions(env: NodeJS.ProcessEnv, parentDir: string): Promise<{ local: LocalBrokerOptions; dir: string }> {
  const nodes = localBrokerOptions({ KAFKA_NODES: env.KAFKA_NODES }).nodes;
  mkdirSync(parentDir, { recursive: true });
  const dir = mkdtempSync(join(parentDir, 'kafka-pipeline-bench-test-'));
  const port = await freePortRun(2 * nodes);
  return { local: localBrokerOptions({ ...env, KAFKA_CONTROLLER_PORT: undefined }, { port, controllerPort: port + 1, localDir: dir }), dir };
}

/**
 * Starts (or finds) the tests' broker. For a broker of their own, points the environment at it,
 * so that a command a test starts without --brokers finds that broker too, not one on 9092.
 */
export async function acquireTestKafka(env: NodeJS.ProcessEnv): Promise<KafkaTarget> {
  if (env.KAFKA_BROKERS) {
    target = await acquireKafka({ brokers: parseBrokerList(env.KAFKA_BROKERS), local: localBrokerOptions({}), probeTimeoutMs: 5_000 });
    return target;
  }
  if (env.KAFKA_PORT) {
    target = await acquireKafka({ brokers: undefined, local: localBrokerOptions(env), probeTimeoutMs: 5_000 });
    return target;
  }
  const { local, dir } = await ownBrokerOptions(env, env.KAFKA_LOCAL_DIR ?? tmpdir());
  const removeDir = (): void => {
    rmSync(dir, { recursive: true, force: true });
  };
  let started: KafkaTarget;
  try {
    started = await acquireKafka({ brokers: undefined, local, probeTimeoutMs: 5_000 });
  } catch (error) {
    removeDir();
    throw error;
  }
  Object.assign(env, { KAFKA_PORT: String(local.port), KAFKA_CONTROLLER_PORT: String(local.controllerPort), KAFKA_LOCAL_DIR: dir, KAFKA_NODES: String(local.nodes) });
  target = {
    ...started,
    release: async () => {
      await started.release();
      removeDir();
    },
  };
  return target;
}

/** Stops the tests' broker if they started it; nothing when the setup never got one. */
export async function releaseTestKafka(): Promise<void> {
  const acquired = target;
  target = undefined;
  if (acquired) await acquired.release();
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
