import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { wire } from "@tidelog/client/protocol";
import { type FetchedReplica, FollowerFetchSession, LeaderFetchSession } from "../../src/replication/fetch-session.js";

function replica(topic: string, partition: number, leo: number, epoch = 3): FetchedReplica {
  return {
    key: `${topic}-${partition}`,
    tp: { topic, partition },
    leaderEpoch: epoch,
    log: { logEndOffset: leo, logStartOffset: 0, epochs: { latestEpoch: epoch } },
  };
}

/** One request as the leader decodes it (defaults filled in, as proto-loader does). */
function request(next: {
  incremental: boolean;
  changed: wire.ReplicaFetchPartition[];
}): wire.ReplicaFetchRequest__Output {
  return {
    replicaId: 2,
    brokerEpoch: 1,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 1 << 20,
    incremental: next.incremental,
    partitions: next.changed as wire.ReplicaFetchPartition__Output[],
  };
}

const offsets = (ps: readonly wire.ReplicaFetchPartition__Output[]) =>
  ps.map((p) => `${p.topic}-${p.partition}@${p.fetchOffset}`);

describe("fetch sessions on a replica-fetch stream", () => {
  it("sends every partition first, then only those whose fetch state moved, and the leader keeps the whole set", () => {
    const follower = new FollowerFetchSession();
    const leader = new LeaderFetchSession();
    const a = replica("t", 0, 10);
    const b = replica("t", 1, 20);
    const c = replica("u", 0, 0);
    const first = follower.next([a, b, c], 1024);
    assert.equal(first.incremental, false);
    assert.deepEqual(offsets(leader.update(request(first))), ["t-0@10", "t-1@20", "u-0@0"]);
    follower.answered({ keepsSessions: true });

    const idle = follower.next([a, b, c], 1024);
    assert.deepEqual({ incremental: idle.incremental, sent: idle.changed.length }, { incremental: true, sent: 0 });
    assert.deepEqual(offsets(leader.update(request(idle))), ["t-0@10", "t-1@20", "u-0@0"]);

    const moved = follower.next([a, replica("t", 1, 25), c], 1024);
    assert.equal(moved.incremental, true);
    assert.deepEqual(offsets(moved.changed as wire.ReplicaFetchPartition__Output[]), ["t-1@25"]);
    assert.deepEqual(offsets(leader.update(request(moved))), ["t-0@10", "t-1@25", "u-0@0"]);
  });

  it("resends a partition whose leader epoch or last fetched epoch changed at the same offset", () => {
    const follower = new FollowerFetchSession();
    follower.next([replica("t", 0, 10, 3)], 1024);
    follower.answered({ keepsSessions: true });
    const newEpoch = follower.next([replica("t", 0, 10, 4)], 1024);
    assert.equal(newEpoch.incremental, true);
    assert.equal(newEpoch.changed.length, 1);
    assert.equal(newEpoch.changed[0]!.currentLeaderEpoch, 4);
  });

  it("goes back to a full request when the set of partitions changes, and the leader forgets the dropped one", () => {
    const follower = new FollowerFetchSession();
    const leader = new LeaderFetchSession();
    const a = replica("t", 0, 10);
    const b = replica("t", 1, 20);
    leader.update(request(follower.next([a, b], 1024)));
    follower.answered({ keepsSessions: true });
    const parked = follower.next([a], 1024);
    assert.equal(parked.incremental, false);
    assert.deepEqual(offsets(leader.update(request(parked))), ["t-0@10"]);
    const back = follower.next([a, b], 1024);
    assert.equal(back.incremental, false);
    assert.deepEqual(offsets(leader.update(request(back))), ["t-0@10", "t-1@20"]);
    // Same size, another member: still a full request.
    const swapped = follower.next([a, replica("u", 0, 5)], 1024);
    assert.equal(swapped.incremental, false);
    assert.deepEqual(offsets(leader.update(request(swapped))), ["t-0@10", "u-0@5"]);
  });

  it("keeps sending full requests to a leader that has not said it keeps sessions (an older build)", () => {
    const follower = new FollowerFetchSession();
    const a = replica("t", 0, 10);
    const b = replica("t", 1, 20);
    follower.next([a, b], 1024);
    follower.answered({ keepsSessions: false });
    const again = follower.next([a, replica("t", 1, 21)], 1024);
    assert.equal(again.incremental, false);
    assert.deepEqual(offsets(again.changed as wire.ReplicaFetchPartition__Output[]), ["t-0@10", "t-1@21"]);
  });

  it("starts a new stream with a full request", () => {
    const a = replica("t", 0, 10);
    new FollowerFetchSession().next([a], 1024);
    assert.equal(new FollowerFetchSession().next([a], 1024).incremental, false);
  });
});
