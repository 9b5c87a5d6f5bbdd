/**
 * A partition's log directory, `<topic>-<partition>` (its tpKey, as Kafka names them),
 * and reading such a name back when the log manager scans its directory at start-up.
 */
import { type TopicPartition, tpKey } from "../common/topic-partition.js";

export function logDirName(tp: TopicPartition): string {
  return tpKey(tp);
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
