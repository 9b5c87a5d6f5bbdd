// Kafka's DeleteRecords against real etcd and brokers: the SDK's deleteRecords and
// `tidelog topics delete-records` move a partition's log start offset; readers start
// there; followers follow it, so a new leader after the old one stops serves no deleted
// record (the answer waits until every in-sync follower has followed, as Kafka's
// DelayedDeleteRecords: stopping the leader right after it must not bring records
// back); the start survives a restart (checkpointed at once); bad input (past the high
// watermark, a missing partition, a bad --before) is refused with a typed error and
// deletes nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, isTidelogError } from "@tidelog/client";
import { startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { runCli as cli } from "../cli/run-cli.js";

test("delete-records moves the log start on leader and followers, survives a restart, refuses bad input", async (t) => {
  const c = await startCluster(t, { brokers: 3, brokerConfig: { "min.insync.replicas": "2" } });
  const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 15_000, attemptTimeoutMs: 2000 });
  t.after(() => client.close());
  const admin = client.admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
    description: "3 brokers",
    timeoutMs: 20_000,
  });
  await admin.createTopic({ name: "events", partitions: 2, replicationFactor: 3 });
  const producer = client.producer({ acks: -1 });
  for (const partition of [0, 1]) {
    await producer.send(
      "events",
      Array.from({ length: 100 }, (_, i) => ({ value: `p${partition}-${i}`, partition })),
    );
  }
  await producer.close();
  const earliest = async () =>
    Object.fromEntries((await admin.fetchTopicOffsets("events")).map((p) => [p.partition, p.earliest]));

  // Bad input first: nothing may move.
  const tooFar = await admin.deleteRecords("events", 101, [0]);
  assert.ok(isTidelogError(tooFar[0]?.error, "OFFSET_OUT_OF_RANGE"), String(tooFar[0]?.error));
  await assert.rejects(admin.deleteRecords("events", 10, [7]), (e: unknown) =>
    isTidelogError(e, "UNKNOWN_TOPIC_OR_PARTITION"),
  );
  await assert.rejects(admin.deleteRecords("events", -3), (e: unknown) => isTidelogError(e, "INVALID_REQUEST"));
  const badFlag = await cli(["--bootstrap", c.bootstrap, "topics", "delete-records", "events", "--before", "soon"]);
  assert.equal(badFlag.code, 2, badFlag.stderr);
  assert.deepEqual(await earliest(), { 0: 0, 1: 0 });

  // The SDK on partition 0, the CLI on partition 1 ("end": everything committed).
  const deleted = await admin.deleteRecords("events", 40, [0]);
  assert.deepEqual(deleted, [{ partition: 0, logStartOffset: 40, error: null }]);
  const viaCli = await cli([
    "--bootstrap",
    c.bootstrap,
    "--json",
    "topics",
    "delete-records",
    "events",
    "--before",
    "end",
    "--partition",
    "1",
  ]);
  assert.equal(viaCli.code, 0, viaCli.stderr);
  assert.deepEqual(JSON.parse(viaCli.stdout).partitions, [{ partition: 1, logStartOffset: 100, error: null }]);
  assert.deepEqual(await earliest(), { 0: 40, 1: 100 });

  // A reader from the beginning starts at the new log start.
  const reader = client.consumer({ autoOffsetReset: "earliest" });
  reader.assign([{ topic: "events", partition: 0 }]);
  const first = await (async () => {
    for await (const r of reader) return r;
  })();
  await reader.close();
  assert.equal(first?.offset, 40);
  assert.equal(first?.value?.toString(), "p0-40");

  // Followers follow: stop partition 0's leader (SIGTERM); the new leader starts at 40.
  const leader = (await admin.describeTopic("events")).partitions[0]!.leader!;
  await c.broker(leader).stop();
  await waitFor(
    async () => {
      const p = (await admin.describeTopic("events")).partitions[0];
      return p?.leader !== null && p?.leader !== leader;
    },
    { description: "a new leader for events-0", timeoutMs: 30_000 },
  );
  await waitFor(async () => (await earliest())[0] === 40, {
    description: "the new leader's log start is 40",
    timeoutMs: 40_000,
  });

  // The start survives a restart of the broker that had it.
  await c.broker(leader).restart();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
    description: "the stopped broker back",
    timeoutMs: 30_000,
  });
  await waitFor(async () => (await admin.describeTopic("events")).partitions[0]?.isr.includes(leader), {
    description: "the restarted broker back in the ISR of events-0",
    timeoutMs: 30_000,
  });
  const elected = await admin.electLeaders([{ topic: "events", partitions: [0] }]);
  assert.ok(
    elected.every((r) => r.error === null || isTidelogError(r.error, "ELECTION_NOT_NEEDED")),
    String(elected[0]?.error),
  );
  await waitFor(async () => (await admin.describeTopic("events")).partitions[0]?.leader === leader, {
    description: "the restarted broker leads events-0 again",
    timeoutMs: 20_000,
  });
  assert.deepEqual(await earliest(), { 0: 40, 1: 100 });
});
