// The offset and time indexes: lookups return the right floor entry, truncation drops
// exactly the entries at or past the cut, and the sanity check rejects garbage that a
// crash can leave in an index file.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { OffsetIndex } from "../../src/storage/offset-index.js";
import { TimeIndex } from "../../src/storage/time-index.js";
import { tempDir } from "./fixtures.js";

test("offset index lookup returns the last entry at or before the target", (t) => {
  const index = new OffsetIndex(join(tempDir(t), "0.index"), 1000, 1024);
  index.reset();
  assert.deepEqual(index.lookup(1005), { offset: 1000, position: 0 });
  index.append(1010, 400);
  index.append(1020, 800);
  index.append(1030, 1200);
  assert.deepEqual(index.lookup(1009), { offset: 1000, position: 0 });
  assert.deepEqual(index.lookup(1010), { offset: 1010, position: 400 });
  assert.deepEqual(index.lookup(1029), { offset: 1020, position: 800 });
  assert.deepEqual(index.lookup(99999), { offset: 1030, position: 1200 });
});

test("offset index survives flush and load, and truncation cuts at the offset", (t) => {
  const path = join(tempDir(t), "0.index");
  const index = new OffsetIndex(path, 0, 1024);
  index.reset();
  for (let i = 1; i <= 10; i++) index.append(i * 10, i * 100);
  index.flush();
  const loaded = new OffsetIndex(path, 0, 1024);
  loaded.load();
  assert.equal(loaded.entries, 10);
  assert.ok(loaded.sanityCheck(2000));
  loaded.truncateTo(55);
  assert.equal(loaded.entries, 5);
  assert.deepEqual(loaded.lookup(1000), { offset: 50, position: 500 });
  const reloaded = new OffsetIndex(path, 0, 1024);
  reloaded.load();
  assert.equal(reloaded.entries, 5, "truncation reached the file");
});

test("offset index sanity check rejects non-increasing entries and positions past the log", (t) => {
  const path = join(tempDir(t), "0.index");
  const entries = Buffer.alloc(24);
  entries.writeUInt32BE(5, 0);
  entries.writeUInt32BE(100, 4);
  entries.writeUInt32BE(5, 8); // repeated relative offset
  entries.writeUInt32BE(200, 12);
  writeFileSync(path, entries.subarray(0, 16));
  const index = new OffsetIndex(path, 0, 1024);
  index.load();
  assert.equal(index.sanityCheck(10_000), false);
  entries.writeUInt32BE(6, 8);
  writeFileSync(path, entries.subarray(0, 16));
  index.load();
  assert.equal(index.sanityCheck(10_000), true);
  assert.equal(index.sanityCheck(150), false, "position 200 lies past a 150-byte log");
});

test("a torn index file is cut back to whole entries", (t) => {
  const path = join(tempDir(t), "0.index");
  writeFileSync(path, Buffer.alloc(8 * 3 + 5));
  const index = new OffsetIndex(path, 0, 1024);
  index.load();
  assert.equal(index.entries, 3);
});

test("time index keeps only growing timestamps and finds a scan start below the target", (t) => {
  const index = new TimeIndex(join(tempDir(t), "0.timeindex"), 100, 1200);
  index.reset();
  index.maybeAppend(5000, 110);
  index.maybeAppend(4000, 120); // not larger: skipped
  index.maybeAppend(6000, 130);
  assert.equal(index.entries, 2);
  assert.equal(index.lookup(4999), 100);
  assert.equal(index.lookup(5000), 100, "an entry equal to the target is not below it");
  assert.equal(index.lookup(5001), 110);
  assert.equal(index.lookup(10_000), 130);
  index.truncateTo(130);
  assert.deepEqual(index.lastEntry, { timestamp: 5000, offset: 110 });
  assert.ok(index.sanityCheck(200));
  assert.equal(index.sanityCheck(105), false, "entry offset past the segment end");
});
