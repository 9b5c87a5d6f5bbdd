/**
 * Partition-log append and read throughput, each beside plain `fs` I/O of the same bytes
 * measured in the same run, so the figure that matters is the ratio (target >= 0.8x).
 *
 * Append: the same pre-encoded batch is appended again and again (appendAsLeader
 * rewrites its base offset in place, as the broker does with a produce request), so
 * the measurement is the log's own cost: validation with CRC, offset assignment, the
 * write, index upkeep. The baseline writes the same buffer with fs.writeSync at the
 * growing file position. With fsync, both fsync after every batch.
 *
 * Read: the written log is read back in order, 1 MiB per read (the page cache is warm
 * for both); the baseline reads the same file in 1 MiB positional reads.
 *
 * Baseline and log alternate over several rounds and the best round of each is kept,
 * so drift on the machine hits both alike.
 */
import { closeSync, fsync, fsyncSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32c, encodeRecordBatch } from "@tidelog/client/record";
import { systemClock } from "../src/common/clock.js";
import { silentLogger } from "../src/common/logger.js";
import { FileHandleCache } from "../src/storage/file-handle-cache.js";
import { DEFAULT_LOG_CONFIG, validateLogConfig } from "../src/storage/log-config.js";
import { PartitionLog } from "../src/storage/partition-log.js";
import { type BenchRow, row, targetRow } from "./lib/report.js";

interface Shape {
  readonly recordBytes: number;
  readonly batchBytes: number;
  readonly fsync: boolean;
}

const MiB = 1024 * 1024;

/** The largest batch of `recordBytes` values that fits in `batchBytes`. */
function makeBatch(shape: Shape): { data: Buffer; records: number } {
  const value = Buffer.alloc(shape.recordBytes, 0x61);
  const timestamp = Date.now();
  const encode = (count: number) =>
    encodeRecordBatch({ records: Array.from({ length: count }, () => ({ value, timestamp })) });
  let count = Math.floor(shape.batchBytes / shape.recordBytes);
  let data = encode(count);
  while (data.length > shape.batchBytes && count > 1) {
    count = Math.max(1, Math.floor(count * (shape.batchBytes / data.length)) - 1);
    data = encode(count);
  }
  return { data, records: count };
}

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
}

/** Seconds to write `batches` copies of `data` to a plain file (also the peers suite's disk ceiling). */
export async function plainWrite(dir: string, data: Buffer, batches: number, sync: boolean): Promise<number> {
  const path = join(dir, "plain.bin");
  const fd = openSync(path, "w");
  const start = process.hrtime.bigint();
  let pos = 0;
  for (let i = 0; i < batches; i++) {
    pos += writeSync(fd, data, 0, data.length, pos);
    if (sync) await fsyncAsync(fd);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!sync) fsyncSync(fd);
  closeSync(fd);
  return seconds;
}

function plainRead(dir: string, bytes: number): number {
  const fd = openSync(join(dir, "plain.bin"), "r");
  const buf = Buffer.allocUnsafe(MiB);
  const start = process.hrtime.bigint();
  let pos = 0;
  while (pos < bytes) {
    const n = readSync(fd, buf, 0, MiB, pos);
    if (n === 0) break;
    pos += n;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  closeSync(fd);
  return seconds;
}

/** Seconds for the CRC32C pass over `batches` copies of `data`. */
function crcPass(data: Buffer, batches: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < batches; i++) crc32c(data.subarray(21));
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function openBenchLog(dir: string): PartitionLog {
  return PartitionLog.open({
    dir: join(dir, "bench-0"),
    config: validateLogConfig({ ...DEFAULT_LOG_CONFIG, segmentBytes: 256 * MiB, maxMessageBytes: 2 * MiB }),
    files: new FileHandleCache(64),
    clock: systemClock,
    logger: silentLogger,
  });
}

async function logWrite(log: PartitionLog, data: Buffer, batches: number, sync: boolean): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < batches; i++) {
    log.appendAsLeader(data, 0);
    if (sync) await log.flush();
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function logRead(log: PartitionLog): number {
  // A fetch handler copies the bytes into its response, so it reuses one buffer.
  const into = Buffer.allocUnsafe(MiB);
  const start = process.hrtime.bigint();
  let offset = log.logStartOffset;
  const end = log.logEndOffset;
  while (offset < end) offset = log.read(offset, { maxBytes: MiB, into }).nextOffset;
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function label(shape: Shape): string {
  const batch = shape.batchBytes >= MiB ? `${shape.batchBytes / MiB}MiB` : `${shape.batchBytes / 1024}KiB`;
  return `${shape.recordBytes}B records, ${batch} batches${shape.fsync ? ", fsync each" : ""}`;
}

export async function storageBench(opts: { quick: boolean }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const rounds = opts.quick ? 1 : 3;
  const shapes: Shape[] = [];
  for (const recordBytes of [100, 1024]) {
    for (const batchBytes of [16 * 1024, MiB]) {
      for (const fsync of [false, true]) shapes.push({ recordBytes, batchBytes, fsync });
    }
  }
  for (const shape of shapes) {
    const { data, records } = makeBatch(shape);
    // Enough bytes to take a measurable time; fsync runs are bounded by count instead.
    const totalBytes = (opts.quick ? 16 : 192) * MiB;
    const batches = shape.fsync ? (opts.quick ? 20 : 200) : Math.ceil(totalBytes / data.length);
    let bestPlain = Number.POSITIVE_INFINITY;
    let bestLog = Number.POSITIVE_INFINITY;
    let bestPlainRead = Number.POSITIVE_INFINITY;
    let bestLogRead = Number.POSITIVE_INFINITY;
    for (let round = 0; round < rounds; round++) {
      const dir = mkdtempSync(join(tmpdir(), "tidelog-bench-"));
      try {
        bestPlain = Math.min(bestPlain, await plainWrite(dir, data, batches, shape.fsync));
        const log = openBenchLog(dir);
        bestLog = Math.min(bestLog, await logWrite(log, data, batches, shape.fsync));
        if (!shape.fsync) {
          // Warm both files in the page cache, then alternate the timed reads.
          plainRead(dir, batches * data.length);
          logRead(log);
          bestPlainRead = Math.min(bestPlainRead, plainRead(dir, batches * data.length));
          bestLogRead = Math.min(bestLogRead, logRead(log));
        }
        await log.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const bytes = batches * data.length;
    const name = label(shape);
    rows.push(row(`append ${name}`, (batches * records) / bestLog, "records/s"));
    rows.push(row(`append ${name}`, bytes / MiB / bestLog, "MB/s"));
    rows.push(row(`plain fs write ${name}`, bytes / MiB / bestPlain, "MB/s"));
    rows.push(targetRow(`append/plain ${name}`, bestPlain / bestLog, "x", 0.8));
    // Any log that verifies CRCs on append (Kafka, Redpanda, tidelog) pays this pass.
    const crcSeconds = crcPass(data, batches);
    rows.push(row(`append/(plain+crc32c) ${name}`, (bestPlain + crcSeconds) / bestLog, "x"));
    if (!shape.fsync) {
      rows.push(row(`read ${name}`, (batches * records) / bestLogRead, "records/s"));
      rows.push(row(`read ${name}`, bytes / MiB / bestLogRead, "MB/s"));
      rows.push(row(`plain fs read ${name}`, bytes / MiB / bestPlainRead, "MB/s"));
      rows.push(targetRow(`read/plain ${name}`, bestPlainRead / bestLogRead, "x", 0.8));
    }
  }
  return rows;
}
