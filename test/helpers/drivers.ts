/**
 * Which drivers the Kafka tests run with. Every installed driver; with REQUIRE_ALL_DRIVERS=1 (CI
 * sets it) a driver whose client library is missing fails its tests instead of skipping them.
 */
import type { Context } from 'mocha';
import { DRIVER_NAMES, type DriverName, type KafkaClient } from '../../clients/driver.js';
import { DriverError } from '../../clients/errors.js';
import { loadDriver, openClient } from '../../clients/registry.js';
import { testBrokers, uniqueName } from './kafka.js';

export const TEST_DRIVERS: readonly DriverName[] = DRIVER_NAMES;

/** In a before() hook: skips the suite when the driver's library is not installed (fails under REQUIRE_ALL_DRIVERS). */
export async function requireDriver(context: Context, name: DriverName): Promise<void> {
  try {
    await loadDriver(name);
  } catch (error) {
    if (error instanceof DriverError && error.code === 'CLIENT_MISSING' && process.env.REQUIRE_ALL_DRIVERS !== '1') {
      context.skip();
    }
    throw error;
  }
}

/** A client of the driver on the test broker, quiet unless something fails. */
export async function testClient(name: DriverName, clientId = uniqueName('test')): Promise<KafkaClient> {
  return openClient(name, { brokers: await testBrokers(), clientId, logLevel: 'error' });
}
