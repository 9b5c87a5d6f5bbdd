import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { wire } from "@tidelog/client/protocol";
import { type FetchedReplica, FollowerFetchSession, LeaderFetchSession } from "../../src/replication/fetch-session.js";
import { type FollowerFetchResult, NO_DIVERGENCE } from "../../src/replication/follower-fetch.js";

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

/**
 * Applies a request to the leader's session, then reads every partition as
 * follower-fetch.ts would (nothing settles without a Partition): the whole set, and the
 * partitions this request listed (those the leader must record in full).
 */
function serve(leader: LeaderFetchSession, req: wire.ReplicaFetchRequest__Output) {
  leader.update(req);
  const all = offsets(leader.partitions.map((e) => e.request as wire.ReplicaFetchPartition__Output));
  const listed = all.filter((_, i) => leader.partitions[i]?.listed);
  for (const e of leader.partitions) e.noteRead(false);
  return { all, listed };
}

describe("fetch sessions on a replica-fetch stream", () => {
  it("sends every partition first, then only those whose fetch state moved; the leader keeps the whole set and knows which moved", () => {
    const follower = new FollowerFetchSession();
    const leader = new LeaderFetchSession();
    const a = replica("t", 0, 10);
    const b = replica("t", 1, 20);
    const c = replica("u", 0, 0);
    const first = follower.next([a, b, c], 1024);
    assert.equal(first.incremental, false);
    const all = ["t-0@10", "t-1@20", "u-0@0"];
    assert.deepEqual(serve(leader, request(first)), { all, listed: all });
    follower.answered({ keepsSessions: true });

    const idle = follower.next([a, b, c], 1024);
    assert.deepEqual({ incremental: idle.incremental, sent: idle.changed.length }, { incremental: true, sent: 0 });
    assert.deepEqual(serve(leader, request(idle)), { all, listed: [] });

    const moved = follower.next([a, replica("t", 1, 25), c], 1024);
    assert.equal(moved.incremental, true);
    assert.deepEqual(offsets(moved.changed as wire.ReplicaFetchPartition__Output[]), ["t-1@25"]);
    assert.deepEqual(serve(leader, request(moved)), { all: ["t-0@10", "t-1@25", "u-0@0"], listed: ["t-1@25"] });
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
    serve(leader, request(follower.next([a, b], 1024)));
    follower.answered({ keepsSessions: true });
    const parked = follower.next([a], 1024);
    assert.equal(parked.incremental, false);
    assert.deepEqual(serve(leader, request(parked)).all, ["t-0@10"]);
    const back = follower.next([a, b], 1024);
    assert.equal(back.incremental, false);
    assert.deepEqual(serve(leader, request(back)), { all: ["t-0@10", "t-1@20"], listed: ["t-0@10", "t-1@20"] });
    // Same size, another member: still a full request.
    const swapped = follower.next([a, replica("u", 0, 5)], 1024);
    assert.equal(swapped.incremental, false);
    assert.deepEqual(serve(leader, request(swapped)).all, ["t-0@10", "u-0@5"]);
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

  it("leaves out of an answer what the leader last sent, for as long as the follower keeps the partition", () => {
    const follower = new FollowerFetchSession();
    const leader = new LeaderFetchSession();
    const a = replica("t", 0, 10);
    const b = replica("t", 1, 20);
    leader.update(request(follower.next([a], 1024)));
    const entry = leader.partitions[0];
    assert.ok(entry);
    const quiet: FollowerFetchResult = {
      topic: "t",
      partition: 0,
      highWatermark: 10,
      logStartOffset: 0,
      error: { code: 0, message: "" },
      records: Buffer.alloc(0),
      divergingEpoch: NO_DIVERGENCE,
    };
    assert.equal(entry.worthSending(quiet), true, "never sent");
    assert.equal(entry.worthSending({ ...quiet }), false, "the same again");
    assert.equal(entry.worthSending({ ...quiet, highWatermark: 11 }), true);
    assert.equal(entry.worthSending({ ...quiet, highWatermark: 11, records: Buffer.from([1]) }), true, "records");
    assert.equal(entry.worthSending({ ...quiet, highWatermark: 11, error: { code: 6, message: "" } }), true);
    assert.equal(entry.worthSending({ ...quiet, highWatermark: 11 }), true, "after an error, sent again");
    // A full request that names it again (another partition joined) keeps what it was told.
    follower.answered({ keepsSessions: true });
    leader.update(request(follower.next([a, b], 1024)));
    assert.equal(leader.partitions[0], entry);
    assert.equal(entry.worthSending({ ...quiet, highWatermark: 11 }), false);
  });

  it("starts a new stream with a full request", () => {
    const a = replica("t", 0, 10);
    new FollowerFetchSession().next([a], 1024);
    assert.equal(new FollowerFetchSession().next([a], 1024).incremental, false);
  });
});
