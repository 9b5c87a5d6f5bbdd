// The producer against in-process fake brokers that speak the real gRPC contract and
// keep real logs (offsets assigned per batch, idempotent de-duplication). Proves:
// batching by linger and by size (counted in produce requests and batch bytes); keyed
// records on Kafka's partition; sticky keyless batches; delivery reports with offsets
// in send order; memory back-pressure (bounded, and maxBlockMs); idempotent retries of a
// lost response without duplicates; retries after a leader move; per-partition order
// under retries; acks 0; close() flushing; delivery timeout; a failed batch resets the
// partition's sequence so later sends still succeed.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { readBatchHeader } from "@tidelog/client/record";
import { type DeliveryReport, partitionForKey, TidelogError } from "../../clients/sdk/src/index.js";
import { startFakeDataCluster } from "./fake-broker-server.js";
import { clientFor, paddedValue, waitFor } from "./helpers.js";

/** Batches each produce request carried for the topic, as [partition, bytes]. */
function producedBatches(fake: Awaited<ReturnType<typeof startFakeDataCluster>>): [number, number][] {
  return fake.brokers.flatMap((b) =>
    b.produceRequests.flatMap((r) => r.partitions.map((p) => [p.partition, p.bytes] as [number, number])),
  );
}

function requestCount(fake: Awaited<ReturnType<typeof startFakeDataCluster>>): number {
  return fake.brokers.reduce((n, b) => n + b.produceRequests.length, 0);
}

test("records sent within lingerMs share one request; offsets follow send order", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 1);
  const producer = clientFor(t, fake).producer({ lingerMs: 100 });
  const sends = Array.from({ length: 20 }, (_, i) => producer.send("orders", { value: `v${i}` }));
  const reports = await Promise.all(sends);
  assert.deepEqual(
    reports.map((r) => r.offset),
    Array.from({ length: 20 }, (_, i) => i),
  );
  assert.equal(requestCount(fake), 1, "one request for all twenty");
  assert.deepEqual(
    fake.cluster.records("orders", 0).map((r) => r.value),
    Array.from({ length: 20 }, (_, i) => `v${i}`),
  );
});

test("with lingerMs 0 a record is sent on the next turn of the event loop, not after a timer", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 1);
  const producer = clientFor(t, fake).producer({ lingerMs: 0 });
  await producer.send("orders", { value: "connects" });
  // Let the answer's own wake-up run first, so only the new batch can start the sender.
  await new Promise((resolve) => setTimeout(resolve, 50));
  // With timers frozen, a send waiting on a 0 ms timer (at least 1 ms in Node) never
  // leaves; one woken by setImmediate is delivered.
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  // Bounded by turns of the event loop (timers are frozen): a stuck send fails here.
  let delivered = false;
  const sent = producer.send("orders", { value: "now" }).finally(() => {
    delivered = true;
  });
  for (let turns = 0; !delivered && turns < 20_000; turns++) await new Promise((resolve) => setImmediate(resolve));
  t.mock.timers.reset();
  // (A send left waiting on a frozen timer also keeps the test's cleanup waiting: it then
  // fails by the test timeout.)
  assert.ok(delivered, "the send waited for a timer");
  const report = await sent;
  assert.equal(report.offset, 1);
});

test("a full batch is sent without waiting for lingerMs, and never exceeds batchSize", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 1);
  const producer = clientFor(t, fake).producer({ lingerMs: 60_000, batchSize: 1024 });
  const records = Array.from({ length: 100 }, (_, i) => ({ value: paddedValue(`r${i}`) }));
  const sent = producer.send("orders", records);
  await waitFor("the full batches", () => producedBatches(fake).length >= 11);
  const full = producedBatches(fake);
  for (const [, bytes] of full) assert.ok(bytes <= 1024 && bytes > 1024 - 120, `batch of ${bytes} bytes`);
  await producer.flush();
  const reports = await sent;
  assert.deepEqual(
    reports.map((r) => r.offset),
    records.map((_, i) => i),
  );
  assert.equal(fake.cluster.records("orders", 0).length, 100);
});

test("keyed records land on the partition Kafka's partitioner chooses", async (t) => {
  const fake = await startFakeDataCluster(t, { brokers: 2 });
  fake.cluster.createTopic("users", 6, [1, 2]);
  const producer = clientFor(t, fake).producer();
  const keys = Array.from({ length: 200 }, (_, i) => `user-${i * 7919}`);
  const reports = await producer.send(
    "users",
    keys.map((key) => ({ key, value: key })),
  );
  for (const [i, key] of keys.entries()) assert.equal(reports[i]?.partition, partitionForKey(key, 6), key);
  for (let p = 0; p < 6; p++) {
    for (const r of fake.cluster.records("users", p)) assert.equal(partitionForKey(r.key!, 6), p);
  }
  const single = await producer.send("users", { key: Buffer.from("user-0"), value: "again" });
  assert.equal(single.partition, partitionForKey("user-0", 6), "Buffer and string keys hash alike");
});

test("keyless records fill one partition's batch before moving to another", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("events", 4);
  const producer = clientFor(t, fake).producer({ lingerMs: 60_000, batchSize: 1024 });
  const sent = producer.send(
    "events",
    Array.from({ length: 80 }, (_, i) => ({ value: paddedValue(`e${i}`) })),
  );
  await producer.flush();
  const reports = await sent;
  const runs: { partition: number; length: number }[] = [];
  for (const r of reports) {
    const last = runs[runs.length - 1];
    if (last && last.partition === r.partition) last.length++;
    else runs.push({ partition: r.partition, length: 1 });
  }
  assert.ok(runs.length >= 8, `${runs.length} runs`);
  for (const run of runs.slice(0, -1)) assert.ok(run.length >= 7, `a run of ${run.length} records fills a batch`);
  assert.ok(new Set(runs.map((r) => r.partition)).size > 1, "more than one partition used");
});

test("buffered bytes never exceed bufferMemory; send() waits for room instead", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 3);
  fake.broker(1).produceDelayMs = 5;
  const bufferMemory = 64 * 1024;
  const producer = clientFor(t, fake).producer({ bufferMemory, batchSize: 16 * 1024, lingerMs: 1 });
  let highest = 0;
  const sample = setInterval(() => {
    highest = Math.max(highest, producer.bufferedBytes);
  }, 1);
  t.after(() => clearInterval(sample));
  const sends: Promise<DeliveryReport[]>[] = [];
  for (let i = 0; i < 100; i++) {
    sends.push(
      producer.send(
        "orders",
        Array.from({ length: 100 }, (_, j) => ({ value: paddedValue(`${i}/${j}`) })),
      ),
    );
    highest = Math.max(highest, producer.bufferedBytes);
  }
  await Promise.all(sends);
  assert.ok(highest <= bufferMemory, `held ${highest} bytes, bound ${bufferMemory}`);
  assert.ok(highest > bufferMemory / 2, "the bound was reached");
  const total = [0, 1, 2].reduce((n, p) => n + fake.cluster.records("orders", p).length, 0);
  assert.equal(total, 10_000);
  assert.equal(producer.bufferedBytes, 0);
});

test("a send that cannot get buffer memory within maxBlockMs fails and says why", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 2);
  fake.broker(1).produceDelayMs = 1500;
  const producer = clientFor(t, fake).producer({
    bufferMemory: 16 * 1024,
    batchSize: 16 * 1024,
    maxBlockMs: 100,
    lingerMs: 0,
  });
  const first = producer.send("orders", { value: "holds all memory", partition: 0 });
  const startMs = Date.now();
  const blocked = producer.send("orders", { value: "needs a batch of its own", partition: 1 });
  await assert.rejects(blocked, (e: unknown) => {
    assert.ok(e instanceof TidelogError);
    assert.equal(e.code, "REQUEST_TIMED_OUT");
    assert.match(e.message, /buffer memory within maxBlockMs/);
    return true;
  });
  assert.ok(Date.now() - startMs >= 90, "waited about maxBlockMs");
  assert.equal((await first).offset, 0);
});

test("a lost response is retried with the same sequence: nothing is written twice", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 1);
  const broker = fake.broker(1);
  const producer = clientFor(t, fake).producer({ lingerMs: 0, batchSize: 512 });
  await producer.send("orders", { value: "warm-up" });
  broker.produceDelayMs = 2;
  broker.loseResponses(2);
  const sends = Array.from({ length: 40 }, (_, i) => producer.send("orders", { value: paddedValue(`v${i}`) }));
  const reports = await Promise.all(sends);
  const values = fake.cluster.records("orders", 0).map((r) => r.value!.split(".")[0]);
  assert.deepEqual(values, ["warm-up", ...Array.from({ length: 40 }, (_, i) => `v${i}`)], "each record once, in order");
  assert.deepEqual(
    reports.map((r) => r.offset),
    Array.from({ length: 40 }, (_, i) => i + 1),
  );
  const batches = producedBatches(fake).length;
  assert.ok(batches > fake.cluster.log("orders", 0).appendedBatches, "some batches were sent twice");
  assert.equal(
    broker.callCount("InitProducerId"),
    1,
    "one producer id: the retries were de-duplicated, not re-numbered",
  );
});

test("after a leader move the batch is retried at the new leader", async (t) => {
  const fake = await startFakeDataCluster(t, { brokers: 2 });
  fake.cluster.createTopic("orders", 2, [1, 2]);
  const producer = clientFor(t, fake).producer();
  assert.equal((await producer.send("orders", { value: "before", partition: 0 })).offset, 0);
  fake.cluster.moveLeader("orders", 0, 2);
  const reports = await producer.send(
    "orders",
    Array.from({ length: 10 }, (_, i) => ({ value: `after-${i}`, partition: 0 })),
  );
  assert.deepEqual(
    reports.map((r) => r.offset),
    Array.from({ length: 10 }, (_, i) => i + 1),
  );
  assert.ok(fake.broker(2).produceRequests.some((r) => r.partitions.some((p) => p.partition === 0)));
  assert.equal(fake.cluster.records("orders", 0).length, 11);
});

test("a batch behind a failed one never overtakes it: the partition keeps send order", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 1);
  const broker = fake.broker(1);
  const producer = clientFor(t, fake).producer({ lingerMs: 0, batchSize: 200 });
  await producer.send("orders", { value: "warm-up" });
  broker.produceDelayMs = 3;
  broker.failPartition("orders", 0, "NOT_ENOUGH_REPLICAS", 2);
  const sends = Array.from({ length: 30 }, (_, i) => producer.send("orders", { value: paddedValue(`v${i}`) }));
  const reports = await Promise.all(sends);
  const values = fake.cluster.records("orders", 0).map((r) => r.value!.split(".")[0]);
  assert.deepEqual(values, ["warm-up", ...Array.from({ length: 30 }, (_, i) => `v${i}`)]);
  assert.deepEqual(
    reports.map((r) => r.offset),
    Array.from({ length: 30 }, (_, i) => i + 1),
  );
  assert.ok(requestCount(fake) > 31, "batches were retried");
});

test("acks 0: reports come once the request is written, with offset -1", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("metrics", 1);
  const producer = clientFor(t, fake).producer({ acks: 0 });
  assert.equal(producer.options.idempotent, false, "acks 0 turns idempotence off by default");
  const reports = await producer.send(
    "metrics",
    Array.from({ length: 5 }, (_, i) => ({ value: `m${i}` })),
  );
  assert.deepEqual(
    reports.map((r) => r.offset),
    [-1, -1, -1, -1, -1],
  );
  await waitFor("the records in the log", () => fake.cluster.records("metrics", 0).length === 5);
  assert.ok(fake.broker(1).produceRequests.every((r) => r.acks === 0));
  assert.equal(fake.broker(1).callCount("InitProducerId"), 0);
});

test("close() delivers what is held, then refuses sends", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 1);
  const producer = clientFor(t, fake).producer({ lingerMs: 60_000 });
  const sends = Array.from({ length: 5 }, (_, i) => producer.send("orders", { value: `v${i}` }));
  await producer.close();
  assert.deepEqual(
    (await Promise.all(sends)).map((r) => r.offset),
    [0, 1, 2, 3, 4],
  );
  await assert.rejects(producer.send("orders", { value: "late" }), /producer is closed/);
});

test("a batch that cannot be delivered within deliveryTimeoutMs fails with the last error and the attempts", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 1);
  fake.broker(1).failPartition("orders", 0, "NOT_ENOUGH_REPLICAS", 1_000_000);
  const producer = clientFor(t, fake).producer({ deliveryTimeoutMs: 400, requestTimeoutMs: 300, lingerMs: 0 });
  await assert.rejects(producer.send("orders", { value: "v" }), (e: unknown) => {
    assert.ok(e instanceof TidelogError);
    assert.equal(e.code, "NOT_ENOUGH_REPLICAS");
    assert.match(e.message, /failed after \d+ attempts/);
    return true;
  });
});

test("a non-retriable error fails only its batch; the partition starts a new sequence and later sends succeed", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 1);
  const broker = fake.broker(1);
  const producer = clientFor(t, fake).producer({ lingerMs: 0 });
  await producer.send("orders", { value: "first" });
  broker.failPartition("orders", 0, "MESSAGE_TOO_LARGE", 1);
  await assert.rejects(producer.send("orders", { value: "refused" }), /MESSAGE_TOO_LARGE/);
  const after = await producer.send("orders", { value: "after" });
  assert.equal(after.offset, 1);
  assert.equal(broker.callCount("InitProducerId"), 2, "a new producer id for the broken sequence");
  const header = readBatchHeader(fake.cluster.log("orders", 0).batches[1]!);
  assert.equal(header.baseSequence, 0, "numbered from 0 under the new id");
});

test("records for a topic that does not exist fail after maxBlockMs; bad options fail at once", async (t) => {
  const fake = await startFakeDataCluster(t);
  const client = clientFor(t, fake);
  const producer = client.producer({ maxBlockMs: 200 });
  await assert.rejects(producer.send("missing", { value: "v" }), /UNKNOWN_TOPIC_OR_PARTITION/);
  assert.throws(
    () => client.producer({ acks: 1, idempotent: true }),
    /INVALID_CONFIG: an idempotent producer needs acks/,
  );
  assert.throws(() => client.producer({ maxInFlightPerPartition: 6 }), /INVALID_CONFIG/);
  assert.throws(() => client.producer({ deliveryTimeoutMs: 1000, requestTimeoutMs: 2000 }), /INVALID_CONFIG/);
  await assert.rejects(producer.send("orders", { value: 42 as unknown as string }), /INVALID_RECORD/);
  fake.broker(1).failNext(1, grpc.status.UNAVAILABLE, "Metadata");
  fake.cluster.createTopic("orders", 1);
  // Its own producer with room for the retry: 200 ms left none on a loaded CI machine.
  const patient = client.producer({ maxBlockMs: 10_000 });
  assert.equal((await patient.send("orders", { value: "v" })).offset, 0, "a failed metadata call is retried");
});
