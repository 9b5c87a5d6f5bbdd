/**
 * The controller: one broker at a time, elected through etcd, that owns topic metadata
 * and partition leadership.
 *
 * Election: every broker campaigns in the store's election (`election/controller/`, etcd's
 * recipe); the candidate whose key etcd created first wins. That key's create revision is the
 * controller epoch: it grows with every election.
 *
 * Fencing: every write is an etcd transaction that first compares the controller's own
 * campaign key's create revision with its epoch. If the key is gone (the lease expired
 * while this broker was paused or cut off) or belongs to a later campaign, the write
 * fails as a whole and this broker steps down, and campaigns again (as when its watch
 * shows the key gone first). A deposed controller can never overwrite newer state, however
 * late it wakes up. Partition states are additionally written by
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
 * or `controlledShutdown` (it is stopping gracefully) counts as alive but ineligible: its
 * leaderships move to the rest of the ISR and it leaves ISRs (rules in
 * partition-leader-election.ts), by the same reconciliation.
 *
 * All work runs through one queue: reconciliations and admin operations never
 * interleave on this broker. The admin operations on topics live in
 * topic-operations.ts; they reach the queue and the fenced writes through the narrow
 * `ControllerCore` this class hands them.
 */
import { TidelogError } from "@tidelog/client/record";
import { forEachBounded } from "../common/bounded-parallel.js";
import { type Clock, sleep, type Timer } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { PeriodicTask } from "../common/periodic-task.js";
import { parseTpKey, type TopicPartition, topicPartitionKey } from "../common/topic-partition.js";
import type { LogConfig } from "../storage/log-config.js";
import { imbalancedPartitions } from "./leader-balance.js";
import type { ChangeCursor, MetadataImage, Versioned } from "./metadata-image.js";
import type { KvCampaign, KvOp, MetadataKv } from "./metadata-kv.js";
import { keys, type PartitionState, parsePartitionStateKey, type TopicRecord } from "./metadata-records.js";
import { type MetadataWatch, unavailableOnError } from "./metadata-store.js";
import {
  decideLeadership,
  describeStateChange,
  type ElectionInputs,
  electRecovered,
  initialPartitionState,
  mostCompleteLog,
  type ReplicaLogEnd,
  stampBrokerEpochs,
} from "./partition-leader-election.js";
import { type ReassignmentItem, ReassignmentOperations, type ReassignmentResult } from "./reassignment-operations.js";
import {
  type AdminCall,
  type ConfigAlteration,
  type ControllerCore,
  type ElectionResult,
  type ItemResult,
  type NewTopicSpec,
  TopicOperations,
} from "./topic-operations.js";

export type { AdminCall, ItemResult, NewTopicSpec } from "./topic-operations.js";
export { PARTITIONS_PER_TOPIC_MAX } from "./topic-operations.js";

export interface ControllerOptions {
  readonly store: MetadataKv;
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
  /**
   * Leader recovery (partition-leader-election.ts) waits for every ISR and ELR member to
   * be alive and answer; after this long it elects the most complete log among those
   * that did, which may lack acknowledged writes a missing one holds. Negative: never
   * (unclean.recovery.timeout.ms, -1 by default).
   */
  readonly uncleanRecoveryTimeoutMs: number;
  /**
   * Automatic preferred-leader balancing (leader-balance.ts): how often to check, or null
   * when `auto.leader.rebalance.enable` is off; and the per-broker imbalance threshold.
   */
  readonly leaderBalance: { readonly intervalMs: number; readonly thresholdPercent: number } | null;
  /** Asks broker `brokerId` for the end of its local logs of `partitions` (a gRPC call). */
  readonly describeReplicaLogs: (
    brokerId: number,
    partitions: readonly TopicPartition[],
  ) => Promise<readonly ReplicaLogInfo[]>;
}

/** The end of one local log, as a broker reports it for leader recovery. */
export interface ReplicaLogInfo {
  readonly topic: string;
  readonly partition: number;
  /** Leader epoch of the last batch; -1 when the log is empty or the broker has none. */
  readonly lastEpoch: number;
  readonly logEndOffset: number;
}

/** A partition with no trusted replica alive, waiting for its candidates' logs. */
interface PendingRecovery {
  readonly key: string;
  readonly tp: TopicPartition;
  readonly state: PartitionState;
  readonly inputs: ElectionInputs;
  readonly candidates: readonly number[];
  readonly offline: PartitionState | null;
  readonly compare: { target: "Create" | "Mod"; value: number };
}

interface StateWrite {
  readonly key: string;
  readonly compare: { target: "Create" | "Mod"; value: number };
  readonly op: KvOp;
  readonly what: string;
  readonly election?: boolean;
}

/**
 * Partition states per etcd transaction: etcd allows 128 operations and 128 compares in
 * one by default (--max-txn-ops), and each state write is one of each, beside the fence's
 * compare. Fewer, larger transactions move a dead broker's thousands of partitions sooner.
 */
const STATES_PER_TXN = 100;
/** Partition-state transactions in flight at once during one reconciliation. */
const STATE_TXNS_IN_FLIGHT_MAX = 4;

interface Active {
  readonly fenceKey: string;
  readonly epoch: number;
}

export class Controller {
  private campaign: KvCampaign | null = null;
  private active: Active | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private reconcileQueued = false;
  private reconciler: PeriodicTask | null = null;
  private balancer: PeriodicTask | null = null;
  private stopped = false;
  private readonly topics: TopicOperations;
  private readonly reassignments: ReassignmentOperations;
  /** When each partition in leader recovery started waiting for its candidates, by key. */
  private readonly recoveringSince = new Map<string, number>();
  /**
   * Partitions found needing nothing, by key, with what that was decided from (topic
   * record and partition state revisions, and the brokers' registrations). Reconciliation
   * runs on every metadata change; at 10,000 partitions deciding each again held the event
   * loop for seconds while a restarted broker's ISR changes streamed in.
   */
  private readonly settledFrom = new Map<string, { topic: number; state: number; brokers: string }>();
  /** The image the last reconciliation looked at, and where its change feed stood. */
  private followed: { image: MetadataImage; cursor: ChangeCursor } | null = null;
  /** The next reconciliation looks at every partition (the timer's, or after a failure). */
  private fullReconcileDue = true;

  constructor(private readonly options: ControllerOptions) {
    const core: ControllerCore = {
      enqueue: (fn) => this.enqueue(fn),
      requireActive: () => {
        this.requireActive();
      },
      fencedTxn: (compares, ops) => this.fencedTxn(compares, ops),
      put: (key, value) => this.put(key, value),
      deleteKey: (key) => ({ kind: "delete", key }),
      deletePrefix: (prefix) => ({ kind: "deletePrefix", prefix }),
      awaitImage: (revision) => this.awaitImage(revision),
      adminImage: () => this.adminImage(),
      reconcile: () => this.reconcile(false),
    };
    this.reassignments = new ReassignmentOperations(core, {
      watch: options.watch,
      minIsr: (image, topic) => this.minIsr(image, topic),
      logger: options.logger,
    });
    this.topics = new TopicOperations(core, {
      watch: options.watch,
      defaultPartitions: options.defaultPartitions,
      defaultReplicationFactor: options.defaultReplicationFactor,
      logDefaults: options.logDefaults,
      logger: options.logger,
      random: options.random,
      ...(options.onLeaderElections ? { onLeaderElections: options.onLeaderElections } : {}),
    });
  }

  get isActive(): boolean {
    return this.active !== null;
  }

  get epoch(): number {
    return this.active?.epoch ?? -1;
  }

  start(): void {
    this.campaignAgain();
    this.options.watch.onChange((image) => {
      this.checkStillElected(image);
      this.scheduleReconcile();
    });
    this.reconciler = new PeriodicTask({
      clock: this.options.clock,
      intervalMs: this.options.reconcileIntervalMs,
      // Only what changed and what waits on a clock (leader recovery): walking every
      // partition on a timer was most of an idle controller's CPU at 10,000 partitions.
      // Every metadata re-read (a new image) still brings a pass over everything.
      run: () => this.scheduleReconcile(),
      onError: (e) => this.options.logger.warn({ err: e }, "scheduling reconciliation failed"),
    });
    this.reconciler.start();
    const balance = this.options.leaderBalance;
    if (balance) {
      this.balancer = new PeriodicTask({
        clock: this.options.clock,
        intervalMs: balance.intervalMs,
        run: () => this.balanceLeaders(balance.thresholdPercent),
        onError: (e) => this.options.logger.warn({ err: (e as Error).message }, "leader balancing failed; will retry"),
      });
      this.balancer.start();
    }
  }

  /** Moves leadership back to preferred replicas where a broker leads too few of its own. */
  private async balanceLeaders(thresholdPercent: number): Promise<void> {
    if (!this.active || !this.options.watch.isSynced) return;
    const targets = imbalancedPartitions(this.options.watch.image, thresholdPercent);
    if (targets.length === 0) return;
    const results = await this.topics.electLeaders(targets);
    const elected = results.filter((r) => r.error === null);
    this.options.logger.info(
      {
        elected: elected.length,
        asked: results.length,
        partitions: elected.map((r) => `${r.topic}-${r.partition}`).slice(0, 20),
      },
      "leader balancing: preferred replicas lead again",
    );
  }

  private campaignAgain(): void {
    if (this.stopped) return;
    const ttlSeconds = Math.max(1, Math.ceil(this.options.sessionTimeoutMs / 1000));
    const campaign: KvCampaign = this.options.store.campaign(
      keys.controllerElection,
      ttlSeconds,
      String(this.options.brokerId),
      {
        onElected: () => {
          this.becomeActive(campaign).catch((e: unknown) => {
            this.options.logger.error({ err: e }, "could not take over as controller");
            this.restartCampaign(campaign);
          });
        },
        onError: (err) => {
          this.options.logger.warn({ err: err.message }, "controller campaign failed");
          this.restartCampaign(campaign);
        },
      },
    );
    this.campaign = campaign;
  }

  /**
   * Steps down, and campaigns again, once the metadata shows our election key gone (its
   * lease expired while we were paused, or someone deleted it) while we still believe we
   * lead. Our writes are fenced either way; but without this a deposed controller that has
   * nothing to write keeps calling itself active, and is no candidate any more: the
   * control-plane simulation found one left so, with the next controller the last.
   */
  private checkStillElected(image: MetadataImage): void {
    const active = this.active;
    const campaign = this.campaign;
    if (!active || !campaign || !this.options.watch.isSynced || image.revision < active.epoch) return;
    // Our own key, not "the oldest candidate is us": an image that has not yet seen our
    // predecessor's key go (we were elected on its deletion) still lists it first.
    if (image.candidates.get(active.fenceKey)?.createRevision === active.epoch) return;
    this.options.logger.warn(
      { controllerEpoch: active.epoch, elected: image.controller() },
      "our election key is gone; campaigning again",
    );
    this.restartCampaign(campaign, "our election key is gone");
  }

  private restartCampaign(campaign: KvCampaign, why = "campaign ended"): void {
    if (this.campaign !== campaign) return;
    this.stepDown(why);
    this.campaign = null;
    campaign.resign().catch(() => {});
    if (this.stopped) return;
    this.options.clock.after(CAMPAIGN_RETRY_MS, () => this.campaignAgain(), { ref: false });
  }

  private async becomeActive(campaign: KvCampaign): Promise<void> {
    const fenceKey = await campaign.key();
    const entry = await unavailableOnError("read campaign key", () => this.options.store.get(fenceKey));
    const created = entry?.createRevision;
    // Resigned meanwhile (shutting down) or replaced by a newer campaign: nothing to take over.
    if (this.stopped || this.campaign !== campaign) return;
    if (created === undefined) throw new Error("our election key expired before we could take over");
    this.active = { fenceKey, epoch: Number(created) };
    this.options.logger.info({ controllerEpoch: this.active.epoch }, "became controller");
    // Our own election key must be in the image before we act on it.
    await this.options.watch.resync().catch(() => {});
    // What an earlier term followed is no guide to what this one must check.
    this.followed = null;
    this.scheduleReconcile(true);
  }

  private stepDown(why: string): void {
    if (!this.active) return;
    this.options.logger.warn({ controllerEpoch: this.active.epoch, why }, "no longer controller");
    this.active = null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    void this.reconciler?.stop();
    void this.balancer?.stop();
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

  /**
   * Commits `ops` if this broker is still the controller and every compare holds.
   * Returns false on a compare conflict (someone else changed the key: re-read and
   * retry); throws NOT_CONTROLLER, after stepping down, when the fence failed.
   */
  private async fencedTxn(
    compares: readonly { key: string; target: "Create" | "Mod"; value: number }[],
    ops: readonly KvOp[],
  ): Promise<{ ok: boolean; revision: number }> {
    const active = this.requireActive();
    const fence = { key: active.fenceKey, target: "Create" as const, value: active.epoch };
    const res = await unavailableOnError("write metadata", () =>
      this.options.store.txn([fence, ...compares], ops, active.fenceKey),
    );
    const revision = res.revision;
    if (res.succeeded) return { ok: true, revision };
    if (!res.elseEntry || res.elseEntry.createRevision !== active.epoch) {
      // Our key is gone or not ours: we are no candidate any more either. Campaign anew,
      // or this broker could never lead again (the control-plane simulation left a
      // cluster with no controller at all that way, every broker deposed in turn).
      if (this.campaign) this.restartCampaign(this.campaign, "fenced: a newer controller exists");
      else this.stepDown("fenced: a newer controller exists");
      throw new TidelogError("NOT_CONTROLLER", "this broker was deposed as controller");
    }
    return { ok: false, revision };
  }

  private put(key: string, value: unknown): KvOp {
    return { kind: "put", key, value: JSON.stringify(value) };
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

  // ------------------------------------------------------------------ reconciliation

  /**
   * Queues a reconciliation. On a metadata change it looks only at the partitions whose
   * states changed since the last one, when nothing else did (`MetadataImage`'s change
   * feed); the first on a new image (a metadata re-read), and any after a failure, look
   * at every partition.
   */
  scheduleReconcile(full = false): void {
    if (full) this.fullReconcileDue = true;
    if (!this.active || this.reconcileQueued) return;
    this.reconcileQueued = true;
    this.enqueue(async () => {
      this.reconcileQueued = false;
      if (!this.active) return;
      const full = this.fullReconcileDue;
      this.fullReconcileDue = false;
      await this.reconcile(full);
    }).catch((e: unknown) => {
      const level = e instanceof TidelogError && e.retriable ? "warn" : "error";
      this.options.logger[level]({ err: e instanceof Error ? e.message : e }, "reconciliation failed; will retry");
    });
  }

  /** Writes every partition state that differs from what the image says it should be. */
  private async reconcile(full: boolean): Promise<void> {
    const image = this.options.watch.image;
    if (!this.options.watch.isSynced) return;
    const alive = image.liveBrokerIds();
    const failed = image.ineligibleBrokers();
    const epochs = image.brokerIncarnations();
    const writes: StateWrite[] = [];
    const recoveries: PendingRecovery[] = [];
    const brokersFrom = [...image.brokers].map(([id, b]) => `${id}@${b.modRevision}`).join(",");
    const last = this.followed;
    const changed = !full && last && last.image === image ? image.partitionChangesSince(last.cursor) : null;
    // Followed from here only if this one succeeds: what failed to be written is found
    // again only by a look at everything.
    const cursor = image.changeCursor;
    this.followed = null;
    const minIsrs = new Map<string, number>();
    const evaluate = (topic: Versioned<TopicRecord>, partition: number): void => {
      const replicas = topic.value.assignment[partition];
      if (!replicas) return;
      let minIsr = minIsrs.get(topic.value.name);
      if (minIsr === undefined) {
        minIsr = this.minIsr(image, topic.value.name);
        minIsrs.set(topic.value.name, minIsr);
      }
      const key = keys.partition(topic.value.name, partition);
      const existing = image.partitions.get(topicPartitionKey(topic.value.name, partition));
      const state = existing?.value.topicId === topic.value.topicId ? existing : undefined;
      const settled = this.settledFrom.get(key);
      if (
        state &&
        settled?.topic === topic.modRevision &&
        settled.state === state.modRevision &&
        settled.brokers === brokersFrom
      )
        return;
      const compare = existing
        ? { target: "Mod" as const, value: existing.modRevision }
        : { target: "Create" as const, value: 0 };
      this.settledFrom.delete(key);
      if (!state) {
        const next = stampBrokerEpochs(initialPartitionState(topic.value.topicId, replicas, alive, failed), epochs);
        writes.push({ key, compare, op: this.put(key, next), what: `create ${key} leader ${next.leader}` });
        return;
      }
      const inputs: ElectionInputs = { replicas, alive, storageFailed: failed, brokerEpochs: epochs, minIsr };
      const decision = decideLeadership(state.value, inputs);
      if (decision.kind === "recover") {
        const tp = { topic: topic.value.name, partition };
        recoveries.push({ key, tp, state: state.value, inputs, ...decision, compare });
        return;
      }
      this.recoveringSince.delete(key);
      if (decision.kind === "changed") writes.push(this.stateWrite(key, compare, state.value, decision.state));
      else this.settledFrom.set(key, { topic: topic.modRevision, state: state.modRevision, brokers: brokersFrom });
    };
    const orphan = (pk: string): void => {
      const state = image.partitions.get(pk);
      if (!state) return;
      const { topic, partition: p } = parseTpKey(pk);
      const record = image.topics.get(topic)?.value;
      if (!record || p >= record.assignment.length) {
        const key = keys.partition(topic, p);
        writes.push({
          key,
          compare: { target: "Mod", value: state.modRevision },
          op: { kind: "delete", key },
          what: `delete orphan ${key}`,
        });
      }
    };
    if (changed) {
      // Only partition states changed: those, and the partitions waiting in leader
      // recovery (their wait has a clock).
      const keysToCheck = new Set(changed);
      for (const key of this.recoveringSince.keys()) {
        const tp = parsePartitionStateKey(key);
        if (tp) keysToCheck.add(topicPartitionKey(tp.topic, tp.partition));
      }
      for (const pk of keysToCheck) {
        const { topic: name, partition } = parseTpKey(pk);
        const topic = image.topics.get(name);
        if (topic) evaluate(topic, partition);
        orphan(pk);
      }
    } else {
      for (const topic of image.topics.values()) {
        for (let partition = 0; partition < topic.value.assignment.length; partition++) evaluate(topic, partition);
      }
      for (const key of this.settledFrom.keys()) {
        const tp = parsePartitionStateKey(key);
        const topic = tp && image.topics.get(tp.topic);
        if (!topic || !tp || tp.partition >= topic.value.assignment.length) this.settledFrom.delete(key);
      }
      for (const pk of image.partitions.keys()) orphan(pk);
    }
    const recovering = new Set(recoveries.map((r) => r.key));
    for (const key of this.recoveringSince.keys()) if (!recovering.has(key)) this.recoveringSince.delete(key);
    writes.push(...(await this.recover(recoveries)));
    let conflicts = 0;
    // Partitions without a leader first: after a broker dies, thousands of its partitions
    // wait for a leader while thousands of others only lose it from their ISR.
    writes.sort((a, b) => Number(b.election === true) - Number(a.election === true));
    const batches: StateWrite[][] = [];
    for (let i = 0; i < writes.length; i += STATES_PER_TXN) batches.push(writes.slice(i, i + STATES_PER_TXN));
    // A few transactions at once: each waits for etcd's fsync, which etcd shares among
    // the requests it has; one at a time, a dead broker's 10,000 partitions took seconds
    // after its session ended. The batches hold distinct partitions, so order between
    // them does not matter (the elections still start first).
    await forEachBounded(batches, STATE_TXNS_IN_FLIGHT_MAX, async (batch) => {
      const res = await this.fencedTxn(
        batch.map((w) => ({ key: w.key, ...w.compare })),
        batch.map((w) => w.op),
      );
      if (!res.ok) {
        conflicts++;
        return;
      }
      // One line per transaction: a line per partition was 10,000 lines (and their
      // cost) in the middle of a failover. Each change is still there at debug level.
      const elections = batch.filter((w) => w.election).length;
      this.options.logger.info(
        { changes: batch.length, elections, examples: batch.slice(0, LOG_EXAMPLES_MAX).map((w) => w.what) },
        "partition states written",
      );
      for (const w of batch) this.options.logger.debug({ change: w.what }, "partition state");
      if (elections > 0) this.options.onLeaderElections?.(elections);
    });
    // Moves whose target replicas are all in sync complete: after the state writes above,
    // whose partitions they would otherwise race (a lost compare only defers one a round).
    const inputsFor = (topic: string, replicas: readonly number[]): ElectionInputs => ({
      replicas,
      alive,
      storageFailed: failed,
      brokerEpochs: epochs,
      minIsr: this.minIsr(image, topic),
    });
    for (const c of this.reassignments.completions(image, inputsFor)) {
      const res = await this.fencedTxn(c.compares, c.ops);
      if (res.ok) for (const what of c.what) this.options.logger.info({ change: what }, "partition reassigned");
      else conflicts++;
    }
    // A conflict means our image was behind: read again; the change listener reconciles anew.
    if (conflicts > 0) await this.options.watch.resync();
    else this.followed = { image, cursor };
  }

  private minIsr(image: MetadataImage, topic: string): number {
    const configs = image.topics.get(topic)?.value.configs ?? {};
    return Number(configs["min.insync.replicas"] ?? this.options.logDefaults.minInsyncReplicas);
  }

  private stateWrite(
    key: string,
    compare: StateWrite["compare"],
    before: PartitionState,
    after: PartitionState,
  ): StateWrite {
    return {
      key,
      compare,
      op: this.put(key, after),
      what: describeStateChange(key, before, after),
      election: after.leader >= 0 && after.leader !== before.leader,
    };
  }

  /**
   * Leader recovery: for each partition without a trusted live replica, elects the most
   * complete log among its ISR and ELR members once all of them are alive and have
   * answered, or, when configured (`uncleanRecoveryTimeoutMs` >= 0), once that has passed
   * (then among those that did: unclean). Until then the partition is offline. A lone
   * candidate needs no asking.
   */
  private async recover(pending: readonly PendingRecovery[]): Promise<StateWrite[]> {
    const now = this.options.clock.nowMs();
    const ready: { recovery: PendingRecovery; live: number[]; timedOut: boolean }[] = [];
    const writes: StateWrite[] = [];
    const started: PendingRecovery[] = [];
    for (const r of pending) {
      const since = this.recoveringSince.get(r.key) ?? now;
      if (!this.recoveringSince.has(r.key)) {
        this.recoveringSince.set(r.key, now);
        started.push(r);
      }
      const live = r.candidates.filter((b) => r.inputs.alive.has(b));
      const timeout = this.options.uncleanRecoveryTimeoutMs;
      const timedOut = timeout >= 0 && now - since >= timeout;
      if (live.length > 0 && (live.length === r.candidates.length || timedOut))
        ready.push({ recovery: r, live, timedOut });
      else if (r.offline) writes.push(this.stateWrite(r.key, r.compare, r.state, r.offline));
    }
    // One line per reconciliation, not per partition: a broker that led thousands of
    // partitions puts them all in recovery at once.
    if (started.length > 0) {
      this.options.logger.warn(
        {
          partitions: started.length,
          examples: started.slice(0, LOG_EXAMPLES_MAX).map((r) => ({ partition: r.key, candidates: r.candidates })),
        },
        "no replica known to hold every acknowledged record is alive: leader recovery",
      );
    }
    const logs = await this.describeLogs(ready.filter((r) => r.live.length > 1));
    for (const { recovery: r, live, timedOut } of ready) {
      const answered = live.length === 1 ? [{ brokerId: live[0] as number, lastEpoch: -1, logEndOffset: 0 }] : [];
      for (const b of live.length === 1 ? [] : live) {
        const log = logs.get(`${b}\0${r.key}`);
        if (log) answered.push(log);
      }
      const winner = answered.length === live.length || timedOut ? mostCompleteLog(answered, r.inputs.replicas) : null;
      if (winner === null) {
        if (r.offline) writes.push(this.stateWrite(r.key, r.compare, r.state, r.offline));
        continue;
      }
      this.options.logger.warn(
        {
          partition: r.key,
          leader: winner.brokerId,
          logs: answered,
          ...(answered.length < r.candidates.length
            ? { unheard: r.candidates.filter((b) => !answered.some((a) => a.brokerId === b)) }
            : {}),
        },
        "leader recovery elected the most complete log",
      );
      writes.push(this.stateWrite(r.key, r.compare, r.state, electRecovered(r.state, winner.brokerId, r.inputs)));
    }
    return writes;
  }

  /** The live candidates' log ends, one call per broker, keyed "broker\0partition key"; who fails to answer is left out. */
  private async describeLogs(
    ready: readonly { recovery: PendingRecovery; live: number[] }[],
  ): Promise<Map<string, ReplicaLogEnd>> {
    const byBroker = new Map<number, PendingRecovery[]>();
    for (const { recovery, live } of ready)
      for (const b of live) byBroker.set(b, [...(byBroker.get(b) ?? []), recovery]);
    const logs = new Map<string, ReplicaLogEnd>();
    await Promise.all(
      [...byBroker].map(async ([brokerId, recoveries]) => {
        try {
          const infos = await this.options.describeReplicaLogs(
            brokerId,
            recoveries.map((r) => r.tp),
          );
          for (const info of infos)
            logs.set(`${brokerId}\0${keys.partition(info.topic, info.partition)}`, {
              brokerId,
              lastEpoch: info.lastEpoch,
              logEndOffset: info.logEndOffset,
            });
        } catch (e) {
          this.options.logger.warn(
            { brokerId, err: e instanceof Error ? e.message : e },
            "leader recovery could not read a candidate's log ends; will retry",
          );
        }
      }),
    );
    return logs;
  }

  // ------------------------------------------------------------------ topic operations (topic-operations.ts)

  createTopics(specs: readonly NewTopicSpec[], validateOnly: boolean, call?: AdminCall): Promise<ItemResult[]> {
    return this.topics.createTopics(specs, validateOnly, call);
  }

  ensureInternalTopic(spec: NewTopicSpec): Promise<ItemResult> {
    return this.topics.ensureInternalTopic(spec);
  }

  deleteTopics(names: readonly string[], call?: AdminCall): Promise<ItemResult[]> {
    return this.topics.deleteTopics(names, call);
  }

  createPartitions(
    increases: readonly { name: string; totalCount: number }[],
    validateOnly: boolean,
    call?: AdminCall,
  ): Promise<ItemResult[]> {
    return this.topics.createPartitions(increases, validateOnly, call);
  }

  alterConfigs(
    alterations: readonly ConfigAlteration[],
    validateOnly: boolean,
    call?: AdminCall,
  ): Promise<ItemResult[]> {
    return this.topics.alterConfigs(alterations, validateOnly, call);
  }

  electLeaders(targets: readonly { topic: string; partitions: readonly number[] }[]): Promise<ElectionResult[]> {
    return this.topics.electLeaders(targets);
  }

  alterPartitionReassignments(
    items: readonly ReassignmentItem[],
    throttleBytesPerSecond = -1,
  ): Promise<ReassignmentResult[]> {
    return this.reassignments.alter(items, throttleBytesPerSecond);
  }
}

/** How long stop() waits for etcd to take the resignation, and for queued work. */
const RESIGN_TIMEOUT_MS = 3000;
/** Partitions named in a log line about many; the rest are counted. */
const LOG_EXAMPLES_MAX = 5;

/** A failed campaign is retried after this long. */
const CAMPAIGN_RETRY_MS = 500;
/** How long an admin operation waits for its read of etcd's current metadata. */
const ADMIN_READ_TIMEOUT_MS = 2000;
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
