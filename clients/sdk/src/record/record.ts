/**
 * The record types of the RecordBatch v2 codec: what a decoder hands out (`Record`) and
 * what an encoder takes (`RecordInput`).
 *
 * On the wire each record inside a batch is (varints are zigzag, see varint.ts):
 *
 *   length          varint   bytes after this field
 *   attributes      int8     unused, always 0
 *   timestampDelta  varlong  timestamp - batch baseTimestamp
 *   offsetDelta     varint   offset - batch baseOffset
 *   keyLength       varint   -1 for a null key
 *   key             bytes
 *   valueLength     varint   -1 for a null value (a tombstone)
 *   value           bytes
 *   headerCount     varint
 *   headers         [keyLength varint, key UTF-8, valueLength varint (-1 null), value]
 *
 * Worked example: key "k", value "v", no headers, offset delta 0, timestamp delta 0:
 *
 *   10 00 00 00 02 6b 02 76 00
 *   |  |  |  |  |  |  |  |  `- 0 headers
 *   |  |  |  |  |  |  |  `---- value "v"
 *   |  |  |  |  |  |  `------- value length 1
 *   |  |  |  |  |  `---------- key "k"
 *   |  |  |  |  `------------- key length 1
 *   |  |  |  `---------------- offset delta 0
 *   |  |  `------------------- timestamp delta 0
 *   |  `---------------------- attributes
 *   `------------------------- length 8 (zigzag 16)
 */

/** One record header. Keys are UTF-8 strings; values are bytes and may be null. */
export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/**
 * A decoded record. `key`, `value` and header values are views into the decoded batch
 * (or its decompressed payload), not copies: copy them to keep them past the batch
 * buffer's lifetime if that buffer is reused.
 */
export interface Record {
  /** Absolute offset: the batch's baseOffset plus the record's offset delta. */
  offset: number;
  /** Milliseconds since the epoch; the batch's maxTimestamp for log-append-time batches. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly RecordHeader[];
}

/** Bytes as given by an application: strings are written as UTF-8. */
export type BytesInput = Buffer | string | null;

export interface RecordHeaderInput {
  key: string;
  value: BytesInput;
}

/**
 * Headers as an ordered list (duplicates allowed, as in Kafka) or, for kafkajs-style
 * callers, an object whose array values stand for repeated keys. The object form is
 * written in `Object.keys` order with arrays expanded in place, exactly as kafkajs
 * writes it, so the two clients produce the same bytes.
 */
export type RecordHeadersInput =
  | readonly RecordHeaderInput[]
  | { readonly [key: string]: BytesInput | readonly BytesInput[] | undefined };

/** A record to encode. */
export interface RecordInput {
  key?: BytesInput | undefined;
  value: BytesInput;
  /** Milliseconds since the epoch; defaults to the batch's `defaultTimestamp`. */
  timestamp?: number | undefined;
  headers?: RecordHeadersInput | undefined;
  /**
   * Offset relative to the batch's base offset. Producers leave it out (records get 0,
   * 1, 2, ...); the log cleaner sets it to keep a compacted record's original offset.
   * Must increase strictly within a batch.
   */
  offsetDelta?: number | undefined;
}
