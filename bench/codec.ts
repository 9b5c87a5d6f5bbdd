/**
 * The record batch codec on one core: records per second through encode and decode of
 * 1000-record batches of 100-byte values (uncompressed, the broker-independent client
 * cost; target 3M records/s each way), and MB/s of batch bytes through each compression
 * codec. Decode includes the full validation (CRC, every record's bounds); MB/s counts
 * uncompressed batch bytes, so codecs compare on the same work.
 */
import {
  COMPRESSION_NAMES,
  type CompressionName,
  decodeRecordBatch,
  encodeRecordBatch,
  type RecordInput,
} from "@tidelog/client/record";
import { type BenchRow, opsPerSecond, row, targetRow } from "./lib/report.js";

const RECORDS_PER_BATCH = 1000;
const VALUE_BYTES = 100;
const TARGET_RECORDS_PER_SECOND = 3_000_000;
const BASE_TIMESTAMP = 1_700_000_000_000;

/** Values that look like small JSON events: compressible, as real payloads are, but not trivially. */
function sampleRecords(): RecordInput[] {
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  return Array.from({ length: RECORDS_PER_BATCH }, (_, i) => {
    const text = `{"user":${next() % 100000},"event":"click","page":"/p/${next() % 500}","ms":${next()}}`;
    const value = Buffer.alloc(VALUE_BYTES, 0x20);
    value.write(text.slice(0, VALUE_BYTES));
    return { key: Buffer.from(`user-${i % 64}`), value, timestamp: BASE_TIMESTAMP + (i >> 3) };
  });
}

function measure(fn: () => number, ms: number): number {
  opsPerSecond(fn, Math.min(200, ms / 4)); // warm up: let the JIT settle first
  return opsPerSecond(fn, ms);
}

export async function codecBench(opts: { quick: boolean }): Promise<BenchRow[]> {
  const recordMs = opts.quick ? 300 : 2000;
  const codecMs = opts.quick ? 120 : 800;
  const records = sampleRecords();
  const rows: BenchRow[] = [];

  const plain = encodeRecordBatch({ records, defaultTimestamp: BASE_TIMESTAMP });
  const encodeRate = measure(() => {
    encodeRecordBatch({ records, defaultTimestamp: BASE_TIMESTAMP });
    return RECORDS_PER_BATCH;
  }, recordMs);
  rows.push(
    targetRow(
      "codec encode, 100 B records, 1000/batch, uncompressed",
      encodeRate,
      "records/s",
      TARGET_RECORDS_PER_SECOND,
    ),
  );
  const decodeRate = measure(() => decodeRecordBatch(plain).records.length, recordMs);
  rows.push(
    targetRow(
      "codec decode, 100 B records, 1000/batch, uncompressed",
      decodeRate,
      "records/s",
      TARGET_RECORDS_PER_SECOND,
      "includes CRC32C and per-record validation; keys and values are views",
    ),
  );

  const megabytes = plain.length / 1e6;
  for (const compression of COMPRESSION_NAMES as readonly CompressionName[]) {
    const packed = encodeRecordBatch({ records, compression, defaultTimestamp: BASE_TIMESTAMP });
    const ratio = `batch ${plain.length} B -> ${packed.length} B (${(plain.length / packed.length).toFixed(2)}x)`;
    const encodeBatches = measure(() => {
      encodeRecordBatch({ records, compression, defaultTimestamp: BASE_TIMESTAMP });
      return 1;
    }, codecMs);
    rows.push(row(`codec encode ${compression}`, encodeBatches * megabytes, "MB/s", { note: ratio }));
    const decodeBatches = measure(() => {
      decodeRecordBatch(packed);
      return 1;
    }, codecMs);
    rows.push(row(`codec decode ${compression}`, decodeBatches * megabytes, "MB/s"));
  }
  return rows;
}
