// Long verify run 11: a produce found its partition led here, awaited the transaction
// coordinator (the partition's join), and meanwhile the leadership moved. The append then
// went into what was now a follower's log, stamped with the new leader's epoch, where no
// divergence check could see it: a committed transaction lost a record and two records
// were visible twice. A leader append is now refused unless the replica still leads at
// the epoch the caller found, and the broker still holds its etcd session.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isTidelogError } from "@tidelog/client/record";
import { ManualClock } from "../../src/common/clock.js";
import { Partition } from "../../src/replication/partition.js";
import { batchOf, openLog, tempDir } from "../storage/fixtures.js";

function leaderOf(t: import("node:test").TestContext, fenced: { now: boolean }) {
  const clock = new ManualClock();
  const { log } = openLog(tempDir(t), undefined, clock);
  const p = new Partition({ topic: "t", partition: 0 }, "id", log, 1, clock, {
    onLeaderNews: () => {},
    isFenced: () => fenced.now,
    onFollowerCaughtUp: () => {},
  });
  p.applyState({ leader: 1, leaderEpoch: 1, isr: [1], replicas: [1, 2, 3], modRevision: 5 });
  return p;
}

const refused = (e: unknown) => isTidelogError(e) && e.code === "NOT_LEADER_OR_FOLLOWER";

test("an append is refused when this replica became a follower while its caller waited", async (t) => {
  const p = leaderOf(t, { now: false });
  const found = p.leaderEpoch;
  p.applyState({ leader: 2, leaderEpoch: 2, isr: [2, 3], replicas: [1, 2, 3], modRevision: 6 });
  await assert.rejects(p.appendRecordsAsLeader(batchOf(["late"]), 1, 1000, found), refused);
  assert.equal(p.log.logEndOffset, 0, "nothing written on the follower");
});

test("an append is refused when the leadership came back at a newer epoch meanwhile", async (t) => {
  const p = leaderOf(t, { now: false });
  const found = p.leaderEpoch;
  p.applyState({ leader: 1, leaderEpoch: 3, isr: [1], replicas: [1, 2, 3], modRevision: 7 });
  await assert.rejects(p.appendRecordsAsLeader(batchOf(["late"]), 1, 1000, found), refused);
  await p.appendRecordsAsLeader(batchOf(["now"]), 1, 1000, p.leaderEpoch);
  assert.equal(p.log.logEndOffset, 1, "a caller that found the current epoch appends");
});

test("an append is refused while the broker has lost its etcd session, markers too", async (t) => {
  const fenced = { now: false };
  const p = leaderOf(t, fenced);
  fenced.now = true;
  await assert.rejects(p.appendRecordsAsLeader(batchOf(["x"]), 1, 1000, p.leaderEpoch), refused);
  await assert.rejects(
    p.appendMarkerAsLeader({ producerId: 5, producerEpoch: 1, commit: true, coordinatorEpoch: 0 }, 1000, p.leaderEpoch),
    refused,
  );
  assert.equal(p.log.logEndOffset, 0);
});
