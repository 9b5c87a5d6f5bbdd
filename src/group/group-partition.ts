/**
 * How the group coordinator names partitions and finds a group's home.
 *
 * Partitions are kept as their tpKey strings ("topic-partition", common/topic-partition.ts)
 * in sets, which makes ownership checks plain set operations.
 *
 * A group lives in partition abs(hashCode(groupId)) mod N of __consumer_offsets, with
 * Java's String.hashCode as Kafka uses, so a group maps to the same partition number a
 * Kafka cluster with the same partition count would give it.
 */
import { parseTpKey, topicPartitionKey } from "../common/topic-partition.js";

export const OFFSETS_TOPIC = "__consumer_offsets";

/** Longest group, member or instance id, in UTF-16 units (Kafka sets none; 255 bounds every key). */
export const GROUP_ID_MAX_LENGTH = 255;

/** Why `id` cannot be a group (or member, instance) id, or null: at most 255 characters, no control characters. */
export function groupIdProblem(kind: "group" | "member" | "instance", id: string): string | null {
  let control = false;
  for (let i = 0; i < id.length && !control; i++) control = id.charCodeAt(i) < 0x20;
  if (id.length > GROUP_ID_MAX_LENGTH || control) {
    return `${kind} id must be at most ${GROUP_ID_MAX_LENGTH} characters without control characters`;
  }
  return null;
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

/** Groups tpKey keys by topic, partitions sorted: the wire shape. */
export function toTopicPartitions(keys: Iterable<string>): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const key of keys) {
    const { topic, partition } = parseTpKey(key);
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
  for (const t of list) for (const p of t.partitions) out.add(topicPartitionKey(t.topic, p));
  return out;
}
