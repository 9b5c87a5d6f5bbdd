/**
 * A pipeline processor: its own process, started (and kill -9'd, and restarted) by the
 * pipeline and at-least-once demos. One member of the consumer group reading `orders`;
 * for each batch of orders it writes each order's output (the customer's running total)
 * to `totals`, then records its progress:
 *
 *   exactly-once:  begin; send outputs; sendOffsets(offsets + totals); commit
 *   at-least-once: send outputs (idempotent, acks=all); commit offsets + totals
 *
 * State: each customer's running total lives in the committed offset's metadata (a few
 * bytes per customer of the partition), so it is committed, or not, together with the
 * offsets: a partition's new owner, or this process after a restart, starts from the
 * committed offset with the totals as of that offset. With transactions that makes the
 * state exactly-once too; without, a crash between producing and committing replays the
 * batch with the state as it was before it, which duplicates outputs (each with the same
 * running total as its first copy).
 *
 * Offsets are given explicitly (the batch's last offset + 1) with the member id and
 * epoch from `consumer.transactionOffsets()` (KIP-447 fencing): inside the batch handler
 * the consumer's own processed position is still the previous batch's.
 *
 * Restarted under the same transactional id, initTransactions fences the dead
 * incarnation and aborts its open transaction before this one subscribes, so its pending
 * offsets never block the group. The demo can "arm" a processor: its next batch is
 * written but not committed, it reports "holding", and waits to be killed (the worst
 * moment for a crash). Failures end the process (status 1); the demo restarts it.
 */
import { Client, type Consumer, type ConsumerBatch, type Producer, type TopicPartition } from "@tidelog/client";
import { childArgs, listen, report } from "../child-runtime.js";
import { demoClientOptions } from "../client-options.js";
import type { ProcessorArgs, ProcessorCommand, ProcessorReport } from "./processor-protocol.js";
import { type PartitionTotals, parseOrder, parseTotals } from "./records.js";

/** How long an armed processor holds its transaction open waiting to be killed before it gives up. */
const HOLD_MAX_MS = 30_000;

class Processor {
  private readonly client: Client;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly exactlyOnce: boolean;
  /** Per owned partition: its customers' running totals, read from the committed offset's metadata. */
  private readonly totals = new Map<number, Promise<PartitionTotals>>();
  private armed = false;
  private counts = { orders: 0, outputs: 0, batches: 0 };

  constructor(private readonly args: ProcessorArgs) {
    this.exactlyOnce = args.delivery === "exactly-once";
    this.client = new Client(demoClientOptions(args.bootstrap, `demo-processor-${args.instance}`));
    this.producer = this.exactlyOnce
      ? this.client.producer({ transactionalId: args.transactionalId, transactionTimeoutMs: 10_000, lingerMs: 1 })
      : this.client.producer({ lingerMs: 1 });
    this.consumer = this.client.consumer({
      groupId: args.groupId,
      groupInstanceId: args.instance,
      autoCommit: false,
      autoOffsetReset: "earliest",
      isolationLevel: "read_committed",
      sessionTimeoutMs: args.sessionTimeoutMs,
      maxWaitMs: 200,
    });
  }

  arm(): void {
    this.armed = true;
  }

  async run(): Promise<void> {
    if (this.exactlyOnce) await this.producer.initTransactions();
    this.consumer.subscribe([this.args.orders], {
      onAssigned: (tps) => this.onAssigned(tps),
      onRevoked: (tps) => this.forget("revoked", tps),
      onLost: (tps) => this.forget("revoked", tps),
    });
    report({ type: "ready" } satisfies ProcessorReport);
    await this.consumer.run({ eachBatch: (batch) => this.process(batch) });
  }

  async close(): Promise<void> {
    await this.consumer.close();
    await this.client.close();
  }

  private onAssigned(tps: TopicPartition[]): void {
    for (const tp of tps) {
      // Set before any batch of the partition can be handed out (the consumer calls this first).
      this.totals.set(
        tp.partition,
        this.consumer.committed([tp]).then((c) => parseTotals(c[0]?.metadata ?? "")),
      );
    }
    report({ type: "assigned", partitions: tps.map((tp) => tp.partition) } satisfies ProcessorReport);
  }

  private forget(type: "revoked", tps: TopicPartition[]): void {
    for (const tp of tps) this.totals.delete(tp.partition);
    report({ type, partitions: tps.map((tp) => tp.partition) } satisfies ProcessorReport);
  }

  private async process(batch: ConsumerBatch): Promise<void> {
    const before = this.totals.get(batch.partition);
    if (before === undefined)
      throw new Error(`a batch of orders-${batch.partition}, which this processor does not own`);
    const state: PartitionTotals = { ...(await before) };
    const by = `${this.args.instance}#${this.args.incarnation}`;
    const outputs = batch.records.map((r) => {
      const order = parseOrder(r.value?.toString() ?? "");
      const total = (state[order.customer] ?? 0) + order.amount;
      state[order.customer] = total;
      const value = JSON.stringify({ order: order.id, customer: order.customer, amount: order.amount, total, by });
      return { key: order.customer, value, partition: batch.partition };
    });
    const last = batch.records[batch.records.length - 1]!;
    const next = {
      topic: batch.topic,
      partition: batch.partition,
      offset: last.offset + 1,
      metadata: JSON.stringify(state),
    };
    if (this.exactlyOnce) {
      this.producer.beginTransaction();
      await this.producer.send(this.args.totals, outputs);
      await this.producer.sendOffsets({ ...this.consumer.transactionOffsets(), offsets: [next] });
      await this.holdIfArmed(batch, outputs.length);
      await this.producer.commitTransaction();
    } else {
      await this.producer.send(this.args.totals, outputs);
      await this.holdIfArmed(batch, outputs.length);
      await this.consumer.commit([next]);
    }
    this.totals.set(batch.partition, Promise.resolve(state));
    this.counts = {
      orders: this.counts.orders + batch.records.length,
      outputs: this.counts.outputs + outputs.length,
      batches: this.counts.batches + 1,
    };
    report({ type: "progress", ...this.counts } satisfies ProcessorReport);
  }

  private async holdIfArmed(batch: ConsumerBatch, outputs: number): Promise<void> {
    if (!this.armed) return;
    const ids = batch.records.map((r) => parseOrder(r.value?.toString() ?? "").id);
    report({
      type: "holding",
      partition: batch.partition,
      outputs,
      firstOrder: Math.min(...ids),
      lastOrder: Math.max(...ids),
    } satisfies ProcessorReport);
    await new Promise((resolve) => setTimeout(resolve, HOLD_MAX_MS));
    throw new Error(`armed and holding for ${HOLD_MAX_MS} ms, but the demo did not kill this process`);
  }
}

const processor = new Processor(childArgs<ProcessorArgs>());
listen<ProcessorCommand>((m) => {
  if (m.type === "arm") processor.arm();
});
process.once("SIGTERM", () => {
  processor.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
try {
  await processor.run();
} catch (e) {
  report({ type: "failed", error: e instanceof Error ? e.message : String(e) } satisfies ProcessorReport);
  process.exit(1);
}
