// Crash recovery: for many random cut points and corrupted bytes in the active segment
// (and its index), reopening the log after an unclean stop recovers exactly the valid
// prefix: every batch wholly before the damage, nothing after it, and the log accepts
// appends again at the recovered log end offset.
//
// How: build a log from random batches, remember where each batch of the active segment
// sits, stop without closing, damage the files, reopen with a recovery point at or
// below the active segment, and compare with the model.
//
// Known blind spot, shared with Kafka: bytes 12-15 of a batch (partitionLeaderEpoch)
// are outside the CRC, so damage there is not detected; the test leaves them alone.
import assert from "node:assert/strict";
import { appendFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { isTidelogError } from "@tidelog/client/record";
import fc from "fast-check";
import { segmentFileName } from "../../src/storage/log-segment.js";
import { SimDisk } from "../sim/sim-disk.js";
import { batchOf, openLog, readAll, smallConfig, tempDir } from "./fixtures.js";

interface Written {
  values: string[];
  baseOffset: number;
  size: number;
}

const batchesArb = fc.array(fc.array(fc.string({ minLength: 0, maxLength: 120 }), { minLength: 1, maxLength: 6 }), {
  minLength: 2,
  maxLength: 30,
});

type Damage =
  | { kind: "cut"; at: number }
  | { kind: "flip"; at: number; xor: number }
  | { kind: "header"; batch: number; byte: number; xor: number }
  | { kind: "garbage"; bytes: number[] }
  | { kind: "index"; at: number; xor: number };

const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant("cut" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant("flip" as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({
    kind: fc.constant("header" as const),
    batch: fc.double({ min: 0, max: 1, noNaN: true }),
    byte: fc.integer({ min: 0, max: 60 }).filter((b) => b < 12 || b >= 16),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({
    kind: fc.constant("garbage" as const),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 200 }),
  }),
  fc.record({
    kind: fc.constant("index" as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
);

function damageAndExpect(dir: string, active: Written[], activeBase: number, damage: Damage): number {
  const logPath = join(dir, segmentFileName(activeBase, ".log"));
  const size = statSync(logPath).size;
  // Returns how many of the active segment's batches must survive.
  const survivorsBefore = (position: number) => {
    let pos = 0;
    let n = 0;
    for (const b of active) {
      if (pos + b.size > position) break;
      pos += b.size;
      n++;
    }
    return n;
  };
  switch (damage.kind) {
    case "cut": {
      const at = Math.floor(damage.at * size);
      truncateSync(logPath, at);
      return survivorsBefore(at);
    }
    case "flip": {
      const data = readFileSync(logPath);
      let at = Math.min(Math.floor(damage.at * size), size - 1);
      // Find the batch holding `at`; skip its unchecksummed leader-epoch bytes.
      let start = 0;
      let holding = 0;
      for (const b of active) {
        if (at < start + b.size) break;
        start += b.size;
        holding++;
      }
      if (at - start >= 12 && at - start < 16) at = start + 16;
      data[at] = (data[at] as number) ^ damage.xor;
      writeFileSync(logPath, data);
      return holding;
    }
    case "header": {
      // The header holds the fields outside the CRC (base offset, length): the likeliest
      // place for damage to slip through, so it gets its own share of the runs.
      const holding = Math.min(Math.floor(damage.batch * active.length), active.length - 1);
      const start = active.slice(0, holding).reduce((n, b) => n + b.size, 0);
      const data = readFileSync(logPath);
      data[start + damage.byte] = (data[start + damage.byte] as number) ^ damage.xor;
      writeFileSync(logPath, data);
      return holding;
    }
    case "garbage":
      appendFileSync(logPath, Buffer.from(damage.bytes));
      return active.length;
    case "index": {
      const indexPath = join(dir, segmentFileName(activeBase, ".index"));
      const data = readFileSync(indexPath);
      if (data.length === 0) {
        writeFileSync(indexPath, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
      } else {
        const at = Math.min(Math.floor(damage.at * data.length), data.length - 1);
        data[at] = (data[at] as number) ^ damage.xor;
        writeFileSync(indexPath, data);
      }
      return active.length;
    }
  }
}

test("reopening after damage to the active segment recovers exactly the valid prefix", (t) => {
  const root = tempDir(t);
  let run = 0;
  fc.assert(
    fc.property(batchesArb, damageArb, fc.boolean(), (batches, damage, scanAll) => {
      const dir = join(root, `run-${run++}`);
      const opened = openLog(dir, smallConfig({ segmentBytes: 2048, indexIntervalBytes: 64 }));
      const written: Written[] = [];
      for (const values of batches) {
        const data = batchOf(values);
        const info = opened.log.appendAsLeader(data, 1);
        written.push({ values, baseOffset: info.firstOffset, size: data.length });
      }
      const bases = opened.log.segmentBaseOffsets;
      const activeBase = bases[bases.length - 1] as number;
      const active = written.filter((w) => w.baseOffset >= activeBase);
      const closed = written.filter((w) => w.baseOffset < activeBase);
      opened.log.updateHighWatermark(opened.log.logEndOffset);
      // Unclean stop: flush index entries as a crash might have, but do not close.
      opened.files.closeAll();
      const survivors = damageAndExpect(dir, active, activeBase, damage);
      const log = opened.reopen({ recoveryPoint: scanAll ? 0 : activeBase });
      const expected = [...closed, ...active.slice(0, survivors)].flatMap((w) => w.values);
      assert.deepEqual(
        readAll(log).map((r) => r.value),
        expected,
        `damage ${JSON.stringify(damage)}`,
      );
      const leo =
        survivors === 0
          ? activeBase
          : (active[survivors - 1] as Written).baseOffset + (active[survivors - 1] as Written).values.length;
      assert.equal(log.logEndOffset, leo);
      assert.ok(log.highWatermark <= log.logEndOffset);
      assert.equal(
        log.appendAsLeader(batchOf(["after-recovery"]), 2).firstOffset,
        leo,
        "appends resume at the new end",
      );
      opened.files.closeAll();
    }),
    { numRuns: 300 },
  );
});

test("a log whose every byte is garbage opens empty instead of refusing to start", (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, segmentFileName(0, ".log")), Buffer.alloc(5000, 0xab));
  writeFileSync(join(dir, segmentFileName(0, ".index")), Buffer.alloc(77, 0xcd));
  const { log } = openLog(dir);
  assert.equal(log.logEndOffset, 0);
  assert.equal(statSync(join(dir, segmentFileName(0, ".log"))).size, 0);
  assert.equal(log.appendAsLeader(batchOf(["fresh"]), 0).firstOffset, 0);
});

test("damage in an early segment removes it and every later segment, keeping the prefix", (t) => {
  const dir = tempDir(t);
  const opened = openLog(dir, smallConfig({ segmentBytes: 1024 }));
  for (let i = 0; i < 30; i++) opened.log.appendAsLeader(batchOf([`v${i}-${"z".repeat(60)}`]), 0);
  const bases = opened.log.segmentBaseOffsets;
  assert.ok(bases.length >= 3);
  const second = bases[1] as number;
  opened.files.closeAll();
  const path = join(dir, segmentFileName(second, ".log"));
  const data = readFileSync(path);
  data[40] = (data[40] as number) ^ 0xff; // inside the first batch's CRC range
  writeFileSync(path, data);
  const log = opened.reopen({ recoveryPoint: 0 });
  assert.equal(log.logEndOffset, second);
  assert.deepEqual(log.segmentBaseOffsets, [bases[0], second]);
  assert.equal(readAll(log).length, second);
});

test("after an unclean stop the recovery point stays at the checkpoint until a flush syncs what recovery validated", async (t) => {
  // Validated is not on disk: after kill -9 the bytes past the recovery point may be only
  // in the page cache. Had the recovery point moved to the log end on opening, the next
  // checkpoint would have recorded them as fsynced, a power cut could then tear them, and
  // the start after it would not scan them (the simulation's power cuts lost a record so).
  const dir = tempDir(t);
  const opened = openLog(dir, smallConfig({ segmentBytes: 1024 }));
  for (let i = 0; i < 20; i++) opened.log.appendAsLeader(batchOf([`v${i}`.padEnd(100, ".")]), 1);
  assert.ok(opened.log.segmentBaseOffsets.length > 2, "several segments");
  const disk = SimDisk.install(dir);
  t.after(() => disk.uninstall());
  const log = opened.reopen({ recoveryPoint: 5 });
  assert.equal(log.logEndOffset, 20, "every batch was valid and is kept");
  assert.equal(log.recoveryPoint, 5, "not moved past what the checkpoint said was fsynced");
  await log.flush();
  assert.equal(log.recoveryPoint, 20, "a flush moves it");
  const segments = readdirSync(dir).filter((f) => f.endsWith(".log"));
  for (const f of segments.slice(1)) {
    const path = join(dir, f);
    assert.equal(disk.syncedLength(path), statSync(path).size, `${f}, validated by recovery, was fsynced by the flush`);
  }
  const clean = opened.reopen({ cleanShutdown: true });
  assert.equal(clean.recoveryPoint, 20, "after a clean stop everything was fsynced");
  opened.files.closeAll();
});

test("bytes lost below the recovery point (a disk that lied about fsync) are read as CORRUPT_MESSAGE, not a crash", async (t) => {
  // Only the segment holding the recovery point is scanned on opening; older ones are
  // trusted. Zeroed bytes in one of those must fail a read with a typed error.
  const dir = tempDir(t);
  const opened = openLog(dir, smallConfig({ segmentBytes: 1024 }));
  for (let i = 0; i < 20; i++) opened.log.appendAsLeader(batchOf([`v${i}`.padEnd(100, ".")]), 1);
  await opened.log.flush();
  assert.ok(opened.log.segmentBaseOffsets.length > 2, "several segments");
  const third = opened.log.read(2, { maxBytes: 1 << 20, upperOffset: 20 });
  const path = join(dir, segmentFileName(0, ".log"));
  const bytes = readFileSync(path);
  const at = bytes.indexOf(third.records.subarray(0, 61));
  writeFileSync(path, Buffer.concat([bytes.subarray(0, at), Buffer.alloc(bytes.length - at)]));
  const log = opened.reopen({ recoveryPoint: 20 });
  log.updateHighWatermark(20);
  assert.throws(
    () => log.read(0, { maxBytes: 1 << 20, upperOffset: 20 }),
    (e: unknown) => isTidelogError(e, "CORRUPT_MESSAGE") && /damaged/.test((e as Error).message),
  );
  opened.files.closeAll();
});
