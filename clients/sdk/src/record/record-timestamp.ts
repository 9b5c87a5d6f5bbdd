/**
 * The timestamp of the first data record at or after an offset, read from whole batches
 * (a fetch answer, a log read): what "lag in seconds" is measured from. A group's lag in
 * time is the age of its oldest unconsumed record, the one at its committed offset, so an
 * operator can page on "five minutes behind" whatever the record rate.
 */
import { isControlBatch } from "./batch-header.js";
import { decodeRecordBatch } from "./record-batch.js";

/** Bytes of a batch's offset and length fields: a shorter rest cannot hold another batch. */
const LENGTH_PREFIX_BYTES = 12;

/**
 * The timestamp of the first non-control record with offset >= `offset` in `batches`, or
 * null if there is none. Batches are decoded one at a time and the search stops at the
 * first match, so a read cut off after it (a size-capped fetch) does not matter.
 */
export function firstRecordTimestamp(batches: Buffer, offset: number): number | null {
  for (let pos = 0; pos + LENGTH_PREFIX_BYTES <= batches.length; ) {
    const batchEnd = pos + LENGTH_PREFIX_BYTES + batches.readInt32BE(pos + 8);
    if (batchEnd > batches.length) return null; // cut off: the caller read too little
    const batch = decodeRecordBatch(batches, pos);
    pos = batchEnd;
    if (isControlBatch(batch.header.attributes)) continue;
    for (const r of batch.records) if (r.offset >= offset) return r.timestamp;
  }
  return null;
}
