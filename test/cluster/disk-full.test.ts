// A full disk on the leader of a partition, end to end. Why: a broker that cannot write
// must say so (an error in its log, a metric, /readyz 503 with the reason), give up the
// leadership of what it cannot write so the rest of the ISR carries on, and come back by
// itself as soon as space is freed, without a restart and without losing anything that
// was acknowledged.
//
// How: three brokers; broker 1's data directory is a 16 MiB tmpfs (mounted here, so the
// test needs root; it is skipped with a message otherwise). A topic with RF 3 and
// min.insync.replicas=2 is placed with broker 1 as its preferred leader. After some
// acks=all records, a filler file takes every free page of the tmpfs and production goes
// on with the SDK's idempotent producer. Expected: broker 1 logs the failure at error
// level, /metrics reports it, /readyz answers 503 naming the partition; another broker
// leads and acks=all writes succeed there. Then the filler is deleted: within seconds
// /readyz is 200 again and broker 1 is back in the ISR; every acknowledged record is
// read back. A topic created while the disk is full cannot get a log on broker 1: broker 1
// answers STORAGE_ERROR for it (not "unknown partition"), keeps serving everything else,
// and hosts it, in the ISR, once space is freed.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Client } from "@tidelog/client";
import { type BrokerHandle, startBroker, startEtcd, waitFor } from "../../scripts/harness/cluster.js";
import { faultBrokerConfig } from "./fault-config.js";
import { batch, RawBroker } from "./raw-client.js";

const TOPIC = "disk";
/** Created while broker 1's disk is full. */
const BORN_FULL = "born-full";
/** Values big enough that every append needs a fresh tmpfs page (4 KiB). */
const VALUE_BYTES = 6000;

/** Mounts a tmpfs of `sizeMb`, or returns why it could not (not root, no CAP_SYS_ADMIN). */
function mountTmpfs(sizeMb: number): { dir: string; unmount(): void } | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), "tidelog-tmpfs-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMb}m`, "tmpfs", dir], { stdio: "pipe" });
  } catch (e) {
    rmdirSync(dir);
    return { error: String((e as { stderr?: Buffer }).stderr ?? e).trim() };
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync("umount", [dir], { stdio: "pipe" });
      } catch {
        execFileSync("umount", ["-l", dir], { stdio: "pipe" });
      }
      rmdirSync(dir);
    },
  };
}

/** Writes zeros to `path` until the file system is full; returns the bytes written. */
function fillUp(path: string): number {
  const fd = openSync(path, "w");
  let total = 0;
  try {
    for (const chunk of [1 << 20, 64 << 10, 4 << 10]) {
      const buf = Buffer.alloc(chunk);
      for (;;) {
        try {
          total += writeSync(fd, buf, 0, chunk, total);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "ENOSPC") break;
          throw e;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return total;
}

async function http(broker: BrokerHandle, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${broker.httpPort}${path}`);
  return { status: res.status, body: await res.text() };
}

function value(i: number): string {
  return `v${i}-`.padEnd(VALUE_BYTES, "x");
}

test("a broker whose disk is full reports it, hands its leadership to the ISR, and recovers when space is freed", async (t) => {
  const mount = mountTmpfs(16);
  if ("error" in mount) {
    t.skip(`mounting a tmpfs needs root (CAP_SYS_ADMIN): ${mount.error}`);
    return;
  }
  const etcd = await startEtcd(t);
  const config = faultBrokerConfig({ "replica.fetch.wait.max.ms": "200", "min.insync.replicas": "2" });
  const full = await startBroker(t, { id: 1, etcd, dataDir: mount.dir, config });
  // After the harness stops broker 1 (or first, whichever runs first): nothing may hold the mount.
  t.after(async () => {
    if (full.running) await full.stop();
    mount.unmount();
  });
  const others = await Promise.all([2, 3].map((id) => startBroker(t, { id, etcd, config })));
  const client = new Client({
    brokers: [full, ...others].map((b) => b.address),
    requestTimeoutMs: 20_000,
    attemptTimeoutMs: 1500,
  });
  t.after(() => client.close());
  const admin = client.admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
    description: "3 brokers",
    timeoutMs: 20_000,
  });
  await admin.createTopic({ name: TOPIC, assignments: [{ partition: 0, replicas: [1, 2, 3] }] });
  const describe = async () => (await admin.describeTopic(TOPIC)).partitions[0];
  await waitFor(async () => (await describe())?.leader === 1 && (await describe())?.isr.length === 3, {
    description: "broker 1 leading disk-0 with all three replicas in sync",
    timeoutMs: 20_000,
  });

  const producer = client.producer({ acks: -1, lingerMs: 0, deliveryTimeoutMs: 40_000 });
  t.after(() => producer.close());
  const acked = new Map<number, string>();
  let next = 0;
  const send = async () => {
    const v = value(next++);
    const report = await producer.send(TOPIC, { value: v, partition: 0 });
    acked.set(report.offset, v);
  };
  for (let i = 0; i < 20; i++) await send();

  // (a) The disk fills up: broker 1 says so in its log, its metrics and its readiness.
  const logSeq = full.logSeq;
  const filled = fillUp(join(mount.dir, "filler"));
  const fullAtMs = Date.now();
  t.diagnostic(`filler took ${filled} bytes of the tmpfs`);
  const writer = (async () => {
    // Keeps producing while the disk is full; each send retries until another broker leads.
    for (let i = 0; i < 20; i++) await send();
  })();
  const failureLine = await full.waitForLog(
    (r) => r.json?.level === 50 && /cannot write/i.test(String(r.json?.msg)),
    15_000,
    logSeq,
  );
  t.diagnostic(`broker 1 logged: ${failureLine.text.slice(0, 300)}`);
  const metrics = await waitFor(
    async () => {
      const m = (await http(full, "/metrics")).body;
      return /^tidelog_log_dir_failed 1$/m.test(m) ? m : null;
    },
    { description: "tidelog_log_dir_failed 1 in broker 1's /metrics", timeoutMs: 5_000 },
  );
  assert.match(metrics, /^tidelog_failed_partition_logs [1-9]\d*$/m);
  assert.match(metrics, /^tidelog_storage_failures_total [1-9]\d*$/m);
  const notReady = await http(full, "/readyz");
  assert.equal(notReady.status, 503, notReady.body);
  const readiness = JSON.parse(notReady.body) as { checks: Record<string, boolean>; reasons: string[] };
  assert.equal(readiness.checks.storageWritable, false, notReady.body);
  assert.ok(
    readiness.reasons.some((r) => r.includes(`${TOPIC}-0`) && /ENOSPC|no space/i.test(r)),
    `a reason names ${TOPIC}-0 and the error: ${notReady.body}`,
  );

  // (b) Another replica leads, and acks=all writes succeed there.
  const moved = await waitFor(
    async () => {
      const p = await describe();
      return p && p.leader !== null && p.leader !== 1 ? p : null;
    },
    { description: "a leader other than broker 1", timeoutMs: 15_000 },
  );
  const movedMs = Date.now() - fullAtMs;
  t.diagnostic(`leadership moved to broker ${moved.leader} ${movedMs} ms after the disk filled; ISR [${moved.isr}]`);
  assert.ok(!moved.isr.includes(1), `broker 1 left the ISR: [${moved.isr}]`);
  await writer;
  assert.equal(acked.size, 40, "every send was acknowledged");
  const beforeFree = (await describe())?.leader;
  assert.notEqual(beforeFree, 1);

  // (b2) A topic created now: broker 1 cannot make its log, says why, and serves the rest.
  const hostSeq = full.logSeq;
  await admin.createTopic({ name: BORN_FULL, assignments: [{ partition: 0, replicas: [1, 2, 3] }] });
  await full.waitForLog(
    (r) => r.json?.level === 50 && /cannot host a replica/.test(String(r.json?.msg)),
    15_000,
    hostSeq,
  );
  const raw = new RawBroker(full.address);
  t.after(() => raw.close());
  const refused = await raw.produce(BORN_FULL, 0, batch(["x"]), -1);
  assert.equal(refused.error?.code, 56, `STORAGE_ERROR from broker 1: ${JSON.stringify(refused.error)}`);
  assert.match(refused.error?.message ?? "", new RegExp(`${BORN_FULL}-0.*(ENOSPC|no space)`, "i"));
  const bornReport = await producer.send(BORN_FULL, { value: value(0), partition: 0 });
  t.diagnostic(`${BORN_FULL}-0 took a write at offset ${bornReport.offset} from its other replicas`);

  // (c) Space comes back: broker 1 recovers by itself and rejoins the ISR.
  rmSync(join(mount.dir, "filler"));
  const freedAtMs = Date.now();
  await waitFor(async () => (await http(full, "/readyz")).status === 200, {
    description: "broker 1 ready again",
    timeoutMs: 15_000,
  });
  const readyMs = Date.now() - freedAtMs;
  const rejoined = await waitFor(async () => ((await describe())?.isr.includes(1) ? await describe() : null), {
    description: "broker 1 back in the ISR",
    timeoutMs: 15_000,
  });
  t.diagnostic(`broker 1 ready ${readyMs} ms after space was freed; ISR [${rejoined?.isr}]`);
  const born = await waitFor(
    async () => {
      const p = (await admin.describeTopic(BORN_FULL)).partitions[0];
      return p?.isr.includes(1) ? p : null;
    },
    { description: `broker 1 hosting ${BORN_FULL}-0 and in its ISR`, timeoutMs: 15_000 },
  );
  t.diagnostic(`${BORN_FULL}-0 ISR [${born.isr}] after space was freed`);
  assert.ok(readyMs < 10_000, `recovered within seconds (${readyMs} ms)`);
  assert.match((await http(full, "/metrics")).body, /^tidelog_log_dir_failed 0$/m);
  await full.waitForLog((r) => r.json?.level === 30 && /writable again/i.test(String(r.json?.msg)), 5_000, logSeq);

  // Nothing acknowledged was lost: read the partition back from offset 0.
  for (let i = 0; i < 5; i++) await send();
  const consumer = client.consumer({ autoOffsetReset: "earliest" });
  consumer.assign([{ topic: TOPIC, partition: 0 }]);
  const read = new Map<number, string>();
  const last = Math.max(...acked.keys());
  const timer = setTimeout(() => consumer.stop(), 20_000);
  await consumer.run({
    eachBatch: (batch) => {
      for (const r of batch.records) read.set(r.offset, r.value?.toString() ?? "");
      if (batch.records.some((r) => r.offset >= last)) consumer.stop();
    },
  });
  clearTimeout(timer);
  await consumer.close();
  for (const [offset, v] of acked) assert.equal(read.get(offset), v, `acknowledged offset ${offset} read back`);
});
