/**
 * Where records wait to be sent (Kafka's RecordAccumulator): one queue of batches per
 * partition, a byte budget for all of them (`bufferMemory`), and the send() calls that
 * wait for room or for their topic's metadata.
 *
 *   send(topic, records) --partitioner--> PartitionQueue(topic, p): [closed][closed][open]
 *                                                                    ^ Sender drains from here
 *
 * Memory: opening a batch reserves max(batchSize, its first record) bytes of the budget;
 * the reservation is released when the batch is done (delivered or failed). When the
 * budget is spent the call waits in a FIFO queue (bounded by MAX_WAITING_SENDS) and later
 * calls queue behind it, so records keep their send() order; each waiting call fails
 * after maxBlockMs. A call for a topic that does not exist fails with
 * UNKNOWN_TOPIC_OR_PARTITION once the metadata confirms it (about a second, see
 * topic-metadata.ts), unless the producer waits for topics (`waitForTopic`: then it
 * waits up to maxBlockMs, as Kafka's producer waits for a topic's metadata). A record larger than maxRequestBytes or bufferMemory is refused at
 * once (MESSAGE_TOO_LARGE), as Kafka's producer refuses it.
 *
 * Invariants: `usedBytes` is the sum of the reservations of batches not yet done, and
 * never exceeds `bufferMemory`; a queue's open batch, if any, is its last.
 *
 * Event-loop only; not safe to share across workers.
 */
import { BufferPool } from "./buffer-pool.js";
import { TidelogError } from "./errors.js";
import { MAX_WAITING_SENDS } from "./limits.js";
import type { Logger } from "./logger.js";
import type { DefaultPartitioner } from "./partitioner.js";
import { type BatchOwner, ProducerBatch, recordSizeUpperBound, type SendCall } from "./producer-batch.js";
import type { Partitioner, ProducerRecord } from "./producer-types.js";
import type { CompressionName } from "./record/batch-header.js";
import { BATCH_HEADER_SIZE } from "./record/batch-header.js";
import type { TopicLeaders, TopicMetadataCache } from "./topic-metadata.js";

/** The numbered batch whose failure broke a partition's sequence. */
export interface SequenceBreak {
  readonly baseSequence: number;
  readonly error: TidelogError;
}

/** The batches of one partition not yet answered, and its idempotence state. */
export class PartitionQueue implements BatchOwner {
  /** Not yet sent, or back for a retry; oldest first. The open batch, if any, is last. */
  readonly batches: ProducerBatch[] = [];
  open: ProducerBatch | null = null;
  /** Batches sent and not yet answered. */
  inFlight = 0;
  /** Nothing is sent before this time (retry backoff). */
  holdUntilMs = 0;
  /** A batch came back for a retry: nothing is sent until every in-flight batch has answered, so the order holds. */
  retrying = false;
  /** Batches sent so far: the next batch's drainOrder. */
  drained = 0;
  /** Idempotence: the producer id this partition's sequences belong to (-1 before the first send). */
  producerId = -1;
  producerEpoch = -1;
  nextSequence = 0;
  lastAckedSequence = -1;
  /** A numbered batch failed for good: the broker will refuse later sequences under this producer id. */
  broken = false;
  /** Why `broken`: the failed batch's sequence and error, which the later numbered batches fail with. */
  brokenBy: SequenceBreak | null = null;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** Starts sequences over at 0 under a producer id. */
  adopt(producerId: number, producerEpoch: number): void {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.nextSequence = 0;
    this.lastAckedSequence = -1;
    this.broken = false;
    this.brokenBy = null;
  }
}

const MAX_POOLED_BUFFERS = 256;
const POOLED_BYTES_MAX = 32 * 1024 * 1024;

export interface AccumulatorOptions {
  readonly batchSize: number;
  readonly bufferMemory: number;
  readonly maxRequestBytes: number;
  readonly compression: CompressionName;
  readonly partitioner: DefaultPartitioner;
  readonly customPartitioner: Partitioner | null;
  readonly metadata: TopicMetadataCache;
  /** Wait up to maxBlockMs for a topic that does not exist (yet), instead of failing once its absence is confirmed. */
  readonly waitForTopic: boolean;
  readonly nowMs: () => number;
  readonly logger: Logger;
  /** A batch is full or a waiting call may proceed: the sender should run soon. */
  readonly wake: () => void;
  /** A batch was opened: the sender should run by the time its linger ends. */
  readonly batchOpened: (batch: ProducerBatch) => void;
}

export class RecordAccumulator {
  /** Per topic, per partition. */
  private readonly queues = new Map<string, PartitionQueue[]>();
  /** Queues holding at least one batch: what the sender looks at. */
  readonly nonEmpty = new Set<PartitionQueue>();
  /** Batches not yet done. */
  readonly incomplete = new Set<ProducerBatch>();
  private usedBytes = 0;
  private readonly waiting: SendCall[] = [];
  private waitingHead = 0;
  private readonly metadataWaits = new Set<string>();
  /** batchSize build buffers back from small batches (see BufferPool). */
  private readonly buffers: BufferPool;

  constructor(private readonly options: AccumulatorOptions) {
    // Enough to cover every partition's open batch turning over; at most 32 MiB kept.
    this.buffers = new BufferPool(
      options.batchSize,
      Math.max(1, Math.min(MAX_POOLED_BUFFERS, Math.floor(POOLED_BYTES_MAX / options.batchSize))),
    );
  }

  get bufferedBytes(): number {
    return this.usedBytes;
  }

  get waitingCalls(): number {
    return this.waiting.length - this.waitingHead;
  }

  /** Calls that wait for memory or metadata, oldest first. */
  waitingSnapshot(): SendCall[] {
    return this.waiting.slice(this.waitingHead);
  }

  /** Every partition queue made so far. */
  *allQueues(): Iterable<PartitionQueue> {
    for (const list of this.queues.values()) for (const queue of list) if (queue) yield queue;
  }

  /** Takes a new call: appends what it can now, queues the rest. */
  submit(call: SendCall): void {
    if (this.waitingCalls === 0) {
      const leaders = this.usable(call.topic);
      if (leaders !== null && this.appendCall(call, leaders)) return;
    }
    if (this.waitingCalls >= MAX_WAITING_SENDS) {
      call.fail(
        new TidelogError(
          "REQUEST_TIMED_OUT",
          `${MAX_WAITING_SENDS} send() calls are already waiting for buffer memory or metadata; await earlier sends before sending more`,
        ),
      );
      return;
    }
    this.waiting.push(call);
    this.drainWaiting();
  }

  /** Moves waiting calls into batches while memory and metadata allow; fails those past their deadline. */
  drainWaiting(): void {
    const nowMs = this.options.nowMs();
    while (this.waitingHead < this.waiting.length) {
      const call = this.waiting[this.waitingHead]!;
      if (!call.settled && !call.appended) {
        if (nowMs >= call.deadlineMs) {
          call.fail(this.blockedError(call));
        } else {
          const leaders = this.usable(call.topic);
          if (leaders === null) {
            this.awaitMetadata(call);
            return;
          }
          if (!this.appendCall(call, leaders)) return;
        }
      }
      this.waiting[this.waitingHead++] = undefined as unknown as SendCall;
      if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
        this.waiting.splice(0, this.waitingHead);
        this.waitingHead = 0;
      }
    }
    this.waiting.length = 0;
    this.waitingHead = 0;
  }

  /** Releases a finished batch's memory and settles its calls. */
  complete(batch: ProducerBatch, baseOffset: number, error: TidelogError | null): void {
    if (!this.incomplete.delete(batch)) throw new Error(`batch for ${batch.topic}-${batch.partition} completed twice`);
    this.usedBytes -= batch.reservedBytes;
    if (this.usedBytes < 0) throw new Error(`buffer memory accounting went negative (${this.usedBytes})`);
    batch.finish(baseOffset, error);
    if (this.waitingCalls > 0) this.options.wake();
  }

  /** Closes a queue's open batch (it is full, or being sent). */
  closeOpen(queue: PartitionQueue): void {
    const open = queue.open;
    if (open === null) return;
    queue.open = null;
    open.close();
  }

  /** Removes a batch that never got a record (its first append threw). */
  private discardEmpty(queue: PartitionQueue, batch: ProducerBatch): void {
    if (queue.open === batch) queue.open = null;
    const i = queue.batches.indexOf(batch);
    if (i >= 0) queue.batches.splice(i, 1);
    batch.close();
    this.complete(batch, -1, new TidelogError("INVALID_RECORD", "empty batch discarded"));
  }

  queue(topic: string, partition: number): PartitionQueue {
    let list = this.queues.get(topic);
    if (list === undefined) {
      list = [];
      this.queues.set(topic, list);
    }
    let queue = list[partition];
    if (queue === undefined) {
      for (let p = list.length; p <= partition; p++) list[p] ??= new PartitionQueue(topic, p);
      queue = list[partition]!;
    }
    return queue;
  }

  /**
   * Appends the call's records from `call.next` on. False when it stopped for lack of
   * buffer memory (the call resumes later); true when it is done with the call.
   */
  private appendCall(call: SendCall, leaders: TopicLeaders): boolean {
    const { batchSize } = this.options;
    const count = call.count;
    const partitionCount = leaders.partitions.length;
    const nowMs = this.options.nowMs();
    let queues = this.queues.get(call.topic);
    for (let i = call.next; i < count; i++) {
      const record = call.recordAt(i);
      const explicit = record.partition;
      const keyless = explicit === undefined && record.key == null && this.options.customPartitioner === null;
      let partition = this.partitionOf(call.topic, record, leaders, keyless);
      if (partition < 0 || partition >= partitionCount || !Number.isInteger(partition)) {
        call.fail(this.badPartition(call.topic, partition, partitionCount));
        return true;
      }
      let queue = queues?.[partition] ?? this.queue(call.topic, partition);
      let batch = queue.open;
      let delta = -1;
      try {
        if (batch !== null) delta = batch.tryAppend(record, batchSize);
        if (delta < 0 && batch !== null) {
          this.closeOpen(queue);
          this.options.wake();
        }
        if (delta < 0 && keyless) {
          partition = this.options.partitioner.onNewBatch(call.topic, partition, partitionCount, leaders.available);
          queue = queues?.[partition] ?? this.queue(call.topic, partition);
          batch = queue.open;
          if (batch !== null) delta = batch.tryAppend(record, batchSize);
          if (delta < 0 && batch !== null) this.closeOpen(queue);
        }
        if (delta < 0) {
          const size = recordSizeUpperBound(record) + BATCH_HEADER_SIZE;
          const reserve = Math.min(Math.max(batchSize, size), this.options.bufferMemory);
          if (this.usedBytes + reserve > this.options.bufferMemory) {
            call.next = i;
            return false;
          }
          batch = this.openBatch(queue, reserve, nowMs);
          delta = batch.tryAppend(record, batchSize);
        }
      } catch (e) {
        if (batch !== null && batch.state === "open" && batch.recordCount === 0) this.discardEmpty(queue, batch);
        if (!(e instanceof TidelogError)) throw e;
        call.fail(e);
        return true;
      }
      call.place(i, batch!, delta);
      if (batch!.sizeBytes >= batchSize) {
        this.closeOpen(queue);
        this.options.wake();
      }
      queues ??= this.queues.get(call.topic);
    }
    call.next = count;
    call.markAppended();
    return true;
  }

  private openBatch(queue: PartitionQueue, reserve: number, nowMs: number): ProducerBatch {
    const batch = new ProducerBatch(queue, nowMs, reserve, this.options.compression, this.buffers);
    this.usedBytes += reserve;
    queue.batches.push(batch);
    queue.open = batch;
    this.incomplete.add(batch);
    this.nonEmpty.add(queue);
    this.options.batchOpened(batch);
    return batch;
  }

  private partitionOf(topic: string, record: ProducerRecord, leaders: TopicLeaders, keyless: boolean): number {
    if (record.partition !== undefined) return record.partition;
    const count = leaders.partitions.length;
    const custom = this.options.customPartitioner;
    if (custom !== null) return custom({ topic, key: record.key, partitionCount: count, available: leaders.available });
    if (keyless) return this.options.partitioner.keyless(topic, count, leaders.available);
    return this.options.partitioner.keyed(record.key!, count);
  }

  /** The topic's leaders when records can be placed (the partition count is known), else null. */
  private usable(topic: string): TopicLeaders | null {
    const leaders = this.options.metadata.get(topic);
    return leaders !== undefined && leaders.error === null && leaders.partitions.length > 0 ? leaders : null;
  }

  /** Fetches the topic's metadata for the waiting call at the head; fails the topic's waiting calls if it cannot be had. */
  private awaitMetadata(call: SendCall): void {
    const topic = call.topic;
    if (this.metadataWaits.has(topic)) return;
    this.metadataWaits.add(topic);
    this.options.metadata.ensure(topic, call.deadlineMs, this.options.waitForTopic).then(
      () => {
        this.metadataWaits.delete(topic);
        this.drainWaiting();
      },
      (e: unknown) => {
        this.metadataWaits.delete(topic);
        const error = e instanceof TidelogError ? e : new TidelogError("UNKNOWN_SERVER_ERROR", String(e));
        for (let i = this.waitingHead; i < this.waiting.length; i++) {
          const waiting = this.waiting[i]!;
          if (waiting.topic === topic && !waiting.appended) waiting.fail(error);
        }
        this.drainWaiting();
      },
    );
  }

  /** Fails every waiting call (the producer is closing). */
  failWaiting(error: TidelogError): void {
    for (let i = this.waitingHead; i < this.waiting.length; i++) this.waiting[i]!.fail(error);
    this.waiting.length = 0;
    this.waitingHead = 0;
  }

  private blockedError(call: SendCall): TidelogError {
    const topic = this.options.metadata.get(call.topic);
    if (topic === undefined || topic.error !== null) {
      return new TidelogError(
        "REQUEST_TIMED_OUT",
        `topic '${call.topic}' was not in the cluster metadata within maxBlockMs${topic?.error ? ` (${topic.error.message})` : ""}`,
      );
    }
    return new TidelogError(
      "REQUEST_TIMED_OUT",
      `send() could not get buffer memory within maxBlockMs: ${this.usedBytes} of ${this.options.bufferMemory} bytes (bufferMemory) are held by undelivered records`,
    );
  }

  private badPartition(topic: string, partition: number, count: number): TidelogError {
    return new TidelogError(
      "UNKNOWN_TOPIC_OR_PARTITION",
      `partition ${partition} of topic '${topic}' does not exist (the topic has ${count} partitions)`,
    );
  }
}
