/** Message headers as every stage and the bench read them: a name to bytes (or text). */
export type MessageHeaders = Readonly<Record<string, Buffer | string>>;

/**
 * The encoding of an event's value, on orders and results: `application/json` or `application/avro`
 * (pipeline/contracts/codec.ts). A message without it is told apart by the Avro marker.
 */
export const CONTENT_TYPE_HEADER = 'content-type';

/** A header's value as UTF-8 text, or undefined when the message does not carry it. */
export function headerText(headers: MessageHeaders | undefined, name: string): string | undefined {
  return headers?.[name]?.toString();
}

/**
 * Request headers of POST /order that the REST service copies onto the order's Kafka message (and
 * the inventory, from there, onto its result): W3C trace context, baggage, and a load generator's
 * timing, so that tracing and end-to-end latency reach through the service.
 */
export const PROPAGATED_REQUEST_HEADERS = ['traceparent', 'tracestate', 'baggage', 'bench-intended-us', 'bench-phase', 'bench-run'] as const;

/** The longest propagated header value the service takes (W3C baggage's own limit). */
export const MAX_PROPAGATED_HEADER_LENGTH = 8_192;
