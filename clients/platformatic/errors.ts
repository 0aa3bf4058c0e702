/**
 * How the platformatic driver reads @platformatic/kafka's errors: nested MultipleErrors whose
 * protocol errors carry the API error id, turned into one-line DriverErrors with the harness's codes.
 */
import { GenericError, MultipleErrors } from '@platformatic/kafka';
import { DriverError, errorText, type DriverErrorCode } from '../errors.js';

const API_CODES: readonly [string, DriverErrorCode][] = [
  ['TOPIC_ALREADY_EXISTS', 'TOPIC_EXISTS'],
  ['UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC'],
  ['MESSAGE_TOO_LARGE', 'MESSAGE_TOO_LARGE'],
  ['RECORD_LIST_TOO_LARGE', 'MESSAGE_TOO_LARGE'],
  ['INVALID_PRODUCER_EPOCH', 'FENCED'],
  ['PRODUCER_FENCED', 'FENCED'],
  ['NON_EMPTY_GROUP', 'GROUP_ACTIVE'],
  ['ILLEGAL_GENERATION', 'NOT_MEMBER'],
  ['UNKNOWN_MEMBER_ID', 'NOT_MEMBER'],
  ['FENCED_INSTANCE_ID', 'NOT_MEMBER'],
];

/** Whether the error, or one inside it, has `property` equal to `value`. */
export function carries(error: unknown, property: string, value: unknown): boolean {
  if (error instanceof MultipleErrors) return error.findBy(property, value) !== null;
  if (error instanceof GenericError) return error.findBy(property, value) !== null;
  return false;
}

/**
 * The distinct messages at the bottom of nested MultipleErrors ("produce failed 6 times" holds the
 * network or protocol errors that say why), at most five: what the one-line message needs.
 */
function innermostMessages(error: unknown): string[] {
  const found = new Set<string>();
  const walk = (e: unknown, depth: number): void => {
    if (e instanceof AggregateError && e.errors.length > 0 && depth < 5) for (const inner of e.errors) walk(inner, depth + 1);
    else if (depth > 0) found.add(errorText(e));
  };
  walk(error, 0);
  return [...found].slice(0, 5);
}

/** Whether the error, or one nested in it at any depth, says `text`. */
function mentions(error: unknown, text: string, depth = 0): boolean {
  if (errorText(error).includes(text)) return true;
  return error instanceof AggregateError && depth < 5 && error.errors.some((inner) => mentions(inner, text, depth + 1));
}

/**
 * A transaction's offsets refused because the library's consumer holds a membership the group has
 * dropped, or a group coordinator that has moved (the library does not always join again, or look
 * its coordinator up again, after a broker was paused: bench:chaos saw NOT_COORDINATOR on every
 * retry for minutes). The API's name is on the response error, under the retries' one.
 */
export function lostMembership(error: unknown): boolean {
  const offsetsRefused = mentions(error, 'TxnOffsetCommit');
  return ['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'FENCED_INSTANCE_ID'].some((id) => carries(error, 'apiId', id)) || (offsetsRefused && carries(error, 'apiId', 'NOT_COORDINATOR'));
}

export function driverError(error: unknown, doing: string): DriverError {
  let code: DriverErrorCode = API_CODES.find(([apiId]) => carries(error, 'apiId', apiId))?.[1] ?? 'FAILED';
  if (code === 'FAILED' && carries(error, 'code', 'PLT_KFK_NETWORK')) code = 'UNREACHABLE';
  else if (code === 'FAILED' && carries(error, 'code', 'PLT_KFK_TIMEOUT')) code = 'TIMEOUT';
  else if (code === 'FAILED' && carries(error, 'code', 'PLT_KFK_UNSUPPORTED_COMPRESSION')) code = 'UNSUPPORTED';
  const retriable = carries(error, 'canRetry', true);
  const causes = innermostMessages(error);
  const detail = causes.length > 0 ? `${errorText(error)} (${causes.join('; ')})` : errorText(error);
  return new DriverError(code, `${doing}: ${detail}`, { cause: error, retriable });
}

export async function wrap<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof DriverError ? error : driverError(error, doing);
  }
}

/** The partitions ("topic:partition") a failed send did write: the library lists them on the error it fails with. */
export function writtenPartitions(error: unknown): string[] {
  const produced = (error as { produced?: { offsets?: readonly { topic: string; partition: number }[] } } | null)?.produced;
  return (produced?.offsets ?? []).map((o) => `${o.topic}:${o.partition}`);
}
