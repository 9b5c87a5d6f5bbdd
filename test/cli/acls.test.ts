// `tidelog acls add | list | remove` against a real broker with TLS and the authorizer on
// (principals from client certificates, kafka-acls.sh's options). Proves that:
//   - add writes every combination of principals, operations and resources given, and
//     the broker enforces them (alice may describe "orders" only after the add);
//   - list shows them (a table, or --json), narrowed by --topic and --principal, and
//     --resource-pattern-type match shows what applies to a name (its prefix ACL too);
//   - remove deletes what it names and prints it; alice is refused again;
//   - bad options are usage errors (exit 2) and nothing is sent; a principal without
//     Alter on the cluster is refused (exit 1, CLUSTER_AUTHORIZATION_FAILED).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, isTidelogError } from "@tidelog/client";
import { startCluster, tempDir, waitFor } from "../../scripts/harness/cluster.js";
import { makePki, securedBrokerConfig, sslOptions } from "../cluster/pki.js";
import { runCli } from "./run-cli.js";

test("tidelog acls add, list and remove manage what the brokers enforce", async (t) => {
  const dir = tempDir(t, "tidelog-cli-acls-");
  const pki = makePki(dir, "cli-acls");
  const broker = pki.sign("broker");
  const ops = pki.sign("ops");
  const alice = pki.sign("alice");
  const c = await startCluster(t, {
    brokers: 1,
    brokerConfig: {
      ...securedBrokerConfig(pki.ca, broker, "required", "User:CN=broker;User:CN=ops"),
    },
  });
  const as = (who: { cert: string; key: string }) => [
    "--bootstrap",
    c.bootstrap,
    "--ssl-ca",
    pki.ca,
    "--ssl-cert",
    who.cert,
    "--ssl-key",
    who.key,
    "--timeout",
    "15000",
  ];
  const tidelog = (...args: string[]) => runCli([...as(ops), ...args]);
  const json = async (...args: string[]) => {
    const r = await tidelog(...args, "--json");
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  await waitFor(async () => (await tidelog("topics", "create", "orders", "--partitions", "1")).code === 0, {
    description: "topic orders created",
    timeoutMs: 30_000,
  });
  const aliceClient = new Client({ brokers: c.bootstrap, ssl: sslOptions(pki.ca, alice), requestTimeoutMs: 5000 });
  t.after(() => aliceClient.close());
  const aliceMayDescribe = () =>
    aliceClient
      .admin()
      .describeTopic("orders")
      .then(
        () => true,
        (e) => (isTidelogError(e, "TOPIC_AUTHORIZATION_FAILED") ? false : Promise.reject(e)),
      );
  assert.equal(await aliceMayDescribe(), false, "no ACL: refused");

  // add: 1 principal x 2 operations x 1 topic = 2 ACLs, and one prefixed.
  const added = await tidelog(
    "acls",
    "add",
    "--allow-principal",
    "User:CN=alice",
    "--operation",
    "read",
    "--operation",
    "Describe",
    "--topic",
    "orders",
  );
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /Added 2 ACLs/);
  assert.equal(
    (
      await tidelog(
        "acls",
        "add",
        "--deny-principal",
        "User:CN=alice",
        "--operation",
        "Write",
        "--topic",
        "ord",
        "--resource-pattern-type",
        "prefixed",
      )
    ).code,
    0,
  );
  await waitFor(aliceMayDescribe, { description: "alice may describe orders", timeoutMs: 5000 });

  // list: a table for people, JSON for scripts, narrowed by resource and principal.
  const table = await tidelog("acls", "list", "--topic", "orders");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /User:CN=alice.*ALLOW.*Read/);
  assert.doesNotMatch(table.stdout, /DENY/, "the prefixed ACL is not a literal one on orders");
  const matched = await json("acls", "list", "--topic", "orders", "--resource-pattern-type", "match");
  assert.deepEqual(
    matched.acls.map((a: { operation: string; permission: string }) => `${a.permission} ${a.operation}`).sort(),
    ["ALLOW Describe", "ALLOW Read", "DENY Write"],
  );
  const mine = await json("acls", "list", "--principal", "User:CN=alice");
  assert.equal(mine.acls.length, 3);
  assert.deepEqual((await json("acls", "list", "--principal", "User:CN=bob")).acls, []);

  // remove: what it names, printed; alice is refused again.
  const removed = await json(
    "acls",
    "remove",
    "--allow-principal",
    "User:CN=alice",
    "--operation",
    "Read",
    "--operation",
    "Describe",
    "--topic",
    "orders",
  );
  assert.deepEqual(removed.removed.map((a: { operation: string }) => a.operation).sort(), ["Describe", "Read"]);
  await waitFor(async () => !(await aliceMayDescribe()), { description: "alice refused again", timeoutMs: 5000 });
  const rest = await json("acls", "remove", "--topic", "ord", "--resource-pattern-type", "prefixed");
  assert.equal(rest.removed.length, 1);
  assert.deepEqual((await json("acls", "list")).acls, []);

  // Usage errors, before anything is sent; and a principal without rights.
  for (const args of [
    ["acls", "add", "--operation", "Read", "--topic", "orders"],
    ["acls", "add", "--allow-principal", "alice", "--topic", "orders"],
    ["acls", "add", "--allow-principal", "User:a", "--operation", "Fly", "--topic", "orders"],
    ["acls", "add", "--allow-principal", "User:a", "--allow-host", "example.com", "--topic", "orders"],
    ["acls", "add", "--allow-principal", "User:a"],
    ["acls", "remove"],
  ]) {
    const r = await tidelog(...args);
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code} ${r.stderr}`);
  }
  const meaningless = await tidelog(
    "acls",
    "add",
    "--allow-principal",
    "User:a",
    "--operation",
    "ClusterAction",
    "--topic",
    "orders",
  );
  assert.equal(meaningless.code, 1, meaningless.stderr);
  assert.match(meaningless.stderr, /ClusterAction on Topic is meaningless/);
  const refused = await runCli([...as(alice), "acls", "list"]);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /CLUSTER_AUTHORIZATION_FAILED/);
});
