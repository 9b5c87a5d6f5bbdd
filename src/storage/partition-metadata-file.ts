/**
 * `partition.metadata` in a log directory: which incarnation of the topic the log
 * belongs to, as Kafka's PartitionMetadataFile records it.
 *
 *   version: 0
 *   topic_id: 9f1c0e8a-...
 *
 * A topic deleted and created again under the same name gets a new topic id; a broker
 * that was down meanwhile finds its old log's id differs and deletes the stale data
 * instead of serving it as the new topic's.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";

const FILE = "partition.metadata";

export function writePartitionMetadata(dir: string, topicId: string): void {
  const tmp = join(dir, `${FILE}.tmp`);
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, `version: 0\ntopic_id: ${topicId}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, FILE));
}

/** The topic id recorded for the log in `dir`, or null when there is no (valid) file. */
export function readPartitionMetadata(dir: string): string | null {
  const path = join(dir, FILE);
  if (!existsSync(path)) return null;
  const m = /^version: 0\ntopic_id: (\S+)\n?$/.exec(readFileSync(path, "utf8"));
  return m ? (m[1] as string) : null;
}
