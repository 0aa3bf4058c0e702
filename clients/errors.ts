/** Why a driver call failed: a closed list, the same for every client library. */
export const DRIVER_ERROR_CODES = [
  /** The driver's client library is not installed. */
  'CLIENT_MISSING',
  /** The driver cannot do what was asked (a codec, transactions, static membership). */
  'UNSUPPORTED',
  /** No broker answered. */
  'UNREACHABLE',
  /** A request got no answer in time. */
  'TIMEOUT',
  'TOPIC_EXISTS',
  'UNKNOWN_TOPIC',
  /** A message (or batch) is over the broker's or topic's size limit. */
  'MESSAGE_TOO_LARGE',
  /** A newer producer with the same transactional id took over. */
  'FENCED',
  /** A group's offsets cannot be changed while it has members. */
  'GROUP_ACTIVE',
  /**
   * The group no longer knows the consumer as the member named (ILLEGAL_GENERATION,
   * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID): a transaction with its offsets was refused, and nothing
   * of it is committed. Retriable once the consumer has joined again.
   */
  'NOT_MEMBER',
  /** Anything else the client reported. */
  'FAILED',
] as const;
export type DriverErrorCode = (typeof DRIVER_ERROR_CODES)[number];

/** An error from a driver: a one-line message, a code, whether retrying may help, and the client's own error as cause. */
export class DriverError extends Error {
  override readonly name = 'DriverError';
  readonly code: DriverErrorCode;
  readonly retriable: boolean;

  constructor(code: DriverErrorCode, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message.replace(/\s*\n\s*/g, ' '), { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Whether trying again may help: the client says so, or no broker answered (in time). */
export function isTransient(error: DriverError): boolean {
  return error.retriable || error.code === 'UNREACHABLE' || error.code === 'TIMEOUT';
}

/** The message of anything thrown, in one line. */
export function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}
