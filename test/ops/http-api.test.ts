// The broker's HTTP surface end to end, against a real etcd and two real brokers: probes,
// the admin REST API mirroring the CLI (a write sent to the broker that is not the
// controller is forwarded to it), and bad input. Every refused request must get a 4xx
// with a typed error from the shared table, never a 500, and must change nothing: the
// test lists the topics before and after the whole barrage and compares.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { type ClusterHandle, createScope, startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { assertError, http } from "./helpers.js";

const FAST = {
  "broker.session.timeout.ms": "3000",
  "controller.session.timeout.ms": "3000",
  "controller.reconcile.interval.ms": "1000",
  "metadata.resync.interval.ms": "2000",
  "http.body.max.bytes": "4096",
};

describe("HTTP admin API", { timeout: 150_000 }, () => {
  // One cluster for the whole suite: the tests run in order and build on each other.
  const scope = createScope();
  after(() => scope.close());
  let c: ClusterHandle;
  /** HTTP ports of the controller and of the other broker. */
  let controllerPort = 0;
  let otherPort = 0;

  test("both brokers answer /healthz at once and /readyz once registered and caught up", async () => {
    c = await startCluster(scope, { brokers: 2, brokerConfig: FAST });
    for (const b of c.brokers) {
      assert.ok(b.httpPort > 0, "the harness reads the bound HTTP port from the 'broker started' line");
      const live = await http(b.httpPort, "GET", "/healthz");
      assert.equal(live.status, 200);
      await waitFor(async () => (await http(b.httpPort, "GET", "/readyz")).status === 200, {
        description: `broker ${b.id} ready`,
        timeoutMs: 20_000,
      });
      const ready = await http(b.httpPort, "GET", "/readyz");
      assert.equal(ready.json.ready, true);
      assert.deepEqual(Object.values(ready.json.checks), [true, true, true, true, true, true]);
    }
    const cluster = await waitFor(
      async () => {
        const res = await http(c.brokers[0]!.httpPort, "GET", "/v1/cluster");
        return res.json?.controller && res.json.brokers.length === 2 ? res.json : null;
      },
      { description: "a controller and two brokers", timeoutMs: 20_000 },
    );
    assert.equal(cluster.clusterId, c.clusterId);
    controllerPort = c.broker(cluster.controller.id).httpPort;
    otherPort = c.brokers.find((b) => b.id !== cluster.controller.id)!.httpPort;
    assert.deepEqual(
      cluster.brokers.map((b: { id: number; httpPort: number }) => [b.id, b.httpPort]),
      c.brokers.map((b) => [b.id, b.httpPort]),
      "brokers register the HTTP port they bound",
    );
  });

  test("topic lifecycle through the REST API, writes sent to the non-controller", async () => {
    const created = await http(otherPort, "POST", "/v1/topics", {
      name: "orders",
      partitions: 3,
      replicationFactor: 2,
      configs: { "retention.ms": 86_400_000 },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.name, "orders");
    assert.match(created.json.topicId, /^[0-9a-f-]{36}$/);

    const described = await http(controllerPort, "GET", "/v1/topics/orders");
    assert.equal(described.status, 200, described.text);
    assert.equal(described.json.partitions.length, 3);
    assert.equal(described.json.configs["retention.ms"], "86400000");
    for (const p of described.json.partitions) assert.equal(p.replicas.length, 2);

    const listed = await http(otherPort, "GET", "/v1/topics");
    assert.deepEqual(
      listed.json.topics.map((t: { name: string }) => t.name),
      ["orders"],
    );

    const altered = await http(otherPort, "PATCH", "/v1/topics/orders/configs", {
      set: { "retention.ms": "3600000" },
      delete: [],
    });
    assert.equal(altered.status, 200, altered.text);
    const configs = await http(otherPort, "GET", "/v1/topics/orders/configs");
    const retention = configs.json.configs.find((e: { name: string }) => e.name === "retention.ms");
    assert.deepEqual([retention.value, retention.isDefault], ["3600000", false]);

    const grown = await http(otherPort, "POST", "/v1/topics/orders/partitions", { total: 5 });
    assert.equal(grown.status, 200, grown.text);
    await waitFor(async () => (await http(controllerPort, "GET", "/v1/topics/orders")).json.partitions.length === 5, {
      description: "5 partitions",
      timeoutMs: 10_000,
    });

    const dryRun = await http(controllerPort, "POST", "/v1/topics", { name: "dry", validateOnly: true });
    assert.equal(dryRun.status, 200, dryRun.text);
    assertError(await http(controllerPort, "GET", "/v1/topics/dry"), 404, "UNKNOWN_TOPIC_OR_PARTITION");

    const deleted = await http(otherPort, "DELETE", "/v1/topics/orders");
    assert.equal(deleted.status, 200, deleted.text);
    await waitFor(async () => (await http(controllerPort, "GET", "/v1/topics/orders")).status === 404, {
      description: "orders gone",
      timeoutMs: 10_000,
    });
  });

  test("bad input gets a typed 4xx, never a 500, and changes nothing", async () => {
    const keep = await http(controllerPort, "POST", "/v1/topics", { name: "keep", partitions: 1 });
    assert.equal(keep.status, 201, keep.text);
    const before = (await http(controllerPort, "GET", "/v1/topics/keep")).json;
    const snapshot = async () => (await http(controllerPort, "GET", "/v1/topics?internal=true")).json.topics;
    const topicsBefore = await snapshot();

    for (const port of [controllerPort, otherPort]) {
      // Malformed JSON, an empty body, a body that is not an object.
      assertError(await http(port, "POST", "/v1/topics", '{"name": "x",'), 400, "INVALID_REQUEST");
      assertError(await http(port, "POST", "/v1/topics", ""), 400, "INVALID_REQUEST");
      assertError(await http(port, "POST", "/v1/topics", "[1,2]"), 400, "INVALID_REQUEST");
      assertError(await http(port, "POST", "/v1/topics", "null"), 400, "INVALID_REQUEST");
      // Unknown fields are refused, not silently dropped.
      const unknown = await http(port, "POST", "/v1/topics", { name: "x1", partitionz: 3 });
      assertError(unknown, 400, "INVALID_REQUEST");
      assert.match(unknown.json.error.message, /partitionz/);
      assertError(
        await http(port, "PATCH", "/v1/topics/keep/configs", { set: {}, sett: { a: "1" } }),
        400,
        "INVALID_REQUEST",
      );
      // Wrong types and out-of-range numbers.
      assertError(await http(port, "POST", "/v1/topics", { name: "x2", partitions: "3" }), 400, "INVALID_REQUEST");
      assertError(await http(port, "POST", "/v1/topics", { name: "x3", partitions: 0 }), 400, "INVALID_REQUEST");
      assertError(await http(port, "POST", "/v1/topics", { name: "x4", partitions: 1.5 }), 400, "INVALID_REQUEST");
      assertError(await http(port, "POST", "/v1/topics/keep/partitions", { total: -1 }), 400, "INVALID_REQUEST");
      // Prototype pollution attempts.
      assertError(
        await http(port, "POST", "/v1/topics", '{"name":"x5","__proto__":{"admin":true}}'),
        400,
        "INVALID_REQUEST",
      );
      // Invalid names, in the body and in the path.
      for (const name of ["", "a/b", "..", "has space", "x".repeat(250), "ünïcode"])
        assertError(await http(port, "POST", "/v1/topics", { name }), 400, "INVALID_TOPIC_EXCEPTION");
      // ("." and ".." cannot be sent in a path: URLs normalise them away.)
      for (const name of ["bad*name", "has%20space", "x".repeat(300), "%C3%BC"])
        assertError(await http(port, "GET", `/v1/topics/${name}`), 400, "INVALID_TOPIC_EXCEPTION");
      assertError(await http(port, "DELETE", "/v1/topics/a%2Fb"), 400, "INVALID_TOPIC_EXCEPTION");
      // An oversized body (the limit is 4096 bytes here).
      const big = { name: "x6", configs: { "retention.ms": "1".repeat(8000) } };
      assertError(await http(port, "POST", "/v1/topics", big), 413, "INVALID_REQUEST");
      // Wrong media type, unknown route, unknown query parameter.
      assertError(
        await http(port, "POST", "/v1/topics", "name=x7", { "content-type": "text/plain" }),
        415,
        "INVALID_REQUEST",
      );
      assertError(await http(port, "GET", "/v1/nothing"), 404, "RESOURCE_NOT_FOUND");
      assertError(await http(port, "GET", "/v1/topics?bogus=1"), 400, "INVALID_REQUEST");
      // Requests the cluster refuses: a typed error from the controller's answer.
      assertError(await http(port, "POST", "/v1/topics", { name: "keep" }), 409, "TOPIC_ALREADY_EXISTS");
      assertError(
        await http(port, "POST", "/v1/topics", { name: "x8", replicationFactor: 9 }),
        400,
        "INVALID_REPLICATION_FACTOR",
      );
      assertError(
        await http(port, "POST", "/v1/topics", { name: "x9", configs: { "retention.ms": "soon" } }),
        400,
        "INVALID_CONFIG",
      );
      assertError(
        await http(port, "PATCH", "/v1/topics/keep/configs", { set: { "no.such.setting": "1" } }),
        400,
        "INVALID_CONFIG",
      );
      assertError(await http(port, "POST", "/v1/topics/keep/partitions", { total: 1 }), 400, "INVALID_PARTITIONS");
      assertError(await http(port, "DELETE", "/v1/topics/missing"), 404, "UNKNOWN_TOPIC_OR_PARTITION");
      assertError(await http(port, "GET", "/v1/topics/missing/configs"), 404, "UNKNOWN_TOPIC_OR_PARTITION");
    }

    assert.deepEqual(await snapshot(), topicsBefore, "no topic was created or removed");
    assert.deepEqual((await http(controllerPort, "GET", "/v1/topics/keep")).json, before, "keep is unchanged");
  });

  test("the admin API's request rate is bounded; probes and metrics are not", async (t) => {
    const b = await c.addBroker(3, { ...FAST, "http.request.rate.max": "5" });
    t.after(() => b.stop());
    const answers = await Promise.all(Array.from({ length: 30 }, () => http(b.httpPort, "GET", "/v1/cluster")));
    const throttled = answers.filter((a) => a.status === 429);
    assert.ok(throttled.length >= 20, `at most about 5 of 30 pass, got ${30 - throttled.length}`);
    assertError(throttled[0]!, 429, "THROTTLING_QUOTA_EXCEEDED");
    assert.ok(Number(throttled[0]!.headers.get("retry-after")) >= 1);
    assert.ok(answers.every((a) => a.status === 200 || a.status === 429));
    for (let i = 0; i < 20; i++) {
      assert.equal((await http(b.httpPort, "GET", "/healthz")).status, 200);
      assert.equal((await http(b.httpPort, "GET", "/metrics")).status, 200);
    }
  });
});
