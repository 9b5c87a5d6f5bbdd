// read_committed against a fake broker that answers with aborted transactions, as the
// broker's Fetch does: a producer's transactional batches are dropped from its aborted
// transaction's first offset to its ABORT marker; committed transactions and
// non-transactional records are read; markers are never handed out; and the consumer
// says which isolation level it wants in every fetch. read_uncommitted reads everything
// but the markers.
import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import type { Client } from "@tidelog/client";
import { encodeControlBatch, encodeRecordBatch } from "@tidelog/client/record";
import { startFakeDataCluster } from "./fake-broker-server.js";
import { clientFor } from "./helpers.js";

const txn = (producerId: number, values: string[], producerEpoch = 0) =>
  encodeRecordBatch({
    producerId,
    producerEpoch,
    baseSequence: 0,
    transactional: true,
    records: values.map((value) => ({ value, timestamp: 1000 })),
  });
const marker = (producerId: number, type: "commit" | "abort", producerEpoch = 1) =>
  encodeControlBatch({ producerId, producerEpoch, type, coordinatorEpoch: 3, timestamp: 1000 });
const plain = (values: string[]) => encodeRecordBatch({ records: values.map((value) => ({ value, timestamp: 1000 })) });

async function setup(t: TestContext) {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("ledger", 1);
  const log = fake.cluster.topics.get("ledger")!.partitions[0]!;
  // offsets: 0-1 p10 (aborted), 2 plain, 3 p11 (committed), 4 abort p10, 5 commit p11, 6 p10 again (committed), 7 commit p10
  log.append(txn(10, ["aborted-1", "aborted-2"]));
  log.append(plain(["plain"]));
  log.append(txn(11, ["committed-11"]));
  log.append(marker(10, "abort"));
  log.append(marker(11, "commit"));
  log.append(txn(10, ["committed-10"], 1));
  log.append(marker(10, "commit", 2));
  log.abortedTransactions.push({ producerId: 10, firstOffset: 0 });
  return { fake, client: clientFor(t, fake) };
}

async function readAll(client: Client, isolationLevel?: "read_committed" | "read_uncommitted"): Promise<string[]> {
  const consumer = client.consumer({ autoOffsetReset: "earliest", ...(isolationLevel ? { isolationLevel } : {}) });
  consumer.assign([{ topic: "ledger", partition: 0 }]);
  const values: string[] = [];
  const timer = setTimeout(() => consumer.stop(), 5000);
  await consumer.run({
    eachBatch: (batch) => {
      for (const r of batch.records) values.push(r.value?.toString() ?? "");
      if (batch.records[batch.records.length - 1]!.offset >= 6) consumer.stop();
    },
  });
  clearTimeout(timer);
  await consumer.close();
  return values;
}

test("read_committed (the default) drops aborted transactions and markers; read_uncommitted drops only markers", async (t) => {
  const { fake, client } = await setup(t);
  assert.deepEqual(await readAll(client), ["plain", "committed-11", "committed-10"]);
  assert.ok(
    fake.broker(1).fetchRequests.every((r) => r.isolationLevel === 1),
    "read_committed asked for",
  );
  assert.deepEqual(await readAll(client, "read_uncommitted"), [
    "aborted-1",
    "aborted-2",
    "plain",
    "committed-11",
    "committed-10",
  ]);
  assert.ok(
    fake.broker(1).fetchRequests.some((r) => r.isolationLevel === 0),
    "read_uncommitted asked for",
  );
});

test("an unknown isolation level is refused when the consumer is made", async (t) => {
  const { client } = await setup(t);
  assert.throws(
    () => client.consumer({ isolationLevel: "read_dirty" as "read_committed" }),
    /isolationLevel must be one of read_committed, read_uncommitted/,
  );
});
