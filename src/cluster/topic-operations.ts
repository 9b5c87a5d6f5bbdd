/**
 * The controller's topic operations: create, delete, add partitions, alter configs,
 * preferred-leader election and the internal topics brokers ask for. Each runs in the
 * controller's queue, decides on etcd's current metadata, and writes by a fenced
 * compare-and-swap (controller.ts), so a deposed controller changes nothing and a
 * concurrent change is refused rather than overwritten. Items of one request get one
 * result each.
 */
import { randomUUID } from "node:crypto";
import { isInternalTopic, topicNameProblem } from "@tidelog/client/protocol";
import { type ErrorName, TidelogError } from "@tidelog/client/record";
import type { Logger } from "../common/logger.js";
import { type LogConfig, logConfigFromProperties } from "../storage/log-config.js";
import type { MetadataImage } from "./metadata-image.js";
import type { KvOp } from "./metadata-kv.js";
import { keys, type PartitionState, type TopicRecord } from "./metadata-records.js";
import type { MetadataWatch } from "./metadata-store.js";
import {
  describeStateChange,
  electPreferred,
  restartedIsrMembers,
  stampBrokerEpochs,
} from "./partition-leader-election.js";
import { assignReplicas, validateAssignment } from "./replica-assignment.js";

export interface NewTopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
  readonly assignment?: readonly (readonly number[])[];
}

export type ItemResult = { ok: true; topicId?: string } | { ok: false; error: TidelogError };

export interface AdminCall {
  abandoned(): boolean;
}

export interface ConfigAlteration {
  readonly name: string;
  readonly set: Readonly<Record<string, string>>;
  readonly delete: readonly string[];
}

export interface ElectionResult {
  readonly topic: string;
  readonly partition: number;
  readonly leader: number;
  readonly error: TidelogError | null;
}

/** What topic operations need of the controller: its queue and its fenced writes. */
export interface ControllerCore {
  /** Runs `fn` after everything queued before it. */
  enqueue<T>(fn: () => Promise<T>): Promise<T>;
  /** Throws NOT_CONTROLLER unless this broker is the active controller. */
  requireActive(): void;
  /** Commits `ops` if still the controller and every compare holds; ok false on a conflict. */
  fencedTxn(
    compares: readonly { key: string; target: "Create" | "Mod"; value: number }[],
    ops: readonly KvOp[],
  ): Promise<{ ok: boolean; revision: number }>;
  put(key: string, value: unknown): KvOp;
  deleteKey(key: string): KvOp;
  deletePrefix(prefix: string): KvOp;
  /** Waits until the watched image has seen `revision`. */
  awaitImage(revision: number): Promise<MetadataImage>;
  /**
   * What an admin operation decides on: etcd's current metadata, so a broker that has just
   * registered counts as live and a topic just created by someone else is seen (the
   * compare-and-swap on the write still guards against anything changing after this
   * read); METADATA_UNAVAILABLE while etcd is unreachable.
   */
  adminImage(): Promise<MetadataImage>;
  /** Writes every partition state that differs from what the image says it should be. */
  reconcile(): Promise<void>;
}

export interface TopicOperationsOptions {
  readonly watch: MetadataWatch;
  readonly defaultPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly logDefaults: LogConfig;
  readonly logger: Logger;
  readonly random: () => number;
  readonly onLeaderElections?: (count: number) => void;
}

const NEVER_ABANDONED: AdminCall = { abandoned: () => false };

/** Most partitions one topic may have: bounds metadata size and one request's work. */
export const PARTITIONS_PER_TOPIC_MAX = 10_000;

export class TopicOperations {
  constructor(
    private readonly core: ControllerCore,
    private readonly options: TopicOperationsOptions,
  ) {}

  /** Creates topics; each gets its own result. */
  createTopics(
    specs: readonly NewTopicSpec[],
    validateOnly: boolean,
    call: AdminCall = NEVER_ABANDONED,
  ): Promise<ItemResult[]> {
    return this.runItems(specs, call, (spec) => this.createTopic(spec, validateOnly));
  }

  /** Runs an admin operation's items one by one, in the queue, each with its own result. */
  private runItems<T>(
    items: readonly T[],
    call: AdminCall,
    fn: (item: T) => Promise<ItemResult>,
  ): Promise<ItemResult[]> {
    return this.core.enqueue(async () => {
      this.core.requireActive();
      const results: ItemResult[] = [];
      for (const item of items) results.push(await this.tryItem(call, () => fn(item)));
      return results;
    });
  }

  private async createTopic(spec: NewTopicSpec, validateOnly: boolean): Promise<ItemResult> {
    const image = await this.core.adminImage();
    const problem = topicNameProblem(spec.name);
    if (problem) throw new TidelogError("INVALID_TOPIC_EXCEPTION", problem);
    if (isInternalTopic(spec.name)) {
      throw new TidelogError(
        "INVALID_TOPIC_EXCEPTION",
        `topic names starting with '__' are reserved for internal topics`,
      );
    }
    if (image.topics.has(spec.name))
      throw new TidelogError("TOPIC_ALREADY_EXISTS", `topic '${spec.name}' already exists`);
    const collision = [...image.topics.keys()].find((t) => t.replace(/\./g, "_") === spec.name.replace(/\./g, "_"));
    if (collision) {
      throw new TidelogError(
        "INVALID_TOPIC_EXCEPTION",
        `topic '${spec.name}' collides with '${collision}' ('.' and '_' are interchangeable in metric names)`,
      );
    }
    logConfigFromProperties(spec.configs, this.options.logDefaults);
    const assignment = this.assignmentFor(spec, image);
    const record: TopicRecord = {
      name: spec.name,
      topicId: randomUUID(),
      assignment,
      configs: { ...spec.configs },
      internal: false,
    };
    if (validateOnly) return { ok: true, topicId: record.topicId };
    return this.writeTopic(record, { target: "Create", value: 0 }, "TOPIC_ALREADY_EXISTS");
  }

  private assignmentFor(spec: NewTopicSpec, image: MetadataImage): number[][] {
    const alive = image.liveBrokerIds();
    if (spec.assignment && spec.assignment.length > 0) {
      validateAssignment(spec.assignment, alive);
      checkPartitionCount(spec.assignment.length);
      return spec.assignment.map((r) => [...r]);
    }
    const partitions = spec.partitions > 0 ? spec.partitions : this.options.defaultPartitions;
    const replicationFactor =
      spec.replicationFactor > 0 ? spec.replicationFactor : this.options.defaultReplicationFactor;
    checkPartitionCount(partitions);
    return assignReplicas({
      partitions,
      replicationFactor,
      brokers: [...image.brokers.values()].map((b) => ({ id: b.value.id, rack: b.value.rack })),
      random: this.options.random,
    });
  }

  /** Writes a topic record by CAS, then waits until its partitions have states. */
  private async writeTopic(
    record: TopicRecord,
    compare: { target: "Create" | "Mod"; value: number },
    conflictCode: ErrorName,
  ): Promise<ItemResult> {
    const key = keys.topic(record.name);
    const res = await this.core.fencedTxn([{ key, ...compare }], [this.core.put(key, record)]);
    if (!res.ok) throw new TidelogError(conflictCode, `topic '${record.name}' changed concurrently; try again`);
    this.options.logger.info({ topic: record.name, partitions: record.assignment.length }, "topic written");
    await this.core.awaitImage(res.revision);
    await this.core.reconcile();
    return { ok: true, topicId: record.topicId };
  }

  /**
   * Creates an internal topic (such as __consumer_offsets) unless it exists, with
   * min(`replicationFactor`, live brokers) replicas: brokers ask for it on first use.
   */
  ensureInternalTopic(spec: NewTopicSpec): Promise<ItemResult> {
    return this.core.enqueue(async () => {
      this.core.requireActive();
      const image = await this.core.adminImage();
      const existing = image.topics.get(spec.name);
      if (existing) return { ok: true, topicId: existing.value.topicId };
      const live = image.liveBrokerIds().size;
      if (live === 0) throw new TidelogError("COORDINATOR_NOT_AVAILABLE", "no live brokers");
      const record: TopicRecord = {
        name: spec.name,
        topicId: randomUUID(),
        assignment: this.assignmentFor({ ...spec, replicationFactor: Math.min(spec.replicationFactor, live) }, image),
        configs: { ...spec.configs },
        internal: true,
      };
      return this.writeTopic(record, { target: "Create", value: 0 }, "TOPIC_ALREADY_EXISTS");
    });
  }

  deleteTopics(names: readonly string[], call: AdminCall = NEVER_ABANDONED): Promise<ItemResult[]> {
    return this.runItems(names, call, (name) => this.deleteTopic(name));
  }

  private async deleteTopic(name: string): Promise<ItemResult> {
    const topic = (await this.core.adminImage()).topics.get(name);
    if (!topic) throw new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `topic '${name}' does not exist`);
    if (topic.value.internal)
      throw new TidelogError("INVALID_TOPIC_EXCEPTION", `internal topic '${name}' cannot be deleted`);
    const res = await this.core.fencedTxn(
      [{ key: keys.topic(name), target: "Mod", value: topic.modRevision }],
      [this.core.deleteKey(keys.topic(name)), this.core.deletePrefix(keys.topicPartitionsPrefix(name))],
    );
    if (!res.ok)
      throw new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `topic '${name}' changed concurrently; try again`);
    this.options.logger.info({ topic: name, topicId: topic.value.topicId }, "topic deleted");
    await this.core.awaitImage(res.revision);
    return { ok: true, topicId: topic.value.topicId };
  }

  createPartitions(
    increases: readonly { name: string; totalCount: number }[],
    validateOnly: boolean,
    call: AdminCall = NEVER_ABANDONED,
  ): Promise<ItemResult[]> {
    return this.runItems(increases, call, (inc) => this.addPartitions(inc.name, inc.totalCount, validateOnly));
  }

  private async addPartitions(name: string, totalCount: number, validateOnly: boolean): Promise<ItemResult> {
    const image = await this.core.adminImage();
    const topic = image.topics.get(name);
    if (!topic) throw new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `topic '${name}' does not exist`);
    if (topic.value.internal) {
      // Groups are placed by hash mod the partition count: changing it would move them.
      throw new TidelogError("INVALID_PARTITIONS", `the partition count of internal topic '${name}' is fixed`);
    }
    const current = topic.value.assignment.length;
    if (!Number.isSafeInteger(totalCount) || totalCount <= current) {
      throw new TidelogError(
        "INVALID_PARTITIONS",
        `topic '${name}' has ${current} partitions; the new total must be larger, got ${totalCount}`,
      );
    }
    checkPartitionCount(totalCount);
    const added = assignReplicas({
      partitions: totalCount - current,
      replicationFactor: topic.value.assignment[0]?.length ?? 1,
      brokers: [...image.brokers.values()].map((b) => ({ id: b.value.id, rack: b.value.rack })),
      firstPartition: current,
      random: this.options.random,
    });
    const record: TopicRecord = { ...topic.value, assignment: [...topic.value.assignment, ...added] };
    if (validateOnly) return { ok: true, topicId: record.topicId };
    return this.writeTopic(record, { target: "Mod", value: topic.modRevision }, "INVALID_PARTITIONS");
  }

  alterConfigs(
    alterations: readonly { name: string; set: Readonly<Record<string, string>>; delete: readonly string[] }[],
    validateOnly: boolean,
    call: AdminCall = NEVER_ABANDONED,
  ): Promise<ItemResult[]> {
    return this.runItems(alterations, call, (a) => this.alterConfig(a, validateOnly));
  }

  private async alterConfig(
    a: { name: string; set: Readonly<Record<string, string>>; delete: readonly string[] },
    validateOnly: boolean,
  ): Promise<ItemResult> {
    const topic = (await this.core.adminImage()).topics.get(a.name);
    if (!topic) throw new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `topic '${a.name}' does not exist`);
    const configs: Record<string, string> = { ...topic.value.configs, ...a.set };
    for (const k of a.delete) delete configs[k];
    logConfigFromProperties(configs, this.options.logDefaults);
    const record: TopicRecord = { ...topic.value, configs };
    if (validateOnly) return { ok: true, topicId: record.topicId };
    return this.writeTopic(record, { target: "Mod", value: topic.modRevision }, "INVALID_CONFIG");
  }

  /** Preferred-leader election for the given partitions (all, when none are named). */
  electLeaders(
    targets: readonly { topic: string; partitions: readonly number[] }[],
  ): Promise<{ topic: string; partition: number; leader: number; error: TidelogError | null }[]> {
    return this.core.enqueue(async () => {
      this.core.requireActive();
      const image = await this.core.adminImage();
      const alive = image.liveBrokerIds();
      const failed = image.ineligibleBrokers();
      const wanted =
        targets.length > 0 ? targets : [...image.topics.keys()].map((topic) => ({ topic, partitions: [] }));
      const out: { topic: string; partition: number; leader: number; error: TidelogError | null }[] = [];
      for (const t of wanted) {
        const partitions = image.partitionsOf(t.topic);
        if (partitions.length === 0) {
          out.push({
            topic: t.topic,
            partition: -1,
            leader: -1,
            error: new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `topic '${t.topic}' does not exist`),
          });
          continue;
        }
        const selected = t.partitions.length > 0 ? t.partitions : partitions.map((p) => p.partition);
        for (const p of selected) out.push(await this.electOne(t.topic, p, partitions[p], alive, failed));
      }
      return out;
    });
  }

  private async electOne(
    topic: string,
    partition: number,
    entry: { replicas: number[]; state: { value: PartitionState; modRevision: number } | undefined } | undefined,
    alive: ReadonlySet<number>,
    failed: ReadonlySet<number>,
  ): Promise<{ topic: string; partition: number; leader: number; error: TidelogError | null }> {
    const fail = (code: ErrorName, why: string) => ({
      topic,
      partition,
      leader: entry?.state?.value.leader ?? -1,
      error: new TidelogError(code, why),
    });
    if (!entry?.state)
      return fail("UNKNOWN_TOPIC_OR_PARTITION", `${topic}-${partition} does not exist or has no state yet`);
    const epochs = this.options.watch.image.brokerIncarnations();
    // A preferred replica that restarted since it joined the ISR is about to leave it.
    const restarted = restartedIsrMembers(entry.state.value, epochs);
    const ineligible = restarted.size > 0 ? new Set([...failed, ...restarted]) : failed;
    const decision = electPreferred(entry.state.value, entry.replicas, alive, ineligible);
    if (decision.kind === "not-needed")
      return fail("ELECTION_NOT_NEEDED", `the preferred replica already leads ${topic}-${partition}`);
    if (decision.kind === "not-available") return fail("PREFERRED_LEADER_NOT_AVAILABLE", decision.why);
    const key = keys.partition(topic, partition);
    const elected = stampBrokerEpochs(decision.state, epochs);
    const res = await this.core.fencedTxn(
      [{ key, target: "Mod", value: entry.state.modRevision }],
      [this.core.put(key, elected)],
    );
    if (!res.ok) return fail("ELIGIBLE_LEADERS_NOT_AVAILABLE", `${topic}-${partition} changed concurrently; try again`);
    this.options.logger.info(
      { change: describeStateChange(key, entry.state.value, elected) },
      "preferred leader elected",
    );
    this.options.onLeaderElections?.(1);
    return { topic, partition, leader: elected.leader, error: null };
  }

  private async tryItem(call: AdminCall, fn: () => Promise<ItemResult>): Promise<ItemResult> {
    if (call.abandoned()) {
      return {
        ok: false,
        error: new TidelogError("REQUEST_TIMED_OUT", "the client stopped waiting before this item was applied"),
      };
    }
    try {
      return await fn();
    } catch (e) {
      if (e instanceof TidelogError) return { ok: false, error: e };
      throw e;
    }
  }
}

function checkPartitionCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > PARTITIONS_PER_TOPIC_MAX) {
    throw new TidelogError(
      "INVALID_PARTITIONS",
      `partitions must be between 1 and ${PARTITIONS_PER_TOPIC_MAX}, got ${n}`,
    );
  }
}
