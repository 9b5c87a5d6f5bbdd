// Bad input at the log's edge: a corrupt, truncated, oversized or otherwise invalid
// batch, alone or behind valid ones in the same request, is refused with a typed error
// code, and the log's files are byte-for-byte what they were before the request.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CRC_OFFSET, type ErrorName, isTidelogError, MAGIC_OFFSET, RECORD_COUNT_OFFSET } from "@tidelog/client/record";
import { batchOf, openLog, smallConfig, snapshotDir, tempDir } from "./fixtures.js";

function mutate(buf: Buffer, fn: (b: Buffer) => void): Buffer {
  const copy = Buffer.from(buf);
  fn(copy);
  return copy;
}

const valid = batchOf(["one", "two"]);

const cases: { name: string; data: Buffer; code: ErrorName }[] = [
  {
    name: "CRC mismatch",
    data: mutate(valid, (b) => b.writeUInt32BE((b.readUInt32BE(CRC_OFFSET) + 1) >>> 0, CRC_OFFSET)),
    code: "CORRUPT_MESSAGE",
  },
  {
    name: "flipped record byte",
    data: mutate(valid, (b) => {
      b[b.length - 3] = (b[b.length - 3] as number) ^ 0x40;
    }),
    code: "CORRUPT_MESSAGE",
  },
  { name: "magic 1", data: mutate(valid, (b) => b.writeInt8(1, MAGIC_OFFSET)), code: "CORRUPT_MESSAGE" },
  { name: "truncated batch", data: valid.subarray(0, valid.length - 5), code: "CORRUPT_MESSAGE" },
  { name: "header only half there", data: valid.subarray(0, 30), code: "CORRUPT_MESSAGE" },
  { name: "negative length", data: mutate(valid, (b) => b.writeInt32BE(-20, 8)), code: "CORRUPT_MESSAGE" },
  { name: "length beyond the data", data: mutate(valid, (b) => b.writeInt32BE(1000, 8)), code: "CORRUPT_MESSAGE" },
  { name: "oversized batch", data: batchOf(["x".repeat(3000)]), code: "MESSAGE_TOO_LARGE" },
  { name: "valid batch then garbage", data: Buffer.concat([valid, Buffer.from("garbage!")]), code: "CORRUPT_MESSAGE" },
  {
    name: "valid batch then a corrupt one",
    data: Buffer.concat([
      valid,
      mutate(valid, (b) => {
        b[70] = (b[70] as number) ^ 1;
      }),
    ]),
    code: "CORRUPT_MESSAGE",
  },
  { name: "empty request", data: Buffer.alloc(0), code: "INVALID_REQUEST" },
  {
    name: "record count that disagrees with the offset range",
    data: (() => {
      // The count is inside the CRC: rewrite it and fix the CRC so only the count is wrong.
      const b = Buffer.from(valid);
      b.writeInt32BE(1, RECORD_COUNT_OFFSET);
      return b;
    })(),
    code: "CORRUPT_MESSAGE",
  },
];

for (const c of cases) {
  test(`refuses ${c.name} with ${c.code} and leaves the log unchanged`, (t) => {
    const dir = tempDir(t);
    const { log } = openLog(dir, smallConfig({ maxMessageBytes: 2048 }));
    log.appendAsLeader(batchOf(["kept"]), 0);
    const before = snapshotDir(dir);
    const leo = log.logEndOffset;
    assert.throws(
      () => log.appendAsLeader(Buffer.from(c.data), 0),
      (e) => isTidelogError(e, c.code),
    );
    assert.deepEqual(snapshotDir(dir), before);
    assert.equal(log.logEndOffset, leo);
    assert.equal(log.appendAsLeader(batchOf(["still works"]), 0).firstOffset, leo, "the log stays usable");
  });
}

test("a request larger than a whole segment is refused with RECORD_LIST_TOO_LARGE", (t) => {
  const dir = tempDir(t);
  const { log } = openLog(dir, smallConfig({ segmentBytes: 1024, maxMessageBytes: 1024 }));
  const data = Buffer.concat(Array.from({ length: 6 }, () => batchOf(["y".repeat(150)])));
  const before = snapshotDir(dir);
  assert.throws(
    () => log.appendAsLeader(data, 0),
    (e) => isTidelogError(e, "RECORD_LIST_TOO_LARGE"),
  );
  assert.deepEqual(snapshotDir(dir), before);
});
