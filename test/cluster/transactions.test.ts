// Transactions against real etcd and broker processes, through the SDK:
//   - a committed transaction across two topics is visible to read_committed consumers,
//     an aborted one never; read_uncommitted sees both;
//   - a second producer with the same transactional id fences the first: its open
//     transaction is aborted, its commit refused (PRODUCER_FENCED), none of its records
//     visible;
//   - consume-transform-produce: offsets sent in a transaction are committed with it and
//     dropped with an abort;
//   - a transaction left open past its timeout is aborted by the coordinator, which
//     frees the last stable offset;
//   - the coordinator killed (kill -9) after PrepareCommit, before the markers could be
//     written: the new coordinator completes the commit.
import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import { isTidelogError, type Client as SdkClient } from "@tidelog/client";
import { encodeControlBatch } from "@tidelog/client/record";
import { waitFor } from "../../scripts/harness/cluster.js";
import { transactionPartitionFor } from "../../src/txn/transaction-coordinator.js";
import { type FaultCluster, startFaultCluster } from "./fault-cluster.js";
import { SESSION_MS } from "./fault-config.js";
import { batch, RawBroker } from "./raw-client.js";

const TXN_PARTITIONS = 4;

function cluster(t: TestContext): Promise<FaultCluster> {
  return startFaultCluster(t, {
    "replica.fetch.wait.max.ms": "100",
    "min.insync.replicas": "2",
    "transaction.state.log.num.partitions": String(TXN_PARTITIONS),
    "transaction.abort.timed.out.transaction.cleanup.interval.ms": "200",
    "offsets.topic.num.partitions": "4",
  });
}

async function topics(client: SdkClient, names: string[], partitions = 2): Promise<void> {
  const admin = client.admin();
  for (const name of names) await admin.createTopic({ name, partitions, replicationFactor: 3 });
  await waitFor(
    async () => {
      for (const name of names) {
        const d = await admin.describeTopic(name);
        if (!d.partitions.every((p) => p.leader !== null && p.isr.length === 3)) return false;
      }
      return true;
    },
    { description: "topics led and in sync", timeoutMs: 20_000 },
  );
}

/** Every value in `topic` a consumer with `isolationLevel` reads before it goes quiet (1.5 s), sorted. */
async function values(
  client: SdkClient,
  topic: string,
  partitions: number,
  isolationLevel: "read_committed" | "read_uncommitted",
): Promise<string[]> {
  const tps = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
  const out: string[] = [];
  const reader = client.consumer({ isolationLevel, autoOffsetReset: "earliest", maxWaitMs: 100 });
  reader.assign(tps);
  const started = Date.now();
  let last = started;
  const watchdog = setInterval(() => {
    if (Date.now() - last > 1500 || Date.now() - started > 20_000) reader.stop();
  }, 100);
  await reader.run({
    eachBatch: (batch) => {
      last = Date.now();
      for (const r of batch.records) out.push(r.value?.toString() ?? "");
    },
  });
  clearInterval(watchdog);
  await reader.close();
  return out.sort();
}

test("committed transactions are visible to read_committed consumers across topics, aborted ones never", async (t) => {
  const { client } = await cluster(t);
  await topics(client, ["orders", "audit"]);
  const producer = client.producer({ transactionalId: "writer-1" });
  t.after(() => producer.close());
  await producer.transaction(async (tx) => {
    await tx.send("orders", [
      { value: "c1", partition: 0 },
      { value: "c2", partition: 1 },
    ]);
    await tx.send("audit", { value: "c3", partition: 0 });
  });
  producer.beginTransaction();
  await producer.send("orders", [
    { value: "a1", partition: 0 },
    { value: "a2", partition: 1 },
  ]);
  await producer.send("audit", { value: "a3", partition: 1 });
  await producer.abortTransaction();
  await assert.rejects(
    producer.transaction(async (tx) => {
      await tx.send("orders", { value: "a4", partition: 0 });
      throw new Error("the callback failed");
    }),
    /the callback failed/,
    "a throwing callback aborts and rethrows",
  );
  await producer.transaction(async (tx) => {
    await tx.send("orders", { value: "c4", partition: 1 });
  });

  await waitFor(async () => (await values(client, "orders", 2, "read_committed")).length >= 3, {
    description: "committed records visible",
    timeoutMs: 15_000,
  });
  assert.deepEqual(await values(client, "orders", 2, "read_committed"), ["c1", "c2", "c4"]);
  assert.deepEqual(await values(client, "audit", 2, "read_committed"), ["c3"]);
  assert.deepEqual(await values(client, "orders", 2, "read_uncommitted"), ["a1", "a2", "a4", "c1", "c2", "c4"]);
  producer.beginTransaction();
  assert.throws(() => producer.beginTransaction(), /not possible in state in_transaction/);
  await producer.abortTransaction();
  await assert.rejects(producer.send("orders", { value: "outside" }), /send is not possible in state ready/);
});

test("a second instance with the same transactional id fences the first: its transaction is aborted, its commit refused", async (t) => {
  const { client } = await cluster(t);
  await topics(client, ["ledger"], 1);
  const zombie = client.producer({ transactionalId: "payments" });
  await zombie.initTransactions();
  zombie.beginTransaction();
  await zombie.send("ledger", { value: "zombie-1" });
  const successor = client.producer({ transactionalId: "payments" });
  t.after(() => successor.close());
  await successor.initTransactions();
  await successor.transaction(async (tx) => {
    await tx.send("ledger", { value: "successor-1" });
  });
  const refused = await zombie.commitTransaction().then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(isTidelogError(refused), `the zombie's commit is refused: ${String(refused)}`);
  assert.ok(
    ["PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"].includes(refused.code),
    `fenced: ${refused.code} ${refused.message}`,
  );
  await assert.rejects(zombie.send("ledger", { value: "zombie-2" }), "a fenced producer writes nothing more");
  await waitFor(async () => (await values(client, "ledger", 1, "read_committed")).length >= 1, {
    description: "the successor's record visible",
    timeoutMs: 15_000,
  });
  assert.deepEqual(await values(client, "ledger", 1, "read_committed"), ["successor-1"]);
});

test("offsets sent in a transaction are committed with it, and dropped when it aborts", async (t) => {
  const { client } = await cluster(t);
  await topics(client, ["in", "out"], 1);
  const input = client.producer();
  await input.send(
    "in",
    Array.from({ length: 10 }, (_, i) => ({ value: `i${i}`, partition: 0 })),
  );
  await input.close();
  const consumer = client.consumer({ groupId: "enricher", autoCommit: false, autoOffsetReset: "earliest" });
  t.after(() => consumer.close());
  const producer = client.producer({ transactionalId: "enricher-1" });
  t.after(() => producer.close());
  await producer.initTransactions();
  consumer.subscribe(["in"]);
  let seen = 0;
  let round = 0;
  await consumer.run({
    eachBatch: async (batch) => {
      seen += batch.records.length;
      round++;
      if (round === 1) {
        // First pass: processed, but the transaction aborts: the offsets must not stick.
        producer.beginTransaction();
        await producer.send("out", { value: `o${seen}` });
        await producer.sendOffsets(consumer);
        await producer.abortTransaction();
      }
      consumer.stop();
    },
  });
  const afterAbort = await consumer.committed([{ topic: "in", partition: 0 }]);
  assert.equal(afterAbort[0]?.offset, -1, "an aborted transaction commits no offset");
  await producer.transaction(async (tx) => {
    await tx.send("out", { value: `o${seen}` });
    await tx.sendOffsets(consumer);
  });
  const afterCommit = await consumer.committed([{ topic: "in", partition: 0 }]);
  assert.equal(afterCommit[0]?.offset, 10, "the committed transaction's offsets are the group's");

  // The README's pattern: the transaction inside the handler covers the batch being
  // handled (the demos found it committed only what earlier handlers had returned from,
  // so a crash replayed the batch whose output was already committed).
  const reader = client.consumer({ groupId: "enricher-inline", autoCommit: false, autoOffsetReset: "earliest" });
  t.after(() => reader.close());
  reader.subscribe(["in"]);
  let committedInside = -2;
  await reader.run({
    eachBatch: async (batch) => {
      await producer.transaction(async (tx) => {
        await tx.send("out", { value: `inline-${batch.records.length}` });
        await tx.sendOffsets(reader);
      });
      committedInside = (await reader.committed([{ topic: "in", partition: 0 }]))[0]?.offset ?? -1;
      reader.stop();
    },
  });
  assert.equal(committedInside, 10, "the batch's own transaction commits the position after it");
});

test("a transaction open past its timeout is aborted by the coordinator; the producer learns it is fenced", async (t) => {
  const { client } = await cluster(t);
  await topics(client, ["slow"], 1);
  const producer = client.producer({ transactionalId: "sleepy", transactionTimeoutMs: 1000 });
  t.after(() => producer.close());
  await producer.initTransactions();
  producer.beginTransaction();
  await producer.send("slow", { value: "late" });
  // The coordinator aborts it: the partition's last stable offset moves past the data.
  const probe = client.consumer({ isolationLevel: "read_committed" });
  probe.assign([{ topic: "slow", partition: 0 }]);
  await waitFor(
    async () => {
      probe.seek({ topic: "slow", partition: 0 }, "latest");
      return (await probe.position({ topic: "slow", partition: 0 })) >= 2;
    },
    { description: "the last stable offset past the aborted transaction", timeoutMs: 10_000 },
  );
  await probe.close();
  const refused = await producer.commitTransaction().then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(
    isTidelogError(refused) && ["PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"].includes(refused.code),
    String(refused),
  );
  assert.deepEqual(await values(client, "slow", 1, "read_committed"), []);
});

test("the coordinator killed after PrepareCommit, before the markers: the new coordinator completes the commit", async (t) => {
  const { c, client } = await cluster(t);
  const admin = client.admin();
  await topics(client, ["payouts"], 3);
  const id = "payouts-1";
  const producer = client.producer({ transactionalId: id });
  await producer.initTransactions();
  const coordinatorOf = async () => {
    const p = transactionPartitionFor(id, TXN_PARTITIONS);
    return (await admin.describeTopic("__transaction_state")).partitions[p]?.leader ?? null;
  };
  const coordinator = await coordinatorOf();
  assert.ok(coordinator !== null);
  // A partition led elsewhere: its leader is frozen so the markers cannot be written yet.
  // Preferably led by the controller, which clients ask first for coordinators: frozen, it
  // must cost them an attempt's half, not the whole commit (a CI run failed that way).
  const controller = (await admin.describeCluster()).controllerId;
  const candidates = (await admin.describeTopic("payouts")).partitions.filter((p) => p.leader !== coordinator);
  const target = candidates.find((p) => p.leader === controller) ?? candidates[0];
  assert.ok(target?.leader != null, "a payouts partition led by another broker");
  producer.beginTransaction();
  await producer.send("payouts", { value: "p1", partition: target.partition });
  await c.broker(target.leader).pause();
  t.after(() =>
    c
      .broker(target.leader as number)
      .resume()
      .catch(() => {}),
  );
  // Answered once PrepareCommit is durable; the markers are still to come.
  await producer.commitTransaction();
  await c.broker(coordinator).kill();
  await c.broker(target.leader).resume();
  await waitFor(
    async () => {
      const now = await coordinatorOf().catch(() => null);
      return now !== null && now !== coordinator;
    },
    { description: "a new transaction coordinator", timeoutMs: SESSION_MS + 15_000 },
  );
  await waitFor(async () => (await values(client, "payouts", 3, "read_committed")).includes("p1"), {
    description: "the committed record visible to read_committed consumers",
    timeoutMs: 30_000,
  });
  await producer.close();
  await c.broker(coordinator).restart();
});

test("bad input at the edges: typed errors, and nothing stored is lost", async (t) => {
  const { c, client } = await cluster(t);
  await topics(client, ["edge"], 1);
  const admin = client.admin();
  const leaderId = (await admin.describeTopic("edge")).partitions[0]?.leader as number;
  const raw = new RawBroker(c.broker(leaderId).address);
  t.after(() => raw.close());
  // A committed record that every refusal below must leave in place.
  const producer = client.producer({ transactionalId: "edge-writer" });
  t.after(() => producer.close());
  await producer.transaction(async (tx) => {
    await tx.send("edge", { value: "kept", partition: 0 });
  });
  const code = (r: { error?: { code: number } | null }) => r.error?.code ?? 0;

  // InitProducerId: transactional ids of bad length or with control characters.
  for (const id of ["x".repeat(256), "bad\nid"]) {
    const res = await raw.initProducerId(id, 60_000);
    assert.equal(code(res), 42, `INVALID_REQUEST for ${JSON.stringify(id).slice(0, 20)}: ${res.error?.message}`);
  }
  // A transaction timeout past transaction.max.timeout.ms.
  assert.equal(code(await raw.initProducerId("edge-x", 3_600_000)), 50, "INVALID_TRANSACTION_TIMEOUT");
  // A transactional batch without a transactional id, and one whose partition never joined a transaction.
  const unjoined = batch(["stray"], { id: 999_999, epoch: 0, seq: 0, transactional: true });
  assert.equal(code(await raw.produce("edge", 0, Buffer.from(unjoined), -1)), 48, "INVALID_TXN_STATE without an id");
  const refused = await raw.produce("edge", 0, Buffer.from(unjoined), -1, 10_000, "edge-writer");
  assert.ok(
    [47, 48, 49, 90].includes(code(refused)),
    `a batch the coordinator knows nothing of is refused: ${JSON.stringify(refused.error)}`,
  );
  // A marker-shaped batch from a client.
  const marker = encodeControlBatch({
    producerId: 5,
    producerEpoch: 0,
    type: "commit",
    coordinatorEpoch: 0,
    timestamp: 1,
  });
  assert.equal(code(await raw.produce("edge", 0, Buffer.from(marker), -1)), 87, "INVALID_RECORD for a client's marker");

  // Every refused write left the log as it was: only the committed record is visible.
  assert.deepEqual(await values(client, "edge", 1, "read_committed"), ["kept"]);
  assert.deepEqual(await values(client, "edge", 1, "read_uncommitted"), ["kept"]);
});

test("a partition leader killed (kill -9) mid-transaction: the transaction still commits, each record exactly once", async (t) => {
  const { c, client } = await cluster(t);
  const admin = client.admin();
  await topics(client, ["moves"], 1);
  const producer = client.producer({ transactionalId: "mover", deliveryTimeoutMs: 60_000 });
  t.after(() => producer.close());
  await producer.initTransactions();
  producer.beginTransaction();
  await producer.send(
    "moves",
    Array.from({ length: 50 }, (_, i) => ({ value: `m${i}`, partition: 0 })),
  );
  const victim = (await admin.describeTopic("moves")).partitions[0]?.leader as number;
  await c.broker(victim).kill();
  // Sent while the leader is dead: retried to the new leader (idempotence keeps them single).
  const late = producer.send(
    "moves",
    Array.from({ length: 50 }, (_, i) => ({ value: `m${50 + i}`, partition: 0 })),
  );
  await waitFor(
    async () => {
      const p = (await admin.describeTopic("moves")).partitions[0];
      return p?.leader != null && p.leader !== victim;
    },
    { description: "a new leader for moves-0", timeoutMs: SESSION_MS + 15_000 },
  );
  await late;
  await producer.commitTransaction();
  await c.broker(victim).restart();
  const read = await values(client, "moves", 1, "read_committed");
  assert.equal(read.length, 100, `every record once: ${read.length}`);
  assert.equal(new Set(read).size, 100, "no duplicates");
});

test("an operator aborts a transaction on one partition through its leader (the last resort for a hanging one)", async (t) => {
  const { client } = await cluster(t);
  const admin = client.admin();
  await topics(client, ["stuck"], 1);
  const producer = client.producer({ transactionalId: "stuck-writer" });
  t.after(() => producer.close());
  await producer.initTransactions();
  producer.beginTransaction();
  await producer.send("stuck", [{ value: "s1" }, { value: "s2" }]);
  const [before] = await admin.describeProducers(["stuck"]);
  const open = before?.openTransactions[0];
  assert.ok(open, "the transaction is open on stuck-0");
  const refusals = [
    { producerId: open.producerId, producerEpoch: open.producerEpoch + 1, code: "INVALID_PRODUCER_EPOCH" },
    { producerId: open.producerId + 1000, producerEpoch: 0, code: "INVALID_TXN_STATE" },
  ];
  for (const r of refusals) {
    await assert.rejects(
      admin.abortPartitionTransaction({
        topic: "stuck",
        partition: 0,
        producerId: r.producerId,
        producerEpoch: r.producerEpoch,
      }),
      (e: unknown) => isTidelogError(e) && e.code === r.code,
      r.code,
    );
  }
  const marker = await admin.abortPartitionTransaction({
    topic: "stuck",
    partition: 0,
    producerId: open.producerId,
    producerEpoch: open.producerEpoch,
  });
  assert.ok(marker >= 2, `the ABORT marker follows the data (offset ${marker})`);
  const [after] = await admin.describeProducers(["stuck"]);
  assert.deepEqual(after?.openTransactions, [], "nothing open on the partition");
  assert.equal(after?.lastStableOffset, after?.highWatermark, "the last stable offset caught up");
  assert.deepEqual(await values(client, "stuck", 1, "read_committed"), []);
});
