// The replica manager turns metadata into local state: a log for each replica assigned
// here, the role and leader epoch from the partition state, no leadership while the
// broker is fenced, and deletion of a topic's data only when the metadata image is
// complete, never while etcd is out of sight. A recreated topic (new topic id) replaces
// the old data instead of serving it.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { isTidelogError } from "@tidelog/client/record";
import { type MetadataEntry, MetadataImage } from "../../src/cluster/metadata-image.js";
import { ManualClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { ReplicaManager, type ReplicaManagerOptions } from "../../src/replication/replica-manager.js";
import { DEFAULT_LOG_CONFIG } from "../../src/storage/log-config.js";
import { LogManager } from "../../src/storage/log-manager.js";
import { batchOf } from "../storage/fixtures.js";

const ME = 2;

/** etcd gives every change its own revision; images here do too (the manager skips what it reconciled from). */
let nextRevision = 1;

function image(entries: Record<string, unknown>, revisions: Record<string, number> = {}): MetadataImage {
  const list: MetadataEntry[] = Object.entries(entries).map(([key, value]) => {
    const revision = revisions[key] ?? nextRevision++;
    return { key, value: JSON.stringify(value), modRevision: revision, createRevision: revision };
  });
  return MetadataImage.fromEntries(list, nextRevision++, silentLogger);
}

function topic(name: string, topicId: string, assignment: number[][]) {
  return { [`topics/${name}`]: { name, topicId, assignment, configs: {}, internal: false } };
}

function state(topicId: string, leader: number, leaderEpoch: number, isr: number[]) {
  return { topicId, leader, leaderEpoch, isr, partitionEpoch: leaderEpoch };
}

function setup(t: import("node:test").TestContext, overrides: Partial<ReplicaManagerOptions> = {}) {
  // Shut the manager down before its directory goes: one hook, in that order.
  const dataDir = mkdtempSync(join(tmpdir(), "tidelog-replicas-"));
  const logManager = LogManager.open({
    dataDir,
    defaultConfig: DEFAULT_LOG_CONFIG,
    clock: new ManualClock(),
    logger: silentLogger,
    openFilesMax: 16,
  });
  t.after(async () => {
    await logManager.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const fence = { fenced: false };
  const replicas = new ReplicaManager({
    brokerId: ME,
    isFenced: () => fence.fenced,
    incarnation: () => 1,
    clock: new ManualClock(),
    writeIsr: async (changes) => changes.map(() => true),
    replicaLagTimeMaxMs: 30_000,
    logManager,
    logDefaults: DEFAULT_LOG_CONFIG,
    logger: silentLogger,
    ...overrides,
  });
  return { dataDir, logManager, replicas, fence };
}

test("assigned replicas get logs and roles from the partition state; others get nothing", async (t) => {
  const { dataDir, replicas } = setup(t);
  await replicas.onMetadata(
    image({
      ...topic("orders", "id-1", [
        [2, 1],
        [1, 2],
        [1, 3],
      ]),
      "partitions/orders/0": state("id-1", 2, 4, [2, 1]),
      "partitions/orders/1": state("id-1", 1, 0, [1, 2]),
      "partitions/orders/2": state("id-1", 1, 0, [1, 3]),
    }),
    true,
  );
  assert.equal(replicas.get({ topic: "orders", partition: 0 })?.role, "leader");
  assert.equal(replicas.get({ topic: "orders", partition: 0 })?.leaderEpoch, 4);
  assert.equal(replicas.get({ topic: "orders", partition: 1 })?.role, "follower");
  assert.equal(replicas.get({ topic: "orders", partition: 2 }), undefined, "not assigned here");
  assert.ok(existsSync(join(dataDir, "orders-0", "partition.metadata")));
  assert.equal(existsSync(join(dataDir, "orders-2")), false);
  assert.equal(replicas.leaderFor({ topic: "orders", partition: 0 }).tp.partition, 0);
  assert.throws(
    () => replicas.leaderFor({ topic: "orders", partition: 1 }),
    (e) => isTidelogError(e, "NOT_LEADER_OR_FOLLOWER"),
  );
  assert.throws(
    () => replicas.leaderFor({ topic: "orders", partition: 2 }),
    (e) => isTidelogError(e, "UNKNOWN_TOPIC_OR_PARTITION"),
  );
});

test("a fenced broker refuses to act as leader", async (t) => {
  const { replicas, fence } = setup(t);
  await replicas.onMetadata(image({ ...topic("t", "id", [[2]]), "partitions/t/0": state("id", 2, 1, [2]) }), true);
  fence.fenced = true;
  assert.throws(
    () => replicas.leaderFor({ topic: "t", partition: 0 }),
    (e) => isTidelogError(e, "NOT_LEADER_OR_FOLLOWER") && /lost its etcd session/.test(e.message),
  );
  fence.fenced = false;
  assert.ok(replicas.leaderFor({ topic: "t", partition: 0 }));
});

test("an older partition state never takes back a newer leader epoch", async (t) => {
  const { replicas } = setup(t);
  const base = topic("t", "id", [[2, 1]]);
  await replicas.onMetadata(image({ ...base, "partitions/t/0": state("id", 1, 5, [1, 2]) }), true);
  await replicas.onMetadata(image({ ...base, "partitions/t/0": state("id", 2, 3, [2, 1]) }), true);
  const hosted = replicas.get({ topic: "t", partition: 0 });
  assert.deepEqual([hosted?.role, hosted?.leaderEpoch], ["follower", 5]);
});

test("a deleted topic's data goes only when the image is complete", async (t) => {
  const { dataDir, replicas } = setup(t);
  await replicas.onMetadata(
    image({ ...topic("gone", "id", [[2]]), "partitions/gone/0": state("id", 2, 0, [2]) }),
    true,
  );
  replicas.get({ topic: "gone", partition: 0 })?.log.appendAsLeader(batchOf(["keep me"]), 0);
  await replicas.onMetadata(image({}), false);
  assert.ok(existsSync(join(dataDir, "gone-0")), "a stale (unsynced) image deletes nothing");
  await replicas.onMetadata(image({}), true);
  assert.equal(existsSync(join(dataDir, "gone-0")), false);
  assert.equal(replicas.get({ topic: "gone", partition: 0 }), undefined);
});

test("a topic recreated under the same name starts from an empty log", async (t) => {
  const { replicas } = setup(t);
  await replicas.onMetadata(
    image({ ...topic("re", "old-id", [[2]]), "partitions/re/0": state("old-id", 2, 0, [2]) }),
    true,
  );
  replicas.get({ topic: "re", partition: 0 })?.log.appendAsLeader(batchOf(["old data"]), 0);
  await replicas.onMetadata(
    image({ ...topic("re", "new-id", [[2]]), "partitions/re/0": state("new-id", 2, 0, [2]) }),
    true,
  );
  const hosted = replicas.get({ topic: "re", partition: 0 });
  assert.equal(hosted?.topicId, "new-id");
  assert.equal(hosted?.log.logEndOffset, 0, "the old incarnation's records are gone");
});

test("a reconciliation skips unchanged partitions: the leader's own ISR change stands until the watch brings a newer state", async (t) => {
  const { replicas } = setup(t);
  const base = topic("t", "id", [[2, 1, 3]]);
  const revisions = { "topics/t": 1000, "partitions/t/0": 1001 };
  await replicas.onMetadata(image({ ...base, "partitions/t/0": state("id", 2, 1, [2, 1]) }, revisions), true);
  const hosted = replicas.get({ topic: "t", partition: 0 });
  assert.deepEqual(hosted?.isr, [2, 1]);
  // What checkIsr does after etcd accepted its expansion: applied at once, over the
  // revision it was written against.
  hosted?.applyState({ leader: 2, leaderEpoch: 1, isr: [2, 1, 3], replicas: [2, 1, 3], modRevision: 1001 });
  // Another partition changes; this one's state is still the one the expansion replaced.
  await replicas.onMetadata(
    image({ ...base, "partitions/t/0": state("id", 2, 1, [2, 1]), ...topic("other", "id-2", [[1]]) }, revisions),
    true,
  );
  assert.deepEqual(hosted?.isr, [2, 1, 3], "not taken back by the state it replaced");
  // The watch brings the written state (a newer revision), then a later shrink: both apply.
  await replicas.onMetadata(
    image({ ...base, "partitions/t/0": state("id", 2, 1, [2, 1, 3]) }, { "topics/t": 1000, "partitions/t/0": 1002 }),
    true,
  );
  assert.deepEqual(hosted?.isr, [2, 1, 3]);
  await replicas.onMetadata(
    image({ ...base, "partitions/t/0": state("id", 2, 1, [2, 3]) }, { "topics/t": 1000, "partitions/t/0": 1003 }),
    true,
  );
  assert.deepEqual(hosted?.isr, [2, 3]);
});

test("an image moved forward by watch events is followed incrementally: a changed state applies, a new topic is hosted", async (t) => {
  const { replicas } = setup(t);
  const live = image({
    ...topic("t", "id", [
      [2, 1],
      [1, 2],
    ]),
    "partitions/t/0": state("id", 2, 1, [2, 1]),
    "partitions/t/1": state("id", 1, 1, [1, 2]),
  });
  await replicas.onMetadata(live, true);
  const cursor = live.changeCursor;
  const put = (key: string, value: unknown) =>
    live.apply({ key, value: JSON.stringify(value), modRevision: nextRevision, createRevision: nextRevision++ });
  // Only partition states change: the feed names them, and the manager applies them.
  put("partitions/t/1", state("id", 2, 2, [2, 1]));
  assert.deepEqual(live.partitionChangesSince(cursor), ["t-1"]);
  await replicas.onMetadata(live, true);
  assert.deepEqual(
    [replicas.get({ topic: "t", partition: 1 })?.role, replicas.get({ topic: "t", partition: 1 })?.leaderEpoch],
    ["leader", 2],
  );
  // A topic appears: the feed cannot say what that means for partitions; everything is looked at.
  put("topics/u", { name: "u", topicId: "id-u", assignment: [[2]], configs: {}, internal: false });
  put("partitions/u/0", state("id-u", 2, 0, [2]));
  assert.equal(live.partitionChangesSince(cursor), null);
  await replicas.onMetadata(live, true);
  assert.equal(replicas.get({ topic: "u", partition: 0 })?.role, "leader");
});

test("a follower outside the ISR that fetches up to the high watermark is added at once, not at the next periodic check", async (t) => {
  const clock = new ManualClock();
  const written: number[][] = [];
  let accept = false;
  const { replicas } = setup(t, {
    clock,
    writeIsr: async (changes) =>
      changes.map((c) => {
        written.push([...c.isr]);
        return accept;
      }),
  });
  // Broker 3 is registered (broker epoch 50) and fetches under that epoch: a joiner is
  // recorded with its incarnation, so one the metadata cannot name does not join.
  const broker3 = { id: 3, host: "h", port: 1, httpPort: 0, rack: null, startedAtMs: 0, incarnation: 50 };
  await replicas.onMetadata(
    image(
      { ...topic("t", "id", [[2, 1, 3]]), "partitions/t/0": state("id", 2, 1, [2, 1]), "brokers/3": broker3 },
      { "brokers/3": 50 },
    ),
    true,
  );
  const p = replicas.get({ topic: "t", partition: 0 });
  assert.ok(p);
  await p.appendRecordsAsLeader(batchOf(["a", "b"]), 1, 1000, 1);
  p.onFollowerFetch(1, 2);
  assert.equal(p.log.highWatermark, 2);
  const settle = () => new Promise((r) => setImmediate(r));

  p.onFollowerFetch(3, 1, -1, 50);
  await settle();
  assert.deepEqual(written, [], "a follower behind the high watermark does not join");

  p.onFollowerFetch(3, 2, -1, 50);
  await settle();
  assert.deepEqual(written, [[2, 1, 3]], "caught up: the expansion is written without waiting for checkIsr");

  // etcd refused it: fetches in the next second do not write again...
  p.onFollowerFetch(3, 2, -1, 50);
  await settle();
  assert.equal(written.length, 1, "at most one try per partition per second");
  // ...a fetch after it does.
  clock.advance(1000);
  accept = true;
  p.onFollowerFetch(3, 2, -1, 50);
  await settle();
  assert.deepEqual(written, [
    [2, 1, 3],
    [2, 1, 3],
  ]);
  assert.deepEqual(p.isr, [2, 1, 3], "applied once written");

  // In the ISR now: fetches ask nothing more.
  clock.advance(1000);
  p.onFollowerFetch(3, 2, -1, 50);
  await settle();
  assert.equal(written.length, 2);
});
