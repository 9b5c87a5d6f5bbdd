// The Admin API against fake brokers that speak the real gRPC contract: typed results,
// writes routed to the controller (and re-routed when a broker answers NOT_CONTROLLER),
// retries on transport failures within their bounds, and per-item errors surfacing as
// TidelogErrors with the table's codes while the other items of the call still succeed.
import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import { Client, type ClientOptions, isTransportError, RetriesExhaustedError, TidelogError } from "@tidelog/client";
import { closedPort, type RunningFakeCluster, startFakeCluster } from "./fake-admin-server.js";

const FAST_RETRY = { retries: 3, initialBackoffMs: 5, maxBackoffMs: 20 };

function clientFor(t: TestContext, brokers: string, options: Omit<ClientOptions, "brokers"> = {}): Client {
  const client = new Client({ brokers, retry: FAST_RETRY, requestTimeoutMs: 5_000, ...options });
  t.after(() => client.close());
  return client;
}

async function rejection(promise: Promise<unknown>): Promise<TidelogError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof TidelogError, `expected a TidelogError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected the call to fail");
}

function totalCalls(fake: RunningFakeCluster, method: string): number {
  return fake.brokers.reduce((n, b) => n + b.callsOf(method).length, 0);
}

test("describeCluster: cluster id, controller and brokers as typed values", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 3, controller: 2 });
  const cluster = await clientFor(t, fake.broker(1).address).admin().describeCluster();
  assert.equal(cluster.clusterId, fake.cluster.clusterId);
  assert.equal(cluster.controllerId, 2);
  assert.equal(cluster.controllerEpoch, fake.cluster.controllerEpoch);
  assert.equal(cluster.answeredBy, 1);
  assert.deepEqual(
    cluster.brokers.map((b) => [b.id, b.address, b.rack]),
    fake.brokers.map((b) => [b.id, b.address, null]),
  );
});

test("no controller elected: controllerId is null, not -1", async (t) => {
  const fake = await startFakeCluster(t, { controller: null });
  const cluster = await clientFor(t, fake.bootstrap).admin().describeCluster();
  assert.equal(cluster.controllerId, null);
});

test("a created topic reads back through list, describe and describeConfigs", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 3 });
  fake.cluster.seedTopic("__consumer_offsets", 2, 3, true);
  const admin = clientFor(t, fake.bootstrap).admin();
  const created = await admin.createTopic({
    name: "orders",
    partitions: 3,
    replicationFactor: 2,
    configs: { "retention.ms": "60000" },
  });
  assert.equal(created.error, null);
  assert.equal(typeof created.topicId, "string");

  const listed = await admin.listTopics();
  assert.deepEqual(listed, [
    { name: "orders", topicId: created.topicId, partitionCount: 3, replicationFactor: 2, internal: false },
  ]);
  const withInternal = await admin.listTopics({ includeInternal: true });
  assert.deepEqual(
    withInternal.map((l) => [l.name, l.internal]),
    [
      ["__consumer_offsets", true],
      ["orders", false],
    ],
  );

  const [orders] = await admin.describeTopics(["orders"]);
  assert.equal(orders?.error, null);
  assert.deepEqual(orders?.configs, { "retention.ms": "60000" });
  assert.deepEqual(
    orders?.partitions.map((p) => [p.partition, p.leader, p.leaderEpoch, p.replicas, p.isr, p.offlineReplicas]),
    [
      [0, 1, 0, [1, 2], [1, 2], []],
      [1, 2, 0, [2, 3], [2, 3], []],
      [2, 3, 0, [3, 1], [3, 1], []],
    ],
  );

  const configs = await admin.describeConfig("orders");
  const retention = configs.entries.find((e) => e.name === "retention.ms");
  assert.deepEqual(retention && [retention.value, retention.isDefault], ["60000", false]);
  assert.ok(configs.entries.find((e) => e.name === "segment.bytes")?.isDefault);
});

test("an offline broker shows as offline replicas and, when it led, a null leader", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 2 });
  const admin = clientFor(t, fake.bootstrap).admin();
  await admin.createTopic({ name: "solo", partitions: 1, replicationFactor: 1 });
  fake.cluster.unregister(1);
  const solo = await admin.describeTopic("solo");
  assert.deepEqual(
    solo.partitions.map((p) => [p.leader, p.offlineReplicas, p.leaderEpoch]),
    [[null, [1], 1]],
  );
});

test("writes go to the controller named by DescribeCluster, not the bootstrap broker", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 3, controller: 3 });
  const admin = clientFor(t, fake.broker(1).address).admin();
  await admin.createTopic({ name: "routed" });
  assert.equal(fake.broker(1).callsOf("CreateTopics").length, 0);
  assert.equal(fake.broker(3).callsOf("CreateTopics").length, 1);
  assert.ok(fake.cluster.topics.has("routed"));
});

test("NOT_CONTROLLER: the client refreshes metadata and retries at the new controller", async (t) => {
  // Why: a controller election between two calls leaves the client's metadata stale; the
  // old controller answers each item NOT_CONTROLLER and the write must still land once.
  const fake = await startFakeCluster(t, { brokers: 2, controller: 1 });
  const admin = clientFor(t, fake.bootstrap).admin();
  await admin.describeCluster();
  fake.cluster.electController(2);

  const [a, b] = await admin.createTopics([{ name: "a" }, { name: "b" }]);
  assert.deepEqual([a?.error, b?.error], [null, null]);
  assert.equal(fake.broker(1).callsOf("CreateTopics").length, 1, "the old controller refused once");
  assert.equal(fake.broker(2).callsOf("CreateTopics").length, 1, "the new controller served the retry");
  assert.deepEqual([...fake.cluster.topics.keys()].sort(), ["a", "b"]);
});

test("NOT_CONTROLLER redirect works for elections of every partition too", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 2, controller: 1 });
  const admin = clientFor(t, fake.bootstrap).admin();
  await admin.createTopic({ name: "e", partitions: 2, replicationFactor: 2 });
  fake.cluster.electController(2);
  const results = await admin.electLeaders();
  assert.deepEqual(
    results.map((r) => [r.topic, r.partition, r.error?.code ?? null]),
    [
      ["e", 0, "ELECTION_NOT_NEEDED"],
      ["e", 1, "ELECTION_NOT_NEEDED"],
    ],
  );
  assert.equal(fake.broker(2).callsOf("ElectLeaders").length, 1);
});

test("no controller for the whole bound: items carry NOT_CONTROLLER, saying how many attempts were made", async (t) => {
  const fake = await startFakeCluster(t, { controller: null });
  const admin = clientFor(t, fake.bootstrap).admin();
  const [result] = await admin.createTopics([{ name: "waiting" }]);
  assert.ok(result?.error instanceof RetriesExhaustedError);
  assert.equal(result.error.code, "NOT_CONTROLLER");
  assert.equal(result.error.errorCode, 41);
  assert.equal(result.error.attempts, FAST_RETRY.retries + 1);
  assert.match(result.error.message, /after 4 attempts/);
  assert.match(result.error.message, /no controller is elected/);
  assert.equal(totalCalls(fake, "CreateTopics"), 0);
});

test("UNAVAILABLE twice, then an answer: the call succeeds on the third attempt", async (t) => {
  const fake = await startFakeCluster(t);
  const admin = clientFor(t, fake.bootstrap).admin();
  fake.broker(1).failNext(2);
  assert.deepEqual(await admin.listTopics(), []);
  assert.equal(fake.broker(1).callsOf("ListTopics").length, 3);
});

test("writes retry transport failures too, and apply once", async (t) => {
  const fake = await startFakeCluster(t);
  const admin = clientFor(t, fake.bootstrap).admin();
  await admin.describeCluster();
  fake.broker(1).failNext(2, undefined, "CreateTopics");
  assert.equal((await admin.createTopic({ name: "flaky" })).error, null);
  assert.equal(fake.broker(1).callsOf("CreateTopics").length, 3);
});

test("UNAVAILABLE past the bound: one error naming the attempts and the last cause", async (t) => {
  const fake = await startFakeCluster(t);
  const admin = clientFor(t, fake.bootstrap).admin();
  fake.broker(1).failNext(1_000);
  const error = await rejection(admin.listTopics());
  assert.ok(error instanceof RetriesExhaustedError);
  assert.ok(isTransportError(error));
  assert.equal(error.code, "NETWORK_EXCEPTION");
  assert.equal(error.attempts, 4);
  assert.equal(error.reason, "retries");
  assert.match(error.message, /listTopics failed after 4 attempts in \d+ ms \(no retries left\)/);
  assert.match(error.message, /UNAVAILABLE: injected UNAVAILABLE/);
  assert.equal(fake.broker(1).callsOf("ListTopics").length, 4);
});

test("a write that never reaches the cluster throws rather than returning per-item errors", async (t) => {
  const fake = await startFakeCluster(t);
  const admin = clientFor(t, fake.bootstrap).admin();
  fake.broker(1).failNext(1_000);
  const error = await rejection(admin.createTopics([{ name: "x" }, { name: "y" }]));
  assert.ok(isTransportError(error));
});

test("a slow broker: the request timeout bounds the wait and says so", async (t) => {
  const fake = await startFakeCluster(t);
  const admin = clientFor(t, fake.bootstrap, { requestTimeoutMs: 300 }).admin();
  fake.broker(1).delayMs = 5_000;
  const started = Date.now();
  const error = await rejection(admin.listTopics());
  assert.ok(Date.now() - started < 2_000, "gave up near the 300 ms timeout");
  assert.ok(isTransportError(error));
  assert.equal(error.code, "REQUEST_TIMED_OUT");
  assert.match(error.message, /DEADLINE_EXCEEDED/);
});

test("nothing listening: a transport error within the bound", async (t) => {
  const port = await closedPort();
  const admin = clientFor(t, `127.0.0.1:${port}`).admin();
  const error = await rejection(admin.describeCluster());
  assert.ok(isTransportError(error));
  assert.equal(error.code, "NETWORK_EXCEPTION");
  assert.match(error.message, new RegExp(`no answer from 127\\.0\\.0\\.1:${port}`));
});

test("reads fail over to another broker when one is down", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 2 });
  const port = await closedPort();
  const admin = clientFor(t, `127.0.0.1:${port},${fake.broker(2).address}`).admin();
  assert.equal((await admin.describeCluster()).answeredBy, 2);
});

test("per-item errors: each item gets its own TidelogError code, the others still succeed", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 2 });
  const admin = clientFor(t, fake.bootstrap).admin();
  await admin.createTopic({ name: "exists" });
  const results = await admin.createTopics([
    { name: "exists" },
    { name: "fresh", partitions: 2 },
    { name: "bad-config", configs: { "retention.ms": "soon" } },
    { name: "too-wide", replicationFactor: 3 },
    { name: "bad/name" },
  ]);
  assert.deepEqual(
    results.map((r) => [r.name, r.error?.code ?? null, r.error?.errorCode ?? null]),
    [
      ["exists", "TOPIC_ALREADY_EXISTS", 36],
      ["fresh", null, null],
      ["bad-config", "INVALID_CONFIG", 40],
      ["too-wide", "INVALID_REPLICATION_FACTOR", 38],
      ["bad/name", "INVALID_TOPIC_EXCEPTION", 17],
    ],
  );
  assert.equal(results[2]?.error?.retriable, false);
  assert.equal(fake.cluster.topics.get("fresh")?.partitions.length, 2);
});

test("the singular forms throw the item's error", async (t) => {
  const fake = await startFakeCluster(t);
  const admin = clientFor(t, fake.bootstrap).admin();
  await admin.createTopic({ name: "once" });
  assert.equal((await rejection(admin.createTopic({ name: "once" }))).code, "TOPIC_ALREADY_EXISTS");
  assert.equal((await rejection(admin.deleteTopic("never"))).code, "UNKNOWN_TOPIC_OR_PARTITION");
  assert.equal((await rejection(admin.describeTopic("never"))).code, "UNKNOWN_TOPIC_OR_PARTITION");
  assert.equal((await rejection(admin.increasePartitions("once", 1))).code, "INVALID_PARTITIONS");
});

test("UNKNOWN_TOPIC_OR_PARTITION is an admin answer, not retried", async (t) => {
  const fake = await startFakeCluster(t);
  const admin = clientFor(t, fake.bootstrap).admin();
  const [result] = await admin.deleteTopics(["missing"]);
  assert.equal(result?.error?.code, "UNKNOWN_TOPIC_OR_PARTITION");
  assert.ok(!(result?.error instanceof RetriesExhaustedError));
  assert.equal(fake.broker(1).callsOf("DeleteTopics").length, 1);
});

test("items the client can see are wrong never leave it; duplicates are refused", async (t) => {
  const fake = await startFakeCluster(t);
  const admin = clientFor(t, fake.bootstrap).admin();
  const [zero, fraction, ok] = await admin.createTopics([
    { name: "zero", partitions: 0 },
    { name: "fraction", replicationFactor: 1.5 },
    { name: "ok" },
  ]);
  assert.equal(zero?.error?.code, "INVALID_PARTITIONS");
  assert.equal(fraction?.error?.code, "INVALID_REPLICATION_FACTOR");
  assert.equal(ok?.error, null);
  const [sent] = fake.broker(1).callsOf("CreateTopics");
  const request = sent?.request as { topics: { name: string }[] } | undefined;
  assert.deepEqual(
    request?.topics.map((x) => x.name),
    ["ok"],
  );
  const duplicate = await rejection(admin.deleteTopics(["ok", "ok"]));
  assert.equal(duplicate.code, "INVALID_REQUEST");
});

test("deleteTopics, createPartitions and alterConfigs return per-topic results", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 2 });
  const admin = clientFor(t, fake.bootstrap).admin();
  const created = await admin.createTopic({ name: "grow", partitions: 1, replicationFactor: 2 });

  const [grown, unknown] = await admin.createPartitions([
    { name: "grow", totalCount: 4 },
    { name: "nope", totalCount: 2 },
  ]);
  assert.equal(grown?.error, null);
  assert.equal(unknown?.error?.code, "UNKNOWN_TOPIC_OR_PARTITION");
  assert.equal((await admin.describeTopic("grow")).partitions.length, 4);

  await admin.alterConfig({ name: "grow", set: { "retention.ms": "1000", "cleanup.policy": "compact" } });
  await admin.alterConfig({ name: "grow", delete: ["cleanup.policy"] });
  const entries = (await admin.describeConfig("grow")).entries;
  const byName = new Map(entries.map((e) => [e.name, e]));
  assert.deepEqual([byName.get("retention.ms")?.value, byName.get("retention.ms")?.isDefault], ["1000", false]);
  assert.deepEqual([byName.get("cleanup.policy")?.value, byName.get("cleanup.policy")?.isDefault], ["delete", true]);
  const [badAlter] = await admin.alterConfigs([{ name: "grow", set: { "no.such.key": "1" } }]);
  assert.equal(badAlter?.error?.code, "INVALID_CONFIG");

  const [deleted] = await admin.deleteTopics(["grow"]);
  assert.deepEqual([deleted?.name, deleted?.topicId, deleted?.error], ["grow", created.topicId, null]);
  assert.equal(fake.cluster.topics.size, 0);
});

test("validateOnly checks and changes nothing", async (t) => {
  const fake = await startFakeCluster(t);
  const admin = clientFor(t, fake.bootstrap).admin();
  const [ok, bad] = await admin.createTopics([{ name: "dry" }, { name: "dry2", configs: { "x.y": "1" } }], {
    validateOnly: true,
  });
  assert.equal(ok?.error, null);
  assert.equal(bad?.error?.code, "INVALID_CONFIG");
  assert.equal(fake.cluster.topics.size, 0);
});

test("electLeaders moves leadership back to the preferred replica", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 2 });
  const admin = clientFor(t, fake.bootstrap).admin();
  await admin.createTopic({ name: "lead", partitions: 2, replicationFactor: 2 });
  const p0 = fake.cluster.topics.get("lead")!.partitions[0]!;
  p0.leader = 2;
  const results = await admin.electLeaders([{ topic: "lead" }, { topic: "ghost", partitions: [0] }]);
  assert.deepEqual(
    results.map((r) => [r.topic, r.partition, r.leader, r.error?.code ?? null]),
    [
      ["lead", 0, 1, null],
      ["lead", 1, 2, "ELECTION_NOT_NEEDED"],
      ["ghost", null, null, "UNKNOWN_TOPIC_OR_PARTITION"],
    ],
  );
  assert.equal(p0.leaderEpoch, 1);
});

test("a closed client refuses further calls", async (t) => {
  const fake = await startFakeCluster(t);
  const client = clientFor(t, fake.bootstrap);
  await client.close();
  await assert.rejects(client.admin().listTopics(), /closed/);
});

test("client options are checked against each other at construction", () => {
  assert.throws(
    () => new Client({ brokers: "127.0.0.1:1", retry: { initialBackoffMs: 500, maxBackoffMs: 100 } }),
    /initialBackoffMs \(500\) must not exceed retry\.maxBackoffMs \(100\)/,
  );
  assert.throws(() => new Client({ brokers: "127.0.0.1:1", requestTimeoutMs: 0 }), /INVALID_CONFIG: requestTimeoutMs/);
  assert.throws(() => new Client({ brokers: "127.0.0.1:1", clientId: "has space" }), /clientId/);
});

test("an error crosses the wire with its code once: detail on the wire, code added back by the client", async (t) => {
  const { errorInfo, errorFromInfo } = await import("../../clients/sdk/src/protocol/grpc.js");
  const sent = errorInfo(new TidelogError("TOPIC_ALREADY_EXISTS", "topic 'a' already exists"));
  assert.deepEqual(sent, { code: 36, message: "topic 'a' already exists" });
  assert.equal(errorFromInfo(sent)?.message, "TOPIC_ALREADY_EXISTS: topic 'a' already exists");
  assert.equal(errorFromInfo({ code: 0, message: "" }), null);
  const fake = await startFakeCluster(t);
  const admin = clientFor(t, fake.bootstrap).admin();
  await admin.createTopic({ name: "a" });
  assert.equal(
    (await rejection(admin.createTopic({ name: "a" }))).message,
    "TOPIC_ALREADY_EXISTS: topic 'a' already exists",
  );
});
