// Leader election rules the controller applies: clean election from the ISR only,
// epochs that only grow, offline when no ISR member is alive, and the first ISR member
// to return is elected. Preferred-leader election only moves to a live ISR member.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { nextIsrState } from "../../src/cluster/isr-writer.js";
import type { PartitionState } from "../../src/cluster/metadata-records.js";
import {
  electOnBrokerChange,
  electPreferred,
  electWithBrokerEpochs,
  initialPartitionState,
  restartedIsrMembers,
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

// A broker that cannot write its log directory (`storageFailed` in its registration) is
// alive but ineligible: it loses its leaderships to the rest of the ISR and leaves ISRs,
// unless nobody else in the ISR is alive, when it keeps (or takes) the leadership rather
// than leave the partition offline.
const failed = (...ids: number[]) => new Set(ids);
const all = new Set([1, 2, 3]);

test("a leader whose storage failed hands leadership to the next ISR member and leaves the ISR, epoch + 1", () => {
  assert.deepEqual(electOnBrokerChange(state(1, [1, 2, 3]), replicas, all, failed(1)), state(2, [2, 3], 5, 10));
  assert.deepEqual(
    electOnBrokerChange(state(1, [1, 3]), replicas, all, failed(1)),
    state(3, [3], 5, 10),
    "2 can write but is out of sync: never elected",
  );
});

test("a follower whose storage failed leaves the ISR; the leader and its epoch stay", () => {
  assert.deepEqual(electOnBrokerChange(state(1, [1, 2, 3]), replicas, all, failed(3)), state(1, [1, 2], 4, 10));
});

test("with no other live ISR member a leader whose storage failed stays, and dead followers still leave", () => {
  assert.equal(electOnBrokerChange(state(1, [1]), replicas, all, failed(1)), null);
  assert.equal(electOnBrokerChange(state(1, [1, 2]), replicas, all, failed(1, 2)), null, "every ISR member failed");
  assert.deepEqual(electOnBrokerChange(state(1, [1, 2]), replicas, new Set([1, 3]), failed(1)), state(1, [1], 4, 10));
});

test("a dead leader is replaced by a live ISR member whose storage failed rather than going offline", () => {
  assert.deepEqual(electOnBrokerChange(state(1, [1, 2]), replicas, new Set([2, 3]), failed(2)), state(2, [2], 5, 10));
  assert.deepEqual(
    electOnBrokerChange(state(1, [1, 2, 3]), replicas, new Set([2, 3]), failed(2)),
    state(3, [3], 5, 10),
    "but one that can write comes first",
  );
});

test("once the flag clears nothing changes: the broker rejoins through the leader's ISR expansion", () => {
  const after = electOnBrokerChange(state(1, [1, 2, 3]), replicas, all, failed(1)) as PartitionState;
  assert.equal(electOnBrokerChange(after, replicas, all, failed(1)), null, "no churn while failed");
  assert.equal(electOnBrokerChange(after, replicas, all), null, "no churn once writable");
});

test("a new partition is led by its first replica that can write; one that cannot is left out of the ISR", () => {
  assert.deepEqual(initialPartitionState("t", replicas, all, failed(1)), state(2, [2, 3], 0, 0));
  assert.deepEqual(initialPartitionState("t", replicas, all, failed(1, 2, 3)), state(1, [1, 2, 3], 0, 0));
});

test("preferred-leader election does not move leadership to a replica whose storage failed", () => {
  const decision = electPreferred(state(2, [1, 2]), replicas, all, failed(1));
  assert.equal(decision.kind, "not-available");
  assert.match(decision.kind === "not-available" ? decision.why : "", /cannot write/);
});

test("for any sequence of live and storage-failed brokers: epochs grow, the leader is in the ISR, and it can write whenever an ISR member that can is alive", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.subarray([1, 2, 3]), fc.subarray([1, 2, 3])), { minLength: 1, maxLength: 30 }),
      (steps) => {
        let s = initialPartitionState("t", replicas, all);
        for (const [aliveList, failedList] of steps) {
          const alive = new Set(aliveList);
          const bad = new Set(failedList);
          const next = electOnBrokerChange(s, replicas, alive, bad) ?? s;
          assert.ok(next.leaderEpoch >= s.leaderEpoch);
          if (next.leader !== -1) assert.ok(next.isr.includes(next.leader) && alive.has(next.leader));
          for (const b of next.isr) assert.ok(s.isr.includes(b), "the ISR never gains a member by election");
          const eligible = s.isr.filter((b) => alive.has(b) && !bad.has(b));
          if (eligible.length > 0) {
            assert.ok(eligible.includes(next.leader), `leader ${next.leader} of ${JSON.stringify(next)}`);
            assert.ok(
              next.isr.every((b) => !bad.has(b)),
              "a broker that cannot write leaves the ISR when another can lead",
            );
          }
          s = next;
        }
      },
    ),
  );
});

test("a leader that restarted since its election (new broker epoch) is not trusted with leadership", () => {
  const epochs = new Map([
    [1, 500], // broker 1 restarted: its registration's create revision moved on from 100
    [2, 200],
    [3, 300],
  ]);
  const alive = new Set([1, 2, 3]);
  const joined = { "1": 100, "2": 200, "3": 300 };
  const state = {
    topicId: "t",
    leader: 1,
    leaderEpoch: 4,
    isr: [1, 2, 3],
    partitionEpoch: 9,
    leaderBrokerEpoch: 100,
    isrBrokerEpochs: joined,
  };
  // Another in-sync replica takes over; the restarted one leaves the ISR until it catches up.
  assert.deepEqual(electWithBrokerEpochs(state, [1, 2, 3], alive, new Set(), epochs), {
    topicId: "t",
    leader: 2,
    leaderEpoch: 5,
    isr: [2, 3],
    partitionEpoch: 10,
    leaderBrokerEpoch: 200,
    isrBrokerEpochs: { "2": 200, "3": 300 },
  });
  // Alone in the ISR: it leads again, but in a new leader epoch, stamped with its new broker epoch.
  assert.deepEqual(
    electWithBrokerEpochs({ ...state, isr: [1], isrBrokerEpochs: { "1": 100 } }, [1, 2, 3], alive, new Set(), epochs),
    {
      topicId: "t",
      leader: 1,
      leaderEpoch: 5,
      isr: [1],
      partitionEpoch: 10,
      leaderBrokerEpoch: 500,
      isrBrokerEpochs: { "1": 500 },
    },
  );
  // The same incarnation as at its election: nothing to do.
  const current = { ...state, leaderBrokerEpoch: 500, isrBrokerEpochs: { ...joined, "1": 500 } };
  assert.equal(electWithBrokerEpochs(current, [1, 2, 3], alive, new Set(), epochs), null);
  // A state written before broker epochs were recorded gets its stamps, leader and epoch unchanged.
  const { leaderBrokerEpoch: _, isrBrokerEpochs: __, ...unstamped } = state;
  assert.deepEqual(electWithBrokerEpochs(unstamped, [1, 2, 3], alive, new Set(), epochs), {
    ...unstamped,
    partitionEpoch: 10,
    leaderBrokerEpoch: 500,
    isrBrokerEpochs: { "1": 500, "2": 200, "3": 300 },
  });
});

test("a follower that restarted since it joined the ISR leaves it, and is not elected while one that kept running can be (KIP-903)", () => {
  const alive = new Set([1, 2, 3]);
  // Broker 3 restarted (epoch 300 -> 700): it may have lost records it had acknowledged.
  const epochs = new Map([
    [1, 100],
    [2, 200],
    [3, 700],
  ]);
  const state = {
    topicId: "t",
    leader: 1,
    leaderEpoch: 4,
    isr: [1, 2, 3],
    partitionEpoch: 9,
    leaderBrokerEpoch: 100,
    isrBrokerEpochs: { "1": 100, "2": 200, "3": 300 },
  };
  assert.deepEqual([...restartedIsrMembers(state, epochs)], [3]);
  // Leader alive: the restarted follower leaves the ISR, the leadership stays.
  assert.deepEqual(electWithBrokerEpochs(state, [1, 2, 3], alive, new Set(), epochs), {
    ...state,
    isr: [1, 2],
    partitionEpoch: 10,
    isrBrokerEpochs: { "1": 100, "2": 200 },
  });
  // Leader dead, the restarted follower first in assignment order: the one that kept running leads.
  const leaderDead = new Set([2, 3]);
  assert.deepEqual(electWithBrokerEpochs(state, [3, 2, 1], leaderDead, new Set(), epochs), {
    topicId: "t",
    leader: 2,
    leaderEpoch: 5,
    isr: [2],
    partitionEpoch: 10,
    leaderBrokerEpoch: 200,
    isrBrokerEpochs: { "2": 200 },
  });
  // Leader dead and only restarted members left: one of them leads rather than go offline,
  // its new incarnation accepted (no loop of re-elections on later reconciliations).
  const onlyRestarted = { ...state, isr: [1, 3] };
  const last = electWithBrokerEpochs(onlyRestarted, [1, 2, 3], new Set([3]), new Set(), epochs);
  assert.deepEqual(last, {
    topicId: "t",
    leader: 3,
    leaderEpoch: 5,
    isr: [3],
    partitionEpoch: 10,
    leaderBrokerEpoch: 700,
    isrBrokerEpochs: { "3": 700 },
  });
  assert.equal(electWithBrokerEpochs(last as PartitionState, [1, 2, 3], new Set([3]), new Set(), epochs), null);
});

test("the leader's ISR change keeps the epochs of members that stay and records those of members that join", () => {
  const current = {
    topicId: "t",
    leader: 1,
    leaderEpoch: 4,
    isr: [1, 2],
    partitionEpoch: 9,
    leaderBrokerEpoch: 100,
    isrBrokerEpochs: { "1": 100, "2": 200 },
  };
  assert.deepEqual(nextIsrState(current, [1, 3], new Map([[3, 300]])), {
    ...current,
    isr: [1, 3],
    partitionEpoch: 10,
    isrBrokerEpochs: { "1": 100, "3": 300 },
  });
  // A joining follower whose epoch the leader does not know gets none; the controller stamps it.
  assert.deepEqual(nextIsrState(current, [1, 2, 3], new Map()).isrBrokerEpochs, { "1": 100, "2": 200 });
});
