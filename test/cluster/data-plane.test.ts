// The data plane against real brokers: produce and fetch round trips, acks=all answered
// only past the high watermark so an acknowledged record survives kill -9 of its leader,
// idempotent retries that never append twice, min.insync.replicas enforced, and the ISR
// shrinking when a follower stops and growing back when it catches up.
import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import { Client } from "@tidelog/client";
import { startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { faultBrokerConfig, LAG_MS, SESSION_MS } from "./fault-config.js";
import { batch, RawBroker } from "./raw-client.js";

async function cluster(t: TestContext, extra: Record<string, string> = {}) {
  const c = await startCluster(t, {
    brokers: 3,
    brokerConfig: faultBrokerConfig({ "replica.fetch.wait.max.ms": "200", ...extra }),
  });
  // Short attempts: a paused broker in the bootstrap list must cost one attempt, not a stall.
  const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 20_000, attemptTimeoutMs: 1500 });
  const raws: RawBroker[] = [];
  t.after(async () => {
    for (const r of raws) r.close();
    await client.close();
  });
  await waitFor(async () => (await client.admin().describeCluster()).brokers.length === 3, {
    description: "3 brokers",
    timeoutMs: 20_000,
  });
  const raw = (id: number) => {
    const r = new RawBroker(c.broker(id).address);
    raws.push(r);
    return r;
  };
  return { c, admin: client.admin(), raw };
}

async function leaderOf(admin: ReturnType<Client["admin"]>, topic: string, partition = 0): Promise<number> {
  return waitFor(
    async () => {
      const p = (await admin.describeTopic(topic)).partitions[partition];
      return p?.leader ?? null;
    },
    { description: `a leader for ${topic}-${partition}`, timeoutMs: 15_000 },
  ) as Promise<number>;
}

describe("produce and fetch", () => {
  test("records produced with acks=1 come back in order with their offsets; list offsets agrees", async (t) => {
    const { c, admin, raw } = await cluster(t);
    await admin.createTopic({ name: "plain", partitions: 1, replicationFactor: 1 });
    const leader = raw(await leaderOf(admin, "plain"));
    const first = await leader.produceWhenReady("plain", 0, batch(["a", "b", "c"]), 1);
    const second = await leader.produce("plain", 0, batch(["d"]), 1);
    assert.deepEqual([first.error?.code, first.baseOffset, second.baseOffset], [0, 0, 3]);
    assert.deepEqual(
      await leader.readValues("plain", 0),
      ["a", "b", "c", "d"].map((value, offset) => ({ offset, value })),
    );
    assert.equal((await leader.listOffset("plain", 0, -1)).offset, 4);
    assert.equal((await leader.listOffset("plain", 0, -2)).offset, 0);
    const notLeader = raw(c.brokers.find((b) => b.address !== leader.address)?.id as number);
    assert.equal(
      (await notLeader.produce("plain", 0, batch(["x"]), 1)).error?.code,
      3,
      "a broker without the partition says UNKNOWN_TOPIC_OR_PARTITION",
    );
  });

  test("a long-poll fetch returns as soon as data arrives", async (t) => {
    const { admin, raw } = await cluster(t);
    await admin.createTopic({ name: "poll", partitions: 1, replicationFactor: 1 });
    const leader = raw(await leaderOf(admin, "poll"));
    await leader.produceWhenReady("poll", 0, batch(["first"]), 1);
    const started = Date.now();
    const pending = leader.fetch("poll", 0, 1, 5000);
    await new Promise((r) => setTimeout(r, 200));
    await leader.produce("poll", 0, batch(["late"]), 1);
    const res = await pending;
    assert.ok(res.records.length > 0);
    assert.ok(Date.now() - started < 4000, "answered on arrival, not at max wait");
  });
});

describe("replication", () => {
  test("acks=all is answered past the high watermark, and acknowledged records survive kill -9 of the leader", async (t) => {
    const { c, admin, raw } = await cluster(t, { "min.insync.replicas": "2" });
    await admin.createTopic({ name: "safe", partitions: 1, replicationFactor: 3 });
    const leaderId = await leaderOf(admin, "safe");
    const leader = raw(leaderId);
    const acked: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await leader.produceWhenReady("safe", 0, batch([`r${i}`]), -1);
      assert.equal(res.error?.code, 0, res.error?.message);
      acked.push(`r${i}`);
    }
    assert.equal((await leader.fetch("safe", 0, 0)).highWatermark, 20);
    await c.broker(leaderId).kill();
    const newLeaderId = await waitFor(
      async () => {
        const p = (await admin.describeTopic("safe")).partitions[0];
        return p && p.leader !== null && p.leader !== leaderId ? p.leader : null;
      },
      { description: "a new leader", timeoutMs: 15_000 },
    );
    const values = await waitFor(
      async () => {
        const v = (await raw(newLeaderId).readValues("safe", 0)).map((r) => r.value);
        return v.length >= acked.length ? v : null;
      },
      { description: "acknowledged records readable from the new leader", timeoutMs: 10_000 },
    );
    assert.deepEqual(values.slice(0, acked.length), acked, "no acknowledged record lost, none duplicated");
  });

  test("an idempotent retry is answered with the original offset and appended once", async (t) => {
    const { c, admin, raw } = await cluster(t);
    await admin.createTopic({ name: "idem", partitions: 1, replicationFactor: 3 });
    const leader = raw(await leaderOf(admin, "idem"));
    const { producerId, producerEpoch } = await leader.initProducerId();
    assert.ok(producerId >= 0);
    const one = batch(["once"], { id: producerId, epoch: producerEpoch, seq: 0 });
    const first = await leader.produceWhenReady("idem", 0, Buffer.from(one), -1);
    const retry = await leader.produce("idem", 0, Buffer.from(one), -1);
    assert.deepEqual([first.baseOffset, retry.baseOffset], [0, 0], JSON.stringify([first.error, retry.error]));
    const gap = await leader.produce("idem", 0, batch(["gap"], { id: producerId, epoch: producerEpoch, seq: 5 }), -1);
    assert.equal(gap.error?.code, 45, "OUT_OF_ORDER_SEQUENCE_NUMBER");
    assert.deepEqual(
      (await leader.readValues("idem", 0)).map((r) => r.value),
      ["once"],
    );
    const other = await raw(c.brokers[0]?.id as number).initProducerId();
    assert.notEqual(other.producerId, producerId, "producer ids are unique across brokers");
  });

  test("a stopped follower leaves the ISR; min.insync.replicas then refuses acks=all; it rejoins after catching up", async (t) => {
    const { c, admin, raw } = await cluster(t, { "min.insync.replicas": "3" });
    await admin.createTopic({ name: "isr", partitions: 1, replicationFactor: 3 });
    const leaderId = await leaderOf(admin, "isr");
    const leader = raw(leaderId);
    assert.equal((await leader.produceWhenReady("isr", 0, batch(["all three"]), -1)).error?.code, 0);
    const follower = c.brokers.find((b) => b.id !== leaderId) as (typeof c.brokers)[number];
    await follower.pause();
    await leader.produce("isr", 0, batch(["while paused"]), 1);
    await waitFor(async () => !(await admin.describeTopic("isr")).partitions[0]?.isr.includes(follower.id), {
      description: `broker ${follower.id} out of the ISR`,
      timeoutMs: LAG_MS + 8000,
    });
    const refused = await leader.produce("isr", 0, batch(["refused"]), -1);
    assert.equal(refused.error?.code, 19, `NOT_ENOUGH_REPLICAS: ${refused.error?.message}`);
    await follower.resume();
    await waitFor(async () => (await admin.describeTopic("isr")).partitions[0]?.isr.includes(follower.id), {
      description: `broker ${follower.id} back in the ISR`,
      timeoutMs: SESSION_MS + 15_000,
    });
    assert.equal((await leader.produce("isr", 0, batch(["after rejoin"]), -1)).error?.code, 0);
  });

  test("a paused leader, resumed after a new leader took over, neither accepts nor acknowledges writes for its old epoch", async (t) => {
    const { c, admin, raw } = await cluster(t, { "min.insync.replicas": "2" });
    await admin.createTopic({ name: "zombie", partitions: 1, replicationFactor: 3 });
    const oldId = await leaderOf(admin, "zombie");
    const old = raw(oldId);
    assert.equal((await old.produceWhenReady("zombie", 0, batch(["before"]), -1)).error?.code, 0);
    await c.broker(oldId).pause();
    const newId = await waitFor(
      async () => {
        const p = (await admin.describeTopic("zombie")).partitions[0];
        return p?.leader !== null && p?.leader !== oldId ? p?.leader : null;
      },
      { description: "a new leader", timeoutMs: SESSION_MS + 10_000 },
    );
    assert.equal((await raw(newId as number).produceWhenReady("zombie", 0, batch(["new epoch"]), -1)).error?.code, 0);
    await c.broker(oldId).resume();
    // At once, before it has caught up with the metadata: it must refuse, not append.
    const stale = await old.produce("zombie", 0, batch(["zombie write"]), 1);
    assert.equal(stale.error?.code, 6, `NOT_LEADER_OR_FOLLOWER from the old leader: ${JSON.stringify(stale.error)}`);
    const values = (await raw(newId as number).readValues("zombie", 0)).map((r) => r.value);
    assert.deepEqual(values, ["before", "new epoch"]);
  });

  test("a follower whose log diverged truncates to the leader's epoch boundary and converges", async (t) => {
    const { c, admin, raw } = await cluster(t);
    await admin.createTopic({ name: "fork", partitions: 1, replicationFactor: 3 });
    const firstId = await leaderOf(admin, "fork");
    const first = raw(firstId);
    assert.equal((await first.produceWhenReady("fork", 0, batch(["shared"]), -1)).error?.code, 0);
    // Followers stop fetching (shorter than the lag limit, so they stay in the ISR) while
    // the leader takes writes with acks=1 that nobody else has; then the leader dies.
    const followers = c.brokers.filter((b) => b.id !== firstId);
    await Promise.all(followers.map((f) => f.pause()));
    for (const v of ["only-on-old-leader-1", "only-on-old-leader-2"]) {
      assert.equal((await first.produce("fork", 0, batch([v]), 1)).error?.code, 0);
    }
    await c.broker(firstId).kill();
    await Promise.all(followers.map((f) => f.resume()));
    const secondId = await waitFor(
      async () => {
        const p = (await admin.describeTopic("fork")).partitions[0];
        return p?.leader !== null && p?.leader !== firstId ? p?.leader : null;
      },
      { description: "a new leader from the ISR", timeoutMs: SESSION_MS + 10_000 },
    );
    const second = raw(secondId as number);
    assert.equal((await second.produceWhenReady("fork", 0, batch(["after failover"]), -1)).error?.code, 0);
    // The old leader comes back as a follower with two records the new leader never had.
    await c.broker(firstId).restart();
    await c.broker(firstId).waitForLog((r) => r.json?.msg === "log diverged from the leader; truncating", 15_000);
    // A follower's long-poll fetch may already have been waiting at the old leader when it
    // was paused, so the first acks=1 record may have reached it; the second cannot have.
    const expected = (await second.readValues("fork", 0)).map((r) => r.value);
    assert.equal(expected[0], "shared");
    assert.equal(expected[expected.length - 1], "after failover");
    assert.ok(!expected.includes("only-on-old-leader-2"), `the new leader never had it: ${expected}`);
    await waitFor(async () => (await admin.describeTopic("fork")).partitions[0]?.isr.includes(firstId), {
      description: `broker ${firstId} back in the ISR after truncating`,
      timeoutMs: 20_000,
    });
    // Make the restarted broker the leader to read its log: it must hold exactly the leader's records.
    await c.broker(secondId as number).kill();
    const third = await waitFor(
      async () => {
        const p = (await admin.describeTopic("fork")).partitions[0];
        return p?.leader === firstId ? firstId : null;
      },
      { description: `broker ${firstId} leading`, timeoutMs: SESSION_MS + 15_000 },
    );
    const values = await waitFor(
      async () => {
        const v = (await raw(third).readValues("fork", 0)).map((r) => r.value);
        return v.length >= expected.length ? v : null;
      },
      { description: "the converged log readable", timeoutMs: 10_000 },
    );
    assert.deepEqual(values, expected, "the diverged records are gone, the leader's are there");
  });
});
