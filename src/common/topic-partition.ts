/**
 * A topic-partition and its one key, `<topic>-<partition>` (Kafka's TopicPartition
 * string, also the name of its log directory): every map keyed by partition in the broker
 * uses `tpKey`, and `parseTpKey` reads it back. Topic names may contain '-', so the
 * partition is what follows the last one; they never contain ':' or '/', and the etcd
 * key of a partition's state (`partitions/<topic>/<p>`, metadata-records.ts) is a
 * different thing: a key in etcd's layout, not an in-memory key.
 */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** tpKey of a topic and partition given apart. */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** The topic-partition of a key made by tpKey. */
export function parseTpKey(key: string): TopicPartition {
  const dash = key.lastIndexOf("-");
  return { topic: key.slice(0, dash), partition: Number(key.slice(dash + 1)) };
}
