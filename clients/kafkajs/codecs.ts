/**
 * kafkajs does gzip itself; snappy, lz4 and zstd come as codec packages registered here once. zstd
 * is a small codec on @mongodb-js/zstd 1.2.x, which ships its binary inside the package.
 */
import { compress, decompress } from '@mongodb-js/zstd';
import kafkajs, { type CompressionTypes as CompressionType } from 'kafkajs';
import LZ4Codec from 'kafkajs-lz4';
import snappyCodec from 'kafkajs-snappy';
import type { Compression } from '../driver.js';

// kafkajs is CommonJS: these two are not named exports Node can see.
const { CompressionCodecs, CompressionTypes } = kafkajs;

const zstdCodec = (): { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> } => ({
  compress: (encoder: { buffer: Buffer }) => compress(encoder.buffer),
  decompress: (buffer: Buffer) => decompress(buffer),
});

let registered = false;

export function registerCodecs(): void {
  if (registered) return;
  CompressionCodecs[CompressionTypes.Snappy] = snappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;
  CompressionCodecs[CompressionTypes.ZSTD] = zstdCodec;
  registered = true;
}

export const KAFKAJS_COMPRESSION: Record<Compression, CompressionType> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};
