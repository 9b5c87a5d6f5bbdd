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
import { existsSync, readFileSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import { join } from "node:path";

const FILE = "partition.metadata";

/**
 * Records `topicId` for the log in `dir`, durably (written to a temporary file, fsynced,
 * renamed over), unless it is recorded already. Asynchronous, so the fsync waits on the
 * I/O threads: a broker creating 10,000 replicas held its event loop for seconds at a
 * time with a synchronous one, long enough to lose its etcd session. Skipped when
 * unchanged, so a restart does not rewrite thousands of them.
 */
export async function writePartitionMetadata(dir: string, topicId: string): Promise<void> {
  if (readPartitionMetadata(dir) === topicId) return;
  const tmp = join(dir, `${FILE}.tmp`);
  const file = await open(tmp, "w");
  try {
    await file.writeFile(`version: 0\ntopic_id: ${topicId}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, join(dir, FILE));
}

/** The topic id recorded for the log in `dir`, or null when there is no (valid) file. */
export function readPartitionMetadata(dir: string): string | null {
  const path = join(dir, FILE);
  if (!existsSync(path)) return null;
  const m = /^version: 0\ntopic_id: (\S+)\n?$/.exec(readFileSync(path, "utf8"));
  return m ? (m[1] as string) : null;
}
