/**
 * `@tidelog/client/record`: Kafka's RecordBatch v2 codec and the error table, shared by
 * the broker (which handles whole batches) and the clients (which encode and decode
 * records). Everything not listed here is internal.
 */
export * from "../errors.js";
export * from "./batch-header.js";
export {
  COMPRESSION_CODECS,
  type CompressionCodec,
  compress,
  compressionCodec,
  decompress,
} from "./compression.js";
export {
  type ControlBatchInput,
  ControlRecordType,
  controlRecordTypeOf,
  type EndTransactionMarker,
  type EndTransactionMarkerType,
  encodeControlBatch,
  encodeEndTransactionMarker,
  endTransactionMarkerOf,
  readEndTransactionMarker,
} from "./control-record.js";
export { crc32c } from "./crc32c.js";
export type {
  BytesInput,
  Record,
  RecordHeader,
  RecordHeaderInput,
  RecordHeadersInput,
  RecordInput,
} from "./record.js";
export {
  DEFAULT_MAX_BATCH_BYTES,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  type DecodeBatchesOptions,
  type DecodedRecordBatch,
  type DecodeOptions,
  decodeRecordBatch,
  decodeRecordBatchAs,
  decodeRecordBatches,
  type EncodeRecordBatchInput,
  encodeRecordBatch,
  NO_TIMESTAMP,
  RecordBatchBuilder,
  type RecordBatchOptions,
  type RecordFactory,
} from "./record-batch.js";
export { firstRecordTimestamp } from "./record-timestamp.js";
export {
  MAX_VARINT_BYTES,
  MAX_VARLONG_BYTES,
  ReadCursor,
  readVarint,
  readVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from "./varint.js";
