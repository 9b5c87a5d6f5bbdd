/**
 * Reads records from assigned partitions (no consumer group: the application says which
 * partitions, and where to start). Made by `client.consumer(options)`; shares the
 * client's connections, topic metadata, retry policy and logger.
 *
 *   const consumer = client.consumer({ autoOffsetReset: "earliest" });
 *   consumer.assign([{ topic: "orders", partition: 0 }]);
 *   consumer.seek({ topic: "orders", partition: 0 }, "earliest");   // or an offset, "latest", { timestamp }
 *   for await (const record of consumer) handle(record);           // until stop() or close()
 *
 *   await consumer.run({ eachBatch: async (batch) => ... });        // the same, batch by batch
 *
 * Fetching runs ahead of the application, bounded (see Fetcher); records come in offset
 * order per partition. A partition without a position starts per `autoOffsetReset`
 * (default "latest", as Kafka's). Errors the application must decide on (a partition
 * out of range with autoOffsetReset "none", a corrupt batch) are thrown from the
 * iterator or rejected from run(); the other partitions keep going.
 *
 * One reader at a time: either one run() or one iteration. stop() ends the current
 * reader (run() resolves, the iteration ends) and leaves the consumer usable; close()
 * also stops fetching and releases everything.
 */
import type { ClientContext } from "./client-context.js";
import { checkConsumerOptions, type ResolvedConsumerOptions } from "./consumer-options.js";
import type {
  ConsumerBatch,
  ConsumerOptions,
  ConsumerRecord,
  OffsetSpec,
  RunHandlers,
  TopicPartition,
} from "./consumer-types.js";
import { TidelogError } from "./errors.js";
import { Fetcher } from "./fetcher.js";
import type { PartitionInfo } from "./producer.js";

export class Consumer implements AsyncIterable<ConsumerRecord> {
  readonly options: ResolvedConsumerOptions;
  private readonly fetcher: Fetcher;
  /** Bumped by stop(): readers started before it end. */
  private readerEpoch = 0;
  private reading = false;
  private closed = false;

  /** Made by Client.consumer(). */
  constructor(
    private readonly ctx: ClientContext,
    options: ConsumerOptions = {},
    private readonly onClosed: (consumer: Consumer) => void = () => {},
  ) {
    this.options = checkConsumerOptions(options);
    this.fetcher = new Fetcher(ctx, this.options);
  }

  /** Replaces the assignment; partitions kept keep their positions, new ones start per autoOffsetReset until seek(). */
  assign(partitions: readonly TopicPartition[]): void {
    this.checkOpen();
    const seen = new Set<string>();
    for (const tp of partitions) {
      if (typeof tp.topic !== "string" || !Number.isInteger(tp.partition) || tp.partition < 0) {
        throw new TidelogError("INVALID_REQUEST", `not a topic-partition: ${JSON.stringify(tp)}`);
      }
      const key = `${tp.topic}/${tp.partition}`;
      if (seen.has(key)) throw new TidelogError("INVALID_REQUEST", `${key} is assigned twice`);
      seen.add(key);
    }
    this.fetcher.assign(partitions);
  }

  assignment(): TopicPartition[] {
    return [...this.fetcher.states.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Where the next read of `tp` starts; a lookup (earliest, latest, timestamp) happens before the first fetch. */
  seek(tp: TopicPartition, target: OffsetSpec): void {
    this.checkOpen();
    const valid =
      target === "earliest" ||
      target === "latest" ||
      (typeof target === "number" && Number.isSafeInteger(target) && target >= 0) ||
      (typeof target === "object" &&
        target !== null &&
        Number.isSafeInteger(target.timestamp) &&
        target.timestamp >= 0);
    if (!valid) throw new TidelogError("INVALID_REQUEST", `cannot seek to ${JSON.stringify(target)}`);
    this.fetcher.seek(tp, target);
  }

  /** The offset of the next record the application gets from `tp`, looking it up first if needed. */
  async position(tp: TopicPartition): Promise<number> {
    this.checkOpen();
    const state = this.fetcher.state(tp);
    const deadlineMs = this.ctx.seams.nowMs() + this.options.requestTimeoutMs;
    this.fetcher.wake();
    while (state.position === null) {
      if (state.error !== null) throw state.error;
      if (this.closed) throw new TidelogError("INVALID_REQUEST", "the consumer is closed");
      const leftMs = deadlineMs - this.ctx.seams.nowMs();
      if (leftMs <= 0) {
        throw new TidelogError(
          "REQUEST_TIMED_OUT",
          `no position for ${tp.topic}-${tp.partition} within ${this.options.requestTimeoutMs} ms`,
        );
      }
      let timer: NodeJS.Timeout | null = null;
      await Promise.race([
        this.fetcher.waitForData(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, leftMs);
        }),
      ]);
      if (timer) clearTimeout(timer);
    }
    return state.position;
  }

  /** The high watermark from the last fetch of `tp`, or -1 before one. */
  highWatermark(tp: TopicPartition): number {
    return this.fetcher.state(tp).highWatermark;
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.fetcher.pause(tp);
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.fetcher.resume(tp);
  }

  paused(): TopicPartition[] {
    return [...this.fetcher.states.values()]
      .filter((s) => s.paused)
      .map(({ topic, partition }) => ({ topic, partition }));
  }

  /** The topic's partitions and their leaders, from fresh metadata; UNKNOWN_TOPIC_OR_PARTITION when it does not exist. */
  async partitionsFor(topic: string): Promise<PartitionInfo[]> {
    const deadlineMs = this.ctx.seams.nowMs() + this.ctx.requestTimeoutMs;
    const leaders = await this.ctx.topicMetadata.describe(topic, deadlineMs);
    return leaders.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leaderId < 0 ? null : p.leaderId,
      leaderEpoch: p.leaderEpoch,
    }));
  }

  /** Batches until stop() or close(); one batch holds records of one partition. */
  async *batches(): AsyncGenerator<ConsumerBatch, void, undefined> {
    const epoch = this.beginReading();
    try {
      for (;;) {
        const batch = await this.nextBatch(epoch);
        if (batch === null) return;
        yield batch;
      }
    } finally {
      this.reading = false;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<ConsumerRecord> {
    const batches = this.batches();
    let records: ConsumerRecord[] = [];
    let i = 0;
    return {
      next: async (): Promise<IteratorResult<ConsumerRecord>> => {
        while (i >= records.length) {
          const step = await batches.next();
          if (step.done) return { done: true, value: undefined };
          records = step.value.records;
          i = 0;
        }
        return { done: false, value: records[i++]! };
      },
      return: async (): Promise<IteratorResult<ConsumerRecord>> => {
        await batches.return();
        return { done: true, value: undefined };
      },
    };
  }

  /** Hands every record (or batch) to the handlers in order until stop() or close(); rejects with a handler's or the consumer's error. */
  async run(handlers: RunHandlers): Promise<void> {
    const { eachRecord, eachBatch } = handlers;
    if (!eachRecord && !eachBatch) throw new TidelogError("INVALID_REQUEST", "run() needs eachRecord or eachBatch");
    for await (const batch of this.batches()) {
      if (eachBatch) await eachBatch(batch);
      else for (const record of batch.records) await eachRecord!(record);
    }
  }

  /** Ends the current run() or iteration; the consumer stays usable. */
  stop(): void {
    this.readerEpoch++;
    this.fetcher.notifyReaders();
  }

  /** Stops reading and fetching, and releases everything. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    this.fetcher.close();
    this.onClosed(this);
  }

  private beginReading(): number {
    this.checkOpen();
    if (this.reading)
      throw new TidelogError(
        "INVALID_REQUEST",
        "the consumer is already being read (one run() or iteration at a time)",
      );
    this.reading = true;
    this.fetcher.wake();
    return this.readerEpoch;
  }

  private async nextBatch(epoch: number): Promise<ConsumerBatch | null> {
    for (;;) {
      if (this.closed || this.readerEpoch !== epoch) return null;
      const batch = this.fetcher.nextBatch();
      if (batch !== null) return batch;
      await this.fetcher.waitForData();
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new TidelogError("INVALID_REQUEST", "the consumer is closed");
  }
}
