import { acquireTestKafka, releaseTestKafka } from './kafka.js';

/**
 * Mocha global setup: the tests' broker, once, before any test (see kafka.ts). When there is
 * none, the run stops here with one line, instead of every Kafka test failing on its own.
 */
export async function mochaGlobalSetup(): Promise<void> {
  try {
    await acquireTestKafka(process.env);
  } catch (error) {
    process.stderr.write(`test setup: no broker for the tests: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

/** Mocha global teardown: stops the local broker if the tests started it. */
export async function mochaGlobalTeardown(): Promise<void> {
  await releaseTestKafka();
}
