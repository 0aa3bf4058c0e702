import { releaseTestKafka } from './kafka.js';

/** Mocha global teardown: stops the local broker if the tests started it. */
export async function mochaGlobalTeardown(): Promise<void> {
  await releaseTestKafka();
}
