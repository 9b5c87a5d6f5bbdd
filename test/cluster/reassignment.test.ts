// Partition reassignment against real etcd and broker processes: a StatefulSet scaled up
// gets a broker that holds nothing; moving replicas onto it (off a partition's leader,
// under a continuous idempotent acks=all producer) must lose nothing and fail no send,
// and the replica that left must delete its log. A throttled move stays in progress, can
// be cancelled (the added replica deletes its copy), and survives a kill -9 of the
// controller: the next controller completes it once the throttle is lifted.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Admin, Client } from "@tidelog/client";
import { waitFor } from "../../scripts/harness/cluster.js";
import { startFaultCluster } from "./fault-cluster.js";
import { faultBrokerConfig } from "./fault-config.js";

const TOPIC = "moves";

async function replicasOf(admin: Admin, partition: number) {
  const p = (await admin.describeTopic(TOPIC)).partitions[partition];
  assert.ok(p, `partition ${partition} exists`);
  return p;
}

async function holds(admin: Admin, broker: number, partition: number): Promise<boolean> {
  const [dirs] = await admin.describeLogDirs([broker]);
  assert.equal(dirs?.error, null, `broker ${broker} described its logs`);
  return (dirs?.replicas ?? []).some((r) => r.topic === TOPIC && r.partition === partition);
}

/** Every acknowledged (offset, value) of `partition` read back from its current leader. */
async function lostWrites(client: Client, partition: number, acked: ReadonlyMap<number, string>): Promise<string[]> {
  if (acked.size === 0) return [];
  const consumer = client.consumer({ autoOffsetReset: "earliest" });
  consumer.assign([{ topic: TOPIC, partition }]);
  const stored = new Map<number, string>();
  const last = Math.max(...acked.keys());
  const timer = setTimeout(() => consumer.stop(), 20_000);
  try {
    for await (const r of consumer) {
      stored.set(r.offset, r.value?.toString() ?? "");
      if (r.offset >= last) break;
    }
  } finally {
    clearTimeout(timer);
    await consumer.close();
  }
  return [...acked].filter(([o, v]) => stored.get(o) !== v).map(([o, v]) => `${v}@${o}: ${stored.get(o) ?? "none"}`);
}

test("replicas move onto a new broker and off a leader with no lost write and no failed send; a throttled move is cancelled, then survives a controller kill", async (t) => {
  const { c, client, admin } = await startFaultCluster(t, { "min.insync.replicas": "2" });
  await admin.createTopic({ name: TOPIC, partitions: 2, replicationFactor: 3 });
  await c.addBroker(4, faultBrokerConfig({ "min.insync.replicas": "2" }));
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 4, {
    description: "broker 4 registered",
    timeoutMs: 20_000,
  });
  const led = async (p: number) => {
    const d = await replicasOf(admin, p);
    return d.leader !== null && d.isr.length === d.replicas.length;
  };
  await waitFor(async () => (await led(0)) && (await led(1)), {
    description: "both led, all in sync",
    timeoutMs: 20_000,
  });
  assert.equal(await holds(admin, 4, 0), false, "the new broker holds nothing yet");

  // ---- 1. a move off the leader, onto the new broker, under load.
  const producer = client.producer({ acks: -1, lingerMs: 0 });
  t.after(() => producer.close());
  const acked = [new Map<number, string>(), new Map<number, string>()];
  const failures: string[] = [];
  let sending = true;
  const loop = (async () => {
    for (let i = 0; sending; i++) {
      const partition = i % 2;
      try {
        const r = await producer.send(TOPIC, { value: `v${i}`, partition });
        acked[partition]?.set(r.offset, `v${i}`);
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
  })();
  await waitFor(() => (acked[0]?.size ?? 0) > 50, { description: "writes flowing", timeoutMs: 20_000 });

  const before = await replicasOf(admin, 0);
  const oldLeader = before.leader as number;
  const target = [4, ...before.replicas.filter((b) => b !== oldLeader)];
  const [started] = await admin.alterPartitionReassignments([{ topic: TOPIC, partition: 0, replicas: target }]);
  assert.equal(started?.error, null);
  await waitFor(async () => (await admin.listPartitionReassignments()).reassignments.length === 0, {
    description: "the move completed",
    timeoutMs: 40_000,
  });
  const after = await replicasOf(admin, 0);
  assert.deepEqual(after.replicas, target, "the target is the replica list");
  assert.deepEqual([...after.isr].sort(), [...target].sort(), "every target replica is in sync");
  assert.ok(after.leader !== null && after.leader !== oldLeader && target.includes(after.leader));
  await waitFor(async () => !(await holds(admin, oldLeader, 0)), {
    description: `broker ${oldLeader} deleted its log`,
    timeoutMs: 20_000,
  });
  assert.ok(await holds(admin, 4, 0), "the new broker holds the partition");
  const moreThan = acked[0]?.size ?? 0;
  await waitFor(() => (acked[0]?.size ?? 0) > moreThan + 20, {
    description: "writes after the move",
    timeoutMs: 20_000,
  });
  sending = false;
  await loop;
  assert.deepEqual(failures, [], "no send failed");
  assert.deepEqual(await lostWrites(client, 0, acked[0] as Map<number, string>), [], "no acknowledged write lost");

  // ---- 2. a throttled move stays in progress and can be cancelled.
  const payload = Buffer.alloc(1000, 0x61);
  for (let i = 0; i < 20; i++)
    await producer.send(
      TOPIC,
      Array.from({ length: 100 }, () => ({ value: payload, partition: 1 })),
    );
  const { replicas: original, leader: leader1 } = await replicasOf(admin, 1);
  const leaving = original.find((b) => b !== leader1) as number;
  const throttledTarget = [...original.filter((b) => b !== leaving), 4];
  const [throttled] = await admin.alterPartitionReassignments(
    [{ topic: TOPIC, partition: 1, replicas: throttledTarget }],
    { throttleBytesPerSecond: 20_000 },
  );
  assert.equal(throttled?.error, null);
  await waitFor(async () => holds(admin, 4, 1), { description: "broker 4 started its copy", timeoutMs: 20_000 });
  await new Promise((r) => setTimeout(r, 2000));
  const listing = await admin.listPartitionReassignments([TOPIC]);
  assert.equal(listing.throttleBytesPerSecond, 20_000);
  assert.deepEqual(
    listing.reassignments.map((r) => ({
      partition: r.partition,
      adding: r.addingReplicas,
      removing: r.removingReplicas,
    })),
    [{ partition: 1, adding: [4], removing: [leaving] }],
    "2 MB at 20 kB/s is still moving",
  );
  const [again] = await admin.alterPartitionReassignments([{ topic: TOPIC, partition: 1, replicas: [4, 1, 2] }]);
  assert.equal(again?.error?.code, "REASSIGNMENT_IN_PROGRESS");
  const [cancelled] = await admin.alterPartitionReassignments([{ topic: TOPIC, partition: 1, replicas: null }]);
  assert.equal(cancelled?.error, null);
  assert.deepEqual((await replicasOf(admin, 1)).replicas, original, "back to the original replicas");
  await waitFor(async () => !(await holds(admin, 4, 1)), {
    description: "broker 4 deleted its copy",
    timeoutMs: 20_000,
  });
  const [none] = await admin.alterPartitionReassignments([{ topic: TOPIC, partition: 1, replicas: null }]);
  assert.equal(none?.error?.code, "NO_REASSIGNMENT_IN_PROGRESS");

  // ---- 3. the throttled move again; the controller is killed while it runs.
  const [restarted] = await admin.alterPartitionReassignments([
    { topic: TOPIC, partition: 1, replicas: throttledTarget },
  ]);
  assert.equal(restarted?.error, null);
  const controller = (await admin.describeCluster()).controllerId as number;
  await c.broker(controller).kill();
  await c.broker(controller).restart();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 4, {
    description: "the killed controller back",
    timeoutMs: 30_000,
  });
  assert.equal((await admin.listPartitionReassignments()).reassignments.length, 1, "the move outlived its controller");
  await admin.alterPartitionReassignments([], { throttleBytesPerSecond: 0 });
  await waitFor(async () => (await admin.listPartitionReassignments()).reassignments.length === 0, {
    description: "the next controller completed the move",
    timeoutMs: 60_000,
  });
  assert.deepEqual((await replicasOf(admin, 1)).replicas, throttledTarget);
  assert.deepEqual(await lostWrites(client, 1, acked[1] as Map<number, string>), [], "no acknowledged write lost");
});
