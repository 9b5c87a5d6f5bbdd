// Leader election rules the controller applies: clean election from the ISR (and the
// ELR) only, epochs that only grow, offline when no trusted replica is alive, leader
// recovery of the most complete log after that. Preferred-leader election only moves
// to a live ISR member.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { nextIsrState } from "../../src/cluster/isr-writer.js";
import type { PartitionState } from "../../src/cluster/metadata-records.js";
import {
  decideLeadership,
  electPreferred,
  electRecovered,
  initialPartitionState,
  type LeadershipDecision,
  mostCompleteLog,
  restartedIsrMembers,
} from "../../src/cluster/partition-leader-election.js";

const NONE: ReadonlySet<number> = new Set();

/** The decision as a state to write (the offline one while recovering), or null for none. */
function written(d: LeadershipDecision): PartitionState | null {
  return d.kind === "unchanged" ? null : d.kind === "changed" ? d.state : d.offline;
}

/** decideLeadership over replicas [1, 2, 3] (or `order`), as the state it writes. */
function electOnBrokerChange(
  s: PartitionState,
  order: readonly number[],
  alive: ReadonlySet<number>,
  storageFailed: ReadonlySet<number> = NONE,
): PartitionState | null {
  return written(decideLeadership(s, { replicas: order, alive, storageFailed }));
}

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
  const decide = (s: PartitionState) => decideLeadership(s, { replicas, alive, brokerEpochs: epochs });
  // Another in-sync replica takes over; the restarted one leaves the ISR until it catches up.
  assert.deepEqual(decide(state), {
    kind: "changed",
    state: {
      topicId: "t",
      leader: 2,
      leaderEpoch: 5,
      isr: [2, 3],
      partitionEpoch: 10,
      leaderBrokerEpoch: 200,
      isrBrokerEpochs: { "2": 200, "3": 300 },
    },
  });
  // Alone in the ISR: leader recovery, offline meanwhile; as the lone candidate it leads
  // again in a new leader epoch, stamped with its new broker epoch.
  const alone = { ...state, isr: [1], isrBrokerEpochs: { "1": 100 } };
  const recovery = decide(alone);
  assert.equal(recovery.kind, "recover");
  assert.deepEqual(recovery.kind === "recover" && recovery.candidates, [1]);
  const offline = written(recovery) as PartitionState;
  assert.deepEqual({ leader: offline.leader, leaderEpoch: offline.leaderEpoch }, { leader: -1, leaderEpoch: 5 });
  assert.deepEqual(electRecovered(offline, 1, { replicas, alive, brokerEpochs: epochs }), {
    topicId: "t",
    leader: 1,
    leaderEpoch: 6,
    isr: [1],
    partitionEpoch: 11,
    leaderBrokerEpoch: 500,
    isrBrokerEpochs: { "1": 500 },
  });
  // The same incarnation as at its election: nothing to do.
  const current = { ...state, leaderBrokerEpoch: 500, isrBrokerEpochs: { ...joined, "1": 500 } };
  assert.deepEqual(decide(current), { kind: "unchanged" });
  // A state written before broker epochs were recorded gets its stamps, leader and epoch unchanged.
  const { leaderBrokerEpoch: _, isrBrokerEpochs: __, ...unstamped } = state;
  assert.deepEqual(written(decide(unstamped)), {
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
  const decide = (s: PartitionState, order: number[], live: ReadonlySet<number>) =>
    decideLeadership(s, { replicas: order, alive: live, brokerEpochs: epochs });
  assert.deepEqual([...restartedIsrMembers(state, epochs)], [3]);
  // Leader alive: the restarted follower leaves the ISR, the leadership stays.
  assert.deepEqual(written(decide(state, [1, 2, 3], alive)), {
    ...state,
    isr: [1, 2],
    partitionEpoch: 10,
    isrBrokerEpochs: { "1": 100, "2": 200 },
  });
  // Leader dead, the restarted follower first in assignment order: the one that kept running leads.
  assert.deepEqual(written(decide(state, [3, 2, 1], new Set([2, 3]))), {
    topicId: "t",
    leader: 2,
    leaderEpoch: 5,
    isr: [2],
    partitionEpoch: 10,
    leaderBrokerEpoch: 200,
    isrBrokerEpochs: { "2": 200 },
  });
  // Leader dead and only restarted members left: leader recovery waits for every candidate.
  const onlyRestarted = { ...state, isr: [1, 3] };
  const recovery = decide(onlyRestarted, [1, 2, 3], new Set([3]));
  assert.equal(recovery.kind, "recover");
  assert.deepEqual(recovery.kind === "recover" && recovery.candidates, [1, 3]);
});

/** Broker 1 leads with ISR {1, 2}, each with the broker epoch it joined under. */
const withEpochs: PartitionState = {
  topicId: "t",
  leader: 1,
  leaderEpoch: 4,
  isr: [1, 2],
  partitionEpoch: 9,
  leaderBrokerEpoch: 100,
  isrBrokerEpochs: { "1": 100, "2": 200 },
};

test("the leader's ISR change keeps the epochs of members that stay and records those of members that join", () => {
  const current = withEpochs;
  assert.deepEqual(nextIsrState(current, [1, 3], new Map([[3, 300]]), 1), {
    ...current,
    isr: [1, 3],
    partitionEpoch: 10,
    isrBrokerEpochs: { "1": 100, "3": 300 },
  });
  // A joining follower whose epoch the leader does not know gets none; the controller stamps it.
  assert.deepEqual(nextIsrState(current, [1, 2, 3], new Map(), 1).isrBrokerEpochs, { "1": 100, "2": 200 });
});

// KIP-966: members that leave an ISR smaller than min.insync.replicas keep every
// acknowledged record (so small an ISR acknowledges nothing) and stay eligible.

/** Broker 2 leads alone (ISR {2}, joined at epoch 200); broker 1 left it below min ISR (ELR, epoch 100). */
const ISR_2_ELR_1: PartitionState = {
  topicId: "t",
  leader: 2,
  leaderEpoch: 5,
  isr: [2],
  partitionEpoch: 10,
  leaderBrokerEpoch: 200,
  isrBrokerEpochs: { "2": 200 },
  elr: [1],
  elrBrokerEpochs: { "1": 100 },
};

test("members leaving an ISR below min.insync.replicas become eligible leader replicas; an ISR back at it clears them", () => {
  const epochs = new Map([[2, 200]]);
  const afterLeaderDied = written(
    decideLeadership(withEpochs, { replicas, alive: new Set([2]), brokerEpochs: epochs, minIsr: 2 }),
  ) as PartitionState;
  assert.deepEqual(afterLeaderDied, ISR_2_ELR_1);
  // The leader's own shrink below min ISR does the same; its expansion back clears the ELR.
  const shrunk = nextIsrState(withEpochs, [1], new Map(), 2);
  assert.deepEqual([shrunk.isr, shrunk.elr, shrunk.elrBrokerEpochs], [[1], [2], { "2": 200 }]);
  const back = nextIsrState(shrunk, [1, 3], new Map([[3, 300]]), 2);
  assert.deepEqual([back.isr, back.elr, back.elrBrokerEpochs], [[1, 3], undefined, undefined]);
  // A member rejoining the ISR leaves the ELR even while the ISR stays small.
  const rejoined = nextIsrState({ ...shrunk, elr: [2, 3] }, [1, 2], new Map(), 3);
  assert.deepEqual(rejoined.elr, [3]);
  // At or above min ISR nobody enters the ELR.
  assert.equal(nextIsrState(withEpochs, [1], new Map(), 1).elr, undefined);
});

test("with no ISR member alive, an eligible leader replica that kept running leads", () => {
  const s = ISR_2_ELR_1;
  assert.deepEqual(
    written(decideLeadership(s, { replicas, alive: new Set([1]), brokerEpochs: new Map([[1, 100]]), minIsr: 2 })),
    {
      topicId: "t",
      leader: 1,
      leaderEpoch: 6,
      isr: [1],
      partitionEpoch: 11,
      leaderBrokerEpoch: 100,
      isrBrokerEpochs: { "1": 100 },
      elr: [2],
      elrBrokerEpochs: { "2": 200 },
    },
  );
  // Restarted since it left the ISR: not trusted blindly; leader recovery asks both.
  const d = decideLeadership(s, { replicas, alive: new Set([1]), brokerEpochs: new Map([[1, 150]]), minIsr: 2 });
  assert.deepEqual(d.kind === "recover" && d.candidates, [2, 1]);
});

test("run 4's schedule: the last ISR member back with a torn tail loses to the eligible replica with the longer log", () => {
  // Both restarted (1 intact, 2 lost its tail).
  const s = ISR_2_ELR_1;
  const inputs = {
    replicas,
    alive: new Set([1, 2, 3]),
    brokerEpochs: new Map([
      [1, 150],
      [2, 250],
      [3, 300],
    ]),
    minIsr: 2,
  };
  const d = decideLeadership(s, inputs);
  assert.equal(d.kind, "recover");
  assert.deepEqual(d.kind === "recover" && d.candidates, [2, 1], "3 is in neither: it may lack acknowledged records");
  const offline = written(d) as PartitionState;
  const best = mostCompleteLog(
    [
      { brokerId: 2, lastEpoch: 4, logEndOffset: 29 },
      { brokerId: 1, lastEpoch: 4, logEndOffset: 30 },
    ],
    replicas,
  );
  assert.equal(best?.brokerId, 1);
  assert.deepEqual(electRecovered(offline, 1, inputs), {
    topicId: "t",
    leader: 1,
    leaderEpoch: 7,
    isr: [1],
    partitionEpoch: 12,
    leaderBrokerEpoch: 150,
    isrBrokerEpochs: { "1": 150 },
    elr: [2],
    elrBrokerEpochs: { "2": 200 },
  });
  assert.throws(() => electRecovered(offline, 3, inputs), /not one of/);
});

test("the most complete log: the latest last epoch, then the longest, then assignment order", () => {
  const log = (brokerId: number, lastEpoch: number, logEndOffset: number) => ({ brokerId, lastEpoch, logEndOffset });
  assert.equal(mostCompleteLog([log(1, 3, 100), log(2, 4, 10)], [1, 2, 3])?.brokerId, 2, "a later epoch wins");
  assert.equal(mostCompleteLog([log(1, 4, 9), log(2, 4, 10)], [1, 2, 3])?.brokerId, 2, "then the longer");
  assert.equal(mostCompleteLog([log(3, 4, 10), log(2, 4, 10)], [3, 2, 1])?.brokerId, 3, "then the preferred");
  assert.equal(mostCompleteLog([], [1, 2, 3]), null);
});

test("for any sequence of live, restarted and storage-failed brokers with min.insync.replicas 2: epochs grow, the leader is a trusted ISR member, ISR and ELR never overlap", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.subarray([1, 2, 3]), fc.subarray([1, 2, 3]), fc.subarray([1, 2, 3])), {
        minLength: 1,
        maxLength: 30,
      }),
      (steps) => {
        const epochs = new Map([
          [1, 100],
          [2, 200],
          [3, 300],
        ]);
        let s = initialPartitionState("t", replicas, all);
        for (const [aliveList, failedList, restartList] of steps) {
          for (const b of restartList) epochs.set(b, (epochs.get(b) ?? 0) + 1);
          const alive = new Set(aliveList);
          const live = new Map([...epochs].filter(([b]) => alive.has(b)));
          const inputs = { replicas, alive, storageFailed: new Set(failedList), brokerEpochs: live, minIsr: 2 };
          const d = decideLeadership(s, inputs);
          let next = written(d) ?? s;
          if (d.kind === "recover") {
            const present = d.candidates.filter((b) => alive.has(b));
            if (present.length > 0) next = electRecovered(next, present[0] as number, inputs);
          }
          assert.ok(next.leaderEpoch >= s.leaderEpoch);
          if (next.leader !== -1) assert.ok(next.isr.includes(next.leader) && alive.has(next.leader));
          assert.ok(!(next.elr ?? []).some((b) => next.isr.includes(b)), JSON.stringify(next));
          if (next.isr.length >= 2) assert.equal(next.elr, undefined);
          s = next;
        }
      },
    ),
  );
});
