/**
 * Compacts one partition log, as the `Cleaner` inside Kafka's LogCleaner: keeps the latest
 * record of each key, drops tombstones once their delete horizon has passed, and never
 * changes an offset.
 *
 * One pass over the cleanable part of a log, [log start, first uncleanable offset) (whole
 * closed segments below the high watermark; see log-cleaner.ts for how that is chosen):
 *
 *   1. Build an OffsetMap (key -> latest offset) over the dirty part, [first dirty offset,
 *      first uncleanable offset). When the map's memory budget runs out, the pass ends
 *      where it did (`endOffset`); the next pass continues from there.
 *   2. Rewrite the segments holding offsets below `endOffset`, in groups whose old sizes
 *      add up to at most segment.bytes, each group into one new segment with the first
 *      one's base offset. A record survives when it is at or past `endOffset` (the map
 *      knows nothing of it), has no key (Kafka refuses such records on a compacted topic
 *      at produce time; tidelog does not check there yet, so they are kept rather than
 *      silently lost), or is its key's latest record and is not a tombstone whose delete
 *      horizon has passed.
 *   3. Swap each new segment in (PartitionLog.replaceSegments: crash-safe, atomic), then
 *      move the log's first dirty offset to `endOffset`.
 *
 * Example: segments [0: a=1 b=1] [2: a=2 b=null] [4: active], delete.retention.ms 100,
 * cleaned at time 1000: the map is {a -> 2, b -> 3}; the result is one segment
 * [0: a=2@2 b=null@3] whose second batch now carries delete horizon 1100. A pass after
 * time 1100 drops b's tombstone; a reader sees a=2 at offset 2, and offsets 0, 1 and 3
 * are gaps.
 *
 * Batches. A batch whose records all survive is copied byte for byte. Otherwise it is
 * re-encoded keeping its base offset, lastOffsetDelta (so its offset range and an
 * idempotent producer's sequence range are unchanged), producer fields, leader epoch and
 * its original compression codec (tidelog has no per-topic compression.type to re-encode
 * with; keeping the producer's codec also keeps the batch's size about the same). A batch
 * whose records all go is dropped, except that an empty batch (header only) is kept when
 *   - it is the last batch of its group, so a new segment always ends exactly where the
 *     segments it replaces ended (crash recovery of a swap relies on this);
 *   - it is one of the batches remembered for an idempotent producer, or the first
 *     batch of a leader epoch (PartitionLog.batchesToKeep), so the state rebuilt from
 *     batch headers on reopen is unchanged. Kafka keeps each producer's last batch the
 *     same way.
 * Control batches (transaction markers) are always kept.
 *
 * Tombstones (Kafka KIP-534): the first pass that keeps a tombstone re-encodes its batch
 * with a delete horizon, now + delete.retention.ms, in the batch's baseTimestamp (the
 * DELETE_HORIZON attribute marks it; record timestamps are unchanged). A later pass after
 * the horizon drops the tombstone. So a consumer that reads the cleaned part within
 * delete.retention.ms of its cleaning sees every delete.
 *
 * Work is done in chunks of at most `readChunkBytes` (or one batch, when larger), each
 * followed by `throttler.acquire`, which yields to the event loop and keeps the pass
 * within its bytes-per-second budget, so appends and fetches are served meanwhile. Before
 * each chunk and at the swap, the pass checks that the log has not changed under it
 * (truncation, retention, close: `segmentChanges`); if it has, the pass is abandoned,
 * its `.cleaned` files deleted, and nothing in the log has changed.
 *
 * After a crash: `.cleaned` files are deleted when the log opens; a committed `.swap` is
 * finished (see PartitionLog.replaceSegments). A pass never writes a live segment file.
 *
 * Not safe to run two passes on one log at once; LogCleaner runs one pass at a time.
 */
import {
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  type BatchHeader,
  CRC_OFFSET,
  compressionOf,
  computeBatchCrc,
  DELETE_HORIZON_FLAG,
  decodeRecordBatch,
  isControlBatch,
  isTransactionalBatch,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  type Record,
  RecordBatchBuilder,
  readBatchHeader,
  readInt64,
  TIMESTAMP_TYPE_MASK,
  writeInt64,
} from "@tidelog/client/record";
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import type { LogSegment } from "./log-segment.js";
import { OffsetMap } from "./offset-map.js";
import type { BatchesToKeep, PartitionLog, SwapStep } from "./partition-log.js";
import type { Throttler } from "./throttler.js";

/** Bytes read from a segment at once; each chunk is followed by a throttle and a yield. */
export const DEFAULT_READ_CHUNK_BYTES = 64 * 1024;
/** A group's offsets must fit the offset index's 32-bit relative offsets. */
const GROUP_OFFSET_SPAN_MAX = 2 ** 31 - 1;

export interface CleanerOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly throttler: Throttler;
  /** Memory budget of one pass's OffsetMap (Kafka's log.cleaner.dedupe.buffer.size). */
  readonly offsetMapBytes: number;
  readonly readChunkBytes?: number;
  /** True when the pass should give up at its next chunk (the broker is stopping). */
  readonly stopping?: () => boolean;
  /** Test seam: called after each step of a segment swap; a crash test throws from it. */
  readonly onSwapStep?: (step: SwapStep) => void;
}

/** The part of a log one pass may compact: [firstDirtyOffset, firstUncleanableOffset), possibly empty. */
export interface CleanableRange {
  readonly firstDirtyOffset: number;
  /** Exclusive: only closed segments wholly below it are read or rewritten. */
  readonly firstUncleanableOffset: number;
}

export interface CleanResult {
  readonly firstDirtyOffset: number;
  /** The log's first dirty offset after the pass. */
  readonly endOffset: number;
  readonly segmentsRewritten: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly recordsRemoved: number;
  /** The earliest delete horizon of a tombstone still in the log, or null when none is. */
  readonly earliestDeleteHorizonMs: number | null;
}

/** Bytes a pass has read and written, for the throttle and its result. */
interface IoStats {
  read: number;
  written: number;
}

/** Thrown inside a pass that must be abandoned; never escapes `clean`. */
class CleanAborted extends Error {}

/** What the rewrite of one group needs to decide about each batch. */
interface FilterContext {
  readonly map: OffsetMap;
  readonly endOffset: number;
  readonly nowMs: number;
  readonly deleteRetentionMs: number;
  readonly keep: BatchesToKeep;
  /** Whether a transactional batch of this producer at this offset is in an aborted transaction. */
  readonly aborted: (producerId: number, offset: number) => boolean;
  readonly maxDecompressedBytes: number;
  recordsRemoved: number;
  earliestHorizonMs: number | null;
  /**
   * Per producer, whether its transaction now being read (its data batches since its last
   * marker) keeps any batch in the cleaned segment: its marker may go only when none does.
   */
  readonly transactionKept: Map<number, boolean>;
}

export class Cleaner {
  private readBuffer: Buffer;

  constructor(private readonly options: CleanerOptions) {
    this.readBuffer = Buffer.allocUnsafe(options.readChunkBytes ?? DEFAULT_READ_CHUNK_BYTES);
  }

  /**
   * Runs one pass over `range` of `log`. Returns null when there was nothing to clean or
   * the pass was abandoned (the log changed, or the cleaner is stopping).
   */
  async clean(log: PartitionLog, range: CleanableRange): Promise<CleanResult | null> {
    // Dirty point above the uncleanable end (a truncation made a cleaned segment active
    // again): nothing is cleanable until that segment rolls. A pass with dirty point equal
    // to the end still runs, to drop expired tombstones from clean segments.
    if (range.firstDirtyOffset > range.firstUncleanableOffset) return null;
    const stats: IoStats = { read: 0, written: 0 };
    let changes = log.segmentChanges;
    const segments = cleanableSegments(log, range.firstUncleanableOffset);
    if (segments.length === 0) return null;
    try {
      const { map, endOffset } = await this.buildOffsetMap(log, segments, range, changes, stats);
      const ctx: FilterContext = {
        map,
        endOffset,
        nowMs: this.options.clock.nowMs(),
        deleteRetentionMs: log.logConfig.deleteRetentionMs,
        keep: log.batchesToKeep(),
        aborted: (producerId, offset) => log.isAborted(producerId, offset),
        maxDecompressedBytes: 64 * log.logConfig.maxMessageBytes,
        recordsRemoved: 0,
        earliestHorizonMs: null,
        transactionKept: new Map(),
      };
      const groups = groupSegments(
        segments.filter((s) => s.baseOffset < endOffset),
        log.logConfig.segmentBytes,
      );
      for (const group of groups) {
        await this.cleanGroup(log, group, ctx, changes, stats);
        changes = log.segmentChanges;
      }
      log.markCleanedTo(endOffset);
      return {
        firstDirtyOffset: range.firstDirtyOffset,
        endOffset,
        segmentsRewritten: groups.reduce((n, g) => n + g.length, 0),
        bytesRead: stats.read,
        bytesWritten: stats.written,
        recordsRemoved: ctx.recordsRemoved,
        earliestDeleteHorizonMs: ctx.earliestHorizonMs,
      };
    } catch (e) {
      if (e instanceof CleanAborted) {
        this.options.logger.info({ reason: e.message }, "log cleaning abandoned");
        return null;
      }
      throw e;
    }
  }

  /** Step 1: key -> latest offset over the dirty segments, until the map's budget runs out. */
  private async buildOffsetMap(
    log: PartitionLog,
    segments: readonly LogSegment[],
    range: CleanableRange,
    changes: number,
    stats: IoStats,
  ): Promise<{ map: OffsetMap; endOffset: number }> {
    const map = new OffsetMap(this.options.offsetMapBytes);
    const maxDecompressedBytes = 64 * log.logConfig.maxMessageBytes;
    let endOffset = range.firstDirtyOffset;
    let full = false;
    for (const segment of segments) {
      if (segment.nextOffset <= range.firstDirtyOffset) continue;
      await this.forEachBatch(log, segment, changes, stats, (buf, pos, size, header) => {
        const lastOffset = header.baseOffset + header.lastOffsetDelta;
        if (lastOffset < range.firstDirtyOffset) return true;
        // Aborted records never supersede a key's earlier value: they were never written.
        const aborted = isTransactionalBatch(header.attributes) && log.isAborted(header.producerId, header.baseOffset);
        if (!isControlBatch(header.attributes) && !aborted) {
          const batch = decodeRecordBatch(buf.subarray(pos, pos + size), 0, {
            maxBatchBytes: size,
            maxDecompressedBytes,
          });
          for (const r of batch.records) {
            if (r.offset < range.firstDirtyOffset || r.key === null) continue;
            if (!map.put(r.key, r.offset)) {
              full = true;
              endOffset = r.offset;
              return false;
            }
          }
        }
        endOffset = lastOffset + 1;
        return true;
      });
      if (full) break;
    }
    return { map, endOffset };
  }

  /** Steps 2 and 3 for one group of segments. */
  private async cleanGroup(
    log: PartitionLog,
    group: readonly LogSegment[],
    ctx: FilterContext,
    changes: number,
    stats: IoStats,
  ): Promise<void> {
    const first = group[0] as LogSegment;
    const groupLastOffset = (group[group.length - 1] as LogSegment).nextOffset - 1;
    const cleaned = log.createCleanedSegment(first.baseOffset);
    try {
      for (const segment of group) {
        await this.forEachBatch(log, segment, changes, stats, (buf, pos, size, header) => {
          const out = filterBatch(
            buf,
            pos,
            size,
            header,
            ctx,
            header.baseOffset + header.lastOffsetDelta === groupLastOffset,
          );
          if (out === null) return true;
          const bytes = out === "original" ? buf.subarray(pos, pos + size) : out;
          cleaned.append(bytes, 0, bytes.length, [
            {
              position: 0,
              size: bytes.length,
              baseOffset: header.baseOffset,
              lastOffset: header.baseOffset + header.lastOffsetDelta,
              // A re-encoded batch's largest timestamp is that of the records it kept.
              maxTimestamp: out === "original" ? header.maxTimestamp : readInt64(bytes, MAX_TIMESTAMP_OFFSET),
            },
          ]);
          stats.written += bytes.length;
          return true;
        });
      }
      cleaned.seal();
      await cleaned.flush();
      this.checkStillValid(log, changes);
      if (!log.replaceSegments(cleaned, group, changes, this.options.onSwapStep)) {
        throw new CleanAborted("the log changed before the swap");
      }
    } catch (e) {
      // Past replaceSegments' commit point the cleaned files were renamed away, so this
      // removes only what was never committed.
      cleaned.delete();
      throw e;
    }
  }

  /**
   * Calls `visit` for every batch of `segment` in order, reading chunk by chunk and
   * awaiting the throttler after each chunk. `visit` returns false to stop early.
   */
  private async forEachBatch(
    log: PartitionLog,
    segment: LogSegment,
    changes: number,
    stats: IoStats,
    visit: (buf: Buffer, pos: number, size: number, header: BatchHeader) => boolean,
  ): Promise<void> {
    let position = 0;
    while (position < segment.size) {
      this.checkStillValid(log, changes);
      const writtenBefore = stats.written;
      const got = segment.readBytes(position, this.readBuffer, segment.size - position);
      let at = 0;
      let go = true;
      while (go && at + LOG_OVERHEAD <= got) {
        const size = this.readBuffer.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
        if (at + size > got) break;
        go = visit(this.readBuffer, at, size, readBatchHeader(this.readBuffer, at));
        at += size;
      }
      stats.read += got;
      await this.options.throttler.acquire(got + stats.written - writtenBefore);
      if (!go) return;
      if (at === 0) {
        // One batch larger than the buffer: grow to fit it and read again.
        const size = this.readBuffer.readInt32BE(BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
        if (got < LOG_OVERHEAD || size <= this.readBuffer.length) {
          throw new Error(`unreadable batch at byte ${position} of ${segment.logPath}`);
        }
        this.readBuffer = Buffer.allocUnsafe(size);
        continue;
      }
      position += at;
    }
  }

  private checkStillValid(log: PartitionLog, changes: number): void {
    if (this.options.stopping?.()) throw new CleanAborted("the cleaner is stopping");
    if (log.isClosed) throw new CleanAborted("the log was closed");
    if (log.segmentChanges !== changes) throw new CleanAborted("the log changed (truncation or retention)");
  }
}

/** The closed segments wholly below `firstUncleanableOffset`, oldest first. */
export function cleanableSegments(log: PartitionLog, firstUncleanableOffset: number): LogSegment[] {
  const out: LogSegment[] = [];
  for (const s of log.closedSegments) {
    if (s.nextOffset > firstUncleanableOffset) break;
    if (!s.isEmpty) out.push(s);
  }
  return out;
}

/**
 * Consecutive runs of segments whose sizes add up to at most `segmentBytes` (a run holds
 * at least one), as Kafka's groupSegmentsBySize: the cleaned segment is never larger.
 */
export function groupSegments(segments: readonly LogSegment[], segmentBytes: number): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let i = 0;
  while (i < segments.length) {
    const group = [segments[i] as LogSegment];
    let bytes = (segments[i] as LogSegment).size;
    i++;
    while (i < segments.length) {
      const next = segments[i] as LogSegment;
      const span = next.nextOffset - 1 - (group[0] as LogSegment).baseOffset;
      if (bytes + next.size > segmentBytes || span > GROUP_OFFSET_SPAN_MAX) break;
      group.push(next);
      bytes += next.size;
      i++;
    }
    groups.push(group);
  }
  return groups;
}

/**
 * What the cleaned segment gets for one batch: "original" (copy it unchanged), a new
 * encoding of it, or null (drop it). `lastOfGroup` forces a batch to be kept.
 */
function filterBatch(
  buf: Buffer,
  pos: number,
  size: number,
  header: BatchHeader,
  ctx: FilterContext,
  lastOfGroup: boolean,
): Buffer | "original" | null {
  if (isControlBatch(header.attributes)) return filterMarker(buf, pos, size, header, ctx);
  const out = filterDataBatch(buf, pos, size, header, ctx, lastOfGroup);
  if (isTransactionalBatch(header.attributes)) {
    const kept = out !== null || ctx.transactionKept.get(header.producerId) === true;
    ctx.transactionKept.set(header.producerId, kept);
  }
  return out;
}

/**
 * A transaction marker (Kafka's rules, KIP-534's horizon): kept while any batch of its
 * transaction is kept (a reader, or producer state rebuilt from the log, needs it to end
 * the transaction). Once the transaction's data is all gone, the first pass stamps a
 * delete horizon of delete.retention.ms on it (a read_committed consumer that was part way
 * through the transaction still meets it), and a pass after the horizon removes it. A
 * marker that starts a leader epoch stays: the epoch cache is derived from batch headers.
 */
function filterMarker(
  buf: Buffer,
  pos: number,
  size: number,
  header: BatchHeader,
  ctx: FilterContext,
): Buffer | "original" | null {
  const kept = ctx.transactionKept.get(header.producerId) === true;
  ctx.transactionKept.delete(header.producerId);
  if (kept || header.baseOffset >= ctx.endOffset || ctx.keep.baseOffsets.has(header.baseOffset)) return "original";
  const hasHorizon = (header.attributes & DELETE_HORIZON_FLAG) !== 0;
  if (hasHorizon && ctx.nowMs >= header.baseTimestamp) {
    ctx.recordsRemoved++;
    return null;
  }
  const horizonMs = hasHorizon ? header.baseTimestamp : ctx.nowMs + ctx.deleteRetentionMs;
  if (ctx.earliestHorizonMs === null || horizonMs < ctx.earliestHorizonMs) ctx.earliestHorizonMs = horizonMs;
  if (hasHorizon) return "original";
  const marker = decodeRecordBatch(buf.subarray(pos, pos + size), 0, { maxBatchBytes: size }).records[0];
  if (!marker) return "original";
  const builder = new RecordBatchBuilder({
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    transactional: true,
    control: true,
    defaultTimestamp: Math.max(header.maxTimestamp, 0),
    deleteHorizonMs: horizonMs,
  });
  builder.append({ key: marker.key, value: marker.value, timestamp: marker.timestamp, offsetDelta: 0 });
  return builder.build();
}

function filterDataBatch(
  buf: Buffer,
  pos: number,
  size: number,
  header: BatchHeader,
  ctx: FilterContext,
  lastOfGroup: boolean,
): Buffer | "original" | null {
  const lastOffset = header.baseOffset + header.lastOffsetDelta;
  if (header.baseOffset >= ctx.endOffset) return "original";
  const hasHorizon = (header.attributes & DELETE_HORIZON_FLAG) !== 0;
  const horizonPassed = hasHorizon && ctx.nowMs >= header.baseTimestamp;
  const records = decodeRecordBatch(buf.subarray(pos, pos + size), 0, {
    maxBatchBytes: size,
    maxDecompressedBytes: ctx.maxDecompressedBytes,
  }).records;
  // An aborted transaction's records go (Kafka's cleaner does the same); its marker stays.
  const aborted = isTransactionalBatch(header.attributes) && ctx.aborted(header.producerId, header.baseOffset);
  const retained = records.filter((r) => {
    if (aborted && r.offset < ctx.endOffset) return false;
    if (r.offset >= ctx.endOffset || r.key === null) return true;
    if (r.offset < ctx.map.get(r.key)) return false;
    return r.value !== null || !horizonPassed;
  });
  ctx.recordsRemoved += records.length - retained.length;
  const keepsTombstone = retained.some((r) => r.key !== null && r.value === null);
  const needsHorizon = keepsTombstone && !hasHorizon;
  const horizonMs = hasHorizon ? header.baseTimestamp : ctx.nowMs + ctx.deleteRetentionMs;
  if (keepsTombstone && (ctx.earliestHorizonMs === null || horizonMs < ctx.earliestHorizonMs)) {
    ctx.earliestHorizonMs = horizonMs;
  }
  if (retained.length === records.length && !needsHorizon) return "original";
  if (retained.length === 0) {
    const keep = lastOfGroup || ctx.keep.baseOffsets.has(header.baseOffset) || ctx.keep.lastOffsets.has(lastOffset);
    return keep ? emptyBatchLike(header) : null;
  }
  return reencode(header, retained, needsHorizon || hasHorizon ? horizonMs : undefined);
}

/** `retained` as a batch with the header fields and codec of the original. */
function reencode(header: BatchHeader, retained: readonly Record[], deleteHorizonMs: number | undefined): Buffer {
  const logAppendTime = (header.attributes & TIMESTAMP_TYPE_MASK) !== 0 ? header.maxTimestamp : undefined;
  const builder = new RecordBatchBuilder({
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    transactional: isTransactionalBatch(header.attributes),
    compression: compressionOf(header.attributes),
    lastOffsetDelta: header.lastOffsetDelta,
    defaultTimestamp: Math.max(header.maxTimestamp, 0),
    ...(logAppendTime !== undefined ? { logAppendTime } : {}),
    ...(deleteHorizonMs !== undefined ? { deleteHorizonMs } : {}),
  });
  for (const r of retained) {
    builder.append({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: r.timestamp,
      offsetDelta: r.offset - header.baseOffset,
    });
  }
  return builder.build();
}

/**
 * A batch with no records and the original's offsets, producer fields and epoch, so what
 * is derived from batch headers survives. Uncompressed (there is nothing to compress);
 * both timestamps are the original's largest, so the segment's age is unchanged.
 */
function emptyBatchLike(header: BatchHeader): Buffer {
  const out = new RecordBatchBuilder({
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    transactional: isTransactionalBatch(header.attributes),
    lastOffsetDelta: header.lastOffsetDelta,
    defaultTimestamp: 0,
  }).build();
  writeInt64(out, BASE_TIMESTAMP_OFFSET, header.maxTimestamp);
  writeInt64(out, MAX_TIMESTAMP_OFFSET, header.maxTimestamp);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_OFFSET);
  return out;
}
