// Client quotas against a real broker: set through the Admin API (stored in etcd, picked
// up by the broker's watch), a client over its produce, fetch or request quota is slowed
// down (its answers held back; the throttle counted in /metrics), never refused, and a
// client without a quota is not touched; `tidelog quotas` sets, describes and removes
// them. Only lower bounds on time are asserted: a slow
// machine can only make a throttled client slower.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Client } from "@tidelog/client";
import { startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { runCli } from "../cli/run-cli.js";

const RECORD_BYTES = 1000;
const RECORDS = 300;

async function throttled(httpAddress: string, quota: string): Promise<number> {
  const text = await (await fetch(`http://${httpAddress}/metrics`)).text();
  const m = new RegExp(`^tidelog_quota_throttled_total\\{quota="${quota}"\\} (\\d+)`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}

test("client quotas slow a client down to its rate, touch no one else, and lift when removed", async (t) => {
  // Short windows, so a test run sees throttling within a few seconds.
  const c = await startCluster(t, {
    brokers: 1,
    brokerConfig: { "quota.window.num": "2", "quota.window.size.seconds": "1" },
  });
  const clients: Client[] = [];
  const client = (clientId: string) => {
    const made = new Client({ brokers: c.bootstrap, clientId, requestTimeoutMs: 30_000 });
    clients.push(made);
    return made;
  };
  t.after(async () => {
    for (const made of clients) await made.close();
  });
  const admin = client("admin").admin();
  const http = `${c.brokers[0]!.host}:${c.brokers[0]!.httpPort}`;
  await admin.createTopic({ name: "q", partitions: 1, replicationFactor: 1 });

  await admin.alterClientQuotas([
    { entity: { clientId: "slow-writer" }, set: { producer_byte_rate: 50_000 } },
    { entity: { clientId: "slow-reader" }, set: { consumer_byte_rate: 100_000 } },
    { entity: { clientId: "chatty" }, set: { request_rate: 5 } },
  ]);
  const described = await admin.describeClientQuotas();
  assert.deepEqual(
    described.map((d) => [d.entity, d.values]),
    [
      [{ clientId: "chatty" }, { request_rate: 5 }],
      [{ clientId: "slow-reader" }, { consumer_byte_rate: 100_000 }],
      [{ clientId: "slow-writer" }, { producer_byte_rate: 50_000 }],
    ],
  );
  assert.deepEqual(
    (await admin.describeClientQuotas({ clientId: "slow-writer", strict: true })).map((d) => d.values),
    [{ producer_byte_rate: 50_000 }],
  );
  await assert.rejects(
    admin.alterClientQuotas([{ entity: { clientId: "x" }, set: { producer_byte_rate: 0 } }]),
    /INVALID_REQUEST|above 0/,
  );

  const value = Buffer.alloc(RECORD_BYTES, 0x71);
  const send = async (clientId: string) => {
    const producer = client(clientId).producer({ acks: 1, lingerMs: 0, batchSize: 16 * 1024 });
    const started = performance.now();
    await Promise.all(Array.from({ length: RECORDS }, () => producer.send("q", { value })));
    await producer.close();
    return performance.now() - started;
  };

  // The broker's watch delivers the quotas within a second: wait until they bind.
  const before = await throttled(http, "producer_byte_rate");
  const slowMs = await send("slow-writer");
  assert.ok((await throttled(http, "producer_byte_rate")) > before, "the slow writer's answers were held back");
  // 300 KB at 50 KB/s, less the window's allowance (2 s): at least 4 s.
  assert.ok(slowMs >= 3500, `300 KB at 50 KB/s took ${Math.round(slowMs)} ms`);

  const untouched = await throttled(http, "producer_byte_rate");
  await send("fast-writer");
  assert.equal(await throttled(http, "producer_byte_rate"), untouched, "no quota, no throttle");

  // Reading 600 KB (both writers' records) at 100 KB/s. One fetch may answer all of it
  // (as in Kafka, a throttle follows the answer): then its throttle, capped at the
  // window (2 s), holds the reader back.
  const reader = client("slow-reader").consumer({ autoOffsetReset: "earliest", maxWaitMs: 100 });
  reader.assign([{ topic: "q", partition: 0 }]);
  let read = 0;
  const readStarted = performance.now();
  await reader.run({
    eachBatch: (batch) => {
      read += batch.records.length;
      if (read >= 2 * RECORDS) reader.stop();
    },
  });
  const readMs = performance.now() - readStarted;
  await reader.close();
  assert.equal(read, 2 * RECORDS, "every record read: throttled, not refused");
  assert.ok((await throttled(http, "consumer_byte_rate")) > 0);
  assert.ok(readMs >= 1500, `600 KB at 100 KB/s took ${Math.round(readMs)} ms`);

  // 20 admin requests at 5 a second.
  const chatty = client("chatty").admin();
  const chattyStarted = performance.now();
  for (let i = 0; i < 20; i++) await chatty.describeCluster();
  assert.ok((await throttled(http, "request_rate")) > 0);
  assert.ok(performance.now() - chattyStarted >= 1500, "20 requests at 5/s");

  // Removed: the writer is not held back any more once the broker's watch has the change.
  await admin.alterClientQuotas([{ entity: { clientId: "slow-writer" }, remove: ["producer_byte_rate"] }]);
  assert.equal((await admin.describeClientQuotas({ clientId: "slow-writer" })).length, 0, "an emptied entity is gone");
  await waitFor(
    async () => {
      const was = await throttled(http, "producer_byte_rate");
      await send("slow-writer");
      return (await throttled(http, "producer_byte_rate")) === was;
    },
    { description: "the removed quota no longer binds", timeoutMs: 30_000 },
  );
});

test("tidelog quotas set, describe and remove, with readable and JSON output and usage errors", async (t) => {
  const c = await startCluster(t, { brokers: 1 });
  const cli = (...argv: string[]) => runCli(["--bootstrap", c.bootstrap, "--timeout", "15000", ...argv]);
  const set = await cli("quotas", "set", "--user", "alice", "--producer-byte-rate", "1MiB", "--request-rate", "200");
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /Set producer_byte_rate=1048576, request_rate=200 for user alice/);
  assert.equal((await cli("quotas", "set", "--client-id-default", "--consumer-byte-rate", "10MiB")).code, 0);
  const dry = await cli("quotas", "set", "--client-id", "x", "--request-rate", "5", "--dry-run");
  assert.match(dry.stdout, /Would set request_rate=5 for client id x/);

  const table = await cli("quotas", "describe");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /alice[\s\S]*1048576/);
  assert.match(table.stdout, /<default>[\s\S]*10485760/);
  assert.doesNotMatch(table.stdout, /\bx\b.*5/, "a dry run stores nothing");
  const doc = JSON.parse((await cli("quotas", "describe", "--user", "alice", "--json")).stdout);
  assert.deepEqual(doc.quotas, [
    { entity: { user: "alice" }, values: { producer_byte_rate: 1048576, request_rate: 200 } },
  ]);

  const removed = await cli("quotas", "remove", "--user", "alice", "--request-rate");
  assert.equal(removed.code, 0, removed.stderr);
  const after = JSON.parse((await cli("quotas", "describe", "--user", "alice", "--json")).stdout);
  assert.deepEqual(after.quotas[0].values, { producer_byte_rate: 1048576 });
  assert.equal((await cli("quotas", "remove", "--user", "alice", "--all")).code, 0);
  assert.deepEqual(JSON.parse((await cli("quotas", "describe", "--user", "alice", "--json")).stdout).quotas, []);

  for (const bad of [
    ["quotas", "set", "--user", "alice"],
    ["quotas", "set", "--producer-byte-rate", "1MiB"],
    ["quotas", "set", "--user", "a", "--user-default", "--request-rate", "1"],
    ["quotas", "set", "--user", "a", "--request-rate", "0"],
    ["quotas", "remove", "--client-id", "x"],
  ]) {
    const r = await cli(...bad);
    assert.equal(r.code, 2, `${bad.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /quota|entity|--user|rate/, r.stderr);
  }
});
