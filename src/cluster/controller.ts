/**
 * The controller: one broker at a time, elected through etcd, that owns topic metadata
 * and partition leadership.
 *
 * Election: every broker campaigns in an etcd3 Election (`election/controller/`); the
 * candidate whose key etcd created first wins. That key's create revision is the
 * controller epoch: it grows with every election.
 *
 * Fencing: every write is an etcd transaction that first compares the controller's own
 * campaign key's create revision with its epoch. If the key is gone (the lease expired
 * while this broker was paused or cut off) or belongs to a later campaign, the write
 * fails as a whole and this broker steps down. A deposed controller can never overwrite
 * newer state, however late it wakes up. Partition states are additionally written by
 * compare-and-swap on their mod revision, so a leader's concurrent ISR change is never
 * lost either.
 *
 * Reconciliation is level-triggered: on every metadata change (and on a timer) the
 * controller compares the whole image with what should be (a state for every partition
 * of every topic, leaders alive and in the ISR, no states for deleted topics) and writes
 * the difference. A new controller therefore finishes whatever its predecessor left
 * half done, and a missed watch event costs nothing but a moment.
 *
 * A broker whose registration says `storageFailed` (it cannot write its log directory)
 * counts as alive but ineligible: its leaderships move to the rest of the ISR and it
 * leaves ISRs (rules in partition-leader-election.ts), by the same reconciliation.
 *
 * All work runs through one queue: reconciliations and admin operations never
 * interleave on this broker.
 */
import { randomUUID } from "node:crypto";
import { isInternalTopic, topicNameProblem } from "@tidelog/client/protocol";
import { type ErrorName, TidelogError } from "@tidelog/client/record";
import type { Campaign, Election, IOperation } from "etcd3";
import { type Clock, sleep, type Timer } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { PeriodicTask } from "../common/periodic-task.js";
import { parseTpKey, topicPartitionKey } from "../common/topic-partition.js";
import { type LogConfig, logConfigFromProperties } from "../storage/log-config.js";
import type { MetadataImage } from "./metadata-image.js";
import { keys, type PartitionState, type TopicRecord } from "./metadata-records.js";
import { type MetadataStore, type MetadataWatch, unavailableOnError } from "./metadata-store.js";
import {
  electPreferred,
  electWithBrokerEpochs,
  initialPartitionState,
  restartedIsrMembers,
  stampBrokerEpochs,
} from "./partition-leader-election.js";
import { assignReplicas, validateAssignment } from "./replica-assignment.js";

export interface ControllerOptions {
  readonly store: MetadataStore;
  readonly watch: MetadataWatch;
  readonly brokerId: number;
  readonly sessionTimeoutMs: number;
  readonly reconcileIntervalMs: number;
  readonly defaultPartitions: number;
  readonly defaultReplicationFactor: number;
  /** Broker-wide log defaults: topic configs are validated over them. */
  readonly logDefaults: LogConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: () => number;
  /** Told how many leader elections (a partition getting a new live leader) were written: a metrics seam. */
  readonly onLeaderElections?: (count: number) => void;
}

export interface NewTopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
  readonly assignment?: readonly (readonly number[])[];
}

export type ItemResult = { ok: true; topicId?: string } | { ok: false; error: TidelogError };

/**
 * The request an admin operation serves. A client that stopped waiting (cancelled, or
 * past its deadline) may already have reported failure to its caller, so items not yet
 * applied are skipped rather than done behind its back.
 */
export interface AdminCall {
  abandoned(): boolean;
}

const NEVER_ABANDONED: AdminCall = { abandoned: () => false };

/** Most partitions one topic may have: bounds metadata size and one request's work. */
export const PARTITIONS_PER_TOPIC_MAX = 10_000;
/** How long an admin operation waits for its read of etcd's current metadata. */
const ADMIN_READ_TIMEOUT_MS = 2000;
/** Partition states per etcd transaction, well under etcd's default of 128 operations. */
const STATES_PER_TXN = 50;

interface Active {
  readonly fenceKey: string;
  readonly epoch: number;
}

export class Controller {
  private election: Election | null = null;
  private campaign: Campaign | null = null;
  private active: Active | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private reconcileQueued = false;
  private reconciler: PeriodicTask | null = null;
  private stopped = false;
  private readonly prefix: string;

  constructor(private readonly options: ControllerOptions) {
    this.prefix = `/tidelog/${options.store.options.clusterId}/`;
  }

  get isActive(): boolean {
    return this.active !== null;
  }

  get epoch(): number {
    return this.active?.epoch ?? -1;
  }

  start(): void {
    this.election = this.options.store.ns.election(
      keys.controllerElection,
      Math.max(1, Math.ceil(this.options.sessionTimeoutMs / 1000)),
    );
    this.campaignAgain();
    this.options.watch.onChange(() => this.scheduleReconcile());
    this.reconciler = new PeriodicTask({
      clock: this.options.clock,
      intervalMs: this.options.reconcileIntervalMs,
      run: () => this.scheduleReconcile(),
      onError: (e) => this.options.logger.warn({ err: e }, "scheduling reconciliation failed"),
    });
    this.reconciler.start();
  }

  private campaignAgain(): void {
    if (this.stopped || !this.election) return;
    const campaign = this.election.campaign(String(this.options.brokerId));
    this.campaign = campaign;
    campaign.on("elected", () => {
      this.becomeActive(campaign).catch((e: unknown) => {
        this.options.logger.error({ err: e }, "could not take over as controller");
        this.restartCampaign(campaign);
      });
    });
    campaign.on("error", (err) => {
      this.options.logger.warn({ err: err.message }, "controller campaign failed");
      this.restartCampaign(campaign);
    });
  }

  private restartCampaign(campaign: Campaign): void {
    if (this.campaign !== campaign) return;
    this.stepDown("campaign ended");
    this.campaign = null;
    campaign.resign().catch(() => {});
    if (this.stopped) return;
    this.options.clock.after(CAMPAIGN_RETRY_MS, () => this.campaignAgain(), { ref: false });
  }

  private async becomeActive(campaign: Campaign): Promise<void> {
    const fenceKey = await campaign.getCampaignKey();
    const kv = await unavailableOnError("read campaign key", () => this.options.store.client.get(fenceKey).exec());
    const created = kv.kvs[0]?.create_revision;
    // Resigned meanwhile (shutting down) or replaced by a newer campaign: nothing to take over.
    if (this.stopped || this.campaign !== campaign) return;
    if (created === undefined) throw new Error("our election key expired before we could take over");
    this.active = { fenceKey, epoch: Number(created) };
    this.options.logger.info({ controllerEpoch: this.active.epoch }, "became controller");
    // Our own election key must be in the image before we act on it.
    await this.options.watch.resync().catch(() => {});
    this.scheduleReconcile();
  }

  private stepDown(why: string): void {
    if (!this.active) return;
    this.options.logger.warn({ controllerEpoch: this.active.epoch, why }, "no longer controller");
    this.active = null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    void this.reconciler?.stop();
    this.active = null;
    const campaign = this.campaign;
    this.campaign = null;
    // Resigning revokes the election lease at etcd; with etcd gone it would wait forever.
    // Bounded: the lease then simply expires.
    await withTimeout(
      this.options.clock,
      campaign?.resign().catch(() => {}),
      RESIGN_TIMEOUT_MS,
    );
    await withTimeout(
      this.options.clock,
      this.queue.catch(() => {}),
      RESIGN_TIMEOUT_MS,
    );
  }

  /** Runs `fn` after everything queued before it. */
  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private requireActive(): Active {
    if (!this.active) throw new TidelogError("NOT_CONTROLLER", `broker ${this.options.brokerId} is not the controller`);
    return this.active;
  }

  // ------------------------------------------------------------------ fenced writes

  private full(key: string): string {
    return this.prefix + key;
  }

  /**
   * Commits `ops` if this broker is still the controller and every compare holds.
   * Returns false on a compare conflict (someone else changed the key: re-read and
   * retry); throws NOT_CONTROLLER, after stepping down, when the fence failed.
   */
  private async fencedTxn(
    compares: readonly { key: string; target: "Create" | "Mod"; value: number }[],
    ops: readonly IOperation[],
  ): Promise<{ ok: boolean; revision: number }> {
    const active = this.requireActive();
    const client = this.options.store.client;
    const txn = client.if(active.fenceKey, "Create", "==", active.epoch);
    for (const c of compares) txn.and(this.full(c.key), c.target, "==", c.value);
    txn.then(...ops).else(client.get(active.fenceKey));
    const res = await unavailableOnError("write metadata", () => txn.commit());
    const revision = Number(res.header.revision);
    if (res.succeeded) return { ok: true, revision };
    const fence = res.responses[0]?.response_range?.kvs[0];
    if (!fence || Number(fence.create_revision) !== active.epoch) {
      this.stepDown("fenced: a newer controller exists");
      throw new TidelogError("NOT_CONTROLLER", "this broker was deposed as controller");
    }
    return { ok: false, revision };
  }

  private put(key: string, value: unknown): IOperation {
    return this.options.store.client.put(this.full(key)).value(JSON.stringify(value));
  }

  /** Waits until the watched image has seen `revision` (our own write), within a bound. */
  private async awaitImage(revision: number, timeoutMs = 5000): Promise<MetadataImage> {
    const deadline = this.options.clock.nowMs() + timeoutMs;
    while (this.options.watch.image.revision < revision) {
      if (this.options.clock.nowMs() > deadline) await this.options.watch.resync();
      if (this.options.watch.image.revision >= revision) break;
      if (this.options.clock.nowMs() > deadline + timeoutMs) {
        throw new TidelogError("REQUEST_TIMED_OUT", `metadata did not reach revision ${revision}`);
      }
      await sleep(this.options.clock, IMAGE_POLL_MS);
    }
    return this.options.watch.image;
  }

  // ------------------------------------------------------------------ reconciliation

  scheduleReconcile(): void {
    if (!this.active || this.reconcileQueued) return;
    this.reconcileQueued = true;
    this.enqueue(async () => {
      this.reconcileQueued = false;
      if (this.active) await this.reconcile();
    }).catch((e: unknown) => {
      const level = e instanceof TidelogError && e.retriable ? "warn" : "error";
      this.options.logger[level]({ err: e instanceof Error ? e.message : e }, "reconciliation failed; will retry");
    });
  }

  /** Writes every partition state that differs from what the image says it should be. */
  private async reconcile(): Promise<void> {
    const image = this.options.watch.image;
    if (!this.options.watch.isSynced) return;
    const alive = image.liveBrokerIds();
    const failed = storageFailedBrokers(image);
    const epochs = brokerEpochs(image);
    const writes: {
      key: string;
      compare: { target: "Create" | "Mod"; value: number };
      op: IOperation;
      what: string;
      election?: boolean;
    }[] = [];
    for (const topic of image.topics.values()) {
      for (const { partition, replicas, state } of image.partitionsOf(topic.value.name)) {
        const key = keys.partition(topic.value.name, partition);
        const existing = image.partitions.get(topicPartitionKey(topic.value.name, partition));
        const compare = existing
          ? { target: "Mod" as const, value: existing.modRevision }
          : { target: "Create" as const, value: 0 };
        if (!state) {
          const next = stampBrokerEpochs(initialPartitionState(topic.value.topicId, replicas, alive, failed), epochs);
          writes.push({ key, compare, op: this.put(key, next), what: `create ${key} leader ${next.leader}` });
          continue;
        }
        const next = electWithBrokerEpochs(state.value, replicas, alive, failed, epochs);
        if (next)
          writes.push({
            key,
            compare,
            op: this.put(key, next),
            what: describeChange(key, state.value, next),
            election: next.leader >= 0 && next.leader !== state.value.leader,
          });
      }
    }
    for (const [pk, state] of image.partitions) {
      const { topic, partition: p } = parseTpKey(pk);
      const record = image.topics.get(topic)?.value;
      if (!record || p >= record.assignment.length) {
        const key = keys.partition(topic, p);
        writes.push({
          key,
          compare: { target: "Mod", value: state.modRevision },
          op: this.options.store.client.delete().key(this.full(key)),
          what: `delete orphan ${key}`,
        });
      }
    }
    let conflicts = 0;
    for (let i = 0; i < writes.length; i += STATES_PER_TXN) {
      const batch = writes.slice(i, i + STATES_PER_TXN);
      const res = await this.fencedTxn(
        batch.map((w) => ({ key: w.key, ...w.compare })),
        batch.map((w) => w.op),
      );
      if (res.ok) {
        for (const w of batch) this.options.logger.info({ change: w.what }, "partition state");
        const elections = batch.filter((w) => w.election).length;
        if (elections > 0) this.options.onLeaderElections?.(elections);
      } else conflicts++;
    }
    // A conflict means our image was behind: read again; the change listener reconciles anew.
    if (conflicts > 0) await this.options.watch.resync();
  }

  // ------------------------------------------------------------------ admin operations

  /** Creates topics; each gets its own result. */
  createTopics(specs: readonly NewTopicSpec[], validateOnly: boolean, call = NEVER_ABANDONED): Promise<ItemResult[]> {
    return this.runItems(specs, call, (spec) => this.createTopic(spec, validateOnly));
  }

  /** Runs an admin operation's items one by one, in the queue, each with its own result. */
  private runItems<T>(
    items: readonly T[],
    call: AdminCall,
    fn: (item: T) => Promise<ItemResult>,
  ): Promise<ItemResult[]> {
    return this.enqueue(async () => {
      this.requireActive();
      const results: ItemResult[] = [];
      for (const item of items) results.push(await this.tryItem(call, () => fn(item)));
      return results;
    });
  }

  private async createTopic(spec: NewTopicSpec, validateOnly: boolean): Promise<ItemResult> {
    const image = await this.adminImage();
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
    const res = await this.fencedTxn([{ key, ...compare }], [this.put(key, record)]);
    if (!res.ok) throw new TidelogError(conflictCode, `topic '${record.name}' changed concurrently; try again`);
    this.options.logger.info({ topic: record.name, partitions: record.assignment.length }, "topic written");
    await this.awaitImage(res.revision);
    await this.reconcile();
    return { ok: true, topicId: record.topicId };
  }

  /**
   * Creates an internal topic (such as __consumer_offsets) unless it exists, with
   * min(`replicationFactor`, live brokers) replicas: brokers ask for it on first use.
   */
  ensureInternalTopic(spec: NewTopicSpec): Promise<ItemResult> {
    return this.enqueue(async () => {
      this.requireActive();
      const image = await this.adminImage();
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

  deleteTopics(names: readonly string[], call = NEVER_ABANDONED): Promise<ItemResult[]> {
    return this.runItems(names, call, (name) => this.deleteTopic(name));
  }

  private async deleteTopic(name: string): Promise<ItemResult> {
    const topic = (await this.adminImage()).topics.get(name);
    if (!topic) throw new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `topic '${name}' does not exist`);
    if (topic.value.internal)
      throw new TidelogError("INVALID_TOPIC_EXCEPTION", `internal topic '${name}' cannot be deleted`);
    const client = this.options.store.client;
    const res = await this.fencedTxn(
      [{ key: keys.topic(name), target: "Mod", value: topic.modRevision }],
      [
        client.delete().key(this.full(keys.topic(name))),
        client.delete().prefix(this.full(keys.topicPartitionsPrefix(name))),
      ],
    );
    if (!res.ok)
      throw new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `topic '${name}' changed concurrently; try again`);
    this.options.logger.info({ topic: name, topicId: topic.value.topicId }, "topic deleted");
    await this.awaitImage(res.revision);
    return { ok: true, topicId: topic.value.topicId };
  }

  createPartitions(
    increases: readonly { name: string; totalCount: number }[],
    validateOnly: boolean,
    call = NEVER_ABANDONED,
  ): Promise<ItemResult[]> {
    return this.runItems(increases, call, (inc) => this.addPartitions(inc.name, inc.totalCount, validateOnly));
  }

  private async addPartitions(name: string, totalCount: number, validateOnly: boolean): Promise<ItemResult> {
    const image = await this.adminImage();
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
    call = NEVER_ABANDONED,
  ): Promise<ItemResult[]> {
    return this.runItems(alterations, call, (a) => this.alterConfig(a, validateOnly));
  }

  private async alterConfig(
    a: { name: string; set: Readonly<Record<string, string>>; delete: readonly string[] },
    validateOnly: boolean,
  ): Promise<ItemResult> {
    const topic = (await this.adminImage()).topics.get(a.name);
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
    return this.enqueue(async () => {
      this.requireActive();
      const image = await this.adminImage();
      const alive = image.liveBrokerIds();
      const failed = storageFailedBrokers(image);
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
    const epochs = brokerEpochs(this.options.watch.image);
    // A preferred replica that restarted since it joined the ISR is about to leave it.
    const restarted = restartedIsrMembers(entry.state.value, epochs);
    const ineligible = restarted.size > 0 ? new Set([...failed, ...restarted]) : failed;
    const decision = electPreferred(entry.state.value, entry.replicas, alive, ineligible);
    if (decision.kind === "not-needed")
      return fail("ELECTION_NOT_NEEDED", `the preferred replica already leads ${topic}-${partition}`);
    if (decision.kind === "not-available") return fail("PREFERRED_LEADER_NOT_AVAILABLE", decision.why);
    const key = keys.partition(topic, partition);
    const elected = stampBrokerEpochs(decision.state, epochs);
    const res = await this.fencedTxn(
      [{ key, target: "Mod", value: entry.state.modRevision }],
      [this.put(key, elected)],
    );
    if (!res.ok) return fail("ELIGIBLE_LEADERS_NOT_AVAILABLE", `${topic}-${partition} changed concurrently; try again`);
    this.options.logger.info({ change: describeChange(key, entry.state.value, elected) }, "preferred leader elected");
    this.options.onLeaderElections?.(1);
    return { topic, partition, leader: elected.leader, error: null };
  }

  /**
   * What an admin operation decides on: etcd's current metadata, so a broker that has just
   * registered counts as live and a topic just created by someone else is seen. The
   * compare-and-swap on the write still guards against anything changing after this read.
   */
  private async adminImage(): Promise<MetadataImage> {
    const image = await this.options.watch.freshImage(ADMIN_READ_TIMEOUT_MS);
    if (image === this.options.watch.image && !this.options.watch.isSynced) {
      throw new TidelogError(
        "METADATA_UNAVAILABLE",
        "etcd is unreachable; metadata changes are refused until it is back",
      );
    }
    return image;
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

/** How long stop() waits for etcd to take the resignation, and for queued work. */
const RESIGN_TIMEOUT_MS = 3000;
/** A failed campaign is retried after this long. */
const CAMPAIGN_RETRY_MS = 500;
/** How often awaitImage looks whether the watch has caught up with a write. */
const IMAGE_POLL_MS = 10;

function withTimeout(clock: Clock, promise: Promise<unknown> | undefined, ms: number): Promise<unknown> {
  if (!promise) return Promise.resolve();
  let timer: Timer | undefined;
  const timeout = new Promise((resolve) => {
    timer = clock.after(ms, () => resolve(undefined), { ref: false });
  });
  return Promise.race([promise, timeout]).finally(() => timer?.cancel());
}

function checkPartitionCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > PARTITIONS_PER_TOPIC_MAX) {
    throw new TidelogError(
      "INVALID_PARTITIONS",
      `partitions must be between 1 and ${PARTITIONS_PER_TOPIC_MAX}, got ${n}`,
    );
  }
}

/** Each live broker's epoch: its registration's create revision, new at every restart. */
function brokerEpochs(image: MetadataImage): Map<number, number> {
  return new Map([...image.brokers].map(([id, b]) => [id, b.createRevision]));
}

/** Live brokers whose registration says they cannot write their log directory. */
function storageFailedBrokers(image: MetadataImage): Set<number> {
  const failed = new Set<number>();
  for (const [id, b] of image.brokers) if (b.value.storageFailed === true) failed.add(id);
  return failed;
}

function describeChange(key: string, before: PartitionState, after: PartitionState): string {
  return `${key}: leader ${before.leader} -> ${after.leader} (epoch ${before.leaderEpoch} -> ${after.leaderEpoch}), isr [${before.isr}] -> [${after.isr}]`;
}
