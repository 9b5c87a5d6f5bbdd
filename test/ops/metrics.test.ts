// /metrics on a real broker: after real produce and fetch traffic, the exposition passes
// Prometheus's own checker (`promtool check metrics`, Debian package `prometheus`) and
// holds the series the operations issue asks for, with values that match the traffic.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { Client } from "@tidelog/client";
import { startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { findTool, http, sample } from "./helpers.js";

const promtool = findTool("promtool");

test("a broker's /metrics passes promtool and counts the traffic it served", {
  skip: promtool ? false : "promtool not installed (apt-get install prometheus)",
  timeout: 120_000,
}, async (t) => {
  const c = await startCluster(t, {
    brokers: 2,
    brokerConfig: { "broker.session.timeout.ms": "3000", "controller.session.timeout.ms": "3000" },
  });
  const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 20_000 });
  t.after(() => client.close());
  await client.admin().createTopic({ name: "metered", partitions: 1, replicationFactor: 2 });
  const producer = client.producer();
  const records = Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: `value-${i}` }));
  await producer.send("metered", records);

  const consumer = client.consumer({ autoOffsetReset: "earliest" });
  consumer.assign([{ topic: "metered", partition: 0 }]);
  let seen = 0;
  for await (const _ of consumer) if (++seen === records.length) break;

  const [description] = await client.admin().describeTopics(["metered"]);
  const leader = c.broker(description!.partitions[0]!.leader!);
  // The follower's fetches move the high watermark; wait until the leader reports it.
  const text = await waitFor(
    async () => {
      const body = (await http(leader.httpPort, "GET", "/metrics")).text;
      return sample(body, "tidelog_partition_high_watermark", '{topic="metered",partition="0"}') === 100 ? body : null;
    },
    { description: "high watermark 100 on the leader", timeoutMs: 20_000 },
  );

  const checked = spawnSync(promtool!, ["check", "metrics"], { input: text, encoding: "utf8" });
  assert.equal(checked.status, 0, `promtool check metrics failed:\n${checked.stdout}${checked.stderr}`);

  assert.equal(sample(text, "tidelog_topic_records_in_total", '{topic="metered"}'), 100);
  assert.ok((sample(text, "tidelog_topic_bytes_in_total", '{topic="metered"}') ?? 0) > 100 * 8);
  assert.ok((sample(text, "tidelog_topic_records_out_total", '{topic="metered"}') ?? 0) >= 100);
  assert.ok((sample(text, "tidelog_topic_bytes_out_total", '{topic="metered"}') ?? 0) > 0);
  const tp = '{topic="metered",partition="0"}';
  assert.equal(sample(text, "tidelog_partition_log_end_offset", tp), 100);
  assert.ok((sample(text, "tidelog_partition_log_size_bytes", tp) ?? 0) > 0);
  assert.equal(sample(text, "tidelog_partition_segments", tp), 1);
  assert.equal(sample(text, "tidelog_partition_leader", tp), 1);
  assert.equal(sample(text, "tidelog_under_replicated_partitions"), 0);
  assert.equal(sample(text, "tidelog_offline_partitions"), 0);
  assert.notEqual(sample(text, "tidelog_controller_active"), null);
  assert.notEqual(sample(text, "tidelog_isr_shrinks_total"), null);
  assert.notEqual(sample(text, "tidelog_isr_expands_total"), null);
  assert.notEqual(sample(text, "tidelog_leader_elections_total"), null);
  assert.match(text, /tidelog_request_duration_seconds_count\{api="Produce",error="NONE"\} [1-9]/);
  assert.match(text, /tidelog_request_duration_seconds_bucket\{le="0.005",api="Fetch",error="NONE"\} \d/);
  assert.match(text, /^process_cpu_seconds_total \d/m);
  assert.match(text, /^nodejs_eventloop_lag_seconds \d/m);

  // Exactly one broker is the active controller.
  const active = await Promise.all(
    c.brokers.map(async (b) => sample((await http(b.httpPort, "GET", "/metrics")).text, "tidelog_controller_active")),
  );
  assert.deepEqual(active.sort(), [0, 1]);
});
