// The LocalCluster of @tidelog/verify (clients/verify/src/cluster/local-cluster.ts), which
// the verifier and the demos launch and break. Why: every fault of the nemesis and every
// demo rests on it doing what it says — roles read from the cluster's own metadata, a
// kill that kills and a restart that brings the broker back where it was, a pause that
// outlasts the session, etcd killed and restarted on its data, a clock that moves, and a
// close that leaves nothing behind (no process, namespace, mount or directory).
//
// How: one cluster with everything on (network namespaces, tmpfs data directories,
// libfaketime), with a session of 2 s so that registrations visibly come and go; then a
// one-broker cluster on loopback, whose restart must keep its port. Skipped, with why,
// where the machine cannot give what is asked (not root, no faketime).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { test } from "node:test";
import { Client } from "@tidelog/client";
import { findCheckoutRoot, launchLocalCluster } from "../../clients/verify/src/index.js";
import { createScope, isAlive, processState, startProcess, waitFor } from "../../scripts/harness/cluster.js";
import { brokerWallClockMs, FAST_FAULTS, launchForTest, registered, skipUnless } from "./cluster-fixture.js";

const EVERYTHING = {
  brokers: 3,
  network: true,
  tmpfsMiB: 32,
  fakeClock: true,
  brokerConfig: FAST_FAULTS,
} as const;
const HOUR_MS = 3_600_000;

test("a launched cluster: roles from its metadata, kill and restart, pause past the session, etcd kill and restart, a moved clock, nothing left after close", async (t) => {
  if (!skipUnless(t, EVERYTHING)) return;
  const cluster = await launchForTest(t, EVERYTHING);
  t.diagnostic(`bootstrap ${cluster.bootstrap}`);
  assert.deepEqual(cluster.brokerIds, [1, 2, 3]);
  assert.equal(cluster.faults.size, 10, "every fault kind is possible");
  assert.equal(cluster.unavailableFaults.size, 0);
  assert.equal(cluster.sessionTimeoutMs, 2000, "read from the broker config given");
  assert.equal(cluster.bootstrap.split(",").length, 3);

  const client = new Client({ brokers: cluster.bootstrap, requestTimeoutMs: 15_000, attemptTimeoutMs: 1500 });
  t.after(() => client.close());
  const admin = client.admin();
  await admin.createTopic({ name: "roles", partitions: 3, replicationFactor: 3 });

  // Roles, each checked against the admin API's own answer.
  const controller = await cluster.controllerId();
  assert.equal(controller, (await admin.describeCluster()).controllerId);
  assert.ok(controller !== null && cluster.brokerIds.includes(controller));
  const leader = await waitFor(() => cluster.leaderOf("roles", 1), { description: "a leader of roles-1" });
  assert.equal(leader, (await admin.describeTopic("roles")).partitions[1]?.leader);
  const txn = client.producer({ transactionalId: "tx-roles" });
  t.after(() => txn.close());
  await txn.initTransactions();
  const coordinator = await waitFor(() => cluster.transactionCoordinatorOf("tx-roles"), {
    description: "the coordinator of tx-roles",
  });
  assert.equal(coordinator, (await admin.describeTransaction("tx-roles")).coordinatorId);
  assert.equal(await cluster.transactionCoordinatorOf("tx-never-used-but-hashed"), await coordinatorByHash(admin));

  // kill -9 and restart: the pid goes, the registration goes, both come back on the same address.
  const address = cluster.brokerAddress(2);
  const killedPid = cluster.brokerPid(2)!;
  await cluster.killBroker(2);
  assert.equal(cluster.brokerPid(2), null);
  assert.equal(isAlive(killedPid), false, "the killed process is gone");
  await waitFor(async () => !(await registered(client)).includes(2), { description: "broker 2 unregistered" });
  await cluster.restartBroker(2);
  assert.ok(cluster.brokerPid(2) !== null && cluster.brokerPid(2) !== killedPid, "a new process");
  assert.equal(cluster.brokerAddress(2), address, "on the same address");
  assert.ok((await registered(client)).includes(2), "registered again when restartBroker resolves");

  // SIGSTOP past the session timeout: the broker loses its registration; SIGCONT brings it back.
  await cluster.pauseBroker(3);
  assert.equal(processState(cluster.brokerPid(3)!), "T");
  await waitFor(async () => !(await registered(client)).includes(3), { description: "paused broker 3 unregistered" });
  await cluster.resumeBroker(3);
  await waitFor(async () => (await registered(client)).includes(3), {
    description: "broker 3 registered after SIGCONT",
    timeoutMs: 20_000,
  });

  // etcd: killed and restarted on its data (the topic is still there), paused and resumed.
  const etcdPid = cluster.etcdPid()!;
  await cluster.killEtcd();
  assert.equal(cluster.etcdPid(), null);
  assert.equal(isAlive(etcdPid), false);
  await cluster.restartEtcd();
  assert.ok(cluster.etcdPid() !== null && cluster.etcdPid() !== etcdPid);
  await cluster.pauseEtcd();
  assert.equal(processState(cluster.etcdPid()!), "T");
  await cluster.resumeEtcd();
  await waitFor(async () => (await admin.describeTopic("roles")).partitions.length === 3, {
    description: "the topic, through the restarted etcd",
    timeoutMs: 20_000,
  });
  await waitFor(async () => (await registered(client)).length === 3, {
    description: "all brokers registered after the etcd faults",
    timeoutMs: 20_000,
  });

  // The fake clock: broker 1's wall clock an hour ahead, then back; broker 2's untouched.
  await cluster.setClockOffset(1, HOUR_MS);
  await waitFor(async () => Math.abs((await brokerWallClockMs(cluster, 1)) - Date.now() - HOUR_MS) < 10_000, {
    description: "broker 1's clock an hour ahead",
  });
  assert.ok(Math.abs((await brokerWallClockMs(cluster, 2)) - Date.now()) < 10_000, "broker 2's clock is true");
  await cluster.setClockOffset(1, 0);
  await waitFor(async () => Math.abs((await brokerWallClockMs(cluster, 1)) - Date.now()) < 10_000, {
    description: "broker 1's clock back",
  });

  // close(): nothing left.
  const dataDir = cluster.dataDir(1);
  const runDir = dirname(dirname(dataDir)); // <run>/broker-1-disk/data -> <run>
  const pids = [1, 2, 3].map((id) => cluster.brokerPid(id)!).concat(cluster.etcdPid()!);
  await client.close();
  await cluster.close();
  await cluster.close();
  for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} is gone`);
  assert.equal(existsSync(runDir), false, "the run directory is gone");
  assert.doesNotMatch(readFileSync("/proc/self/mounts", "utf8"), new RegExp(runDir), "no mount is left");
  const namespaces = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  assert.doesNotMatch(namespaces, new RegExp(`tlnet-${process.pid}-`), "no network namespace is left");
});

/** The leader of the __transaction_state partition "tx-never-used-but-hashed" hashes to, computed here independently. */
async function coordinatorByHash(admin: ReturnType<Client["admin"]>): Promise<number | null> {
  let h = 0;
  for (const c of "tx-never-used-but-hashed") h = (Math.imul(31, h) + c.charCodeAt(0)) | 0;
  const state = await admin.describeTopic("__transaction_state");
  const partition = (h === -2147483648 ? 0 : Math.abs(h)) % state.partitions.length;
  return state.partitions.find((p) => p.partition === partition)?.leader ?? null;
}

test("on loopback a restarted broker keeps its port; bad options and a missing checkout are refused clearly", async (t) => {
  await assert.rejects(launchLocalCluster({ brokers: 0 }), /1\.\.16 brokers, not 0/);
  await assert.rejects(launchLocalCluster({ tmpfsMiB: 1 }), /tmpfsMiB takes/);
  await assert.rejects(launchLocalCluster({ brokerConfig: { "bad key": "1" } }), /not a dotted name/);
  assert.equal(findCheckoutRoot("/"), null, "no checkout above /");
  assert.ok(findCheckoutRoot() !== null, "this checkout is found from the package");

  const lines: string[] = [];
  const cluster = await launchForTest(t, {
    brokers: 1,
    brokerConfig: FAST_FAULTS,
    log: (l) => lines.push(l),
  });
  assert.match(cluster.bootstrap, /^127\.0\.0\.1:\d+$/);
  assert.ok(cluster.unavailableFaults.has("partition-leader"), "no network, no partitions");
  assert.ok(cluster.unavailableFaults.has("disk-full") && cluster.unavailableFaults.has("clock-jump"));
  assert.ok(cluster.faults.has("kill") && cluster.faults.has("torn-tail"));
  await assert.rejects(cluster.fillDisk(1), /without tmpfs data directories/);
  assert.ok(
    lines.some((l) => l.includes("[broker-1]")),
    "broker output goes to the log",
  );
  assert.match(cluster.logTail({ kind: "broker", id: 1 }, 200), /broker started/);

  const before = cluster.bootstrap;
  await cluster.killBroker(1);
  await cluster.restartBroker(1);
  assert.equal(cluster.bootstrap, before, "the same port after a restart");
});

/** A process that launches a one-broker cluster in a network namespace, says where, and waits to be stopped. */
const CHILD = `
import { launchLocalCluster } from ${JSON.stringify(new URL("../../clients/verify/src/index.ts", import.meta.url).pathname)};
const c = await launchLocalCluster({ brokers: 1, network: true });
console.log(JSON.stringify({ dataDir: c.dataDir(1), pids: [c.brokerPid(1), c.etcdPid()] }));
setInterval(() => {}, 1000);
`;

test("a process interrupted with SIGTERM takes its cluster with it: processes, namespaces, directory", async (t) => {
  if (!skipUnless(t, { network: true })) return;
  const scope = createScope();
  t.after(() => scope.close());
  const child = startProcess(scope, {
    name: "cluster-owner",
    command: process.execPath,
    args: ["--import", "tsx", "--conditions=tidelog-source", "--input-type=module", "-e", CHILD],
  });
  const line = await child.waitForLog((r) => r.json?.dataDir !== undefined, 60_000);
  const made = line.json as { dataDir: string; pids: number[] };
  assert.ok(
    made.pids.every((pid) => isAlive(pid)),
    "running before",
  );
  const exit = await child.stop("SIGTERM", 10_000);
  assert.equal(exit.signal, "SIGTERM", "it still dies of the signal");
  for (const pid of made.pids) await waitFor(() => !isAlive(pid), { description: `pid ${pid} gone` });
  assert.equal(existsSync(dirname(made.dataDir)), false, "the run directory is gone");
  const namespaces = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  assert.doesNotMatch(namespaces, new RegExp(`tlnet-${child.pid}-`), "no network namespace is left");
});
