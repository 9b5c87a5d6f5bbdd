// Consumer groups on the broker's HTTP surface, against a real etcd and two real brokers:
// the /v1/groups routes (every request sent to the broker that is NOT the group's
// coordinator, so the answers must come from the other one), bad input answered with a
// typed 4xx that changes nothing, and the group series on the coordinator's /metrics
// (members, committed offsets, lag, rebalances, group API requests), checked by promtool.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { Client } from "@tidelog/client";
import { startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { assertError, findTool, http, sample } from "./helpers.js";

const promtool = findTool("promtool");
const PER_PARTITION = 10;

test("groups over REST from a broker that is not the coordinator, and group metrics on the coordinator", {
  skip: promtool ? false : "promtool not installed (apt-get install prometheus)",
  timeout: 150_000,
}, async (t) => {
  // One offsets partition: the group's coordinator is one broker, the other is not.
  const c = await startCluster(t, {
    brokers: 2,
    brokerConfig: {
      "offsets.topic.num.partitions": "1",
      "group.consumer.heartbeat.interval.ms": "300",
      "broker.session.timeout.ms": "3000",
      "controller.session.timeout.ms": "3000",
    },
  });
  const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 20_000 });
  t.after(() => client.close());
  const admin = client.admin();
  await admin.createTopic({ name: "orders", partitions: 2, replicationFactor: 2 });
  const producer = client.producer({ acks: -1 });
  for (let p = 0; p < 2; p++) {
    await producer.send(
      "orders",
      Array.from({ length: PER_PARTITION }, (_, i) => ({ value: `v${i}`, partition: p })),
    );
  }
  await producer.close();
  const producedBefore = Date.now();

  // A member reads everything and commits it, and stays in the group.
  const member = client.consumer({ groupId: "billing", autoOffsetReset: "earliest", autoCommit: false });
  member.subscribe(["orders"]);
  let read = 0;
  for await (const _ of member) if (++read === 2 * PER_PARTITION) break;
  await member.commit();

  const coordinatorId = (await admin.describeGroup("billing")).coordinatorId;
  const coordinator = c.broker(coordinatorId);
  const other = c.brokers.find((b) => b.id !== coordinatorId)!;

  const listed = await http(other.httpPort, "GET", "/v1/groups");
  assert.equal(listed.status, 200, listed.text);
  assert.deepEqual(listed.json.unreachableBrokers, []);
  const entry = listed.json.groups.find((g: { groupId: string }) => g.groupId === "billing");
  assert.deepEqual(
    { members: entry?.members, coordinatorId: entry?.coordinatorId },
    { members: 1, coordinatorId },
    listed.text,
  );

  const described = await http(other.httpPort, "GET", "/v1/groups/billing");
  assert.equal(described.status, 200, described.text);
  assert.equal(described.json.description.members.length, 1);
  assert.equal(described.json.description.members[0].assignment.length, 2);
  assert.deepEqual(
    described.json.offsets.map((o: { partition: number; committed: number; logEndOffset: number; lag: number }) => [
      o.partition,
      o.committed,
      o.logEndOffset,
      o.lag,
    ]),
    [
      [0, 10, 10, 0],
      [1, 10, 10, 0],
    ],
  );
  assert.equal(described.json.totalLag, 0);
  // Caught up: the oldest unconsumed record has no age.
  assert.deepEqual(
    described.json.offsets.map((o: { lagSeconds: number }) => o.lagSeconds),
    [0, 0],
  );
  assert.equal(described.json.maxLagSeconds, 0);

  // With a member in the group, reset and delete are conflicts.
  const resetBody = { topics: ["orders"], offset: 3, execute: true };
  assertError(
    await http(other.httpPort, "POST", "/v1/groups/billing/offsets/reset", resetBody),
    409,
    "NON_EMPTY_GROUP",
  );
  assertError(await http(other.httpPort, "DELETE", "/v1/groups/billing"), 409, "NON_EMPTY_GROUP");

  // The coordinator's metrics: one member, committed offsets, lag on the partitions it leads.
  const leaders = new Map((await admin.describeTopics(["orders"]))[0]!.partitions.map((p) => [p.partition, p.leader]));
  const scrape = async () => (await http(coordinator.httpPort, "GET", "/metrics")).text;
  let text = await scrape();
  assert.equal(sample(text, "tidelog_group_members", '{group="billing"}'), 1);
  assert.ok((sample(text, "tidelog_group_rebalances_total", '{group="billing"}') ?? 0) >= 1, "the join assigned");
  for (const p of [0, 1]) {
    const labels = `{group="billing",topic="orders",partition="${p}"}`;
    assert.equal(sample(text, "tidelog_group_committed_offset", labels), 10);
    assert.equal(sample(text, "tidelog_group_lag", labels), leaders.get(p) === coordinatorId ? 0 : null);
    assert.equal(sample(text, "tidelog_group_lag_seconds", labels), leaders.get(p) === coordinatorId ? 0 : null);
  }
  assert.match(text, /tidelog_request_duration_seconds_count\{api="Heartbeat",error="NONE"\} [1-9]/);
  assert.match(text, /tidelog_request_duration_seconds_count\{api="OffsetCommit",error="NONE"\} [1-9]/);
  const otherText = (await http(other.httpPort, "GET", "/metrics")).text;
  assert.equal(sample(otherText, "tidelog_group_members", '{group="billing"}'), null, "only the coordinator reports");

  await member.close();
  await waitFor(async () => (await admin.describeGroup("billing")).members.length === 0, {
    description: "the member left",
    timeoutMs: 10_000,
  });

  // A dry run changes nothing; an executed reset does.
  const dry = await http(other.httpPort, "POST", "/v1/groups/billing/offsets/reset", {
    topics: ["orders"],
    to: "earliest",
  });
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.json.executed, false);
  assert.deepEqual(
    dry.json.partitions.map((p: { current: number; target: number }) => [p.current, p.target]),
    [
      [10, 0],
      [10, 0],
    ],
  );
  const committed = async () =>
    (await http(other.httpPort, "GET", "/v1/groups/billing")).json.offsets.map(
      (o: { committed: number }) => o.committed,
    );
  assert.deepEqual(await committed(), [10, 10]);
  const done = await http(other.httpPort, "POST", "/v1/groups/billing/offsets/reset", resetBody);
  assert.equal(done.status, 200, done.text);
  assert.deepEqual(await committed(), [3, 3]);
  // Behind by 7 records written before `producedBefore`: the age of the record at offset 3
  // (its timestamp, set by the producer) is at least that and at most the whole test.
  const behindFor = (Date.now() - producedBefore) / 1000;
  const lagging = (await http(other.httpPort, "GET", "/v1/groups/billing")).json;
  for (const o of lagging.offsets as { lag: number; lagSeconds: number }[]) {
    assert.equal(o.lag, 7);
    assert.ok(o.lagSeconds >= behindFor - 1 && o.lagSeconds < 600, `lagSeconds ${o.lagSeconds}, behind ${behindFor}`);
  }
  assert.equal(lagging.maxLagSeconds, Math.max(...lagging.offsets.map((o: { lagSeconds: number }) => o.lagSeconds)));
  text = await scrape();
  for (const p of [0, 1]) {
    const labels = `{group="billing",topic="orders",partition="${p}"}`;
    assert.equal(sample(text, "tidelog_group_committed_offset", labels), 3);
    if (leaders.get(p) === coordinatorId) {
      assert.equal(sample(text, "tidelog_group_lag", labels), 7);
      const age = sample(text, "tidelog_group_lag_seconds", labels) ?? -1;
      assert.ok(age >= behindFor - 1 && age < 600, `tidelog_group_lag_seconds ${age}`);
    }
  }
  const checked = spawnSync(promtool!, ["check", "metrics"], { input: text, encoding: "utf8" });
  assert.equal(checked.status, 0, `promtool check metrics failed:\n${checked.stdout}${checked.stderr}`);

  // Bad input: a typed 4xx, never a 500, and nothing moves.
  const reset = (body: unknown, group = "billing") =>
    http(other.httpPort, "POST", `/v1/groups/${group}/offsets/reset`, body);
  assertError(await reset("{not json"), 400, "INVALID_REQUEST");
  assertError(await reset({ topics: ["orders"], offset: 1, color: "red" }), 400, "INVALID_REQUEST");
  assertError(await reset({ topics: ["orders"], offset: 1, to: "latest" }), 400, "INVALID_REQUEST");
  assertError(await reset({ topics: ["orders"] }), 400, "INVALID_REQUEST");
  assertError(await reset({ topics: [], to: "latest" }), 400, "INVALID_REQUEST");
  assertError(await reset({ topics: ["orders"], offset: -1 }), 400, "INVALID_REQUEST");
  assertError(await reset({ topics: ["orders"], datetime: "yesterday" }), 400, "INVALID_REQUEST");
  assertError(await reset({ topics: ["bad/name"], to: "latest", execute: true }), 400, "INVALID_TOPIC_EXCEPTION");
  assertError(await reset({ topics: ["orders"], to: "latest" }, "x".repeat(256)), 400, "INVALID_GROUP_ID");
  assertError(await http(other.httpPort, "GET", `/v1/groups/${"x".repeat(256)}`), 400, "INVALID_GROUP_ID");
  assertError(await http(other.httpPort, "GET", "/v1/groups/a%01b"), 400, "INVALID_GROUP_ID");
  assertError(await http(other.httpPort, "GET", "/v1/groups/nobody"), 404, "GROUP_ID_NOT_FOUND");
  assert.deepEqual(await committed(), [3, 3], "refused requests changed nothing");

  const deleted = await http(other.httpPort, "DELETE", "/v1/groups/billing");
  assert.equal(deleted.status, 200, deleted.text);
  assertError(await http(other.httpPort, "GET", "/v1/groups/billing"), 404, "GROUP_ID_NOT_FOUND");
  assertError(await http(other.httpPort, "DELETE", "/v1/groups/billing"), 404, "GROUP_ID_NOT_FOUND");
});
