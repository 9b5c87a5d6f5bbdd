// Controlled shutdown (Kafka's): on SIGTERM a broker has the controller move its
// leaderships to other in-sync replicas, waits until they moved, and only then
// deregisters and stops. Under a continuous idempotent acks=all producer, no send may
// fail, and the broker must have led partitions when it began (or the test proves
// nothing): every one of them moved before it stopped, none by its session expiring.
// Then automatic leader balancing: once the broker is back and in sync, the controller
// gives it back the partitions it is the preferred replica of.
import assert from "node:assert/strict";
import { test } from "node:test";
import { waitFor } from "../../scripts/harness/cluster.js";
import { startFaultCluster } from "./fault-cluster.js";

const TOPIC = "roll";
const PARTITIONS = 6;

test("SIGTERM moves the broker's leaderships to in-sync replicas before it stops, no send fails, and balancing gives them back after its restart", async (t) => {
  const { c, client, admin } = await startFaultCluster(t, {
    "min.insync.replicas": "2",
    "leader.imbalance.check.interval.seconds": "1",
  });
  await admin.createTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3 });
  const describe = async () => (await admin.describeTopic(TOPIC)).partitions;
  await waitFor(async () => (await describe()).every((p) => p.leader !== null && p.isr.length === 3), {
    description: "every partition led with all in sync",
    timeoutMs: 20_000,
  });
  const preferredLead = async () => (await describe()).every((p) => p.leader === p.replicas[0]);
  await waitFor(preferredLead, { description: "every partition led by its preferred replica", timeoutMs: 20_000 });

  const producer = client.producer({ acks: -1, lingerMs: 0 });
  t.after(() => producer.close());
  const failures: string[] = [];
  let acknowledged = 0;
  let sending = true;
  const loop = (async () => {
    for (let i = 0; sending; i++) {
      try {
        await producer.send(TOPIC, { value: `v${i}`, partition: i % PARTITIONS });
        acknowledged++;
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
  })();
  await waitFor(() => acknowledged > 50, { description: "writes flowing", timeoutMs: 20_000 });

  const counts = new Map<number, number>();
  for (const p of await describe()) if (p.leader !== null) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
  const [victim, led] = [...counts].sort((a, b) => b[1] - a[1])[0] as [number, number];
  const before = acknowledged;
  await c.broker(victim).stop("SIGTERM");
  await waitFor(() => acknowledged > before + 50, { description: "writes after the stop", timeoutMs: 30_000 });
  sending = false;
  await loop;

  assert.deepEqual(failures, [], "no send failed");
  const moved = c.broker(victim).logs.find((l) => l.json?.msg === "controlled shutdown: leaderships moved");
  assert.ok(moved, "the broker logged its controlled shutdown");
  assert.equal(moved.json?.moved, led, moved.text);
  assert.equal(moved.json?.timedOut, false, moved.text);
  assert.ok(
    (await describe()).every((p) => p.leader !== null && p.leader !== victim),
    "led by the others",
  );

  await c.broker(victim).restart();
  await waitFor(preferredLead, { description: "the preferred replicas leading again", timeoutMs: 40_000 });
  // The controller logs after etcd has the new leaders, so a describe can see them
  // before the line has come through the broker's stdout pipe: wait for it, briefly.
  const balanced = () =>
    c.brokers.some((b) => b.logs.some((l) => l.json?.msg === "leader balancing: preferred replicas lead again"));
  await waitFor(balanced, {
    description: "the controller's balancing moved them, not anything else",
    timeoutMs: 5_000,
  });
});
