/**
 * Which drivers the Kafka tests run with. Every installed driver; with REQUIRE_ALL_DRIVERS=1 (CI
 * sets it) a driver whose client library is missing fails its tests instead of skipping them.
 */
import type { Context } from 'mocha';
import { DRIVER_NAMES, type DriverAdmin, type DriverName, type KafkaClient } from '../../clients/driver.js';
import { DriverError } from '../../clients/errors.js';
import { loadDriver, openClient } from '../../clients/registry.js';
import { Cleanup, testBrokers, uniqueName } from './kafka.js';

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

/** What the tests of one driver's suite share: its client and admin on the test broker, and a cleanup run after each test. */
export interface DriverSuite {
  readonly kafka: KafkaClient;
  readonly admin: DriverAdmin;
  readonly cleanup: Cleanup;
}

/**
 * Called in a describe(): its hooks open the client and admin before the tests (skipping the suite
 * when the driver is missing), run the cleanup after each test, and close the admin at the end; a
 * skipped or failed before() leaves nothing to close.
 */
export function driverSuite(driver: DriverName, clientId: string): DriverSuite {
  const cleanup = new Cleanup();
  let opened: { kafka: KafkaClient; admin: DriverAdmin } | undefined;
  before(async function () {
    await requireDriver(this, driver);
    const kafka = await testClient(driver, clientId);
    opened = { kafka, admin: await kafka.admin() };
  });
  afterEach(() => cleanup.run());
  after(() => opened?.admin.close());
  const open = (): { kafka: KafkaClient; admin: DriverAdmin } => {
    if (!opened) throw new Error(`the ${driver} suite's client is not open: its before() hook did not run`);
    return opened;
  };
  return {
    cleanup,
    get kafka() {
      return open().kafka;
    },
    get admin() {
      return open().admin;
    },
  };
}
