/**
 * The log of one partition: an ordered list of segments in `<data>/<topic>-<partition>/`,
 * the last of which (the active segment) takes appends.
 *
 *   log start offset            high watermark         log end offset
 *        |  seg 0  |  seg 1000  |  seg 2000 (active)  |     |
 *        0         1000         2000           ^HW         LEO
 *
 * Invariants, asserted where they could otherwise break silently:
 *   logStartOffset <= highWatermark <= logEndOffset
 *   offsets strictly increase across batches and segments
 *   recoveryPoint <= logEndOffset: everything below it has been fsynced
 *   highWatermark moves back only when the log is truncated below it
 *
 * The hot path handles whole batches: an append validates each batch header and CRC,
 * stamps base offset and leader epoch in place, and writes the bytes; a read returns raw
 * batch bytes. No record is decoded on either path.
 *
 * Crash safety: an unclean stop may leave a torn or garbage tail after the recovery
 * point. Opening a log (log-loader.ts) scans every segment from the one holding the
 * recovery point, cuts at the first invalid batch, and deletes later segments, so the
 * log holds exactly the valid prefix. Nothing before the first invalid byte is lost.
 *
 * Compaction (see cleaner.ts) reads closed segments across awaits and swaps cleaned ones
 * in with `replaceSegments` (the file protocol is segment-swap.ts); opening the log
 * finishes or rolls back a swap a crash interrupted, before recovery proper.
 *
 * Concurrency: appends, reads, truncation, retention and segment swaps are synchronous
 * and so cannot interleave; fsync runs on the thread pool and is serialised by `flush`.
 *
 * Storage failures: a log that failed to write refuses appends and truncation with
 * STORAGE_ERROR (reads go on) until the failure is cleared. Two kinds:
 * - write-time (a segment append or a roll failed: ENOSPC, EDQUOT, EIO on write). The
 *   append cut its partial write back, and nothing in memory moved, so the log is
 *   consistent; `tryRecover` clears it once a probe write + fsync in the log's directory
 *   succeeds and the active segment's file is as long as the log thinks (a tail the
 *   failed append could not cut is cut then).
 * - sticky (an fsync failed, or a segment swap failed half-way). After a failed fsync
 *   Linux may already have dropped or marked clean the dirty pages it could not write,
 *   and reports the error once: a later fsync would "succeed" over lost bytes, and reads
 *   may serve page-cache bytes the disk does not have. Nothing in this process can tell
 *   which bytes since the recovery point are really on disk, so the log stays failed
 *   until a restart, whose recovery scans everything past the recovery point and cuts at
 *   the first bad batch (replication then refills it). Truncating to the recovery point
 *   in place was the alternative; it could cut acknowledged data below the high
 *   watermark of a leader that is the only replica left, which a restart at least
 *   makes visible and deliberate.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  CONTROL_FLAG,
  ControlRecordType,
  controlRecordTypeOf,
  decodeRecordBatch,
  decodeRecordBatchAs,
  encodeControlBatch,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  readInt64,
  setBaseOffset,
  setPartitionLeaderEpoch,
  TidelogError,
  TRANSACTIONAL_FLAG,
  validateBatch,
} from "@tidelog/client/record";
import type { Clock } from "../common/clock.js";
import { assertSafeOffset, InvariantViolation, invariant } from "../common/invariant.js";
import type { Logger } from "../common/logger.js";
import type { FileHandleCache } from "./file-handle-cache.js";
import { LeaderEpochCache } from "./leader-epoch-cache.js";
import type { LogConfig } from "./log-config.js";
import { loadSegments } from "./log-loader.js";
import {
  type BatchPlacement,
  CLEANED_SUFFIX,
  LOG_SUFFIX,
  LogSegment,
  parseSegmentFileName,
  segmentFileName,
} from "./log-segment.js";
import { lastSequenceOf, type OngoingTxn, ProducerStateManager } from "./producer-state-manager.js";
import { type SwapStep, swapInCleaned } from "./segment-swap.js";
import { type AbortedTxn, TRANSACTION_INDEX_SUFFIX, TransactionIndex } from "./transaction-index.js";

export interface PartitionLogOptions {
  readonly dir: string;
  readonly config: LogConfig;
  readonly files: FileHandleCache;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Everything below this offset was fsynced by an earlier run; 0 scans the whole log. */
  readonly recoveryPoint?: number;
  readonly logStartOffset?: number;
  readonly highWatermark?: number;
  /** The previous run closed the log cleanly (fsynced everything): nothing needs a scan. */
  readonly cleanShutdown?: boolean;
  /** Where the log cleaner stopped last time (cleaner-offset-checkpoint); 0 when unknown. */
  readonly firstDirtyOffset?: number;
  /** Told when the log goes from writable to failed (once per failure, not per refused append). */
  readonly onFailure?: (error: TidelogError) => void;
}

/** Why a log refuses writes; see "Storage failures" above. */
export interface StorageFailure {
  readonly error: TidelogError;
  /** False for a failed fsync or swap: only a restart (recovery) clears it. */
  readonly recoverable: boolean;
  /** Clock time of the failure. */
  readonly sinceMs: number;
}

/** Bytes written (and fsynced, then deleted) to prove a log directory takes writes again. */
const WRITE_PROBE_BYTES = 4096;
/** Name of the probe file; `.tmp`, so a crash leaves nothing that the next open keeps. */
const WRITE_PROBE_NAME = "write-probe.tmp";

export type { SwapStep } from "./segment-swap.js";

/** Batches the log cleaner must keep (emptied of records if need be); see batchesToKeep. */
export interface BatchesToKeep {
  /** Base offsets of the first batch of each leader epoch. */
  readonly baseOffsets: ReadonlySet<number>;
  /** Last offsets of the batches remembered for idempotent producers. */
  readonly lastOffsets: ReadonlySet<number>;
}

export interface LogAppendInfo {
  /** True when the batch repeated one an idempotent producer had already written: nothing was appended, and the offsets are the original ones. */
  readonly duplicate: boolean;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
  readonly batchCount: number;
  readonly recordCount: number;
  readonly bytes: number;
}

export interface LogReadResult {
  /** Whole batches, raw bytes; empty when there is nothing at or past the offset yet. */
  readonly records: Buffer;
  readonly firstOffset: number;
  readonly nextOffset: number;
}

export interface ReadOptions {
  readonly maxBytes: number;
  /** Exclusive upper bound: the high watermark for consumers, the LEO for followers. */
  readonly upperOffset?: number;
  /** Return the first batch even when it is larger than maxBytes, so no reader gets stuck. */
  readonly minOneBatch?: boolean;
  /**
   * A buffer to read into when the bytes fit, so a caller that copies the result away
   * (into a response message) can reuse one buffer instead of allocating per read. The
   * result is then a view of it, valid until the caller reuses the buffer.
   */
  readonly into?: Buffer;
}

const EMPTY = Buffer.alloc(0);
/** baseSequence of a batch that carries a producer id but no sequence (Kafka's RecordBatch.NO_SEQUENCE). */
const NO_SEQUENCE = -1;

/** Idempotent producers remembered per partition (each costs a few hundred bytes). */
export const PRODUCERS_PER_PARTITION_MAX = 10_000;

export class PartitionLog {
  private segments: LogSegment[] = [];
  private startOffset = 0;
  private hw = 0;
  private recoveredTo = 0;
  private unflushedRecords = 0;
  private lastFlushMs: number;
  private flushChain: Promise<void> = Promise.resolve();
  /** Bumped by every truncation, so a flush that raced one does not advance the recovery point. */
  private truncations = 0;
  private failure: TidelogError | null = null;
  private failureRecoverable = false;
  private failedAtMs = 0;
  private closed = false;
  /** Offsets below this have been compacted (clamped to the log's range when read). */
  private dirtyFrom = 0;
  /**
   * The log has been compacted, so its batches may have offset gaps, even if its
   * cleanup.policy no longer says compact: recovery must not take a gap for damage.
   */
  private compacted = false;
  /**
   * Bumped whenever a segment other than the active one changes or goes away (truncation,
   * retention, a swap, close), so the log cleaner, which reads segments across awaits,
   * can tell its work is stale before swapping it in.
   */
  private changes = 0;
  /** Idempotent-producer state, derived from the batches in the log. */
  readonly producers = new ProducerStateManager(PRODUCERS_PER_PARTITION_MAX);
  /** Where each leader epoch starts, derived from the batches in the log. */
  readonly epochs = new LeaderEpochCache();
  /**
   * Aborted transactions by marker offset, derived from the log (the `.txnindex` files
   * are written from it, one per segment, in Kafka's format).
   */
  private abortedTxns: AbortedTxn[] = [];

  private constructor(
    readonly dir: string,
    private config: LogConfig,
    private readonly files: FileHandleCache,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onFailure?: (error: TidelogError) => void,
  ) {
    this.lastFlushMs = clock.nowMs();
  }

  /** Opens (creating if needed) the log in `dir`, recovering what an unclean stop left. */
  static open(options: PartitionLogOptions): PartitionLog {
    const log = new PartitionLog(
      options.dir,
      options.config,
      options.files,
      options.clock,
      options.logger,
      options.onFailure,
    );
    mkdirSync(options.dir, { recursive: true });
    log.compacted = (options.firstDirtyOffset ?? 0) > 0;
    const loaded = loadSegments({
      dir: options.dir,
      config: options.config,
      files: options.files,
      clock: options.clock,
      logger: options.logger,
      recoveryPoint: options.cleanShutdown ? Number.POSITIVE_INFINITY : (options.recoveryPoint ?? 0),
      mayHaveGaps: log.mayHaveGaps,
    });
    log.segments = loaded.segments;
    log.recoveredTo = loaded.recoveredTo;
    log.startOffset = Math.min(Math.max(options.logStartOffset ?? 0, log.firstSegment.baseOffset), log.logEndOffset);
    log.hw = Math.min(Math.max(options.highWatermark ?? 0, log.startOffset), log.logEndOffset);
    log.dirtyFrom = options.firstDirtyOffset ?? 0;
    log.rebuildDerivedState();
    log.checkInvariants();
    return log;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.activeSegment.nextOffset;
  }

  get highWatermark(): number {
    return this.hw;
  }

  /**
   * The last stable offset: below it, every transaction is decided. The first offset of
   * the oldest open transaction, or the high watermark when that is lower (or none is
   * open). read_committed consumers read only below it.
   */
  get lastStableOffset(): number {
    const first = this.producers.firstUnstableOffset();
    return first === null ? this.hw : Math.min(first, this.hw);
  }

  /** Open transactions on this partition, oldest first. */
  ongoingTransactions(): OngoingTxn[] {
    return this.producers.ongoingTransactions();
  }

  /**
   * The aborted transactions a read from `fetchOffset` up to `upperOffset` may contain
   * data of: marker at or after `fetchOffset`, first offset below `upperOffset`; sorted
   * by first offset (what a read_committed fetch answer carries).
   */
  abortedTransactions(fetchOffset: number, upperOffset: number): { producerId: number; firstOffset: number }[] {
    const out: { producerId: number; firstOffset: number }[] = [];
    let lo = 0;
    let hi = this.abortedTxns.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.abortedTxns[mid] as AbortedTxn).lastOffset < fetchOffset) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.abortedTxns.length; i++) {
      const e = this.abortedTxns[i] as AbortedTxn;
      if (e.firstOffset < upperOffset) out.push({ producerId: e.producerId, firstOffset: e.firstOffset });
    }
    return out.sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** Whether `producerId`'s transactional batch at `offset` belongs to a transaction that aborted. */
  isAborted(producerId: number, offset: number): boolean {
    for (const e of this.abortedTxns) {
      if (e.producerId === producerId && e.firstOffset <= offset && offset < e.lastOffset) return true;
    }
    return false;
  }

  get recoveryPoint(): number {
    return this.recoveredTo;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  get sizeBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }

  get logConfig(): LogConfig {
    return this.config;
  }

  /** Base offsets of the segments, oldest first (for tests and describe). */
  get segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset);
  }

  private get activeSegment(): LogSegment {
    const last = this.segments[this.segments.length - 1];
    invariant(last, "a log always has an active segment");
    return last;
  }

  private get firstSegment(): LogSegment {
    const first = this.segments[0];
    invariant(first, "a log always has a segment");
    return first;
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  // ---------------------------------------------------------------- append

  /**
   * Validates `data` (one or more whole batches) and finds where each batch sits.
   * Nothing is written until every batch has passed, so a bad batch anywhere leaves the
   * log byte-for-byte unchanged.
   */
  private placeBatches(
    data: Buffer,
    asLeader: boolean,
    allowControl = !asLeader,
  ): { placements: BatchPlacement[]; records: number } {
    if (data.length === 0) throw new TidelogError("INVALID_REQUEST", "no record batches in the request");
    if (data.length > this.config.segmentBytes) {
      throw new TidelogError(
        "RECORD_LIST_TOO_LARGE",
        `${data.length} bytes of batches exceed segment.bytes (${this.config.segmentBytes})`,
      );
    }
    const placements: BatchPlacement[] = [];
    let records = 0;
    let pos = 0;
    while (pos < data.length) {
      const h = validateBatch(data, pos, data.length, this.config.maxMessageBytes);
      const size = h.batchLength + 12;
      if (!allowControl && (h.attributes & CONTROL_FLAG) !== 0) {
        throw new TidelogError(
          "INVALID_RECORD",
          "control batches (transaction markers) are written by transaction coordinators, not produced",
        );
      }
      if (asLeader && (h.recordCount < 1 || h.lastOffsetDelta !== h.recordCount - 1)) {
        throw new TidelogError(
          "INVALID_RECORD",
          `a produced batch must hold records at consecutive offsets: count ${h.recordCount}, last offset delta ${h.lastOffsetDelta}`,
        );
      }
      placements.push({
        position: pos,
        size,
        baseOffset: h.baseOffset,
        lastOffset: h.baseOffset + h.lastOffsetDelta,
        maxTimestamp: h.maxTimestamp,
      });
      records += h.recordCount;
      pos += size;
    }
    return { placements, records };
  }

  /**
   * Appends batches as the partition leader: assigns offsets from the log end offset and
   * stamps `leaderEpoch`, rewriting `data` in place (outside the CRC), then writes it.
   * A batch from an idempotent producer is checked against the producer's sequence: a
   * repeat of one of its last five batches is answered with the original offsets and
   * not written again; a gap is OUT_OF_ORDER_SEQUENCE_NUMBER.
   */
  appendAsLeader(data: Buffer, leaderEpoch: number): LogAppendInfo {
    this.checkWritable();
    const { placements, records } = this.placeBatches(data, true);
    const duplicate = this.checkProducer(data, placements);
    if (duplicate) return duplicate;
    let next = this.logEndOffset;
    const assigned = placements.map((p) => {
      const lastOffsetDelta = p.lastOffset - p.baseOffset;
      setBaseOffset(data, p.position, next);
      setPartitionLeaderEpoch(data, p.position, leaderEpoch);
      const placed = { ...p, baseOffset: next, lastOffset: next + lastOffsetDelta };
      next += lastOffsetDelta + 1;
      return placed;
    });
    return this.write(data, assigned, records);
  }

  /**
   * Appends a transaction marker as the partition leader (WriteTxnMarkers from a
   * coordinator): a COMMIT or ABORT control batch for `producerId` at the epoch the
   * transaction ended with. Refused (INVALID_PRODUCER_EPOCH) when the producer is already
   * at a newer epoch here: a stale coordinator's marker must not close a newer transaction.
   */
  appendMarkerAsLeader(
    marker: { producerId: number; producerEpoch: number; commit: boolean; coordinatorEpoch: number },
    leaderEpoch: number,
  ): LogAppendInfo {
    this.checkWritable();
    this.producers.checkMarker(marker.producerId, marker.producerEpoch);
    const data = encodeControlBatch({
      producerId: marker.producerId,
      producerEpoch: marker.producerEpoch,
      type: marker.commit ? "commit" : "abort",
      coordinatorEpoch: marker.coordinatorEpoch,
      timestamp: this.clock.nowMs(),
    });
    const { placements, records } = this.placeBatches(data, true, true);
    const p = placements[0] as BatchPlacement;
    setBaseOffset(data, p.position, this.logEndOffset);
    setPartitionLeaderEpoch(data, p.position, leaderEpoch);
    return this.write(data, [{ ...p, baseOffset: this.logEndOffset, lastOffset: this.logEndOffset }], records);
  }

  /**
   * Appends batches replicated from the leader, offsets as the leader assigned them.
   * They must start at the log end offset and follow each other without gaps (gaps are
   * allowed only on compacted logs).
   */
  appendAsFollower(data: Buffer): LogAppendInfo {
    this.checkWritable();
    const { placements, records } = this.placeBatches(data, false);
    // Only a compacted leader's log has gaps between batches.
    const contiguous = !this.config.cleanupPolicy.includes("compact");
    let expected = this.logEndOffset;
    for (const p of placements) {
      if (p.baseOffset < expected || (contiguous && p.baseOffset !== expected)) {
        throw new TidelogError(
          "INVALID_REQUEST",
          `replicated batch at offset ${p.baseOffset} where ${expected} was expected`,
        );
      }
      expected = p.lastOffset + 1;
    }
    return this.write(data, placements, records);
  }

  private write(data: Buffer, placements: BatchPlacement[], records: number): LogAppendInfo {
    const first = placements[0] as BatchPlacement;
    const last = placements[placements.length - 1] as BatchPlacement;
    let maxTimestamp = -1;
    for (const p of placements) if (p.maxTimestamp > maxTimestamp) maxTimestamp = p.maxTimestamp;
    try {
      if (this.activeSegment.shouldRoll(data.length, last.lastOffset, maxTimestamp)) this.roll(first.baseOffset);
      this.activeSegment.append(data, 0, data.length, placements);
    } catch (e) {
      if (e instanceof InvariantViolation) throw e;
      // Nothing moved in memory: a write-time failure, cleared by tryRecover.
      throw this.fail(e, true);
    }
    this.unflushedRecords += records;
    for (const p of placements) this.observeBatch(data, p);
    return {
      duplicate: false,
      firstOffset: first.baseOffset,
      lastOffset: last.lastOffset,
      maxTimestamp,
      batchCount: placements.length,
      recordCount: records,
      bytes: data.length,
    };
  }

  /** The duplicate answer for a repeated idempotent batch, or null to append. Throws on a sequence error. */
  private checkProducer(data: Buffer, placements: readonly BatchPlacement[]): LogAppendInfo | null {
    const idempotent = placements.filter((p) => readInt64(data, p.position + PRODUCER_ID_OFFSET) >= 0);
    if (idempotent.length === 0) return null;
    if (placements.length !== 1) {
      throw new TidelogError(
        "INVALID_RECORD",
        "a request from an idempotent producer must hold one batch per partition",
      );
    }
    const p = placements[0] as BatchPlacement;
    const producerId = readInt64(data, p.position + PRODUCER_ID_OFFSET);
    const epoch = data.readInt16BE(p.position + PRODUCER_EPOCH_OFFSET);
    const firstSeq = data.readInt32BE(p.position + BASE_SEQUENCE_OFFSET);
    if (firstSeq === NO_SEQUENCE) {
      // A coordinator's write for a producer (transactional offsets): fenced by epoch like
      // the producer's own batches, but not numbered, so never deduplicated.
      this.producers.checkMarker(producerId, epoch);
      return null;
    }
    const check = this.producers.check(
      producerId,
      epoch,
      firstSeq,
      lastSequenceOf(firstSeq, p.lastOffset - p.baseOffset),
    );
    if (check.kind === "append") return null;
    return {
      duplicate: true,
      firstOffset: check.batch.firstOffset,
      lastOffset: check.batch.lastOffset,
      maxTimestamp: -1,
      batchCount: 0,
      recordCount: 0,
      bytes: 0,
    };
  }

  /** Updates the epoch cache, producer and transaction state for a batch now in the log. */
  private observeBatch(data: Buffer, p: BatchPlacement): void {
    this.epochs.assign(data.readInt32BE(p.position + PARTITION_LEADER_EPOCH_OFFSET), p.baseOffset);
    const producerId = readInt64(data, p.position + PRODUCER_ID_OFFSET);
    if (producerId < 0) return;
    const attributes = data.readInt16BE(p.position + ATTRIBUTES_OFFSET);
    const epoch = data.readInt16BE(p.position + PRODUCER_EPOCH_OFFSET);
    if ((attributes & CONTROL_FLAG) !== 0) {
      const aborted = this.observeMarker(producerId, epoch, p.baseOffset, markerIsCommit(data, p.position));
      if (aborted) this.txnIndexFor(this.activeSegment.baseOffset).append(aborted);
      return;
    }
    const firstSeq = data.readInt32BE(p.position + BASE_SEQUENCE_OFFSET);
    this.producers.observe(
      producerId,
      epoch,
      {
        firstSeq,
        lastSeq: lastSequenceOf(firstSeq, p.lastOffset - p.baseOffset),
        firstOffset: p.baseOffset,
        lastOffset: p.lastOffset,
      },
      (attributes & TRANSACTIONAL_FLAG) !== 0,
    );
  }

  /** Closes a transaction at its marker; returns the aborted-transaction entry to index, if it aborted. */
  private observeMarker(producerId: number, epoch: number, offset: number, commit: boolean): AbortedTxn | null {
    const done = this.producers.observeMarker(producerId, epoch, offset, commit);
    if (!done?.aborted) return null;
    const entry: AbortedTxn = {
      producerId,
      firstOffset: done.firstOffset,
      lastOffset: offset,
      lastStableOffset: this.producers.firstUnstableOffset() ?? offset + 1,
    };
    this.abortedTxns.push(entry);
    return entry;
  }

  /** The segment's `.txnindex`, to append to (the order of entries is checked by `abortedTxns`, not by reading the file). */
  private txnIndexFor(segmentBase: number): TransactionIndex {
    return new TransactionIndex(join(this.dir, segmentFileName(segmentBase, TRANSACTION_INDEX_SUFFIX)), segmentBase);
  }

  /**
   * Writes each segment's `.txnindex` from the aborted transactions derived from the log
   * (only files whose content changed) and removes those of segments that are gone:
   * after loading, truncation, retention and a segment swap.
   */
  private writeTxnIndexes(): void {
    const bySegment = new Map<number, AbortedTxn[]>();
    for (const e of this.abortedTxns) {
      const segment = this.segments[this.segmentIndexFor(e.lastOffset)] as LogSegment;
      const list = bySegment.get(segment.baseOffset) ?? [];
      list.push(e);
      bySegment.set(segment.baseOffset, list);
    }
    const live = new Set(this.segments.map((s) => s.baseOffset));
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith(TRANSACTION_INDEX_SUFFIX)) continue;
      const base = parseSegmentFileName(name.slice(0, -TRANSACTION_INDEX_SUFFIX.length) + LOG_SUFFIX);
      if (base === null || !live.has(base) || !bySegment.has(base)) rmSync(join(this.dir, name), { force: true });
    }
    for (const [base, entries] of bySegment) {
      new TransactionIndex(join(this.dir, segmentFileName(base, TRANSACTION_INDEX_SUFFIX)), base).replace(entries);
    }
  }

  /**
   * Rebuilds the epoch cache and producer state from every batch header in the log: on
   * open and after truncation. Costs one chunked walk of the whole log (a second or so
   * per 200,000 batches); Kafka avoids it with producer snapshot files, which tidelog
   * does not write yet.
   */
  private rebuildDerivedState(): void {
    this.epochs.clear();
    this.producers.clear();
    this.abortedTxns = [];
    for (const segment of this.segments) {
      segment.forEachBatch((b) => {
        this.epochs.assign(b.partitionLeaderEpoch, b.baseOffset);
        if (b.producerId < 0) return;
        if ((b.attributes & CONTROL_FLAG) !== 0) {
          // A marker's type is in its one record. A transactional log has one marker per
          // transaction, so it is taken from the chunk the header walk already read; only
          // a marker cut by the chunk's end costs a read of its own.
          if (b.chunk) {
            this.observeMarker(b.producerId, b.producerEpoch, b.baseOffset, markerIsCommit(b.chunk, b.chunkAt));
            return;
          }
          const read = segment.read(b.baseOffset, b.size, Number.MAX_SAFE_INTEGER, true);
          if (read) this.observeMarker(b.producerId, b.producerEpoch, b.baseOffset, markerIsCommit(read.records, 0));
          return;
        }
        this.producers.observe(
          b.producerId,
          b.producerEpoch,
          {
            firstSeq: b.baseSequence,
            lastSeq: lastSequenceOf(b.baseSequence, b.lastOffset - b.baseOffset),
            firstOffset: b.baseOffset,
            lastOffset: b.lastOffset,
          },
          (b.attributes & TRANSACTIONAL_FLAG) !== 0,
        );
      });
    }
    this.writeTxnIndexes();
  }

  private checkWritable(): void {
    if (this.closed) throw new TidelogError("STORAGE_ERROR", `log ${this.dir} is closed`);
    if (this.failure)
      throw new TidelogError("STORAGE_ERROR", `log ${this.dir} failed earlier: ${this.failure.message}`);
  }

  // ---------------------------------------------------------------- storage failures

  private get stickyFailure(): TidelogError | null {
    return this.failure && !this.failureRecoverable ? this.failure : null;
  }

  /** Why the log refuses writes, or null while it is writable. */
  get storageFailure(): StorageFailure | null {
    if (!this.failure) return null;
    return { error: this.failure, recoverable: this.failureRecoverable, sinceMs: this.failedAtMs };
  }

  /**
   * Marks the log failed (see "Storage failures" in the header) and returns the error to
   * throw. The first failure is kept; a sticky one makes an earlier recoverable one
   * sticky. Logged and reported once per transition, not per refused request.
   */
  private fail(e: unknown, recoverable: boolean): TidelogError {
    const error =
      e instanceof TidelogError
        ? e
        : new TidelogError("STORAGE_ERROR", `log ${this.dir}: ${e instanceof Error ? e.message : String(e)}`, {
            cause: e,
          });
    if (this.failure) {
      if (!recoverable && this.failureRecoverable) {
        this.failureRecoverable = false;
        this.logger.error({ err: error.message }, "log failure is now permanent until a restart");
      }
      return error;
    }
    this.failure = error;
    this.failureRecoverable = recoverable;
    this.failedAtMs = this.clock.nowMs();
    if (recoverable) this.logger.warn({ err: error.message }, "log write failed; appends refused until it can write");
    else this.logger.error({ err: error.message }, "log failed beyond in-place repair; appends refused until restart");
    this.onFailure?.(error);
    return error;
  }

  /**
   * Clears a write-time failure once the disk takes writes again: a probe file of
   * WRITE_PROBE_BYTES is written, fsynced and deleted in the log's directory, and the
   * active segment's file is cut back to what the log holds (a partial write the failed
   * append could not cut). Returns whether the log is writable now. A sticky failure (a
   * failed fsync or swap) is never cleared here. Synchronous: the probe costs one small
   * write and fsync, so callers bound how many logs they try at once.
   */
  tryRecover(): boolean {
    const failure = this.failure;
    if (!failure) return !this.closed;
    if (this.closed || !this.failureRecoverable) return false;
    let cut: number;
    try {
      probeWritable(join(this.dir, WRITE_PROBE_NAME), WRITE_PROBE_BYTES);
      cut = this.activeSegment.repairTail();
    } catch (e) {
      if (e instanceof TidelogError) {
        // The file lost bytes the log holds: beyond repair in place.
        this.fail(e, false);
      }
      return false;
    }
    this.failure = null;
    this.logger.info(
      { failedForMs: this.clock.nowMs() - this.failedAtMs, err: failure.message, cutBytes: cut },
      "log writable again",
    );
    return true;
  }

  /**
   * Starts a new active segment at `baseOffset` (default: the log end offset) and fsyncs
   * the old one in the background, as Kafka does on roll.
   */
  roll(baseOffset = this.logEndOffset): void {
    const old = this.activeSegment;
    if (old.isEmpty) return;
    invariant(baseOffset >= old.nextOffset, () => `roll to ${baseOffset} below the log end offset ${old.nextOffset}`);
    old.seal();
    this.segments.push(LogSegment.create(this.dir, baseOffset, this.config, this.files, this.clock));
    // A failed fsync marks the log failed (sticky) inside flush; nobody else awaits this one.
    this.flush(baseOffset).catch(() => {});
  }

  // ---------------------------------------------------------------- read

  /**
   * Raw batches from the batch holding `startOffset`, from one segment, up to
   * `maxBytes` (at least one batch when `minOneBatch`) and below `upperOffset`.
   */
  read(startOffset: number, options: ReadOptions): LogReadResult {
    const upper = Math.min(options.upperOffset ?? this.logEndOffset, this.logEndOffset);
    if (!Number.isSafeInteger(startOffset) || startOffset < this.startOffset || startOffset > this.logEndOffset) {
      throw new TidelogError(
        "OFFSET_OUT_OF_RANGE",
        `offset ${startOffset} is outside [${this.startOffset}, ${this.logEndOffset}]`,
      );
    }
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 0) {
      throw new TidelogError("INVALID_FETCH_SIZE", `max bytes ${options.maxBytes}`);
    }
    const minOne = options.minOneBatch ?? true;
    let offset = startOffset;
    for (let i = this.segmentIndexFor(startOffset); i < this.segments.length && offset < upper; i++) {
      const segment = this.segments[i] as LogSegment;
      const result = segment.read(Math.max(offset, segment.baseOffset), options.maxBytes, upper, minOne, options.into);
      if (result) return result;
      offset = segment.nextOffset;
    }
    return { records: EMPTY, firstOffset: startOffset, nextOffset: startOffset };
  }

  /** Index of the segment whose range holds `offset` (the last with baseOffset <= offset). */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.segments[mid] as LogSegment).baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /**
   * The offset of the first record whose timestamp is >= `timestamp`, or null when
   * every record is older (ListOffsets by time). Decodes one batch to find the record.
   */
  offsetForTimestamp(timestamp: number): number | null {
    for (const segment of this.segments) {
      const batch = segment.findBatchByTimestamp(timestamp);
      if (!batch) continue;
      const read = segment.read(batch.baseOffset, batch.size, this.logEndOffset, true);
      if (!read) continue;
      const decoded = decodeRecordBatch(read.records, 0, { maxDecompressedBytes: 64 * this.config.maxMessageBytes });
      for (const record of decoded.records) {
        if (record.timestamp >= timestamp && record.offset >= this.startOffset) return record.offset;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- high watermark

  /** Moves the high watermark forward; it never passes the log end offset. */
  updateHighWatermark(offset: number): void {
    assertSafeOffset(offset, "high watermark");
    invariant(offset <= this.logEndOffset, () => `high watermark ${offset} above log end offset ${this.logEndOffset}`);
    invariant(offset >= this.hw, () => `high watermark regression ${this.hw} -> ${offset}`);
    this.hw = offset;
  }

  // ---------------------------------------------------------------- truncation

  /**
   * Removes every batch at or after `offset` (the whole batch holding it, if it sits
   * inside one). Used by followers whose log diverged from the leader's. Returns
   * whether anything was removed.
   */
  truncateTo(offset: number): boolean {
    assertSafeOffset(offset, "truncation offset");
    this.checkWritable();
    if (offset >= this.logEndOffset) return false;
    if (offset <= this.firstSegment.baseOffset) {
      this.truncateFullyAndStartAt(offset);
      return true;
    }
    this.truncations++;
    this.changes++;
    this.dirtyFrom = Math.min(this.dirtyFrom, offset);
    while (this.segments.length > 1 && this.activeSegment.baseOffset >= offset) {
      (this.segments.pop() as LogSegment).delete();
    }
    this.activeSegment.truncateTo(offset);
    this.afterTruncation();
    return true;
  }

  /** Drops the whole log and starts empty at `offset` (a follower far behind the leader's log start). */
  truncateFullyAndStartAt(offset: number): void {
    assertSafeOffset(offset, "log start offset");
    this.checkWritable();
    this.truncations++;
    this.changes++;
    this.dirtyFrom = offset;
    for (const segment of this.segments) segment.delete();
    this.segments = [LogSegment.create(this.dir, offset, this.config, this.files, this.clock)];
    this.startOffset = offset;
    this.hw = offset;
    this.afterTruncation();
  }

  private afterTruncation(): void {
    this.rebuildDerivedState();
    const leo = this.logEndOffset;
    if (this.hw > leo) this.hw = leo;
    if (this.recoveredTo > leo) this.recoveredTo = leo;
    if (this.startOffset > leo) this.startOffset = leo;
    this.checkInvariants();
  }

  // ---------------------------------------------------------------- log start

  /**
   * Moves the log start offset up to `offset` (Kafka's DeleteRecords, and a follower
   * following its leader's): records below it are gone for readers at once, and the
   * segments wholly below it are deleted; the rest of the segment holding `offset` stays
   * on disk until retention removes it. Never past the high watermark (only committed
   * records may be deleted) and never backwards. Returns the log start offset after.
   */
  advanceLogStartOffset(offset: number): number {
    assertSafeOffset(offset, "log start offset");
    this.checkWritable();
    const target = Math.min(offset, this.hw);
    if (target <= this.startOffset) return this.startOffset;
    this.startOffset = target;
    this.changes++;
    while (this.segments.length > 1 && (this.segments[1] as LogSegment).baseOffset <= target) {
      (this.segments.shift() as LogSegment).delete();
    }
    this.abortedTxns = this.abortedTxns.filter((e) => e.lastOffset >= this.startOffset);
    this.writeTxnIndexes();
    this.logger.info({ logStartOffset: this.startOffset }, "log start offset advanced (records deleted)");
    this.checkInvariants();
    return this.startOffset;
  }

  // ---------------------------------------------------------------- retention

  /**
   * Deletes the oldest closed segments that retention.ms or retention.bytes condemn.
   * Never the active segment, and never one holding offsets at or past the high
   * watermark. Returns how many were deleted.
   */
  deleteRetainedSegments(): number {
    if (!this.config.cleanupPolicy.includes("delete")) return 0;
    const now = this.clock.nowMs();
    let excess = this.config.retentionBytes < 0 ? -1 : this.sizeBytes - this.config.retentionBytes;
    let deleted = 0;
    while (this.segments.length > 1) {
      const oldest = this.firstSegment;
      const next = this.segments[1] as LogSegment;
      if (next.baseOffset > this.hw) break;
      const expired =
        this.config.retentionMs >= 0 && oldest.maxTimestamp >= 0 && now - oldest.maxTimestamp > this.config.retentionMs;
      const oversize = excess >= 0 && excess - oldest.size >= 0;
      if (!expired && !oversize) break;
      this.segments.shift();
      this.changes++;
      oldest.delete();
      if (excess >= 0) excess -= oldest.size;
      this.startOffset = Math.max(this.startOffset, next.baseOffset);
      deleted++;
    }
    if (deleted > 0) {
      this.abortedTxns = this.abortedTxns.filter((e) => e.lastOffset >= this.startOffset);
      this.writeTxnIndexes();
      this.logger.info({ deleted, logStartOffset: this.startOffset }, "retention deleted segments");
    }
    return deleted;
  }

  // ---------------------------------------------------------------- compaction

  /** Counter of changes to closed segments; see `changes`. */
  get segmentChanges(): number {
    return this.changes;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Offsets below this have been compacted; everything from here on is dirty. */
  get firstDirtyOffset(): number {
    return Math.min(Math.max(this.dirtyFrom, this.startOffset), this.logEndOffset);
  }

  /** Records that the log is compacted up to `offset` (the cleaner's checkpoint). */
  markCleanedTo(offset: number): void {
    assertSafeOffset(offset, "cleaned offset");
    this.dirtyFrom = Math.min(offset, this.logEndOffset);
    this.compacted = true;
  }

  /** Compacted now or in the past: batches may be separated by offset gaps. */
  get mayHaveGaps(): boolean {
    return this.compacted || this.config.cleanupPolicy.includes("compact");
  }

  /** The segments that take no more appends, oldest first: all the cleaner may touch. */
  get closedSegments(): readonly LogSegment[] {
    return this.segments.slice(0, -1);
  }

  /** An empty segment at `baseOffset` with `.cleaned` file names, for the cleaner to fill. */
  createCleanedSegment(baseOffset: number): LogSegment {
    return LogSegment.create(this.dir, baseOffset, this.config, this.files, this.clock, CLEANED_SUFFIX);
  }

  get activeSegmentBaseOffset(): number {
    return this.activeSegment.baseOffset;
  }

  /**
   * Batches compaction must keep even when all their records go, so that the state
   * derived from the log's batch headers (leader epochs, idempotent producers) is the
   * same after a compaction and a reopen as before it.
   */
  batchesToKeep(): BatchesToKeep {
    return {
      baseOffsets: new Set(this.epochs.all.map((e) => e.startOffset)),
      lastOffsets: this.producers.rememberedBatchLastOffsets(),
    };
  }

  /**
   * Swaps `cleaned` (written by the log cleaner as `<base>.*.cleaned`, sealed and fsynced)
   * in for `old`, a run of closed segments holding the same offsets, by the crash-safe
   * file protocol of segment-swap.ts. A reopen after a crash finishes the swap by
   * deleting the segments in [base, the swap's next offset): exactly `old`, because a
   * cleaned segment ends with the old run's last batch (see log-cleaner.ts).
   *
   * Reads are synchronous, so none is in flight during the swap; an fsync in flight holds
   * its own pinned descriptor, which outlives the deleted file. Returns false, changing
   * nothing, when the log changed since the cleaner read `old` (`segmentChanges` moved
   * from `expectedChanges`); the caller then deletes `cleaned`.
   */
  replaceSegments(
    cleaned: LogSegment,
    old: readonly LogSegment[],
    expectedChanges: number,
    onStep: (step: SwapStep) => void = () => {},
  ): boolean {
    if (this.closed || this.changes !== expectedChanges) return false;
    const first = old[0];
    const last = old[old.length - 1];
    invariant(first && last, "a swap replaces at least one segment");
    const at = this.segments.indexOf(first);
    invariant(
      at >= 0 && old.every((s, i) => this.segments[at + i] === s) && at + old.length < this.segments.length,
      "a swap replaces a run of closed segments of this log",
    );
    invariant(
      cleaned.baseOffset === first.baseOffset && cleaned.nextOffset === last.nextOffset,
      () =>
        `cleaned segment [${cleaned.baseOffset}, ${cleaned.nextOffset}) does not cover [${first.baseOffset}, ${last.nextOffset})`,
    );
    const base = first.baseOffset;
    const cleanedFiles = cleaned.filePaths as [string, string, string];
    cleaned.close();
    let committed = false;
    try {
      swapInCleaned(this.dir, base, cleanedFiles, {
        commit: () => {
          committed = true;
          this.changes++;
          this.compacted = true;
        },
        deleteReplaced: () => {
          for (const segment of old) segment.delete();
        },
        onStep,
      });
      const segment = LogSegment.open(this.dir, base, this.config, this.files, this.clock);
      this.segments.splice(at, old.length, segment);
      this.writeTxnIndexes();
    } catch (e) {
      // Before the commit point nothing changed; after it only a reopen (which rolls the
      // swap forward) repairs the log.
      if (committed) {
        this.fail(
          new TidelogError("STORAGE_ERROR", `segment swap at ${base} failed: ${String(e)}`, { cause: e }),
          false,
        );
      }
      throw e;
    }
    this.checkInvariants();
    return true;
  }

  // ---------------------------------------------------------------- durability

  /** Whether flush.messages or flush.ms asks for an fsync now. */
  flushNeeded(): boolean {
    if (this.unflushedRecords === 0 || this.stickyFailure) return false;
    return (
      this.unflushedRecords >= this.config.flushMessages || this.clock.nowMs() - this.lastFlushMs >= this.config.flushMs
    );
  }

  /**
   * fsyncs every segment holding offsets below `upTo` (default: the log end offset) and
   * then moves the recovery point there. Calls are serialised.
   */
  flush(upTo = this.logEndOffset): Promise<void> {
    const run = async (): Promise<void> => {
      // After a failed fsync a retry may "succeed" over pages the kernel dropped: the
      // recovery point must not move past them, or a restart would not scan them.
      if (this.stickyFailure) throw new TidelogError("STORAGE_ERROR", `log ${this.dir}: ${this.stickyFailure.message}`);
      const target = Math.min(upTo, this.logEndOffset);
      if (target <= this.recoveredTo) return;
      const truncationsBefore = this.truncations;
      if (target >= this.logEndOffset) this.unflushedRecords = 0;
      for (const segment of [...this.segments]) {
        if (segment.baseOffset >= target) break;
        if (segment.nextOffset > this.recoveredTo && segment.needsFsync) {
          try {
            await segment.flush();
          } catch (e) {
            // Sticky: see "Storage failures" in the header.
            throw this.fail(e, false);
          }
        }
      }
      this.lastFlushMs = this.clock.nowMs();
      if (this.truncations === truncationsBefore)
        this.recoveredTo = Math.max(this.recoveredTo, Math.min(target, this.logEndOffset));
    };
    const next = this.flushChain.then(run, run);
    this.flushChain = next.catch(() => {});
    return next;
  }

  /** Flushes and releases file descriptors. The log must not be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flushChain;
    if (this.failure) {
      this.closed = true;
      this.changes++;
      for (const segment of this.segments) segment.close();
      throw this.failure;
    }
    await this.flush();
    this.closed = true;
    this.changes++;
    for (const segment of this.segments) segment.close();
  }

  /** Deletes the log's files (topic deletion). */
  async delete(): Promise<void> {
    await this.flushChain;
    this.closed = true;
    this.changes++;
    for (const segment of this.segments) segment.delete();
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }

  private checkInvariants(): void {
    const leo = this.logEndOffset;
    invariant(this.startOffset <= this.hw, () => `log start ${this.startOffset} above HW ${this.hw} (LEO ${leo})`);
    invariant(this.hw <= leo, () => `HW ${this.hw} above LEO ${leo} (log start ${this.startOffset})`);
    invariant(this.recoveredTo <= leo, () => `recovery point ${this.recoveredTo} above LEO ${leo}`);
    for (let i = 1; i < this.segments.length; i++) {
      const prev = this.segments[i - 1] as LogSegment;
      const cur = this.segments[i] as LogSegment;
      invariant(cur.baseOffset >= prev.nextOffset, () => `segment ${cur.baseOffset} overlaps ${prev.baseOffset}`);
    }
  }
}

/** One past the last offset of the batches in a segment file (`base` when it has none). */
/**
 * Writes `bytes` to `path`, fsyncs and deletes it: proof that the directory's file system
 * takes (and keeps) writes. Throws what the file system said.
 */
function probeWritable(path: string, bytes: number): void {
  const fd = openSync(path, "w");
  try {
    const buf = Buffer.alloc(bytes);
    let written = 0;
    while (written < bytes) written += writeSync(fd, buf, written, bytes - written, written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
}

/** Whether the control batch at `position` is a COMMIT marker (else ABORT). */
function markerIsCommit(data: Buffer, position: number): boolean {
  const batch = decodeRecordBatchAs(data, position, {}, (_offset, _timestamp, key) => key);
  return controlRecordTypeOf(batch.records[0] ?? null) === ControlRecordType.commit;
}
