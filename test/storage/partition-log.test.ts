// The partition log's contract, scenario by scenario: offsets assigned by the leader,
// reads by offset and by time, segment rolls, truncation, retention, durability, and
// the invariants (HW <= LEO, offsets monotonic) that the replication layer relies on.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { decodeRecordBatch, isTidelogError, readBatchHeader } from "@tidelog/client/record";
import { InvariantViolation } from "../../src/common/invariant.js";
import { batchOf, openLog, readAll, smallConfig, tempDir, valuesIn } from "./fixtures.js";

test("the leader assigns consecutive offsets and stamps its epoch", (t) => {
  const { log } = openLog(tempDir(t));
  const first = log.appendAsLeader(batchOf(["a", "b", "c"]), 7);
  const second = log.appendAsLeader(batchOf(["d"]), 7);
  assert.deepEqual([first.firstOffset, first.lastOffset, first.recordCount], [0, 2, 3]);
  assert.deepEqual([second.firstOffset, second.lastOffset], [3, 3]);
  assert.equal(log.logEndOffset, 4);
  const read = log.read(0, { maxBytes: 1 << 20 });
  assert.equal(readBatchHeader(read.records, 0).partitionLeaderEpoch, 7);
  assert.deepEqual(
    valuesIn(read.records).map((r) => [r.offset, r.value]),
    [
      [0, "a"],
      [1, "b"],
      [2, "c"],
      [3, "d"],
    ],
  );
});

test("a read from inside a batch returns the whole batch holding the offset", (t) => {
  const { log } = openLog(tempDir(t));
  log.appendAsLeader(batchOf(["a", "b", "c"]), 0);
  log.appendAsLeader(batchOf(["d", "e"]), 0);
  const read = log.read(1, { maxBytes: 1 << 20 });
  assert.equal(read.firstOffset, 0);
  assert.equal(read.nextOffset, 5);
  const atEnd = log.read(5, { maxBytes: 1 << 20 });
  assert.equal(atEnd.records.length, 0, "reading at the log end offset is empty, not an error");
});

test("reads respect maxBytes but always return one whole batch", (t) => {
  const { log } = openLog(tempDir(t));
  const big = batchOf(["x".repeat(500)]);
  log.appendAsLeader(big, 0);
  log.appendAsLeader(batchOf(["y".repeat(500)]), 0);
  const one = log.read(0, { maxBytes: 10 });
  assert.equal(one.records.length, big.length, "first batch returned though larger than maxBytes");
  assert.equal(one.nextOffset, 1);
  const none = log.read(0, { maxBytes: 10, minOneBatch: false });
  assert.equal(none.records.length, 0);
});

test("reads stop below the upper offset (the high watermark for consumers)", (t) => {
  const { log } = openLog(tempDir(t));
  for (const v of ["a", "b", "c"]) log.appendAsLeader(batchOf([v]), 0);
  log.updateHighWatermark(2);
  const read = log.read(0, { maxBytes: 1 << 20, upperOffset: log.highWatermark });
  assert.deepEqual(
    valuesIn(read.records).map((r) => r.value),
    ["a", "b"],
  );
  assert.equal(log.read(2, { maxBytes: 1 << 20, upperOffset: 2 }).records.length, 0);
});

test("offsets outside [log start, log end] are refused with OFFSET_OUT_OF_RANGE", (t) => {
  const { log } = openLog(tempDir(t));
  log.appendAsLeader(batchOf(["a"]), 0);
  for (const bad of [-1, 2, 1.5, Number.NaN]) {
    assert.throws(
      () => log.read(bad, { maxBytes: 100 }),
      (e) => isTidelogError(e, "OFFSET_OUT_OF_RANGE"),
    );
  }
});

test("segments roll at segment.bytes and reads cross them", (t) => {
  const dir = tempDir(t);
  const { log } = openLog(dir, smallConfig({ segmentBytes: 2048 }));
  const values = Array.from({ length: 40 }, (_, i) => `value-${i}-${"p".repeat(100)}`);
  for (const v of values) log.appendAsLeader(batchOf([v]), 0);
  assert.ok(log.segmentCount > 2, `expected several segments, got ${log.segmentCount}`);
  const names = readdirSync(dir).filter((n) => n.endsWith(".log"));
  assert.equal(names.length, log.segmentCount);
  assert.deepEqual(
    names.map((n) => Number(n.slice(0, 20))),
    log.segmentBaseOffsets,
    "each segment file is named by its base offset",
  );
  assert.deepEqual(
    readAll(log).map((r) => r.value),
    values,
  );
});

test("segments roll after segment.ms measured from the first batch's timestamp", (t) => {
  const { log, clock } = openLog(tempDir(t), smallConfig({ segmentMs: 60_000 }));
  clock.set(1_000_000);
  log.appendAsLeader(batchOf(["a"], 1_000_000), 0);
  clock.advance(30_000);
  log.appendAsLeader(batchOf(["b"], clock.nowMs()), 0);
  assert.equal(log.segmentCount, 1);
  clock.advance(31_000);
  log.appendAsLeader(batchOf(["c"], clock.nowMs()), 0);
  assert.equal(log.segmentCount, 2);
  assert.deepEqual(log.segmentBaseOffsets, [0, 2]);
});

test("offsetForTimestamp finds the first record at or after a time, across segments", (t) => {
  const { log } = openLog(tempDir(t), smallConfig({ segmentBytes: 1024 }));
  // Ten batches of three records, timestamps 10_000 + 100*batch + record.
  for (let b = 0; b < 10; b++) log.appendAsLeader(batchOf(["x".repeat(80), "y", "z"], 10_000 + 100 * b), 0);
  assert.ok(log.segmentCount > 1);
  assert.equal(log.offsetForTimestamp(0), 0);
  assert.equal(log.offsetForTimestamp(10_000), 0);
  assert.equal(log.offsetForTimestamp(10_001), 1);
  assert.equal(log.offsetForTimestamp(10_003), 3, "between batches: the next batch's first record");
  assert.equal(log.offsetForTimestamp(10_502), 17);
  assert.equal(log.offsetForTimestamp(99_999), null);
});

test("truncateTo removes whole batches at or past the offset and lowers the HW", (t) => {
  const { log } = openLog(tempDir(t), smallConfig({ segmentBytes: 1024 }));
  for (let i = 0; i < 30; i++) log.appendAsLeader(batchOf([`v${i}`, `w${i}`]), 0);
  log.updateHighWatermark(50);
  const before = log.segmentCount;
  assert.ok(log.truncateTo(21), "removed something");
  assert.equal(log.logEndOffset, 20, "offset 21 sat inside the batch [20, 21], which goes whole");
  assert.equal(log.highWatermark, 20);
  assert.ok(log.segmentCount <= before);
  assert.equal(readAll(log).length, 20);
  const next = log.appendAsLeader(batchOf(["after"]), 1);
  assert.equal(next.firstOffset, 20, "appends continue at the new log end offset");
  assert.equal(log.truncateTo(1000), false, "truncating past the end is a no-op");
});

test("truncateFullyAndStartAt empties the log and moves its start", (t) => {
  const { log } = openLog(tempDir(t));
  log.appendAsLeader(batchOf(["a", "b"]), 0);
  log.truncateFullyAndStartAt(500);
  assert.deepEqual([log.logStartOffset, log.logEndOffset, log.highWatermark], [500, 500, 500]);
  assert.equal(log.appendAsLeader(batchOf(["c"]), 0).firstOffset, 500);
});

test("retention by bytes deletes the oldest closed segments, below the HW only", (t) => {
  const { log } = openLog(tempDir(t), smallConfig({ segmentBytes: 1024, retentionBytes: 2048 }));
  for (let i = 0; i < 40; i++) log.appendAsLeader(batchOf([`${i}-${"q".repeat(100)}`]), 0);
  const segmentsBefore = log.segmentCount;
  assert.equal(log.deleteRetainedSegments(), 0, "nothing is below a zero high watermark");
  log.updateHighWatermark(log.logEndOffset);
  const deleted = log.deleteRetainedSegments();
  assert.ok(deleted > 0);
  assert.equal(log.segmentCount, segmentsBefore - deleted);
  assert.ok(log.sizeBytes <= 2048 + 1024, `size ${log.sizeBytes} after retention`);
  assert.equal(log.logStartOffset, log.segmentBaseOffsets[0]);
  assert.equal(readAll(log)[0]?.offset, log.logStartOffset);
  assert.throws(
    () => log.read(0, { maxBytes: 100 }),
    (e) => isTidelogError(e, "OFFSET_OUT_OF_RANGE"),
  );
});

test("retention by time deletes segments whose newest record is too old, never the active one", (t) => {
  const { log, clock } = openLog(tempDir(t), smallConfig({ segmentBytes: 1024, retentionMs: 60_000 }));
  clock.set(10_000_000);
  for (let i = 0; i < 20; i++) log.appendAsLeader(batchOf([`${i}-${"q".repeat(100)}`], 10_000_000 + i), 0);
  log.updateHighWatermark(log.logEndOffset);
  clock.advance(30_000);
  assert.equal(log.deleteRetainedSegments(), 0);
  clock.advance(40_000);
  const count = log.segmentCount;
  assert.equal(log.deleteRetainedSegments(), count - 1, "every closed segment expired; the active stays");
  assert.equal(log.segmentCount, 1);
  assert.equal(log.logEndOffset, 20);
});

test("compacted logs are not touched by delete retention", (t) => {
  const { log } = openLog(
    tempDir(t),
    smallConfig({ segmentBytes: 1024, retentionBytes: 1024, cleanupPolicy: "compact" }),
  );
  for (let i = 0; i < 20; i++) log.appendAsLeader(batchOf([`${i}-${"q".repeat(100)}`]), 0);
  log.updateHighWatermark(log.logEndOffset);
  assert.equal(log.deleteRetainedSegments(), 0);
});

test("flush moves the recovery point; flush.messages says when one is due", async (t) => {
  const { log } = openLog(tempDir(t), smallConfig({ flushMessages: 3 }));
  log.appendAsLeader(batchOf(["a", "b"]), 0);
  assert.equal(log.flushNeeded(), false);
  log.appendAsLeader(batchOf(["c"]), 0);
  assert.equal(log.flushNeeded(), true);
  await log.flush();
  assert.equal(log.recoveryPoint, 3);
  assert.equal(log.flushNeeded(), false);
});

test("flush.ms makes a flush due after the interval", async (t) => {
  const { log, clock } = openLog(tempDir(t), smallConfig({ flushMs: 1000 }));
  log.appendAsLeader(batchOf(["a"]), 0);
  assert.equal(log.flushNeeded(), false);
  clock.advance(1000);
  assert.equal(log.flushNeeded(), true);
  await log.flush();
  assert.equal(log.flushNeeded(), false);
});

test("a reopened log has the same records, log end offset and high watermark", async (t) => {
  const dir = tempDir(t);
  const opened = openLog(dir, smallConfig({ segmentBytes: 1024 }));
  for (let i = 0; i < 25; i++) opened.log.appendAsLeader(batchOf([`r${i}`, `s${i}`]), 3);
  opened.log.updateHighWatermark(40);
  const before = readAll(opened.log);
  await opened.log.close();
  const log = opened.reopen({ cleanShutdown: true });
  assert.equal(log.logEndOffset, 50);
  assert.deepEqual(readAll(log), before);
  assert.equal(log.appendAsLeader(batchOf(["next"]), 3).firstOffset, 50);
});

test("the high watermark never passes the log end offset nor moves back", (t) => {
  const { log } = openLog(tempDir(t));
  log.appendAsLeader(batchOf(["a", "b"]), 0);
  log.updateHighWatermark(1);
  assert.throws(() => log.updateHighWatermark(3), InvariantViolation);
  assert.throws(() => log.updateHighWatermark(0), InvariantViolation);
});

test("followers append at the leader's offsets, contiguous, and refuse anything else", (t) => {
  const leaderDir = tempDir(t);
  const { log: leader } = openLog(leaderDir);
  leader.appendAsLeader(batchOf(["a", "b"]), 4);
  leader.appendAsLeader(batchOf(["c"]), 5);
  const fetched = leader.read(0, { maxBytes: 1 << 20 });
  const { log: follower } = openLog(tempDir(t));
  const info = follower.appendAsFollower(Buffer.from(fetched.records));
  assert.deepEqual([info.firstOffset, info.lastOffset], [0, 2]);
  assert.deepEqual(readAll(follower), readAll(leader));
  assert.equal(decodeRecordBatch(follower.read(2, { maxBytes: 100 }).records).header.partitionLeaderEpoch, 5);
  const again = leader.read(0, { maxBytes: 1 << 20 });
  assert.throws(
    () => follower.appendAsFollower(Buffer.from(again.records)),
    (e) => isTidelogError(e, "INVALID_REQUEST"),
  );
});

test("a deleted log leaves no files behind", async (t) => {
  const dir = join(tempDir(t), "orders-0");
  const { log } = openLog(dir);
  log.appendAsLeader(batchOf(["a"]), 0);
  await log.delete();
  assert.equal(existsSync(dir), false);
});
