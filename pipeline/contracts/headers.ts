/** Message headers as every stage and the bench read them: a name to bytes (or text). */
export type MessageHeaders = Readonly<Record<string, Buffer | string>>;

/** A header's value as UTF-8 text, or undefined when the message does not carry it. */
export function headerText(headers: MessageHeaders | undefined, name: string): string | undefined {
  return headers?.[name]?.toString();
}
