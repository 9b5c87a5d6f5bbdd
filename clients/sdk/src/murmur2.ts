/**
 * Kafka's key hash: the 32-bit murmur2 of the Java client's `Utils.murmur2` (seed
 * 0x9747b28c), and `toPositive`, which the default partitioner combines as
 * `toPositive(murmur2(keyBytes)) % numPartitions`. A keyed record lands on the partition
 * the Java client (and kafkajs's DefaultPartitioner) would choose, so tidelog and Kafka
 * clients can share keyed topics without reordering a key's records.
 *
 * Java's int arithmetic wraps at 32 bits; here Math.imul and `| 0` do the same, and the
 * result is the same signed int32 Java returns ("21" -> -973932308).
 *
 * Pure functions; safe to call from anywhere.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** murmur2 of `data[start, end)` as a signed int32. */
export function murmur2(data: Uint8Array, start = 0, end = data.length): number {
  const length = end - start;
  let h = (SEED ^ length) | 0;
  const whole = start + (length & ~3);
  let i = start;
  for (; i < whole; i += 4) {
    let k = (data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16);
    k |= (data[i + 3] as number) << 24;
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last 1-3 bytes, as Java's fall-through switch folds them in.
  const tail = length & 3;
  if (tail !== 0) {
    if (tail === 3) h ^= (data[i + 2] as number) << 16;
    if (tail >= 2) h ^= (data[i + 1] as number) << 8;
    h ^= data[i] as number;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not Math.abs, which differs for negatives). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}
