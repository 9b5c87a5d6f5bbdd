/**
 * Shared set-up for storage tests: temporary directories that clean themselves up,
 * batches built with the SDK's codec, and a log opened with small, test-sized settings.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { decodeRecordBatches, encodeRecordBatch } from "@tidelog/client/record";
import { ManualClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { FileHandleCache } from "../../src/storage/file-handle-cache.js";
import { DEFAULT_LOG_CONFIG, type LogConfig, validateLogConfig } from "../../src/storage/log-config.js";
import { PartitionLog } from "../../src/storage/partition-log.js";

export function tempDir(t: TestContext, prefix = "tidelog-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function smallConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  const segmentBytes = overrides.segmentBytes ?? 4096;
  return validateLogConfig({
    ...DEFAULT_LOG_CONFIG,
    segmentBytes,
    indexIntervalBytes: 256,
    maxMessageBytes: Math.min(2048, segmentBytes),
    ...overrides,
  });
}

/** A batch of string values, timestamps `timestamp`, `timestamp + 1`, ... */
export function batchOf(values: readonly string[], timestamp = 1_000): Buffer {
  return encodeRecordBatch({
    records: values.map((value, i) => ({ value, key: `k${i}`, timestamp: timestamp + i })),
  });
}

/** The record values in raw batch bytes, with their offsets. */
export function valuesIn(records: Buffer): { offset: number; value: string }[] {
  return decodeRecordBatches(records).flatMap((b) =>
    b.records.map((r) => ({ offset: r.offset, value: r.value?.toString() ?? "" })),
  );
}

export interface OpenedLog {
  log: PartitionLog;
  files: FileHandleCache;
  clock: ManualClock;
  reopen(options?: { recoveryPoint?: number; cleanShutdown?: boolean; config?: LogConfig }): PartitionLog;
}

export function openLog(dir: string, config: LogConfig = smallConfig(), clock = new ManualClock()): OpenedLog {
  const files = new FileHandleCache(16);
  const open = (options: { recoveryPoint?: number; cleanShutdown?: boolean; config?: LogConfig } = {}) =>
    PartitionLog.open({ dir, config: options.config ?? config, files, clock, logger: silentLogger, ...options });
  const opened: OpenedLog = {
    log: open(),
    files,
    clock,
    reopen(options) {
      files.closeAll();
      opened.log = open(options);
      return opened.log;
    },
  };
  return opened;
}

/** sha256 of every file in a directory: to prove a refused request changed nothing. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out[name] = createHash("sha256").update(readFileSync(path)).digest("hex");
  }
  return out;
}

/** Every record value in the log from its start, in order. */
export function readAll(log: PartitionLog, upperOffset = log.logEndOffset): { offset: number; value: string }[] {
  const out: { offset: number; value: string }[] = [];
  let offset = log.logStartOffset;
  while (offset < upperOffset) {
    const r = log.read(offset, { maxBytes: 1 << 20, upperOffset });
    if (r.records.length === 0) break;
    for (const rec of valuesIn(r.records)) if (rec.offset >= offset) out.push(rec);
    offset = r.nextOffset;
  }
  return out;
}
