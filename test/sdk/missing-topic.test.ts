// A topic that does not exist is an answer, not a wait: brokers never create topics on
// first use, so send(), an assigned partition and partitionsFor() fail with
// UNKNOWN_TOPIC_OR_PARTITION once the metadata has said so for about a second (not after
// maxBlockMs: 58 s and 34 attempts before), and a consumer no longer waits without a
// word. With `waitForTopic` both wait instead, and carry on once the topic is created.
// Also: highWatermark() right after assign() is the partition's, not -1, and the Admin
// looks offsets up per partition (earliest, latest, last stable, by time). Against
// in-process fake brokers with real logs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RetriesExhaustedError, TidelogError } from "../../clients/sdk/src/index.js";
import { startFakeDataCluster } from "./fake-broker-server.js";
import { clientFor } from "./helpers.js";

function unknownTopic(e: unknown): boolean {
  // The metadata's confirmed answer, not a deadline that ran out while waiting.
  return e instanceof TidelogError && e.code === "UNKNOWN_TOPIC_OR_PARTITION" && !(e instanceof RetriesExhaustedError);
}

test("send() to a topic that does not exist fails with UNKNOWN_TOPIC_OR_PARTITION well before maxBlockMs", async (t) => {
  const fake = await startFakeDataCluster(t);
  const producer = clientFor(t, fake).producer({ maxBlockMs: 60_000 });
  const startMs = Date.now();
  await assert.rejects(producer.send("missing", { value: "v" }), (e) => {
    assert.ok(unknownTopic(e), String(e));
    assert.match((e as Error).message, /topic 'missing' does not exist \(topics are not created on first use\)/);
    return true;
  });
  assert.ok(Date.now() - startMs < 30_000, "not after maxBlockMs");
  await assert.rejects(producer.partitionsFor("missing"), unknownTopic);
});

test("waitForTopic: send() waits for the topic to be created, then delivers", async (t) => {
  const fake = await startFakeDataCluster(t);
  const client = clientFor(t, fake);
  const sent = client.producer({ waitForTopic: true, maxBlockMs: 30_000 }).send("later", { value: "waited" });
  // Past the point where a producer that does not wait gives up (they share the client's metadata).
  await assert.rejects(client.producer().send("later", { value: "refused" }), unknownTopic);
  fake.cluster.createTopic("later", 1);
  assert.equal((await sent).offset, 0);
});

test("an assigned topic or partition that does not exist fails the reader; waitForTopic waits for it", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 2);
  const client = clientFor(t, fake);

  const missing = client.consumer({ autoOffsetReset: "earliest" });
  missing.assign([{ topic: "missing", partition: 0 }]);
  await assert.rejects(missing[Symbol.asyncIterator]().next(), unknownTopic);
  await assert.rejects(missing.position({ topic: "missing", partition: 0 }), unknownTopic, "stopped until a seek");
  await missing.close();

  const noPartition = client.consumer({ autoOffsetReset: "earliest" });
  noPartition.assign([{ topic: "orders", partition: 5 }]);
  await assert.rejects(noPartition.run({ eachRecord: () => {} }), (e) => {
    assert.ok(unknownTopic(e));
    assert.match((e as Error).message, /topic 'orders' has 2 partitions; there is no partition 5/);
    return true;
  });
  await noPartition.close();

  const waiting = client.consumer({ autoOffsetReset: "earliest", waitForTopic: true });
  waiting.assign([{ topic: "later", partition: 0 }]);
  const first = waiting[Symbol.asyncIterator]().next();
  // Past the point where a consumer that does not wait gives up (they share the client's metadata).
  const refused = client.consumer();
  refused.assign([{ topic: "later", partition: 0 }]);
  await assert.rejects(refused[Symbol.asyncIterator]().next(), unknownTopic);
  await refused.close();
  fake.cluster.createTopic("later", 1);
  await client.producer().send("later", { value: "arrived" });
  const record = await first;
  assert.equal(record.value?.value?.toString(), "arrived");
  await waiting.close();
});

test("highWatermark() right after assign() asks the leader; the Admin's offsets per partition", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 2);
  const client = clientFor(t, fake);
  const t0 = 1_700_000_000_000;
  await client.producer().send(
    "orders",
    Array.from({ length: 5 }, (_, i) => ({ value: `v${i}`, partition: 1, timestamp: t0 + i * 1000 })),
  );
  const consumer = client.consumer();
  consumer.assign([{ topic: "orders", partition: 1 }]);
  assert.equal(await consumer.highWatermark({ topic: "orders", partition: 1 }), 5);
  await consumer.close();

  const admin = client.admin();
  assert.deepEqual(await admin.fetchTopicOffsets("orders"), [
    { partition: 0, earliest: 0, latest: 0, lastStable: 0, error: null },
    { partition: 1, earliest: 0, latest: 5, lastStable: 5, error: null },
  ]);
  assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp("orders", t0 + 2500), [
    { partition: 0, offset: null, error: null },
    { partition: 1, offset: 3, error: null },
  ]);
  await assert.rejects(admin.fetchTopicOffsets("missing"), unknownTopic);
});

test("Kafka's allow.auto.create.topics is refused with what to do instead", async (t) => {
  const fake = await startFakeDataCluster(t);
  const client = clientFor(t, fake);
  for (const make of [
    () => client.producer({ allowAutoTopicCreation: true } as never),
    () => client.consumer({ allowAutoCreateTopics: true } as never),
  ]) {
    assert.throws(make, /INVALID_CONFIG: .* is not supported: brokers never create a topic on first use.*waitForTopic/);
  }
});
