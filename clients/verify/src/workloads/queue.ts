/**
 * The queue workload: `clients` processes, each an idempotent acks=all producer of its
 * own, send unique values ("<process>:<counter>", one at a time, to a partition drawn
 * from the process's random stream) to a topic of QUEUE_PARTITIONS partitions. After the
 * faults healed, every partition is read from its start to its end offset. The queue
 * checker (checkers/queue.ts) then looks for lost, duplicated, conflicting, reordered and
 * misplaced records.
 *
 * One send at a time per producer keeps the checker's order rule simple (a producer's
 * counter order is its send order) and every op's latency honest; throughput comes from
 * the number of processes.
 */
import type { Producer } from "@tidelog/client";
import { QueueChecker } from "../checkers/queue.js";
import type { Checker } from "../checkers/result.js";
import { LIMITS } from "../limits.js";
import { queueValue } from "../op-values.js";
import type { Random } from "../random.js";
import { finalReadAll } from "./final-read.js";
import { sendCompletion } from "./outcome.js";
import { createTopic, settledEndOffsets } from "./topic.js";
import { pause, type Workload, type WorkloadContext } from "./workload.js";

export const QUEUE_PARTITIONS = 4;

/** Sends values as one producer process until `stop`; shared with the group workload. */
export async function produceUntil(
  ctx: WorkloadContext,
  options: { process: number; topic: string; partitions: number; random: Random; stop: AbortSignal },
): Promise<void> {
  const { process, topic, partitions, random, stop } = options;
  const producer: Producer = ctx.client.producer({
    acks: -1,
    idempotent: true,
    lingerMs: 0,
    deliveryTimeoutMs: LIMITS.deliveryTimeoutMs,
    requestTimeoutMs: LIMITS.requestTimeoutMs,
    maxBlockMs: LIMITS.deliveryTimeoutMs,
  });
  try {
    for (let counter = 0; !stop.aborted; counter++) {
      const v = queueValue(process, counter);
      const p = random.int(0, partitions - 1);
      const invocation = ctx.history.invoke(process, "send", { v, p });
      try {
        const report = await producer.send(topic, { value: v, partition: p });
        ctx.history.complete(invocation, "ok", { v, p: report.partition, o: report.offset });
      } catch (e) {
        ctx.history.complete(invocation, sendCompletion(e), { v, p }, e);
        await pause(LIMITS.errorBackoffMs, stop);
      }
    }
  } finally {
    await producer.close({ timeoutMs: LIMITS.deliveryTimeoutMs });
  }
}

export class QueueWorkload implements Workload {
  readonly name = "queue" as const;
  readonly topic: string;
  readonly topics: readonly string[];
  readonly transactionalIds: readonly string[] = [];

  constructor(private readonly ctx: WorkloadContext) {
    this.topic = `verify-queue-${ctx.runId}`;
    this.topics = [this.topic];
  }

  async setup(): Promise<void> {
    await createTopic(this.ctx.client.admin(), {
      name: this.topic,
      partitions: QUEUE_PARTITIONS,
      brokers: this.ctx.brokers,
    });
  }

  async run(stop: AbortSignal): Promise<void> {
    const processes = Array.from({ length: this.ctx.clients }, (_, process) =>
      produceUntil(this.ctx, {
        process,
        topic: this.topic,
        partitions: QUEUE_PARTITIONS,
        random: this.ctx.random.fork(),
        stop,
      }),
    );
    await Promise.all(processes);
  }

  async finish(): Promise<void> {
    const admin = this.ctx.client.admin();
    const endOffsets = await settledEndOffsets(admin, this.topic, QUEUE_PARTITIONS);
    this.ctx.log(`final read of ${this.topic} to end offsets ${endOffsets.join(",")}`);
    await finalReadAll(this.ctx.client, this.ctx.history, {
      process: this.ctx.clients,
      topic: this.topic,
      endOffsets,
      isolationLevel: "read_uncommitted",
    });
  }

  checker(): Checker {
    return new QueueChecker();
  }
}
