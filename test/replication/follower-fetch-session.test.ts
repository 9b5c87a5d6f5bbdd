// A leader answers a follower's fetch at the cost of what changed, not of the session's
// size (issue 26): a partition the follower did not list, which the last read left
// settled (the follower at the log end, nothing owed) and which has not moved since, is
// not read again. These tests drive a real ReplicaManager leading three partitions for
// followers 2 and 3, count the full reads (Partition.onFollowerFetch), and check that
// skipping changes nothing the follower or the ISR sees: idle followers stay in the ISR,
// and every append, high watermark, epoch change, unhosting or lag is still answered.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { errorFromInfo } from "@tidelog/client/protocol";
import { type MetadataEntry, MetadataImage } from "../../src/cluster/metadata-image.js";
import { ManualClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { LeaderFetchSession } from "../../src/replication/fetch-session.js";
import {
  type FollowerFetchPartition,
  type FollowerFetchResult,
  fetchForFollower,
} from "../../src/replication/follower-fetch.js";
import type { Partition } from "../../src/replication/partition.js";
import { ReplicaManager } from "../../src/replication/replica-manager.js";
import { DEFAULT_LOG_CONFIG } from "../../src/storage/log-config.js";
import { LogManager } from "../../src/storage/log-manager.js";
import { batchOf, valuesIn } from "../storage/fixtures.js";

const ME = 1;
const LAG_MS = 30_000;
const BROKER_EPOCH = 7;

let nextRevision = 1;
/** An entry keeps its revision while its value does, as in etcd: a partition state not rewritten is not new. */
const revisions = new Map<string, number>();

/** Topic "t", partition i led by `leaders[i]` at `epochs[i]`, on `replicas[i]` (1, 2, 3 by default), all in sync. */
function image(
  topicId: string,
  epochs: readonly number[],
  leaders: readonly number[] = epochs.map(() => ME),
  replicas: readonly number[][] = epochs.map(() => [1, 2, 3]),
  isrs: readonly number[][] = replicas,
) {
  const entries: MetadataEntry[] = [];
  const put = (key: string, v: unknown) => {
    const value = JSON.stringify(v);
    const revision = revisions.get(key + value) ?? nextRevision++;
    revisions.set(key + value, revision);
    entries.push({ key, value, modRevision: revision, createRevision: revision });
  };
  put("topics/t", { name: "t", topicId, assignment: replicas, configs: {}, internal: false });
  epochs.forEach((leaderEpoch, i) => {
    const isr = isrs[i];
    put(`partitions/t/${i}`, { topicId, leader: leaders[i], leaderEpoch, isr, partitionEpoch: leaderEpoch });
  });
  return MetadataImage.fromEntries(entries, nextRevision++, silentLogger);
}

async function leaderOfThree(t: TestContext) {
  const dataDir = mkdtempSync(join(tmpdir(), "tidelog-follower-fetch-"));
  const clock = new ManualClock();
  const logManager = LogManager.open({
    dataDir,
    defaultConfig: DEFAULT_LOG_CONFIG,
    clock,
    logger: silentLogger,
    openFilesMax: 16,
  });
  const fence = { fenced: false };
  const replicas = new ReplicaManager({
    brokerId: ME,
    isFenced: () => fence.fenced,
    incarnation: () => 1,
    clock,
    writeIsr: async (changes) => changes.map(() => true),
    replicaLagTimeMaxMs: LAG_MS,
    logManager,
    logDefaults: DEFAULT_LOG_CONFIG,
    logger: silentLogger,
  });
  t.after(async () => {
    replicas.stop();
    await logManager.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await replicas.onMetadata(image("id-1", [1, 1, 1]), true);
  const partitions = [0, 1, 2].map((i) => replicas.get({ topic: "t", partition: i }) as Partition);
  const reads = countReads(partitions);
  return { clock, replicas, partitions, reads, fence };
}

/** Full reads per partition index, counted on Partition.onFollowerFetch. */
function countReads(partitions: readonly Partition[]): number[] {
  const reads = partitions.map(() => 0);
  partitions.forEach((p, i) => {
    const record = p.onFollowerFetch.bind(p);
    p.onFollowerFetch = (...args) => {
      reads[i] = (reads[i] ?? 0) + 1;
      record(...args);
    };
  });
  return reads;
}

/** What follower `replicaId` would say of partition `i`, fetching from `fetchOffset`. */
function said(i: number, fetchOffset: number, leaderEpoch = 1, lastFetchedEpoch = -1): FollowerFetchPartition {
  return {
    topic: "t",
    partition: i,
    fetchOffset,
    currentLeaderEpoch: leaderEpoch,
    lastFetchedEpoch,
    maxBytes: 1 << 20,
    logStartOffset: 0,
  };
}

/** One follower's stream: its session, and a request on it (maxWaitMs 0 answers at once). */
function stream(replicas: ReplicaManager, replicaId: number) {
  const session = new LeaderFetchSession();
  return (
    partitions: FollowerFetchPartition[],
    options: { incremental?: boolean; maxWaitMs?: number; maxBytes?: number; brokerEpoch?: number } = {},
  ): Promise<FollowerFetchResult[]> => {
    session.update({ incremental: options.incremental ?? true, partitions });
    return fetchForFollower(
      replicas,
      replicaId,
      options.brokerEpoch ?? BROKER_EPOCH,
      session,
      options.maxWaitMs ?? 0,
      options.maxBytes ?? 1 << 20,
    );
  };
}

const summary = (answers: readonly FollowerFetchResult[]) =>
  answers.map((a) => ({
    partition: a.partition,
    highWatermark: a.highWatermark,
    error: errorFromInfo(a.error)?.code ?? null,
    values: valuesIn(a.records).map((r) => r.value),
  }));

const everyPartitionAt = (offsets: readonly number[]) => offsets.map((o, i) => said(i, o));

test("an idle request reads no partition, yet the follower stays caught up for the ISR", async (t) => {
  const { clock, replicas, partitions, reads } = await leaderOfThree(t);
  const fetch = stream(replicas, 2);
  const first = await fetch(everyPartitionAt([0, 0, 0]), { incremental: false });
  assert.equal(first.length, 3, "the first answer covers the whole session");
  assert.deepEqual(reads, [1, 1, 1]);
  for (let i = 0; i < 4; i++) {
    clock.advance(LAG_MS / 2);
    assert.deepEqual(await fetch([]), [], "nothing changed: nothing to say");
  }
  assert.deepEqual(reads, [1, 1, 1], "no partition was read again");
  for (const p of partitions) assert.deepEqual(p.laggingFollowers(LAG_MS), [3], "2 kept fetching; 3 never did");
});

test("a fetch under a new broker epoch (the follower registered again) is recorded on every partition", async (t) => {
  const { replicas, partitions, reads } = await leaderOfThree(t);
  const fetch = stream(replicas, 2);
  await fetch(everyPartitionAt([0, 0, 0]), { incremental: false });
  await fetch([]);
  assert.deepEqual(reads, [1, 1, 1]);
  // The epoch stamped on the ISR when the follower joins must be its live registration's.
  await fetch([], { brokerEpoch: BROKER_EPOCH + 1 });
  assert.deepEqual(reads, [2, 2, 2]);
  for (const p of partitions) assert.equal(p.followerBrokerEpoch(2), BROKER_EPOCH + 1);
  await fetch([], { brokerEpoch: BROKER_EPOCH + 1 });
  assert.deepEqual(reads, [2, 2, 2]);
});

test("after an append, the answer carries that partition's records and only it", async (t) => {
  const { replicas, partitions, reads } = await leaderOfThree(t);
  const fetch = stream(replicas, 2);
  await fetch(everyPartitionAt([0, 0, 0]), { incremental: false });
  // A long poll, parked on the three partitions until something is appended to one.
  const parked = fetch([], { maxWaitMs: 500 });
  await partitions[1]?.appendRecordsAsLeader(batchOf(["x"]), 1, 1000, partitions[1]!.leaderEpoch);
  assert.deepEqual(summary(await parked), [{ partition: 1, highWatermark: 0, error: null, values: ["x"] }]);
  assert.deepEqual(reads, [1, 2, 1], "only the appended partition was read again");
});

test("a high watermark moved by another follower is sent once, then left out again", async (t) => {
  const { clock, replicas, partitions, reads } = await leaderOfThree(t);
  const two = stream(replicas, 2);
  const three = stream(replicas, 3);
  await two(everyPartitionAt([0, 0, 0]), { incremental: false });
  await three(everyPartitionAt([0, 0, 0]), { incremental: false });
  await partitions[0]?.appendRecordsAsLeader(batchOf(["a", "b"]), 1, 1000, partitions[0]!.leaderEpoch);
  assert.deepEqual(summary(await two([])), [{ partition: 0, highWatermark: 0, error: null, values: ["a", "b"] }]);
  // Follower 2 has the records; the high watermark waits for follower 3.
  assert.deepEqual(summary(await two([said(0, 2)])), []);
  await three([]);
  await three([said(0, 2)]);
  assert.equal(partitions[0]?.log.highWatermark, 2);
  // A moved high watermark rings nothing: it goes out at the next read of the session.
  assert.deepEqual(await two([]), [], "not read yet");
  clock.advance(replicas.followerScanIntervalMs);
  assert.deepEqual(summary(await two([])), [{ partition: 0, highWatermark: 2, error: null, values: [] }]);
  const readsBefore = [...reads];
  assert.deepEqual(await two([]), [], "already told");
  assert.deepEqual(reads, readsBefore);
});

test("a new leader epoch has the partition read again: the follower is told it is fenced, then answered", async (t) => {
  const { clock, replicas, reads } = await leaderOfThree(t);
  const fetch = stream(replicas, 2);
  await fetch(everyPartitionAt([0, 0, 0]), { incremental: false });
  await replicas.onMetadata(image("id-1", [1, 2, 1]), true);
  assert.deepEqual(summary(await fetch([])), [
    { partition: 1, highWatermark: -1, error: "FENCED_LEADER_EPOCH", values: [] },
  ]);
  // The follower learns the epoch and says so: answered again, error cleared.
  assert.deepEqual(summary(await fetch([said(1, 0, 2)])), [
    { partition: 1, highWatermark: 0, error: null, values: [] },
  ]);
  assert.deepEqual(await fetch([]), []);
  // Leadership moves away: refused, and refused again at every read of the session until
  // the follower moves (it parks the partition on the first refusal).
  await replicas.onMetadata(image("id-1", [1, 3, 1], [ME, 3, ME]), true);
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(summary(await fetch([])), [
      { partition: 1, highWatermark: -1, error: "NOT_LEADER_OR_FOLLOWER", values: [] },
    ]);
    clock.advance(replicas.followerScanIntervalMs);
  }
  assert.deepEqual(reads, [1, 2, 1], "the other partitions were never read again");
});

test("a reassignment that drops the follower, at the same leader epoch, has it told so", async (t) => {
  const { clock, replicas, reads } = await leaderOfThree(t);
  const fetch = stream(replicas, 2);
  await fetch(everyPartitionAt([0, 0, 0]), { incremental: false });
  // A new partition state (the controller rewrites it when a reassignment completes), no new epoch.
  await replicas.onMetadata(
    image(
      "id-1",
      [1, 1, 1],
      [ME, ME, ME],
      [
        [1, 2, 3],
        [1, 3],
        [1, 2, 3],
      ],
    ),
    true,
  );
  // A new state at the same epoch rings nothing: found at the next read of the session.
  clock.advance(replicas.followerScanIntervalMs);
  assert.deepEqual(summary(await fetch([])), [
    { partition: 1, highWatermark: -1, error: "REPLICA_NOT_AVAILABLE", values: [] },
  ]);
  assert.deepEqual(reads, [1, 1, 1], "refused before its position was recorded; the others not read");
});

test("a follower behind the log end is read on every request, listed or not", async (t) => {
  const { replicas, partitions, reads } = await leaderOfThree(t);
  const fetch = stream(replicas, 2);
  await fetch(everyPartitionAt([0, 0, 0]), { incremental: false });
  await partitions[0]?.appendRecordsAsLeader(batchOf(["a"]), 1, 1000, partitions[0]!.leaderEpoch);
  await partitions[1]?.appendRecordsAsLeader(batchOf(["b"]), 1, 1000, partitions[1]!.leaderEpoch);
  // One byte: the first partition's batch spends the answer's budget, the second waits.
  assert.deepEqual(
    summary(await fetch([], { maxBytes: 1 })).map((a) => a.values),
    [["a"]],
  );
  assert.deepEqual(summary(await fetch([said(0, 1)])), [
    { partition: 1, highWatermark: 0, error: null, values: ["b"] },
  ]);
  assert.deepEqual(reads, [3, 3, 1]);
});

test("a fenced broker answers every partition with its error; a recreated topic is resolved again", async (t) => {
  const { replicas, fence } = await leaderOfThree(t);
  const fetch = stream(replicas, 2);
  await fetch(everyPartitionAt([0, 0, 0]), { incremental: false });
  fence.fenced = true;
  const fenced = summary(await fetch([]));
  assert.deepEqual(
    fenced.map((a) => a.error),
    ["NOT_LEADER_OR_FOLLOWER", "NOT_LEADER_OR_FOLLOWER", "NOT_LEADER_OR_FOLLOWER"],
  );
  fence.fenced = false;
  assert.equal((await fetch([])).length, 3, "each answered again after its error");
  assert.deepEqual(await fetch([]), []);
  const generation = replicas.hostingGeneration;
  await replicas.onMetadata(image("id-2", [5, 5, 5]), true);
  assert.notEqual(replicas.hostingGeneration, generation);
  // New Partition objects at a new epoch: a cached one would be a log no longer hosted.
  assert.deepEqual(
    summary(await fetch([])).map((a) => a.error),
    ["FENCED_LEADER_EPOCH", "FENCED_LEADER_EPOCH", "FENCED_LEADER_EPOCH"],
  );
});

test("the leadership generation moves with hosting, leaders and epochs, not with ISR changes", async (t) => {
  // The follower's fetch plan is rebuilt only when it moves (replica-fetcher.ts): a broker
  // rejoining thousands of ISRs must not walk every partition per watch event.
  const { replicas } = await leaderOfThree(t);
  const at = replicas.leadershipGeneration;
  const shrunk = [
    [1, 2],
    [1, 2, 3],
    [1, 3],
  ];
  await replicas.onMetadata(image("id-1", [1, 1, 1], [ME, ME, ME], undefined, shrunk), true);
  assert.deepEqual(replicas.get({ topic: "t", partition: 2 })?.isr, [1, 3], "the ISR change was applied");
  assert.equal(replicas.leadershipGeneration, at, "an ISR change is not a leadership change");
  await replicas.onMetadata(image("id-1", [1, 2, 1], [ME, 2, ME], undefined, shrunk), true);
  const moved = replicas.leadershipGeneration;
  assert.notEqual(moved, at, "partition 1 is led by broker 2 now");
  assert.deepEqual(
    [...replicas.hostedOf("t")].sort((a, b) => a.tp.partition - b.tp.partition).map((p) => p.role),
    ["leader", "follower", "leader"],
  );
  await replicas.onMetadata(image("id-2", [5, 5, 5]), true);
  assert.notEqual(replicas.leadershipGeneration, moved, "a recreated topic replaces every partition");
  assert.deepEqual([...replicas.hostedOf("elsewhere")], []);
});
