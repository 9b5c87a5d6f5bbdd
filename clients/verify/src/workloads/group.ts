/**
 * The group workload: one producer process (process 0, as in the queue workload) writes
 * unique values to a topic of GROUP_PARTITIONS partitions, while `clients` member
 * processes (1..clients) consume it in one consumer group. Each member lives for a random
 * 3-8 s, processing batches (a `poll` op each) and committing the positions it processed
 * (a `commit` op, at most every COMMIT_INTERVAL_MS, between polls), then ends in one of
 * two ways and joins again soon after:
 *   - leave: commits what it processed, then leaves the group;
 *   - crash: leaves without committing, as a member killed mid-work would lose its
 *     progress since its last commit (the group replays it to the next owner).
 * So partitions change hands all the time, beside whatever the nemesis does to brokers
 * and the group coordinator.
 *
 * After the faults healed: the producer stopped, members drain the topic (until what they
 * processed reaches every partition's end offset, or LIMITS.drainTimeoutMs), leave with a
 * commit, the group's committed offsets are read (`final-committed`) and every partition
 * is read from its start. The group checker (checkers/group.ts) looks for commits past
 * unprocessed records and records never processed, and counts re-deliveries.
 *
 * Members commit explicit offsets (autoCommit off): the history must say exactly what
 * each commit claimed, which automatic commits would hide.
 */
import { setMaxListeners } from "node:events";
import type { Consumer, ConsumerBatch } from "@tidelog/client";
import { GroupChecker } from "../checkers/group.js";
import type { Checker } from "../checkers/result.js";
import { LIMITS } from "../limits.js";
import type { Random } from "../random.js";
import { finalReadAll } from "./final-read.js";
import { commitCompletion } from "./outcome.js";
import { produceUntil } from "./queue.js";
import { createTopic, settledEndOffsets, until } from "./topic.js";
import { pause, type Workload, type WorkloadContext } from "./workload.js";

export const GROUP_PARTITIONS = 6;
const PRODUCER_PROCESS = 0;
const COMMIT_INTERVAL_MS = 500;
const MEMBER_LIFETIME_MS = { min: 3000, max: 8000 } as const;
const REJOIN_PAUSE_MS = { min: 200, max: 1000 } as const;
const CRASH_CHANCE = 0.4;
const MEMBER_SESSION_MS = 6000;
const MEMBER_REBALANCE_MS = 10_000;

type Ending = "leave" | "crash";

export class GroupWorkload implements Workload {
  readonly name = "group" as const;
  readonly topic: string;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly transactionalIds: readonly string[] = [];
  /** Per partition, the highest position any member processed to: how the drain knows it is done. */
  private readonly processedTo: number[] = Array.from({ length: GROUP_PARTITIONS }, () => 0);

  constructor(private readonly ctx: WorkloadContext) {
    this.topic = `verify-group-${ctx.runId}`;
    this.groupId = `verify-group-${ctx.runId}`;
    this.topics = [this.topic];
  }

  async setup(): Promise<void> {
    await createTopic(this.ctx.client.admin(), {
      name: this.topic,
      partitions: GROUP_PARTITIONS,
      brokers: this.ctx.brokers,
    });
  }

  async run(stop: AbortSignal): Promise<void> {
    const producer = produceUntil(this.ctx, {
      process: PRODUCER_PROCESS,
      topic: this.topic,
      partitions: GROUP_PARTITIONS,
      random: this.ctx.random.fork(),
      stop,
    });
    const members = Array.from({ length: this.ctx.clients }, (_, i) =>
      this.member(i + 1, this.ctx.random.fork(), stop),
    );
    await Promise.all([producer, ...members]);
  }

  /** One member process: memberships one after another until `stop`. */
  private async member(process: number, random: Random, stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      const lifetimeMs = random.int(MEMBER_LIFETIME_MS.min, MEMBER_LIFETIME_MS.max);
      const ending: Ending = random.chance(CRASH_CHANCE) ? "crash" : "leave";
      await this.membership(process, { lifetimeMs, ending, stop });
      await pause(random.int(REJOIN_PAUSE_MS.min, REJOIN_PAUSE_MS.max), stop);
    }
  }

  /** Joins, processes and commits until `lifetimeMs` passed or `stop` aborts; then ends as `ending` says. */
  private async membership(
    process: number,
    options: { lifetimeMs: number; ending: Ending; stop: AbortSignal; afterBatch?: () => void },
  ): Promise<void> {
    const { history } = this.ctx;
    const consumer = this.ctx.client.consumer({
      groupId: this.groupId,
      autoOffsetReset: "earliest",
      autoCommit: false,
      sessionTimeoutMs: MEMBER_SESSION_MS,
      rebalanceTimeoutMs: MEMBER_REBALANCE_MS,
      maxWaitMs: 200,
    });
    const owned = new Set<number>();
    const positions = new Map<number, number>();
    const release = (tps: { partition: number }[]) => {
      for (const tp of tps) {
        owned.delete(tp.partition);
        positions.delete(tp.partition);
      }
    };
    const end = () => consumer.stop();
    const lifetime = setTimeout(end, options.lifetimeMs);
    options.stop.addEventListener("abort", end, { once: true });
    try {
      const joined = history.invoke(process, "join", {});
      consumer.subscribe([this.topic], {
        onAssigned: (tps) => {
          for (const tp of tps) {
            owned.add(tp.partition);
            positions.delete(tp.partition);
          }
        },
        onRevoked: release,
        onLost: release,
      });
      history.complete(joined, "ok", {});
      await this.process(consumer, process, { owned, positions, afterBatch: options.afterBatch });
    } finally {
      clearTimeout(lifetime);
      options.stop.removeEventListener("abort", end);
    }
    if (options.ending === "leave") await this.commit(consumer, process, owned, positions);
    const left = history.invoke(process, options.ending, {});
    try {
      await consumer.close();
      history.complete(left, "ok", {});
    } catch (e) {
      history.complete(left, "info", {}, e);
    }
  }

  /** Poll ops until the consumer is stopped (or fails), with a commit between polls every COMMIT_INTERVAL_MS. */
  private async process(
    consumer: Consumer,
    process: number,
    state: { owned: Set<number>; positions: Map<number, number>; afterBatch: (() => void) | undefined },
  ): Promise<void> {
    const { history } = this.ctx;
    const batches = consumer.batches()[Symbol.asyncIterator]();
    let lastCommitMs = performance.now();
    for (;;) {
      const invocation = history.invoke(process, "poll", {});
      let result: IteratorResult<ConsumerBatch, void>;
      try {
        result = await batches.next();
      } catch (e) {
        history.complete(invocation, "info", {}, e);
        return;
      }
      if (result.done) {
        history.complete(invocation, "ok", { records: [] });
        return;
      }
      const batch = result.value;
      const records = batch.records.map((r) => [r.partition, r.offset, r.value?.toString("utf8") ?? ""] as const);
      history.complete(invocation, "ok", { records });
      const last = batch.records[batch.records.length - 1];
      if (last) {
        state.positions.set(batch.partition, last.offset + 1);
        this.processedTo[batch.partition] = Math.max(this.processedTo[batch.partition] ?? 0, last.offset + 1);
      }
      if (performance.now() - lastCommitMs >= COMMIT_INTERVAL_MS) {
        await this.commit(consumer, process, state.owned, state.positions);
        lastCommitMs = performance.now();
      }
      state.afterBatch?.();
    }
  }

  /** A commit op of the processed positions of the partitions this member owns (none: no op). */
  private async commit(consumer: Consumer, process: number, owned: Set<number>, positions: Map<number, number>) {
    const offsets = [...positions].filter(([p]) => owned.has(p)).sort(([a], [b]) => a - b);
    if (offsets.length === 0) return;
    const value = { offsets };
    const invocation = this.ctx.history.invoke(process, "commit", value);
    try {
      await consumer.commit(offsets.map(([partition, offset]) => ({ topic: this.topic, partition, offset })));
      this.ctx.history.complete(invocation, "ok", value);
    } catch (e) {
      this.ctx.history.complete(invocation, commitCompletion(e), value, e);
    }
  }

  async finish(): Promise<void> {
    const { client, history } = this.ctx;
    const admin = client.admin();
    const endOffsets = await settledEndOffsets(admin, this.topic, GROUP_PARTITIONS);
    this.ctx.log(`draining group ${this.groupId} to end offsets ${endOffsets.join(",")}`);
    const drained = () => endOffsets.every((end, p) => (this.processedTo[p] ?? 0) >= end);
    if (!drained()) {
      const done = new AbortController();
      // One listener per member on it at once (run.ts sizes the run's stop signal alike).
      setMaxListeners(this.ctx.clients + 1, done.signal);
      const afterBatch = () => {
        if (drained()) done.abort();
      };
      const members = Array.from({ length: this.ctx.clients }, (_, i) =>
        this.membership(i + 1, { lifetimeMs: LIMITS.drainTimeoutMs, ending: "leave", stop: done.signal, afterBatch }),
      );
      await Promise.all(members);
      if (!drained()) this.ctx.log(`the group did not drain within ${LIMITS.drainTimeoutMs} ms`);
    }
    const finalProcess = this.ctx.clients + 1;
    const invocation = history.invoke(finalProcess, "final-committed", {});
    try {
      const offsets = await until(
        `the committed offsets of group ${this.groupId}`,
        LIMITS.settleTimeoutMs,
        async () => {
          const found = await admin.groupOffsets(this.groupId);
          return found
            .filter((o) => o.topic === this.topic && o.committed >= 0)
            .map((o) => [o.partition, o.committed] as const)
            .sort(([a], [b]) => a - b);
        },
      );
      history.complete(invocation, "ok", { offsets });
    } catch (e) {
      history.complete(invocation, "info", {}, e);
      throw e;
    }
    await finalReadAll(client, history, {
      process: finalProcess,
      topic: this.topic,
      endOffsets,
      isolationLevel: "read_uncommitted",
    });
  }

  checker(): Checker {
    return new GroupChecker();
  }
}
