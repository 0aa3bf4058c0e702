/** The confluent library as the driver loads it: a defect of its promise API mended. */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import { requireDriver } from '../../helpers/drivers.js';

interface LibraryInternals {
  readonly common: { createKafkaJsErrorFromLibRdKafkaError(error: unknown): Error & { code?: number } };
  readonly LibrdKafkaError: { new (error: { message: string; code: number }): Error; readonly codes: Readonly<Record<string, number>> };
}

/** The library's own error conversion, which its producer calls with a failed transaction's error. */
function internals(): LibraryInternals {
  const require = createRequire(import.meta.url);
  return {
    common: require('@confluentinc/kafka-javascript/lib/kafkajs/_common.js') as LibraryInternals['common'],
    LibrdKafkaError: require('@confluentinc/kafka-javascript/lib/error.js') as LibraryInternals['LibrdKafkaError'],
  };
}

describe('clients/confluent/library', () => {
  before(async function () {
    await requireDriver(this, 'confluent');
    // Loading the driver loads the library, as every command does.
    await import('../../../clients/confluent/driver.js');
  });

  it("COORDINATOR_NOT_AVAILABLE (a transaction's offsets while a broker is down) becomes an error of the call, not a TypeError in the library's callback", () => {
    const { common, LibrdKafkaError } = internals();
    const code = LibrdKafkaError.codes.ERR_COORDINATOR_NOT_AVAILABLE;
    expect(code).to.equal(15);
    const converted = common.createKafkaJsErrorFromLibRdKafkaError(new LibrdKafkaError({ message: 'Broker: Coordinator not available', code: code ?? 15 }));
    expect(converted.name).to.equal('KafkaJSGroupCoordinatorNotAvailableError');
    expect(converted.code).to.equal(15);
    expect(converted.message).to.include('Coordinator not available');
  });
});
