// The tail's batch positions: a lookup finds what a header scan would, forgets batches
// that no longer follow one another, and keeps only the newest when it wraps.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RECENT_BATCHES, RecentBatches } from "../../src/storage/recent-batches.js";

test("find answers the first kept batch reaching an offset, and nothing before the oldest", () => {
  const recent = new RecentBatches();
  assert.equal(recent.find(0), null);
  recent.add(0, 100, 10, 14);
  recent.add(100, 50, 15, 15);
  recent.add(150, 70, 20, 29); // a gap in offsets, as compaction leaves
  assert.equal(recent.find(9), null, "before the oldest kept batch: unknown here");
  assert.deepEqual(recent.find(12), { position: 0, size: 100, baseOffset: 10, lastOffset: 14 });
  assert.deepEqual(recent.find(15), { position: 100, size: 50, baseOffset: 15, lastOffset: 15 });
  assert.deepEqual(recent.find(17), { position: 150, size: 70, baseOffset: 20, lastOffset: 29 });
  assert.equal(recent.find(30), null, "past the newest");
});

test("a batch that does not follow the last in the file or in offsets starts over", () => {
  const recent = new RecentBatches();
  recent.add(0, 100, 0, 9);
  recent.add(500, 100, 10, 19); // not at byte 100
  assert.equal(recent.find(5), null);
  assert.equal(recent.find(10)?.position, 500);
  recent.add(600, 100, 19, 25); // offsets overlap the last batch
  assert.equal(recent.find(10), null);
  assert.equal(recent.find(19)?.position, 600);
  recent.clear();
  assert.equal(recent.find(19), null);
});

test("past its size it keeps the newest batches", () => {
  const recent = new RecentBatches();
  const n = RECENT_BATCHES * 2 + 3;
  for (let i = 0; i < n; i++) recent.add(i * 10, 10, i * 2, i * 2 + 1);
  const oldestKept = n - RECENT_BATCHES;
  assert.equal(recent.find(oldestKept * 2 - 1), null);
  for (let i = oldestKept; i < n; i++) {
    assert.deepEqual(recent.find(i * 2 + 1), { position: i * 10, size: 10, baseOffset: i * 2, lastOffset: i * 2 + 1 });
  }
});
