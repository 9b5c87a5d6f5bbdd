/**
 * Counts records in a buffer of RecordBatch v2 batches by reading each batch header's
 * `recordCount` (bytes 57..60) and skipping to the next batch by `batchLength` (bytes
 * 8..11). Work is per batch, never per record, so metrics cost nothing on the hot path
 * beyond a few header reads; compressed batches are never decompressed.
 *
 *   [baseOffset 8][batchLength 4][...][recordCount @57 4][records...] [next batch...]
 *
 * A torn tail (a partial batch at the end of a fetch) is ignored.
 */
const LENGTH_OFFSET = 8;
const LOG_OVERHEAD = 12;
const RECORD_COUNT_OFFSET = 57;
const HEADER_BYTES = 61;

export function countRecords(batches: Buffer): number {
  let records = 0;
  let pos = 0;
  while (pos + HEADER_BYTES <= batches.length) {
    const batchLength = batches.readInt32BE(pos + LENGTH_OFFSET);
    if (batchLength <= 0) break;
    records += Math.max(0, batches.readInt32BE(pos + RECORD_COUNT_OFFSET));
    pos += LOG_OVERHEAD + batchLength;
  }
  return records;
}
