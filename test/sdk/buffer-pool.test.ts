// Build-buffer reuse in the producer: a builder given a scratch buffer hands it back only
// when the built batch does not use it (copied out, or compressed), so a buffer still
// holding a batch being sent is never rewritten; the pool keeps buffers of its own size
// only, and no more than its bound.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeRecordBatch, RecordBatchBuilder } from "@tidelog/client/record";
import { BufferPool } from "../../clients/sdk/src/buffer-pool.js";

const SIZE = 16 * 1024;

function build(scratch: Buffer, records: number, compression: "none" | "gzip" = "none") {
  const builder = new RecordBatchBuilder({ initialCapacityBytes: SIZE, scratch, compression, defaultTimestamp: 1 });
  for (let i = 0; i < records; i++) builder.append({ value: Buffer.alloc(100, i) });
  const bytes = builder.build();
  return { bytes, spare: builder.spareBuffer() };
}

test("a small batch is copied out of the scratch buffer, which comes back for reuse", () => {
  const scratch = Buffer.alloc(SIZE);
  const { bytes, spare } = build(scratch, 3);
  assert.equal(spare, scratch);
  const before = Buffer.from(bytes);
  scratch.fill(0xee); // the next batch building in it
  assert.deepEqual(bytes, before, "the built batch does not share the reused buffer");
  assert.equal(decodeRecordBatch(bytes).records.length, 3);
});

test("a batch that fills the scratch buffer keeps it: nothing is handed back", () => {
  const scratch = Buffer.alloc(SIZE);
  const { bytes, spare } = build(scratch, 140); // ~15 KiB of 16 KiB
  assert.equal(spare, null);
  assert.equal(bytes.buffer, scratch.buffer, "the batch is a view of the scratch buffer");
});

test("a compressed batch has its own bytes, so the scratch buffer comes back", () => {
  const scratch = Buffer.alloc(SIZE);
  const { bytes, spare } = build(scratch, 140, "gzip");
  assert.equal(spare, scratch);
  assert.notEqual(bytes.buffer, scratch.buffer);
  assert.equal(decodeRecordBatch(bytes).records.length, 140);
});

test("a scratch buffer too small is not used; spareBuffer is null before build", () => {
  const small = Buffer.alloc(64);
  const builder = new RecordBatchBuilder({ initialCapacityBytes: SIZE, scratch: small });
  assert.equal(builder.spareBuffer(), null);
  builder.append({ value: "v" });
  builder.build();
  assert.notEqual(builder.spareBuffer(), small);
});

test("the pool keeps only buffers of its size, at most its bound, and hands each out once", () => {
  const pool = new BufferPool(SIZE, 2);
  pool.give(Buffer.alloc(SIZE / 2));
  assert.equal(pool.size, 0, "another size is refused");
  const a = Buffer.alloc(SIZE);
  const b = Buffer.alloc(SIZE);
  pool.give(a);
  pool.give(b);
  pool.give(Buffer.alloc(SIZE));
  assert.equal(pool.size, 2, "bounded");
  const taken = [pool.take(), pool.take()];
  assert.deepEqual(new Set(taken), new Set([a, b]));
  assert.equal(pool.take(), undefined);
  assert.throws(() => new BufferPool(0, 1), RangeError);
});
