// A batch built with a delete horizon (what the log cleaner writes for tombstones, Kafka's
// KIP-534) carries the horizon in baseTimestamp and the DELETE_HORIZON attribute, while
// every record decodes with its own timestamp and the batch's max timestamp is unchanged.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DELETE_HORIZON_FLAG, decodeRecordBatch, encodeRecordBatch } from "@tidelog/client/record";

test("a delete horizon lives in baseTimestamp and leaves record timestamps exact", () => {
  const records = [
    { key: "a", value: null, timestamp: 1_000, offsetDelta: 0 },
    { key: "b", value: "v", timestamp: 1_500, offsetDelta: 2 },
  ];
  const batch = encodeRecordBatch({ records, deleteHorizonMs: 90_000, lastOffsetDelta: 3 });
  const decoded = decodeRecordBatch(batch);
  assert.equal(decoded.header.baseTimestamp, 90_000);
  assert.ok(decoded.header.attributes & DELETE_HORIZON_FLAG);
  assert.equal(decoded.header.maxTimestamp, 1_500);
  assert.equal(decoded.header.lastOffsetDelta, 3);
  assert.deepEqual(
    decoded.records.map((r) => [r.offset, r.timestamp, r.value]),
    [
      [0, 1_000, null],
      [2, 1_500, Buffer.from("v")],
    ],
  );
  const plain = decodeRecordBatch(encodeRecordBatch({ records }));
  assert.equal(plain.header.baseTimestamp, 1_000);
  assert.equal(plain.header.attributes & DELETE_HORIZON_FLAG, 0);
});
