// The ISR's lag is measured on the monotonic clock: verify's clock-jump fault steps a
// broker's wall clock by an hour, which measured on the wall clock made every follower look
// an hour behind, dropped them all from the ISR and refused acks=all writes until they
// were added back. Stepping the wall clock alone now changes nothing; real silence does.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../src/common/clock.js";
import { Partition } from "../../src/replication/partition.js";
import { openLog, tempDir } from "../storage/fixtures.js";

const LAG_MS = 30_000;

test("a wall clock stepped an hour either way drops no follower from the ISR; followers silent past the lag do leave", (t) => {
  const clock = new ManualClock();
  const { log } = openLog(tempDir(t), undefined, clock);
  const p = new Partition({ topic: "t", partition: 0 }, "id", log, 1, clock);
  p.applyState({ leader: 1, leaderEpoch: 1, isr: [1, 2, 3], replicas: [1, 2, 3], modRevision: 5 });
  p.onFollowerFetch(2, 0);
  p.onFollowerFetch(3, 0);

  clock.jumpWallClock(3_600_000);
  assert.deepEqual(p.laggingFollowers(LAG_MS), [], "an hour forward");
  clock.jumpWallClock(-7_200_000);
  clock.advance(LAG_MS - 1000);
  p.onFollowerFetch(2, 0);
  assert.deepEqual(p.laggingFollowers(LAG_MS), [], "an hour back");

  clock.advance(2000);
  assert.deepEqual(p.laggingFollowers(LAG_MS), [3], "3 silent for 31 s; 2 fetched 2 s ago");
});
