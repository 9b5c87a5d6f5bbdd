/**
 * The txn workload: `clients` writer processes, each a transactional producer of its own
 * transactional id, run one transaction at a time: one record on each of 2-3 partitions
 * (drawn at random) of a topic of TXN_PARTITIONS partitions, then a commit (80%) or an
 * abort (20%). TXN_READERS reader processes poll the topic read_committed from the start
 * all along. After the faults healed and every transaction ended, each partition is read
 * once more, read_committed, to its end. The txn checker (checkers/txn.ts) looks for
 * aborted reads, torn transactions and lost commits.
 *
 * How a transaction's outcome is decided, conservatively:
 *   - committed (ok): commitTransaction() resolved;
 *   - aborted (ok, outcome aborted): aborted on purpose and abortTransaction() resolved;
 *   - aborted (fail): the commit was never asked for (a send failed, or the intent was to
 *     abort), since only EndTxn(commit) can commit; or the commit failed and the abort
 *     that followed succeeded (the coordinator refuses to abort a decided commit);
 *   - indeterminate (info): the commit failed and so did the abort.
 * After an indeterminate transaction or a fenced producer, the process makes a new
 * producer with the same transactional id: its initTransactions() ends what the old one
 * left (finishes a decided commit, aborts the rest).
 */
import type { Consumer, ConsumerBatch, Producer } from "@tidelog/client";
import type { Checker } from "../checkers/result.js";
import { TxnChecker } from "../checkers/txn.js";
import type { Completion } from "../history.js";
import { LIMITS } from "../limits.js";
import { type TxnIntent, txnValue } from "../op-values.js";
import type { Random } from "../random.js";
import { finalReadAll } from "./final-read.js";
import { createTopic, settledEndOffsets } from "./topic.js";
import { pause, type Workload, type WorkloadContext } from "./workload.js";

export const TXN_PARTITIONS = 6;
export const TXN_READERS = 2;
const COMMIT_CHANCE = 0.8;

export class TxnWorkload implements Workload {
  readonly name = "txn" as const;
  readonly topic: string;
  readonly topics: readonly string[];
  readonly transactionalIds: readonly string[];

  constructor(private readonly ctx: WorkloadContext) {
    this.topic = `verify-txn-${ctx.runId}`;
    this.topics = [this.topic];
    this.transactionalIds = Array.from({ length: ctx.clients }, (_, process) => this.transactionalId(process));
  }

  private transactionalId(process: number): string {
    return `verify-${this.ctx.runId}-${process}`;
  }

  async setup(): Promise<void> {
    await createTopic(this.ctx.client.admin(), {
      name: this.topic,
      partitions: TXN_PARTITIONS,
      brokers: this.ctx.brokers,
    });
  }

  async run(stop: AbortSignal): Promise<void> {
    const writers = Array.from({ length: this.ctx.clients }, (_, process) =>
      this.writer(process, this.ctx.random.fork(), stop),
    );
    const readers = Array.from({ length: TXN_READERS }, (_, i) => this.reader(this.ctx.clients + i, stop));
    await Promise.all([...writers, ...readers]);
  }

  private newProducer(process: number): Producer {
    return this.ctx.client.producer({
      transactionalId: this.transactionalId(process),
      transactionTimeoutMs: LIMITS.transactionTimeoutMs,
      lingerMs: 0,
      deliveryTimeoutMs: LIMITS.deliveryTimeoutMs,
      requestTimeoutMs: LIMITS.requestTimeoutMs,
      maxBlockMs: LIMITS.deliveryTimeoutMs,
    });
  }

  private async writer(process: number, random: Random, stop: AbortSignal): Promise<void> {
    let producer = this.newProducer(process);
    try {
      for (let counter = 0; !stop.aborted; counter++) {
        // Registering the id writes nothing: it happens outside any op, retried until it works.
        try {
          await producer.initTransactions();
        } catch {
          producer = await this.replace(producer, process);
          await pause(LIMITS.errorBackoffMs, stop);
          continue;
        }
        const txn = `${process}-${counter}`;
        const size = random.int(2, Math.min(3, TXN_PARTITIONS));
        const partitions = random.sample(
          Array.from({ length: TXN_PARTITIONS }, (_, p) => p),
          size,
        );
        const intent: TxnIntent = random.chance(COMMIT_CHANCE) ? "commit" : "abort";
        const outcome = await this.transaction(producer, txn, partitions, intent, process);
        if (outcome === "info" || producer.transactionState !== "ready") {
          producer = await this.replace(producer, process);
        }
        if (outcome !== "ok") await pause(LIMITS.errorBackoffMs, stop);
      }
    } finally {
      await producer.close({ timeoutMs: 0 });
    }
  }

  private async replace(producer: Producer, process: number): Promise<Producer> {
    await producer.close({ timeoutMs: 0 });
    return this.newProducer(process);
  }

  private async transaction(
    producer: Producer,
    txn: string,
    partitions: readonly number[],
    intent: TxnIntent,
    process: number,
  ): Promise<Completion> {
    const writes = partitions.map((p, i) => [p, txnValue({ txn, i, n: partitions.length, partitions })] as const);
    const invocation = this.ctx.history.invoke(process, "txn", { txn, intent, writes });
    const done = (type: Completion, outcome?: "committed" | "aborted", error?: unknown): Completion => {
      this.ctx.history.complete(invocation, type, outcome ? { txn, outcome } : { txn }, error);
      return type;
    };
    try {
      producer.beginTransaction();
      await Promise.all(writes.map(([p, v]) => producer.send(this.topic, { value: v, partition: p })));
    } catch (e) {
      // The commit was never asked for: whatever the abort does, this transaction cannot commit.
      await producer.abortTransaction().catch(() => {});
      return done("fail", "aborted", e);
    }
    if (intent === "abort") {
      try {
        await producer.abortTransaction();
        return done("ok", "aborted");
      } catch (e) {
        return done("fail", "aborted", e);
      }
    }
    try {
      await producer.commitTransaction();
      return done("ok", "committed");
    } catch (commitError) {
      try {
        await producer.abortTransaction();
        return done("fail", "aborted", commitError);
      } catch {
        return done("info", undefined, commitError);
      }
    }
  }

  /** Polls every partition read_committed from the start, one poll op per batch handed out. */
  private async reader(process: number, stop: AbortSignal): Promise<void> {
    const next = new Map<number, number>();
    while (!stop.aborted) {
      const consumer: Consumer = this.ctx.client.consumer({ isolationLevel: "read_committed", maxWaitMs: 200 });
      const onStop = () => consumer.stop();
      stop.addEventListener("abort", onStop, { once: true });
      try {
        const tps = Array.from({ length: TXN_PARTITIONS }, (_, partition) => ({ topic: this.topic, partition }));
        consumer.assign(tps);
        for (const tp of tps) consumer.seek(tp, next.get(tp.partition) ?? "earliest");
        await this.poll(consumer, process, next);
      } finally {
        stop.removeEventListener("abort", onStop);
        await consumer.close();
      }
      if (!stop.aborted) await pause(LIMITS.errorBackoffMs, stop);
    }
  }

  /** Poll ops until the consumer stops (ok, nothing read) or throws (info: the reader starts over where it was). */
  private async poll(consumer: Consumer, process: number, next: Map<number, number>): Promise<void> {
    const batches = consumer.batches()[Symbol.asyncIterator]();
    for (;;) {
      const invocation = this.ctx.history.invoke(process, "poll", {});
      let result: IteratorResult<ConsumerBatch, void>;
      try {
        result = await batches.next();
      } catch (e) {
        this.ctx.history.complete(invocation, "info", {}, e);
        return;
      }
      if (result.done) {
        this.ctx.history.complete(invocation, "ok", { records: [] });
        return;
      }
      const batch = result.value;
      const records = batch.records.map((r) => [r.partition, r.offset, r.value?.toString("utf8") ?? ""] as const);
      this.ctx.history.complete(invocation, "ok", { records });
      const last = batch.records[batch.records.length - 1];
      if (last) next.set(batch.partition, last.offset + 1);
    }
  }

  async finish(): Promise<void> {
    const admin = this.ctx.client.admin();
    const endOffsets = await settledEndOffsets(admin, this.topic, TXN_PARTITIONS);
    this.ctx.log(`final read_committed read of ${this.topic} to end offsets ${endOffsets.join(",")}`);
    await finalReadAll(this.ctx.client, this.ctx.history, {
      process: this.ctx.clients + TXN_READERS,
      topic: this.topic,
      endOffsets,
      isolationLevel: "read_committed",
    });
  }

  checker(): Checker {
    return new TxnChecker();
  }
}
