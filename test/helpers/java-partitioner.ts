/**
 * The partition Java's default partitioner gives a keyed record: murmur2 of the key bytes (Kafka's
 * Utils.murmur2), made positive with a mask, modulo the partition count. Every driver must agree.
 */
export function javaPartition(key: string, partitions: number): number {
  const data = Buffer.from(key);
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ data.length) | 0;
  let i = 0;
  for (; i + 4 <= data.length; i += 4) {
    let k = data.readInt32LE(i);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = data.length - i;
  if (rest >= 3) h ^= (data[i + 2] ?? 0) << 16;
  if (rest >= 2) h ^= (data[i + 1] ?? 0) << 8;
  if (rest >= 1) {
    h ^= data[i] ?? 0;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return (h & 0x7fffffff) % partitions;
}
