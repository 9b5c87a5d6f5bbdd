/**
 * How the group coordinator names partitions and finds a group's home.
 *
 * Partitions are kept as "topic:partition" strings in sets (topic names cannot contain
 * ':'), which makes ownership checks plain set operations.
 *
 * A group lives in partition abs(hashCode(groupId)) mod N of __consumer_offsets, with
 * Java's String.hashCode as Kafka uses, so a group maps to the same partition number a
 * Kafka cluster with the same partition count would give it.
 */
export const OFFSETS_TOPIC = "__consumer_offsets";

export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

export function parsePartitionKey(key: string): { topic: string; partition: number } {
  const i = key.lastIndexOf(":");
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
}

/** Java's String.hashCode over UTF-16 code units. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

export function offsetsPartitionFor(groupId: string, partitionCount: number): number {
  // Kafka's Utils.abs maps Integer.MIN_VALUE to 0 rather than overflowing.
  const h = javaStringHash(groupId);
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitionCount;
}

/** Groups "topic:partition" keys by topic, partitions sorted: the wire shape. */
export function toTopicPartitions(keys: Iterable<string>): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const key of keys) {
    const { topic, partition } = parsePartitionKey(key);
    const list = byTopic.get(topic) ?? [];
    list.push(partition);
    byTopic.set(topic, list);
  }
  return [...byTopic.keys()].sort().map((topic) => ({
    topic,
    partitions: (byTopic.get(topic) as number[]).sort((a, b) => a - b),
  }));
}

export function fromTopicPartitions(
  list: ReadonlyArray<{ topic: string; partitions: readonly number[] }>,
): Set<string> {
  const out = new Set<string>();
  for (const t of list) for (const p of t.partitions) out.add(partitionKey(t.topic, p));
  return out;
}
