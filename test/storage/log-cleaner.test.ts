// Log compaction, one behaviour per test: the latest record per key survives at its
// original offset; tombstones outlive one delete.retention.ms after their first cleaning
// and no longer; the active segment and anything at or past the high watermark are never
// touched; idempotent producers' batches survive as empty batches so dedup still works
// after a reopen; control batches stay; compressed batches keep their codec; a pass the
// log changed under is abandoned without changing anything; reads keep working while a
// pass runs; the throttle holds a pass to its byte budget; the log manager picks the
// dirtiest log and checkpoints how far each was cleaned.
import assert from "node:assert/strict";
import { existsSync, fstatSync, fsync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  COMPRESSION_MASK,
  CompressionType,
  DELETE_HORIZON_FLAG,
  decodeRecordBatches,
  readBatchHeader,
} from "@tidelog/client/record";
import { ManualClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { Cleaner } from "../../src/storage/cleaner.js";
import { measureDirt } from "../../src/storage/log-cleaner.js";
import { logConfigFromProperties } from "../../src/storage/log-config.js";
import { LogManager } from "../../src/storage/log-manager.js";
import { segmentFileName } from "../../src/storage/log-segment.js";
import { OffsetMap } from "../../src/storage/offset-map.js";
import { PartitionLog } from "../../src/storage/partition-log.js";
import { Throttler } from "../../src/storage/throttler.js";
import { compactConfig, keyedBatch, openCompactedLog, readRecords } from "./compaction-fixtures.js";
import { tempDir } from "./fixtures.js";

const pad = (s: string) => s + "-".repeat(60);

test("compaction keeps the latest record per key at its original offset", async (t) => {
  const c = openCompactedLog(tempDir(t));
  const { log } = c;
  for (let round = 0; round < 6; round++) {
    for (const key of ["a", "b", "c"]) log.appendAsLeader(keyedBatch([[key, pad(`${key}${round}`)]], 1000 + round), 0);
    log.roll();
  }
  log.appendAsLeader(keyedBatch([["a", "active"]], 2000), 0);
  log.updateHighWatermark(log.logEndOffset);
  const before = readRecords(log);
  const result = await c.clean();
  assert.ok(result);
  assert.equal(result.endOffset, 18, "cleaned up to the active segment");
  const after = readRecords(log);
  assert.deepEqual(
    after.map((r) => [r.offset, r.key, r.value]),
    [
      [15, "a", pad("a5")],
      [16, "b", pad("b5")],
      [17, "c", pad("c5")],
      [18, "a", "active"],
    ],
  );
  for (const r of after)
    assert.deepEqual(
      before.find((b) => b.offset === r.offset),
      r,
    );
  assert.equal(log.logEndOffset, 19);
  assert.equal(log.firstDirtyOffset, 18);
  // The log still takes appends at the end, and a reopen sees the same thing.
  log.appendAsLeader(keyedBatch([["b", "new"]], 3000), 0);
  const reopened = await c.reopen();
  assert.deepEqual(readRecords(reopened), [...after, { offset: 19, key: "b", value: "new" }]);
  assert.deepEqual(
    readdirSync(reopened.dir).filter((n) => n.includes(".cleaned") || n.includes(".swap")),
    [],
  );
});

test("nothing at or past the high watermark, and nothing in the active segment, is cleaned", async (t) => {
  const c = openCompactedLog(tempDir(t));
  const { log } = c;
  for (let i = 0; i < 8; i++) {
    log.appendAsLeader(keyedBatch([["k", pad(`v${i}`)]], 1000 + i), 0);
    log.roll();
  }
  log.updateHighWatermark(5); // offsets 5..7 may still be truncated away
  const result = await c.clean();
  assert.ok(result);
  assert.equal(result.endOffset, 5);
  assert.deepEqual(
    readRecords(log).map((r) => r.offset),
    [4, 5, 6, 7],
    "offset 4 is the latest below the HW; 5..7 are untouched",
  );
});

test("a tombstone survives delete.retention.ms after its first cleaning, then goes", async (t) => {
  const clock = new ManualClock(10_000);
  const c = openCompactedLog(tempDir(t), compactConfig({ deleteRetentionMs: 1000 }), clock);
  const { log } = c;
  log.appendAsLeader(
    keyedBatch(
      [
        ["gone", pad("v1")],
        ["kept", pad("v1")],
      ],
      100,
    ),
    0,
  );
  log.roll();
  log.appendAsLeader(keyedBatch([["gone", null]], 200), 0);
  log.roll();
  log.appendAsLeader(keyedBatch([["x", "active"]], 300), 0);
  log.updateHighWatermark(log.logEndOffset);

  await c.clean();
  assert.deepEqual(
    readRecords(log).map((r) => [r.offset, r.key, r.value]),
    [
      [1, "kept", pad("v1")],
      [2, "gone", null],
      [3, "x", "active"],
    ],
    "the tombstone is kept and its batch now carries a delete horizon",
  );
  const tombstoneBatch = decodeRecordBatches(log.read(2, { maxBytes: 1 << 20 }).records)[0];
  assert.ok(tombstoneBatch);
  assert.ok(tombstoneBatch.header.attributes & DELETE_HORIZON_FLAG);
  assert.equal(tombstoneBatch.header.baseTimestamp, 11_000);
  assert.equal(tombstoneBatch.records[0]?.timestamp, 200, "record timestamps are unchanged");

  clock.advance(999);
  await c.clean();
  assert.ok(
    readRecords(log).some((r) => r.key === "gone"),
    "still there 1 ms before the horizon",
  );
  clock.advance(1);
  await c.clean();
  assert.deepEqual(
    readRecords(log).map((r) => [r.offset, r.key]),
    [
      [1, "kept"],
      [3, "x"],
    ],
  );
  // The emptied last batch of the cleaned run is kept (header only), so the log's
  // offsets and segment layout stay as they were.
  assert.equal(log.logEndOffset, 4);
  await c.reopen({ clean: true });
  assert.deepEqual(
    readRecords(c.log).map((r) => r.offset),
    [1, 3],
  );
});

test("an idempotent producer's batches survive as empty batches: dedup works after reopen", async (t) => {
  const c = openCompactedLog(tempDir(t));
  let { log } = c;
  const producer = { producerId: 7, producerEpoch: 0 };
  log.appendAsLeader(keyedBatch([["k", pad("1")]], 100, { ...producer, baseSequence: 0 }), 0);
  log.appendAsLeader(keyedBatch([["k", pad("2")]], 101, { ...producer, baseSequence: 1 }), 0);
  log.roll();
  log.appendAsLeader(keyedBatch([["k", pad("3")]], 102), 0);
  log.roll();
  log.updateHighWatermark(log.logEndOffset);
  await c.clean();
  assert.deepEqual(
    readRecords(log).map((r) => r.offset),
    [2],
  );
  log = await c.reopen();
  const retry = log.appendAsLeader(keyedBatch([["k", pad("2")]], 101, { ...producer, baseSequence: 1 }), 0);
  assert.equal(retry.duplicate, true, "a retry of the producer's last batch is still recognised");
  assert.equal(retry.firstOffset, 1);
  assert.throws(
    () => log.appendAsLeader(keyedBatch([["k", "gap"]], 103, { ...producer, baseSequence: 5 }), 0),
    /OUT_OF_ORDER|sequence/i,
  );
});

test("control batches are kept; compressed batches keep their codec", async (t) => {
  const c = openCompactedLog(tempDir(t));
  const { log } = c;
  log.appendAsLeader(
    keyedBatch(
      [
        ["a", pad("1")],
        ["b", pad("1")],
      ],
      100,
      { compression: "gzip" },
    ),
    0,
  );
  log.appendMarkerAsLeader({ commit: true, coordinatorEpoch: 3, producerId: 9, producerEpoch: 0 }, 0);
  log.roll();
  log.appendAsLeader(keyedBatch([["a", pad("2")]], 200), 0);
  log.roll();
  log.updateHighWatermark(log.logEndOffset);
  await c.clean();
  const batches = decodeRecordBatches(log.read(0, { maxBytes: 1 << 20 }).records);
  const first = batches[0];
  assert.ok(first);
  assert.equal(first.header.attributes & COMPRESSION_MASK, CompressionType.gzip);
  assert.deepEqual(
    first.records.map((r) => [r.offset, r.key?.toString()]),
    [[1, "b"]],
  );
  assert.equal(first.header.lastOffsetDelta, 1, "the batch keeps its offset range");
  const control = readBatchHeader(log.read(2, { maxBytes: 1 << 20 }).records, 0);
  assert.equal(control.baseOffset, 2);
  assert.ok(control.attributes & 0x20, "the control batch is still there");
});

test("a pass the log changes under (truncation) is abandoned and changes nothing", async (t) => {
  const dir = tempDir(t);
  const clock = new ManualClock();
  const c = openCompactedLog(dir, compactConfig(), clock);
  const { log } = c;
  for (let i = 0; i < 30; i++) {
    log.appendAsLeader(keyedBatch([[`k${i % 3}`, pad(`v${i}`)]], 100 + i), 0);
    if (i % 5 === 4) log.roll();
  }
  log.updateHighWatermark(25);
  const before = readRecords(log);
  let truncated = false;
  // A tiny budget makes the throttle sleep after the first chunk; meanwhile a follower's
  // truncation arrives.
  const throttler = new Throttler(1, clock, async () => {
    if (!truncated) {
      truncated = true;
      log.truncateTo(27);
    }
  });
  const cleaner = new Cleaner({ clock, logger: silentLogger, throttler, offsetMapBytes: 1 << 20, readChunkBytes: 256 });
  const result = await cleaner.clean(log, measureDirt(log, clock.nowMs()));
  assert.equal(result, null);
  assert.ok(truncated);
  assert.deepEqual(
    readRecords(log),
    before.filter((r) => r.offset < 27),
  );
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.includes(".cleaned") || n.includes(".swap")),
    [],
  );
});

test("reads and appends are served between the chunks of a pass, and see consistent data", async (t) => {
  const clock = new ManualClock();
  const c = openCompactedLog(tempDir(t), compactConfig(), clock);
  const { log } = c;
  for (let i = 0; i < 60; i++) {
    log.appendAsLeader(keyedBatch([[`k${i % 4}`, pad(`v${i}`)]], 100 + i), 0);
    if (i % 6 === 5) log.roll();
  }
  log.updateHighWatermark(log.logEndOffset);
  const latest = new Map<string, number>();
  for (const r of readRecords(log)) latest.set(r.key as string, r.offset);
  let interleaved = 0;
  const throttler = new Throttler(1000, clock, async (ms) => {
    interleaved++;
    clock.advance(ms);
    // Whatever the pass has swapped so far, every key's latest record is readable.
    const seen = new Map<string, number>();
    for (const r of readRecords(log)) seen.set(r.key as string, r.offset);
    for (const [k, off] of latest) assert.equal(seen.get(k), off);
    log.appendAsLeader(keyedBatch([["z", "during"]], 5000), 0);
  });
  const cleaner = new Cleaner({ clock, logger: silentLogger, throttler, offsetMapBytes: 1 << 20, readChunkBytes: 256 });
  const result = await cleaner.clean(log, measureDirt(log, clock.nowMs()));
  assert.ok(result);
  assert.ok(interleaved > 5, `only ${interleaved} chunks`);
  // The throttle held the pass to 1000 bytes/s of the manual clock: a byte costs 1 ms.
  assert.ok(throttler.sleptMs >= result.bytesRead + result.bytesWritten);
  assert.equal(readRecords(log).filter((r) => r.key === "z").length, interleaved);
});

test("min.compaction.lag.ms keeps young segments dirty; the dirty ratio is measured by segment", (t) => {
  const clock = new ManualClock(100_000);
  const c = openCompactedLog(tempDir(t), compactConfig({ minCompactionLagMs: 10_000 }), clock);
  const { log } = c;
  log.appendAsLeader(keyedBatch([["a", pad("old")]], 80_000), 0);
  log.roll();
  log.appendAsLeader(keyedBatch([["a", pad("young")]], 95_000), 0);
  log.roll();
  log.appendAsLeader(keyedBatch([["a", "active"]], 99_000), 0);
  log.updateHighWatermark(log.logEndOffset);
  const m = measureDirt(log, clock.nowMs());
  assert.equal(m.firstUncleanableOffset, 1, "the segment written 5 s ago is too young");
  assert.equal(m.dirtyRatio, 1);
  clock.advance(10_000);
  assert.equal(measureDirt(log, clock.nowMs()).firstUncleanableOffset, 2);
});

test("the log manager cleans the dirtiest compacted log in the background and checkpoints it", async (t) => {
  const dataDir = tempDir(t);
  const clock = new ManualClock();
  const open = () =>
    LogManager.open({
      dataDir,
      defaultConfig: compactConfig(),
      clock,
      logger: silentLogger,
      openFilesMax: 16,
      cleanerBackoffMs: 10,
      cleanerIoMaxBytesPerSecond: Number.POSITIVE_INFINITY,
    });
  const manager = open();
  const compacted = manager.getOrCreateLog({ topic: "__consumer_offsets", partition: 0 });
  const plain = manager.getOrCreateLog({ topic: "plain", partition: 0 }, compactConfig({ cleanupPolicy: "delete" }));
  for (let i = 0; i < 40; i++) {
    for (const log of [compacted, plain]) log.appendAsLeader(keyedBatch([[`g${i % 2}`, pad(`${i}`)]], 100 + i), 0);
  }
  for (const log of [compacted, plain]) log.updateHighWatermark(log.logEndOffset);
  assert.equal(manager.cleaner.filthiestLog()?.tp.topic, "__consumer_offsets");
  manager.start();
  const deadline = Date.now() + 10_000;
  while (compacted.firstDirtyOffset === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(compacted.firstDirtyOffset > 0, "the background cleaner compacted the log");
  assert.ok(readRecords(compacted).length < 40);
  assert.equal(readRecords(plain).length, 40, "a delete-policy log is never compacted");
  const cleanedTo = compacted.firstDirtyOffset;
  await manager.shutdown();
  const again = open();
  assert.equal(again.getLog({ topic: "__consumer_offsets", partition: 0 })?.firstDirtyOffset, cleanedTo);
  await again.shutdown();
});

test("the offset map keeps the latest offset per key within its memory budget", () => {
  const map = new OffsetMap(150);
  assert.ok(map.put(Buffer.from("a"), 1));
  assert.ok(map.put(Buffer.from("b"), 2));
  assert.ok(map.put(Buffer.from("a"), 3), "an existing key costs nothing more");
  assert.equal(map.put(Buffer.from("c"), 4), false, "a third key does not fit 150 bytes");
  assert.equal(map.get(Buffer.from("a")), 3);
  assert.equal(map.get(Buffer.from("c")), -1);
  assert.equal(map.latestOffset, 3);
});

test("a pass whose offset map fills up cleans what it mapped and continues next time", async (t) => {
  const clock = new ManualClock();
  const c = openCompactedLog(tempDir(t), compactConfig(), clock);
  const { log } = c;
  for (let i = 0; i < 20; i++) {
    log.appendAsLeader(keyedBatch([[`key-${i % 10}`, pad(`${i}`)]], 100 + i), 0);
    if (i % 4 === 3) log.roll();
  }
  log.updateHighWatermark(log.logEndOffset);
  const throttler = new Throttler(Number.POSITIVE_INFINITY, clock, async () => {});
  const small = new Cleaner({ clock, logger: silentLogger, throttler, offsetMapBytes: 3 * 70 });
  const first = await small.clean(log, measureDirt(log, clock.nowMs()));
  assert.ok(first);
  assert.equal(first.endOffset, 3, "three keys fit");
  while (log.firstDirtyOffset < 20) assert.ok(await small.clean(log, measureDirt(log, clock.nowMs())));
  assert.deepEqual(
    readRecords(log).map((r) => r.offset),
    [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
  );
});

test("cleaner settings parse with Kafka's names", () => {
  const config = logConfigFromProperties({
    "cleanup.policy": "delete,compact",
    "min.cleanable.dirty.ratio": "0.25",
    "min.compaction.lag.ms": "60000",
    "max.compaction.lag.ms": "3600000",
  });
  assert.equal(config.cleanupPolicy, "compact,delete");
  assert.equal(config.minCleanableDirtyRatio, 0.25);
  assert.equal(config.minCompactionLagMs, 60_000);
  assert.equal(config.maxCompactionLagMs, 3_600_000);
  assert.throws(() => logConfigFromProperties({ "min.cleanable.dirty.ratio": "1.5" }), /min.cleanable.dirty.ratio/);
  assert.throws(() => logConfigFromProperties({ "min.cleanable.dirty.ratio": "x" }), /not a number/);
});

test("a log compacted once keeps its gaps through an unclean reopen after its policy changes to delete", async (t) => {
  const dir = tempDir(t);
  const c = openCompactedLog(dir);
  for (let i = 0; i < 12; i++) {
    c.log.appendAsLeader(keyedBatch([[`k${i % 2}`, pad(`${i}`)]], 100 + i), 0);
    if (i % 3 === 2) c.log.roll();
  }
  c.log.updateHighWatermark(c.log.logEndOffset);
  await c.clean();
  const compacted = readRecords(c.log);
  assert.ok(compacted.length < 12);
  const firstDirtyOffset = c.log.firstDirtyOffset;
  c.files.closeAll();
  // An unclean stop, then a start with cleanup.policy=delete: the cleaner's checkpoint
  // says the log was compacted, so the gaps are not taken for damage.
  const reopened = PartitionLog.open({
    dir,
    config: compactConfig({ cleanupPolicy: "delete" }),
    files: c.files,
    clock: c.clock,
    logger: silentLogger,
    recoveryPoint: 0,
    firstDirtyOffset,
  });
  assert.deepEqual(readRecords(reopened), compacted);
});

test("a descriptor pinned on a replaced segment (an fsync in flight) stays valid through the swap", async (t) => {
  const c = openCompactedLog(tempDir(t));
  const { log } = c;
  for (let i = 0; i < 6; i++) {
    log.appendAsLeader(keyedBatch([["k", pad(`${i}`)]], 100 + i), 0);
    if (i % 2 === 1) log.roll();
  }
  log.updateHighWatermark(log.logEndOffset);
  const oldPath = join(log.dir, segmentFileName(2, ".log"));
  const pinned = c.files.pin(oldPath);
  const oldSize = fstatSync(pinned.fd).size;
  await c.clean();
  assert.ok(!existsSync(oldPath), "the replaced segment's file is gone");
  const buf = Buffer.alloc(oldSize);
  assert.equal(readSync(pinned.fd, buf, 0, oldSize, 0), oldSize, "the pinned descriptor still reads the old bytes");
  await new Promise<void>((resolve, reject) => fsync(pinned.fd, (e) => (e ? reject(e) : resolve())));
  pinned.release();
  assert.deepEqual(
    readRecords(log).map((r) => r.offset),
    [5],
  );
});

test("an aborted transaction's records neither survive compaction nor supersede the value before them; open transactions are not cleaned", async (t) => {
  const c = openCompactedLog(tempDir(t));
  const { log } = c;
  const txn = (producerId: number, kvs: [string, string][], ts: number) =>
    keyedBatch(kvs, ts, { producerId, producerEpoch: 0, baseSequence: 0, transactional: true });
  log.appendAsLeader(keyedBatch([["k", pad("committed")]], 100), 0); // 0
  log.appendAsLeader(txn(7, [["k", pad("aborted")]], 101), 0); // 1
  log.appendMarkerAsLeader({ producerId: 7, producerEpoch: 1, commit: false, coordinatorEpoch: 1 }, 0); // 2
  log.roll();
  log.appendAsLeader(txn(8, [["j", pad("open")]], 102), 0); // 3: still open
  log.roll();
  log.appendAsLeader(keyedBatch([["j", pad("later")]], 103), 0); // 4
  log.roll();
  log.updateHighWatermark(log.logEndOffset);
  assert.equal(log.lastStableOffset, 3);
  await c.clean();
  const values = readRecords(log).map((r) => [r.offset, r.key, r.value?.slice(0, 9)]);
  assert.deepEqual(
    values.filter(([offset]) => (offset as number) < 2),
    [[0, "k", "committed"]],
    "the committed value stays; the aborted one is gone",
  );
  assert.ok(
    values.some(([offset]) => offset === 3),
    "the open transaction's record is past the last stable offset: untouched",
  );
  const marker = readBatchHeader(log.read(2, { maxBytes: 1 << 20 }).records, 0);
  assert.equal(marker.baseOffset, 2);
  assert.ok(marker.attributes & 0x20, "the ABORT marker is kept");
});

test("a transaction marker stays while its transaction's data does, then goes delete.retention.ms after the data is gone", async (t) => {
  // One segment for the transactions (rolled by hand), so no batch of interest is the last
  // of a cleaned group (which the cleaner keeps, as an empty batch, for the offset range).
  const c = openCompactedLog(tempDir(t), compactConfig({ segmentBytes: 1 << 20 }));
  let { log } = c;
  const txn = (producerId: number, epoch: number, kvs: [string, string][], ts: number) =>
    keyedBatch(kvs, ts, { producerId, producerEpoch: epoch, baseSequence: 0, transactional: true });
  // Offset 0 starts the leader epoch (its batch header stays whatever happens to its
  // records). Producer 7's first transaction aborts (its data goes at once); five committed
  // ones follow, so its first batch is no longer among the five kept for idempotence.
  log.appendAsLeader(keyedBatch([["first", pad("plain")]], 99), 0); // 0
  log.appendAsLeader(txn(7, 0, [["k", pad("aborted")]], 100), 0); // 1
  log.appendMarkerAsLeader({ producerId: 7, producerEpoch: 1, commit: false, coordinatorEpoch: 1 }, 0); // 2
  for (let i = 0; i < 5; i++) {
    log.appendAsLeader(txn(7, i + 1, [[`c${i}`, pad("committed")]], 101 + i), 0); // 3, 5, 7, 9, 11
    log.appendMarkerAsLeader({ producerId: 7, producerEpoch: i + 2, commit: true, coordinatorEpoch: 1 }, 0); // 4 ... 12
  }
  log.roll();
  log.appendAsLeader(keyedBatch([["z", pad("later")]], 200), 0); // 13
  log.roll();
  log.updateHighWatermark(log.logEndOffset);
  const markers = () => {
    const out: { offset: number; horizon: boolean }[] = [];
    for (let at = log.logStartOffset; at < log.logEndOffset; ) {
      const read = log.read(at, { maxBytes: 1 << 20 });
      if (read.records.length === 0) break;
      for (const b of decodeRecordBatches(read.records)) {
        if (b.header.attributes & 0x20) {
          out.push({ offset: b.header.baseOffset, horizon: (b.header.attributes & DELETE_HORIZON_FLAG) !== 0 });
        }
      }
      at = read.nextOffset;
    }
    return out;
  };

  await c.clean();
  assert.deepEqual(markers()[0], { offset: 2, horizon: true }, "the aborted transaction's marker gets a horizon");
  assert.ok(
    markers()
      .slice(1)
      .every((m) => !m.horizon),
    "committed transactions whose data stays keep their markers as they were",
  );
  c.clock.advance(999);
  await c.clean();
  assert.equal(markers()[0]?.offset, 2, "not before delete.retention.ms");
  c.clock.advance(2);
  await c.clean();
  assert.deepEqual(
    markers().map((m) => m.offset),
    [4, 6, 8, 10, 12],
    "the aborted transaction's marker is gone",
  );
  // What is derived from the log is the same after a reopen: nothing open, nothing aborted.
  log = await c.reopen();
  log.updateHighWatermark(log.logEndOffset);
  assert.equal(log.lastStableOffset, log.highWatermark);
  assert.deepEqual(log.abortedTransactions(0, log.logEndOffset), []);
  assert.ok(!readRecords(log).some((r) => r.offset === 1), "the aborted record is gone");
});
