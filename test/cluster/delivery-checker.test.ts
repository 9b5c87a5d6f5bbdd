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

// The durability rule (no acks=all acknowledgement while fewer than min.insync.replicas
// replicas could have held the record), on histories built with a fake clock: replicas
// 1, 2, 3, min.insync.replicas 2, leader observations every 50 ms with a 100 ms margin.
function timed(build: (c: DeliveryChecker, at: (ms: number) => void) => void) {
  let now = 0;
  const c = new DeliveryChecker({ clock: () => now, minInsyncReplicas: 2, leaderMarginMs: 100 });
  c.replicas(0, [1, 2, 3]);
  build(c, (ms) => {
    if (ms < now) throw new Error(`the fake clock goes forward only (${now} -> ${ms})`);
    now = ms;
  });
  return c.check();
}

/** Observations of partition 0 every 50 ms over [fromMs, toMs], with `leader` and `epoch`. */
function observe(
  c: DeliveryChecker,
  at: (ms: number) => void,
  fromMs: number,
  toMs: number,
  leader: number,
  epoch = 1,
) {
  for (let ms = fromMs; ms <= toMs; ms += 50) {
    at(ms);
    c.leaderSeen(0, leader, epoch);
  }
}

function send(c: DeliveryChecker, at: (ms: number) => void, value: string, sentMs: number, ackedMs: number) {
  at(sentMs);
  c.sending(0, value);
  at(ackedMs);
  c.settled(value, { status: "acked", offset: 0 });
}

test("durability: a follower frozen or cut off leaves the leader and one replica, which is enough", () => {
  const r = timed((c, at) => {
    observe(c, at, 0, 200, 1);
    const frozen = c.isolate({ broker: 2, from: "all", why: "frozen" });
    const cut = c.isolate({ broker: 3, from: [2], why: "cut off from 2" });
    send(c, at, "a", 300, 400);
    frozen.end();
    cut.end();
    observe(c, at, 450, 700, 1);
  });
  assert.deepEqual([r.durabilityChecked, r.underReplicatedAckCount, r.underReplicatedAcks], [1, 0, []]);
});

test("durability, negative control: an acknowledgement while the leader was cut off from both followers is caught", () => {
  const r = timed((c, at) => {
    observe(c, at, 0, 200, 1);
    send(c, at, "before", 220, 240); // sent and acknowledged before the cut
    at(250);
    c.sending(0, "straddles"); // sent before the cut: the followers could have fetched it
    at(300);
    const toLeader2 = c.isolate({ broker: 2, from: [1], why: "cut off from 1" });
    const toLeader3 = c.isolate({ broker: 3, from: [1], why: "cut off from 1" });
    const fromFollowers = c.isolate({ broker: 1, from: [2, 3], why: "cut off from 2, 3" });
    send(c, at, "during", 310, 2_500); // sent and acknowledged inside the cut: only the leader had it
    c.settled("straddles", { status: "acked", offset: 1 });
    at(2_600);
    for (const w of [toLeader2, toLeader3, fromFollowers]) w.end();
    send(c, at, "after", 2_650, 2_700);
    observe(c, at, 2_750, 3_000, 1);
  });
  assert.equal(r.durabilityChecked, 4);
  assert.equal(r.underReplicatedAckCount, 1, r.underReplicatedAcks.join("\n"));
  assert.match(r.underReplicatedAcks[0]!, /partition 0 during: .*could hold it: 1 of 1,2,3.*broker 2 cut off from 1/);
});

test("durability: the holders follow the leaders observed, and a dead leader holds nothing", () => {
  // Leader 1 killed at 1,000; 2 elected (epoch 2) while 3 is frozen: 2 acknowledges alone.
  const r = timed((c, at) => {
    observe(c, at, 0, 950, 1);
    at(1_000);
    const killed = c.isolate({ broker: 1, from: "all", why: "killed" });
    const frozen = c.isolate({ broker: 3, from: "all", why: "frozen" });
    observe(c, at, 1_050, 1_050, 2, 2);
    send(c, at, "alone", 1_060, 1_120); // the observations around it name leaders 1 and 2
    observe(c, at, 1_150, 2_000, 2, 2);
    killed.end();
    frozen.end();
  });
  assert.equal(r.underReplicatedAckCount, 1, r.underReplicatedAcks.join("\n"));
  assert.match(r.underReplicatedAcks[0]!, /alone: .*leader\(s\) 1,2; could hold it: 2 of 1,2,3/);
});

test("durability: when the observations cannot name the leaders, every replica may have led (no false alarm)", () => {
  const r = timed((c, at) => {
    observe(c, at, 0, 200, 1);
    const cut = [
      c.isolate({ broker: 2, from: [1], why: "cut off from 1" }),
      c.isolate({ broker: 3, from: [1], why: "cut off from 1" }),
    ];
    send(c, at, "epoch-skip", 300, 400); // epochs 1 -> 3 around it: a leader may have been missed
    observe(c, at, 450, 700, 3, 3);
    send(c, at, "unobserved-end", 800, 900); // no observation a margin after the ack
    for (const w of cut) w.end();
  });
  assert.deepEqual([r.durabilityChecked, r.underReplicatedAckCount], [2, 0]);
});

test("durability: off without min.insync.replicas, and partitions without replicas are not judged", () => {
  const c = new DeliveryChecker();
  c.replicas(0, [1, 2, 3]);
  c.isolate({ broker: 2, from: "all", why: "frozen" });
  c.isolate({ broker: 3, from: "all", why: "frozen" });
  c.sending(0, "a");
  c.settled("a", { status: "acked", offset: 0 });
  assert.deepEqual([c.check().durabilityChecked, c.check().underReplicatedAckCount], [0, 0]);
  const r = timed((c2, at) => {
    at(10);
    c2.sending(1, "elsewhere");
    c2.settled("elsewhere", { status: "acked", offset: 0 });
  });
  assert.equal(r.durabilityChecked, 0);
});
