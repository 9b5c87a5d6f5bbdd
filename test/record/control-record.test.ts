// Transaction markers: COMMIT and ABORT control batches round-trip, carry Kafka's exact
// byte layout (attributes 0x30, one record with a 4-byte key and 6-byte value), are
// read as control batches by kafkajs, and malformed markers are CORRUPT_MESSAGE.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  CONTROL_FLAG,
  controlRecordTypeOf,
  decodeRecordBatch,
  encodeControlBatch,
  encodeEndTransactionMarker,
  encodeRecordBatch,
  endTransactionMarkerOf,
  isControlBatch,
  isTidelogError,
  isTransactionalBatch,
  readEndTransactionMarker,
  TRANSACTIONAL_FLAG,
} from "@tidelog/client/record";
import fc from "fast-check";
import { kafkaDecodeBatch } from "./kafkajs-internals.js";

const corrupt = (e: unknown) => isTidelogError(e, "CORRUPT_MESSAGE");

test("a COMMIT marker batch has Kafka's byte layout", () => {
  const batch = encodeControlBatch({
    type: "commit",
    coordinatorEpoch: 5,
    producerId: 1234,
    producerEpoch: 7,
    timestamp: 1_700_000_000_000,
    baseOffset: 42,
    partitionLeaderEpoch: 3,
  });
  assert.equal(batch.readInt16BE(ATTRIBUTES_OFFSET), CONTROL_FLAG | TRANSACTIONAL_FLAG);
  assert.equal(batch.readInt16BE(ATTRIBUTES_OFFSET), 0x30);
  // length 16; attributes, deltas 0; key 4 bytes: version 0, type 1; value 6 bytes: version 0, epoch 5; no headers.
  assert.equal(batch.subarray(BATCH_HEADER_SIZE).toString("hex"), "2000000008000000010c00000000000500");
  const { header, records } = decodeRecordBatch(batch);
  assert.equal(header.baseOffset, 42);
  assert.equal(header.partitionLeaderEpoch, 3);
  assert.equal(header.producerId, 1234);
  assert.equal(header.producerEpoch, 7);
  assert.equal(header.baseSequence, -1);
  assert.equal(header.recordCount, 1);
  assert.equal(header.lastOffsetDelta, 0);
  assert.equal(header.baseTimestamp, 1_700_000_000_000);
  assert.ok(isControlBatch(header.attributes));
  assert.ok(isTransactionalBatch(header.attributes));
  assert.equal(records[0]?.key?.toString("hex"), "00000001");
  assert.equal(records[0]?.value?.toString("hex"), "000000000005");
});

test("COMMIT and ABORT markers round-trip for any coordinator epoch and producer", () => {
  fc.assert(
    fc.property(
      fc.constantFrom("commit" as const, "abort" as const),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: 0, max: 32767 }),
      (type, coordinatorEpoch, producerId, producerEpoch) => {
        const batch = encodeControlBatch({ type, coordinatorEpoch, producerId, producerEpoch, timestamp: 9 });
        const decoded = decodeRecordBatch(batch);
        assert.deepEqual(endTransactionMarkerOf(decoded), { type, coordinatorEpoch });
        assert.equal(decoded.header.producerId, producerId);
        assert.equal(decoded.header.producerEpoch, producerEpoch);
      },
    ),
    { numRuns: 500 },
  );
});

test("the ABORT key is type 0", () => {
  const { key, value } = encodeEndTransactionMarker({ type: "abort", coordinatorEpoch: 258 });
  assert.equal(key.toString("hex"), "00000000");
  assert.equal(value.toString("hex"), "000000000102");
  assert.equal(controlRecordTypeOf(key), 0);
});

test("kafkajs reads a tidelog marker batch as a control batch in a transaction", async () => {
  const batch = encodeControlBatch({
    type: "abort",
    coordinatorEpoch: 2,
    producerId: 99,
    producerEpoch: 1,
    timestamp: 5,
  });
  const decoded = await kafkaDecodeBatch(batch);
  assert.equal(decoded.isControlBatch, true);
  assert.equal(decoded.inTransaction, true);
  assert.equal(decoded.producerId, "99");
  assert.equal(decoded.records.length, 1);
  assert.equal(decoded.records[0]?.isControlRecord, true);
  assert.equal(decoded.records[0]?.key?.toString("hex"), "00000000");
  assert.equal(decoded.records[0]?.value?.toString("hex"), "000000000002");
});

test("a data batch carries no marker", () => {
  const batch = decodeRecordBatch(encodeRecordBatch({ records: [{ value: "x" }], transactional: true }));
  assert.equal(endTransactionMarkerOf(batch), null);
});

test("a newer marker version with the version-0 fields first is still read", () => {
  const key = Buffer.from("0001000100ff", "hex");
  const value = Buffer.from("00010000000900aabb", "hex");
  assert.deepEqual(readEndTransactionMarker({ key, value }), { type: "commit", coordinatorEpoch: 9 });
});

test("malformed markers are CORRUPT_MESSAGE", () => {
  const value = Buffer.from("000000000001", "hex");
  assert.throws(() => readEndTransactionMarker({ key: null, value }), corrupt);
  assert.throws(() => readEndTransactionMarker({ key: Buffer.from("000001", "hex"), value }), corrupt);
  assert.throws(() => readEndTransactionMarker({ key: Buffer.from("ffff0001", "hex"), value }), corrupt);
  assert.throws(() => readEndTransactionMarker({ key: Buffer.from("00000002", "hex"), value }), corrupt);
  const key = Buffer.from("00000001", "hex");
  assert.throws(() => readEndTransactionMarker({ key, value: null }), corrupt);
  assert.throws(() => readEndTransactionMarker({ key, value: Buffer.from("0000000001", "hex") }), corrupt);
  assert.throws(() => readEndTransactionMarker({ key, value: Buffer.from("ffff00000001", "hex") }), corrupt);
});

test("a control batch must hold exactly one marker", () => {
  const marker = encodeEndTransactionMarker({ type: "commit", coordinatorEpoch: 1 });
  for (const records of [[], [marker, marker]]) {
    const batch = encodeRecordBatch({ control: true, transactional: true, lastOffsetDelta: 1, records });
    assert.throws(() => endTransactionMarkerOf(decodeRecordBatch(batch)), corrupt);
  }
});
