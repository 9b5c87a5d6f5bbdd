// The RecordBatch v2 codec round-trips: random records (null, empty, binary and
// string keys and values, headers, timestamps) under every compression, transactional
// or not, with producer ids, decode to exactly what was encoded; the worked examples in
// the module headers are the real bytes; and the builder's size accounting is exact.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type BatchHeader,
  type BytesInput,
  COMPRESSION_NAMES,
  CONTROL_FLAG,
  type CompressionName,
  CompressionType,
  crc32c,
  decodeRecordBatch,
  decodeRecordBatches,
  type EncodeRecordBatchInput,
  encodeRecordBatch,
  isTidelogError,
  NO_TIMESTAMP,
  type Record,
  RecordBatchBuilder,
  type RecordHeader,
  type RecordHeaderInput,
  type RecordInput,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG,
  validateBatch,
} from "@tidelog/client/record";
import fc from "fast-check";

function asBuffer(v: BytesInput | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  return typeof v === "string" ? Buffer.from(v, "utf8") : v;
}

function headerListOf(headers: RecordInput["headers"]): RecordHeader[] {
  if (headers === undefined) return [];
  if (Array.isArray(headers)) {
    return (headers as readonly RecordHeaderInput[]).map((h) => ({ key: h.key, value: asBuffer(h.value) }));
  }
  const list: RecordHeader[] = [];
  const byKey = headers as { [key: string]: BytesInput | BytesInput[] };
  for (const key of Object.keys(byKey)) {
    const v = byKey[key];
    for (const one of Array.isArray(v) ? v : [v as BytesInput]) list.push({ key, value: asBuffer(one) });
  }
  return list;
}

/** What decoding `input` must give back, worked out from the input alone. */
function expectedRecords(input: EncodeRecordBatchInput, defaultTimestamp: number): Record[] {
  const baseOffset = input.baseOffset ?? 0;
  let previous = -1;
  return input.records.map((r) => {
    const delta = r.offsetDelta ?? previous + 1;
    previous = delta;
    return {
      offset: baseOffset + delta,
      timestamp: input.logAppendTime ?? r.timestamp ?? defaultTimestamp,
      key: asBuffer(r.key),
      value: asBuffer(r.value),
      headers: headerListOf(r.headers),
    };
  });
}

const bytesArb: fc.Arbitrary<BytesInput> = fc.oneof(
  fc.constant(null),
  fc.constant(Buffer.alloc(0)),
  fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a)),
  fc.string({ unit: "binary", maxLength: 24 }),
);

const headerArb: fc.Arbitrary<RecordHeaderInput> = fc.record({
  key: fc.string({ unit: "binary", maxLength: 12 }),
  value: bytesArb,
});

const headersArb: fc.Arbitrary<RecordInput["headers"]> = fc.oneof(
  fc.constant(undefined),
  fc.array(headerArb, { maxLength: 4 }),
  fc.dictionary(
    fc.string({ minLength: 1, maxLength: 6 }).map((k) => `h-${k}`),
    fc.oneof(
      fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    ),
    { maxKeys: 3 },
  ),
);

const timestampArb = fc.oneof(
  fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
  fc.integer({ min: -1, max: 1000 }),
  fc.integer({ min: -(2 ** 52), max: 2 ** 52 }),
);

const recordArb: fc.Arbitrary<RecordInput> = fc.record(
  {
    key: fc.oneof(fc.constant(undefined), bytesArb),
    value: bytesArb,
    timestamp: fc.oneof(fc.constant(undefined), timestampArb),
    headers: headersArb,
  },
  { requiredKeys: ["value"] },
);

const batchArb: fc.Arbitrary<EncodeRecordBatchInput> = fc.record(
  {
    records: fc.array(recordArb, { maxLength: 25 }),
    baseOffset: fc.oneof(fc.nat(1000), fc.integer({ min: 0, max: 2 ** 50 })),
    partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
    producerId: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    producerEpoch: fc.integer({ min: -1, max: 32767 }),
    baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
    transactional: fc.boolean(),
    compression: fc.constantFrom<CompressionName>(...COMPRESSION_NAMES),
    defaultTimestamp: fc.integer({ min: 0, max: 2 ** 45 }),
    logAppendTime: fc.integer({ min: 0, max: 2 ** 45 }),
  },
  { requiredKeys: ["records", "compression", "defaultTimestamp"] },
);

function checkRoundTrip(input: EncodeRecordBatchInput): void {
  const batch = encodeRecordBatch(input);
  const decoded = decodeRecordBatch(batch);
  const defaultTimestamp = input.defaultTimestamp as number;
  const expected = expectedRecords(input, defaultTimestamp);
  assert.deepStrictEqual(decoded.records, expected);
  assert.equal(decoded.sizeBytes, batch.length);

  const h: BatchHeader = decoded.header;
  const timestamps = input.records.map((r) => r.timestamp ?? defaultTimestamp);
  assert.equal(h.batchLength, batch.length - 12);
  assert.equal(h.magic, 2);
  assert.equal(h.baseOffset, input.baseOffset ?? 0);
  assert.equal(h.partitionLeaderEpoch, input.partitionLeaderEpoch ?? -1);
  assert.equal(h.producerId, input.producerId ?? -1);
  assert.equal(h.producerEpoch, input.producerEpoch ?? -1);
  assert.equal(h.baseSequence, input.baseSequence ?? -1);
  assert.equal(h.recordCount, input.records.length);
  assert.equal(h.lastOffsetDelta, Math.max(0, input.records.length - 1));
  assert.equal(h.baseTimestamp, timestamps[0] ?? NO_TIMESTAMP);
  assert.equal(h.maxTimestamp, input.logAppendTime ?? (timestamps.length ? Math.max(...timestamps) : NO_TIMESTAMP));
  assert.equal(h.attributes & 0x07, CompressionType[input.compression as CompressionName]);
  assert.equal((h.attributes & TRANSACTIONAL_FLAG) !== 0, input.transactional === true);
  assert.equal((h.attributes & TIMESTAMP_TYPE_MASK) !== 0, input.logAppendTime !== undefined);
  assert.equal(h.attributes & CONTROL_FLAG, 0);
}

test("random batches under every compression decode to exactly their input", () => {
  fc.assert(fc.property(batchArb, checkRoundTrip), { numRuns: 400 });
});

test("large batches spanning several compression blocks round-trip under every codec", () => {
  const records: RecordInput[] = [];
  for (let i = 0; i < 3000; i++) {
    records.push({ key: `key-${i}`, value: Buffer.alloc(120, i % 251), timestamp: 1_700_000_000_000 + i });
  }
  for (const compression of COMPRESSION_NAMES) {
    checkRoundTrip({ records, compression, defaultTimestamp: 0 });
  }
});

test("the worked example in record-batch.ts is the exact encoding", () => {
  const batch = encodeRecordBatch({ records: [{ key: "k", value: "v", timestamp: 1000 }] });
  const expected = Buffer.from(
    [
      "0000000000000000", // baseOffset
      "0000003a", // batchLength 58
      "ffffffff", // partitionLeaderEpoch
      "02", // magic
      "00000000", // crc, checked below
      "0000", // attributes
      "00000000", // lastOffsetDelta
      "00000000000003e8", // baseTimestamp
      "00000000000003e8", // maxTimestamp
      "ffffffffffffffff", // producerId
      "ffff", // producerEpoch
      "ffffffff", // baseSequence
      "00000001", // recordCount
      "10000000026b027600", // the record of record.ts
    ].join(""),
    "hex",
  );
  assert.equal(batch.length, 70);
  assert.deepEqual(batch.subarray(0, 17), expected.subarray(0, 17));
  assert.deepEqual(batch.subarray(21), expected.subarray(21));
  assert.equal(batch.subarray(61).toString("hex"), "10000000026b027600");
  assert.equal(batch.readUInt32BE(17), crc32c(batch.subarray(21)));
  validateBatch(batch, 0, batch.length, 1 << 20);
});

test("the hex dump in docs/architecture.md is what the encoder writes, CRC included", () => {
  const batch = encodeRecordBatch({
    records: [
      { key: "k1", value: "hello", timestamp: 1_700_000_000_000 },
      { key: null, value: "tide", timestamp: 1_700_000_000_003, headers: [{ key: "h", value: "v" }] },
    ],
  });
  const dump = [
    "00 00 00 00 00 00 00 00 00 00 00 4e ff ff ff ff",
    "02 af a4 39 11 00 00 00 00 00 01 00 00 01 8b cf",
    "e5 68 00 00 00 01 8b cf e5 68 03 ff ff ff ff ff",
    "ff ff ff ff ff ff ff ff ff 00 00 00 02 1a 00 00",
    "00 04 6b 31 0a 68 65 6c 6c 6f 00 1c 00 06 02 01",
    "08 74 69 64 65 02 02 68 02 76",
  ].join(" ");
  assert.equal(batch.toString("hex").replace(/(..)(?!$)/g, "$1 "), dump);
});

test("records without a timestamp take the batch's default, and the first record sets baseTimestamp", () => {
  const batch = encodeRecordBatch({
    defaultTimestamp: 5_000,
    records: [{ value: "a", timestamp: 7_000 }, { value: "b" }, { value: "c", timestamp: 6_000 }],
  });
  const { header, records } = decodeRecordBatch(batch);
  assert.equal(header.baseTimestamp, 7_000);
  assert.equal(header.maxTimestamp, 7_000);
  assert.deepEqual(
    records.map((r) => r.timestamp),
    [7_000, 5_000, 6_000],
  );
});

test("a log-append-time batch reports maxTimestamp as every record's timestamp", () => {
  const batch = encodeRecordBatch({
    logAppendTime: 99_000,
    records: [
      { value: "a", timestamp: 1 },
      { value: "b", timestamp: 2 },
    ],
  });
  const { header, records } = decodeRecordBatch(batch);
  assert.equal(header.maxTimestamp, 99_000);
  assert.equal(header.baseTimestamp, 1);
  assert.deepEqual(
    records.map((r) => r.timestamp),
    [99_000, 99_000],
  );
});

test("a compacted batch keeps gaps in its offsets and its original lastOffsetDelta", () => {
  const batch = encodeRecordBatch({
    baseOffset: 100,
    lastOffsetDelta: 9,
    defaultTimestamp: 1,
    records: [
      { key: "a", value: "1", offsetDelta: 2 },
      { key: "b", value: null, offsetDelta: 7 },
    ],
  });
  const { header, records } = decodeRecordBatch(batch);
  assert.equal(header.lastOffsetDelta, 9);
  assert.deepEqual(
    records.map((r) => r.offset),
    [102, 107],
  );
  assert.equal(records[1]?.value, null);
});

test("an empty batch (all records compacted away) encodes with no timestamps", () => {
  for (const compression of COMPRESSION_NAMES) {
    const batch = encodeRecordBatch({ records: [], compression, lastOffsetDelta: 4, baseOffset: 10, producerId: 7 });
    const { header, records } = decodeRecordBatch(batch);
    assert.deepEqual(records, []);
    assert.equal(header.recordCount, 0);
    assert.equal(header.lastOffsetDelta, 4);
    assert.equal(header.baseTimestamp, NO_TIMESTAMP);
    assert.equal(header.maxTimestamp, NO_TIMESTAMP);
  }
});

test("string and Buffer inputs with the same bytes encode identically", () => {
  const fromStrings = encodeRecordBatch({
    defaultTimestamp: 1,
    records: [{ key: "clé", value: "välue ✓", headers: [{ key: "h", value: "x" }] }],
  });
  const fromBuffers = encodeRecordBatch({
    defaultTimestamp: 1,
    records: [
      {
        key: Buffer.from("clé"),
        value: Buffer.from("välue ✓"),
        headers: [{ key: "h", value: Buffer.from("x") }],
      },
    ],
  });
  assert.deepEqual(fromStrings, fromBuffers);
});

test("object headers expand in key order with repeated keys in place, as an ordered list would", () => {
  const asObject = encodeRecordBatch({
    defaultTimestamp: 1,
    records: [{ value: "v", headers: { b: "1", a: ["2", "3"], c: Buffer.from("4") } }],
  });
  const asList = encodeRecordBatch({
    defaultTimestamp: 1,
    records: [
      {
        value: "v",
        headers: [
          { key: "b", value: "1" },
          { key: "a", value: "2" },
          { key: "a", value: "3" },
          { key: "c", value: "4" },
        ],
      },
    ],
  });
  assert.deepEqual(asObject, asList);
});

test("the builder's estimated size is the exact uncompressed batch size, record by record", () => {
  fc.assert(
    fc.property(fc.array(recordArb, { minLength: 1, maxLength: 30 }), fc.nat(300), (records, capacity) => {
      const builder = new RecordBatchBuilder({ defaultTimestamp: 1_000, initialCapacityBytes: capacity });
      for (const r of records) builder.append(r);
      const size = builder.estimatedSizeBytes;
      assert.equal(builder.recordCount, records.length);
      assert.equal(builder.build().length, size);
    }),
    { numRuns: 300 },
  );
});

test("hasRoomFor keeps a batch within a byte limit and always admits the first record", () => {
  const limit = 1_000;
  const record: RecordInput = { key: "key", value: Buffer.alloc(90), timestamp: 1_700_000_000_000 };
  const builder = new RecordBatchBuilder({ compression: "lz4" });
  assert.ok(builder.hasRoomFor({ value: Buffer.alloc(5_000) }, limit));
  while (builder.hasRoomFor(record, limit)) builder.append(record);
  assert.ok(builder.estimatedSizeBytes <= limit);
  assert.ok(builder.estimatedSizeBytes > limit - 110);
  const { records } = decodeRecordBatch(builder.build());
  assert.equal(records.length, builder.recordCount);
});

test("a builder is spent after build()", () => {
  const builder = new RecordBatchBuilder();
  builder.append({ value: "x" });
  builder.build();
  assert.throws(() => builder.append({ value: "y" }), /after build/);
  assert.throws(() => builder.build(), /twice/);
});

test("invalid records are refused with INVALID_RECORD or INVALID_TIMESTAMP", () => {
  const code = (fn: () => unknown, name: "INVALID_RECORD" | "INVALID_TIMESTAMP") =>
    assert.throws(fn, (e: unknown) => isTidelogError(e, name));
  code(() => encodeRecordBatch({ records: [{ value: "a", timestamp: 1.5 }] }), "INVALID_TIMESTAMP");
  code(() => encodeRecordBatch({ records: [{ value: "a", timestamp: 2 ** 53 }] }), "INVALID_TIMESTAMP");
  code(
    () =>
      encodeRecordBatch({
        records: [
          { value: "a", timestamp: -(2 ** 52) },
          { value: "b", timestamp: 2 ** 52 },
        ],
      }),
    "INVALID_TIMESTAMP",
  );
  code(
    () =>
      encodeRecordBatch({
        records: [
          { value: "a", offsetDelta: 3 },
          { value: "b", offsetDelta: 3 },
        ],
      }),
    "INVALID_RECORD",
  );
  code(() => encodeRecordBatch({ records: [{ value: 42 as unknown as string }] }), "INVALID_RECORD");
  code(
    () => encodeRecordBatch({ records: [{ value: "a", headers: [{ key: 1 as unknown as string, value: null }] }] }),
    "INVALID_RECORD",
  );
  code(() => encodeRecordBatch({ lastOffsetDelta: 0, records: [{ value: "a" }, { value: "b" }] }), "INVALID_RECORD");
  assert.throws(() => encodeRecordBatch({ records: [], producerEpoch: 40_000 }), RangeError);
  assert.throws(
    () => encodeRecordBatch({ records: [], compression: 6 }),
    (e: unknown) => isTidelogError(e, "UNSUPPORTED_COMPRESSION_TYPE"),
  );
});

test("decodeRecordBatches reads concatenated batches and, when asked, drops a partial last one", () => {
  const batches = [0, 1, 2].map((i) =>
    encodeRecordBatch({
      baseOffset: i * 10,
      compression: COMPRESSION_NAMES[i + 1] as CompressionName,
      defaultTimestamp: 1,
      records: [{ value: `v${i}` }, { value: `w${i}` }],
    }),
  );
  const all = Buffer.concat(batches);
  const decoded = decodeRecordBatches(all);
  assert.deepEqual(
    decoded.flatMap((b) => b.records.map((r) => `${r.offset}:${r.value?.toString()}`)),
    ["0:v0", "1:w0", "10:v1", "11:w1", "20:v2", "21:w2"],
  );
  assert.deepEqual(decodeRecordBatches(Buffer.alloc(0)), []);

  const cut = all.subarray(0, all.length - 7);
  assert.throws(
    () => decodeRecordBatches(cut),
    (e: unknown) => isTidelogError(e, "CORRUPT_MESSAGE"),
  );
  assert.equal(decodeRecordBatches(cut, { allowPartialTail: true }).length, 2);
  const stub = all.subarray(0, (batches[0] as Buffer).length + 5);
  assert.equal(decodeRecordBatches(stub, { allowPartialTail: true }).length, 1);
  // A damaged batch in the middle is still an error, partial tail or not.
  const damaged = Buffer.from(all);
  const at = (batches[0] as Buffer).length + 30;
  damaged[at] = (damaged[at] as number) ^ 0xff;
  assert.throws(
    () => decodeRecordBatches(damaged, { allowPartialTail: true }),
    (e: unknown) => isTidelogError(e, "CORRUPT_MESSAGE"),
  );
});

test("decoding honours maxBatchBytes and maxDecompressedBytes", () => {
  const records = Array.from({ length: 200 }, () => ({ value: Buffer.alloc(100) }));
  const plain = encodeRecordBatch({ records, defaultTimestamp: 1 });
  const zipped = encodeRecordBatch({ records, defaultTimestamp: 1, compression: "zstd" });
  const tooLarge = (e: unknown) => isTidelogError(e, "MESSAGE_TOO_LARGE");
  assert.throws(() => decodeRecordBatch(plain, 0, { maxBatchBytes: plain.length - 1 }), tooLarge);
  assert.equal(decodeRecordBatch(plain, 0, { maxBatchBytes: plain.length }).records.length, 200);
  assert.ok(zipped.length < 1_000);
  assert.throws(() => decodeRecordBatch(zipped, 0, { maxDecompressedBytes: 10_000 }), tooLarge);
  assert.equal(decodeRecordBatch(zipped, 0, { maxDecompressedBytes: plain.length }).records.length, 200);
});

test("decoded keys and values are views into the batch, not copies", () => {
  const batch = encodeRecordBatch({ defaultTimestamp: 1, records: [{ key: "k", value: "value" }] });
  const [record] = decodeRecordBatch(batch).records;
  assert.ok(record?.value);
  assert.equal(record.value.buffer, batch.buffer);
  assert.equal(record.value.byteOffset, batch.byteOffset + batch.length - 6);
});
