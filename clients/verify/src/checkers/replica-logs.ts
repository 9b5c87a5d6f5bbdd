/**
 * After a launched run: do the replicas of every partition hold the same log? Each
 * broker's partition directories are read from disk (segment files are Kafka's
 * RecordBatch v2 back to back) and, partition by partition, every batch in the range all
 * replicas hold is compared across them: same last offset, same leader epoch, same CRC.
 *
 * Why it is worth a check of its own: a follower copies the leader's batches byte for
 * byte, so two replicas that disagree about an offset both have kept records the cluster
 * acknowledged once (or wrote as leader) and only one can be right. Long run 11 ended with
 * such a divergence that the leader epochs could not reveal; the client-side checks saw
 * it only as duplicates and torn transactions, far from the cause. This one names the
 * partition, the offset and the brokers.
 *
 * What is not a divergence: a replica that lags (only the range all hold is compared), a
 * log start moved by retention (the same), a torn last batch (a batch that does not fit
 * in its file ends the read), and internal topics (`__...`: compacted, and compaction
 * rewrites each replica's log on its own schedule).
 */

import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { LIMITS } from "../limits.js";
import type { AnomalyReport } from "./result.js";

/** One batch as its header says: what identifies it across replicas. */
interface BatchId {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly leaderEpoch: number;
  readonly crc: number;
}

export interface ReplicaLogReport {
  /** Partitions held by two or more brokers and compared. */
  readonly partitions: number;
  /** Batches compared (each counted once, however many replicas hold it). */
  readonly batches: number;
  /** One line per partition whose replicas disagree, at the first offset they do. */
  readonly divergences: readonly string[];
}

/** RecordBatch v2: baseOffset 8, batchLength 4, partitionLeaderEpoch 4, magic 1, crc 4, attributes 2, lastOffsetDelta 4. */
const HEADER_BYTES = 27;
/** Bytes read from a segment at once while walking its batch headers. */
const READ_CHUNK_BYTES = 1024 * 1024;

/** Compares the replicas' logs under each broker's data directory (broker id -> directory). */
export function compareReplicaLogs(dataDirs: ReadonlyMap<number, string>): ReplicaLogReport {
  // One read buffer for every segment: only batch headers are taken from it.
  const buf = Buffer.alloc(READ_CHUNK_BYTES);
  const byPartition = new Map<string, Map<number, string>>();
  for (const [broker, dir] of dataDirs) {
    for (const name of listDir(dir)) {
      if (!/^.+-\d+$/.test(name) || name.startsWith("__")) continue;
      const dirs = byPartition.get(name) ?? new Map<number, string>();
      dirs.set(broker, join(dir, name));
      byPartition.set(name, dirs);
    }
  }
  let partitions = 0;
  let batches = 0;
  const divergences: string[] = [];
  for (const [partition, dirs] of [...byPartition].sort(([a], [b]) => a.localeCompare(b))) {
    if (dirs.size < 2) continue;
    partitions++;
    const logs = [...dirs].map(([broker, dir]) => ({ broker, batches: readBatchIds(dir, buf) }));
    const result = comparePartition(logs);
    batches += result.batches;
    if (result.divergence) divergences.push(`${partition}: ${result.divergence}`);
  }
  return { partitions, batches, divergences };
}

/** The anomaly class a run's result carries for this check. */
export function replicaDivergenceReport(report: ReplicaLogReport): AnomalyReport {
  return {
    name: "replica-divergence",
    description: "replicas of a partition hold different batches at the same offset once the cluster settled",
    error: true,
    count: report.divergences.length,
    examples: report.divergences.slice(0, LIMITS.anomalyExamplesMax),
  };
}

/**
 * Compares one partition's replicas over the offsets all of them hold: from the latest
 * first offset to the earliest last offset. Logs are gapless (no compaction here), so
 * when every batch of each other replica in that range matches one of the first's, the
 * two hold the same batches there. Exported for tests.
 */
export function comparePartition(logs: readonly { broker: number; batches: readonly BatchId[] }[]): {
  batches: number;
  divergence: string | null;
} {
  const held = logs.filter((l) => l.batches.length > 0);
  if (held.length < 2) return { batches: 0, divergence: null };
  const from = Math.max(...held.map((l) => (l.batches[0] as BatchId).baseOffset));
  const to = Math.min(...held.map((l) => (l.batches.at(-1) as BatchId).lastOffset));
  const [first, ...others] = held as [(typeof held)[0], ...typeof held];
  const reference = new Map(first.batches.map((b) => [b.baseOffset, b]));
  let compared = 0;
  let divergence: { offset: number; text: string } | null = null;
  for (const other of others) {
    for (const b of other.batches) {
      if (b.baseOffset < from || b.lastOffset > to) continue;
      compared++;
      const ref = reference.get(b.baseOffset);
      if (ref && ref.lastOffset === b.lastOffset && ref.leaderEpoch === b.leaderEpoch && ref.crc === b.crc) continue;
      if (divergence === null || b.baseOffset < divergence.offset)
        divergence = {
          offset: b.baseOffset,
          text: `at offset ${b.baseOffset} broker ${first.broker} holds ${describe(ref)}, broker ${other.broker} ${describe(b)}`,
        };
      break;
    }
  }
  return { batches: compared, divergence: divergence?.text ?? null };
}

function describe(b: BatchId | undefined): string {
  return b
    ? `offsets ${b.baseOffset}-${b.lastOffset} of epoch ${b.leaderEpoch} (crc ${b.crc.toString(16)})`
    : "no batch starting there";
}

/** Every whole batch's identity in a partition directory, in offset order. */
function readBatchIds(dir: string, buf: Buffer): BatchId[] {
  const segments = listDir(dir)
    .filter((f) => /^\d{20}\.log$/.test(f))
    .sort();
  const out: BatchId[] = [];
  for (const segment of segments) readSegment(join(dir, segment), buf, out);
  return out;
}

function readSegment(path: string, buf: Buffer, out: BatchId[]): void {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return; // deleted by retention meanwhile
  }
  try {
    const size = statSync(path).size;
    let position = 0;
    while (position + HEADER_BYTES <= size) {
      const n = readSync(fd, buf, 0, Math.min(READ_CHUNK_BYTES, size - position), position);
      let at = 0;
      while (at + HEADER_BYTES <= n) {
        const baseOffset = Number(buf.readBigInt64BE(at));
        const length = buf.readInt32BE(at + 8);
        const total = 12 + length;
        // A batch cut short at the end of the file (a torn tail the broker has not
        // recovered yet) or a zero-filled preallocated tail ends the segment.
        if (length <= 0 || position + at + total > size) return;
        out.push({
          baseOffset,
          lastOffset: baseOffset + buf.readInt32BE(at + 23),
          leaderEpoch: buf.readInt32BE(at + 12),
          crc: buf.readUInt32BE(at + 17),
        });
        at += total;
      }
      position += at;
    }
  } finally {
    closeSync(fd);
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
