/**
 * Writes records to topics. Made by `client.producer(options)`; shares the client's
 * connections, topic metadata, retry policy and logger.
 *
 *   const producer = client.producer({ lingerMs: 5 });
 *   const report = await producer.send("orders", { key: "o-17", value: JSON.stringify(order) });
 *   const reports = await producer.send("orders", records);   // one call, many records
 *   await producer.close();                                  // flushes first
 *
 * Records are batched per partition (RecordAccumulator) and sent by leader (Sender);
 * each send() settles when every batch holding one of its records is answered: with a
 * delivery report per record (`{ topic, partition, offset, timestamp }`), or with the
 * first error. Records of one partition are written in send() order, retries included.
 * Idempotent by default (acks -1): a retry never writes a record twice.
 *
 * A call with an invalid record (a value that is not a Buffer, string or null; a bad
 * timestamp or partition) is refused before any of its records is taken. A topic that
 * does not exist fails the call with UNKNOWN_TOPIC_OR_PARTITION within about a second
 * (brokers never create topics on use), or with `waitForTopic` is waited for up to
 * maxBlockMs. A record larger
 * than maxRequestBytes or bufferMemory is refused with MESSAGE_TOO_LARGE.
 *
 * Safe to call from any number of async tasks; records from concurrent calls are
 * interleaved in call order.
 *
 * Transactions (with `transactionalId`): records sent between beginTransaction() and
 * commitTransaction() become visible to read_committed consumers together, or never
 * (abortTransaction(), a failed send, a fenced producer). The usual shape:
 *
 *   const producer = client.producer({ transactionalId: "orders-enricher-1" });
 *   await producer.transaction(async (tx) => {
 *     await tx.send("totals", { key, value });
 *     await tx.sendOffsets(consumer);          // the input's progress commits with it
 *   });                                        // commits; aborts (and rethrows) if the callback throws
 */
import type { ClientContext } from "./client-context.js";
import { TidelogError } from "./errors.js";
import { DefaultPartitioner } from "./partitioner.js";
import { recordSizeUpperBound, SendCall } from "./producer-batch.js";
import { ProducerIdManager } from "./producer-id-manager.js";
import { checkProducerOptions, type ResolvedProducerOptions } from "./producer-options.js";
import type { CloseOptions, DeliveryReport, ProducerOptions, ProducerRecord } from "./producer-types.js";
import { topicNameProblem } from "./protocol/topic-name.js";
import { RecordAccumulator } from "./record-accumulator.js";
import { Sender } from "./sender.js";
import type { PartitionInfo } from "./topic-metadata.js";
import { TransactionManager, type TransactionOffsets } from "./transaction-manager.js";

export type { PartitionInfo } from "./topic-metadata.js";

type ProducerState = "open" | "closing" | "closed";

/** What a transaction callback gets: sends and offsets inside the transaction. */
export interface Transaction {
  send(topic: string, record: ProducerRecord): Promise<DeliveryReport>;
  send(topic: string, records: readonly ProducerRecord[]): Promise<DeliveryReport[]>;
  /** The consumer's processed positions (or explicit offsets) commit with the transaction. */
  sendOffsets(offsets: TransactionOffsets | OffsetsSource): Promise<void>;
}

/** A consumer in a group: its positions and member id/epoch for consume-transform-produce. */
export interface OffsetsSource {
  transactionOffsets(): TransactionOffsets;
}

export class Producer {
  readonly options: ResolvedProducerOptions;
  private readonly accumulator: RecordAccumulator;
  private readonly sender: Sender;
  private state: ProducerState = "open";
  private closed: Promise<void> | null = null;
  private readonly txn: TransactionManager | null;
  private initializing: Promise<void> | null = null;

  /** Made by Client.producer(). */
  constructor(
    private readonly ctx: ClientContext,
    options: ProducerOptions = {},
    private readonly onClosed: (producer: Producer) => void = () => {},
  ) {
    this.options = checkProducerOptions(options);
    const o = this.options;
    const partitioner = new DefaultPartitioner(ctx.seams.random);
    let sender: Sender | null = null;
    this.accumulator = new RecordAccumulator({
      batchSize: o.batchSize,
      bufferMemory: o.bufferMemory,
      maxRequestBytes: o.maxRequestBytes,
      compression: o.compression,
      partitioner,
      customPartitioner: typeof o.partitioner === "function" ? o.partitioner : null,
      metadata: ctx.topicMetadata,
      waitForTopic: o.waitForTopic,
      nowMs: ctx.seams.nowMs,
      logger: ctx.logger,
      wake: () => sender?.wake(),
      batchOpened: (batch) => sender?.batchOpened(batch),
    });
    let txn: TransactionManager | null = null;
    const producerIds = o.idempotent
      ? new ProducerIdManager(
          ctx,
          () => sender?.wake(),
          o.transactionalId === null ? undefined : () => txn?.sequenceBroke(),
        )
      : null;
    if (o.transactionalId !== null && producerIds !== null) {
      txn = new TransactionManager(ctx, o.transactionalId, o.transactionTimeoutMs, producerIds, {
        flush: () => this.flush(),
        failUnsent: (error) => sender?.failUnsent(error),
        startOver: () => sender?.startOver(),
        fatal: (error) => this.fenced(error),
      });
    }
    this.txn = txn;
    sender = new Sender({
      ctx,
      accumulator: this.accumulator,
      producerIds,
      acks: o.acks,
      lingerMs: o.lingerMs,
      maxInFlightPerPartition: o.maxInFlightPerPartition,
      deliveryTimeoutMs: o.deliveryTimeoutMs,
      requestTimeoutMs: o.requestTimeoutMs,
      maxRequestBytes: o.maxRequestBytes,
      ...(txn ? { transaction: txn } : {}),
    });
    this.sender = sender;
  }

  // ------------------------------------------------------------------ transactions

  /**
   * Registers the transactional id with its coordinator and fences any older producer
   * with the same id (its open transaction is aborted first). Called by the first
   * transaction if not before; idempotent.
   */
  initTransactions(): Promise<void> {
    const txn = this.transactional("initTransactions");
    if (txn.state === "ready" || txn.state === "in_transaction") return Promise.resolve();
    this.initializing ??= txn.init().finally(() => {
      this.initializing = null;
    });
    return this.initializing;
  }

  /** Opens a transaction: sends until commit or abort belong to it. */
  beginTransaction(): void {
    this.transactional("beginTransaction").begin();
  }

  /** Sends everything held, then commits the transaction. A failed send rejects it: abort next. */
  commitTransaction(): Promise<void> {
    return this.transactional("commitTransaction").commit();
  }

  /** Drops what is not sent yet and aborts the transaction: read_committed consumers never see its records. */
  abortTransaction(): Promise<void> {
    return this.transactional("abortTransaction").abort();
  }

  /** Commits a consumer's positions (or explicit offsets) as part of the open transaction. */
  sendOffsets(offsets: TransactionOffsets | OffsetsSource): Promise<void> {
    const txn = this.transactional("sendOffsets");
    const given = "transactionOffsets" in offsets ? offsets.transactionOffsets() : offsets;
    return txn.sendOffsets(given);
  }

  /**
   * Runs `fn` in a transaction: commits when it resolves, aborts when it (or the commit)
   * throws, and rethrows. Sends go through the `tx` it is given (or this producer).
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    await this.initTransactions();
    this.beginTransaction();
    const tx: Transaction = {
      send: ((topic: string, records: ProducerRecord | readonly ProducerRecord[]) =>
        this.send(topic, records as ProducerRecord)) as Transaction["send"],
      sendOffsets: (offsets) => this.sendOffsets(offsets),
    };
    let result: T;
    try {
      result = await fn(tx);
      await this.commitTransaction();
    } catch (e) {
      const txn = this.txn as TransactionManager;
      if (txn.state === "in_transaction" || txn.state === "abortable_error") {
        await txn.abort().catch((abortError: unknown) => {
          this.ctx.logger.warn({ error: String(abortError) }, "aborting the failed transaction failed too");
        });
      }
      throw e;
    }
    return result;
  }

  /** The transaction's state (for a transactional producer), e.g. "ready", "in_transaction". */
  get transactionState(): string | null {
    return this.txn?.state ?? null;
  }

  private transactional(what: string): TransactionManager {
    if (this.txn === null) {
      throw new TidelogError(
        "INVALID_CONFIG",
        `${what} needs a transactional producer: client.producer({ transactionalId })`,
      );
    }
    return this.txn;
  }

  /** Fenced (a newer instance took the transactional id): nothing more can be written. */
  private fenced(error: TidelogError): void {
    this.sender.abort(error);
    void this.close({ timeoutMs: 0 });
  }

  /** Bytes of records held until delivered (what bufferMemory bounds). */
  get bufferedBytes(): number {
    return this.accumulator.bufferedBytes;
  }

  send(topic: string, record: ProducerRecord): Promise<DeliveryReport>;
  send(topic: string, records: readonly ProducerRecord[]): Promise<DeliveryReport[]>;
  send(topic: string, records: ProducerRecord | readonly ProducerRecord[]): Promise<DeliveryReport | DeliveryReport[]> {
    const many = Array.isArray(records);
    return new Promise<DeliveryReport | DeliveryReport[]>((resolve, reject) => {
      const refused = this.refusal(topic, records, many);
      if (refused !== null) return reject(refused);
      if (this.txn) {
        try {
          this.txn.checkSend();
        } catch (e) {
          return reject(e);
        }
      }
      const deadlineMs = this.ctx.seams.nowMs() + this.options.maxBlockMs;
      const call = new SendCall(topic, records, many, deadlineMs, resolve, reject);
      if (call.count === 0) return resolve([]);
      this.accumulator.submit(call);
    });
  }

  /** Sends every record held now, ignoring lingerMs, and resolves when each is answered (delivered or failed). */
  async flush(): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const batch of this.accumulator.incomplete) waits.push(batch.whenDone());
    for (const call of this.accumulator.waitingSnapshot()) waits.push(call.whenSettled());
    if (waits.length === 0) return;
    this.sender.flushes++;
    this.sender.wake();
    try {
      await Promise.all(waits);
    } finally {
      this.sender.flushes--;
    }
  }

  /**
   * Refuses new sends, delivers what is held (waiting at most `timeoutMs`, default the
   * delivery timeout; what is still undelivered then fails), and closes the producer's
   * streams. Idempotent.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closed ??= this.closeOnce(options.timeoutMs ?? this.options.deliveryTimeoutMs);
    return this.closed;
  }

  /**
   * The topic's partitions and their leaders, from fresh metadata. UNKNOWN_TOPIC_OR_PARTITION
   * when it does not exist, or with `waitForTopic` when it does not within the client's
   * request timeout.
   */
  partitionsFor(topic: string): Promise<PartitionInfo[]> {
    const deadlineMs = this.ctx.seams.nowMs() + this.ctx.requestTimeoutMs;
    return this.ctx.topicMetadata.partitionsFor(topic, deadlineMs, this.options.waitForTopic);
  }

  private async closeOnce(timeoutMs: number): Promise<void> {
    this.state = "closing";
    this.sender.closing = true;
    this.sender.wake();
    let timer: NodeJS.Timeout | null = null;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const outcome = await Promise.race([this.flushAll(), timedOut]);
    if (timer) clearTimeout(timer);
    if (outcome === "timeout") {
      this.sender.abort(
        new TidelogError("REQUEST_TIMED_OUT", `the producer closed with records undelivered after ${timeoutMs} ms`),
      );
    }
    this.sender.shutdown();
    this.txn?.close();
    this.state = "closed";
    this.onClosed(this);
  }

  /** Flushes until nothing is held (sends made while closing started are included). */
  private async flushAll(): Promise<"flushed"> {
    while (this.accumulator.incomplete.size > 0 || this.accumulator.waitingCalls > 0) await this.flush();
    return "flushed";
  }

  /** Why a call is refused before any record is taken, or null. */
  private refusal(
    topic: string,
    records: ProducerRecord | readonly ProducerRecord[],
    many: boolean,
  ): TidelogError | null {
    if (this.state !== "open") return new TidelogError("INVALID_REQUEST", "the producer is closed");
    const problem = typeof topic === "string" ? topicNameProblem(topic) : "the topic must be a string";
    if (problem) return new TidelogError("INVALID_TOPIC_EXCEPTION", problem);
    if (!many) return this.recordProblem(records as ProducerRecord, 0);
    const list = records as readonly ProducerRecord[];
    for (let i = 0; i < list.length; i++) {
      const problem = this.recordProblem(list[i] as ProducerRecord, i);
      if (problem) return problem;
    }
    return null;
  }

  private recordProblem(record: ProducerRecord, i: number): TidelogError | null {
    if (typeof record !== "object" || record === null) return invalid(i, "is not an object");
    const { key, value, timestamp, partition } = record;
    if (value !== null && typeof value !== "string" && !Buffer.isBuffer(value)) {
      return invalid(i, "value must be a Buffer, a string or null");
    }
    if (key != null && typeof key !== "string" && !Buffer.isBuffer(key)) {
      return invalid(i, "key must be a Buffer, a string, null or absent");
    }
    if (timestamp !== undefined && !Number.isSafeInteger(timestamp)) return invalid(i, `timestamp ${timestamp}`);
    if (partition !== undefined && (!Number.isInteger(partition) || partition < 0 || partition > 0x7fffffff)) {
      return invalid(i, `partition ${partition}`);
    }
    const size = recordSizeUpperBound(record);
    const limit = Math.min(this.options.maxRequestBytes, this.options.bufferMemory);
    if (size > limit && exactSize(record) > limit) {
      return new TidelogError(
        "MESSAGE_TOO_LARGE",
        `record ${i} takes about ${exactSize(record)} bytes, more than maxRequestBytes/bufferMemory (${limit})`,
      );
    }
    return null;
  }
}

function invalid(i: number, detail: string): TidelogError {
  return new TidelogError("INVALID_RECORD", `record ${i}: ${detail}`);
}

/** The record's key and value bytes, exactly (strings measured as UTF-8), plus the overhead bound. */
function exactSize(record: ProducerRecord): number {
  const length = (v: ProducerRecord["key"]) =>
    v == null ? 0 : typeof v === "string" ? Buffer.byteLength(v, "utf8") : v.length;
  return recordSizeUpperBound({ value: null }) + length(record.key) + length(record.value);
}
