/**
 * A batch of records for one partition on its way to the leader (Kafka's ProducerBatch),
 * and a send() call waiting for its records' batches (SendCall).
 *
 * Life of a batch: open (records are appended into one RecordBatchBuilder buffer) ->
 * closed (built: one Buffer, the bytes that go on the wire, resent unchanged on every
 * retry) -> in flight -> done (an offset or an error). An idempotent producer stamps its
 * producer id, epoch and base sequence into the header the first time the batch is
 * sent (and recomputes the CRC, which covers them), so a retry carries the same
 * sequence and the leader can recognise a duplicate.
 *
 * The hot path allocates per batch, not per record: a record's place is written into
 * its call's typed arrays (which batch, which offset delta), and reports are made only
 * when the call settles.
 *
 * Used from the event loop only; not safe to share across workers.
 */
import type { BufferPool } from "./buffer-pool.js";
import type { TidelogError } from "./errors.js";
import type { DeliveryReport, ProducerRecord } from "./producer-types.js";
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  CRC_OFFSET,
  computeBatchCrc,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  TRANSACTIONAL_FLAG,
  writeInt64,
} from "./record/batch-header.js";
import { type CompressionName, RecordBatchBuilder } from "./record/index.js";

/** What a batch needs to know about its partition's queue (defined by the accumulator). */
export interface BatchOwner {
  readonly topic: string;
  readonly partition: number;
}

/** Bytes a record takes beyond its key, value and headers, at most: length, attributes, two deltas, two lengths, header count. */
const RECORD_OVERHEAD_MAX_BYTES = 5 + 1 + 10 + 5 + 5 + 5 + 5;
/** Room assumed for headers before measuring them exactly. */
const HEADERS_GUESS_BYTES = 64;

/** An upper bound on a record's encoded size, cheap to compute (strings count 3 bytes per UTF-16 unit). */
export function recordSizeUpperBound(record: ProducerRecord): number {
  const key = record.key;
  const value = record.value;
  const k = key == null ? 0 : typeof key === "string" ? key.length * 3 : key.length;
  const v = value == null ? 0 : typeof value === "string" ? value.length * 3 : value.length;
  return RECORD_OVERHEAD_MAX_BYTES + k + v + (record.headers === undefined ? 0 : HEADERS_GUESS_BYTES);
}

/** Kafka's sequence arithmetic: int32 that wraps to 0 after 2^31 - 1. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > 0x7fffffff - increment ? increment - (0x7fffffff - sequence) - 1 : sequence + increment;
}

export type BatchState = "open" | "closed" | "done";

export class ProducerBatch {
  readonly topic: string;
  readonly partition: number;
  /** Sent in this position among the partition's batches (-1 until first sent): retries keep this order. */
  drainOrder = -1;
  producerId = -1;
  producerEpoch = -1;
  baseSequence = -1;
  attempts = 0;
  lastError: TidelogError | null = null;
  /** Offset of the first record once written; -1 when unknown. */
  baseOffset = -1;
  state: BatchState = "open";
  /** The calls with records here, each once per run of its records (see SendCall.place). */
  readonly calls: SendCall[] = [];
  lastCall: SendCall | null = null;
  lastCallSlot = 0;
  private builder: RecordBatchBuilder | null;
  private bytes: Buffer | null = null;
  private countAtClose = 0;
  private waiters: (() => void)[] | null = null;

  constructor(
    readonly owner: BatchOwner,
    readonly createdAtMs: number,
    /** Buffer memory held until the batch is done. */
    readonly reservedBytes: number,
    compression: CompressionName,
    private readonly buffers: BufferPool | null = null,
  ) {
    this.topic = owner.topic;
    this.partition = owner.partition;
    const scratch = buffers !== null && reservedBytes === buffers.bufferBytes ? buffers.take() : undefined;
    this.builder = new RecordBatchBuilder({
      compression,
      defaultTimestamp: createdAtMs,
      initialCapacityBytes: reservedBytes,
      ...(scratch ? { scratch } : {}),
    });
  }

  get recordCount(): number {
    return this.builder?.recordCount ?? this.countAtClose;
  }

  /** Bytes on the wire once closed; the uncompressed estimate while open. */
  get sizeBytes(): number {
    return this.bytes?.length ?? this.builder?.estimatedSizeBytes ?? 0;
  }

  /** The timestamp records without one carry. */
  get defaultTimestamp(): number {
    return this.createdAtMs;
  }

  /** The record's offset delta, or -1 when it would take the batch past `batchSize` (an empty batch always takes it). */
  tryAppend(record: ProducerRecord, batchSize: number): number {
    const builder = this.builder!;
    if (builder.recordCount > 0) {
      const quick = builder.estimatedSizeBytes + recordSizeUpperBound(record) <= batchSize;
      if (!quick && !builder.hasRoomFor(record, batchSize)) return -1;
    }
    return builder.append(record);
  }

  /** Builds the batch; its bytes never change afterwards except for the producer stamp. */
  close(): void {
    if (this.state !== "open") return;
    const builder = this.builder!;
    this.countAtClose = builder.recordCount;
    this.bytes = builder.build();
    const spare = builder.spareBuffer();
    if (spare !== null) this.buffers?.give(spare);
    this.builder = null;
    this.state = "closed";
  }

  /** The wire bytes; the batch must be closed. */
  get wireBytes(): Buffer {
    if (this.bytes === null) throw new Error(`batch for ${this.topic}-${this.partition} is not closed`);
    return this.bytes;
  }

  /** Writes producer id, epoch and base sequence into the built header and recomputes the CRC. Once per batch. */
  stamp(producerId: number, producerEpoch: number, baseSequence: number, transactional = false): void {
    const buf = this.wireBytes;
    if (this.baseSequence !== -1) throw new Error("a batch is stamped once: retries must resend the same sequence");
    if (transactional) buf.writeInt16BE(buf.readInt16BE(ATTRIBUTES_OFFSET) | TRANSACTIONAL_FLAG, ATTRIBUTES_OFFSET);
    writeInt64(buf, PRODUCER_ID_OFFSET, producerId);
    buf.writeInt16BE(producerEpoch, PRODUCER_EPOCH_OFFSET);
    buf.writeInt32BE(baseSequence, BASE_SEQUENCE_OFFSET);
    buf.writeUInt32BE(computeBatchCrc(buf, 0, buf.length), CRC_OFFSET);
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
  }

  /** The sequence of the last record. */
  get lastSequence(): number {
    return incrementSequence(this.baseSequence, this.recordCount - 1);
  }

  /** Settles every call with records here. Once. */
  finish(baseOffset: number, error: TidelogError | null): void {
    if (this.state === "done") throw new Error(`batch for ${this.topic}-${this.partition} finished twice`);
    this.state = "done";
    this.baseOffset = error === null ? baseOffset : -1;
    this.builder = null;
    this.bytes = null;
    for (const call of this.calls) call.batchDone(error);
    if (this.waiters) for (const w of this.waiters) w();
    this.waiters = null;
  }

  whenDone(): Promise<void> {
    if (this.state === "done") return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters ??= [];
      this.waiters.push(resolve);
    });
  }
}

/**
 * One send() call: its records, where each went, and its promise. Settles once every
 * batch holding one of its records is done: with the reports, or with the first error.
 */
export class SendCall {
  readonly count: number;
  /** Records appended so far (a call waiting for buffer memory resumes here). */
  next = 0;
  /** Every record appended, or the call failed before that. */
  appended = false;
  settled = false;
  error: TidelogError | null = null;
  private pendingBatches = 0;
  private readonly batches: ProducerBatch[] = [];
  /** Per record: index into `batches`, and offset delta in that batch. Null for a one-record call. */
  private readonly slots: Int32Array | null;
  private readonly deltas: Int32Array | null;
  private singleDelta = 0;
  private waiters: (() => void)[] | null = null;

  constructor(
    readonly topic: string,
    readonly records: readonly ProducerRecord[] | ProducerRecord,
    readonly many: boolean,
    /** When the call stops waiting for memory or metadata and fails. */
    readonly deadlineMs: number,
    private readonly resolve: (reports: DeliveryReport | DeliveryReport[]) => void,
    private readonly reject: (error: TidelogError) => void,
  ) {
    this.count = many ? (records as readonly ProducerRecord[]).length : 1;
    this.slots = many ? new Int32Array(this.count) : null;
    this.deltas = many ? new Int32Array(this.count) : null;
  }

  recordAt(i: number): ProducerRecord {
    return this.many
      ? ((this.records as readonly ProducerRecord[])[i] as ProducerRecord)
      : (this.records as ProducerRecord);
  }

  /** Notes that record `i` went into `batch` at `offsetDelta`. */
  place(i: number, batch: ProducerBatch, offsetDelta: number): void {
    if (batch.lastCall !== this) {
      batch.lastCall = this;
      batch.lastCallSlot = this.batches.length;
      this.batches.push(batch);
      batch.calls.push(this);
      this.pendingBatches++;
    }
    if (this.slots === null) {
      this.singleDelta = offsetDelta;
      return;
    }
    this.slots[i] = batch.lastCallSlot;
    this.deltas![i] = offsetDelta;
  }

  /** All records are in batches: settle as soon as the batches are done. */
  markAppended(): void {
    this.appended = true;
    this.maybeSettle();
  }

  /** Stops appending and fails the call; records already in batches are still sent. */
  fail(error: TidelogError): void {
    this.error ??= error;
    this.appended = true;
    this.maybeSettle();
  }

  batchDone(error: TidelogError | null): void {
    if (error !== null) this.error ??= error;
    this.pendingBatches--;
    this.maybeSettle();
  }

  whenSettled(): Promise<void> {
    if (this.settled) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters ??= [];
      this.waiters.push(resolve);
    });
  }

  private maybeSettle(): void {
    if (this.settled || !this.appended || this.pendingBatches > 0) return;
    this.settled = true;
    if (this.error !== null) this.reject(this.error);
    else this.resolve(this.many ? this.reports() : this.report(0, this.batches[0]!, this.singleDelta));
    if (this.waiters) for (const w of this.waiters) w();
    this.waiters = null;
  }

  private reports(): DeliveryReport[] {
    const out = new Array<DeliveryReport>(this.count);
    for (let i = 0; i < this.count; i++) {
      out[i] = this.report(i, this.batches[this.slots![i]!]!, this.deltas![i]!);
    }
    return out;
  }

  private report(i: number, batch: ProducerBatch, offsetDelta: number): DeliveryReport {
    return {
      topic: this.topic,
      partition: batch.partition,
      offset: batch.baseOffset < 0 ? -1 : batch.baseOffset + offsetDelta,
      timestamp: this.recordAt(i).timestamp ?? batch.defaultTimestamp,
    };
  }
}
