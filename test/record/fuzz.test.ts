// Hostile input never gets past the batch decoder as anything but a typed error: random
// buffers, valid batches with flipped bytes, truncations and extensions (with the CRC
// left stale, and re-sealed with a fresh CRC so the record parser itself is attacked),
// and valid headers carrying hostile counts and lengths. Each decode either returns a
// self-consistent batch or throws a TidelogError coded CORRUPT_MESSAGE,
// UNSUPPORTED_COMPRESSION_TYPE or MESSAGE_TOO_LARGE: no RangeError, no hang, no
// allocation sized by a length field.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_NAMES,
  CRC_OFFSET,
  computeBatchCrc,
  type DecodedRecordBatch,
  decodeRecordBatch,
  decodeRecordBatches,
  type ErrorName,
  encodeRecordBatch,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  RECORD_COUNT_OFFSET,
  TidelogError,
  writeVarint,
  writeVarlong,
} from "@tidelog/client/record";
import fc from "fast-check";

const ALLOWED = new Set<ErrorName>(["CORRUPT_MESSAGE", "UNSUPPORTED_COMPRESSION_TYPE", "MESSAGE_TOO_LARGE"]);
const LIMITS = { maxBatchBytes: 1 << 20, maxDecompressedBytes: 1 << 20 };

/** A decode that succeeded must describe a batch that makes sense. */
function assertSane(decoded: DecodedRecordBatch, input: Buffer): void {
  const { header, records } = decoded;
  assert.equal(records.length, header.recordCount);
  assert.ok(decoded.sizeBytes <= input.length);
  let previous = -1;
  for (const r of records) {
    assert.ok(r.offset > header.baseOffset + previous, "offsets increase");
    assert.ok(r.offset <= header.baseOffset + header.lastOffsetDelta, "offset within lastOffsetDelta");
    previous = r.offset - header.baseOffset;
    assert.ok(Number.isSafeInteger(r.timestamp));
    assert.ok(r.key === null || Buffer.isBuffer(r.key));
    assert.ok(r.value === null || Buffer.isBuffer(r.value));
    for (const h of r.headers) {
      assert.equal(typeof h.key, "string");
      assert.ok(h.value === null || Buffer.isBuffer(h.value));
    }
  }
}

/** Decodes `buf`; returns the batch, or null after checking the error is a typed one. */
function decodeOrTypedError(buf: Buffer): DecodedRecordBatch | null {
  try {
    const decoded = decodeRecordBatch(buf, 0, LIMITS);
    assertSane(decoded, buf);
    return decoded;
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    assert.ok(e instanceof TidelogError && ALLOWED.has(e.code), `unexpected error: ${String(e)}`);
    return null;
  }
}

/** Rewrites batchLength to the buffer's size and recomputes the CRC, so only the records are wrong. */
function reseal(buf: Buffer): Buffer {
  if (buf.length < BATCH_HEADER_SIZE) return buf;
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  buf.writeUInt32BE(computeBatchCrc(buf, 0, buf.length), CRC_OFFSET);
  return buf;
}

const samples: Buffer[] = COMPRESSION_NAMES.flatMap((compression) => [
  encodeRecordBatch({
    compression,
    baseOffset: 1000,
    producerId: 77,
    producerEpoch: 2,
    baseSequence: 5,
    defaultTimestamp: 1_700_000_000_000,
    records: Array.from({ length: 8 }, (_, i) => ({
      key: i % 3 === 0 ? null : `key-${i}`,
      value: i % 4 === 0 ? null : Buffer.alloc(i * 7, i),
      timestamp: 1_700_000_000_000 + i * 1000,
      headers: i % 2 === 0 ? [{ key: `h${i}`, value: i % 4 === 0 ? null : "v" }] : undefined,
    })),
  }),
  encodeRecordBatch({ compression, defaultTimestamp: 5, records: [{ value: "x" }] }),
]);
const sampleArb = fc.constantFrom(...samples);

test("random byte buffers decode to typed errors", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      decodeOrTypedError(Buffer.from(bytes));
    }),
    { numRuns: 3000 },
  );
});

test("random records behind a valid, re-sealed header decode to a consistent batch or a typed error", () => {
  fc.assert(
    fc.property(
      sampleArb,
      fc.uint8Array({ maxLength: 200 }),
      fc.integer({ min: -1, max: 5 }),
      (sample, body, count) => {
        const buf = Buffer.concat([sample.subarray(0, BATCH_HEADER_SIZE), Buffer.from(body)]);
        buf.writeInt32BE(count, RECORD_COUNT_OFFSET);
        buf.writeInt32BE(Math.max(count - 1, 0) + 3, LAST_OFFSET_DELTA_OFFSET);
        decodeOrTypedError(reseal(buf));
      },
    ),
    { numRuns: 3000 },
  );
});

test("valid batches with flipped bytes are refused by the CRC, or by the record checks once re-sealed", () => {
  fc.assert(
    fc.property(
      sampleArb,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      (sample, flips, resealed) => {
        const buf = Buffer.from(sample);
        for (const [at, bits] of flips) {
          const i = at % buf.length;
          buf[i] = (buf[i] as number) ^ bits;
        }
        // Bytes 0-15 (base offset, length, leader epoch, magic) are outside the CRC: flips
        // there may leave a valid batch; a change from the CRC field on never may.
        const decoded = decodeOrTypedError(resealed ? reseal(buf) : buf);
        if (decoded && !resealed) {
          assert.ok(
            buf.subarray(CRC_OFFSET).equals(sample.subarray(CRC_OFFSET)),
            "a change past the CRC went unnoticed",
          );
        }
      },
    ),
    { numRuns: 4000 },
  );
});

test("truncated batches decode to typed errors; extended ones to the original or a typed error", () => {
  fc.assert(
    fc.property(
      sampleArb,
      fc.nat(),
      fc.uint8Array({ minLength: 1, maxLength: 40 }),
      fc.boolean(),
      (sample, cut, extra, resealed) => {
        const truncated = Buffer.from(sample.subarray(0, cut % sample.length));
        assert.equal(decodeOrTypedError(resealed ? reseal(truncated) : truncated), null);

        const original = decodeRecordBatch(sample);
        const extended = Buffer.concat([sample, Buffer.from(extra)]);
        if (resealed) {
          // The extra bytes now sit inside the batch, after the records (or after the
          // compressed payload, where an empty xerial block, say, is legitimately nothing).
          const decoded = decodeOrTypedError(reseal(extended));
          if (decoded) assert.deepEqual(decoded.records, original.records);
        } else {
          // Bytes after a batch are the next batch's business: this one still decodes.
          assert.deepEqual(decodeOrTypedError(extended), original);
          assert.throws(() => decodeRecordBatches(extended), TidelogError);
        }
      },
    ),
    { numRuns: 2000 },
  );
});

type Field = { kind: "varint"; value: number } | { kind: "varlong"; value: number } | { kind: "raw"; bytes: Buffer };

const fieldBytesArb = fc.oneof(
  fc.constant(null),
  fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)),
);

/** The fields of a well-formed record body (everything after its length). */
const recordFieldsArb: fc.Arbitrary<Field[]> = fc
  .record({
    attributes: fc.oneof(fc.constant(0), fc.nat(255)),
    timestampDelta: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 })),
    key: fieldBytesArb,
    value: fieldBytesArb,
    headers: fc.array(fc.tuple(fc.string({ maxLength: 4 }), fieldBytesArb), { maxLength: 3 }),
  })
  .map((r) => {
    const bytesField = (b: Buffer | null): Field[] =>
      b === null
        ? [{ kind: "varint", value: -1 }]
        : [
            { kind: "varint", value: b.length },
            { kind: "raw", bytes: b },
          ];
    return [
      { kind: "raw", bytes: Buffer.from([r.attributes]) },
      { kind: "varlong", value: r.timestampDelta },
      { kind: "varint", value: 0 }, // offset delta, filled in by position
      ...bytesField(r.key),
      ...bytesField(r.value),
      { kind: "varint", value: r.headers.length },
      ...r.headers.flatMap(([k, v]) => [...bytesField(Buffer.from(k)), ...bytesField(v)]),
    ];
  });

function serialize(fields: readonly Field[]): Buffer {
  const out = Buffer.alloc(
    fields.length * 12 + fields.reduce((n, f) => n + (f.kind === "raw" ? f.bytes.length : 0), 0),
  );
  let pos = 0;
  for (const f of fields) {
    if (f.kind === "varint") pos = writeVarint(out, pos, f.value);
    else if (f.kind === "varlong") pos = writeVarlong(out, pos, f.value);
    else pos += f.bytes.copy(out, pos);
  }
  return out.subarray(0, pos);
}

/** One change that makes a record hostile: a field's value, its length prefix, or its bytes. */
const damageArb = fc.oneof(
  fc.record({
    kind: fc.constant("field" as const),
    at: fc.nat(),
    value: fc.oneof(fc.integer({ min: -3, max: 300 }), fc.integer()),
  }),
  fc.record({ kind: fc.constant("length" as const), value: fc.oneof(fc.integer({ min: -3, max: 300 }), fc.integer()) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), byte: fc.nat(255) }),
);

test("well-formed records with one or two fields made hostile decode to a consistent batch or a typed error", () => {
  let decoded = 0;
  fc.assert(
    fc.property(
      fc.array(recordFieldsArb, { minLength: 1, maxLength: 5 }),
      fc.array(fc.tuple(fc.nat(4), damageArb), { maxLength: 2 }),
      fc.integer({ min: -1, max: 1 }),
      (records, damages, countSkew) => {
        const parts = records.map((fields, i) => {
          const body = fields.map((f, j) => (j === 2 ? { kind: "varint" as const, value: i } : f));
          let length: number | null = null;
          let bytes: Buffer | null = null;
          for (const [which, d] of damages) {
            if (which % records.length !== i) continue;
            if (d.kind === "field") {
              const varints = body.flatMap((f, j) => (f.kind === "raw" ? [] : [j]));
              const j = varints[d.at % varints.length] as number;
              body[j] =
                body[j]?.kind === "varlong"
                  ? { kind: "varlong", value: d.value }
                  : { kind: "varint", value: d.value | 0 };
            } else if (d.kind === "length") {
              length = d.value | 0;
            }
          }
          bytes = serialize(body);
          for (const [which, d] of damages) {
            if (which % records.length !== i) continue;
            if (d.kind === "cut" && bytes.length > 0) {
              const at = d.at % bytes.length;
              bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
            } else if (d.kind === "insert") {
              const at = d.at % (bytes.length + 1);
              bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([d.byte]), bytes.subarray(at)]);
            }
          }
          return Buffer.concat([serialize([{ kind: "varint", value: length ?? bytes.length }]), bytes]);
        });
        const count = records.length + countSkew;
        const batch = craft(Buffer.concat(parts), count, Math.max(records.length, count) - 1 + (countSkew < 0 ? 1 : 0));
        if (decodeOrTypedError(batch) !== null) decoded++;
      },
    ),
    { numRuns: 4000 },
  );
  // Most runs are damaged, but the undamaged ones must have decoded.
  assert.ok(decoded > 200, `only ${decoded} runs decoded`);
});

/** A one-batch buffer from a valid header and hand-written record bytes. */
function craft(records: Buffer, count: number, lastOffsetDelta = Math.max(0, count - 1)): Buffer {
  const header = Buffer.from((samples[0] as Buffer).subarray(0, BATCH_HEADER_SIZE));
  header.writeInt16BE(0, ATTRIBUTES_OFFSET);
  header.writeInt32BE(count, RECORD_COUNT_OFFSET);
  header.writeInt32BE(lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
  return reseal(Buffer.concat([header, records]));
}

/** Record bytes from a list of fields: numbers are varints, [n] is a varlong, Buffers are copied. */
function bytes(...fields: (number | [number] | Buffer)[]): Buffer {
  const out = Buffer.alloc(4096);
  let pos = 0;
  for (const f of fields) {
    if (typeof f === "number") pos = writeVarint(out, pos, f);
    else if (Array.isArray(f)) pos = writeVarlong(out, pos, f[0]);
    else pos += f.copy(out, pos);
  }
  return out.subarray(0, pos);
}

/** A well-formed record: length, attributes 0, deltas, key, value, no headers. */
function record(offsetDelta: number, key: string, value: string): Buffer {
  const body = bytes(
    Buffer.from([0]),
    [0],
    offsetDelta,
    key.length,
    Buffer.from(key),
    value.length,
    Buffer.from(value),
    0,
  );
  return Buffer.concat([bytes(body.length), body]);
}

test("hostile counts and lengths in an otherwise valid batch are CORRUPT_MESSAGE, quickly and without large allocations", () => {
  const before = process.memoryUsage();
  const good = record(0, "k", "v");
  const zero = Buffer.from([0]);
  const hostile: [string, Buffer][] = [
    ["recordCount 2^31-1", craft(good, 2 ** 31 - 1)],
    ["recordCount -1", craft(good, -1, 0)],
    ["recordCount 2 with one record", craft(good, 2)],
    ["recordCount 0 with one record", craft(good, 0)],
    ["key length 2^30", craft(bytes(20, zero, [0], 0, 2 ** 30, Buffer.alloc(15)), 1)],
    ["value length 2^30", craft(bytes(20, zero, [0], 0, -1, 2 ** 30, Buffer.alloc(14)), 1)],
    ["key length -2", craft(bytes(6, zero, [0], 0, -2, -1, 0), 1)],
    ["record length 2^31-1", craft(bytes(2 ** 31 - 1, zero, [0], 0, -1, -1, 0), 1)],
    ["record length -1", craft(bytes(-1, zero, [0], 0, -1, -1, 0), 1)],
    ["record length too short for its fields", craft(bytes(5, zero, [0], 0, -1, -1, 0, 0), 1)],
    ["record length longer than its fields", craft(bytes(8, zero, [0], 0, -1, -1, 0, 0, 0), 1)],
    ["header count 2^31-1", craft(bytes(6, zero, [0], 0, -1, -1, 2 ** 31 - 1), 1)],
    ["header count -1", craft(bytes(6, zero, [0], 0, -1, -1, -1), 1)],
    ["header key length 2^30", craft(bytes(12, zero, [0], 0, -1, -1, 1, 2 ** 30, Buffer.alloc(2)), 1)],
    ["header key length -1", craft(bytes(8, zero, [0], 0, -1, -1, 1, -1, -1), 1)],
    [
      "header value length 2^30",
      craft(bytes(13, zero, [0], 0, -1, -1, 1, 1, Buffer.from("h"), 2 ** 30, Buffer.alloc(1)), 1),
    ],
    ["offset delta beyond lastOffsetDelta", craft(record(5, "k", "v"), 1, 3)],
    ["offset deltas out of order", craft(Buffer.concat([record(1, "a", "b"), record(0, "c", "d")]), 2, 1)],
    ["repeated offset delta", craft(Buffer.concat([record(0, "a", "b"), record(0, "c", "d")]), 2, 1)],
    ["varint of 6 bytes", craft(Buffer.concat([Buffer.from("ffffffffff01", "hex"), Buffer.alloc(10)]), 1)],
    [
      "timestamp delta beyond 2^53",
      craft(bytes(14, zero, Buffer.from("80808080808080808001", "hex"), 0, -1, -1, 0), 1),
    ],
    ["trailing bytes after the records", craft(Buffer.concat([good, Buffer.alloc(9)]), 1)],
    ["lastOffsetDelta below recordCount", craft(Buffer.concat([good, record(1, "a", "b")]), 2, 0)],
    ["lastOffsetDelta negative", craft(good, 1, -1)],
  ];
  for (const [name, buf] of hostile) {
    const started = process.hrtime.bigint();
    assert.throws(
      () => decodeRecordBatch(buf, 0, LIMITS),
      (e: unknown) => e instanceof TidelogError && e.code === "CORRUPT_MESSAGE",
      name,
    );
    assert.ok(Number(process.hrtime.bigint() - started) < 50e6, `${name} took too long`);
  }
  const after = process.memoryUsage();
  assert.ok(after.arrayBuffers - before.arrayBuffers < 32 << 20, "no large buffer was allocated");
});

test("hostile batch lengths and compression ids are refused by the header checks", () => {
  const sample = samples[0] as Buffer;
  const withLength = (length: number) => {
    const buf = Buffer.from(sample);
    buf.writeInt32BE(length, BATCH_LENGTH_OFFSET);
    return buf;
  };
  const code = (buf: Buffer) => {
    try {
      decodeRecordBatch(buf, 0, LIMITS);
      return "decoded";
    } catch (e) {
      return e instanceof TidelogError ? e.code : String(e);
    }
  };
  assert.equal(code(withLength(2 ** 31 - 1)), "MESSAGE_TOO_LARGE");
  assert.equal(code(withLength(-(2 ** 31))), "CORRUPT_MESSAGE");
  assert.equal(code(withLength(0)), "CORRUPT_MESSAGE");
  assert.equal(code(withLength(sample.length)), "CORRUPT_MESSAGE");
  for (const id of [5, 6, 7]) {
    const buf = Buffer.from(sample);
    buf.writeInt16BE(id, ATTRIBUTES_OFFSET);
    assert.equal(code(reseal(buf)), "UNSUPPORTED_COMPRESSION_TYPE");
  }
});

test("a hostile count or a bomb inside a compressed batch is refused after bounded decompression", () => {
  for (const compression of COMPRESSION_NAMES.filter((c) => c !== "none")) {
    const bomb = encodeRecordBatch({
      compression,
      defaultTimestamp: 1,
      records: Array.from({ length: 40 }, () => ({ value: Buffer.alloc(50_000) })),
    });
    assert.ok(bomb.length < 200_000, `${compression} bomb is small`);
    assert.throws(
      () => decodeRecordBatch(bomb, 0, LIMITS),
      (e: unknown) => e instanceof TidelogError && e.code === "MESSAGE_TOO_LARGE",
      compression,
    );
    const small = Buffer.from(samples[COMPRESSION_NAMES.indexOf(compression) * 2] as Buffer);
    small.writeInt32BE(2 ** 31 - 1, RECORD_COUNT_OFFSET);
    small.writeInt32BE(2 ** 31 - 1, LAST_OFFSET_DELTA_OFFSET);
    assert.throws(
      () => decodeRecordBatch(reseal(small), 0, LIMITS),
      (e: unknown) => e instanceof TidelogError && e.code === "CORRUPT_MESSAGE",
      compression,
    );
  }
});
