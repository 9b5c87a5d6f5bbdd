// firstRecordTimestamp: what lag in seconds is measured from (the group admin's fetch and
// the broker's metrics both read it from whole batches).
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeControlBatch, encodeRecordBatch, firstRecordTimestamp } from "@tidelog/client/record";

const T0 = 1_700_000_000_000;

function batch(baseOffset: number, timestamps: number[]): Buffer {
  return encodeRecordBatch({
    baseOffset,
    records: timestamps.map((timestamp, i) => ({ value: `v${baseOffset + i}`, timestamp })),
  });
}

test("the record at the offset, not the first of its batch", () => {
  const buf = Buffer.concat([batch(0, [T0, T0 + 10, T0 + 20]), batch(3, [T0 + 30])]);
  assert.equal(firstRecordTimestamp(buf, 0), T0);
  assert.equal(firstRecordTimestamp(buf, 1), T0 + 10);
  assert.equal(firstRecordTimestamp(buf, 3), T0 + 30);
  assert.equal(firstRecordTimestamp(buf, 4), null, "past the end");
  assert.equal(firstRecordTimestamp(Buffer.alloc(0), 0), null);
});

test("a control batch (transaction marker) is not a record to consume", () => {
  const marker = encodeControlBatch({
    type: "commit",
    coordinatorEpoch: 0,
    producerId: 7,
    producerEpoch: 0,
    timestamp: T0 + 5,
    baseOffset: 2,
  });
  const buf = Buffer.concat([batch(0, [T0, T0 + 1]), marker, batch(3, [T0 + 30])]);
  assert.equal(firstRecordTimestamp(buf, 2), T0 + 30);
});

test("a read cut off after the match still answers; one cut off before it answers null", () => {
  const whole = Buffer.concat([batch(0, [T0]), batch(1, [T0 + 10])]);
  const cut = whole.subarray(0, whole.length - 5);
  assert.equal(firstRecordTimestamp(cut, 0), T0);
  assert.equal(firstRecordTimestamp(cut, 1), null);
});
