/**
 * The partitions this broker hosts, and its role (leader or follower) in each,
 * reconciled from the cluster metadata.
 *
 * Level-triggered: after every metadata change the whole image is compared with what
 * the broker holds. A replica assigned here gets a log (created empty if new); its role
 * and leader epoch follow the partition state; a log whose topic is gone, or whose topic
 * was recreated under the same name (a different topic id in `partition.metadata`), is
 * deleted. Deletions happen only from a metadata image read completely since the last
 * watch gap: a broker that cannot see etcd never deletes data on a guess.
 *
 * As leader, it also keeps the ISR honest: followers that fell behind for
 * replica.lag.time.max.ms leave it, and followers that reached the high watermark
 * rejoin, written to etcd by compare-and-swap.
 *
 * A replica whose log cannot be created (a full disk) is skipped, not allowed to stop the
 * reconciliation of the others: clients asking this broker for it get STORAGE_ERROR, the
 * log directory reports failed (so the controller moves leadership away), and once the
 * directory takes writes again the log manager creates the log; reconciliation is
 * retried every UNHOSTED_RETRY_MS while some replica is unhosted.
 *
 * Invariant: a hosted partition's leader epoch never decreases.
 */
import { statfsSync } from "node:fs";
import { TidelogError } from "@tidelog/client/record";
import { ISR_CHANGES_PER_TXN_MAX, type IsrChange, type IsrWriter } from "../cluster/isr-writer.js";
import type { ChangeCursor, MetadataImage, Versioned } from "../cluster/metadata-image.js";
import { NO_LEADER, type PartitionState, type TopicRecord } from "../cluster/metadata-records.js";
import { addingReplicas } from "../cluster/partition-reassignment.js";
import { forEachBounded } from "../common/bounded-parallel.js";
import type { Clock, Timer } from "../common/clock.js";
import { invariant } from "../common/invariant.js";
import type { Logger } from "../common/logger.js";
import { PeriodicTask } from "../common/periodic-task.js";
import { rethrowIfInvariantViolation } from "../common/server-error.js";
import { parseTpKey, type TopicPartition, topicPartitionKey, tpKey } from "../common/topic-partition.js";
import { type LogConfig, logConfigFromProperties } from "../storage/log-config.js";
import type { LogManager } from "../storage/log-manager.js";
import { readPartitionMetadata, writePartitionMetadata } from "../storage/partition-metadata-file.js";
import { FollowerBell } from "./follower-bell.js";
import { Partition } from "./partition.js";
import { ReplicationQuota } from "./replication-quota.js";

/** The replicas being added to a partition that is not moving: shared, since most partitions are not. */
const NO_REPLICAS: ReadonlySet<number> = new Set();

interface AssignedPartition {
  readonly partition: number;
  readonly replicas: number[];
  readonly key: string;
}

interface AssignedHere {
  readonly modRevision: number;
  readonly config: LogConfig;
  readonly byPartition: ReadonlyMap<number, AssignedPartition>;
}

/** Partitions a reconciliation hosts at once (their new logs' files are written on the I/O threads). */
const HOSTING_IN_FLIGHT_MAX = 16;

/** Longest stretch of a reconciliation without yielding to the event loop. */
const RECONCILE_SLICE_MS = 20;

/** ISR writes (etcd transactions of up to ISR_CHANGES_PER_TXN_MAX partitions) in flight at once. */
const ISR_WRITES_IN_FLIGHT_MAX = 4;

/**
 * The least time between two ISR expansions a partition's follower fetches start: a write
 * etcd refused (or a follower that falls back as fast as it catches up) waits this long,
 * or for the periodic check.
 */
const ISR_EXPANSION_RETRY_MS = 1000;

/** How often reconciliation is retried while a replica assigned here has no log (a full disk). */
const UNHOSTED_RETRY_MS = 1000;

/** A transaction marker as a coordinator asks a partition leader to write it. */
export interface TxnMarker {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly commit: boolean;
  readonly coordinatorEpoch: number;
}

/** The longest an idle follower's fetch session goes unread by its leader (see followerScanIntervalMs). */
export const FOLLOWER_SCAN_INTERVAL_MAX_MS = 2000;

export interface ReplicaManagerOptions {
  readonly brokerId: number;
  readonly clock: Clock;
  /**
   * True while this broker may be gone from etcd's view (lease lost, or not yet
   * re-registered and reconciled): it must not act as any partition's leader then.
   */
  readonly isFenced: () => boolean;
  /**
   * This process's incarnation (BrokerRecord.incarnation), -1 before it registered. A
   * partition state that names this broker leader under another incarnation was written
   * for a process before a restart, which may have lost the tail of its log: it is not
   * followed until the controller writes a new one (see applyState).
   */
  readonly incarnation: () => number;
  /** Writes a leader's ISR change by compare-and-swap; false when the state changed meanwhile. */
  readonly writeIsr: IsrWriter;
  /** A follower not caught up for this long leaves the ISR (replica.lag.time.max.ms). */
  readonly replicaLagTimeMaxMs: number;
  readonly logManager: LogManager;
  readonly logDefaults: LogConfig;
  readonly logger: Logger;
  /** Told of every ISR change this leader wrote to etcd: a metrics seam. */
  readonly onIsrChange?: (change: { shrink: boolean; expand: boolean }) => void;
}

/** This broker's logs, as DescribeLogDirs answers them. */
export interface LogDirInfo {
  readonly logDir: string;
  readonly replicas: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly sizeBytes: number;
    readonly logStartOffset: number;
    readonly logEndOffset: number;
    readonly leader: boolean;
  }[];
  readonly totalBytes: number;
  readonly usableBytes: number;
  readonly capacityBytes: number;
}

/** A led partition's ISR change on its way to etcd. */
interface PlannedIsrChange {
  readonly partition: Partition;
  readonly change: IsrChange;
  readonly shrink: boolean;
  readonly expand: boolean;
}

export class ReplicaManager {
  private readonly hosted = new Map<string, Partition>();
  /**
   * Bumped whenever `hosted` gains, loses or replaces a partition: a follower's fetch
   * session caches Partition references and resolves them again when it moved.
   */
  private hostedChanges = 0;
  /** The hosted partitions of each topic: coordinators look at one internal topic's, not at all of them. */
  private readonly hostedByTopic = new Map<string, Map<number, Partition>>();
  /**
   * Bumped whenever `hosted` changes or a hosted partition changes role, leader or leader
   * epoch: what the follower's fetch plan depends on. ISR changes leave it alone, so a
   * broker rejoining 20,000 ISRs does not re-plan its fetchers 20,000 times.
   */
  private leadershipChanges = 0;
  /**
   * What each hosted partition was last reconciled from: its topic record's and partition
   * state's revisions and this process's incarnation. A metadata change touches a few
   * partitions; the others are skipped, so reconciling 10,000 replicas costs a walk, not
   * 10,000 state applications. It also keeps a state the watch has not replaced yet from
   * being applied again over the leader's own newer ISR change (checkIsr), which applied
   * the written ISR at once.
   */
  private readonly reconciledFrom = new Map<string, { topic: number; state: number; incarnation: number }>();
  /** The partitions of each topic assigned here, as of its record's revision (recomputed when it changes). */
  private readonly assignedHere = new Map<string, AssignedHere>();
  /** The image last reconciled, and where its change feed stood then. */
  private followed: { image: MetadataImage; synced: boolean; incarnation: number; cursor: ChangeCursor } | null = null;
  private running: Promise<void> = Promise.resolve();
  private pending: { image: MetadataImage; synced: boolean } | null = null;
  private image: MetadataImage | null = null;
  private synced = false;
  private stopped = false;
  /** Replicas assigned here whose log could not be created: the error, by key. */
  private readonly unhosted = new Map<string, TidelogError>();
  private isrChecks: PeriodicTask | null = null;
  private readonly listeners: (() => void)[] = [];
  private readonly markerListeners: ((tp: TopicPartition, marker: TxnMarker) => void)[] = [];

  private retryTimer: Timer | null = null;
  /** Led partitions a caught-up outsider asked to join, written by one drain at a time. */
  private readonly expansionsDue = new Set<Partition>();
  private expansionDraining = false;
  private readonly lastExpansionMs = new WeakMap<Partition, number>();
  /** Partitions with an ISR change being written: a second check of one waits for the next round. */
  private readonly isrWritesInFlight = new Set<Partition>();

  /** The throttle on what this broker, as leader, sends to replicas a reassignment is adding. */
  readonly reassignmentQuota: ReplicationQuota;
  /** Wakes the follower fetches parked here when a partition they replicate has news. */
  readonly followerBell: FollowerBell;

  constructor(private readonly options: ReplicaManagerOptions) {
    this.reassignmentQuota = new ReplicationQuota(options.clock, () => this.image?.reassignmentThrottle ?? 0);
    this.followerBell = new FollowerBell(options.clock);
  }

  /**
   * How often a leader reads an idle follower's whole fetch session at least (follower-
   * fetch.ts), which also notes the follower as caught up: a quarter of
   * replica.lag.time.max.ms, so an idle in-sync follower never looks lagging, and at most
   * FOLLOWER_SCAN_INTERVAL_MAX_MS, so a high watermark or log start that moved reaches an
   * idle follower within that.
   */
  get followerScanIntervalMs(): number {
    return Math.min(FOLLOWER_SCAN_INTERVAL_MAX_MS, Math.floor(this.options.replicaLagTimeMaxMs / 4));
  }

  /** The clock every wait of the read and write paths is measured on. */
  get clock(): Clock {
    return this.options.clock;
  }

  /** Changes whenever the set of hosted Partition objects does (see `hostedChanges`). */
  get hostingGeneration(): number {
    return this.hostedChanges;
  }

  /** Changes whenever a hosted partition is added, removed or replaced, or changes role, leader or leader epoch. */
  get leadershipGeneration(): number {
    return this.leadershipChanges;
  }

  /** The hosted partitions of one topic. */
  hostedOf(topic: string): Iterable<Partition> {
    return this.hostedByTopic.get(topic)?.values() ?? [];
  }

  get(tp: TopicPartition): Partition | undefined {
    return this.hosted.get(tpKey(tp));
  }

  all(): Partition[] {
    return [...this.hosted.values()];
  }

  /** Called after a transaction marker is written to a partition led here (the group coordinator applies or drops pending offsets). */
  onTxnMarker(listener: (tp: TopicPartition, marker: TxnMarker) => void): void {
    this.markerListeners.push(listener);
  }

  /**
   * Writes a transaction marker (WriteTxnMarkers from a coordinator) to a partition led
   * here, acks=all, then tells the marker listeners.
   */
  async writeTxnMarker(tp: TopicPartition, marker: TxnMarker, timeoutMs: number): Promise<number> {
    const partition = this.leaderFor(tp);
    const written = await partition.appendMarkerAsLeader(marker, timeoutMs, partition.leaderEpoch);
    for (const listener of this.markerListeners) listener(tp, marker);
    return written.baseOffset;
  }

  /**
   * An operator's abort of a producer's open transaction on one partition led here (a
   * hanging transaction no coordinator will end): an ABORT marker at the transaction's
   * epoch. INVALID_TXN_STATE when the producer has no open transaction here,
   * INVALID_PRODUCER_EPOCH when the epoch is not the open transaction's. Returns the
   * marker's offset.
   */
  async abortOpenTransaction(
    tp: TopicPartition,
    producerId: number,
    producerEpoch: number,
    timeoutMs: number,
  ): Promise<number> {
    const open = this.leaderFor(tp)
      .log.ongoingTransactions()
      .find((t) => t.producerId === producerId);
    if (!open) {
      throw new TidelogError("INVALID_TXN_STATE", `producer ${producerId} has no open transaction on ${tpKey(tp)}`);
    }
    if (open.producerEpoch !== producerEpoch) {
      throw new TidelogError(
        "INVALID_PRODUCER_EPOCH",
        `the open transaction of producer ${producerId} on ${tpKey(tp)} is at epoch ${open.producerEpoch}, not ${producerEpoch}`,
      );
    }
    this.options.logger.warn(
      { topic: tp.topic, partition: tp.partition, producerId, producerEpoch, firstOffset: open.firstOffset },
      "aborting an open transaction on an operator's request",
    );
    return this.writeTxnMarker(tp, { producerId, producerEpoch, commit: false, coordinatorEpoch: -1 }, timeoutMs);
  }

  /**
   * Kafka's DeleteRecords on a partition this broker leads: its log start offset moves up
   * to `offset` (-1: the high watermark), which must not be past the high watermark
   * (OFFSET_OUT_OF_RANGE: only committed records may be deleted). The new start is
   * checkpointed at once, so a crash does not bring the records back, and the answer
   * waits (at most `timeoutMs`) until every in-sync follower has followed it (each fetch
   * answer carries the leader's log start, each fetch request the follower's). Returns the
   * log start offset after.
   */
  async deleteRecords(tp: TopicPartition, offset: number, timeoutMs: number): Promise<number> {
    const partition = this.leaderFor(tp);
    const log = partition.log;
    const target = offset === -1 ? log.highWatermark : offset;
    if (!Number.isSafeInteger(target) || target < 0 || target > log.highWatermark) {
      throw new TidelogError(
        "OFFSET_OUT_OF_RANGE",
        `cannot delete ${tpKey(tp)} before offset ${offset}: it must be in [0, ${log.highWatermark}] (the high watermark), or -1 for the high watermark`,
      );
    }
    const before = log.logStartOffset;
    const after = log.advanceLogStartOffset(target);
    if (after !== before) {
      this.options.logManager.writeCheckpoints();
      this.options.logger.warn(
        { topic: tp.topic, partition: tp.partition, from: before, to: after },
        "records deleted on request (log start offset moved)",
      );
    }
    // Answered once every in-sync replica has followed, so a leader change cannot bring
    // the records back (Kafka's DelayedDeleteRecords).
    await partition.awaitLowWatermark(after, timeoutMs);
    return after;
  }

  /** Called after every reconciliation (the replica fetchers re-plan their streams). */
  /**
   * The end of this broker's local log of each partition (last batch's leader epoch, log
   * end offset), hosted or not: leader recovery compares them. A log this broker does
   * not have reports epoch -1 at offset 0.
   */
  logEnds(tps: readonly TopicPartition[]): { tp: TopicPartition; lastEpoch: number; logEndOffset: number }[] {
    return tps.map((tp) => {
      const log = this.options.logManager.getLog(tp);
      return { tp, lastEpoch: log ? log.epochs.latestEpoch : -1, logEndOffset: log ? log.logEndOffset : 0 };
    });
  }

  /**
   * Every local log (hosted or left over), with its size and offsets, and the log
   * directory's free and total bytes (-1 when the file system does not say): what
   * DescribeLogDirs answers.
   */
  logDirInfo(): LogDirInfo {
    const { logManager } = this.options;
    const replicas = logManager.allLogs().map(({ tp, log }) => ({
      topic: tp.topic,
      partition: tp.partition,
      sizeBytes: log.sizeBytes,
      logStartOffset: log.logStartOffset,
      logEndOffset: log.logEndOffset,
      leader: this.hosted.get(tpKey(tp))?.role === "leader",
    }));
    let usableBytes = -1;
    let capacityBytes = -1;
    try {
      const fs = statfsSync(logManager.dataDir);
      usableBytes = fs.bavail * fs.bsize;
      capacityBytes = fs.blocks * fs.bsize;
    } catch {
      // Unknown: answered as -1.
    }
    return {
      logDir: logManager.dataDir,
      replicas,
      totalBytes: replicas.reduce((n, r) => n + r.sizeBytes, 0),
      usableBytes,
      capacityBytes,
    };
  }

  onReconciled(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Schedules a reconciliation against `image`; bursts of changes collapse into one. */
  onMetadata(image: MetadataImage, synced: boolean): Promise<void> {
    const first = this.pending === null;
    this.pending = { image, synced };
    if (!first) return this.running;
    this.running = this.running.then(async () => {
      const next = this.pending;
      this.pending = null;
      if (next) await this.reconcile(next.image, next.synced);
      for (const listener of this.listeners) listener();
    });
    this.running = this.running.catch((e: unknown) =>
      this.options.logger.error({ err: e }, "replica reconciliation failed"),
    );
    return this.running;
  }

  private async reconcile(image: MetadataImage, synced: boolean): Promise<void> {
    const { logManager } = this.options;
    const incarnation = this.options.incarnation();
    const slice = { at: this.options.clock.nowMs() };
    // Incremental when only partition states changed since the last reconciliation of
    // this same image: a restarted broker rejoining 10,000 ISRs sends a watch event per
    // few changes, and walking every partition for each held the event loop for seconds.
    const last = this.followed;
    const changed =
      last &&
      last.image === image &&
      last.synced === synced &&
      last.incarnation === incarnation &&
      this.unhosted.size === 0
        ? image.partitionChangesSince(last.cursor)
        : null;
    this.image = image;
    this.synced = synced;
    // Followed from here only once this pass is done: a pass that fails part-way leaves
    // the next one to look at everything.
    const cursor = image.changeCursor;
    this.followed = null;
    if (changed) {
      for (const key of new Set(changed)) {
        const { topic: name, partition } = parseTpKey(key);
        const topic = image.topics.get(name);
        const entry = this.assignedHere.get(name)?.byPartition.get(partition);
        if (topic && entry) await this.reconcilePartition(image, topic, entry, incarnation, slice);
      }
      this.followed = { image, synced, incarnation, cursor };
      return;
    }
    const wanted = new Set<string>();
    const work: { topic: Versioned<TopicRecord>; entry: AssignedPartition }[] = [];
    for (const topic of image.topics.values()) {
      for (const entry of this.assignedOf(topic).byPartition.values()) {
        wanted.add(entry.key);
        work.push({ topic, entry });
      }
    }
    // A few at once: a new log's partition.metadata is fsynced on the I/O threads, and
    // one at a time a 10,000-partition topic took half a minute to be hosted.
    await forEachBounded(work, HOSTING_IN_FLIGHT_MAX, ({ topic, entry }) =>
      this.reconcilePartition(image, topic, entry, incarnation, slice),
    );
    this.followed = { image, synced, incarnation, cursor };
    for (const key of this.reconciledFrom.keys()) if (!wanted.has(key)) this.reconciledFrom.delete(key);
    for (const name of this.assignedHere.keys()) if (!image.topics.has(name)) this.assignedHere.delete(name);
    for (const key of this.unhosted.keys()) if (!wanted.has(key)) this.unhosted.delete(key);
    for (const f of logManager.failedCreations()) if (!wanted.has(f.key)) logManager.forgetFailedCreation(f.tp);
    if (this.unhosted.size > 0 && !this.retryTimer && !this.stopped) {
      this.retryTimer = this.options.clock.after(
        UNHOSTED_RETRY_MS,
        () => {
          this.retryTimer = null;
          if (this.image && !this.stopped) void this.onMetadata(this.image, this.synced);
        },
        { ref: false },
      );
    }
    if (!synced || image.revision === 0) return;
    for (const { tp } of logManager.allLogs()) {
      if (wanted.has(tpKey(tp))) continue;
      this.hosted
        .get(tpKey(tp))
        ?.failWaiters(new TidelogError("NOT_LEADER_OR_FOLLOWER", `${tpKey(tp)} is no longer hosted on this broker`));
      this.unhost(tp);
      await logManager.deleteLog(tp);
      this.options.logger.info(
        { topic: tp.topic, partition: tp.partition },
        "deleted the log of a partition no longer hosted here",
      );
    }
  }

  /** The partitions of `topic` assigned here, recomputed when its record changes. */
  private assignedOf(topic: Versioned<TopicRecord>): AssignedHere {
    const name = topic.value.name;
    const known = this.assignedHere.get(name);
    if (known && known.modRevision === topic.modRevision) return known;
    const byPartition = new Map<number, AssignedPartition>();
    topic.value.assignment.forEach((replicas, partition) => {
      if (replicas.includes(this.options.brokerId))
        byPartition.set(partition, { partition, replicas, key: topicPartitionKey(name, partition) });
    });
    const assigned = {
      modRevision: topic.modRevision,
      config: this.configFor(name, topic.value.configs),
      byPartition,
    };
    this.assignedHere.set(name, assigned);
    return assigned;
  }

  /**
   * Hosts one partition assigned here and applies its state, unless it was reconciled from
   * these very revisions already.
   */
  private async reconcilePartition(
    image: MetadataImage,
    topic: Versioned<TopicRecord>,
    entry: AssignedPartition,
    incarnation: number,
    slice: { at: number },
  ): Promise<void> {
    const { partition, replicas, key } = entry;
    const found = image.partitions.get(key);
    const state = found?.value.topicId === topic.value.topicId ? found : undefined;
    const existing = this.hosted.get(key);
    const last = this.reconciledFrom.get(key);
    if (
      existing &&
      existing.topicId === topic.value.topicId &&
      last?.topic === topic.modRevision &&
      last.state === (state?.modRevision ?? 0) &&
      last.incarnation === incarnation
    )
      return;
    const tp = { topic: topic.value.name, partition };
    // Creating thousands of logs (a large topic) is synchronous file work: let the
    // event loop breathe between them, or etcd keepalives and fetches wait behind it
    // and the broker loses its session.
    if (this.options.clock.nowMs() - slice.at >= RECONCILE_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      slice.at = this.options.clock.nowMs();
    }
    const config = this.assignedOf(topic).config;
    let hosted: Partition;
    try {
      hosted = await this.host(tp, topic.value.topicId, config);
    } catch (e) {
      rethrowIfInvariantViolation(e);
      if (!this.unhosted.has(key)) {
        this.options.logger.error(
          { topic: tp.topic, partition: tp.partition, err: (e as Error).message },
          "cannot host a replica assigned here; retried when the log directory takes writes again",
        );
      }
      this.unhosted.set(key, this.options.logManager.creationFailed(tp, config, e));
      return;
    }
    if (this.unhosted.delete(key)) this.options.logManager.forgetFailedCreation(tp);
    const move = topic.value.reassignments?.[String(partition)];
    hosted.addingReplicas = move ? new Set(addingReplicas(move)) : NO_REPLICAS;
    this.applyState(hosted, replicas, state);
    this.reconciledFrom.set(key, { topic: topic.modRevision, state: state?.modRevision ?? 0, incarnation });
  }

  private configFor(topic: string, configs: Readonly<Record<string, string>>): LogConfig {
    try {
      return logConfigFromProperties(configs, this.options.logDefaults);
    } catch (e) {
      // The controller validated these; a bad value here was written around it. Serve on defaults.
      this.options.logger.error(
        { topic, err: (e as Error).message },
        "invalid topic config in metadata; using broker defaults",
      );
      return this.options.logDefaults;
    }
  }

  /** The hosted partition for `tp`, creating or replacing its log as the topic id requires. */
  private async host(tp: TopicPartition, topicId: string, config: LogConfig): Promise<Partition> {
    const key = tpKey(tp);
    const existing = this.hosted.get(key);
    if (existing && existing.topicId === topicId) {
      existing.log.updateConfig(config);
      return existing;
    }
    const { logManager } = this.options;
    let log = logManager.getLog(tp);
    if (log) {
      const recorded = readPartitionMetadata(log.dir);
      if (recorded !== null && recorded !== topicId) {
        this.options.logger.info(
          { topic: tp.topic, partition: tp.partition, recorded, topicId },
          "topic was recreated; deleting the old log",
        );
        this.unhost(tp);
        await logManager.deleteLog(tp);
        log = undefined;
      }
    }
    if (!log) log = logManager.getOrCreateLog(tp, config);
    log.updateConfig(config);
    await writePartitionMetadata(log.dir, topicId);
    const partition = new Partition(tp, topicId, log, this.options.brokerId, this.options.clock, {
      onLeaderNews: (p) => this.followerBell.ring(p.replicas),
      isFenced: () => this.options.isFenced(),
      onFollowerCaughtUp: (p) => this.expandSoon(p),
    });
    this.hosted.set(key, partition);
    const ofTopic = this.hostedByTopic.get(tp.topic) ?? new Map<number, Partition>();
    ofTopic.set(tp.partition, partition);
    this.hostedByTopic.set(tp.topic, ofTopic);
    this.hostedChanges++;
    this.leadershipChanges++;
    return partition;
  }

  private unhost(tp: TopicPartition): void {
    if (!this.hosted.delete(tpKey(tp))) return;
    const ofTopic = this.hostedByTopic.get(tp.topic);
    ofTopic?.delete(tp.partition);
    if (ofTopic?.size === 0) this.hostedByTopic.delete(tp.topic);
    this.hostedChanges++;
    this.leadershipChanges++;
  }

  private applyState(partition: Partition, replicas: number[], state: Versioned<PartitionState> | undefined): void {
    // Leading on a state meant for this broker's previous process would serve a log that
    // may have lost its tail in the crash, in the same leader epoch as the followers, who
    // cannot see the divergence: it could acknowledge a new record at an offset that
    // already holds an acknowledged one, and widen the ISR with replicas that lack them.
    // Until the controller sees the restart and writes a new state, lead nothing.
    const s = state?.value;
    const forEarlierIncarnation =
      s !== undefined &&
      s.leader === this.options.brokerId &&
      s.leaderBrokerEpoch !== undefined &&
      s.leaderBrokerEpoch !== this.options.incarnation();
    const before = { role: partition.role, leader: partition.leader, leaderEpoch: partition.leaderEpoch };
    const changed = partition.applyState({
      leader: forEarlierIncarnation ? NO_LEADER : (s?.leader ?? NO_LEADER),
      leaderEpoch: state?.value.leaderEpoch ?? -1,
      isr: state?.value.isr ?? [],
      replicas,
      modRevision: state?.modRevision ?? 0,
    });
    if (
      partition.role !== before.role ||
      partition.leader !== before.leader ||
      partition.leaderEpoch !== before.leaderEpoch
    )
      this.leadershipChanges++;
    if (!changed) return;
    this.options.logger.info(
      {
        topic: partition.tp.topic,
        partition: partition.tp.partition,
        role: partition.role,
        leader: partition.leader,
        leaderEpoch: partition.leaderEpoch,
      },
      forEarlierIncarnation
        ? "the partition state names an earlier incarnation of this broker as leader; waiting for the controller"
        : partition.role === "leader"
          ? "became leader"
          : "became follower",
    );
  }

  isFenced(): boolean {
    return this.options.isFenced();
  }

  /** The partition, when this broker leads it; otherwise the error a client should see. */
  leaderFor(tp: TopicPartition): Partition {
    const partition = this.hosted.get(tpKey(tp));
    if (!partition) {
      const unhosted = this.unhosted.get(tpKey(tp));
      if (unhosted) throw unhosted;
      throw new TidelogError(
        "UNKNOWN_TOPIC_OR_PARTITION",
        `${tpKey(tp)} is not hosted on broker ${this.options.brokerId}`,
      );
    }
    if (partition.role !== "leader") {
      throw new TidelogError(
        "NOT_LEADER_OR_FOLLOWER",
        `broker ${this.options.brokerId} is not the leader of ${tpKey(tp)} (leader ${partition.leader})`,
      );
    }
    if (this.options.isFenced()) {
      throw new TidelogError(
        "NOT_LEADER_OR_FOLLOWER",
        `broker ${this.options.brokerId} lost its etcd session and may have been replaced as leader of ${tpKey(tp)}`,
      );
    }
    return partition;
  }

  // ------------------------------------------------------------------ ISR changes (leader side)

  /** Checks the ISR of every partition led here, every `intervalMs`. */
  startIsrChecks(intervalMs: number): void {
    this.isrChecks = new PeriodicTask({
      clock: this.options.clock,
      intervalMs,
      run: () => this.checkIsr(),
      onError: (e) => this.options.logger.warn({ err: (e as Error).message }, "ISR check failed"),
    });
    this.isrChecks.start();
  }

  stop(): void {
    this.stopped = true;
    void this.isrChecks?.stop();
    this.retryTimer?.cancel();
    for (const p of this.hosted.values())
      p.failWaiters(new TidelogError("NOT_LEADER_OR_FOLLOWER", "the broker is shutting down"));
  }

  /**
   * Shrinks the ISR of led partitions by followers that fell behind, and expands it by
   * followers that reached the high watermark. Skipped while fenced: a broker etcd may
   * have dropped must not change what it may no longer lead.
   */
  async checkIsr(): Promise<void> {
    if (this.options.isFenced() || !this.image) return;
    await this.changeIsrs([...this.hosted.values()].filter((p) => p.role === "leader"));
  }

  /**
   * Checks a led partition's ISR soon, outside the fetch that found a follower caught up
   * (the write is an etcd round trip). At most one try per partition per
   * ISR_EXPANSION_RETRY_MS; the periodic check still catches whatever this misses. The
   * partitions due by the time a write ends go together in the next one.
   */
  private expandSoon(p: Partition): void {
    if (this.stopped) return;
    const now = this.options.clock.monotonicMs();
    const last = this.lastExpansionMs.get(p);
    if (last !== undefined && now - last < ISR_EXPANSION_RETRY_MS) return;
    this.lastExpansionMs.set(p, now);
    this.expansionsDue.add(p);
    if (this.expansionDraining) return;
    this.expansionDraining = true;
    void (async () => {
      await Promise.resolve();
      while (this.expansionsDue.size > 0 && !this.stopped) {
        const due = [...this.expansionsDue];
        this.expansionsDue.clear();
        await this.changeIsrs(due);
      }
    })()
      .catch((e: unknown) => this.options.logger.warn({ err: (e as Error).message }, "ISR expansion failed"))
      .finally(() => {
        this.expansionDraining = false;
      });
  }

  /**
   * Writes the ISR changes `partitions` need, many per etcd transaction and a few
   * transactions at once (isr-writer.ts). A partition whose last change is still being
   * written is left to the next check. Rejects with the first failed write, after the
   * others finished.
   */
  private async changeIsrs(partitions: readonly Partition[]): Promise<void> {
    const planned: PlannedIsrChange[] = [];
    for (const p of partitions) {
      if (this.isrWritesInFlight.has(p)) continue;
      const plan = this.planIsrChange(p);
      if (!plan) continue;
      this.isrWritesInFlight.add(p);
      planned.push(plan);
    }
    const batches: PlannedIsrChange[][] = [];
    for (let i = 0; i < planned.length; i += ISR_CHANGES_PER_TXN_MAX)
      batches.push(planned.slice(i, i + ISR_CHANGES_PER_TXN_MAX));
    let failure: unknown = null;
    await forEachBounded(batches, ISR_WRITES_IN_FLIGHT_MAX, async (batch) => {
      try {
        const written = await this.options.writeIsr(batch.map((plan) => plan.change));
        invariant(written.length === batch.length, () => `${written.length} ISR outcomes for ${batch.length} changes`);
        for (const [i, plan] of batch.entries()) this.settleIsrChange(plan, written[i] === true);
      } catch (e) {
        failure ??= e;
      } finally {
        for (const plan of batch) this.isrWritesInFlight.delete(plan.partition);
      }
    });
    if (failure) throw failure;
  }

  /** The ISR change a led partition needs now, if any; joiners start holding the high watermark back. */
  private planIsrChange(p: Partition): PlannedIsrChange | null {
    if (this.options.isFenced() || !this.image) return null;
    if (p.role !== "leader") return null;
    const lagging = p.laggingFollowers(this.options.replicaLagTimeMaxMs);
    // A broker whose storage failed, or that is shutting down, stays out: the controller
    // would only drop it again.
    const ineligible = this.image.ineligibleBrokers();
    // A joiner is recorded with the incarnation of the process that fetched (KIP-903), so
    // that a restart after it joined shows. One whose fetches came under a registration
    // the metadata no longer has (it died, or restarted since) cannot be recorded, and
    // stays out: joined unrecorded, the controller would record whatever incarnation it
    // registered next, and trust a restarted replica that lost its tail (the simulation's
    // seed 186 elected one and lost an acknowledged write).
    const joiningEpochs = new Map<number, number>();
    for (const r of p.caughtUpOutsiders()) {
      const incarnation = this.image.incarnationAt(r, p.followerBrokerEpoch(r));
      if (!ineligible.has(r) && incarnation !== null) joiningEpochs.set(r, incarnation);
    }
    const joining = [...joiningEpochs.keys()];
    if (lagging.length === 0 && joining.length === 0) return null;
    const current = this.image.partitionState(p.tp.topic, p.tp.partition);
    if (!current || current.value.leader !== this.options.brokerId || current.value.leaderEpoch !== p.leaderEpoch)
      return null;
    const isr = [...p.isr.filter((r) => !lagging.includes(r)), ...joining];
    // Joiners hold the high watermark back from now on, not from the answer
    // (Partition.pendingJoiners). If the write throws, its outcome is unknown: they keep
    // holding it back until the metadata shows the next state.
    if (joining.length > 0) p.beginIsrExpansion(joining, current.modRevision);
    return {
      partition: p,
      change: {
        topic: p.tp.topic,
        partition: p.tp.partition,
        current,
        isr,
        joiningEpochs,
        minIsr: p.minInsyncReplicas,
      },
      shrink: lagging.length > 0,
      expand: joining.length > 0,
    };
  }

  /** Applies a written ISR change at once (the watch confirms it shortly), or ends a refused expansion. */
  private settleIsrChange(plan: PlannedIsrChange, written: boolean): void {
    const { partition: p, change } = plan;
    this.options.logger.info(
      { topic: p.tp.topic, partition: p.tp.partition, from: change.current.value.isr, to: change.isr, written },
      plan.shrink ? "ISR shrink" : "ISR expand",
    );
    if (written) this.options.onIsrChange?.({ shrink: plan.shrink, expand: plan.expand });
    // Applied at once, so the high watermark can move now; unless the metadata already
    // brought this state or a later one (which may have changed the ISR again, or moved
    // leadership: it is what counts, and applying it ended the expansion). A refused
    // write ends the expansion: nothing changed.
    const notNewer = p.role === "leader" && p.stateModRevision <= change.current.modRevision;
    if (written && notNewer)
      p.applyState({
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        isr: [...change.isr],
        replicas: p.replicas,
        modRevision: change.current.modRevision,
      });
    if (plan.expand && p.role === "leader" && (!written || notNewer)) p.endIsrExpansion();
  }
}
