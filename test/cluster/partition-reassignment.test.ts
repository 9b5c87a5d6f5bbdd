// The rules of moving a partition to new replicas (src/cluster/partition-reassignment.ts):
// a move completes only once every target replica is in the ISR, a removed leader hands
// over to a target replica in the same change, and a cancel that would leave no leader
// is refused.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { PartitionState } from "../../src/cluster/metadata-records.js";
import type { ElectionInputs } from "../../src/cluster/partition-leader-election.js";
import {
  addingReplicas,
  cancelReassignment,
  completeReassignment,
  removingReplicas,
  replicasDuring,
  targetProblem,
} from "../../src/cluster/partition-reassignment.js";

const move = { original: [1, 2, 3], target: [4, 2, 3] };
const epochs = new Map([
  [1, 11],
  [2, 12],
  [3, 13],
  [4, 14],
]);
const inputs = (overrides: Partial<ElectionInputs> = {}): ElectionInputs => ({
  replicas: replicasDuring(move),
  alive: new Set([1, 2, 3, 4]),
  brokerEpochs: epochs,
  minIsr: 2,
  ...overrides,
});
const state = (over: Partial<PartitionState> = {}): PartitionState => ({
  topicId: "t",
  leader: 1,
  leaderEpoch: 5,
  isr: [1, 2, 3],
  partitionEpoch: 9,
  leaderBrokerEpoch: 11,
  isrBrokerEpochs: { "1": 11, "2": 12, "3": 13 },
  ...over,
});

test("while moving, the replica list is the target first, then the replicas leaving", () => {
  assert.deepEqual(replicasDuring(move), [4, 2, 3, 1]);
  assert.deepEqual(addingReplicas(move), [4]);
  assert.deepEqual(removingReplicas(move), [1]);
});

test("a move waits until every target replica is in the ISR", () => {
  const step = completeReassignment(state(), move, inputs());
  assert.equal(step.kind, "wait");
  assert.match(step.kind === "wait" ? step.why : "", /4 not in the ISR/);
});

test("completing a move whose leader is removed hands leadership to a target replica in the same change", () => {
  const step = completeReassignment(
    state({ isr: [1, 2, 3, 4], isrBrokerEpochs: { "1": 11, "2": 12, "3": 13, "4": 14 } }),
    move,
    inputs(),
  );
  assert.equal(step.kind, "done");
  if (step.kind !== "done") return;
  assert.deepEqual(step.replicas, [4, 2, 3]);
  assert.equal(step.state.leader, 4, "the first target replica in sync leads");
  assert.equal(step.state.leaderEpoch, 6, "a new leader, a new epoch");
  assert.equal(step.state.partitionEpoch, 10);
  assert.deepEqual(step.state.isr, [2, 3, 4]);
  assert.deepEqual(step.state.isrBrokerEpochs, { "2": 12, "3": 13, "4": 14 }, "the removed replica's epoch goes too");
  assert.equal(step.state.leaderBrokerEpoch, 14);
});

test("completing a move whose leader stays keeps the leader epoch", () => {
  const step = completeReassignment(
    state({
      leader: 2,
      leaderBrokerEpoch: 12,
      isr: [1, 2, 3, 4],
      isrBrokerEpochs: { "1": 11, "2": 12, "3": 13, "4": 14 },
    }),
    move,
    inputs(),
  );
  assert.equal(step.kind, "done");
  if (step.kind !== "done") return;
  assert.equal(step.state.leader, 2);
  assert.equal(step.state.leaderEpoch, 5);
  assert.deepEqual(step.state.isr, [2, 3, 4]);
});

test("a removed leader waits for a target replica that is alive and did not restart", () => {
  const isr = { isr: [1, 2, 3, 4], isrBrokerEpochs: { "1": 11, "2": 12, "3": 13, "4": 14 } };
  const dead = completeReassignment(state(isr), move, inputs({ alive: new Set([1]) }));
  assert.equal(dead.kind, "wait");
  // Every target replica restarted since it joined the ISR: none is trusted with the log.
  const restarted = completeReassignment(
    state(isr),
    move,
    inputs({
      brokerEpochs: new Map([
        [1, 11],
        [2, 99],
        [3, 98],
        [4, 97],
      ]),
    }),
  );
  assert.equal(restarted.kind, "wait");
});

test("the ELR loses replicas leaving the partition", () => {
  const step = completeReassignment(
    state({
      leader: 2,
      leaderBrokerEpoch: 12,
      isr: [2, 3, 4],
      elr: [1],
      elrBrokerEpochs: { "1": 11 },
      isrBrokerEpochs: { "2": 12, "3": 13, "4": 14 },
    }),
    move,
    inputs({ minIsr: 4 }),
  );
  assert.equal(step.kind, "done");
  if (step.kind !== "done") return;
  assert.equal(step.state.elr, undefined);
  assert.equal(step.state.elrBrokerEpochs, undefined);
});

test("cancelling goes back to the original replicas, moving leadership off an added one", () => {
  const step = cancelReassignment(
    state({ leader: 4, leaderBrokerEpoch: 14, isr: [1, 2, 4], isrBrokerEpochs: { "1": 11, "2": 12, "4": 14 } }),
    move,
    inputs(),
  );
  assert.equal(step.kind, "done");
  if (step.kind !== "done") return;
  assert.deepEqual(step.replicas, [1, 2, 3]);
  assert.equal(step.state.leader, 1);
  assert.deepEqual(step.state.isr, [1, 2]);
});

test("cancelling is refused when no original replica is in sync to lead", () => {
  const step = cancelReassignment(state({ leader: 4, leaderBrokerEpoch: 14, isr: [4] }), move, inputs());
  assert.equal(step.kind, "refused");
  assert.match(step.kind === "refused" ? step.why : "", /let the reassignment finish/);
});

test("a target must be distinct registered brokers, at least min.insync.replicas of them", () => {
  const registered = new Set([1, 2, 3, 4]);
  assert.equal(targetProblem([4, 2, 3], registered, 2), null);
  assert.match(targetProblem([], registered, 1) ?? "", /empty/);
  assert.match(targetProblem([2, 2], registered, 1) ?? "", /twice/);
  assert.match(targetProblem([7, 2], registered, 1) ?? "", /7 are not registered/);
  assert.match(targetProblem([2], registered, 2) ?? "", /fewer than the topic's min.insync.replicas/);
  assert.match(targetProblem([-1], registered, 1) ?? "", /non-negative integers/);
});
