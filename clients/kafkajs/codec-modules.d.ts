/** The two codec packages for kafkajs ship no types: what this driver uses of them. */
declare module 'kafkajs-snappy' {
  const snappyCodec: () => { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };
  export default snappyCodec;
}

declare module 'kafkajs-lz4' {
  export default class LZ4Codec {
    constructor(options?: Record<string, unknown>);
    readonly codec: () => { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };
  }
}
