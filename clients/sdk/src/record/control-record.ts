/**
 * Transaction markers (Kafka's EndTransactionMarker): the control batch a transaction
 * coordinator has written to every partition of a transaction when it commits or
 * aborts. A read_committed consumer stops at the last stable offset and, on meeting an
 * ABORT marker, drops that producer's records of the transaction; the marker itself is
 * never handed to applications.
 *
 * A control batch has the control and transactional attribute bits set (0x30), the
 * transaction's producer id and epoch, baseSequence -1, and exactly one record:
 *
 *   key    00 00 00 01           int16 version 0, int16 type (0 ABORT, 1 COMMIT)
 *   value  00 00 00 00 00 05     int16 version 0, int32 coordinatorEpoch (here 5)
 *
 * so a COMMIT with coordinator epoch 5 is the record
 * `20 00 00 00 08 00 00 00 01 0c 00 00 00 00 00 05 00` (length 16, then the body).
 *
 * Readers accept a higher version with the version-0 fields first, as Kafka does, and
 * refuse keys and values too short for them (CORRUPT_MESSAGE).
 */

import { TidelogError } from "../errors.js";
import { isControlBatch } from "./batch-header.js";
import type { Record } from "./record.js";
import { type DecodedRecordBatch, RecordBatchBuilder } from "./record-batch.js";

export const ControlRecordType = { abort: 0, commit: 1 } as const;
export type EndTransactionMarkerType = keyof typeof ControlRecordType;

export interface EndTransactionMarker {
  readonly type: EndTransactionMarkerType;
  readonly coordinatorEpoch: number;
}

const CONTROL_KEY_VERSION = 0;
const CONTROL_KEY_BYTES = 4;
const END_TXN_MARKER_VERSION = 0;
const END_TXN_MARKER_VALUE_BYTES = 6;

export interface ControlBatchInput extends EndTransactionMarker {
  readonly producerId: number;
  readonly producerEpoch: number;
  /** The coordinator's clock when it wrote the marker. */
  readonly timestamp: number;
  readonly baseOffset?: number;
  readonly partitionLeaderEpoch?: number;
}

/** The key and value of a marker record. */
export function encodeEndTransactionMarker(marker: EndTransactionMarker): { key: Buffer; value: Buffer } {
  const typeId = ControlRecordType[marker.type];
  if (typeId === undefined) throw new RangeError(`unknown transaction marker type ${String(marker.type)}`);
  if ((marker.coordinatorEpoch | 0) !== marker.coordinatorEpoch) {
    throw new RangeError(`coordinator epoch ${marker.coordinatorEpoch} is not an int32`);
  }
  const key = Buffer.alloc(CONTROL_KEY_BYTES);
  key.writeInt16BE(CONTROL_KEY_VERSION, 0);
  key.writeInt16BE(typeId, 2);
  const value = Buffer.alloc(END_TXN_MARKER_VALUE_BYTES);
  value.writeInt16BE(END_TXN_MARKER_VERSION, 0);
  value.writeInt32BE(marker.coordinatorEpoch, 2);
  return { key, value };
}

/** A complete control batch holding one transaction marker. */
export function encodeControlBatch(input: ControlBatchInput): Buffer {
  const builder = new RecordBatchBuilder({
    baseOffset: input.baseOffset ?? 0,
    ...(input.partitionLeaderEpoch === undefined ? {} : { partitionLeaderEpoch: input.partitionLeaderEpoch }),
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    transactional: true,
    control: true,
    defaultTimestamp: input.timestamp,
    initialCapacityBytes: 96,
  });
  builder.append(encodeEndTransactionMarker(input));
  return builder.build();
}

/** The control record type id in a control record's key. */
export function controlRecordTypeOf(key: Buffer | null): number {
  if (key === null || key.length < CONTROL_KEY_BYTES) {
    throw new TidelogError(
      "CORRUPT_MESSAGE",
      `control record key of ${key?.length ?? "null"} bytes, need ${CONTROL_KEY_BYTES}`,
    );
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new TidelogError("CORRUPT_MESSAGE", `control record key version ${version}`);
  return key.readInt16BE(2);
}

/** Reads a transaction marker from a control record. */
export function readEndTransactionMarker(record: Pick<Record, "key" | "value">): EndTransactionMarker {
  const typeId = controlRecordTypeOf(record.key);
  const type =
    typeId === ControlRecordType.commit ? "commit" : typeId === ControlRecordType.abort ? "abort" : undefined;
  if (type === undefined) {
    throw new TidelogError("CORRUPT_MESSAGE", `control record type ${typeId} is not a transaction marker`);
  }
  const value = record.value;
  if (value === null || value.length < END_TXN_MARKER_VALUE_BYTES) {
    throw new TidelogError(
      "CORRUPT_MESSAGE",
      `transaction marker value of ${value?.length ?? "null"} bytes, need ${END_TXN_MARKER_VALUE_BYTES}`,
    );
  }
  const version = value.readInt16BE(0);
  if (version < 0) throw new TidelogError("CORRUPT_MESSAGE", `transaction marker version ${version}`);
  return { type, coordinatorEpoch: value.readInt32BE(2) };
}

/**
 * The marker a decoded batch carries, or null when it is not a control batch. A control
 * batch must hold exactly one marker record.
 */
export function endTransactionMarkerOf(batch: DecodedRecordBatch): EndTransactionMarker | null {
  if (!isControlBatch(batch.header.attributes)) return null;
  const record = batch.records[0];
  if (batch.records.length !== 1 || record === undefined) {
    throw new TidelogError("CORRUPT_MESSAGE", `control batch holds ${batch.records.length} records, not 1`);
  }
  return readEndTransactionMarker(record);
}
