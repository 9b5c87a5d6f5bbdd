// A leader records each follower it adds to the ISR with the incarnation of the process
// that fetched (KIP-903), so the controller can tell a replica that restarted since (and
// may have lost its unflushed tail) from one that kept running. A follower whose fetches
// came under a registration the metadata no longer holds cannot be recorded, and must not
// join: joined unrecorded, the controller recorded whatever incarnation it registered
// next, trusted it, and elected it after it had lost an acknowledged write (the in-process
// simulation's seed 186).
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeRecordBatch } from "@tidelog/client/record";
import type { IsrChange } from "../../src/cluster/isr-writer.js";
import { type MetadataEntry, MetadataImage } from "../../src/cluster/metadata-image.js";
import type { BrokerRecord, PartitionState, TopicRecord } from "../../src/cluster/metadata-records.js";
import { ManualClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { LeaderFetchSession } from "../../src/replication/fetch-session.js";
import { fetchForFollower } from "../../src/replication/follower-fetch.js";
import { ReplicaManager } from "../../src/replication/replica-manager.js";
import { LogManager } from "../../src/storage/log-manager.js";
import { smallConfig, tempDir } from "../storage/fixtures.js";

const TP = { topic: "t", partition: 0 };
/** Broker id -> the etcd revision of its registration (its broker epoch) and its incarnation. */
type Registered = ReadonlyMap<number, { epoch: number; incarnation: number }>;

function image(registered: Registered, state: PartitionState, revision: number): MetadataImage {
  const topic: TopicRecord = { name: "t", topicId: "tid", assignment: [[1, 2, 3]], configs: {}, internal: false };
  const entries: MetadataEntry[] = [
    { key: "topics/t", value: JSON.stringify(topic), modRevision: 1, createRevision: 1 },
    { key: "partitions/t/0", value: JSON.stringify(state), modRevision: 10, createRevision: 10 },
  ];
  for (const [id, r] of registered) {
    const record: BrokerRecord = {
      id,
      host: "h",
      port: 9000 + id,
      httpPort: 0,
      rack: null,
      startedAtMs: 0,
      incarnation: r.incarnation,
    };
    entries.push({
      key: `brokers/${id}`,
      value: JSON.stringify(record),
      modRevision: r.epoch,
      createRevision: r.epoch,
    });
  }
  return MetadataImage.fromEntries(entries, revision, silentLogger);
}

async function leaderWithCaughtUpFollower(t: import("node:test").TestContext) {
  const clock = new ManualClock();
  const config = smallConfig();
  const logs = LogManager.open({
    dataDir: tempDir(t),
    defaultConfig: config,
    clock,
    logger: silentLogger,
    openFilesMax: 16,
  });
  t.after(() => logs.abandon());
  const written: IsrChange[] = [];
  const replicas = new ReplicaManager({
    brokerId: 1,
    isFenced: () => false,
    incarnation: () => 2,
    clock,
    writeIsr: async (changes) => {
      written.push(...changes);
      return changes.map(() => false);
    },
    replicaLagTimeMaxMs: 10_000,
    logManager: logs,
    logDefaults: config,
    logger: silentLogger,
  });
  t.after(() => replicas.stop());
  const state: PartitionState = {
    topicId: "tid",
    leader: 1,
    leaderEpoch: 0,
    partitionEpoch: 0,
    isr: [1, 2],
    replicas: [1, 2, 3],
    leaderBrokerEpoch: 2,
    isrBrokerEpochs: { "1": 2, "2": 3 },
  } as PartitionState;
  const everyone = new Map([
    [1, { epoch: 2, incarnation: 2 }],
    [2, { epoch: 3, incarnation: 3 }],
    [3, { epoch: 4, incarnation: 4 }],
  ]);
  await replicas.onMetadata(image(everyone, state, 20), true);
  const p = replicas.leaderFor(TP);
  p.log.appendAsLeader(encodeRecordBatch({ records: [{ value: "a" }] }), p.leaderEpoch);
  // Broker 3 fetches to the log end under broker epoch 4: caught up, outside the ISR.
  const fetch = async (brokerEpoch: number) => {
    const session = new LeaderFetchSession();
    session.update({
      incremental: false,
      partitions: [
        { ...TP, fetchOffset: 1, currentLeaderEpoch: 0, lastFetchedEpoch: 0, maxBytes: 1024, logStartOffset: 0 },
      ],
    });
    await fetchForFollower(replicas, 3, brokerEpoch, session, 0, 1024);
  };
  await fetch(4);
  return { replicas, state, everyone, written };
}

test("a caught-up follower joins the ISR recorded with the incarnation it fetched under", async (t) => {
  const { replicas, written } = await leaderWithCaughtUpFollower(t);
  await replicas.checkIsr();
  const change = written.find((c) => c.isr.includes(3));
  assert.ok(change, "broker 3 was added");
  assert.equal(change.joiningEpochs.get(3), 4);
});

test("a follower whose registration is gone from the metadata does not join the ISR, caught up or not", async (t) => {
  const { replicas, state, everyone, written } = await leaderWithCaughtUpFollower(t);
  // Broker 3's session expired (it died); its last fetch still says it is caught up. (A
  // write adding it may have gone out already, on its fetch; refused here, as a CAS
  // against an older state would be.)
  written.length = 0;
  const without3 = new Map([...everyone].filter(([id]) => id !== 3));
  await replicas.onMetadata(image(without3, state, 21), true);
  await replicas.checkIsr();
  assert.deepEqual(
    written.filter((c) => c.isr.includes(3)),
    [],
    "not added: its incarnation cannot be recorded",
  );
  // Restarted (a new incarnation) and registered again: its old fetch does not count either.
  const restarted = new Map([...without3, [3, { epoch: 30, incarnation: 30 }]]);
  await replicas.onMetadata(image(restarted, state, 31), true);
  await replicas.checkIsr();
  assert.deepEqual(
    written.filter((c) => c.isr.includes(3)),
    [],
    "not added under an epoch that is not its current registration's",
  );
});
