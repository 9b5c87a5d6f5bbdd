/**
 * The controller's reassignment operations: start or cancel moves of partitions to new
 * replicas (the rules in partition-reassignment.ts), and the step that completes them,
 * which the controller's reconciliation takes for every partition whose move has caught
 * up. Everything is in etcd (the topic record's `reassignments`), so a move survives a
 * controller failover or a broker restart: whichever controller is active completes it.
 *
 * Requests run in the controller's queue and write by fenced compare-and-swap, one write
 * per topic for all of its items, so a large plan costs a few etcd transactions rather
 * than one per partition.
 */
import { TidelogError } from "@tidelog/client/record";
import type { Logger } from "../common/logger.js";
import type { MetadataImage, Versioned } from "./metadata-image.js";
import type { KvOp } from "./metadata-kv.js";
import { keys, type PartitionState, type TopicRecord } from "./metadata-records.js";
import type { MetadataWatch } from "./metadata-store.js";
import { describeStateChange, type ElectionInputs } from "./partition-leader-election.js";
import { cancelReassignment, completeReassignment, replicasDuring, targetProblem } from "./partition-reassignment.js";
import type { ControllerCore } from "./topic-operations.js";

/** One partition to move (`target`) or whose move to cancel (`target` null). */
export interface ReassignmentItem {
  readonly topic: string;
  readonly partition: number;
  readonly target: readonly number[] | null;
}

export interface ReassignmentResult {
  readonly topic: string;
  readonly partition: number;
  readonly error: TidelogError | null;
}

/** A move in progress, as ListPartitionReassignments answers it. */
export interface OngoingReassignment {
  readonly topic: string;
  readonly partition: number;
  readonly original: readonly number[];
  readonly target: readonly number[];
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly leader: number;
}

/** Completions per topic written in one etcd transaction (with the topic record, under etcd's 128 operations). */
const COMPLETIONS_PER_TXN = 50;

export interface ReassignmentOperationsOptions {
  readonly watch: MetadataWatch;
  /** A topic's min.insync.replicas in `image` (its config, else the broker default). */
  readonly minIsr: (image: MetadataImage, topic: string) => number;
  readonly logger: Logger;
}

export class ReassignmentOperations {
  constructor(
    private readonly core: ControllerCore,
    private readonly options: ReassignmentOperationsOptions,
  ) {}

  /**
   * Starts or cancels the moves in `items`; one result per item, in order. Sets the
   * reassignment throttle first: `throttleBytesPerSecond` > 0 sets it, 0 removes it, -1
   * leaves it.
   */
  alter(items: readonly ReassignmentItem[], throttleBytesPerSecond = -1): Promise<ReassignmentResult[]> {
    return this.core.enqueue(async () => {
      this.core.requireActive();
      if (!Number.isSafeInteger(throttleBytesPerSecond) || throttleBytesPerSecond < -1)
        throw new TidelogError(
          "INVALID_REQUEST",
          `the throttle must be bytes per second (0 for none), got ${throttleBytesPerSecond}`,
        );
      if (throttleBytesPerSecond >= 0) {
        const key = keys.reassignmentThrottle;
        const op =
          throttleBytesPerSecond === 0
            ? this.core.deleteKey(key)
            : this.core.put(key, { bytesPerSecond: throttleBytesPerSecond });
        const res = await this.core.fencedTxn([], [op]);
        await this.core.awaitImage(res.revision);
        this.options.logger.info({ bytesPerSecond: throttleBytesPerSecond }, "reassignment throttle set");
      }
      const byTopic = new Map<string, number[]>();
      items.forEach((item, i) => {
        const list = byTopic.get(item.topic);
        if (list) list.push(i);
        else byTopic.set(item.topic, [i]);
      });
      const results: ReassignmentResult[] = items.map((i) => ({ topic: i.topic, partition: i.partition, error: null }));
      for (const [topic, indexes] of byTopic) {
        const errors = await this.alterTopic(
          topic,
          indexes.map((i) => items[i] as ReassignmentItem),
        );
        indexes.forEach((itemIndex, n) => {
          results[itemIndex] = {
            topic,
            partition: (items[itemIndex] as ReassignmentItem).partition,
            error: errors[n] ?? null,
          };
        });
      }
      return results;
    });
  }

  /** The moves in progress, by topic and partition (all topics when `topics` is empty). */
  static list(image: MetadataImage, topics: readonly string[] = []): OngoingReassignment[] {
    const out: OngoingReassignment[] = [];
    for (const t of image.topics.values()) {
      if (topics.length > 0 && !topics.includes(t.value.name)) continue;
      for (const [p, r] of Object.entries(t.value.reassignments ?? {})) {
        const partition = Number(p);
        const state = image.partitionState(t.value.name, partition)?.value;
        out.push({
          topic: t.value.name,
          partition,
          original: r.original,
          target: r.target,
          replicas: t.value.assignment[partition] ?? [],
          isr: state?.isr ?? [],
          leader: state?.leader ?? -1,
        });
      }
    }
    return out.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  /**
   * Completions the reconciliation should write for the partitions of `image` whose
   * moves have caught up: per topic, one fenced transaction replacing the topic record
   * and the partitions' states.
   */
  completions(image: MetadataImage, inputsFor: (topic: string, replicas: readonly number[]) => ElectionInputs) {
    const writes: { compares: { key: string; target: "Mod"; value: number }[]; ops: KvOp[]; what: string[] }[] = [];
    for (const t of image.topics.values()) {
      const moves = Object.entries(t.value.reassignments ?? {});
      if (moves.length === 0) continue;
      const record: TopicRecord = structuredClone(t.value);
      const compares = [{ key: keys.topic(t.value.name), target: "Mod" as const, value: t.modRevision }];
      const ops: KvOp[] = [];
      const what: string[] = [];
      for (const [p, r] of moves) {
        if (what.length >= COMPLETIONS_PER_TXN) break;
        const partition = Number(p);
        const state = image.partitionState(t.value.name, partition);
        const replicas = t.value.assignment[partition];
        if (!state || !replicas) continue;
        const step = completeReassignment(state.value, r, inputsFor(t.value.name, replicas));
        if (step.kind === "wait") continue;
        this.settle(record, partition, step.replicas, state, step.state, compares, ops);
        what.push(
          `${describeStateChange(keys.partition(t.value.name, partition), state.value, step.state)}; reassignment [${r.original}] -> [${r.target}] complete`,
        );
      }
      if (ops.length > 0)
        writes.push({ compares, ops: [this.core.put(keys.topic(record.name), record), ...ops], what });
    }
    return writes;
  }

  private async alterTopic(topic: string, items: readonly ReassignmentItem[]): Promise<(TidelogError | null)[]> {
    const image = await this.core.adminImage();
    const current = image.topics.get(topic);
    if (!current)
      return items.map(() => new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `topic '${topic}' does not exist`));
    const record: TopicRecord = structuredClone(current.value);
    const compares = [{ key: keys.topic(topic), target: "Mod" as const, value: current.modRevision }];
    const ops: KvOp[] = [];
    const minIsr = this.options.minIsr(image, topic);
    const registered = image.liveBrokerIds();
    const inputs = (replicas: readonly number[]): ElectionInputs => ({
      replicas,
      alive: registered,
      storageFailed: image.ineligibleBrokers(),
      brokerEpochs: image.brokerIncarnations(),
      minIsr,
    });
    const errors = items.map((item): TidelogError | null => {
      const replicas = record.assignment[item.partition];
      const state = image.partitionState(topic, item.partition);
      if (!Number.isSafeInteger(item.partition) || !replicas || !state)
        return new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `${topic}-${item.partition} does not exist`);
      const ongoing = record.reassignments?.[String(item.partition)];
      if (item.target === null) {
        if (!ongoing)
          return new TidelogError("NO_REASSIGNMENT_IN_PROGRESS", `${topic}-${item.partition} is not being reassigned`);
        const step = cancelReassignment(state.value, ongoing, inputs(replicas));
        if (step.kind !== "done") return new TidelogError("INVALID_REPLICA_ASSIGNMENT", step.why);
        this.settle(record, item.partition, step.replicas, state, step.state, compares, ops);
        return null;
      }
      if (ongoing) {
        return new TidelogError(
          "REASSIGNMENT_IN_PROGRESS",
          `${topic}-${item.partition} is moving from [${ongoing.original}] to [${ongoing.target}]; cancel it first`,
        );
      }
      const problem = targetProblem(item.target, registered, minIsr);
      if (problem) return new TidelogError("INVALID_REPLICA_ASSIGNMENT", `${topic}-${item.partition}: ${problem}`);
      const sameSet = item.target.length === replicas.length && item.target.every((b) => replicas.includes(b));
      // Only the order changes (the preferred leader): nothing moves, so nothing to wait for.
      if (sameSet) record.assignment[item.partition] = [...item.target];
      else {
        const move = { original: [...replicas], target: [...item.target] };
        record.assignment[item.partition] = replicasDuring(move);
        record.reassignments = { ...record.reassignments, [String(item.partition)]: move };
      }
      return null;
    });
    if (errors.every((e) => e !== null)) return errors;
    const res = await this.core.fencedTxn(compares, [this.core.put(keys.topic(topic), record), ...ops]);
    if (!res.ok) {
      const conflict = new TidelogError("REASSIGNMENT_IN_PROGRESS", `topic '${topic}' changed concurrently; try again`);
      return errors.map((e) => e ?? conflict);
    }
    this.options.logger.info(
      {
        topic,
        moves: items
          .filter((_, i) => errors[i] === null)
          .map((i) => `${i.partition}: ${i.target === null ? "cancel" : `[${i.target}]`}`)
          .slice(0, 20),
      },
      "partition reassignment changed",
    );
    await this.core.awaitImage(res.revision);
    return errors;
  }

  /** Makes `replicas` partition `partition`'s whole replica list in `record`, with `after` as its state. */
  private settle(
    record: TopicRecord,
    partition: number,
    replicas: readonly number[],
    before: Versioned<PartitionState>,
    after: PartitionState,
    compares: { key: string; target: "Mod"; value: number }[],
    ops: KvOp[],
  ): void {
    record.assignment[partition] = [...replicas];
    const { [String(partition)]: _done, ...rest } = record.reassignments ?? {};
    if (Object.keys(rest).length > 0) record.reassignments = rest;
    else delete record.reassignments;
    const key = keys.partition(record.name, partition);
    compares.push({ key, target: "Mod", value: before.modRevision });
    ops.push(this.core.put(key, after));
  }
}
