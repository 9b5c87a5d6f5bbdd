// Idempotent producers at the log: a retried batch (same producer, epoch and sequences)
// is answered with its original offsets and never written twice; a gap in sequences is
// refused; a zombie's older epoch is refused; and the state is rebuilt from the log on
// reopen and carried by a follower's log, so a new leader dedups just the same.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeRecordBatch, isTidelogError } from "@tidelog/client/record";
import { lastSequenceOf } from "../../src/storage/producer-state-manager.js";
import { openLog, readAll, tempDir } from "./fixtures.js";

function idempotentBatch(producerId: number, producerEpoch: number, baseSequence: number, values: string[]): Buffer {
  return encodeRecordBatch({
    producerId,
    producerEpoch,
    baseSequence,
    records: values.map((value) => ({ value, timestamp: 1000 })),
  });
}

test("a retried batch gets its original offsets and is not appended twice", (t) => {
  const { log } = openLog(tempDir(t));
  const first = log.appendAsLeader(idempotentBatch(7, 0, 0, ["a", "b"]), 1);
  log.appendAsLeader(idempotentBatch(7, 0, 2, ["c"]), 1);
  const retry = log.appendAsLeader(idempotentBatch(7, 0, 0, ["a", "b"]), 1);
  assert.equal(retry.duplicate, true);
  assert.deepEqual([retry.firstOffset, retry.lastOffset], [first.firstOffset, first.lastOffset]);
  assert.deepEqual(
    readAll(log).map((r) => r.value),
    ["a", "b", "c"],
  );
});

test("a sequence gap is OUT_OF_ORDER_SEQUENCE_NUMBER and an older epoch is refused", (t) => {
  const { log } = openLog(tempDir(t));
  log.appendAsLeader(idempotentBatch(7, 3, 0, ["a"]), 1);
  assert.throws(
    () => log.appendAsLeader(idempotentBatch(7, 3, 5, ["x"]), 1),
    (e) => isTidelogError(e, "OUT_OF_ORDER_SEQUENCE_NUMBER"),
  );
  assert.throws(
    () => log.appendAsLeader(idempotentBatch(7, 2, 1, ["x"]), 1),
    (e) => isTidelogError(e, "INVALID_PRODUCER_EPOCH"),
  );
  assert.throws(
    () => log.appendAsLeader(idempotentBatch(7, 4, 9, ["x"]), 1),
    (e) => isTidelogError(e, "OUT_OF_ORDER_SEQUENCE_NUMBER"),
    "a new epoch starts at 0",
  );
  assert.equal(log.appendAsLeader(idempotentBatch(7, 4, 0, ["new epoch"]), 1).duplicate, false);
  assert.equal(log.logEndOffset, 2, "refused batches wrote nothing");
});

test("only the last five batches of a producer are remembered", (t) => {
  const { log } = openLog(tempDir(t));
  for (let seq = 0; seq < 7; seq++) log.appendAsLeader(idempotentBatch(9, 0, seq, [`v${seq}`]), 0);
  assert.equal(log.appendAsLeader(idempotentBatch(9, 0, 2, ["v2"]), 0).duplicate, true);
  assert.throws(
    () => log.appendAsLeader(idempotentBatch(9, 0, 1, ["v1"]), 0),
    (e) => isTidelogError(e, "OUT_OF_ORDER_SEQUENCE_NUMBER"),
  );
});

test("producer state and leader epochs are rebuilt from the log when it is reopened", async (t) => {
  const opened = openLog(tempDir(t));
  opened.log.appendAsLeader(idempotentBatch(5, 0, 0, ["a"]), 2);
  opened.log.appendAsLeader(idempotentBatch(5, 0, 1, ["b"]), 3);
  await opened.log.close();
  const log = opened.reopen({ cleanShutdown: true });
  assert.equal(log.appendAsLeader(idempotentBatch(5, 0, 1, ["b"]), 3).duplicate, true);
  assert.deepEqual(log.epochs.all, [
    { epoch: 2, startOffset: 0 },
    { epoch: 3, startOffset: 1 },
  ]);
});

test("a follower's log carries the producer state, so a new leader dedups a retry", (t) => {
  const { log: leader } = openLog(tempDir(t));
  leader.appendAsLeader(idempotentBatch(11, 0, 0, ["x", "y"]), 1);
  const { log: follower } = openLog(tempDir(t));
  follower.appendAsFollower(Buffer.from(leader.read(0, { maxBytes: 1 << 20 }).records));
  const retry = follower.appendAsLeader(idempotentBatch(11, 0, 0, ["x", "y"]), 2);
  assert.deepEqual([retry.duplicate, retry.firstOffset], [true, 0]);
});

test("epoch end offsets answer a follower's divergence question, also after truncation", (t) => {
  const { log } = openLog(tempDir(t));
  for (const [epoch, n] of [
    [0, 3],
    [2, 2],
    [5, 1],
  ] as const) {
    for (let i = 0; i < n; i++)
      log.appendAsLeader(encodeRecordBatch({ records: [{ value: "v", timestamp: 1 }] }), epoch);
  }
  assert.deepEqual(log.epochs.endOffsetFor(0, log.logEndOffset), { epoch: 0, endOffset: 3 });
  assert.deepEqual(
    log.epochs.endOffsetFor(1, log.logEndOffset),
    { epoch: 0, endOffset: 3 },
    "an unknown epoch maps to the largest below it",
  );
  assert.deepEqual(log.epochs.endOffsetFor(5, log.logEndOffset), { epoch: 5, endOffset: 6 });
  assert.deepEqual(log.epochs.endOffsetFor(9, log.logEndOffset), { epoch: 5, endOffset: 6 });
  log.truncateTo(4);
  assert.deepEqual(
    log.epochs.all.map((e) => e.epoch),
    [0, 2],
  );
  assert.deepEqual(log.epochs.endOffsetFor(2, log.logEndOffset), { epoch: 2, endOffset: 4 });
});

test("sequences wrap around at int32 max as Kafka's do", () => {
  assert.equal(lastSequenceOf(2 ** 31 - 2, 3), 1);
  assert.equal(lastSequenceOf(10, 4), 14);
});
