// Kafka's "maximal ISR" (KIP-497) on the leader: followers an ISR expansion is adding hold
// the high watermark back from the moment the write is sent, since etcd may commit the
// wider ISR (and the controller elect a joiner) before the answer arrives. A refused write
// ends that at once; a write whose answer never came is settled by the next state.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../src/common/clock.js";
import { Partition } from "../../src/replication/partition.js";
import { batchOf, openLog, tempDir } from "../storage/fixtures.js";

function leaderOf(t: import("node:test").TestContext) {
  const clock = new ManualClock();
  const { log } = openLog(tempDir(t), undefined, clock);
  const p = new Partition({ topic: "t", partition: 0 }, "id", log, 1, clock);
  p.applyState({ leader: 1, leaderEpoch: 1, isr: [1, 2], replicas: [1, 2, 3], modRevision: 5 });
  return p;
}

test("a joiner holds the high watermark back while its expansion is written; a refused write releases it", async (t) => {
  const p = leaderOf(t);
  await p.appendRecordsAsLeader(batchOf(["a"]), 1, 1000, p.leaderEpoch);
  p.onFollowerFetch(2, 1);
  p.onFollowerFetch(3, 1);
  assert.equal(p.log.highWatermark, 1);
  await p.appendRecordsAsLeader(batchOf(["b"]), 1, 1000, p.leaderEpoch);
  p.beginIsrExpansion([3], 5);
  p.onFollowerFetch(2, 2);
  assert.equal(p.log.highWatermark, 1, "broker 3 lacks offset 1: not acknowledged while it may already be in the ISR");
  p.endIsrExpansion();
  assert.equal(p.log.highWatermark, 2, "the expansion was refused: the ISR in force alone counts");
});

test("an expansion whose answer never came is settled by the next state, either way", async (t) => {
  const p = leaderOf(t);
  await p.appendRecordsAsLeader(batchOf(["a"]), 1, 1000, p.leaderEpoch);
  p.onFollowerFetch(3, 1);
  await p.appendRecordsAsLeader(batchOf(["b"]), 1, 1000, p.leaderEpoch);
  p.beginIsrExpansion([3], 5);
  p.onFollowerFetch(2, 2);
  assert.equal(p.log.highWatermark, 1);
  // The same revision again (a metadata replay) settles nothing.
  p.applyState({ leader: 1, leaderEpoch: 1, isr: [1, 2], replicas: [1, 2, 3], modRevision: 5 });
  assert.equal(p.log.highWatermark, 1);
  // A later state without broker 3: the expansion did not happen.
  p.applyState({ leader: 1, leaderEpoch: 1, isr: [1, 2], replicas: [1, 2, 3], modRevision: 6 });
  assert.equal(p.log.highWatermark, 2);
});
