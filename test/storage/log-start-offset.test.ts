// DeleteRecords on the log: advanceLogStartOffset moves the log start up, never past
// the high watermark and never back; reads below it are refused; segments wholly below
// it are deleted from disk, the one holding it stays. (That the start survives a
// restart, through the log manager's checkpoint, is test/cluster/delete-records.test.ts.)
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { TidelogError } from "@tidelog/client/record";
import { batchOf, openLog, readAll, smallConfig, tempDir } from "./fixtures.js";

const segmentFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .sort();

test("the log start moves up to the offset asked, capped at the high watermark, never back", (t) => {
  const dir = tempDir(t);
  const { log } = openLog(dir, smallConfig({ segmentBytes: 1024 }));
  for (let i = 0; i < 30; i++) log.appendAsLeader(batchOf([`v${i}-a`.padEnd(60, "x"), `v${i}-b`.padEnd(60, "x")]), 1);
  log.updateHighWatermark(50);
  const before = segmentFiles(dir);
  assert.ok(before.length > 3, `several segments (${before.length})`);

  assert.equal(log.advanceLogStartOffset(25), 25);
  assert.equal(log.logStartOffset, 25);
  assert.throws(
    () => log.read(24, { maxBytes: 1 << 20 }),
    (e: unknown) => e instanceof TidelogError && e.code === "OFFSET_OUT_OF_RANGE",
  );
  assert.equal(readAll(log)[0]?.offset, 25, "readers start at the new log start");
  const after = segmentFiles(dir);
  assert.ok(after.length < before.length, "segments wholly below the start are gone");
  assert.equal(
    after[0],
    before.find((f) => f === after[0]),
    "the segment holding the start stays",
  );

  assert.equal(log.advanceLogStartOffset(10), 25, "never backwards");
  assert.equal(log.advanceLogStartOffset(59), 50, "never past the high watermark");
});
