// Zigzag varints and varlongs: known byte vectors (worked out independently of the
// code), round trips over the whole int32 / safe-integer range, agreement of
// sizeOf* with the bytes written, and typed CORRUPT_MESSAGE errors for bad input.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  isTidelogError,
  MAX_VARINT_BYTES,
  MAX_VARLONG_BYTES,
  ReadCursor,
  readVarint,
  readVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from "@tidelog/client/record";
import fc from "fast-check";

function encodeVarint(value: number): string {
  const buf = Buffer.alloc(MAX_VARINT_BYTES);
  return buf.subarray(0, writeVarint(buf, 0, value)).toString("hex");
}

function encodeVarlong(value: number): string {
  const buf = Buffer.alloc(MAX_VARLONG_BYTES);
  return buf.subarray(0, writeVarlong(buf, 0, value)).toString("hex");
}

function decodeVarint(hex: string): { value: number; pos: number } {
  const buf = Buffer.from(hex, "hex");
  const cursor = new ReadCursor();
  const value = readVarint(buf, cursor, buf.length);
  return { value, pos: cursor.pos };
}

function decodeVarlong(hex: string): { value: number; pos: number } {
  const buf = Buffer.from(hex, "hex");
  const cursor = new ReadCursor();
  const value = readVarlong(buf, cursor, buf.length);
  return { value, pos: cursor.pos };
}

function assertCorrupt(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => isTidelogError(e, "CORRUPT_MESSAGE"));
}

const VARINT_VECTORS: [number, string][] = [
  [0, "00"],
  [-1, "01"],
  [1, "02"],
  [63, "7e"],
  [-64, "7f"],
  [64, "8001"],
  [-65, "8101"],
  [300, "d804"],
  [2 ** 31 - 1, "feffffff0f"],
  [-(2 ** 31), "ffffffff0f"],
];

const VARLONG_VECTORS: [number, string][] = [
  ...VARINT_VECTORS,
  [2 ** 31, "8080808010"],
  [-(2 ** 31) - 1, "8180808010"],
  [2 ** 35 - 1, "feffffffff01"],
  [2 ** 40, "808080808040"],
  [1_700_000_000_000, "80a0abfef962"],
  [-1_700_000_000_000, "ff9fabfef962"],
  [Number.MAX_SAFE_INTEGER, "feffffffffffff1f"],
  [-Number.MAX_SAFE_INTEGER, "fdffffffffffff1f"],
];

test("varints encode and decode to the known vectors", () => {
  for (const [value, hex] of VARINT_VECTORS) {
    assert.equal(encodeVarint(value), hex, `encode ${value}`);
    assert.deepEqual(decodeVarint(hex), { value, pos: hex.length / 2 }, `decode ${hex}`);
    assert.equal(sizeOfVarint(value), hex.length / 2, `size of ${value}`);
  }
});

test("varlongs encode and decode to the known vectors", () => {
  for (const [value, hex] of VARLONG_VECTORS) {
    assert.equal(encodeVarlong(value), hex, `encode ${value}`);
    assert.deepEqual(decodeVarlong(hex), { value, pos: hex.length / 2 }, `decode ${hex}`);
    assert.equal(sizeOfVarlong(value), hex.length / 2, `size of ${value}`);
  }
});

test("every int32 round-trips through a varint and sizeOfVarint matches the bytes written", () => {
  fc.assert(
    fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.nat(8), (value, at) => {
      const buf = Buffer.alloc(at + MAX_VARINT_BYTES);
      const end = writeVarint(buf, at, value);
      assert.equal(end - at, sizeOfVarint(value));
      const cursor = new ReadCursor(at);
      assert.equal(readVarint(buf, cursor, end), value);
      assert.equal(cursor.pos, end);
    }),
    { numRuns: 5000 },
  );
});

test("every safe integer round-trips through a varlong and sizeOfVarlong matches the bytes written", () => {
  const safe = fc.oneof(
    fc.integer({ min: -1000, max: 1000 }),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, -(2 ** 32)),
  );
  fc.assert(
    fc.property(safe, (value) => {
      const buf = Buffer.alloc(MAX_VARLONG_BYTES);
      const end = writeVarlong(buf, 0, value);
      assert.equal(end, sizeOfVarlong(value));
      const cursor = new ReadCursor();
      assert.equal(readVarlong(buf, cursor, end), value);
      assert.equal(cursor.pos, end);
    }),
    { numRuns: 5000 },
  );
});

test("consecutive reads share one cursor", () => {
  const buf = Buffer.alloc(32);
  let pos = writeVarint(buf, 0, -5);
  pos = writeVarlong(buf, pos, 1_700_000_000_123);
  pos = writeVarint(buf, pos, 300);
  const cursor = new ReadCursor();
  assert.equal(readVarint(buf, cursor, pos), -5);
  assert.equal(readVarlong(buf, cursor, pos), 1_700_000_000_123);
  assert.equal(readVarint(buf, cursor, pos), 300);
  assert.equal(cursor.pos, pos);
});

test("overlong encodings that Kafka's reader accepts decode to their value", () => {
  assert.deepEqual(decodeVarint("8000"), { value: 0, pos: 2 });
  assert.deepEqual(decodeVarlong("8280808000"), { value: 1, pos: 5 });
});

test("a varint that runs past the end of its field is CORRUPT_MESSAGE, not a RangeError", () => {
  assertCorrupt(() => decodeVarint(""));
  assertCorrupt(() => decodeVarint("80"));
  assertCorrupt(() => decodeVarint("ffffff"));
  assertCorrupt(() => decodeVarlong(""));
  assertCorrupt(() => decodeVarlong("ffffffffff"));
  // The end bound is honoured even when the buffer goes on.
  const buf = Buffer.from("d804", "hex");
  assertCorrupt(() => readVarint(buf, new ReadCursor(), 1));
  assertCorrupt(() => readVarlong(buf, new ReadCursor(), 1));
});

test("a varint longer than 5 bytes or wider than 32 bits is CORRUPT_MESSAGE", () => {
  assertCorrupt(() => decodeVarint("ffffffff1f"));
  assertCorrupt(() => decodeVarint("ffffffff8f01"));
  assertCorrupt(() => decodeVarint("8080808080808080808000"));
});

test("a varlong longer than 10 bytes or outside the safe-integer range is CORRUPT_MESSAGE", () => {
  assertCorrupt(() => decodeVarlong("ffffffffffffffffff01")); // -2^63: valid Kafka, unsafe here
  assertCorrupt(() => decodeVarlong("80808080808080808080808000"));
  assertCorrupt(() => decodeVarlong("80808080808080808001")); // 2^62
  assertCorrupt(() => decodeVarlong("808080808080808010")); // zigzag 2^54: 2^53
  assertCorrupt(() => decodeVarlong("ffffffffffffff1f")); // zigzag 2^54-1: -2^53
  // Just inside the range on both sides.
  assert.equal(decodeVarlong("feffffffffffff1f").value, Number.MAX_SAFE_INTEGER);
  assert.equal(decodeVarlong("fdffffffffffff1f").value, -Number.MAX_SAFE_INTEGER);
});

test("writing a value outside the type's range is a programming error (RangeError)", () => {
  const buf = Buffer.alloc(16);
  assert.throws(() => writeVarint(buf, 0, 2 ** 31), RangeError);
  assert.throws(() => writeVarint(buf, 0, 1.5), RangeError);
  assert.throws(() => writeVarlong(buf, 0, 2 ** 53), RangeError);
  assert.throws(() => writeVarlong(buf, 0, Number.NaN), RangeError);
});

test("random bytes never make a reader throw anything but CORRUPT_MESSAGE, nor read past the end", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 12 }), fc.boolean(), (bytes, long) => {
      const buf = Buffer.from(bytes);
      const cursor = new ReadCursor();
      try {
        const value = long ? readVarlong(buf, cursor, buf.length) : readVarint(buf, cursor, buf.length);
        assert.ok(Number.isSafeInteger(value));
        assert.ok(cursor.pos >= 1 && cursor.pos <= buf.length);
        assert.ok(cursor.pos <= (long ? MAX_VARLONG_BYTES : MAX_VARINT_BYTES));
      } catch (e) {
        assert.ok(isTidelogError(e, "CORRUPT_MESSAGE"), String(e));
      }
    }),
    { numRuns: 5000 },
  );
});
