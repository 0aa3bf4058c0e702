/** Drivers by name: each is loaded only when chosen, so a missing optional client costs nothing until asked for. */
import { DRIVER_NAMES, type ClientOptions, type DriverName, type KafkaClient, type KafkaDriver } from './driver.js';
import { DriverError } from './errors.js';

/** The default driver of every command: see the README ("Client drivers") for how it was chosen. */
export const DEFAULT_DRIVER: DriverName = 'platformatic';

/** The npm package each driver needs, and how to install it when it is missing. */
export const DRIVER_PACKAGES: Readonly<Record<DriverName, { readonly library: string; readonly install: string }>> = {
  kafkajs: { library: 'kafkajs', install: 'npm ci' },
  platformatic: { library: '@platformatic/kafka', install: 'npm ci' },
  confluent: { library: '@confluentinc/kafka-javascript', install: 'CKJS_LINKING=dynamic npm ci (it builds librdkafka from source: a C toolchain, about 2 minutes)' },
};

export function isDriverName(name: string): name is DriverName {
  return (DRIVER_NAMES as readonly string[]).includes(name);
}

function isMissingModule(error: unknown, library: string): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'MODULE_NOT_FOUND') && error.message.includes(library);
}

const loaded = new Map<DriverName, Promise<KafkaDriver>>();

async function importDriver(name: DriverName): Promise<KafkaDriver> {
  const { library, install } = DRIVER_PACKAGES[name];
  try {
    switch (name) {
      case 'kafkajs':
        return (await import('./kafkajs/driver.js')).driver;
      case 'platformatic':
        return (await import('./platformatic/driver.js')).driver;
      case 'confluent':
        return (await import('./confluent/driver.js')).driver;
    }
  } catch (error) {
    if (isMissingModule(error, library)) {
      throw new DriverError('CLIENT_MISSING', `the ${name} driver needs ${library}, which is not installed: ${install}`, { cause: error });
    }
    throw error;
  }
}

/** The driver called `name`; a one-line CLIENT_MISSING error when its client library is not installed. */
export function loadDriver(name: DriverName): Promise<KafkaDriver> {
  let driver = loaded.get(name);
  if (!driver) {
    driver = importDriver(name);
    loaded.set(name, driver);
    driver.catch(() => loaded.delete(name));
  }
  return driver;
}

/** A client of the named driver bound to a cluster. */
export async function openClient(name: DriverName, options: ClientOptions): Promise<KafkaClient> {
  return (await loadDriver(name)).client(options);
}

/** The drivers whose client library is installed here. */
export async function installedDrivers(): Promise<DriverName[]> {
  const results = await Promise.all(DRIVER_NAMES.map((name) => loadDriver(name).then(() => name, () => undefined)));
  return results.filter((name): name is DriverName => name !== undefined);
}
