// `tidelog brokers` and `tidelog partitions` against real etcd and brokers: a cluster of
// three scaled up to four. Proves: brokers list shows the new broker holding nothing; a
// plan over four brokers moves replicas onto it and balances the counts within one;
// --execute --wait completes it, --status then shows nothing moving; decommission
// empties a broker (list then shows it holding no partition) and moves nothing twice;
// the REST API (/v1/brokers, /v1/reassignments) answers the same from a broker that is
// not the controller; bad plans and mixed modes are usage errors (exit 2) that send nothing.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { connectClient } from "../cluster/fault-cluster.js";
import { assertError, http } from "../ops/helpers.js";
import { runCli } from "./run-cli.js";

interface BrokerRow {
  readonly id: number;
  readonly partitions: number;
  readonly leaders: number;
  readonly bytes: number | null;
}

test("brokers list, partitions reassign --plan/--execute/--status, brokers decommission", async (t) => {
  const c = await startCluster(t, { brokers: 3 });
  const { admin } = await connectClient(t, c);
  const cwd = mkdtempSync(join(tmpdir(), "tidelog-reassign-"));
  const cli = (...args: string[]) => runCli(["--bootstrap", c.bootstrap, "--timeout", "15000", ...args], { cwd });
  const json = async (...args: string[]) => {
    const r = await cli(...args, "--json");
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  for (const name of ["orders", "payments"]) await admin.createTopic({ name, partitions: 4, replicationFactor: 2 });
  await c.addBroker(4);
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 4, {
    description: "broker 4 registered",
    timeoutMs: 20_000,
  });

  const listed = (await json("brokers", "list")).brokers as BrokerRow[];
  assert.deepEqual(
    listed.map((b) => b.id),
    [1, 2, 3, 4],
  );
  assert.equal(listed.find((b) => b.id === 4)?.partitions, 0, "the new broker holds nothing");
  const table = await cli("brokers", "list");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /Partitions/);

  const planned = await cli("partitions", "reassign", "--plan", "--topic", "orders", "--topic", "payments");
  assert.equal(planned.code, 0, planned.stderr);
  const plan = JSON.parse(planned.stdout) as { partitions: { replicas: number[] }[] };
  assert.ok(plan.partitions.length > 0, "the plan moves something onto broker 4");
  assert.ok(plan.partitions.some((p) => p.replicas.includes(4)));
  assert.match(planned.stderr, /partitions change, \d+ replicas move/);
  writeFileSync(join(cwd, "plan.json"), planned.stdout);

  const executed = await cli("partitions", "reassign", "--execute", "plan.json", "--wait");
  assert.equal(executed.code, 0, executed.stderr);
  assert.match(executed.stdout, /started/);
  const status = await json("partitions", "reassign", "--status");
  assert.deepEqual(status.reassignments, []);
  const counts = ((await json("brokers", "list")).brokers as BrokerRow[]).map((b) => b.partitions);
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `balanced within one: ${counts}`);

  const again = await cli("partitions", "reassign", "--plan", "--topic", "orders", "--topic", "payments");
  assert.equal(JSON.parse(again.stdout).partitions.length, 0, "a balanced cluster plans no move");

  const emptied = await json("brokers", "decommission", "1");
  assert.equal(emptied.emptied, true);
  assert.equal(emptied.replicasLeft, 0);
  const after = (await json("brokers", "list")).brokers as BrokerRow[];
  assert.equal(after.find((b) => b.id === 1)?.partitions, 0);
  await waitFor(async () => ((await admin.describeLogDirs([1]))[0]?.replicas ?? []).length === 0, {
    description: "broker 1 deleted its logs",
    timeoutMs: 20_000,
  });

  const elected = await cli("partitions", "elect-leaders", "--preferred");
  assert.ok(elected.code === 0 || elected.code === 1, elected.stderr);

  // The REST API mirrors it, from a broker that is not the controller.
  const controllerId = (await admin.describeCluster()).controllerId;
  const other = c.brokers.find((b) => b.id !== controllerId && b.id !== 1) as (typeof c.brokers)[number];
  const rest = (method: string, path: string, body?: unknown) => http(other.httpPort, method, path, body);
  const brokersRest = await rest("GET", "/v1/brokers");
  assert.equal(brokersRest.status, 200, brokersRest.text);
  assert.equal(brokersRest.json.brokers.find((b: BrokerRow) => b.id === 1)?.partitions, 0, brokersRest.text);
  assert.ok(
    brokersRest.json.brokers.every((b: BrokerRow) => typeof b.bytes === "number"),
    brokersRest.text,
  );
  const orders0 = (await admin.describeTopic("orders")).partitions[0]?.replicas ?? [];
  const moveBack = [1, ...orders0.slice(1)];
  const startedRest = await rest("POST", "/v1/reassignments", {
    partitions: [{ topic: "orders", partition: 0, replicas: moveBack }],
    throttleBytesPerSecond: 0,
  });
  assert.equal(startedRest.status, 200, startedRest.text);
  assert.deepEqual(startedRest.json.results, [{ topic: "orders", partition: 0, error: null }]);
  await waitFor(async () => (await rest("GET", "/v1/reassignments")).json.reassignments.length === 0, {
    description: "the REST move completed",
    timeoutMs: 30_000,
  });
  assert.deepEqual((await admin.describeTopic("orders")).partitions[0]?.replicas, moveBack);
  assertError(await rest("POST", "/v1/reassignments", { partitions: [{ topic: "orders" }] }), 400, "INVALID_REQUEST");
  const bad = await rest("POST", "/v1/reassignments", {
    partitions: [{ topic: "orders", partition: 0, replicas: [9] }],
  });
  assert.equal(bad.status, 200, bad.text);
  assert.equal(bad.json.results[0].error.name, "INVALID_REPLICA_ASSIGNMENT", bad.text);
  const cancelNone = await rest("DELETE", "/v1/reassignments");
  assert.equal(cancelNone.status, 200, cancelNone.text);
  assert.deepEqual(cancelNone.json.results, []);

  // Usage errors: nothing is sent.
  writeFileSync(
    join(cwd, "bad.json"),
    JSON.stringify({ version: 1, partitions: [{ topic: "orders", partition: 0, replicas: [2, 2] }] }),
  );
  for (const args of [
    ["partitions", "reassign"],
    ["partitions", "reassign", "--plan", "--status"],
    ["partitions", "reassign", "--execute", "missing.json"],
    ["partitions", "reassign", "--execute", "bad.json"],
    ["partitions", "reassign", "--status", "--throttle", "5"],
    ["brokers", "decommission", "99"],
  ]) {
    const r = await cli(...args);
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}, ${r.stderr}`);
    assert.match(r.stderr, /^error: /m);
  }
});
