// The log manager: many partitions under one directory with a hard bound on open files,
// checkpoints that survive a crash, a clean-shutdown marker that lets the next start
// skip recovery, deletions that finish after a crash, and a lock against a second owner.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { isTidelogError } from "@tidelog/client/record";
import { ManualClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { LogManager } from "../../src/storage/log-manager.js";
import { segmentFileName } from "../../src/storage/log-segment.js";
import { batchOf, readAll, smallConfig, tempDir } from "./fixtures.js";

function openManager(dataDir: string, openFilesMax = 8): LogManager {
  return LogManager.open({
    dataDir,
    defaultConfig: smallConfig({ segmentBytes: 1024 }),
    clock: new ManualClock(),
    logger: silentLogger,
    openFilesMax,
  });
}

test("many logs share a bounded number of open files and stay readable", async (t) => {
  const dir = tempDir(t);
  const manager = openManager(dir, 6);
  const partitions = Array.from({ length: 24 }, (_, p) => ({ topic: "orders.v1-eu", partition: p }));
  for (let round = 0; round < 12; round++) {
    for (const tp of partitions) {
      manager.getOrCreateLog(tp).appendAsLeader(batchOf([`${tp.partition}:${round}:${"x".repeat(100)}`]), 0);
      assert.ok(manager.openFileCount <= 6, `open files ${manager.openFileCount} over the bound`);
    }
  }
  for (const tp of partitions) {
    const log = manager.getLog(tp);
    assert.ok(log);
    assert.ok(log.segmentCount > 1);
    assert.equal(readAll(log).length, 12);
    assert.ok(manager.openFileCount <= 6);
  }
  await manager.shutdown();
});

test("checkpoints carry the high watermark across an unclean stop; a torn tail is cut", (t) => {
  const dir = tempDir(t);
  const first = openManager(dir);
  const a = first.getOrCreateLog({ topic: "a", partition: 0 });
  const b = first.getOrCreateLog({ topic: "b", partition: 3 });
  for (let i = 0; i < 10; i++) {
    a.appendAsLeader(batchOf([`a${i}`]), 0);
    b.appendAsLeader(batchOf([`b${i}`]), 0);
  }
  a.updateHighWatermark(7);
  b.updateHighWatermark(10);
  first.writeCheckpoints();
  // Crash: no shutdown. Then a torn write at the end of b's active segment.
  const bDir = join(dir, "b-3");
  const active = b.segmentBaseOffsets[b.segmentBaseOffsets.length - 1] as number;
  appendFileSync(join(bDir, segmentFileName(active, ".log")), Buffer.from([0, 0, 0, 0, 0, 0, 0, 10, 0, 0]));
  const second = openManager(dir);
  assert.equal(second.getLog({ topic: "a", partition: 0 })?.highWatermark, 7);
  const reopenedB = second.getLog({ topic: "b", partition: 3 });
  assert.equal(reopenedB?.highWatermark, 10);
  assert.equal(reopenedB?.logEndOffset, 10);
  assert.equal(readAll(reopenedB!).length, 10);
});

test("a clean shutdown leaves a marker that the next start consumes", async (t) => {
  const dir = tempDir(t);
  const first = openManager(dir);
  first.getOrCreateLog({ topic: "t", partition: 0 }).appendAsLeader(batchOf(["v"]), 0);
  await first.shutdown();
  assert.ok(existsSync(join(dir, ".clean-shutdown")));
  const recovery = readFileSync(join(dir, "recovery-point-offset-checkpoint"), "utf8");
  assert.equal(recovery, "0\n1\nt 0 1\n");
  const second = openManager(dir);
  assert.equal(existsSync(join(dir, ".clean-shutdown")), false, "the marker speaks only for one run");
  assert.equal(second.getLog({ topic: "t", partition: 0 })?.logEndOffset, 1);
  await second.shutdown();
});

test("deleted logs are gone, and a deletion interrupted by a crash finishes at start", async (t) => {
  const dir = tempDir(t);
  const manager = openManager(dir);
  manager.getOrCreateLog({ topic: "gone", partition: 0 }).appendAsLeader(batchOf(["v"]), 0);
  assert.equal(await manager.deleteLog({ topic: "gone", partition: 0 }), true);
  assert.equal(existsSync(join(dir, "gone-0")), false);
  assert.equal(manager.getLog({ topic: "gone", partition: 0 }), undefined);
  mkdirSync(join(dir, "half-0.123-0-delete"));
  writeFileSync(join(dir, "half-0.123-0-delete", segmentFileName(0, ".log")), "x");
  mkdirSync(join(dir, "not a log"));
  await manager.shutdown();
  const again = openManager(dir);
  assert.equal(existsSync(join(dir, "half-0.123-0-delete")), false);
  assert.ok(existsSync(join(dir, "not a log")), "unknown directories are left alone, never deleted");
  assert.equal(again.logCount, 0);
  await again.shutdown();
});

test("a data directory held by another live process is refused", async (t) => {
  const dir = tempDir(t);
  const other = spawn("sleep", ["30"]);
  t.after(() => other.kill("SIGKILL"));
  await new Promise((resolve) => other.once("spawn", resolve));
  writeFileSync(join(dir, ".lock"), String(other.pid));
  assert.throws(
    () => openManager(dir),
    (e) => isTidelogError(e, "STORAGE_ERROR") && /in use by process/.test(e.message),
  );
  other.kill("SIGKILL");
  await new Promise((resolve) => other.once("exit", resolve));
  const manager = openManager(dir);
  await manager.shutdown();
});
