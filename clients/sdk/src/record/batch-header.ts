/**
 * The fixed 61-byte header of Kafka's RecordBatch v2 (magic 2), and the checks the
 * broker runs on a whole batch without looking at its records.
 *
 * Layout (big-endian), offsets from the start of the batch:
 *
 *   0  baseOffset            int64   rewritten by the leader on append
 *   8  batchLength           int32   bytes after this field (total size - 12)
 *  12  partitionLeaderEpoch  int32   rewritten by the leader on append
 *  16  magic                 int8    always 2
 *  17  crc                   uint32  CRC32C of bytes [21, end)
 *  21  attributes            int16   compression (bits 0-2), timestamp type (3),
 *                                    transactional (4), control (5), delete horizon (6)
 *  23  lastOffsetDelta       int32
 *  27  baseTimestamp         int64
 *  35  maxTimestamp          int64
 *  43  producerId            int64   -1 when not idempotent
 *  51  producerEpoch         int16
 *  53  baseSequence          int32
 *  57  recordCount           int32
 *  61  records...
 *
 * Because the CRC starts at `attributes`, the broker can assign offsets and stamp the
 * leader epoch by rewriting bytes 0-7 and 12-15 without recomputing it: the hot path
 * never touches a record.
 */

import { TidelogError } from "../errors.js";
import { crc32c } from "./crc32c.js";

export const MAGIC_V2 = 2;
export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORD_COUNT_OFFSET = 57;

export const COMPRESSION_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG = 0x10;
export const CONTROL_FLAG = 0x20;
export const DELETE_HORIZON_FLAG = 0x40;

/** Compression codec ids as stored in the low three attribute bits. */
export const CompressionType = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof CompressionType;
export const COMPRESSION_NAMES: readonly CompressionName[] = ["none", "gzip", "snappy", "lz4", "zstd"];

export const TimestampType = { createTime: 0, logAppendTime: 1 } as const;

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

export interface BatchHeader {
  readonly baseOffset: number;
  readonly batchLength: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  readonly crc: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
}

const TWO_32 = 4294967296;

/**
 * An int64 as a JS number. Offsets, timestamps and producer ids all fit in 53 bits; a
 * value that does not is treated as corruption rather than silently rounded.
 */
export function readInt64(buf: Buffer, pos: number): number {
  const hi = buf.readInt32BE(pos);
  const lo = buf.readUInt32BE(pos + 4);
  if (hi > 0x1fffff || hi < -0x200000) {
    throw new TidelogError("CORRUPT_MESSAGE", `int64 at byte ${pos} is outside the safe integer range`);
  }
  return hi * TWO_32 + lo;
}

export function writeInt64(buf: Buffer, pos: number, value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`int64 value ${value} is not a safe integer`);
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4);
}

/** Total bytes of the batch starting at `pos`, from its length field; -1 if the field is not all there. */
export function batchSizeAt(buf: Buffer, pos: number, end = buf.length): number {
  if (end - pos < LOG_OVERHEAD) return -1;
  return buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
}

export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  return {
    baseOffset: readInt64(buf, pos + BASE_OFFSET_OFFSET),
    batchLength: buf.readInt32BE(pos + BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(pos + MAGIC_OFFSET),
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes: buf.readInt16BE(pos + ATTRIBUTES_OFFSET),
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: readInt64(buf, pos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP_OFFSET),
    producerId: readInt64(buf, pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(pos + RECORD_COUNT_OFFSET),
  };
}

export function lastOffsetOf(header: BatchHeader): number {
  return header.baseOffset + header.lastOffsetDelta;
}

export function compressionOf(attributes: number): number {
  return attributes & COMPRESSION_MASK;
}

export function isControlBatch(attributes: number): boolean {
  return (attributes & CONTROL_FLAG) !== 0;
}

export function isTransactionalBatch(attributes: number): boolean {
  return (attributes & TRANSACTIONAL_FLAG) !== 0;
}

/** The CRC32C the header should carry: over attributes through the end of the batch. */
export function computeBatchCrc(buf: Buffer, pos: number, size: number): number {
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size));
}

/**
 * Checks one batch at `pos` the way the broker must before it stores or serves it:
 * the length field, magic, counts, compression id and CRC. It does not decode records
 * (that is the consumer's work). Throws a TidelogError with a wire code; returns the
 * header and the batch's total size.
 *
 * `maxBytes` bounds a single batch (Kafka's `message.max.bytes`).
 */
export function validateBatch(buf: Buffer, pos: number, end: number, maxBytes: number): BatchHeader {
  const available = end - pos;
  if (available < BATCH_HEADER_SIZE) {
    throw new TidelogError("CORRUPT_MESSAGE", `batch needs ${BATCH_HEADER_SIZE} header bytes, ${available} present`);
  }
  const size = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE) {
    throw new TidelogError("CORRUPT_MESSAGE", `batch length ${size - LOG_OVERHEAD} is smaller than the header`);
  }
  if (size > maxBytes) {
    throw new TidelogError("MESSAGE_TOO_LARGE", `batch of ${size} bytes exceeds the limit of ${maxBytes}`);
  }
  if (size > available) {
    throw new TidelogError("CORRUPT_MESSAGE", `batch of ${size} bytes is truncated to ${available}`);
  }
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic !== MAGIC_V2) {
    throw new TidelogError("CORRUPT_MESSAGE", `batch magic ${magic}; only RecordBatch v2 (magic 2) is supported`);
  }
  const storedCrc = buf.readUInt32BE(pos + CRC_OFFSET);
  const actualCrc = computeBatchCrc(buf, pos, size);
  if (storedCrc !== actualCrc) {
    throw new TidelogError(
      "CORRUPT_MESSAGE",
      `batch CRC mismatch: stored ${storedCrc.toString(16)}, computed ${actualCrc.toString(16)}`,
    );
  }
  const header = readBatchHeader(buf, pos);
  if (header.recordCount < 0 || header.lastOffsetDelta < 0 || header.recordCount > header.lastOffsetDelta + 1) {
    throw new TidelogError(
      "CORRUPT_MESSAGE",
      `record count ${header.recordCount} does not fit last offset delta ${header.lastOffsetDelta}`,
    );
  }
  // Each record takes at least 7 bytes (length, attributes, 3 deltas, key and value lengths, header count).
  if (compressionOf(header.attributes) === CompressionType.none && header.recordCount * 7 > size - BATCH_HEADER_SIZE) {
    throw new TidelogError("CORRUPT_MESSAGE", `record count ${header.recordCount} cannot fit in ${size} bytes`);
  }
  if (compressionOf(header.attributes) > CompressionType.zstd) {
    throw new TidelogError("UNSUPPORTED_COMPRESSION_TYPE", `compression id ${compressionOf(header.attributes)}`);
  }
  if (header.baseOffset < 0) {
    throw new TidelogError("CORRUPT_MESSAGE", `negative base offset ${header.baseOffset}`);
  }
  return header;
}

/** Offsets are assigned by the leader: rewrite baseOffset in place (outside the CRC). */
export function setBaseOffset(buf: Buffer, pos: number, baseOffset: number): void {
  writeInt64(buf, pos + BASE_OFFSET_OFFSET, baseOffset);
}

export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
}
