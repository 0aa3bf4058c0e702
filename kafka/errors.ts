/** Why the local broker could not be provisioned, started, reached or stopped. A closed list. */
export type LocalKafkaErrorCode =
  | 'JAVA_MISSING'
  | 'JAVA_TOO_OLD'
  | 'MAVEN_MISSING'
  | 'MAVEN_FAILED'
  | 'PORT_TAKEN'
  | 'BROKER_EXITED'
  | 'START_TIMEOUT'
  | 'STOP_FAILED'
  | 'BROKER_UNREACHABLE';

/** An error whose message is one line a user can act on; `details` holds more (a log tail). */
export class LocalKafkaError extends Error {
  override readonly name = 'LocalKafkaError';
  readonly code: LocalKafkaErrorCode;
  readonly details: string | undefined;

  constructor(code: LocalKafkaErrorCode, message: string, options: { cause?: unknown; details?: string } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}
