// `tidelog brokers roll` restarts the local cluster `npm start` runs, one broker at a
// time, the controller last, each waiting until every partition is fully in sync.
//
// Always: a missing, foreign or malformed cluster file is a usage error (exit 2) that
// signals nothing. With TIDELOG_SLOW=1 (three real brokers restarted one by one, about a
// minute): under a continuous idempotent acks=all producer every broker gets a new process,
// every partition ends in sync, and no send fails. `npm run bench -- roll` measures the
// same roll's latency and re-deliveries.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Client } from "@tidelog/client";
import { findEtcd, projectRoot } from "../../scripts/bootstrap.mjs";
import { startProcess, tempDir, waitFor } from "../../scripts/harness/cluster.js";
import { runCli } from "./run-cli.js";

const ROOT = projectRoot();

test("brokers roll refuses what is not a running npm start cluster, and signals nothing", async (t) => {
  const dir = tempDir(t, "tidelog-roll-");
  const none = await runCli(["brokers", "roll"], { cwd: dir });
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /no \.tidelog\/cluster\.json here or above/);

  mkdirSync(join(dir, ".tidelog"));
  writeFileSync(join(dir, ".tidelog", "cluster.json"), "{not json");
  const broken = await runCli(["brokers", "roll"], { cwd: dir });
  assert.equal(broken.code, 2, broken.stderr);
  assert.match(broken.stderr, /cannot read .*cluster\.json/);

  writeFileSync(join(dir, ".tidelog", "cluster.json"), JSON.stringify({ bootstrap: "127.0.0.1:1" }));
  const foreign = await runCli(["brokers", "roll"], { cwd: dir });
  assert.equal(foreign.code, 2, foreign.stderr);
  assert.match(foreign.stderr, /not a cluster file of `npm start`/);

  // A launcher that is gone (a pid no process has): refused before anything is signalled.
  writeFileSync(
    join(dir, ".tidelog", "cluster.json"),
    JSON.stringify({
      bootstrap: "127.0.0.1:1",
      launcherPid: 2 ** 22 + 12_345,
      brokers: [{ id: 1, pid: 2 ** 22 + 12_346 }],
    }),
  );
  const gone = await runCli(["brokers", "roll"], { cwd: dir });
  assert.equal(gone.code, 2, gone.stderr);
  assert.match(gone.stderr, /the launcher \(pid \d+\) of .* is not running/);
});

test("brokers roll restarts every broker of npm start's cluster one at a time under load: no failed send, all in sync", {
  skip: process.env.TIDELOG_SLOW === "1" ? false : "a minute of real restarts: set TIDELOG_SLOW=1",
}, async (t) => {
  const dir = tempDir(t, "tidelog-roll-");
  const data = join(dir, ".tidelog");
  const etcdBin = findEtcd();
  startProcess(t, {
    name: "npm-start",
    command: process.execPath,
    args: [join(ROOT, "scripts/start.mjs"), "--no-setup", "--source", "--data", data],
    env: { TIDELOG_NO_INSTALL: "1", ...(etcdBin ? { TIDELOG_ETCD_BIN: etcdBin } : {}) },
    stopGraceMs: 30_000,
  });
  const cluster = await waitFor(
    async () => {
      try {
        const file = JSON.parse(readFileSync(join(data, "cluster.json"), "utf8"));
        return file.brokers?.length === 3
          ? (file as { bootstrap: string; brokers: { id: number; pid: number }[] })
          : false;
      } catch {
        return false;
      }
    },
    { description: "npm start's cluster.json with three brokers", timeoutMs: 90_000 },
  );
  const client = new Client({ brokers: cluster.bootstrap, requestTimeoutMs: 30_000 });
  t.after(() => client.close());
  const admin = client.admin();
  await admin.createTopic({ name: "rolled", partitions: 3, replicationFactor: 3 });
  await waitFor(async () => (await admin.describeTopic("rolled")).partitions.every((p) => p.isr.length === 3), {
    description: "in sync",
    timeoutMs: 30_000,
  });
  const producer = client.producer({ acks: -1, lingerMs: 0 });
  t.after(() => producer.close());
  const failures: string[] = [];
  let sending = true;
  let acked = 0;
  const loop = (async () => {
    for (let i = 0; sending; i++) {
      try {
        await producer.send("rolled", { value: `v${i}` });
        acked++;
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
  })();
  const rolled = await runCli(["brokers", "roll", "--json"], { cwd: dir });
  sending = false;
  await loop;
  assert.equal(rolled.code, 0, rolled.stderr);
  const report = JSON.parse(rolled.stdout) as { brokers: { broker: number }[] };
  assert.deepEqual(report.brokers.map((b) => b.broker).sort(), [1, 2, 3]);
  assert.deepEqual(failures, [], "no send failed during the roll");
  assert.ok(acked > 0);
  // The launcher restarts brokers on new ports: ask at the addresses cluster.json has now.
  const after = new Client({
    brokers: JSON.parse(readFileSync(join(data, "cluster.json"), "utf8")).bootstrap,
    requestTimeoutMs: 30_000,
  });
  t.after(() => after.close());
  assert.ok((await after.admin().describeTopic("rolled")).partitions.every((p) => p.isr.length === 3));
});
