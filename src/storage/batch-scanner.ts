/**
 * Walks the record batches of a segment file by their headers, with chunked positional
 * reads, so finding a batch costs one read per chunk rather than one per batch.
 *
 * Two modes: `scanHeaders` trusts the file (it is used below the recovery point, where
 * the log was validated when written) and reads only headers; `scanValid` checks every
 * batch completely (length, magic, CRC, offsets moving forward) and stops at the first
 * that fails: recovery truncates there.
 */
import { readSync } from "node:fs";
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  isTidelogError,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  readInt64,
  type TidelogError,
  validateBatch,
} from "@tidelog/client/record";

/** What a scan tells about one batch; the object is reused between callbacks. */
export interface ScannedBatch {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  partitionLeaderEpoch: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  attributes: number;
  /**
   * For scanHeaders only: the chunk holding the batch and where the batch starts in it,
   * when the whole batch was read with its header (else null), so a visitor that needs a
   * small batch's records (a transaction marker) need not read it again. Valid only
   * during the callback.
   */
  chunk: Buffer | null;
  chunkAt: number;
}

function emptyBatch(): ScannedBatch {
  return {
    position: 0,
    size: 0,
    baseOffset: 0,
    lastOffset: 0,
    maxTimestamp: 0,
    partitionLeaderEpoch: -1,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    attributes: 0,
    chunk: null,
    chunkAt: 0,
  };
}

/** Bytes read per step while scanning a segment's batches (recovery, index rebuilds). */
const CHUNK_BYTES = 64 * 1024;

function readFully(fd: number, buf: Buffer, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * Calls `visit` for each batch header in [start, end) until it returns false, reading
 * `chunkBytes` at a time (small when one header is wanted, large for a long walk). Stops
 * quietly at a header that does not fit before `end` (a torn tail, which only recovery
 * repairs).
 */
export function scanHeaders(
  fd: number,
  start: number,
  end: number,
  visit: (batch: ScannedBatch) => boolean,
  chunkBytes = CHUNK_BYTES,
): void {
  const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(end - start, BATCH_HEADER_SIZE)));
  const batch = emptyBatch();
  let chunkStart = 0;
  let chunkLength = 0;
  let pos = start;
  while (pos + BATCH_HEADER_SIZE <= end) {
    if (pos < chunkStart || pos + BATCH_HEADER_SIZE > chunkStart + chunkLength) {
      chunkStart = pos;
      chunkLength = readFully(fd, chunk, Math.min(chunk.length, end - pos), pos);
      if (chunkLength < BATCH_HEADER_SIZE) return;
    }
    const at = pos - chunkStart;
    batch.position = pos;
    batch.size = chunk.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
    if (batch.size < BATCH_HEADER_SIZE || pos + batch.size > end) return;
    batch.baseOffset = readInt64(chunk, at + BASE_OFFSET_OFFSET);
    batch.lastOffset = batch.baseOffset + chunk.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET);
    batch.maxTimestamp = readInt64(chunk, at + MAX_TIMESTAMP_OFFSET);
    batch.partitionLeaderEpoch = chunk.readInt32BE(at + PARTITION_LEADER_EPOCH_OFFSET);
    batch.producerId = readInt64(chunk, at + PRODUCER_ID_OFFSET);
    batch.producerEpoch = chunk.readInt16BE(at + PRODUCER_EPOCH_OFFSET);
    batch.baseSequence = chunk.readInt32BE(at + BASE_SEQUENCE_OFFSET);
    batch.attributes = chunk.readInt16BE(at + ATTRIBUTES_OFFSET);
    const whole = at + batch.size <= chunkLength;
    batch.chunk = whole ? chunk : null;
    batch.chunkAt = whole ? at : 0;
    if (!visit(batch)) return;
    pos += batch.size;
  }
}

export interface ValidScan {
  /** Bytes from `start` covered by valid batches. */
  readonly validBytes: number;
  /** Why the scan stopped before `end`, or null when every byte was valid. */
  readonly stoppedBy: TidelogError | string | null;
}

/**
 * Validates batches in [start, end) in full and calls `visit` for each valid one, in
 * order. Stops at the first batch that is torn, fails its checks, is larger than
 * `maxBatchBytes`, or does not move offsets forward from `nextOffset`. With
 * `contiguous` (any log that is not compacted), each batch must start exactly where the
 * previous one ended: baseOffset is outside the CRC, and this is what catches a damaged
 * one.
 */
export function scanValid(
  fd: number,
  start: number,
  end: number,
  nextOffset: number,
  maxBatchBytes: number,
  contiguous: boolean,
  visit: (batch: ScannedBatch) => void,
): ValidScan {
  let chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(end - start, BATCH_HEADER_SIZE)));
  let chunkStart = 0;
  let chunkLength = 0;
  // Makes [pos, pos + n) available in `chunk`; false when the file ends first.
  const ensure = (pos: number, n: number): boolean => {
    if (pos >= chunkStart && pos + n <= chunkStart + chunkLength) return true;
    if (chunk.length < n) chunk = Buffer.allocUnsafe(n);
    chunkStart = pos;
    chunkLength = readFully(fd, chunk, Math.min(chunk.length, end - pos), pos);
    return chunkLength >= n;
  };
  const batch = emptyBatch();
  let pos = start;
  let expected = nextOffset;
  while (pos < end) {
    if (!ensure(pos, LOG_OVERHEAD)) return { validBytes: pos - start, stoppedBy: "torn batch length" };
    const size = chunk.readInt32BE(pos - chunkStart + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || size > maxBatchBytes || pos + size > end) {
      return { validBytes: pos - start, stoppedBy: `batch at byte ${pos} claims ${size} bytes` };
    }
    if (!ensure(pos, size)) return { validBytes: pos - start, stoppedBy: "short read" };
    const at = pos - chunkStart;
    try {
      const header = validateBatch(chunk, at, at + size, maxBatchBytes);
      if (header.baseOffset < expected || (contiguous && header.baseOffset !== expected)) {
        return {
          validBytes: pos - start,
          stoppedBy: `batch offset ${header.baseOffset} where ${expected} was expected`,
        };
      }
      batch.position = pos;
      batch.size = size;
      batch.baseOffset = header.baseOffset;
      batch.lastOffset = header.baseOffset + header.lastOffsetDelta;
      batch.maxTimestamp = header.maxTimestamp;
      batch.partitionLeaderEpoch = header.partitionLeaderEpoch;
      batch.producerId = header.producerId;
      batch.producerEpoch = header.producerEpoch;
      batch.baseSequence = header.baseSequence;
    } catch (e) {
      if (isTidelogError(e)) return { validBytes: pos - start, stoppedBy: e };
      throw e;
    }
    visit(batch);
    expected = batch.lastOffset + 1;
    pos += size;
  }
  return { validBytes: pos - start, stoppedBy: null };
}

export { readFully };
