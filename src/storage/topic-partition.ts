/**
 * A topic-partition and the name of its log directory, `<topic>-<partition>`. Topic
 * names may themselves contain '-', so the partition is what follows the last one.
 */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** The topic-partition a log directory name stands for, or null if it is not one. */
export function parseLogDirName(name: string): TopicPartition | null {
  const dash = name.lastIndexOf("-");
  if (dash <= 0) return null;
  const topic = name.slice(0, dash);
  const digits = name.slice(dash + 1);
  if (!/^\d{1,9}$/.test(digits) || !/^[a-zA-Z0-9._-]+$/.test(topic)) return null;
  return { topic, partition: Number(digits) };
}
