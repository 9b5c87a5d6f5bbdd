/**
 * Shared set-up for log-compaction tests: keyed batches with tombstones, a log whose
 * reopen carries every checkpointed offset (as LogManager does), a Cleaner driven by a
 * manual clock, and a reader that returns keys, values (null for a tombstone) and offsets.
 */
import { decodeRecordBatches, encodeRecordBatch, type RecordBatchOptions } from "@tidelog/client/record";
import { ManualClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { Cleaner } from "../../src/storage/cleaner.js";
import { FileHandleCache } from "../../src/storage/file-handle-cache.js";
import { measureDirt } from "../../src/storage/log-cleaner.js";
import type { LogConfig } from "../../src/storage/log-config.js";
import { PartitionLog, type SwapStep } from "../../src/storage/partition-log.js";
import { Throttler } from "../../src/storage/throttler.js";
import { smallConfig } from "./fixtures.js";

/** A record as written: [key, value]; a null value is a tombstone. */
export type KV = readonly [string, string | null];

export interface StoredRecord {
  offset: number;
  key: string | null;
  value: string | null;
}

export function keyedBatch(records: readonly KV[], timestamp: number, options: RecordBatchOptions = {}): Buffer {
  return encodeRecordBatch({
    ...options,
    records: records.map(([key, value], i) => ({ key, value, timestamp: timestamp + i })),
  });
}

export function compactConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return smallConfig({ cleanupPolicy: "compact", segmentBytes: 1024, deleteRetentionMs: 1000, ...overrides });
}

/** Every record in the log from its start up to `upperOffset`, tombstones included. */
export function readRecords(log: PartitionLog, upperOffset = log.logEndOffset): StoredRecord[] {
  const out: StoredRecord[] = [];
  let offset = log.logStartOffset;
  while (offset < upperOffset) {
    const r = log.read(offset, { maxBytes: 1 << 20, upperOffset });
    if (r.records.length === 0) break;
    for (const b of decodeRecordBatches(r.records)) {
      for (const rec of b.records) {
        if (rec.offset < offset) continue;
        out.push({ offset: rec.offset, key: rec.key?.toString() ?? null, value: rec.value?.toString() ?? null });
      }
    }
    offset = r.nextOffset;
  }
  return out;
}

export interface CompactedLog {
  log: PartitionLog;
  readonly clock: ManualClock;
  readonly files: FileHandleCache;
  /** Runs one cleaner pass over what is cleanable now. */
  clean(onSwapStep?: (step: SwapStep) => void): ReturnType<Cleaner["clean"]>;
  /** Reopens from disk as after a stop (clean: fsynced and closed first). */
  reopen(options?: { clean?: boolean; keepCleanerCheckpoint?: boolean }): Promise<PartitionLog>;
}

export function openCompactedLog(dir: string, config = compactConfig(), clock = new ManualClock()): CompactedLog {
  const files = new FileHandleCache(32);
  const open = (from?: PartitionLog, clean = false, keepDirty = true) =>
    PartitionLog.open({
      dir,
      config,
      files,
      clock,
      logger: silentLogger,
      ...(from
        ? {
            recoveryPoint: from.recoveryPoint,
            highWatermark: from.highWatermark,
            logStartOffset: from.logStartOffset,
            firstDirtyOffset: keepDirty ? from.firstDirtyOffset : 0,
            cleanShutdown: clean,
          }
        : {}),
    });
  const throttler = new Throttler(Number.POSITIVE_INFINITY, clock, async () => {});
  const handle: CompactedLog = {
    log: open(),
    clock,
    files,
    clean(onSwapStep) {
      const cleaner = new Cleaner({
        clock,
        logger: silentLogger,
        throttler,
        offsetMapBytes: 1 << 20,
        readChunkBytes: 512,
        ...(onSwapStep ? { onSwapStep } : {}),
      });
      return cleaner.clean(handle.log, measureDirt(handle.log, clock.nowMs()));
    },
    async reopen(options = {}) {
      const old = handle.log;
      if (options.clean) await old.close();
      files.closeAll();
      handle.log = open(old, options.clean ?? false, options.keepCleanerCheckpoint ?? true);
      return handle.log;
    },
  };
  return handle;
}
