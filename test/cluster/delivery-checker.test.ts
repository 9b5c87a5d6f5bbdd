// The checker itself: each kind of violation it exists to catch is caught, and a clean
// history passes. A checker that cannot fail proves nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeliveryChecker } from "./delivery-checker.js";

function history(build: (c: DeliveryChecker) => void) {
  const c = new DeliveryChecker();
  build(c);
  return c.check();
}

test("a clean history passes, unknown and failed sends may be missing", () => {
  const r = history((c) => {
    c.sending(0, "a");
    c.settled("a", { status: "acked", offset: 0 });
    c.sending(0, "b");
    c.settled("b", { status: "unknown" });
    c.sending(0, "c");
    c.settled("c", { status: "failed", code: "NOT_ENOUGH_REPLICAS" });
    c.read(0, 0, "a");
  });
  assert.deepEqual([r.sent, r.acked, r.unknown, r.failed, r.lost, r.duplicated], [3, 1, 1, 1, [], []]);
});

test("a lost acknowledged record, a duplicate, an offset conflict, a misplaced ack and disorder are all caught", () => {
  const r = history((c) => {
    c.sending(0, "lost");
    c.settled("lost", { status: "acked", offset: 5 });
    c.sending(0, "dup");
    c.settled("dup", { status: "acked", offset: 1 });
    c.read(0, 1, "dup");
    c.read(0, 2, "dup");
    c.read(0, 2, "other");
    c.sending(1, "moved");
    c.settled("moved", { status: "acked", offset: 7 });
    c.read(1, 9, "moved");
    c.read(1, 3, "late");
  });
  assert.deepEqual(r.lost, ["lost"]);
  assert.equal(r.duplicated.length, 1);
  assert.equal(r.offsetConflicts.length, 1);
  assert.equal(r.misplaced.length, 1);
  assert.equal(r.outOfOrder.length, 2, "offset 2 read twice in a row, and 3 after 9");
});
