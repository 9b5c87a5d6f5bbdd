// A crash at any step of a compaction swap loses nothing and leaves no debris: the log
// reopens either exactly as before the pass (crash before the commit point) or exactly as
// after it (crash after), whether the next start is clean or a full recovery.
//
// How: a pass runs with a hook at each swap step (PartitionLog.replaceSegments) that
// copies the log directory as it is on disk at that moment, which is what a crash
// then would leave. Each copy is reopened and compared with the log before and after the
// pass. One extra case crashes while the cleaned segment is still being written.
import assert from "node:assert/strict";
import { cpSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ManualClock } from "../../src/common/clock.js";
import type { SwapStep } from "../../src/storage/partition-log.js";
import { keyedBatch, openCompactedLog, readRecords, type StoredRecord } from "./compaction-fixtures.js";
import { tempDir } from "./fixtures.js";

const STEPS: readonly SwapStep[] = ["cleaned", "committed", "replaced-deleted", "swapped"];

function fillLog(dir: string) {
  const clock = new ManualClock(50_000);
  const c = openCompactedLog(dir, undefined, clock);
  for (let i = 0; i < 40; i++) {
    const key = `k${i % 5}`;
    c.log.appendAsLeader(keyedBatch([[key, i % 7 === 6 ? null : `${key}-${i}-${"x".repeat(40)}`]], 1000 + i), 0);
    if (i % 6 === 5) c.log.roll();
  }
  c.log.updateHighWatermark(c.log.logEndOffset);
  return c;
}

function debris(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith(".cleaned") || n.endsWith(".swap") || n.endsWith(".deleted"));
}

test("a crash at each step of a segment swap rolls back before the commit and forward after it", async (t) => {
  const root = tempDir(t);
  const c = fillLog(join(root, "live"));
  const before = readRecords(c.log);
  const snapshots: { step: SwapStep; group: number; dir: string }[] = [];
  let group = 0;
  const result = await c.clean((step) => {
    const dir = join(root, `crash-${group}-${step}`);
    cpSync(c.log.dir, dir, { recursive: true });
    snapshots.push({ step, group, dir });
    if (step === "swapped") group++;
  });
  assert.ok(result);
  assert.ok(group >= 2, `the pass swapped ${group} groups; the test wants several`);
  assert.deepEqual(
    snapshots.filter((s) => s.group === 0).map((s) => s.step),
    STEPS,
  );
  const after = readRecords(c.log);
  assert.ok(after.length < before.length);
  const firstGroupBase = c.log.segmentBaseOffsets[0];
  assert.equal(firstGroupBase, 0);

  for (const snap of snapshots) {
    for (const cleanShutdown of [false, true]) {
      const dir = join(root, `${snap.group}-${snap.step}-${cleanShutdown}`);
      cpSync(snap.dir, dir, { recursive: true });
      const reopened = openCompactedLog(dir, undefined, new ManualClock(50_000));
      // The crashed run's offsets: everything was committed by replication.
      reopened.log.updateHighWatermark(reopened.log.logEndOffset);
      if (cleanShutdown) await reopened.reopen({ clean: true });
      const got = readRecords(reopened.log);
      const label = `crash after group ${snap.group} step ${snap.step} (clean start ${cleanShutdown})`;
      assert.deepEqual(debris(dir), [], `${label}: no swap debris`);
      // Before the commit point this group's swap rolls back; after it, forward. Earlier
      // groups were swapped; later ones not yet.
      const swappedThisGroup = snap.step !== "cleaned";
      assertBetween(got, before, after, label);
      const expectedChanged = swappedThisGroup || snap.group > 0;
      assert.equal(got.length < before.length, expectedChanged, `${label}: changed ${got.length}/${before.length}`);
      // The reopened log takes appends and is consistent.
      reopened.log.appendAsLeader(keyedBatch([["new", "v"]], 9000), 0);
      assert.equal(readRecords(reopened.log).at(-1)?.key, "new");
      // A pass on the reopened log finishes the compaction.
      await reopened.clean();
      assert.deepEqual(
        readRecords(reopened.log).filter((r) => r.key !== "new"),
        after,
        `${label}: compaction completes`,
      );
    }
  }
});

test("debris of a pass that crashed while writing its cleaned segment is removed on open", async (t) => {
  const dir = tempDir(t);
  const c = fillLog(dir);
  const before = readRecords(c.log);
  // What a crash mid-write leaves: a partial cleaned log and index.
  writeFileSync(join(dir, `${"0".repeat(20)}.log.cleaned`), Buffer.from("partial batch bytes"));
  writeFileSync(join(dir, `${"0".repeat(20)}.index.cleaned`), Buffer.alloc(5));
  const reopened = await c.reopen();
  assert.deepEqual(readRecords(reopened), before);
  assert.deepEqual(debris(dir), []);
});

/**
 * Every record of `got` is in `before` at the same offset with the same content, and every
 * record of `after` (the fully compacted log) is in `got`: a crash may only leave the log
 * somewhere between the two, never lose a latest value or invent one.
 */
function assertBetween(got: StoredRecord[], before: StoredRecord[], after: StoredRecord[], label: string): void {
  const byOffset = new Map(before.map((r) => [r.offset, r]));
  for (const r of got) assert.deepEqual(byOffset.get(r.offset), r, `${label}: offset ${r.offset}`);
  const gotOffsets = new Set(got.map((r) => r.offset));
  for (const r of after) assert.ok(gotOffsets.has(r.offset), `${label}: latest record at ${r.offset} lost`);
  for (let i = 1; i < got.length; i++) assert.ok((got[i] as StoredRecord).offset > (got[i - 1] as StoredRecord).offset);
}
