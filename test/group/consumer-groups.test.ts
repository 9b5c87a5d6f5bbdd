// Consumer groups against real brokers and real member processes: exclusive ownership
// through joins and a kill -9, resuming at the last commit after a crash, and the
// coordinator's broker killed under a running group.
import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import { Client } from "@tidelog/client";
import { startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { assertExclusiveOwnership, type MemberEvent, startMember } from "../../scripts/harness/group-members.js";

const SESSION_MS = 3000;
const MEMBER_SESSION_MS = 4000;

async function cluster(t: TestContext) {
  const c = await startCluster(t, {
    brokers: 3,
    brokerConfig: {
      "broker.session.timeout.ms": String(SESSION_MS),
      "controller.session.timeout.ms": String(SESSION_MS),
      "replica.lag.time.max.ms": "2000",
      "replica.fetch.wait.max.ms": "200",
      "offsets.topic.num.partitions": "6",
      "group.consumer.heartbeat.interval.ms": "300",
    },
  });
  const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 20_000, attemptTimeoutMs: 1500 });
  t.after(() => client.close());
  await waitFor(async () => (await client.admin().describeCluster()).brokers.length === 3, {
    description: "3 brokers",
    timeoutMs: 20_000,
  });
  return { c, client, admin: client.admin() };
}

async function produce(client: Client, topic: string, partitions: number, perPartition: number, tag: string) {
  const producer = client.producer({ acks: -1, lingerMs: 2 });
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < perPartition; i++) {
    for (let p = 0; p < partitions; p++) sends.push(producer.send(topic, { value: `${tag}-${p}-${i}`, partition: p }));
  }
  await Promise.all(sends);
  await producer.close();
}

function owners(members: { name: string; owned(): Set<number> }[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const m of members) for (const p of m.owned()) out.set(p, [...(out.get(p) ?? []), m.name]);
  return out;
}

describe("consumer groups", () => {
  test("three members share six partitions; a join moves only what it must; a kill -9 moves after the session timeout", async (t) => {
    const { c, client, admin } = await cluster(t);
    await admin.createTopic({ name: "orders", partitions: 6, replicationFactor: 3 });
    const all: MemberEvent[] = [];
    const settings = {
      bootstrap: c.bootstrap,
      groupId: "billing",
      topic: "orders",
      sessionTimeoutMs: MEMBER_SESSION_MS,
    };
    const a = startMember(t, "a", settings, all);
    const b = startMember(t, "b", settings, all);
    await waitFor(() => a.owned().size + b.owned().size === 6 && a.owned().size === 3, {
      description: "a and b own three partitions each",
      timeoutMs: 30_000,
    });
    await produce(client, "orders", 6, 20, "first");
    const before = { a: a.owned(), b: b.owned() };
    const joinAt = performance.timeOrigin + performance.now();
    const m3 = startMember(t, "c", settings, all);
    await waitFor(() => [a, b, m3].every((m) => m.owned().size === 2), {
      description: "2 partitions each after the join",
      timeoutMs: 30_000,
    });
    // Members already in the group gave up exactly one partition each and kept the rest.
    for (const [m, had] of [
      [a, before.a],
      [b, before.b],
    ] as const) {
      const revokedSinceJoin = m.events
        .filter((e) => e.event === "revoked" && e.at > joinAt)
        .flatMap((e) => e.partitions ?? []);
      assert.equal(revokedSinceJoin.length, 1, `${m.name} revoked ${revokedSinceJoin}`);
      for (const p of m.owned()) assert.ok(had.has(p), `${m.name} kept its partitions`);
    }
    await produce(client, "orders", 6, 20, "second");
    await waitFor(() => all.filter((e) => e.event === "record").length >= 240, {
      description: "all 240 records consumed",
      timeoutMs: 30_000,
    });

    const victim = m3.owned();
    const killedAt = Date.now();
    await m3.kill9();
    await waitFor(() => a.owned().size + b.owned().size === 6, {
      description: "the killed member's partitions moved",
      timeoutMs: 30_000,
    });
    const movedAfterMs = Date.now() - killedAt;
    assert.ok(movedAfterMs >= MEMBER_SESSION_MS - 500, `moved after ${movedAfterMs} ms, before the session timeout`);
    for (const p of victim) assert.ok(a.owned().has(p) || b.owned().has(p));
    assertExclusiveOwnership(all);
    assert.deepEqual(
      [...owners([a, b]).values()].filter((o) => o.length > 1),
      [],
    );

    const described = await admin.describeGroup("billing");
    assert.equal(described.state, "stable");
    assert.equal(described.members.length, 2);
  });

  test("a member that crashes after committing: its successor resumes at the last commit, no gap", async (t) => {
    const { c, client, admin } = await cluster(t);
    await admin.createTopic({ name: "ledger", partitions: 2, replicationFactor: 3 });
    await produce(client, "ledger", 2, 200, "x");
    const all: MemberEvent[] = [];
    const settings = {
      bootstrap: c.bootstrap,
      groupId: "ledger-readers",
      topic: "ledger",
      sessionTimeoutMs: MEMBER_SESSION_MS,
      autoCommitIntervalMs: 200,
      handlerDelayMs: 5,
    };
    const first = startMember(t, "first", settings, all);
    const consumer = client.consumer({ groupId: "ledger-readers" });
    t.after(() => consumer.close());
    const tps = [0, 1].map((partition) => ({ topic: "ledger", partition }));
    // Kill it mid-stream, once some positions are committed and records past them were read.
    await waitFor(async () => (await consumer.committed(tps)).some((p) => p.offset >= 20), {
      description: "a first commit",
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    await first.kill9();
    const committed = await consumer.committed(tps);
    assert.ok(first.records().length < 400, "killed before it read everything");
    const second = startMember(t, "second", { ...settings, handlerDelayMs: 0 }, all);
    const remaining = committed.reduce((n, p) => n + 200 - Math.max(0, p.offset), 0);
    await waitFor(() => second.records().length >= remaining, {
      description: "the second member read to the end",
      timeoutMs: 40_000,
      intervalMs: 200,
    });
    for (const { partition, offset } of committed) {
      const resumed = second.records().filter((r) => r.partition === partition);
      const start = offset < 0 ? 0 : offset;
      assert.equal(resumed[0]?.offset, start < 200 ? start : undefined, `partition ${partition} resumes at ${start}`);
      const seen = new Set(
        [...first.records(), ...second.records()].filter((r) => r.partition === partition).map((r) => r.offset),
      );
      for (let o = 0; o < 200; o++) assert.ok(seen.has(o), `offset ${o} of partition ${partition} was read`);
      // Read twice only between the last commit and the crash.
      const firstMax = Math.max(
        -1,
        ...first
          .records()
          .filter((r) => r.partition === partition)
          .map((r) => r.offset as number),
      );
      const twice = second.records().filter((r) => r.partition === partition && (r.offset as number) <= firstMax);
      assert.ok(
        twice.every((r) => (r.offset as number) >= start),
        "duplicates only in the uncommitted window",
      );
    }
  });

  test("the coordinator's broker is killed: another takes over, offsets intact, members carry on", async (t) => {
    const { c, client, admin } = await cluster(t);
    await admin.createTopic({ name: "events", partitions: 4, replicationFactor: 3 });
    const all: MemberEvent[] = [];
    const settings = {
      bootstrap: c.bootstrap,
      groupId: "survivors",
      topic: "events",
      sessionTimeoutMs: 8000,
      autoCommitIntervalMs: 200,
    };
    const a = startMember(t, "a", settings, all);
    const b = startMember(t, "b", settings, all);
    await waitFor(() => a.owned().size + b.owned().size === 4, {
      description: "4 partitions owned",
      timeoutMs: 30_000,
    });
    await produce(client, "events", 4, 25, "before");
    await waitFor(() => all.filter((e) => e.event === "record").length >= 100, {
      description: "100 records read",
      timeoutMs: 30_000,
    });
    const reader = client.consumer({ groupId: "survivors" });
    t.after(() => reader.close());
    const tps = [0, 1, 2, 3].map((partition) => ({ topic: "events", partition }));
    await waitFor(async () => (await reader.committed(tps)).every((p) => p.offset === 25), {
      description: "offsets committed at 25",
      timeoutMs: 20_000,
    });
    const coordinator = (await admin.describeGroup("survivors")).coordinatorId;
    await c.broker(coordinator).kill();
    await waitFor(
      async () => {
        const d = await admin.describeGroup("survivors").catch((e: unknown) => {
          if (process.env.TIDELOG_TEST_DEBUG) console.error("describe", (e as Error).message);
          return null;
        });
        return d !== null && d.coordinatorId !== coordinator;
      },
      {
        description: "a new coordinator",
        timeoutMs: 30_000,
      },
    );
    assert.deepEqual(
      (await reader.committed(tps)).map((p) => p.offset),
      [25, 25, 25, 25],
      "committed offsets survive the coordinator",
    );
    await produce(client, "events", 4, 25, "after");
    await waitFor(() => all.filter((e) => e.event === "record" && String(e.value).startsWith("after")).length >= 100, {
      description: "members read what was produced after the failover",
      timeoutMs: 40_000,
    });
    assertExclusiveOwnership(all);
    await waitFor(async () => (await reader.committed(tps)).every((p) => p.offset === 50), {
      description: "commits continue at the new coordinator",
      timeoutMs: 20_000,
    });
  });
});
