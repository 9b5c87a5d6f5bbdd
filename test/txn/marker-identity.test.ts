// Whom a transaction's markers are for, when its end exhausts the producer epoch: the
// state moves on to a new producer id at epoch 0, but the partitions hold the data under
// the old id, and only a marker for that id closes it there. Long run 10 ended with a
// partition's last stable offset stuck for good after about 33,000 transactions per
// transactional id: its markers had gone to the new id.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  endTransaction,
  expireTransaction,
  markerIdentity,
  PRODUCER_EPOCH_MAX,
  type TransactionMetadata,
} from "../../src/txn/transaction-metadata.js";

const ongoing = (producerEpoch: number): TransactionMetadata => ({
  transactionalId: "orders-1",
  producerId: 7,
  previousProducerId: -1,
  producerEpoch,
  lastProducerEpoch: -1,
  timeoutMs: 1000,
  state: "Ongoing",
  partitions: [{ topic: "orders", partition: 0 }],
  startMs: 0,
  updateMs: 0,
});

const written = (r: ReturnType<typeof endTransaction>): TransactionMetadata => {
  assert.equal(r.kind, "write");
  return (r as { next: TransactionMetadata }).next;
};

test("an ordinary end: the markers carry the producer id and the bumped epoch", () => {
  const next = written(
    endTransaction(
      ongoing(5),
      { transactionalId: "orders-1", producerId: 7, producerEpoch: 5, commit: true },
      1,
      () => 8,
    ),
  );
  assert.deepEqual([next.producerId, next.producerEpoch], [7, 6]);
  assert.deepEqual(markerIdentity(next), { producerId: 7, producerEpoch: 6 });
});

test("an end that exhausts the epoch: the client gets a new id, the markers go to the old one, past its last epoch", () => {
  const request = { transactionalId: "orders-1", producerId: 7, producerEpoch: PRODUCER_EPOCH_MAX, commit: false };
  const next = written(endTransaction(ongoing(PRODUCER_EPOCH_MAX), request, 1, () => 8));
  assert.deepEqual([next.producerId, next.producerEpoch, next.previousProducerId], [8, 0, 7]);
  assert.deepEqual(markerIdentity(next), { producerId: 7, producerEpoch: PRODUCER_EPOCH_MAX + 1 });
  // An int16 still: the marker batch can carry it.
  assert.ok(PRODUCER_EPOCH_MAX + 1 <= 0x7fff);
});

test("a timeout abort that exhausts the epoch fences and closes the old id too", () => {
  const next = expireTransaction(ongoing(PRODUCER_EPOCH_MAX), 10_000, () => 8);
  assert.ok(next);
  assert.deepEqual([next.producerId, next.producerEpoch], [8, 0]);
  assert.deepEqual(markerIdentity(next), { producerId: 7, producerEpoch: PRODUCER_EPOCH_MAX + 1 });
});

test("the new id's own first transaction ends at epoch 1: its markers are its own", () => {
  const afterRollover: TransactionMetadata = { ...ongoing(0), producerId: 8, previousProducerId: 7 };
  const request = { transactionalId: "orders-1", producerId: 8, producerEpoch: 0, commit: true };
  const next = written(endTransaction(afterRollover, request, 1, () => 9));
  assert.deepEqual(markerIdentity(next), { producerId: 8, producerEpoch: 1 });
});
