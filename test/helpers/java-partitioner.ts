import { javaPartition as partitionOf } from '../../clients/support.js';

/**
 * The partition Java's default partitioner gives a keyed record. The kafkajs and confluent drivers
 * partition with their libraries' own murmur2, so the contract test checks this one against them too.
 */
export function javaPartition(key: string, partitions: number): number {
  return partitionOf(Buffer.from(key), partitions);
}
