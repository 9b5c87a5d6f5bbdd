/**
 * `npm start` (scripts/start.mjs), run as a user would, with the fake broker standing in
 * for the real one (--broker-command) and a temporary data directory (--data): start-up,
 * cluster.json, clean shutdown, reuse of the data, a broker dying, a broker failing to
 * start, one launcher per directory, and the reaping of a killed launcher's children.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Etcd3 } from "etcd3";
import { findEtcd, projectRoot } from "../../scripts/bootstrap.mjs";
import { processCommandLine } from "../../scripts/cluster-launcher.mjs";
import {
  type CleanupScope,
  etcdHealthy,
  isAlive,
  type ProcessHandle,
  probeTcp,
  startEtcd,
  startProcess,
  tempDir,
  waitFor,
} from "../../scripts/harness/cluster.js";
import { runCli } from "../cli/run-cli.js";

const ROOT = projectRoot();
const FAKE_BROKER = `${process.execPath} --import tsx ${join(ROOT, "test", "cluster", "fake-broker.ts")}`;
/** The launcher is up in about 2 s here; tsx compiling three fake brokers dominates. */
const READY_TIMEOUT_MS = 60_000;

interface ClusterFile {
  clusterId: string;
  bootstrap: string;
  etcd: string;
  brokers: { id: number; address: string; httpAddress: string; pid: number }[];
  startedAt: string;
  launcherPid: number;
}

function launchWith(t: CleanupScope, env: Record<string, string>, dataDir: string, ...args: string[]): ProcessHandle {
  assert.ok(!FAKE_BROKER.includes("  ") && !ROOT.includes(" "), "--broker-command splits on spaces");
  const etcdBin = findEtcd();
  return startProcess(t, {
    name: "npm-start",
    command: process.execPath,
    args: ["scripts/start.mjs", "--no-setup", "--data", dataDir, "--broker-command", FAKE_BROKER, ...args],
    env: { TIDELOG_NO_INSTALL: "1", ...(etcdBin ? { TIDELOG_ETCD_BIN: etcdBin } : {}), ...env },
    stopGraceMs: 20_000,
  });
}

function launch(t: CleanupScope, dataDir: string, ...args: string[]): ProcessHandle {
  return launchWith(t, {}, dataDir, ...args);
}

function readClusterFile(dataDir: string): ClusterFile | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, "cluster.json"), "utf8")) as ClusterFile;
  } catch {
    return undefined;
  }
}

function awaitClusterFile(dataDir: string, launcher: ProcessHandle): Promise<ClusterFile> {
  return waitFor(
    () => {
      if (!launcher.running) throw new Error(`the launcher exited; its output:\n${launcher.logTail()}`);
      const cluster = readClusterFile(dataDir);
      return cluster?.launcherPid === launcher.pid && cluster;
    },
    { description: `${dataDir}/cluster.json`, timeoutMs: READY_TIMEOUT_MS },
  );
}

/** Live processes other than launchers whose command line mentions `dir` (the launcher's children all do). */
function processesUsing(dir: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      const commandLine = processCommandLine(pid);
      return commandLine?.includes(dir) && !commandLine.includes("scripts/start.mjs") && isAlive(pid);
    });
}

/** A safety net for tests that kill the launcher itself: its detached children die with the test. */
function killLeftoversAfter(t: CleanupScope, dir: string): void {
  t.after(() => {
    for (const pid of processesUsing(dir)) process.kill(pid, "SIGKILL");
  });
}

function output(launcher: ProcessHandle): string {
  return launcher.logs.map((r) => r.text).join("\n");
}

test("npm start runs etcd and the brokers, writes cluster.json, and Ctrl-C stops it all", async (t) => {
  // Proves: the whole happy path: ready brokers listed in cluster.json with addresses that
  // answer, readable prefixed logs, and SIGINT ending everything with exit 0 and no file left.
  const dataDir = tempDir(t);
  const launcher = launch(t, dataDir);
  const cluster = await awaitClusterFile(dataDir, launcher);

  assert.equal(cluster.clusterId, "local");
  assert.deepEqual(
    cluster.brokers.map((b) => b.id),
    [1, 2, 3],
  );
  assert.equal(cluster.bootstrap, cluster.brokers.map((b) => b.address).join(","));
  assert.equal(cluster.launcherPid, launcher.pid);
  assert.ok(!Number.isNaN(Date.parse(cluster.startedAt)));
  assert.equal(await etcdHealthy(cluster.etcd), true);
  for (const broker of cluster.brokers) {
    const [host, port] = broker.address.split(":");
    assert.equal(await probeTcp(host!, Number(port)), true, `${broker.address} answers`);
  }
  await launcher.waitForLog((r) => r.text.includes('Cluster "local" ready'), 5_000);
  const text = output(launcher);
  assert.match(text, /^\[broker-1\] INFO {2}broker started component=server host=127\.0\.0\.1 grpcPort=\d+/m);
  assert.match(text, /npx tidelog cluster describe/);
  assert.match(text, new RegExp(`export TIDELOG_BOOTSTRAP=${cluster.bootstrap}`));
  assert.ok(!text.includes("\u001b["), "no colour codes when stdout is not a terminal");
  const children = processesUsing(dataDir);
  assert.equal(children.length, 4, "etcd and three brokers");

  const stopped = await launcher.stop("SIGINT");
  assert.deepEqual(stopped, { code: 0, signal: null, forced: false });
  assert.equal(existsSync(join(dataDir, "cluster.json")), false);
  assert.equal(existsSync(join(dataDir, "launcher.lock")), false);
  for (const pid of children) assert.equal(isAlive(pid), false, `pid ${pid} outlived the launcher`);
  assert.match(output(launcher), /\[broker-2\] INFO {2}broker stopped/);
});

test("a second npm start reuses the data directory", async (t) => {
  // Proves: etcd's data and each broker's log directory survive a stop and start, while the
  // ports are picked afresh.
  const dataDir = tempDir(t);
  const first = launch(t, dataDir, "--brokers", "1");
  const before = await awaitClusterFile(dataDir, first);
  const client = new Etcd3({ hosts: before.etcd });
  await client.put("kept").value("across runs");
  client.close();
  assert.equal((await first.stop("SIGTERM")).code, 0);

  const second = launch(t, dataDir, "--brokers", "1");
  const after = await awaitClusterFile(dataDir, second);
  const reader = new Etcd3({ hosts: after.etcd });
  t.after(() => reader.close());
  assert.equal(await reader.get("kept").string(), "across runs");
  await second.waitForLog((r) => r.text.includes("broker started") && r.text.includes("starts=2"), 5_000);
  assert.equal((await second.stop("SIGTERM")).code, 0);
});

test("a broker that dies is reported and dropped; the others keep running; --restart-stopped brings it back", async (t) => {
  // Proves: the documented choice: one broker's death is told with its last lines,
  // cluster.json loses it, and the cluster keeps going until the user stops it or asks,
  // from another terminal, for the stopped broker back (on its own data directory).
  const dataDir = tempDir(t);
  const launcher = launch(t, dataDir, "--brokers", "2");
  const cluster = await awaitClusterFile(dataDir, launcher);
  const [one, two] = cluster.brokers;
  process.kill(two!.pid, "SIGKILL");
  await launcher.waitForLog((r) => r.text.includes("broker-2 exited unexpectedly: killed by SIGKILL"), 10_000);
  const updated = await waitFor(() => readClusterFile(dataDir)?.brokers.length === 1 && readClusterFile(dataDir), {
    description: "cluster.json without broker 2",
  });
  assert.equal(updated.bootstrap, one!.address);
  assert.equal(isAlive(one!.pid), true);
  assert.equal(launcher.running, true);
  await launcher.waitForLog((r) => /--restart-stopped --data .*` restarts broker-2/.test(r.text), 5_000);

  const ask = launch(t, dataDir, "--restart-stopped");
  assert.equal((await ask.waitForExit(10_000)).code, 0, output(ask));
  assert.match(output(ask), new RegExp(`asked the launcher \\(pid ${launcher.pid}\\) to restart its stopped brokers`));
  const restored = await waitFor(() => readClusterFile(dataDir)?.brokers.length === 2 && readClusterFile(dataDir), {
    description: "cluster.json with broker 2 again",
    timeoutMs: READY_TIMEOUT_MS,
  });
  const back = restored.brokers.find((b) => b.id === 2);
  assert.ok(back && back.pid !== two!.pid && isAlive(back.pid), "a new broker-2 process");
  await launcher.waitForLog((r) => /running: broker-1, broker-2 \(cluster\.json updated\)/.test(r.text), 5_000);
  assert.equal((await launcher.stop("SIGTERM")).code, 0);

  const late = launch(t, dataDir, "--restart-stopped");
  assert.equal((await late.waitForExit(10_000)).code, 1);
  assert.match(output(late), /no cluster is running from/);
});

test("a broker failing at start-up stops everything and exits 1 with its last lines", async (t) => {
  // Proves: a cluster that cannot come up says why (the broker's own words and exit code)
  // and leaves no process and no cluster.json behind.
  const dataDir = tempDir(t);
  const launcher = launch(t, dataDir, "--brokers", "2", "--fake.fail-start=2");
  const exit = await launcher.waitForExit(READY_TIMEOUT_MS);
  assert.equal(exit.code, 1);
  const text = output(launcher);
  assert.match(text, /2 of 2 brokers failed to start/);
  assert.match(text, /broker 1 exit code 2 \(a configuration error\) before it logged "broker started"/);
  assert.match(text, /refusing to start, as told/);
  assert.equal(existsSync(join(dataDir, "cluster.json")), false);
  assert.deepEqual(processesUsing(dataDir), []);
});

test("one launcher per data directory", async (t) => {
  // Proves: a second launcher on a directory in use refuses to start (two etcds on one data
  // directory would block on its lock), says so before building anything, and leaves the
  // running cluster alone.
  const dataDir = tempDir(t);
  const first = launch(t, dataDir, "--brokers", "1");
  await awaitClusterFile(dataDir, first);
  // With set-up on: the lock is found before any install or build (which would outlast the wait).
  const second = startProcess(t, {
    name: "npm-start-again",
    command: process.execPath,
    args: ["scripts/start.mjs", "--data", dataDir, "--brokers", "1"],
    env: { TIDELOG_NO_INSTALL: "1" },
  });
  assert.equal((await second.waitForExit(10_000)).code, 1);
  assert.match(output(second), new RegExp(`a cluster is already running from .* \\(launcher pid ${first.pid}\\)`));
  assert.match(output(second), /--restart-stopped/);
  assert.ok(readClusterFile(dataDir), "the first cluster's file is untouched");
  assert.equal(first.running, true);
  assert.equal((await first.stop("SIGTERM")).code, 0);
});

test("the next start stops what a SIGKILLed launcher left running", async (t) => {
  // Proves: children run in their own process groups (so Ctrl-C reaches only the
  // launcher); if the launcher is killed outright they survive, and the next start finds
  // them through the lock file and kills them before reusing the directory.
  const dataDir = tempDir(t);
  killLeftoversAfter(t, dataDir);
  const first = launch(t, dataDir, "--brokers", "1");
  await awaitClusterFile(dataDir, first);
  const orphans = processesUsing(dataDir);
  assert.equal(orphans.length, 2);
  await first.kill();
  assert.ok(
    orphans.every((pid) => isAlive(pid)),
    "SIGKILL gives the launcher no chance to stop its children",
  );

  const second = launch(t, dataDir, "--brokers", "1");
  await awaitClusterFile(dataDir, second);
  assert.match(output(second), /stopping etcd \(pid \d+\), left running by a launcher that did not shut down/);
  for (const pid of orphans) assert.equal(isAlive(pid), false);
  assert.equal((await second.stop("SIGTERM")).code, 0);
  assert.deepEqual(processesUsing(dataDir), []);
});

test("with TIDELOG_ETCD it uses that etcd and starts none", async (t) => {
  // Proves: the README's promise: pointing TIDELOG_ETCD at a running etcd makes the
  // launcher use it (brokers get it as etcd.endpoints; cluster.json names it) and leave it be.
  const etcd = await startEtcd(t);
  const dataDir = tempDir(t);
  const launcher = launchWith(t, { TIDELOG_ETCD: etcd.endpoints[0]! }, dataDir, "--brokers", "1");
  const cluster = await awaitClusterFile(dataDir, launcher);
  assert.equal(cluster.etcd, etcd.endpoints[0]);
  assert.equal(existsSync(join(dataDir, "etcd")), false);
  assert.equal(processesUsing(dataDir).length, 1, "the broker only");
  assert.equal((await launcher.stop("SIGTERM")).code, 0);
  assert.equal(etcd.running, true, "someone else's etcd is not stopped");
});

test("--help, and a wrong option", async (t) => {
  // Proves: the options are discoverable, and a typo is refused (exit 2) before anything starts.
  const help = startProcess(t, { name: "help", command: process.execPath, args: ["scripts/start.mjs", "--help"] });
  assert.equal((await help.waitForExit()).code, 0);
  assert.match(output(help), /--brokers N/);
  const wrong = startProcess(t, {
    name: "wrong",
    command: process.execPath,
    args: ["scripts/start.mjs", "--borkers=3"],
  });
  assert.equal((await wrong.waitForExit()).code, 2);
  assert.match(output(wrong), /unknown option --borkers=3/);
});

test("npm start --secure: TLS with client certificates and the authorizer on; the CLI connects as the admin through cluster.json", async (t) => {
  // Proves: a secured local cluster in one command (issue 25): the certificates are made
  // in DIR/pki and kept, cluster.json carries the admin's, the CLI from that directory
  // connects with it, and a client without a certificate is refused.
  const home = tempDir(t);
  const dataDir = join(home, ".tidelog");
  const etcdBin = findEtcd();
  const launcher = startProcess(t, {
    name: "npm-start-secure",
    command: process.execPath,
    args: ["scripts/start.mjs", "--no-setup", "--data", dataDir, "--brokers", "1", "--secure"],
    env: { TIDELOG_NO_INSTALL: "1", ...(etcdBin ? { TIDELOG_ETCD_BIN: etcdBin } : {}) },
    stopGraceMs: 20_000,
  });
  killLeftoversAfter(t, dataDir);
  const cluster = (await awaitClusterFile(dataDir, launcher)) as ClusterFile & {
    ssl?: { ca: string; cert: string; key: string };
  };
  assert.ok(cluster.ssl, "cluster.json names the admin's certificate");
  for (const file of [cluster.ssl.ca, cluster.ssl.cert, cluster.ssl.key]) assert.ok(existsSync(file), file);
  assert.match(output(launcher), /Secured: TLS with client certificates, the authorizer on/);

  const described = await runCli(["--timeout", "20000", "cluster", "describe", "--json"], { cwd: home });
  assert.equal(described.code, 0, described.stderr);
  assert.equal(JSON.parse(described.stdout).brokers.length, 1);
  const created = await runCli(["--timeout", "20000", "topics", "create", "secured", "--partitions", "1"], {
    cwd: home,
  });
  assert.equal(created.code, 0, created.stderr);

  const plain = await runCli(["--bootstrap", cluster.bootstrap, "--timeout", "3000", "cluster", "describe"], {
    cwd: tempDir(t),
  });
  assert.notEqual(plain.code, 0, "plaintext is refused");
  assert.equal((await launcher.stop("SIGTERM")).code, 0);
});
