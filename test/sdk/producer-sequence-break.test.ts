// What an idempotent producer reports for batches that fail only because an earlier
// batch of their partition failed for good (issue 20). Once a numbered batch fails, the
// leader will never accept the sequences after it, so the producer fails every later
// numbered batch of the partition too. Those sends must say what actually went wrong:
// the earlier batch's error code, that error as `cause`, and a message naming the
// earlier batch's sequence. A fault run saw 125 of them reported as
// OUT_OF_ORDER_SEQUENCE_NUMBER instead, a code the broker never returned. Both ways
// a later batch can be caught are covered: queued for a retry when the earlier batch
// runs out of delivery time (the path that invented the code), in flight when it runs
// out, and in flight when the leader refuses it outright. Each time the partition
// recovers under a new producer id.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TidelogError } from "../../clients/sdk/src/index.js";
import { startFakeDataCluster } from "./fake-broker-server.js";
import { clientFor, paddedValue } from "./helpers.js";

/** How each send settled: its error, or null when delivered. */
async function outcomes(sends: Promise<unknown>[]): Promise<(TidelogError | null)[]> {
  return Promise.all(
    sends.map((s) =>
      s.then(
        () => null,
        (e: unknown) => {
          assert.ok(e instanceof TidelogError, `a TidelogError, got ${String(e)}`);
          return e;
        },
      ),
    ),
  );
}

/** Asserts that `later` failed because of `first`, at `sequence` on orders-0. */
function assertFailedBehind(later: TidelogError | null, first: TidelogError, sequence: number): void {
  assert.ok(later !== null, "the later send failed");
  assert.equal(later.code, first.code, `the earlier batch's code, not ${later.code}`);
  assert.notEqual(later.code, "OUT_OF_ORDER_SEQUENCE_NUMBER");
  assert.equal(later.cause, first, "the earlier batch's error is the cause");
  assert.equal(later.retriable, first.retriable);
  assert.match(
    later.message,
    new RegExp(`earlier batch of orders-0 at sequence ${sequence} failed with ${first.code}`),
  );
}

test("batches behind one that ran out of delivery time fail with its error as the cause", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 1);
  const broker = fake.broker(1);
  // One record per batch (batchSize 200, 100-byte values), every batch numbered on its first send.
  const producer = clientFor(t, fake).producer({
    lingerMs: 0,
    batchSize: 200,
    deliveryTimeoutMs: 400,
    requestTimeoutMs: 300,
  });
  await producer.send("orders", { value: "warm-up" });
  broker.failPartition("orders", 0, "NOT_ENOUGH_REPLICAS", 1_000_000);
  const sends = Array.from({ length: 4 }, (_, i) => producer.send("orders", { value: paddedValue(`v${i}`) }));
  const [first, ...later] = await outcomes(sends);
  assert.ok(first !== null && first !== undefined, "the first batch failed");
  assert.equal(first.code, "NOT_ENOUGH_REPLICAS");
  assert.match(first.message, /failed after \d+ attempts/);
  for (const e of later) assertFailedBehind(e, first, 1);

  broker.failPartition("orders", 0, "NOT_ENOUGH_REPLICAS", 0);
  const after = await producer.send("orders", { value: "after" });
  assert.equal(after.offset, 1, "the partition starts over under a new producer id");
  assert.equal(broker.callCount("InitProducerId"), 2);
});

test("batches queued for a retry behind one that expired fail with its error, not an invented OUT_OF_ORDER_SEQUENCE_NUMBER", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 1);
  const broker = fake.broker(1);
  const producer = clientFor(t, fake).producer({
    lingerMs: 0,
    batchSize: 200,
    deliveryTimeoutMs: 400,
    requestTimeoutMs: 300,
  });
  await producer.send("orders", { value: "warm-up" });
  // The leader moves to a broker no metadata names (id 99) before the producer learns of
  // it, so all four batches are numbered and sent to broker 1, which answers each (20 ms
  // later) NOT_LEADER_OR_FOLLOWER; then they wait in the queue with no leader to go to,
  // until the first runs out of delivery time.
  broker.produceDelayMs = 20;
  const sends = Array.from({ length: 4 }, (_, i) => producer.send("orders", { value: paddedValue(`v${i}`) }));
  fake.cluster.moveLeader("orders", 0, 99);
  const [first, ...later] = await outcomes(sends);
  assert.ok(first !== null && first !== undefined, "the first batch failed");
  assert.equal(first.code, "NOT_LEADER_OR_FOLLOWER");
  for (const e of later) assertFailedBehind(e, first, 1);
  assert.equal(broker.produceRequests.length, 5, "each batch was sent once, then waited for a leader");

  fake.cluster.moveLeader("orders", 0, 1);
  broker.produceDelayMs = 0;
  const after = await producer.send("orders", { value: "after" });
  assert.equal(after.offset, 1, "the partition starts over under a new producer id");
});

test("batches in flight behind one the leader refused fail with its error, not the leader's sequence complaint", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 1);
  const broker = fake.broker(1);
  const producer = clientFor(t, fake).producer({ lingerMs: 0, batchSize: 200 });
  await producer.send("orders", { value: "warm-up" });
  // Answers come 5 ms late, so the later batches are in flight when the first is refused,
  // and the fake leader (as a real one would) answers them OUT_OF_ORDER_SEQUENCE_NUMBER.
  broker.produceDelayMs = 5;
  broker.failPartition("orders", 0, "MESSAGE_TOO_LARGE", 1);
  const sends = Array.from({ length: 4 }, (_, i) => producer.send("orders", { value: paddedValue(`v${i}`) }));
  const [first, ...later] = await outcomes(sends);
  assert.ok(first !== null && first !== undefined, "the first batch failed");
  assert.equal(first.code, "MESSAGE_TOO_LARGE");
  assert.equal(first.cause, undefined, "the first batch's own answer");
  for (const e of later) assertFailedBehind(e, first, 1);

  const after = await producer.send("orders", { value: "after" });
  assert.equal(after.offset, 1);
  assert.deepEqual(
    fake.cluster.records("orders", 0).map((r) => r.value),
    ["warm-up", "after"],
  );
});
