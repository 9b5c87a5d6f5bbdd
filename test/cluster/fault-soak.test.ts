// The SDK's own producer (idempotent, acks=all, retries, up to five batches in flight per
// partition) under a rotating schedule of faults, with replication factor 3 and
// min.insync.replicas=2: kill -9 of a leader and its restart, a follower paused past
// replica.lag.time.max.ms (out of the ISR, then back), and a leader paused past its
// session (a new leader elected while the old one is frozen, then thawed). Production
// never stops; every send is recorded as acknowledged (with its offset), failed or
// unknown, every record is read back with the SDK's consumer, and the checker proves:
// nothing acknowledged lost, nothing written twice, no two records at one offset, offsets
// in order, every acknowledgement at the offset it named.
//
// In the suite: one round of the three faults (about a minute). `TIDELOG_SLOW=1 npm test`
// repeats the rounds for TIDELOG_SOAK_SECONDS (default 300).
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Admin, Client, isTidelogError } from "@tidelog/client";
import { DeliveryChecker } from "./delivery-checker.js";
import { faultBrokerConfig, LAG_MS, SESSION_MS } from "./fault-config.js";
import { type ClusterHandle, startCluster, waitFor } from "./harness.js";

const TOPIC = "soak";
const PARTITIONS = 3;
const SOAK_SECONDS = process.env.TIDELOG_SLOW === "1" ? Number(process.env.TIDELOG_SOAK_SECONDS ?? 300) : 0;
/** Records sent per 5 ms tick (about 2,000 a second), and the most left unanswered. */
const RECORDS_PER_TICK = 10;
const PENDING_MAX = 500;

interface Fault {
  readonly name: string;
  inject(c: ClusterHandle, admin: Admin): Promise<string>;
}

/** The leader of `partition` once it has one, and it is not `not` (a broker just made to fail). */
async function leaderOf(admin: Admin, partition: number, not: number | null = null): Promise<number> {
  return waitFor(
    async () => {
      const leader = (await admin.describeTopic(TOPIC)).partitions[partition]?.leader ?? null;
      return leader !== null && leader !== not ? leader : null;
    },
    {
      description: `a leader${not === null ? "" : ` other than ${not}`} for partition ${partition}`,
      timeoutMs: SESSION_MS + 15_000,
    },
  );
}

/** Every partition led and fully in sync again: the next fault starts from a healthy cluster. */
async function healed(admin: Admin): Promise<void> {
  await waitFor(
    async () => (await admin.describeTopic(TOPIC)).partitions.every((p) => p.leader !== null && p.isr.length === 3),
    { description: "every partition led, with all three replicas in sync", timeoutMs: 60_000 },
  );
}

const FAULTS: readonly Fault[] = [
  {
    name: "kill -9 of a leader, then restart",
    async inject(c, admin) {
      const victim = await leaderOf(admin, 0);
      await c.broker(victim).kill();
      await leaderOf(admin, 0, victim);
      await c.broker(victim).restart();
      return `kill -9 of broker ${victim}`;
    },
  },
  {
    name: "a follower paused past the lag limit, then resumed",
    async inject(c, admin) {
      const leader = await leaderOf(admin, 1);
      const follower = c.brokers.find((b) => b.id !== leader)!;
      await follower.pause();
      await waitFor(async () => !(await admin.describeTopic(TOPIC)).partitions[1]?.isr.includes(follower.id), {
        description: `broker ${follower.id} out of partition 1's ISR`,
        timeoutMs: LAG_MS + 15_000,
      });
      await follower.resume();
      return `SIGSTOP of follower ${follower.id} until it left the ISR`;
    },
  },
  {
    name: "a leader paused past its session, then resumed",
    async inject(c, admin) {
      const victim = await leaderOf(admin, 2);
      await c.broker(victim).pause();
      await leaderOf(admin, 2, victim);
      await c.broker(victim).resume();
      return `SIGSTOP of leader ${victim} until another was elected`;
    },
  },
];

test("the SDK producer under kill -9, a lagging follower and a frozen leader: nothing acknowledged lost, nothing duplicated", async (t) => {
  const c = await startCluster(t, {
    brokers: 3,
    brokerConfig: faultBrokerConfig({ "replica.fetch.wait.max.ms": "100", "min.insync.replicas": "2" }),
  });
  const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 20_000, attemptTimeoutMs: 1500 });
  t.after(() => client.close());
  const admin = client.admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
    description: "3 brokers",
    timeoutMs: 20_000,
  });
  await admin.createTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3 });
  await healed(admin);

  const checker = new DeliveryChecker();
  const producer = client.producer({ acks: -1, lingerMs: 5, deliveryTimeoutMs: 90_000 });
  const pending = new Set<Promise<void>>();
  let producing = true;
  let seq = 0;
  let acked = 0;
  const writer = (async () => {
    while (producing) {
      for (let i = 0; i < RECORDS_PER_TICK; i++) {
        const partition = seq % PARTITIONS;
        const value = `v${seq++}`;
        checker.sending(partition, value);
        const settled = producer
          .send(TOPIC, { value, partition })
          .then(
            (report) => {
              acked++;
              checker.settled(value, { status: "acked", offset: report.offset });
            },
            (e: unknown) =>
              checker.settled(value, isTidelogError(e) ? { status: "failed", code: e.code } : { status: "unknown" }),
          )
          .finally(() => pending.delete(settled));
        pending.add(settled);
      }
      if (pending.size >= PENDING_MAX) await Promise.race(pending);
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();

  const injected: string[] = [];
  const soakUntil = Date.now() + SOAK_SECONDS * 1000;
  do {
    for (const fault of FAULTS) {
      const before = acked;
      await waitFor(() => acked >= before + 1000, {
        description: `1,000 records acknowledged before "${fault.name}"`,
        timeoutMs: 60_000,
      });
      injected.push(await fault.inject(c, admin));
      await healed(admin);
    }
  } while (Date.now() < soakUntil);
  producing = false;
  await writer;
  await Promise.all([...pending]);
  await producer.close();

  // Read every partition back to its end with the SDK's consumer.
  const tps = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: TOPIC, partition }));
  const probe = client.consumer();
  probe.assign(tps);
  for (const tp of tps) probe.seek(tp, "latest");
  const ends = await Promise.all(tps.map((tp) => probe.position(tp)));
  await probe.close();
  const reader = client.consumer({ autoOffsetReset: "earliest" });
  reader.assign(tps);
  const next = tps.map(() => 0);
  const done = () => next.every((n, p) => n >= ends[p]!);
  if (!done()) {
    const timer = setTimeout(() => reader.stop(), 120_000);
    await reader.run({
      eachBatch: (batch) => {
        for (const r of batch.records) checker.read(r.partition, r.offset, r.value?.toString() ?? "");
        next[batch.partition] = batch.records[batch.records.length - 1]!.offset + 1;
        if (done()) reader.stop();
      },
    });
    clearTimeout(timer);
  }
  await reader.close();
  assert.ok(done(), `read to ${next} of ${ends}`);

  const report = checker.check();
  t.diagnostic(
    `sent ${report.sent}, acknowledged ${report.acked}, failed ${report.failed}, unknown ${report.unknown}, ` +
      `faults injected ${injected.length} (${injected.join("; ")}), consumed ${report.consumed}, ` +
      `lost ${report.lost.length}, duplicated ${report.duplicated.length}`,
  );
  assert.deepEqual(report.lost, [], "no acknowledged record lost");
  assert.deepEqual(report.duplicated, [], "no record at two offsets (idempotence)");
  assert.deepEqual(report.offsetConflicts, [], "no two records at one offset");
  assert.deepEqual(report.outOfOrder, [], "offsets increase");
  assert.deepEqual(report.misplaced, [], "every acknowledgement names the record's offset");
  assert.ok(injected.length >= FAULTS.length, `${injected.length} faults injected`);
  assert.ok(report.acked > report.sent * 0.9, `most sends acknowledged: ${report.acked} of ${report.sent}`);
});
