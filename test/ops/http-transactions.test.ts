// Transactions on the broker's HTTP surface, against a real etcd and two real brokers:
// the /v1/transactions routes, every request sent to the broker that is NOT the
// transaction's coordinator (so the answers must come from the other one through the
// SDK's admin), and bad input answered with a typed 4xx that changes nothing.
//
// Steps: a transactional producer leaves a transaction open on two partitions; list
// (all states, and ?state=Ongoing) shows it Ongoing with its coordinator; describe shows
// its partitions; abort aborts it (200), the coordinator completes the abort, a second
// abort is a 409 and the producer's commit is refused (fenced). Bad ids and states are
// 400, unknown ids 404.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, isTidelogError } from "@tidelog/client";
import { startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { assertError, http } from "./helpers.js";

test("transactions over REST from a broker that is not the coordinator: list, describe, abort, bad input", {
  timeout: 90_000,
}, async (t) => {
  const c = await startCluster(t, {
    brokers: 2,
    brokerConfig: {
      "transaction.state.log.num.partitions": "4",
      "offsets.topic.num.partitions": "4",
      "transaction.abort.timed.out.transaction.cleanup.interval.ms": "200",
    },
  });
  const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 20_000 });
  t.after(() => client.close());
  const admin = client.admin();
  await admin.createTopic({ name: "orders", partitions: 2, replicationFactor: 2 });
  await waitFor(
    async () => (await admin.describeTopic("orders")).partitions.every((p) => p.leader !== null && p.isr.length === 2),
    { description: "orders led and in sync", timeoutMs: 20_000 },
  );
  const producer = client.producer({ transactionalId: "payments", transactionTimeoutMs: 120_000 });
  t.after(() => producer.close());
  await producer.initTransactions();
  producer.beginTransaction();
  await producer.send("orders", [
    { value: "o0", partition: 0 },
    { value: "o1", partition: 1 },
  ]);

  const coordinatorId = (await admin.describeTransaction("payments")).coordinatorId;
  const other = c.brokers.find((b) => b.id !== coordinatorId)!;
  const get = (path: string) => http(other.httpPort, "GET", path);

  const listed = await get("/v1/transactions");
  assert.equal(listed.status, 200, listed.text);
  assert.deepEqual(listed.json.unreachableBrokers, []);
  const entry = listed.json.transactions.find((x: { transactionalId: string }) => x.transactionalId === "payments");
  assert.deepEqual([entry?.state, entry?.coordinatorId], ["Ongoing", coordinatorId], listed.text);
  const ongoing = await get("/v1/transactions?state=Ongoing,PrepareCommit");
  assert.equal(ongoing.status, 200, ongoing.text);
  assert.deepEqual(
    ongoing.json.transactions.map((x: { transactionalId: string }) => x.transactionalId),
    ["payments"],
  );
  assert.deepEqual((await get("/v1/transactions?state=Dead")).json.transactions, []);

  const described = await get("/v1/transactions/payments");
  assert.equal(described.status, 200, described.text);
  assert.equal(described.json.state, "Ongoing");
  assert.equal(described.json.producerId, entry.producerId);
  assert.equal(described.json.coordinatorId, coordinatorId);
  assert.equal(described.json.timeoutMs, 120_000);
  assert.equal(described.json.error, undefined, "no error field on success");
  assert.deepEqual(described.json.partitions, [
    { topic: "orders", partition: 0 },
    { topic: "orders", partition: 1 },
  ]);

  // Bad input: a typed 4xx, never a 500, and nothing changes.
  assertError(await get("/v1/transactions?state=Running"), 400, "INVALID_REQUEST");
  assertError(await get("/v1/transactions?state="), 400, "INVALID_REQUEST");
  assertError(await get("/v1/transactions?color=red"), 400, "INVALID_REQUEST");
  assertError(await get(`/v1/transactions/${"x".repeat(256)}`), 400, "INVALID_REQUEST");
  assertError(await get("/v1/transactions/bad%01id"), 400, "INVALID_REQUEST");
  assertError(await http(other.httpPort, "POST", "/v1/transactions/bad%01id/abort"), 400, "INVALID_REQUEST");
  assertError(await get("/v1/transactions/nobody"), 404, "RESOURCE_NOT_FOUND");
  assertError(await http(other.httpPort, "POST", "/v1/transactions/nobody/abort"), 404, "RESOURCE_NOT_FOUND");
  assert.equal((await get("/v1/transactions/payments")).json.state, "Ongoing", "bad requests changed nothing");

  const aborted = await http(other.httpPort, "POST", "/v1/transactions/payments/abort");
  assert.equal(aborted.status, 200, aborted.text);
  assert.deepEqual(aborted.json, {
    transactionalId: "payments",
    aborted: true,
    producerId: entry.producerId,
    producerEpoch: described.json.producerEpoch,
    partitions: described.json.partitions,
  });
  await waitFor(async () => (await get("/v1/transactions/payments")).json.state === "CompleteAbort", {
    description: "the coordinator completed the abort",
    timeoutMs: 15_000,
  });
  assertError(await http(other.httpPort, "POST", "/v1/transactions/payments/abort"), 409, "INVALID_TXN_STATE");
  const refused = await producer.commitTransaction().then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(
    isTidelogError(refused) && ["PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"].includes(refused.code),
    `the producer's commit is refused: ${String(refused)}`,
  );
});
