// Leader election rules the controller applies: clean election from the ISR only,
// epochs that only grow, offline when no ISR member is alive, and the first ISR member
// to return is elected. Preferred-leader election only moves to a live ISR member.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { PartitionState } from "../../src/cluster/metadata-records.js";
import {
  electOnBrokerChange,
  electPreferred,
  initialPartitionState,
} from "../../src/cluster/partition-leader-election.js";

const replicas = [1, 2, 3];
const state = (leader: number, isr: number[], leaderEpoch = 4, partitionEpoch = 9): PartitionState => ({
  topicId: "t",
  leader,
  isr,
  leaderEpoch,
  partitionEpoch,
});

test("a new partition is led by its first replica with every replica in sync", () => {
  assert.deepEqual(initialPartitionState("t", replicas, new Set([1, 2, 3])), state(1, [1, 2, 3], 0, 0));
});

test("nothing changes while the leader and ISR are alive", () => {
  assert.equal(electOnBrokerChange(state(1, [1, 2, 3]), replicas, new Set([1, 2, 3])), null);
});

test("a dead follower leaves the ISR; the leader and its epoch stay", () => {
  assert.deepEqual(electOnBrokerChange(state(1, [1, 2, 3]), replicas, new Set([1, 2])), state(1, [1, 2], 4, 10));
});

test("a dead leader is replaced by the next live ISR member, epoch + 1", () => {
  assert.deepEqual(electOnBrokerChange(state(1, [1, 2, 3]), replicas, new Set([2, 3])), state(2, [2, 3], 5, 10));
  assert.deepEqual(
    electOnBrokerChange(state(1, [1, 3]), replicas, new Set([2, 3])),
    state(3, [3], 5, 10),
    "2 is alive but out of sync",
  );
});

test("no live ISR member: offline, ISR kept; the first ISR member back is elected", () => {
  const offline = electOnBrokerChange(state(1, [1]), replicas, new Set([2, 3]));
  assert.deepEqual(offline, state(-1, [1], 5, 10));
  assert.equal(
    electOnBrokerChange(offline as PartitionState, replicas, new Set([2, 3])),
    null,
    "stays offline, no churn",
  );
  assert.deepEqual(electOnBrokerChange(offline as PartitionState, replicas, new Set([1, 2])), state(1, [1], 6, 11));
});

test("for any sequence of broker changes, epochs never decrease and the leader is in the ISR", () => {
  fc.assert(
    fc.property(fc.array(fc.subarray([1, 2, 3]), { minLength: 1, maxLength: 30 }), (aliveSets) => {
      let s = initialPartitionState("t", replicas, new Set(replicas));
      for (const aliveList of aliveSets) {
        const next = electOnBrokerChange(s, replicas, new Set(aliveList));
        if (!next) continue;
        assert.ok(next.leaderEpoch >= s.leaderEpoch && next.partitionEpoch > s.partitionEpoch);
        if (next.leader !== -1) assert.ok(next.isr.includes(next.leader) && aliveList.includes(next.leader));
        for (const b of next.isr) assert.ok(s.isr.includes(b), "the ISR never gains a member by election");
        s = next;
      }
    }),
  );
});

test("preferred-leader election needs the preferred replica alive and in sync", () => {
  assert.deepEqual(electPreferred(state(2, [1, 2]), replicas, new Set([1, 2])), {
    kind: "elected",
    state: state(1, [1, 2], 5, 10),
  });
  assert.deepEqual(electPreferred(state(1, [1, 2]), replicas, new Set([1, 2])), { kind: "not-needed" });
  assert.equal(electPreferred(state(2, [2, 3]), replicas, new Set([1, 2, 3])).kind, "not-available");
  assert.equal(electPreferred(state(2, [1, 2]), replicas, new Set([2])).kind, "not-available");
});
