/**
 * Encoding and decoding of whole RecordBatch v2 batches: the 61-byte header of
 * batch-header.ts followed by the records of record.ts, compressed as one payload when
 * the batch's compression is not none.
 *
 * Worked example: one record, key "k", value "v", offset 0 at timestamp 1000, no
 * producer id, uncompressed (70 bytes, batchLength 58):
 *
 *   00 00 00 00 00 00 00 00   baseOffset 0
 *   00 00 00 3a               batchLength 58
 *   ff ff ff ff               partitionLeaderEpoch -1
 *   02                        magic 2
 *   xx xx xx xx               crc: CRC32C of everything from attributes on
 *   00 00                     attributes: none, create time, not transactional
 *   00 00 00 00               lastOffsetDelta 0
 *   00 00 00 00 00 00 03 e8   baseTimestamp 1000 (the first record's)
 *   00 00 00 00 00 00 03 e8   maxTimestamp 1000
 *   ff ff ff ff ff ff ff ff   producerId -1
 *   ff ff                     producerEpoch -1
 *   ff ff ff ff               baseSequence -1
 *   00 00 00 01               recordCount 1
 *   10 00 00 00 02 6b 02 76 00   the record (see record.ts)
 *
 * Decoding trusts nothing: the header goes through `validateBatch` (length, magic, CRC,
 * counts), then every record is bounds-checked (varint lengths, record length against
 * the bytes its fields took, key/value/header lengths within the record, offset deltas
 * increasing and within lastOffsetDelta, the record count against the records present,
 * no trailing bytes). Any damage ends in a TidelogError with code CORRUPT_MESSAGE,
 * UNSUPPORTED_COMPRESSION_TYPE or MESSAGE_TOO_LARGE; allocations are bounded by the
 * input size and the decode limits, never by a length field.
 *
 * Decoded keys, values and header values are views into the input (or into the
 * decompressed payload): decoding copies no record bytes.
 *
 * Nothing here keeps state between calls; a RecordBatchBuilder belongs to one caller.
 */

import { constants as bufferConstants } from "node:buffer";
import { TidelogError } from "../errors.js";
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  type BatchHeader,
  COMPRESSION_MASK,
  CONTROL_FLAG,
  type CompressionName,
  CompressionType,
  CRC_OFFSET,
  computeBatchCrc,
  DELETE_HORIZON_FLAG,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG,
  validateBatch,
  writeInt64,
} from "./batch-header.js";
import { type CompressionCodec, compressionCodec } from "./compression.js";
import type { BytesInput, Record, RecordHeader, RecordHeaderInput, RecordHeadersInput, RecordInput } from "./record.js";
import {
  ReadCursor,
  readVarint,
  readVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from "./varint.js";

/** Timestamp of a batch without records (Kafka's RecordBatch.NO_TIMESTAMP). */
export const NO_TIMESTAMP = -1;

/**
 * Largest batch `decodeRecordBatch` accepts unless told otherwise: far above a
 * producer's batch.size, small enough that one hostile length field cannot make a
 * consumer buffer gigabytes.
 */
export const DEFAULT_MAX_BATCH_BYTES = 64 * 1024 * 1024;
/** Largest decompressed records payload accepted unless told otherwise (zip-bomb bound). */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/**
 * The smallest record: length, attributes, timestamp delta, offset delta, key length,
 * value length and header count, one byte each.
 */
const MIN_RECORD_BYTES = 7;
/** The smallest record body (everything after the length varint). */
const MIN_RECORD_BODY_BYTES = MIN_RECORD_BYTES - 1;
/** Each header takes at least its key length and value length varints. */
const MIN_HEADER_BYTES = 2;

// ======================================================================== encoding

export interface RecordBatchOptions {
  /** Default 0; the leader assigns the real one on append. */
  baseOffset?: number;
  /** Default -1; the leader stamps its epoch on append. */
  partitionLeaderEpoch?: number;
  /** Default -1 (not idempotent). */
  producerId?: number;
  /** Default -1. */
  producerEpoch?: number;
  /** Sequence of the first record, default -1. */
  baseSequence?: number;
  transactional?: boolean;
  /** Marks a control batch (transaction markers, see control-record.ts). */
  control?: boolean;
  /** Default "none". */
  compression?: CompressionName | number;
  /**
   * Timestamp for records that carry none. Read once, when the builder is created, from
   * `Date.now()` if not given; a caller with a clock passes its time.
   */
  defaultTimestamp?: number;
  /** Makes a log-append-time batch whose maxTimestamp (and so every record's timestamp) is this. */
  logAppendTime?: number;
  /**
   * lastOffsetDelta to write when it must exceed the last record's offset delta (a
   * compacted batch keeps its original range). Default: the last record's delta.
   */
  lastOffsetDelta?: number;
  /**
   * Marks the batch with a delete horizon (Kafka's KIP-534), as the log cleaner does to a
   * batch holding tombstones: baseTimestamp becomes this time and the DELETE_HORIZON
   * attribute is set; record timestamps stay exact (their deltas are taken from it).
   */
  deleteHorizonMs?: number;
  /** Bytes to reserve for the batch up front; the builder grows past it when needed. */
  initialCapacityBytes?: number;
  /**
   * A buffer to build in instead of allocating one (used when at least
   * initialCapacityBytes long). After build(), `spareBuffer()` says whether it may be
   * reused: a producer recycles its build buffers so small batches do not allocate one each.
   */
  scratch?: Buffer;
}

export interface EncodeRecordBatchInput extends RecordBatchOptions {
  records: readonly RecordInput[];
}

function invalidRecord(detail: string): TidelogError {
  return new TidelogError("INVALID_RECORD", detail);
}

function checkIntOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} ${value} is not an integer in [${min}, ${max}]`);
  }
  return value;
}

/** Byte length of a key, value or header value as written; -1 for null. */
function bytesLength(v: BytesInput | undefined): number {
  if (v === null || v === undefined) return -1;
  if (typeof v === "string") return Buffer.byteLength(v, "utf8");
  if (!(v instanceof Uint8Array)) throw invalidRecord(`key, value and header values must be Buffer, string or null`);
  return v.length;
}

function writeBytes(buf: Buffer, pos: number, v: BytesInput | undefined, length: number): number {
  pos = writeVarint(buf, pos, length);
  if (length <= 0) return pos;
  if (typeof v === "string") buf.write(v, pos, length, "utf8");
  else buf.set(v as Buffer, pos);
  return pos + length;
}

/** Headers as an ordered list, the object form expanded as kafkajs expands it. */
function headerList(headers: RecordHeadersInput): readonly RecordHeaderInput[] {
  if (Array.isArray(headers)) return headers as readonly RecordHeaderInput[];
  const list: RecordHeaderInput[] = [];
  const byKey = headers as { readonly [key: string]: BytesInput | readonly BytesInput[] | undefined };
  for (const key of Object.keys(byKey)) {
    const value = byKey[key];
    if (Array.isArray(value)) for (const v of value as readonly BytesInput[]) list.push({ key, value: v });
    else if (value !== undefined) list.push({ key, value: value as BytesInput });
  }
  return list;
}

function headersSize(list: readonly RecordHeaderInput[]): number {
  let size = sizeOfVarint(list.length);
  for (const h of list) {
    if (typeof h.key !== "string") throw invalidRecord("header keys must be strings");
    const k = Buffer.byteLength(h.key, "utf8");
    const v = bytesLength(h.value);
    size += sizeOfVarint(k) + k + sizeOfVarint(v) + Math.max(v, 0);
  }
  return size;
}

function writeHeaders(buf: Buffer, pos: number, list: readonly RecordHeaderInput[]): number {
  pos = writeVarint(buf, pos, list.length);
  for (const h of list) {
    pos = writeBytes(buf, pos, h.key, Buffer.byteLength(h.key, "utf8"));
    pos = writeBytes(buf, pos, h.value, bytesLength(h.value));
  }
  return pos;
}

/**
 * Builds one batch record by record, for a producer that fills batches up to
 * `batch.size`: `estimatedSizeBytes` is the exact size of the batch so far when
 * uncompressed (compression usually makes it smaller), and `hasRoomFor` says whether one
 * more record keeps it under a limit. Records are written into one growing buffer as
 * they arrive, with room left for the header; `build()` fills in the header (and
 * compresses), after which the builder is spent.
 *
 * Records must be appended in offset order. The first record's timestamp becomes the
 * batch's baseTimestamp; later records are stored as deltas from it (negative deltas
 * are fine).
 *
 * Not safe to share between concurrent producers' batches: one builder, one batch.
 */
export class RecordBatchBuilder {
  private buf: Buffer;
  private pos = BATCH_HEADER_SIZE;
  private count = 0;
  private baseTimestamp = NO_TIMESTAMP;
  private maxTimestamp = NO_TIMESTAMP;
  private lastDelta = -1;
  private built = false;
  /** Whether build() returned a view of `buf` (then `buf` belongs to the batch). */
  private handedOut = false;
  private readonly codec: CompressionCodec;
  private readonly defaultTimestamp: number;
  private readonly baseOffset: number;
  private readonly partitionLeaderEpoch: number;
  private readonly producerId: number;
  private readonly producerEpoch: number;
  private readonly baseSequence: number;
  private readonly attributes: number;
  private readonly logAppendTime: number | undefined;
  private readonly lastOffsetDeltaOverride: number | undefined;
  private readonly deleteHorizonMs: number | undefined;

  constructor(options: RecordBatchOptions = {}) {
    this.codec = compressionCodec(options.compression ?? CompressionType.none);
    this.baseOffset = checkIntOption("baseOffset", options.baseOffset ?? 0, 0, Number.MAX_SAFE_INTEGER);
    this.partitionLeaderEpoch = checkIntOption(
      "partitionLeaderEpoch",
      options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH,
      -1,
      0x7fffffff,
    );
    this.producerId = checkIntOption("producerId", options.producerId ?? NO_PRODUCER_ID, -1, Number.MAX_SAFE_INTEGER);
    this.producerEpoch = checkIntOption("producerEpoch", options.producerEpoch ?? NO_PRODUCER_EPOCH, -1, 0x7fff);
    this.baseSequence = checkIntOption("baseSequence", options.baseSequence ?? NO_SEQUENCE, -1, 0x7fffffff);
    this.logAppendTime = options.logAppendTime;
    if (this.logAppendTime !== undefined) checkTimestamp(this.logAppendTime);
    this.lastOffsetDeltaOverride = options.lastOffsetDelta;
    if (this.lastOffsetDeltaOverride !== undefined) {
      checkIntOption("lastOffsetDelta", this.lastOffsetDeltaOverride, 0, 0x7fffffff);
    }
    this.defaultTimestamp = checkTimestamp(options.defaultTimestamp ?? Date.now());
    this.deleteHorizonMs = options.deleteHorizonMs;
    if (this.deleteHorizonMs !== undefined) this.baseTimestamp = checkTimestamp(this.deleteHorizonMs);
    this.attributes =
      this.codec.id |
      (this.deleteHorizonMs !== undefined ? DELETE_HORIZON_FLAG : 0) |
      (this.logAppendTime !== undefined ? TIMESTAMP_TYPE_MASK : 0) |
      (options.transactional ? TRANSACTIONAL_FLAG : 0) |
      (options.control ? CONTROL_FLAG : 0);
    const capacity = checkIntOption(
      "initialCapacityBytes",
      options.initialCapacityBytes ?? 1024,
      0,
      bufferConstants.MAX_LENGTH,
    );
    const wanted = Math.max(BATCH_HEADER_SIZE, capacity);
    this.buf = options.scratch && options.scratch.length >= wanted ? options.scratch : Buffer.allocUnsafe(wanted);
  }

  /**
   * After build(): the buffer the batch was built in, when the built batch does not use
   * it (it was copied out or compressed), so the caller may reuse it; otherwise null.
   */
  spareBuffer(): Buffer | null {
    return this.built && !this.handedOut ? this.buf : null;
  }

  get recordCount(): number {
    return this.count;
  }

  /** Size of the batch so far, header included, as it would be built uncompressed. */
  get estimatedSizeBytes(): number {
    return this.pos;
  }

  /**
   * Whether `record` fits without taking the batch past `maxBytes`. An empty builder
   * always has room, so that one oversized record still makes a batch of its own (the
   * broker then answers MESSAGE_TOO_LARGE), as Kafka's producer does.
   */
  hasRoomFor(record: RecordInput, maxBytes: number): boolean {
    if (this.count === 0) return true;
    const ts = record.timestamp ?? this.defaultTimestamp;
    const body = this.bodySize(record, ts - this.baseTimestamp, record.offsetDelta ?? this.lastDelta + 1);
    return this.pos + sizeOfVarint(body) + body <= maxBytes;
  }

  /** Appends one record; returns its offset delta. */
  append(record: RecordInput): number {
    if (this.built) throw new Error("RecordBatchBuilder.append after build()");
    const ts = record.timestamp ?? this.defaultTimestamp;
    if (this.count === 0) {
      checkTimestamp(ts);
      if (this.deleteHorizonMs === undefined) this.baseTimestamp = ts;
      this.maxTimestamp = ts;
    } else if (ts !== this.baseTimestamp || ts > this.maxTimestamp) {
      checkTimestamp(ts);
      if (ts > this.maxTimestamp) this.maxTimestamp = ts;
    }
    const timestampDelta = ts - this.baseTimestamp;
    if (!Number.isSafeInteger(timestampDelta)) {
      throw new TidelogError(
        "INVALID_TIMESTAMP",
        `timestamp ${ts} is too far from the batch's first, ${this.baseTimestamp}`,
      );
    }
    const offsetDelta = record.offsetDelta ?? this.lastDelta + 1;
    if (offsetDelta <= this.lastDelta || (offsetDelta | 0) !== offsetDelta) {
      throw invalidRecord(`offset delta ${offsetDelta} does not follow ${this.lastDelta}`);
    }
    const key = record.key;
    const value = record.value;
    const keyLength = bytesLength(key);
    const valueLength = bytesLength(value);
    const headers = record.headers === undefined ? null : headerList(record.headers);
    const body =
      1 +
      sizeOfVarlong(timestampDelta) +
      sizeOfVarint(offsetDelta) +
      sizeOfVarint(keyLength) +
      Math.max(keyLength, 0) +
      sizeOfVarint(valueLength) +
      Math.max(valueLength, 0) +
      (headers === null ? 1 : headersSize(headers));
    const needed = sizeOfVarint(body) + body;
    if (this.pos + needed > this.buf.length) this.grow(needed);

    const buf = this.buf;
    let pos = writeVarint(buf, this.pos, body);
    buf[pos++] = 0; // record attributes: unused
    pos = writeVarlong(buf, pos, timestampDelta);
    pos = writeVarint(buf, pos, offsetDelta);
    pos = writeBytes(buf, pos, key, keyLength);
    pos = writeBytes(buf, pos, value, valueLength);
    if (headers === null) buf[pos++] = 0;
    else pos = writeHeaders(buf, pos, headers);
    this.pos = pos;
    this.count++;
    this.lastDelta = offsetDelta;
    return offsetDelta;
  }

  /** The finished batch. The builder cannot be used afterwards. */
  build(): Buffer {
    if (this.built) throw new Error("RecordBatchBuilder.build called twice");
    this.built = true;
    const lastOffsetDelta = this.lastOffsetDeltaOverride ?? Math.max(0, this.lastDelta);
    if (lastOffsetDelta < this.lastDelta) {
      throw invalidRecord(`lastOffsetDelta ${lastOffsetDelta} is below the last record's delta ${this.lastDelta}`);
    }
    let out: Buffer;
    if (this.codec.id === CompressionType.none) {
      // Hand out the build buffer itself unless it holds much more than the batch.
      this.handedOut = this.buf.length - this.pos <= this.pos >> 3;
      out = this.handedOut ? this.buf.subarray(0, this.pos) : Buffer.from(this.buf.subarray(0, this.pos));
    } else {
      const payload = this.codec.compress(this.buf.subarray(BATCH_HEADER_SIZE, this.pos));
      out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
      payload.copy(out, BATCH_HEADER_SIZE);
    }
    if (out.length - LOG_OVERHEAD > 0x7fffffff) {
      throw new TidelogError("MESSAGE_TOO_LARGE", `batch of ${out.length} bytes does not fit a batch length field`);
    }
    writeInt64(out, BASE_OFFSET_OFFSET, this.baseOffset);
    out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
    out.writeInt32BE(this.partitionLeaderEpoch, PARTITION_LEADER_EPOCH_OFFSET);
    out.writeInt8(MAGIC_V2, MAGIC_OFFSET);
    out.writeInt16BE(this.attributes, ATTRIBUTES_OFFSET);
    out.writeInt32BE(lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
    writeInt64(out, BASE_TIMESTAMP_OFFSET, this.baseTimestamp);
    writeInt64(out, MAX_TIMESTAMP_OFFSET, this.logAppendTime ?? this.maxTimestamp);
    writeInt64(out, PRODUCER_ID_OFFSET, this.producerId);
    out.writeInt16BE(this.producerEpoch, PRODUCER_EPOCH_OFFSET);
    out.writeInt32BE(this.baseSequence, BASE_SEQUENCE_OFFSET);
    out.writeInt32BE(this.count, RECORD_COUNT_OFFSET);
    out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_OFFSET);
    return out;
  }

  private bodySize(record: RecordInput, timestampDelta: number, offsetDelta: number): number {
    const keyLength = bytesLength(record.key);
    const valueLength = bytesLength(record.value);
    return (
      1 +
      sizeOfVarlong(timestampDelta) +
      sizeOfVarint(offsetDelta) +
      sizeOfVarint(keyLength) +
      Math.max(0, keyLength) +
      sizeOfVarint(valueLength) +
      Math.max(0, valueLength) +
      (record.headers === undefined ? 1 : headersSize(headerList(record.headers)))
    );
  }

  private grow(needed: number): void {
    const size = Math.max(this.buf.length * 2, this.pos + needed);
    if (size > bufferConstants.MAX_LENGTH) {
      throw new TidelogError("MESSAGE_TOO_LARGE", `batch would need ${size} bytes`);
    }
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

function checkTimestamp(ts: number): number {
  if (!Number.isSafeInteger(ts)) throw new TidelogError("INVALID_TIMESTAMP", `timestamp ${ts} is not a safe integer`);
  return ts;
}

/**
 * Bytes to reserve for `records`: exact for Buffer keys and values and ASCII strings,
 * assuming a 3-byte timestamp delta; the builder grows if a record needs more.
 */
function capacityFor(records: readonly RecordInput[]): number {
  let size = BATCH_HEADER_SIZE;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as RecordInput;
    const k = approximateLength(r.key);
    const v = approximateLength(r.value);
    const body = 8 + sizeOfVarint(i) + k + sizeOfVarint(k) + v + sizeOfVarint(v) + (r.headers === undefined ? 0 : 64);
    size += body + sizeOfVarint(body);
  }
  return size;
}

function approximateLength(v: BytesInput | undefined): number {
  return typeof v === "string" || v instanceof Uint8Array ? v.length : 0;
}

/** Encodes a complete batch from a list of records. */
export function encodeRecordBatch(input: EncodeRecordBatchInput): Buffer {
  const builder = new RecordBatchBuilder({
    ...input,
    initialCapacityBytes: input.initialCapacityBytes ?? capacityFor(input.records),
  });
  for (const record of input.records) builder.append(record);
  return builder.build();
}

// ======================================================================== decoding

export interface DecodeOptions {
  /** Largest batch accepted, header included (default DEFAULT_MAX_BATCH_BYTES). */
  maxBatchBytes?: number;
  /** Largest decompressed records payload accepted (default DEFAULT_MAX_DECOMPRESSED_BYTES). */
  maxDecompressedBytes?: number;
}

export interface DecodedRecordBatch<R = Record> {
  readonly header: BatchHeader;
  readonly records: R[];
  /** Bytes the batch occupies in the input (batchLength + 12). */
  readonly sizeBytes: number;
}

/**
 * Builds the object a decoded record becomes. A consumer passes its own so each record is
 * allocated once, as the object it hands out, instead of decoded into a Record and copied.
 */
export type RecordFactory<R> = (
  offset: number,
  timestamp: number,
  key: Buffer | null,
  value: Buffer | null,
  headers: readonly RecordHeader[],
) => R;

/** Records without headers share one empty list: most have none, and it saves an allocation each. */
const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

const asRecord: RecordFactory<Record> = (offset, timestamp, key, value, headers) => ({
  offset,
  timestamp,
  key,
  value,
  headers,
});

function corrupt(detail: string): TidelogError {
  return new TidelogError("CORRUPT_MESSAGE", detail);
}

/** Decodes and fully validates the batch at `pos`. */
export function decodeRecordBatch(buf: Buffer, pos = 0, options: DecodeOptions = {}): DecodedRecordBatch {
  return decodeRecordBatchAs(buf, pos, options, asRecord);
}

/** As decodeRecordBatch, with each record built by `make`. */
export function decodeRecordBatchAs<R>(
  buf: Buffer,
  pos: number,
  options: DecodeOptions,
  make: RecordFactory<R>,
): DecodedRecordBatch<R> {
  if (!Number.isInteger(pos) || pos < 0 || pos > buf.length)
    throw new RangeError(`position ${pos} is outside the buffer`);
  const header = validateBatch(buf, pos, buf.length, options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES);
  const sizeBytes = header.batchLength + LOG_OVERHEAD;
  const codecId = header.attributes & COMPRESSION_MASK;
  let data = buf;
  let start = pos + BATCH_HEADER_SIZE;
  let end = pos + sizeBytes;
  if (codecId !== CompressionType.none) {
    data = compressionCodec(codecId).decompress(
      buf.subarray(start, end),
      options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES,
    );
    start = 0;
    end = data.length;
  }
  return { header, records: decodeRecords(data, start, end, header, make), sizeBytes };
}

/**
 * Decodes the records in `data[start, end)`, which must hold exactly
 * `header.recordCount` of them.
 */
function decodeRecords<R>(data: Buffer, start: number, end: number, header: BatchHeader, make: RecordFactory<R>): R[] {
  const count = header.recordCount;
  if (count > (end - start) / MIN_RECORD_BYTES) {
    throw corrupt(`record count ${count} cannot fit in ${end - start} bytes of records`);
  }
  const { baseOffset, baseTimestamp, lastOffsetDelta } = header;
  const logAppendTime = (header.attributes & TIMESTAMP_TYPE_MASK) !== 0 ? header.maxTimestamp : null;
  const records: R[] = [];
  const cursor = new ReadCursor(start);
  let previousDelta = -1;
  for (let i = 0; i < count; i++) {
    const length = readVarint(data, cursor, end);
    const bodyStart = cursor.pos;
    if (length < MIN_RECORD_BODY_BYTES || length > end - bodyStart) {
      throw corrupt(`record ${i} length ${length} does not fit the ${end - bodyStart} bytes left`);
    }
    const recordEnd = bodyStart + length;
    cursor.pos = bodyStart + 1; // attributes: unused by v2, ignored as Kafka does
    const timestampDelta = readVarlong(data, cursor, recordEnd);
    const offsetDelta = readVarint(data, cursor, recordEnd);
    if (offsetDelta <= previousDelta || offsetDelta > lastOffsetDelta) {
      throw corrupt(`record ${i} offset delta ${offsetDelta} is not in (${previousDelta}, ${lastOffsetDelta}]`);
    }
    previousDelta = offsetDelta;
    const key = readBytes(data, cursor, recordEnd, "key");
    const value = readBytes(data, cursor, recordEnd, "value");
    const headerCount = readVarint(data, cursor, recordEnd);
    const headers = headerCount === 0 ? NO_HEADERS : readHeaders(data, cursor, recordEnd, headerCount);
    if (cursor.pos !== recordEnd) {
      throw corrupt(`record ${i} length says ${length} bytes, its fields take ${cursor.pos - bodyStart}`);
    }
    let timestamp: number;
    if (logAppendTime === null) {
      timestamp = baseTimestamp + timestampDelta;
      if (timestamp > Number.MAX_SAFE_INTEGER || timestamp < -Number.MAX_SAFE_INTEGER) {
        throw corrupt(`record ${i} timestamp is outside the safe integer range`);
      }
    } else {
      timestamp = logAppendTime;
    }
    records.push(make(baseOffset + offsetDelta, timestamp, key, value, headers));
  }
  if (cursor.pos !== end) {
    throw corrupt(`${end - cursor.pos} bytes follow the batch's ${count} records`);
  }
  return records;
}

function readBytes(data: Buffer, cursor: ReadCursor, end: number, what: string): Buffer | null {
  const length = readVarint(data, cursor, end);
  const pos = cursor.pos;
  if (length < 0) {
    if (length === -1) return null;
    throw corrupt(`${what} length ${length} at byte ${pos}`);
  }
  if (length > end - pos) throw corrupt(`${what} of ${length} bytes at byte ${pos} runs past its record`);
  cursor.pos = pos + length;
  return data.subarray(pos, pos + length);
}

function readHeaders(data: Buffer, cursor: ReadCursor, end: number, count: number): RecordHeader[] {
  if (count < 0 || count > (end - cursor.pos) / MIN_HEADER_BYTES) {
    throw corrupt(`header count ${count} at byte ${cursor.pos} cannot fit its record`);
  }
  const headers: RecordHeader[] = [];
  for (let i = 0; i < count; i++) {
    const keyLength = readVarint(data, cursor, end);
    const pos = cursor.pos;
    if (keyLength < 0 || keyLength > end - pos) {
      throw corrupt(`header key length ${keyLength} at byte ${pos} does not fit its record`);
    }
    const key = data.toString("utf8", pos, pos + keyLength);
    cursor.pos = pos + keyLength;
    headers.push({ key, value: readBytes(data, cursor, end, "header value") });
  }
  return headers;
}

export interface DecodeBatchesOptions extends DecodeOptions {
  /**
   * Skip an incomplete batch at the end of the buffer instead of failing: a fetch cut at
   * a byte limit can end in part of a batch, which Kafka's consumers drop the same way.
   * Only a batch whose length field runs past the end counts; anything else is corrupt.
   */
  allowPartialTail?: boolean;
}

/** Decodes every batch in a buffer of concatenated batches (a fetch response's records). */
export function decodeRecordBatches(buf: Buffer, options: DecodeBatchesOptions = {}): DecodedRecordBatch[] {
  const batches: DecodedRecordBatch[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (options.allowPartialTail && isPartialTail(buf, pos, options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES)) break;
    const batch = decodeRecordBatch(buf, pos, options);
    batches.push(batch);
    pos += batch.sizeBytes;
  }
  return batches;
}

/** A batch that would be valid-sized but is cut short by the end of the buffer. */
function isPartialTail(buf: Buffer, pos: number, maxBatchBytes: number): boolean {
  const available = buf.length - pos;
  if (available < LOG_OVERHEAD) return true;
  const size = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
  return size >= BATCH_HEADER_SIZE && size <= maxBatchBytes && size > available;
}
