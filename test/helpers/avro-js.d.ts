/**
 * Apache's avro-js ships no types: what the interoperability test uses of it. Its schemas module,
 * not its index: 1.12.2's index loads a deprecated validator that needs a package it does not declare.
 */
declare module 'avro-js/lib/schemas.js' {
  /** An opaque reader-from-writer schema resolution. */
  export interface AvroJsResolver {
    readonly avroJsResolver: never;
  }
  export interface AvroJsType {
    fromBuffer(buffer: Buffer, resolver?: AvroJsResolver, noCheck?: boolean): unknown;
    createResolver(writer: AvroJsType): AvroJsResolver;
    /** The Parsing Canonical Form, as text. */
    getSchema(noDeref?: boolean): string;
  }
  const schemas: { createType(schema: unknown): AvroJsType };
  export default schemas;
}
