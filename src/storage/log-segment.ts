/**
 * One segment of a partition log: a file of whole record batches plus its offset and
 * time indexes.
 *
 * On disk, for base offset 1000:
 *   00000000000000001000.log        batches, back to back, exactly as produced
 *                                   (baseOffset and leader epoch stamped by the leader)
 *   00000000000000001000.index      offset -> position (see offset-index.ts)
 *   00000000000000001000.timeindex  timestamp -> offset (see time-index.ts)
 *
 * Invariants: batches are whole and their offsets strictly increase; every offset in
 * the file is >= baseOffset and < nextOffset; size is the file's length.
 *
 * After a crash the file may end in a torn or garbage batch and the indexes may be
 * short or hold garbage; `recover` rebuilds both from the valid prefix. The segment is
 * not safe for concurrent use: its PartitionLog calls it from one thread, synchronously
 * except for fsync.
 */
import { existsSync, fsync, ftruncateSync, readSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import {
  BASE_OFFSET_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  readInt64,
  TidelogError,
} from "@tidelog/client/record";
import type { Clock } from "../common/clock.js";
import { invariant } from "../common/invariant.js";
import { readFully, type ScannedBatch, scanHeaders, scanValid } from "./batch-scanner.js";
import type { FileHandleCache } from "./file-handle-cache.js";
import type { LogConfig } from "./log-config.js";
import { OffsetIndex } from "./offset-index.js";
import { type BatchLocation, RecentBatches } from "./recent-batches.js";
import { TimeIndex } from "./time-index.js";

export const LOG_SUFFIX = ".log";
/** One pooled allocation; enough for the headers within a default index interval. */
const TRANSLATE_CHUNK_BYTES = 4096;
export const INDEX_SUFFIX = ".index";
export const TIME_INDEX_SUFFIX = ".timeindex";
/**
 * Suffixes of a segment the log cleaner is writing (`.cleaned`, never trusted: deleted on
 * open) and of one it has committed to swap in (`.swap`, finished on open). See
 * PartitionLog.replaceSegments.
 */
export const CLEANED_SUFFIX = ".cleaned";
export const SWAP_SUFFIX = ".swap";

export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(20, "0") + suffix;
}

/** The base offset named by a segment file, or null for a file that is not one. */
export function parseSegmentFileName(name: string): number | null {
  const m = /^(\d{20})\.log$/.exec(name);
  if (!m) return null;
  const offset = Number(m[1]);
  return Number.isSafeInteger(offset) ? offset : null;
}

/** A batch about to be appended: where it sits in the caller's buffer, and its offsets. */
export interface BatchPlacement {
  readonly position: number;
  readonly size: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
}

export interface SegmentRead {
  /** Whole batches, raw bytes. */
  readonly records: Buffer;
  readonly firstOffset: number;
  /** Offset after the last batch returned. */
  readonly nextOffset: number;
}

export interface RecoveryResult {
  readonly truncatedBytes: number;
  readonly reason: string | null;
}

export class LogSegment {
  readonly logPath: string;
  private readonly offsetIndex: OffsetIndex;
  private readonly timeIndex: TimeIndex;
  private sizeBytes = 0;
  private next: number;
  private maxTs = -1;
  private bytesSinceIndexEntry = 0;
  /** The first batch's timestamp, which segment.ms is measured from; null when unknown. */
  private rollBaseMs: number | null = null;
  /** Clock time the segment was created or opened: the fallback for segment.ms. */
  private readonly createdMs: number;
  /** Appended since the last fsync. */
  private dirty = false;
  /** The last batches appended, for reads at the log end; only while the segment is active. */
  private recent: RecentBatches | null = null;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly config: LogConfig,
    private readonly files: FileHandleCache,
    private readonly clock: Clock,
    /** Appended to every file name: "" for a live segment, CLEANED_SUFFIX for one being cleaned. */
    readonly fileSuffix = "",
  ) {
    this.logPath = join(dir, segmentFileName(baseOffset, LOG_SUFFIX) + fileSuffix);
    this.offsetIndex = new OffsetIndex(
      join(dir, segmentFileName(baseOffset, INDEX_SUFFIX) + fileSuffix),
      baseOffset,
      config.segmentIndexBytes,
    );
    this.timeIndex = new TimeIndex(
      join(dir, segmentFileName(baseOffset, TIME_INDEX_SUFFIX) + fileSuffix),
      baseOffset,
      config.segmentIndexBytes,
    );
    this.next = baseOffset;
    this.createdMs = clock.nowMs();
  }

  /** A new, empty segment. An existing file of the same name is emptied. */
  static create(
    dir: string,
    baseOffset: number,
    config: LogConfig,
    files: FileHandleCache,
    clock: Clock,
    fileSuffix = "",
  ): LogSegment {
    const segment = new LogSegment(dir, baseOffset, config, files, clock, fileSuffix);
    files.forget(segment.logPath);
    writeFileSync(segment.logPath, Buffer.alloc(0));
    segment.offsetIndex.reset();
    segment.timeIndex.reset();
    return segment;
  }

  /**
   * An existing segment written by a clean run (below the recovery point): indexes are
   * loaded and sanity-checked, and rebuilt from the log when they fail.
   */
  static open(dir: string, baseOffset: number, config: LogConfig, files: FileHandleCache, clock: Clock): LogSegment {
    const segment = new LogSegment(dir, baseOffset, config, files, clock);
    segment.sizeBytes = statSync(segment.logPath).size;
    segment.offsetIndex.load();
    segment.timeIndex.load();
    if (
      !segment.offsetIndex.sanityCheck(segment.sizeBytes) ||
      !segment.timeIndex.sanityCheck(Number.MAX_SAFE_INTEGER)
    ) {
      segment.rebuildIndexes();
    } else {
      segment.loadTail();
      if (!segment.timeIndex.sanityCheck(segment.next)) segment.rebuildIndexes();
    }
    return segment;
  }

  /** An existing segment about to be recovered: nothing is read until `recover`. */
  static openForRecovery(
    dir: string,
    baseOffset: number,
    config: LogConfig,
    files: FileHandleCache,
    clock: Clock,
  ): LogSegment {
    const segment = new LogSegment(dir, baseOffset, config, files, clock);
    segment.sizeBytes = statSync(segment.logPath).size;
    // Written by a process that did not stop cleanly: maybe only in the page cache.
    segment.dirty = true;
    return segment;
  }

  get size(): number {
    return this.sizeBytes;
  }

  /** One past the last offset in this segment (its base offset when empty). */
  get nextOffset(): number {
    return this.next;
  }

  get maxTimestamp(): number {
    return this.maxTs;
  }

  get isEmpty(): boolean {
    return this.sizeBytes === 0;
  }

  get needsFsync(): boolean {
    return this.dirty;
  }

  /**
   * Whether appending `bytes` more, ending at `lastOffset` with records up to
   * `maxTimestamp`, requires a new segment first. segment.ms is measured as Kafka does:
   * from the first batch's timestamp to the incoming batch's, so a log replayed or
   * replicated rolls at the same offsets; without timestamps, by the clock since creation.
   */
  shouldRoll(bytes: number, lastOffset: number, maxTimestamp: number): boolean {
    if (this.sizeBytes === 0) return false;
    if (this.sizeBytes + bytes > this.config.segmentBytes) return true;
    if (this.offsetIndex.isFull || this.timeIndex.isFull) return true;
    if (!this.offsetIndex.canHold(lastOffset)) return true;
    const waited =
      this.rollBaseMs !== null && maxTimestamp >= 0
        ? maxTimestamp - this.rollBaseMs
        : this.clock.nowMs() - this.createdMs;
    return waited > this.config.segmentMs;
  }

  /**
   * Appends batches that sit back to back in `data[start, end)`. Offsets were assigned
   * and validated by the log; the segment checks they move forward.
   */
  append(data: Buffer, start: number, end: number, batches: readonly BatchPlacement[]): void {
    const first = batches[0];
    invariant(
      first && first.baseOffset >= this.next,
      () => `append at offset ${first?.baseOffset} below segment end ${this.next}`,
    );
    const filePosition = this.sizeBytes;
    this.files.use(this.logPath, (fd) => {
      let written = 0;
      try {
        while (written < end - start) {
          written += writeSync(fd, data, start + written, end - start - written, filePosition + written);
        }
      } catch (e) {
        // Leave no partial batch behind; if even that fails, recovery will cut it.
        try {
          ftruncateSync(fd, filePosition);
        } catch {}
        throw new TidelogError("STORAGE_ERROR", `write to ${this.logPath} failed: ${(e as Error).message}`, {
          cause: e,
        });
      }
    });
    this.recent ??= new RecentBatches();
    for (const b of batches) {
      const position = filePosition + (b.position - start);
      this.indexBatch(position, b.size, b.baseOffset, b.lastOffset, b.maxTimestamp);
      this.recent.add(position, b.size, b.baseOffset, b.lastOffset);
    }
    this.sizeBytes = filePosition + (end - start);
    this.dirty = true;
    if (this.rollBaseMs === null && first.maxTimestamp >= 0) this.rollBaseMs = first.maxTimestamp;
  }

  private indexBatch(
    position: number,
    size: number,
    baseOffset: number,
    lastOffset: number,
    maxTimestamp: number,
  ): void {
    invariant(
      baseOffset >= this.next,
      () => `offset ${baseOffset} does not follow ${this.next - 1} in ${this.logPath}`,
    );
    if (maxTimestamp > this.maxTs) this.maxTs = maxTimestamp;
    if (this.bytesSinceIndexEntry > this.config.indexIntervalBytes && !this.offsetIndex.isFull) {
      this.offsetIndex.append(baseOffset, position);
      this.timeIndex.maybeAppend(this.maxTs, baseOffset);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
    this.next = lastOffset + 1;
  }

  /** The first batch whose last offset is >= `offset`, or null when there is none here. */
  translateOffset(offset: number): ScannedBatch | null {
    if (offset >= this.next || this.sizeBytes === 0) return null;
    const from = this.offsetIndex.lookup(Math.max(offset, this.baseOffset)).position;
    let found: ScannedBatch | null = null;
    // The target is usually within an index interval of `from`: a small first read.
    this.files.use(this.logPath, (fd) =>
      scanHeaders(
        fd,
        from,
        this.sizeBytes,
        (b) => {
          if (b.lastOffset < offset) return true;
          found = { ...b };
          return false;
        },
        TRANSLATE_CHUNK_BYTES,
      ),
    );
    return found;
  }

  /** translateOffset's position and offsets, from the recent appends when they hold them. */
  private locate(offset: number): BatchLocation | null {
    if (offset >= this.next) return null;
    return this.recent?.find(offset) ?? this.translateOffset(offset);
  }

  /**
   * Reads whole batches starting with the one holding `startOffset`, up to `maxBytes`
   * (but at least one batch when `minOneBatch`), excluding batches at or past
   * `upperOffset` (the high watermark for consumers). Null when nothing qualifies.
   * With `into`, the bytes land there when they fit (the result is a view of it).
   */
  read(
    startOffset: number,
    maxBytes: number,
    upperOffset: number,
    minOneBatch: boolean,
    into?: Buffer,
  ): SegmentRead | null {
    const first = this.locate(startOffset);
    if (!first || first.lastOffset >= upperOffset) return null;
    const budget = minOneBatch ? Math.max(maxBytes, first.size) : maxBytes;
    const length = Math.min(budget, this.sizeBytes - first.position);
    if (length < first.size) return null;
    const buf = into && into.length >= length ? into : Buffer.allocUnsafe(length);
    const got = this.files.use(this.logPath, (fd) => readFully(fd, buf, length, first.position));
    // Cut at the last whole batch that is below the upper offset.
    let pos = 0;
    let nextOffset = first.baseOffset;
    while (pos + LOG_OVERHEAD <= got) {
      const size = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
      // Below the recovery point nothing was scanned on opening: bytes a disk lost there
      // (a write cache that acknowledged an fsync it had not done) show up here.
      if (size < BATCH_HEADER_SIZE)
        throw new TidelogError(
          "CORRUPT_MESSAGE",
          `${this.logPath}: the batch at byte ${first.position + pos} claims ${size} bytes, less than a batch header; the segment is damaged`,
        );
      if (pos + size > got) break;
      const last = readInt64(buf, pos + BASE_OFFSET_OFFSET) + buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
      if (last >= upperOffset) break;
      nextOffset = last + 1;
      pos += size;
    }
    if (pos === 0) return null;
    return { records: buf.subarray(0, pos), firstOffset: first.baseOffset, nextOffset };
  }

  /**
   * The first batch, at or after the time index's hint, whose largest timestamp is >=
   * `timestamp`; null when every batch here is older.
   */
  findBatchByTimestamp(timestamp: number): ScannedBatch | null {
    if (this.maxTs < timestamp) return null;
    const startOffset = this.timeIndex.lookup(timestamp);
    const from = this.translateOffset(startOffset)?.position ?? 0;
    let found: ScannedBatch | null = null;
    this.files.use(this.logPath, (fd) =>
      scanHeaders(fd, from, this.sizeBytes, (b) => {
        if (b.maxTimestamp < timestamp) return true;
        found = { ...b };
        return false;
      }),
    );
    return found;
  }

  /** Reads up to `length` bytes at `position` into `buf`; returns how many were read. */
  readBytes(position: number, buf: Buffer, length: number): number {
    return this.files.use(this.logPath, (fd) => readFully(fd, buf, Math.min(length, buf.length), position));
  }

  /** The paths of the segment's files (log, offset index, time index). */
  get filePaths(): readonly string[] {
    return [this.logPath, this.offsetIndex.path, this.timeIndex.path];
  }

  /** Every batch header in the segment, in order (the visited object is reused). */
  forEachBatch(visit: (batch: ScannedBatch) => void): void {
    this.files.use(this.logPath, (fd) =>
      scanHeaders(fd, 0, this.sizeBytes, (b) => {
        visit(b);
        return true;
      }),
    );
  }

  /**
   * Removes every batch whose last offset is >= `offset` (a batch is never split).
   * Returns the bytes removed.
   */
  truncateTo(offset: number): number {
    const first = this.translateOffset(offset);
    if (!first) return 0;
    const removed = this.sizeBytes - first.position;
    this.files.use(this.logPath, (fd) => ftruncateSync(fd, first.position));
    this.sizeBytes = first.position;
    this.offsetIndex.truncateTo(first.baseOffset);
    this.timeIndex.truncateTo(first.baseOffset);
    this.offsetIndex.flush();
    this.timeIndex.flush();
    this.loadTail();
    this.dirty = true;
    if (this.sizeBytes === 0) this.rollBaseMs = null;
    return removed;
  }

  /**
   * After a failed append whose partial write could not be cut back (`append` tries,
   * but the ftruncate may fail too), makes the file's length match what the segment
   * holds again. Returns the bytes cut. A file shorter than the segment has lost bytes it
   * had taken, which only a reopen (recovery) can sort out: that throws STORAGE_ERROR.
   */
  repairTail(): number {
    const onDisk = statSync(this.logPath).size;
    if (onDisk < this.sizeBytes) {
      throw new TidelogError(
        "STORAGE_ERROR",
        `${this.logPath} is ${onDisk} bytes but held ${this.sizeBytes}: a restart must recover it`,
      );
    }
    if (onDisk > this.sizeBytes) this.files.use(this.logPath, (fd) => ftruncateSync(fd, this.sizeBytes));
    return onDisk - this.sizeBytes;
  }

  /**
   * Scans the whole file, validating every batch, rebuilds both indexes, and cuts the
   * file at the first invalid batch. Offsets must start at or after `baseOffset` (exactly
   * there, and without gaps, when `contiguous`).
   */
  recover(maxBatchBytes: number, contiguous: boolean): RecoveryResult {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.resetTail();
    const fileSize = statSync(this.logPath).size;
    const scan = this.files.use(this.logPath, (fd) =>
      scanValid(fd, 0, fileSize, this.baseOffset, maxBatchBytes, contiguous, (b) =>
        this.indexBatch(b.position, b.size, b.baseOffset, b.lastOffset, b.maxTimestamp),
      ),
    );
    if (scan.validBytes < fileSize) this.files.use(this.logPath, (fd) => ftruncateSync(fd, scan.validBytes));
    this.sizeBytes = scan.validBytes;
    this.offsetIndex.flush();
    this.timeIndex.flush();
    this.loadRollBase();
    const reason =
      scan.stoppedBy === null ? null : typeof scan.stoppedBy === "string" ? scan.stoppedBy : scan.stoppedBy.message;
    return { truncatedBytes: fileSize - scan.validBytes, reason };
  }

  private rebuildIndexes(): void {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.resetTail();
    this.files.use(this.logPath, (fd) =>
      scanHeaders(fd, 0, this.sizeBytes, (b) => {
        this.indexBatch(b.position, b.size, b.baseOffset, b.lastOffset, b.maxTimestamp);
        return true;
      }),
    );
    this.offsetIndex.flush();
    this.timeIndex.flush();
    this.loadRollBase();
  }

  private resetTail(): void {
    this.recent = null;
    this.next = this.baseOffset;
    this.maxTs = -1;
    this.bytesSinceIndexEntry = 0;
  }

  /**
   * Recomputes nextOffset and the largest timestamp by scanning from the last indexed
   * batch to the end: the indexes already account for everything before it.
   */
  private loadTail(): void {
    this.resetTail();
    const lastIndexed = this.offsetIndex.lookup(Number.MAX_SAFE_INTEGER);
    this.maxTs = this.timeIndex.lastEntry?.timestamp ?? -1;
    if (lastIndexed.offset > this.baseOffset) this.next = lastIndexed.offset;
    this.files.use(this.logPath, (fd) =>
      scanHeaders(fd, lastIndexed.position, this.sizeBytes, (b) => {
        if (b.maxTimestamp > this.maxTs) this.maxTs = b.maxTimestamp;
        this.bytesSinceIndexEntry += b.size;
        this.next = b.lastOffset + 1;
        return true;
      }),
    );
    this.loadRollBase();
  }

  /** segment.ms counts from the first batch's timestamp, as Kafka does, so it survives restarts. */
  private loadRollBase(): void {
    if (this.sizeBytes === 0) {
      this.rollBaseMs = null;
      return;
    }
    const head = Buffer.allocUnsafe(MAX_TIMESTAMP_OFFSET + 8);
    const got = this.files.use(this.logPath, (fd) => readSync(fd, head, 0, head.length, 0));
    const firstTimestamp = got === head.length ? readInt64(head, MAX_TIMESTAMP_OFFSET) : -1;
    this.rollBaseMs = firstTimestamp >= 0 ? firstTimestamp : null;
  }

  /**
   * fsyncs the log file. Index entries are not written here: the active segment is
   * always rescanned after an unclean stop, so its index files matter only once it is
   * sealed (`seal`, on roll) or closed.
   */
  async flush(): Promise<void> {
    if (!this.dirty || !existsSync(this.logPath)) return;
    this.dirty = false;
    const pinned = this.files.pin(this.logPath);
    try {
      await new Promise<void>((resolve, reject) => fsync(pinned.fd, (err) => (err ? reject(err) : resolve())));
    } catch (e) {
      this.dirty = true;
      throw new TidelogError("STORAGE_ERROR", `fsync of ${this.logPath} failed: ${(e as Error).message}`, { cause: e });
    } finally {
      pinned.release();
    }
  }

  /** Writes the index files of a segment that takes no more appends (it was rolled). */
  seal(): void {
    this.recent = null;
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  /** Writes pending index entries and lets the descriptor go (the files stay). */
  close(): void {
    this.recent = null;
    this.offsetIndex.flush();
    this.timeIndex.flush();
    this.files.forget(this.logPath);
  }

  delete(): void {
    this.files.forget(this.logPath);
    rmSync(this.logPath, { force: true });
    this.offsetIndex.delete();
    this.timeIndex.delete();
  }
}
