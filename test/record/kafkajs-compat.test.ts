// Compatibility with kafkajs 2.2, an independent RecordBatch v2 implementation: for
// the same input (timestamps, producer id/epoch/sequence, attributes) tidelog's encoder
// writes the very bytes kafkajs writes, uncompressed and gzip; tidelog decodes what
// kafkajs encodes; and kafkajs decodes what tidelog encodes, field by field.
// (kafkajs has no snappy, lz4 or zstd codec of its own; compression.test.ts checks
// those frames against other independent tools.)
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type CompressionName,
  decodeRecordBatch,
  encodeRecordBatch,
  type Record,
  type RecordHeader,
} from "@tidelog/client/record";
import fc from "fast-check";
import {
  KafkaCompression,
  type KafkaDecodedBatch,
  type KafkaHeaders,
  kafkaDecodeBatch,
  kafkaLong,
  kafkaRecord,
  kafkaRecordBatch,
} from "./kafkajs-internals.js";

/** One input, expressed so that both clients can encode it. */
interface CompatRecord {
  key: Buffer | string | null;
  value: Buffer | string | null;
  timestamp: number;
  offsetDelta: number;
  headers: KafkaHeaders;
}

interface CompatBatch {
  records: CompatRecord[];
  baseOffset: number;
  partitionLeaderEpoch: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
  /** Only for compacted batches: above the last record's offset delta. */
  extraOffsetRange: number;
}

type CompatCompression = Extract<CompressionName, "none" | "gzip">;

function encodeWithTidelog(input: CompatBatch, compression: CompatCompression, logAppendTime?: number): Buffer {
  const last = input.records[input.records.length - 1] as CompatRecord;
  return encodeRecordBatch({
    compression,
    baseOffset: input.baseOffset,
    partitionLeaderEpoch: input.partitionLeaderEpoch,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseSequence: input.baseSequence,
    transactional: input.transactional,
    lastOffsetDelta: last.offsetDelta + input.extraOffsetRange,
    ...(logAppendTime === undefined ? {} : { logAppendTime }),
    records: input.records.map((r) => ({
      key: r.key,
      value: r.value,
      timestamp: r.timestamp,
      offsetDelta: r.offsetDelta,
      headers: r.headers,
    })),
  });
}

/** kafkajs's RecordBatch with Kafka's rule for the base timestamp: the first record's. */
function encodeWithKafkajs(input: CompatBatch, compression: CompatCompression): Promise<Buffer> {
  const first = input.records[0] as CompatRecord;
  const last = input.records[input.records.length - 1] as CompatRecord;
  return kafkaRecordBatch({
    compression: KafkaCompression[compression],
    firstOffset: kafkaLong(input.baseOffset),
    firstTimestamp: first.timestamp,
    maxTimestamp: Math.max(...input.records.map((r) => r.timestamp)),
    partitionLeaderEpoch: input.partitionLeaderEpoch,
    lastOffsetDelta: last.offsetDelta + input.extraOffsetRange,
    transactional: input.transactional,
    producerId: kafkaLong(input.producerId),
    producerEpoch: input.producerEpoch,
    firstSequence: input.baseSequence,
    records: input.records.map((r) =>
      kafkaRecord({
        offsetDelta: r.offsetDelta,
        timestampDelta: r.timestamp - first.timestamp,
        key: r.key,
        value: r.value,
        headers: r.headers,
      }),
    ),
  });
}

function asBuffer(v: Buffer | string | null): Buffer | null {
  return v === null ? null : typeof v === "string" ? Buffer.from(v) : v;
}

function headerList(headers: KafkaHeaders): RecordHeader[] {
  return Object.keys(headers).flatMap((key) => {
    const v = headers[key] as Buffer | string | (Buffer | string)[];
    return (Array.isArray(v) ? v : [v]).map((one) => ({ key, value: asBuffer(one) }));
  });
}

function expectedRecords(input: CompatBatch): Record[] {
  return input.records.map((r) => ({
    offset: input.baseOffset + r.offsetDelta,
    timestamp: r.timestamp,
    key: asBuffer(r.key),
    value: asBuffer(r.value),
    headers: headerList(r.headers),
  }));
}

/** kafkajs's view of our headers: an object, repeated keys as arrays. */
function kafkajsHeaders(list: readonly RecordHeader[]): { [key: string]: Buffer | null | (Buffer | null)[] } {
  const out: { [key: string]: Buffer | null | (Buffer | null)[] } = {};
  for (const { key, value } of list) {
    const seen = out[key];
    out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

function assertKafkajsSees(decoded: KafkaDecodedBatch, input: CompatBatch, logAppendTime?: number): void {
  const first = input.records[0] as CompatRecord;
  const last = input.records[input.records.length - 1] as CompatRecord;
  const maxTimestamp = logAppendTime ?? Math.max(...input.records.map((r) => r.timestamp));
  assert.equal(decoded.firstOffset, String(input.baseOffset));
  assert.equal(decoded.firstTimestamp, String(first.timestamp));
  assert.equal(decoded.maxTimestamp, String(maxTimestamp));
  assert.equal(decoded.partitionLeaderEpoch, input.partitionLeaderEpoch);
  assert.equal(decoded.producerId, String(input.producerId));
  assert.equal(decoded.producerEpoch, input.producerEpoch);
  assert.equal(decoded.firstSequence, input.baseSequence);
  assert.equal(decoded.inTransaction, input.transactional);
  assert.equal(decoded.isControlBatch, false);
  assert.equal(decoded.lastOffsetDelta, last.offsetDelta + input.extraOffsetRange);
  assert.equal(decoded.timestampType, logAppendTime === undefined ? 0 : 1);
  assert.deepStrictEqual(
    decoded.records.map((r) => ({
      offset: r.offset,
      timestamp: r.timestamp,
      key: r.key,
      value: r.value,
      headers: r.headers,
    })),
    expectedRecords(input).map((r) => ({
      offset: String(r.offset),
      timestamp: String(logAppendTime ?? r.timestamp),
      key: r.key,
      value: r.value,
      headers: kafkajsHeaders(r.headers),
    })),
  );
}

// kafkajs cannot write a null header value (it measures it with Buffer.byteLength), so
// header values here are never null.
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 60 }).map((a) => Buffer.from(a)),
  fc.string({ unit: "binary", maxLength: 20 }),
);

const headersArb: fc.Arbitrary<KafkaHeaders> = fc.dictionary(
  fc.string({ unit: "binary", minLength: 0, maxLength: 8 }),
  fc.oneof(bytesArb, fc.array(bytesArb, { minLength: 1, maxLength: 3 })),
  { maxKeys: 3 },
);

const recordsArb: fc.Arbitrary<CompatRecord[]> = fc
  .array(
    fc.record({
      key: fc.oneof(fc.constant(null), bytesArb),
      value: fc.oneof(fc.constant(null), bytesArb),
      timestamp: fc.oneof(
        fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
        fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
      ),
      gap: fc.oneof(fc.constant(0), fc.nat(3), fc.nat(100_000)),
      headers: fc.oneof(fc.constant({}), headersArb),
    }),
    { minLength: 1, maxLength: 20 },
  )
  .map((rs) => {
    let delta = -1;
    return rs.map(({ gap, ...r }) => {
      delta += 1 + gap;
      return { ...r, offsetDelta: delta };
    });
  });

const batchArb: fc.Arbitrary<CompatBatch> = fc.record({
  records: recordsArb,
  baseOffset: fc.oneof(fc.nat(1000), fc.integer({ min: 0, max: 2 ** 52 })),
  partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  producerId: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
  producerEpoch: fc.integer({ min: -1, max: 32767 }),
  baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  transactional: fc.boolean(),
  extraOffsetRange: fc.oneof(fc.constant(0), fc.nat(50)),
});

const COMPRESSIONS: CompatCompression[] = ["none", "gzip"];

for (const compression of COMPRESSIONS) {
  test(`${compression}: tidelog writes byte for byte what kafkajs writes for the same input`, async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, async (input) => {
        const ours = encodeWithTidelog(input, compression);
        const theirs = await encodeWithKafkajs(input, compression);
        assert.equal(ours.toString("hex"), theirs.toString("hex"));
      }),
      { numRuns: 300 },
    );
  });

  test(`${compression}: tidelog decodes kafkajs's batches to the input`, async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, async (input) => {
        const decoded = decodeRecordBatch(await encodeWithKafkajs(input, compression));
        assert.deepStrictEqual(decoded.records, expectedRecords(input));
        assert.equal(decoded.header.producerId, input.producerId);
        assert.equal(decoded.header.baseSequence, input.baseSequence);
      }),
      { numRuns: 300 },
    );
  });

  test(`${compression}: kafkajs decodes tidelog's batches to the input`, async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, fc.option(fc.integer({ min: 0, max: 2 ** 45 })), async (input, appendTime) => {
        const logAppendTime = appendTime ?? undefined;
        const decoded = await kafkaDecodeBatch(encodeWithTidelog(input, compression, logAppendTime));
        assertKafkajsSees(decoded, input, logAppendTime);
      }),
      { numRuns: 300 },
    );
  });
}

test("a kafkajs producer-shaped batch of 1000 records of 100 bytes is byte-identical", async () => {
  const records = Array.from(
    { length: 1000 },
    (_, i): CompatRecord => ({
      key: `key-${i}`,
      value: Buffer.alloc(100, i % 256),
      timestamp: 1_700_000_000_000 + Math.floor(i / 7),
      offsetDelta: i,
      headers: i % 10 === 0 ? { trace: `t-${i}` } : {},
    }),
  );
  const input: CompatBatch = {
    records,
    baseOffset: 0,
    partitionLeaderEpoch: 0,
    producerId: 4242,
    producerEpoch: 3,
    baseSequence: 17,
    transactional: true,
    extraOffsetRange: 0,
  };
  for (const compression of COMPRESSIONS) {
    assert.deepEqual(encodeWithTidelog(input, compression), await encodeWithKafkajs(input, compression), compression);
  }
});
