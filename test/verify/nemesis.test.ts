// The nemesis of @tidelog/verify (clients/verify/src/nemesis/), each fault kind once,
// against a live idempotent acks=all producer. Why: a verifier whose faults silently do
// nothing proves nothing, so each fault must visibly happen — a killed broker's pid gone,
// a paused broker or one cut from etcd unregistered, a leader cut from its followers
// shrinking its ISR, a full disk failing the broker's readiness, a jumped clock showing in
// the broker's HTTP Date, a torn segment tail cut back on recovery — and the cluster must
// take writes again once the nemesis stops.
//
// How: one cluster with network namespaces, tmpfs data directories and libfaketime, a
// 2-second session. For each kind, a nemesis with only that kind starts at once
// (intervalMs 0) with a fault long enough to look at; the test waits for the fault's
// effect, stops the nemesis (which ends the fault), and waits for a write to be
// acknowledged. Last, the schedules: the same seed draws the same faults; unavailable
// kinds are recorded as skipped, never dropped.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Client } from "@tidelog/client";
import {
  FAULT_KINDS,
  type FaultKind,
  type FaultRecord,
  type LocalClusterControl,
  startNemesis,
} from "../../clients/verify/src/index.js";
import { createScope, isAlive, processState, waitFor } from "../../scripts/harness/cluster.js";
import {
  brokerWallClockMs,
  FAST_FAULTS,
  LiveProducer,
  launchForTest,
  readyz,
  readyzAnswer,
  registered,
  unsupported,
} from "./cluster-fixture.js";
import { fakeCluster } from "./nemesis-fake-cluster.js";

const OPTIONS = {
  brokers: 3,
  network: true,
  tmpfsMiB: 32,
  fakeClock: true,
  brokerConfig: FAST_FAULTS,
} as const;
const TOPIC = "nemesis";
/** Long enough to look at any fault's effect; stop() cuts it short. */
const HOLD_MS = 20_000;
/** A write acknowledged within this after a fault ends: leadership moves, a session, a restart. */
const RECOVERY_MS = 30_000;
const WHY_NOT = unsupported(OPTIONS);

const scope = createScope();
let cluster: LocalClusterControl;
let client: Client;
let live: LiveProducer;

before(async () => {
  if (WHY_NOT !== null) return;
  cluster = await launchForTest(scope, OPTIONS);
  client = new Client({ brokers: cluster.bootstrap, requestTimeoutMs: 15_000, attemptTimeoutMs: 1500 });
  scope.after(() => client.close());
  await client.admin().createTopic({
    name: TOPIC,
    partitions: 3,
    replicationFactor: 3,
    configs: { "min.insync.replicas": "2" },
  });
  live = new LiveProducer(client, TOPIC);
  scope.after(() => live.stop());
  await live.acknowledges();
});
after(() => scope.close());

/**
 * Runs one fault of `kind`: `during` looks at it while it holds; then stop() ends it.
 * Returns the fault's record. The nemesis is stopped as soon as the first fault ends, so
 * no second one starts.
 */
async function once(kind: FaultKind, during: (fault: FaultRecord) => Promise<void>): Promise<FaultRecord> {
  let resolveStart: (r: FaultRecord) => void = () => {};
  const started = new Promise<FaultRecord>((resolve) => {
    resolveStart = resolve;
  });
  let stopping: Promise<FaultRecord[]> | undefined;
  const nemesis = startNemesis({
    cluster,
    kinds: [kind],
    schedule: "fixed",
    seed: 22,
    intervalMs: 0,
    faultMs: HOLD_MS,
    topics: [TOPIC],
    nowMs: () => performance.now(),
    onFault: (r) => {
      resolveStart(r);
      if (r.endMs !== null) stopping ??= nemesis.stop();
    },
  });
  const fault = await started;
  assert.equal(fault.skipped, undefined, `${kind} was skipped: ${fault.skipped}`);
  assert.equal(fault.error, undefined, `${kind} failed: ${fault.error}`);
  try {
    await during(fault);
  } finally {
    stopping ??= nemesis.stop();
  }
  const records = await stopping;
  assert.equal(records.length, 1, `one ${kind} fault: ${JSON.stringify(records)}`);
  const done = records[0]!;
  assert.equal(done.error, undefined, `${kind} ended badly: ${done.error}`);
  assert.ok(done.endMs !== null && done.endMs >= done.startMs, "the window is closed");
  await waitFor(() => live.acknowledges().then(() => true), {
    description: `a write acknowledged after ${kind}`,
    timeoutMs: RECOVERY_MS,
  });
  return done;
}

/** Runs `check`; when it fails, the failure carries broker `id`'s last log lines, the only witness of why. */
async function withLogTail<T>(id: number, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (e) {
    throw new Error(
      `${(e as Error).message}\nbroker ${id}'s last log lines:\n${cluster.logTail({ kind: "broker", id }, 60)}`,
      {
        cause: e,
      },
    );
  }
}

function brokerOf(fault: FaultRecord): number {
  const m = /^broker (\d+)$/.exec(fault.target);
  assert.ok(m, `a broker target, not "${fault.target}"`);
  return Number(m[1]);
}

function pidIn(detail: string | undefined): number {
  const m = /pid (\d+) killed/.exec(detail ?? "");
  assert.ok(m, `a killed pid in "${detail}"`);
  return Number(m[1]);
}

const unregistered = (id: number) =>
  waitFor(async () => !(await registered(client)).includes(id), { description: `broker ${id} unregistered` });

test("kill: the broker's process is gone while the fault lasts, and a new one is registered after", async (t) => {
  if (WHY_NOT !== null) return t.skip(WHY_NOT);
  const fault = await once("kill", async (f) => {
    assert.equal(cluster.brokerPid(brokerOf(f)), null);
    assert.equal(isAlive(pidIn(f.detail)), false);
  });
  const pid = cluster.brokerPid(brokerOf(fault));
  assert.ok(pid !== null && pid !== pidIn(fault.detail), "a new process");
  assert.ok((await registered(client)).includes(brokerOf(fault)));
});

test("pause: the broker is stopped and loses its registration; it comes back after", async (t) => {
  if (WHY_NOT !== null) return t.skip(WHY_NOT);
  const fault = await once("pause", async (f) => {
    assert.equal(processState(cluster.brokerPid(brokerOf(f))!), "T");
    await unregistered(brokerOf(f));
  });
  await waitFor(async () => (await registered(client)).includes(brokerOf(fault)), {
    description: "the paused broker registered again",
    timeoutMs: RECOVERY_MS,
  });
});

test("etcd-kill and etcd-pause: etcd's process is gone, then stopped; the brokers carry on after", async (t) => {
  if (WHY_NOT !== null) return t.skip(WHY_NOT);
  const killed = await once("etcd-kill", async (f) => {
    assert.equal(cluster.etcdPid(), null);
    assert.equal(isAlive(pidIn(f.detail)), false);
  });
  assert.ok(cluster.etcdPid() !== pidIn(killed.detail));
  await once("etcd-pause", async () => {
    assert.equal(processState(cluster.etcdPid()!), "T");
  });
});

test("partition-leader: the cut leader drops its followers from the ISR", async (t) => {
  if (WHY_NOT !== null) return t.skip(WHY_NOT);
  await once("partition-leader", async (f) => {
    const m = /^(\d+) \| ([\d,]+)$/.exec(f.target);
    const p = /of nemesis-(\d+)/.exec(f.detail ?? "");
    assert.ok(m && p, `target "${f.target}", detail "${f.detail}"`);
    const followers = m[2]!.split(",").map(Number);
    await withLogTail(Number(m[1]), () =>
      waitFor(
        async () => {
          const isr = (await client.admin().describeTopic(TOPIC)).partitions[Number(p[1])]?.isr ?? [];
          return followers.every((id) => !isr.includes(id));
        },
        { description: `followers ${followers} out of the ISR of nemesis-${p[1]}` },
      ),
    );
  });
});

test("partition-etcd and partition-split: a broker cut from etcd, and a minority, lose their registrations", async (t) => {
  if (WHY_NOT !== null) return t.skip(WHY_NOT);
  await once("partition-etcd", async (f) => {
    await unregistered(brokerOf(f));
  });
  await waitFor(async () => (await registered(client)).length === 3, { description: "3 brokers", timeoutMs: 20_000 });
  await once("partition-split", async (f) => {
    const minority = (f.target.split(" | ")[1] ?? "").split(",").map(Number);
    assert.equal(minority.length, 1, `a minority of one of three: "${f.target}"`);
    await unregistered(minority[0]!);
  });
});

test("disk-full: the broker is not ready while its disk is full, and ready again after", async (t) => {
  if (WHY_NOT !== null) return t.skip(WHY_NOT);
  const fault = await once("disk-full", async (f) => {
    await waitFor(async () => (await readyz(cluster, brokerOf(f))) === 503, {
      description: `broker ${brokerOf(f)} not ready`,
    });
  });
  // On a timeout the failure names the broker's last reasons for not being ready.
  let last = "";
  await waitFor(
    async () => {
      const answer = await readyzAnswer(cluster, brokerOf(fault));
      last = answer.body;
      return answer.status === 200;
    },
    { description: "ready again", timeoutMs: RECOVERY_MS },
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}; its last /readyz: ${last}`, { cause: e });
  });
});

test("clock-jump: the broker's wall clock is an hour off, and true again after", async (t) => {
  if (WHY_NOT !== null) return t.skip(WHY_NOT);
  const offOf = async (id: number) => (await brokerWallClockMs(cluster, id)) - Date.now();
  const fault = await once("clock-jump", async (f) => {
    await waitFor(async () => Math.abs(Math.abs(await offOf(brokerOf(f))) - 3_600_000) < 10_000, {
      description: `broker ${brokerOf(f)}'s clock an hour off`,
    });
  });
  await waitFor(async () => Math.abs(await offOf(brokerOf(fault))) < 10_000, { description: "the clock true again" });
});

test("torn-tail: the killed broker's segment loses its last bytes and recovery cuts the torn batch", async (t) => {
  if (WHY_NOT !== null) return t.skip(WHY_NOT);
  const fault = await once("torn-tail", async () => {});
  assert.match(fault.detail ?? "", /nemesis-\d+\/\d{20}\.log cut from \d+ to \d+ bytes/);
  const id = brokerOf(fault);
  assert.match(cluster.logTail({ kind: "broker", id }, 2000), /recovery truncated an invalid tail/);
});

/** The first `count` faults a nemesis does on a fake cluster, as "kind target detail" lines. */
async function draws(
  options: { schedule: "random" | "fixed"; seed: number; kinds?: FaultKind[] },
  count: number,
): Promise<{ faults: string[]; calls: string[] }> {
  const fake = fakeCluster();
  let stopping: Promise<FaultRecord[]> | undefined;
  let ended = 0;
  const nemesis = startNemesis({
    cluster: fake,
    kinds: options.kinds ?? [...FAULT_KINDS],
    schedule: options.schedule,
    seed: options.seed,
    intervalMs: 0,
    faultMs: 0,
    topics: ["t"],
    transactionalIds: ["tx-a", "tx-bb"],
    nowMs: () => 0,
    onFault: (r) => {
      if (r.endMs !== null && ++ended === count) stopping = nemesis.stop();
    },
  });
  await waitFor(() => stopping, { description: `${count} faults` });
  const records = await stopping!;
  for (const r of records) assert.equal(r.error, undefined, `${r.kind}: ${r.error}`);
  return { faults: records.map((r) => `${r.kind} ${r.target} ${r.detail}`), calls: fake.calls };
}

test("schedules: a seed repeats its faults and targets; fixed goes round robin; unavailable kinds are recorded skipped", async () => {
  // Not pause and clock-jump: they hold for a session or a clock re-read even at faultMs 0.
  const kinds = FAULT_KINDS.filter((k) => k !== "pause" && k !== "clock-jump");
  const first = await draws({ schedule: "random", seed: 7, kinds }, 40);
  const again = await draws({ schedule: "random", seed: 7, kinds }, 40);
  const other = await draws({ schedule: "random", seed: 8, kinds }, 40);
  assert.deepEqual(again, first, "the same seed, the same faults, targets and calls");
  assert.notDeepEqual(other.faults, first.faults, "another seed, other faults");
  assert.ok(new Set(first.faults.map((f) => f.split(" ")[0])).size >= 6, "the draws cover the kinds");

  const fixed = await draws({ schedule: "fixed", seed: 1, kinds: ["kill", "etcd-pause"] }, 8);
  assert.deepEqual(
    fixed.faults.map((f) => f.split(" ")[0]),
    ["kill", "etcd-pause", "kill", "etcd-pause", "kill", "etcd-pause", "kill", "etcd-pause"],
  );
  const roles = fixed.faults
    .filter((f) => f.startsWith("kill "))
    .map((f) => /^kill broker \d+ (.*?): pid/.exec(f)?.[1]);
  assert.match(roles[0] ?? "", /^the leader of t-\d$/, "kill's targets in turn: leader, ...");
  assert.deepEqual(roles.slice(1), ["the controller", "the coordinator of tx-a", "a random broker"]);
  for (const c of fixed.calls.filter((c) => c.startsWith("killBroker"))) {
    const id = c.slice("killBroker(".length, -1);
    assert.ok(fixed.calls.includes(`restartBroker(${id})`), `every killed broker restarted: ${id}`);
  }

  const fake = fakeCluster(new Map([["disk-full", "no tmpfs"]]));
  const records: FaultRecord[] = [];
  const idle = startNemesis({
    cluster: fake,
    kinds: ["disk-full"],
    schedule: "random",
    seed: 1,
    intervalMs: 0,
    faultMs: 0,
    nowMs: () => 5,
    onFault: (r) => records.push(r),
  });
  assert.deepEqual(records, [{ kind: "disk-full", target: "none", startMs: 5, endMs: 5, skipped: "no tmpfs" }]);
  assert.deepEqual(await idle.stop(), records, "recorded at once, and nothing else done");
  assert.deepEqual(fake.calls, []);
  assert.throws(
    () => startNemesis({ ...idleOptions(fake), kinds: ["flood" as FaultKind] }),
    /unknown fault kind "flood"/,
  );
  assert.throws(() => startNemesis({ ...idleOptions(fake), faultMs: -1 }), /faultMs takes/);
});

function idleOptions(cluster: LocalClusterControl) {
  return {
    cluster,
    kinds: ["kill"] as FaultKind[],
    schedule: "random" as const,
    seed: 1,
    intervalMs: 0,
    faultMs: 0,
    nowMs: () => 0,
  };
}
