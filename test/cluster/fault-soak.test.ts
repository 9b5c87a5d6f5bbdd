// The SDK's own producer (idempotent, acks=all, retries, up to five batches in flight per
// partition) under a rotating schedule of faults, with replication factor 3 and
// min.insync.replicas=2:
//
//   - kill -9 of a leader, then its restart;
//   - a follower paused (SIGSTOP) past replica.lag.time.max.ms, out of the ISR, then resumed;
//   - a leader paused past its session (a new leader elected while it is frozen), then resumed;
//   - a leader cut off from its followers by a real network fault (packets dropped inside
//     its network namespace, see network.ts) while clients and etcd still reach it, held
//     until the partition's ISR has shrunk to the leader alone, then healed;
//   - etcd killed with SIGKILL, down for a session, restarted on the same ports and data;
//   - etcd paused (SIGSTOP) for longer than the broker session, then resumed.
//
// The brokers run each in its own network namespace on a private 198.18.0.0/15 network
// (etcd and this process on the root side of it), so the cut is possible; where namespaces
// are not permitted the cluster runs on loopback and only the cut is skipped, with a
// diagnostic saying why.
//
// Production never stops; every send is recorded as acknowledged (with its offset), failed
// or unknown, every record is read back with the SDK's consumer, and the checker proves:
// nothing acknowledged lost, nothing written twice, no two records at one offset, offsets
// in order, every acknowledgement at the offset it named, and no acknowledgement that fewer
// than min.insync.replicas replicas could have held (the nemesis tells the checker when each
// broker could not receive data; describeTopic polls tell it who led).
//
// After every fault ends (restarted, resumed, healed), every partition must acknowledge a
// record sent after that instant within RECOVERY_BOUND_MS (session timeout + 10 s). Printed
// per fault kind at the end:
//   - recovery: from the heal to the acknowledgement of the first record sent after it,
//     the slowest partition (the asserted bound);
//   - write outage: the longest gap between consecutive acknowledgements on one partition
//     among the gaps that overlap [fault injected, that partition recovered].
//
// In the suite: one round of the six faults (about a minute). `TIDELOG_SLOW=1 npm test`
// repeats the rounds for TIDELOG_SOAK_SECONDS (default 300).
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { type Admin, isTidelogError, type TopicDescription } from "@tidelog/client";
import { projectRoot } from "../../scripts/bootstrap.mjs";
import { brokerCommand } from "../../scripts/cluster-launcher.mjs";
import { type ClusterHandle, startCluster, WaitForTimeoutError, waitFor } from "../../scripts/harness/cluster.js";
import { DeliveryChecker } from "./delivery-checker.js";
import { connectClient } from "./fault-cluster.js";
import { faultBrokerConfig, LAG_MS, SESSION_MS } from "./fault-config.js";
import { createTestNetwork, NetworkUnavailableError, type TestNetwork } from "./network.js";

const TOPIC = "soak";
const PARTITIONS = 3;
const MIN_INSYNC_REPLICAS = 2;
const SOAK_SECONDS = process.env.TIDELOG_SLOW === "1" ? Number(process.env.TIDELOG_SOAK_SECONDS ?? 300) : 0;
/** Records sent per 5 ms tick (about 2,000 a second), and the most left unanswered per partition. */
const RECORDS_PER_TICK = 10;
const PENDING_PER_PARTITION_MAX = 200;
/** After a fault ends, every partition acknowledges a record sent after the heal within this. */
const RECOVERY_BOUND_MS = SESSION_MS + 10_000;
/** How often describeTopic is polled for the checker's record of who led. */
const OBSERVE_INTERVAL_MS = 200;
/** Leader observations this far around a send and its acknowledgement count (see DeliveryChecker). */
const LEADER_MARGIN_MS = 2_000;
/** etcd frozen past every broker's session; etcd down for a session. */
const ETCD_PAUSE_MS = SESSION_MS + 2_000;
const ETCD_DOWN_MS = SESSION_MS;
/** A cut leader stays cut this long after its ISR shrank to itself (requests waiting then must not be acknowledged). */
const CUT_HOLD_MS = 1_000;

/** Every acknowledgement per partition, in the order they came (on the checker's clock). */
class AckLog {
  readonly byPartition: { sentMs: number; ackedMs: number }[][] = Array.from({ length: PARTITIONS }, () => []);

  add(partition: number, sentMs: number, ackedMs: number): void {
    this.byPartition[partition]!.push({ sentMs, ackedMs });
  }

  /** When the first record sent at or after `ms` was acknowledged on `partition`, if it has been. */
  firstAckOfSendAfter(partition: number, ms: number): number | undefined {
    return this.byPartition[partition]!.find((a) => a.ackedMs >= ms && a.sentMs >= ms)?.ackedMs;
  }

  /** The longest gap between consecutive acknowledgements on `partition` that overlaps [fromMs, toMs]. */
  longestGap(partition: number, fromMs: number, toMs: number): number {
    const acks = this.byPartition[partition]!;
    let longest = 0;
    for (let i = 1; i < acks.length; i++) {
      const [a, b] = [acks[i - 1]!.ackedMs, acks[i]!.ackedMs];
      if (b >= fromMs && a <= toMs) longest = Math.max(longest, b - a);
    }
    return longest;
  }
}

interface Soak {
  readonly c: ClusterHandle;
  readonly admin: Admin;
  readonly checker: DeliveryChecker;
  readonly net: TestNetwork | null;
}

interface Fault {
  readonly kind: string;
  /** Why this fault cannot run on this machine, if it cannot. */
  unavailable?(soak: Soak): string | undefined;
  /** Injects the fault and ends it (restart, resume, heal); resolves once it has ended, to what was done. */
  inject(soak: Soak): Promise<string>;
}

/** describeTopic, with every answer also given to the checker as a leader observation. */
async function describe(soak: Pick<Soak, "admin" | "checker">): Promise<TopicDescription> {
  const d = await soak.admin.describeTopic(TOPIC);
  for (const p of d.partitions) soak.checker.leaderSeen(p.partition, p.leader, p.leaderEpoch);
  return d;
}

/** The leader of `partition` once it has one, and it is not `not` (a broker just made to fail). */
async function leaderOf(soak: Soak, partition: number, not: number | null = null): Promise<number> {
  return waitFor(
    async () => {
      const leader = (await describe(soak)).partitions[partition]?.leader ?? null;
      return leader !== null && leader !== not ? leader : null;
    },
    {
      description: `a leader${not === null ? "" : ` other than ${not}`} for partition ${partition}`,
      timeoutMs: SESSION_MS + 15_000,
    },
  );
}

/** Every partition led and fully in sync again: the next fault starts from a healthy cluster. */
async function healed(soak: Soak): Promise<void> {
  await waitFor(async () => (await describe(soak)).partitions.every((p) => p.leader !== null && p.isr.length === 3), {
    description: "every partition led, with all three replicas in sync",
    timeoutMs: 60_000,
  });
}

const FAULTS: readonly Fault[] = [
  {
    kind: "kill -9 of a leader, then restart",
    async inject(soak) {
      const { c, checker } = soak;
      const victim = await leaderOf(soak, 0);
      await c.broker(victim).kill();
      const down = checker.isolate({ broker: victim, from: "all", why: "killed" });
      await leaderOf(soak, 0, victim);
      down.end();
      await c.broker(victim).restart();
      return `kill -9 of broker ${victim}`;
    },
  },
  {
    kind: "a follower paused past the lag limit, then resumed",
    async inject(soak) {
      const { c, checker } = soak;
      const leader = await leaderOf(soak, 1);
      const follower = c.brokers.find((b) => b.id !== leader)!;
      await follower.pause();
      const frozen = checker.isolate({ broker: follower.id, from: "all", why: "frozen" });
      await waitFor(async () => !(await describe(soak)).partitions[1]?.isr.includes(follower.id), {
        description: `broker ${follower.id} out of partition 1's ISR`,
        timeoutMs: LAG_MS + 15_000,
      });
      frozen.end();
      await follower.resume();
      return `SIGSTOP of follower ${follower.id} until it left the ISR`;
    },
  },
  {
    kind: "a leader paused past its session, then resumed",
    async inject(soak) {
      const { c, checker } = soak;
      const victim = await leaderOf(soak, 2);
      await c.broker(victim).pause();
      const frozen = checker.isolate({ broker: victim, from: "all", why: "frozen" });
      await leaderOf(soak, 2, victim);
      frozen.end();
      await c.broker(victim).resume();
      return `SIGSTOP of leader ${victim} until another was elected`;
    },
  },
  {
    kind: "a leader cut off from its followers (network), then healed",
    unavailable: (soak) => (soak.net === null ? "no test network (see the diagnostic above)" : undefined),
    async inject(soak) {
      const { c, checker } = soak;
      const net = soak.net!;
      const leader = await leaderOf(soak, 1);
      const followers = c.brokers.map((b) => b.id).filter((id) => id !== leader);
      const cut = await net.cut(leader, followers);
      const windows = [
        checker.isolate({ broker: leader, from: followers, why: `cut off from ${followers.join(",")}` }),
        ...followers.map((f) => checker.isolate({ broker: f, from: [leader], why: `cut off from ${leader}` })),
      ];
      try {
        await waitFor(
          async () => {
            const p = (await describe(soak)).partitions[1];
            return p?.leader === leader && p.isr.length === 1;
          },
          { description: `partition 1's ISR shrunk to its leader ${leader} alone`, timeoutMs: LAG_MS + 15_000 },
        );
        await delay(CUT_HOLD_MS);
      } finally {
        for (const w of windows) w.end();
        await cut.heal();
      }
      return `${cut.description} until partition 1's ISR was [${leader}]`;
    },
  },
  {
    kind: "etcd killed with SIGKILL, then restarted",
    async inject({ c }) {
      await c.etcd.kill();
      await delay(ETCD_DOWN_MS);
      await c.etcd.restart();
      return `kill -9 of etcd, restarted after ${ETCD_DOWN_MS} ms`;
    },
  },
  {
    kind: "etcd paused past the broker session, then resumed",
    async inject({ c }) {
      await c.etcd.pause();
      try {
        await delay(ETCD_PAUSE_MS);
      } finally {
        await c.etcd.resume();
      }
      return `SIGSTOP of etcd for ${ETCD_PAUSE_MS} ms`;
    },
  },
];

/** One fault as it happened: when it was injected and ended, and when each partition acknowledged again. */
interface FaultRun {
  readonly kind: string;
  readonly what: string;
  readonly injectedMs: number;
  readonly endedMs: number;
  readonly recoveredMs: readonly number[];
}

/** Waits until every partition has acknowledged a record sent after `endedMs`; fails past RECOVERY_BOUND_MS. */
async function awaitRecovery(soak: Soak, acks: AckLog, kind: string, endedMs: number): Promise<number[]> {
  const recovered: (number | undefined)[] = Array.from({ length: PARTITIONS }, () => undefined);
  const all = () => {
    for (let p = 0; p < PARTITIONS; p++) recovered[p] ??= acks.firstAckOfSendAfter(p, endedMs);
    return recovered.every((r) => r !== undefined);
  };
  try {
    await waitFor(all, {
      description: "every partition acknowledging a record sent after the heal",
      timeoutMs: Math.max(1, endedMs + RECOVERY_BOUND_MS - soak.checker.now()),
    });
  } catch (error) {
    if (!(error instanceof WaitForTimeoutError)) throw error;
    const waiting = recovered.flatMap((r, p) => (r === undefined ? [p] : []));
    const state = await describe(soak).then(
      (d) => d.partitions.map((p) => `${p.partition}: leader ${p.leader}, ISR [${p.isr}]`).join("; "),
      (e: unknown) => `describeTopic failed: ${e instanceof Error ? e.message : String(e)}`,
    );
    assert.fail(
      `after "${kind}" ended, partition(s) ${waiting.join(",")} acknowledged no acks=all write sent after the heal ` +
        `within ${RECOVERY_BOUND_MS} ms (session ${SESSION_MS} ms + 10 s); now ${state}`,
    );
  }
  return recovered as number[];
}

/** Per fault kind: the slowest recovery and the longest write outage over every partition and round. */
function outageTable(runs: readonly FaultRun[], acks: AckLog): string[] {
  const kinds = [...new Set(runs.map((r) => r.kind))];
  return kinds.map((kind) => {
    let recovery = { ms: 0, partition: 0 };
    let outage = { ms: 0, partition: 0 };
    const mine = runs.filter((r) => r.kind === kind);
    for (const r of mine) {
      for (let p = 0; p < PARTITIONS; p++) {
        const rec = r.recoveredMs[p]! - r.endedMs;
        if (rec > recovery.ms) recovery = { ms: rec, partition: p };
        const gap = acks.longestGap(p, r.injectedMs, r.recoveredMs[p]!);
        if (gap > outage.ms) outage = { ms: gap, partition: p };
      }
    }
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    return (
      `${kind} (x${mine.length}): longest write outage ${s(outage.ms)} (partition ${outage.partition}), ` +
      `slowest recovery after the heal ${s(recovery.ms)} (partition ${recovery.partition}; bound ${s(RECOVERY_BOUND_MS)})`
    );
  });
}

test("the SDK producer under broker kills and freezes, a network cut and etcd faults: nothing acknowledged lost, nothing duplicated, nothing under-replicated acknowledged, writes back within the bound", async (t) => {
  let net: TestNetwork | null = null;
  try {
    net = await createTestNetwork(t, [1, 2, 3]);
    t.diagnostic(`brokers in network namespaces on ${net.subnet}; cuts by ${net.cutMethodNote}`);
  } catch (error) {
    if (!(error instanceof NetworkUnavailableError)) throw error;
    t.diagnostic(`SKIPPING the network-cut fault, brokers on loopback: ${error.message}`);
  }
  const inNet = net;
  const c = await startCluster(t, {
    brokers: 3,
    brokerConfig: (id) => ({
      ...faultBrokerConfig({ "replica.fetch.wait.max.ms": "100", "min.insync.replicas": String(MIN_INSYNC_REPLICAS) }),
      ...(inNet === null ? {} : { "grpc.host": inNet.address(id), "http.host": inNet.address(id) }),
    }),
    ...(inNet === null
      ? {}
      : {
          etcdOptions: { host: inNet.hostAddress },
          command: (id: number) => inNet.command(id, brokerCommand(projectRoot(), "source")),
        }),
  });
  const { client, admin } = await connectClient(t, c, { requestTimeoutMs: 20_000, attemptTimeoutMs: 1500 });
  await admin.createTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3 });
  const checker = new DeliveryChecker({
    clock: () => performance.timeOrigin + performance.now(),
    minInsyncReplicas: MIN_INSYNC_REPLICAS,
    leaderMarginMs: LEADER_MARGIN_MS,
  });
  const soak: Soak = { c, admin, checker, net };
  await healed(soak);
  for (const p of (await describe(soak)).partitions) checker.replicas(p.partition, p.replicas);

  // Who led, for the checker: describeTopic every OBSERVE_INTERVAL_MS until told to stop.
  let observing = true;
  let lastObservedMs = 0;
  const observer = (async () => {
    while (observing) {
      await describe(soak).then(
        () => {
          lastObservedMs = checker.now();
        },
        () => undefined, // etcd down, a broker frozen: a gap in the observations, which the checker allows for
      );
      await delay(OBSERVE_INTERVAL_MS);
    }
  })();

  const producer = client.producer({ acks: -1, lingerMs: 5, deliveryTimeoutMs: 90_000 });
  const acks = new AckLog();
  const pending = new Set<Promise<void>>();
  const pendingPer = Array.from({ length: PARTITIONS }, () => 0);
  let producing = true;
  let seq = 0;
  let cursor = 0;
  let acked = 0;
  let lastSettledMs = 0;
  const writer = (async () => {
    while (producing) {
      for (let i = 0; i < RECORDS_PER_TICK; i++) {
        // A partition with PENDING_PER_PARTITION_MAX sends unanswered is skipped, so one
        // stalled partition does not stall the others' writes (and their outage figures).
        const partition = cursor++ % PARTITIONS;
        if (pendingPer[partition]! >= PENDING_PER_PARTITION_MAX) continue;
        const value = `v${seq++}`;
        checker.sending(partition, value);
        const sentMs = checker.now();
        pendingPer[partition]!++;
        const settled = producer
          .send(TOPIC, { value, partition })
          .then(
            (report) => {
              acked++;
              checker.settled(value, { status: "acked", offset: report.offset });
              acks.add(partition, sentMs, checker.now());
            },
            (e: unknown) =>
              checker.settled(value, isTidelogError(e) ? { status: "failed", code: e.code } : { status: "unknown" }),
          )
          .finally(() => {
            lastSettledMs = checker.now();
            pendingPer[partition]!--;
            pending.delete(settled);
          });
        pending.add(settled);
      }
      if (pendingPer.every((n) => n >= PENDING_PER_PARTITION_MAX)) await Promise.race(pending);
      else await delay(5);
    }
  })();

  const injected: string[] = [];
  const runs: FaultRun[] = [];
  const skipped = new Set<string>();
  const soakUntil = Date.now() + SOAK_SECONDS * 1000;
  try {
    do {
      for (const fault of FAULTS) {
        const why = fault.unavailable?.(soak);
        if (why !== undefined) {
          skipped.add(`${fault.kind}: ${why}`);
          continue;
        }
        const before = acked;
        await waitFor(() => acked >= before + 1000, {
          description: `1,000 records acknowledged before "${fault.kind}"`,
          timeoutMs: 60_000,
        });
        const injectedMs = checker.now();
        const what = await fault.inject(soak);
        const endedMs = checker.now();
        injected.push(what);
        const recoveredMs = await awaitRecovery(soak, acks, fault.kind, endedMs);
        runs.push({ kind: fault.kind, what, injectedMs, endedMs, recoveredMs });
        await healed(soak);
      }
    } while (Date.now() < soakUntil);
  } catch (error) {
    // Stop producing at once: the outstanding sends would otherwise hold the test up to the delivery timeout.
    producing = false;
    observing = false;
    await producer.close({ timeoutMs: 1_000 }).catch(() => undefined);
    throw error;
  } finally {
    for (const line of outageTable(runs, acks)) t.diagnostic(line);
    for (const line of skipped) t.diagnostic(`SKIPPED ${line}`);
  }
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
  // The checker needs leader observations a margin past the last acknowledgement.
  await waitFor(() => lastObservedMs >= lastSettledMs + LEADER_MARGIN_MS, {
    description: "a leader observation after the last acknowledgement",
    timeoutMs: LEADER_MARGIN_MS + 30_000,
  });
  observing = false;
  await observer;

  const report = checker.check();
  t.diagnostic(
    `sent ${report.sent}, acknowledged ${report.acked}, failed ${report.failed}, unknown ${report.unknown}, ` +
      `faults injected ${injected.length} (${injected.join("; ")}), consumed ${report.consumed}, ` +
      `lost ${report.lost.length}, duplicated ${report.duplicated.length}, ` +
      `acknowledged under min.insync.replicas ${report.underReplicatedAckCount} of ${report.durabilityChecked} judged`,
  );
  assert.deepEqual(report.lost, [], "no acknowledged record lost");
  assert.deepEqual(report.duplicated, [], "no record at two offsets (idempotence)");
  assert.deepEqual(report.offsetConflicts, [], "no two records at one offset");
  assert.deepEqual(report.outOfOrder, [], "offsets increase");
  assert.deepEqual(report.misplaced, [], "every acknowledgement names the record's offset");
  assert.deepEqual(
    report.underReplicatedAcks,
    [],
    `${report.underReplicatedAckCount} acknowledgement(s) that fewer than min.insync.replicas=${MIN_INSYNC_REPLICAS} replicas could have held`,
  );
  assert.equal(report.durabilityChecked, report.acked, "the durability rule judged every acknowledgement");
  assert.ok(injected.length >= FAULTS.length - skipped.size, `${injected.length} faults injected`);
  assert.ok(report.acked > report.sent * 0.9, `most sends acknowledged: ${report.acked} of ${report.sent}`);
});
