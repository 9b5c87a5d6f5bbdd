// Where a client finds its cluster: the explicit option beats TIDELOG_BOOTSTRAP, which
// beats the nearest .tidelog/cluster.json found walking up from the working directory;
// with none of them the error names all three ways. Addresses are validated strictly
// and a source that is present but wrong is an error, never silently skipped.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { BOOTSTRAP_ENV, parseBrokerList, resolveBootstrap } from "@tidelog/client";

/** A temp tree: root/.tidelog/cluster.json (when `bootstrap` is given) and root/a/b/c to start from. */
function tree(t: TestContext, clusterFile?: string): { root: string; deep: string } {
  const root = mkdtempSync(join(tmpdir(), "tidelog-bootstrap-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const deep = join(root, "a", "b", "c");
  mkdirSync(deep, { recursive: true });
  if (clusterFile !== undefined) {
    mkdirSync(join(root, ".tidelog"));
    writeFileSync(join(root, ".tidelog", "cluster.json"), clusterFile);
  }
  return { root, deep };
}

const FILE = JSON.stringify({ bootstrap: "127.0.0.1:19092,127.0.0.1:19093", etcd: "http://127.0.0.1:2379" });

test("the explicit option wins over the environment and the file", (t) => {
  const { deep } = tree(t, FILE);
  const resolved = resolveBootstrap({
    brokers: ["localhost:1", "LOCALHOST:1"],
    env: { [BOOTSTRAP_ENV]: "h:2" },
    cwd: deep,
  });
  assert.deepEqual(resolved, { brokers: ["localhost:1"], source: "option", origin: "option" });
});

test("TIDELOG_BOOTSTRAP wins over the file", (t) => {
  const { deep } = tree(t, FILE);
  const resolved = resolveBootstrap({ env: { [BOOTSTRAP_ENV]: " 10.0.0.1:9092 , broker-2.example:9093 " }, cwd: deep });
  assert.deepEqual(resolved.brokers, ["10.0.0.1:9092", "broker-2.example:9093"]);
  assert.equal(resolved.source, "env");
});

test("an empty TIDELOG_BOOTSTRAP counts as unset", (t) => {
  const { deep } = tree(t, FILE);
  assert.equal(resolveBootstrap({ env: { [BOOTSTRAP_ENV]: "  " }, cwd: deep }).source, "file");
});

test("the nearest .tidelog/cluster.json is found by walking up from the working directory", (t) => {
  const { root, deep } = tree(t, FILE);
  const resolved = resolveBootstrap({ env: {}, cwd: deep });
  assert.deepEqual(resolved, {
    brokers: ["127.0.0.1:19092", "127.0.0.1:19093"],
    source: "file",
    origin: join(root, ".tidelog", "cluster.json"),
  });
});

test("a nearer cluster file shadows one further up", (t) => {
  const { root, deep } = tree(t, FILE);
  mkdirSync(join(root, "a", ".tidelog"));
  writeFileSync(join(root, "a", ".tidelog", "cluster.json"), JSON.stringify({ bootstrap: "127.0.0.1:7000" }));
  assert.deepEqual(resolveBootstrap({ env: {}, cwd: deep }).brokers, ["127.0.0.1:7000"]);
});

test("with no source at all, the error names the three ways to point at a cluster", (t) => {
  const { deep } = tree(t);
  assert.throws(
    () => resolveBootstrap({ env: {}, cwd: deep }),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, "INVALID_CONFIG");
      assert.match(e.message, /--bootstrap host:port/);
      assert.match(e.message, /TIDELOG_BOOTSTRAP=host:port/);
      assert.match(e.message, /npm start.*\.tidelog\/cluster\.json/);
      assert.ok(e.message.includes(deep), "says where the search started");
      return true;
    },
  );
});

test("a cluster file that is present but wrong is an error naming the file", (t) => {
  for (const [content, pattern] of [
    ["{not json", /not valid JSON/],
    [JSON.stringify({ brokers: "127.0.0.1:1" }), /expected a "bootstrap" field/],
    [JSON.stringify({ bootstrap: "127.0.0.1" }), /is not host:port/],
  ] as const) {
    const { root, deep } = tree(t, content);
    assert.throws(
      () => resolveBootstrap({ env: {}, cwd: deep }),
      (e: Error) => pattern.test(e.message) && e.message.includes(join(root, ".tidelog", "cluster.json")),
    );
  }
});

test("addresses are validated strictly and normalised", () => {
  assert.deepEqual(parseBrokerList("[::1]:9092, 127.0.0.1:1,Broker.Example:65535", "test"), [
    "[::1]:9092",
    "127.0.0.1:1",
    "broker.example:65535",
  ]);
  const bad = [
    "127.0.0.1",
    "127.0.0.1:0",
    "127.0.0.1:65536",
    "127.0.0.1:+80",
    "127.0.0.1:80x",
    "256.1.1.1:80",
    "::1:9092",
    "[::g]:9092",
    "host_name:80",
    "-host:80",
    ":80",
    "http://host:80",
  ];
  for (const text of bad) assert.throws(() => parseBrokerList(text, "test"), /INVALID_CONFIG: test: /, text);
  assert.throws(() => parseBrokerList("::1:9092", "test"), /brackets/);
  assert.throws(() => parseBrokerList(" , ", "test"), /no broker addresses/);
});
