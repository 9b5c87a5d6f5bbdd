/**
 * One partition hosted on this broker: its log, and its role in the replica set.
 *
 * As leader it knows every follower's log end offset (from their fetches) and moves the
 * high watermark to the lowest log end offset in the ISR, never backwards. Produce
 * requests with acks=all wait here until the high watermark passes their last offset;
 * long-poll fetches wait here until there is something new to read.
 *
 *   leader LEO 120, ISR {1: 120, 2: 118, 3: 95 (not in ISR)}  ->  HW 118
 *
 * A follower is "caught up" when it fetches from the leader's log end offset; one that
 * has not been caught up for replica.lag.time.max.ms leaves the ISR, and one that reaches
 * the high watermark rejoins (the ReplicaManager writes those changes to etcd).
 *
 * Invariants: HW <= LEO and HW never decreases except when the log is truncated (a
 * follower whose log diverged); the leader epoch never decreases.
 */
import { TidelogError } from "@tidelog/client/record";
import { NO_LEADER } from "../cluster/metadata-records.js";
import type { Clock, Timer } from "../common/clock.js";
import { invariant } from "../common/invariant.js";
import { type TopicPartition, tpKey } from "../common/topic-partition.js";
import type { LogAppendInfo, PartitionLog } from "../storage/partition-log.js";

export type ReplicaRole = "leader" | "follower";

/** What a long-poll fetch waits for: an append (followers) or the high watermark moving (consumers). */

interface FollowerState {
  /** The follower's log end offset, as its last fetch said. */
  leo: number;
  /**
   * When it last fetched from the leader's log end offset, on the monotonic clock: a wall
   * clock stepped forward would otherwise drop every follower from the ISR at once.
   */
  lastCaughtUpMs: number;
  /** Its log start offset, as its last fetch said; -1 when unknown. */
  logStartOffset: number;
  /** The broker epoch of its last fetch: which incarnation of the follower it was; -1 when unknown. */
  brokerEpoch: number;
}

/** A request waiting for the high watermark to reach `until`. */
interface Waiter {
  readonly until: number;
  readonly resolve: () => void;
  readonly reject: (e: TidelogError) => void;
  readonly timer: Timer;
}

/** What a partition asks of the broker hosting it. */
export interface PartitionHooks {
  /** Told of every append, failure or leadership change while this replica leads (follower-bell.ts). */
  readonly onLeaderNews: (p: Partition) => void;
  /** Whether this broker lost its etcd session: it then appends nothing as leader. */
  readonly isFenced: () => boolean;
  /**
   * Told when a replica outside the ISR fetched up to the high watermark while this one
   * leads: it may join now (as Kafka expands on the fetch), not at the next periodic check.
   */
  readonly onFollowerCaughtUp: (p: Partition) => void;
}

const NO_HOOKS: PartitionHooks = { onLeaderNews: () => {}, isFenced: () => false, onFollowerCaughtUp: () => {} };

/** The acks value that waits for every in-sync replica. */
export const ACKS_ALL = -1;

/** Waits kept per partition; past this, new waits are refused rather than queued. */
export const WAITERS_PER_PARTITION_MAX = 10_000;

export class Partition {
  role: ReplicaRole = "follower";
  leader = NO_LEADER;
  leaderEpoch = -1;
  replicas: number[] = [];
  /**
   * Replicas a reassignment is adding (partition-reassignment.ts): the leader's answers to
   * them count against the reassignment throttle (replication-quota.ts).
   */
  addingReplicas: ReadonlySet<number> = new Set();
  isr: number[] = [];
  /** The etcd mod revision of the partition state these fields came from (for ISR CAS). */
  stateModRevision = 0;
  private readonly followers = new Map<number, FollowerState>();
  /**
   * Followers an ISR expansion is adding while its write to etcd is in flight. They count
   * for the high watermark from the moment the write is sent (Kafka's "maximal ISR",
   * KIP-497): etcd may commit the wider ISR long before its answer arrives (a slow or
   * paused etcd), and the controller may elect a joiner from it at once. Were the high
   * watermark meanwhile computed over the narrower ISR, a record the joiner lacks could be
   * acknowledged, and lost when the joiner leads (long verify run 8 lost coordinator
   * state in __transaction_state this way).
   */
  private pendingJoiners: ReadonlySet<number> = new Set();
  /** The state revision the pending expansion was written against: a later state settles it either way. */
  private pendingSinceRevision = 0;
  /** acks=all produces waiting for the high watermark to pass an offset. */
  private hwWaiters: Waiter[] = [];
  /** DeleteRecords requests waiting for the in-sync followers to follow the log start. */
  private lowWatermarkWaiters: Waiter[] = [];
  /**
   * Long-poll fetches waiting for something new (see delayed-fetch.ts): consumers for the
   * high watermark to move or this partition to fail or change leadership. One callback
   * per waiting fetch, however many partitions it covers, so a long poll over many
   * partitions costs one timer, not one per partition. (Follower fetches wait on the
   * follower bell instead, rung through onLeaderNews.)
   */
  private readonly watchers = new Set<() => void>();

  /** "topic-partition", built once: the replication loops look partitions up by it every round. */
  readonly key: string;

  constructor(
    readonly tp: TopicPartition,
    readonly topicId: string,
    readonly log: PartitionLog,
    private readonly brokerId: number,
    private readonly clock: Clock,
    private readonly hooks: PartitionHooks = NO_HOOKS,
  ) {
    this.key = tpKey(tp);
  }

  get minInsyncReplicas(): number {
    return this.log.logConfig.minInsyncReplicas;
  }

  /** Applies a partition state from the metadata; returns whether the role or epoch changed. */
  applyState(state: {
    leader: number;
    leaderEpoch: number;
    isr: number[];
    replicas: number[];
    modRevision: number;
  }): boolean {
    if (state.leaderEpoch < this.leaderEpoch) return false;
    const role: ReplicaRole = state.leader === this.brokerId ? "leader" : "follower";
    const changed = role !== this.role || state.leaderEpoch !== this.leaderEpoch;
    if (changed) {
      // A new leadership: follower positions are unknown until they fetch again, and
      // waiters from the old role can no longer be answered truthfully.
      this.followers.clear();
      this.pendingJoiners = new Set();
      this.failWaiters(
        new TidelogError("NOT_LEADER_OR_FOLLOWER", `leadership of ${this.key} moved (epoch ${state.leaderEpoch})`),
      );
      if (role === "leader") {
        const now = this.clock.monotonicMs();
        for (const r of state.isr)
          if (r !== this.brokerId)
            this.followers.set(r, { leo: -1, lastCaughtUpMs: now, logStartOffset: -1, brokerEpoch: -1 });
      }
    }
    this.role = role;
    this.leader = state.leader;
    this.leaderEpoch = state.leaderEpoch;
    this.isr = [...state.isr];
    this.replicas = [...state.replicas];
    // A later state than the one a pending expansion was written against settles it:
    // its joiners are in this ISR now, or the expansion did not happen.
    if (this.pendingJoiners.size > 0 && state.modRevision > this.pendingSinceRevision) this.pendingJoiners = new Set();
    this.stateModRevision = state.modRevision;
    if (role === "leader") this.maybeAdvanceHighWatermark();
    this.checkInvariants();
    return changed;
  }

  // ------------------------------------------------------------------ leader side

  /**
   * FENCED_LEADER_EPOCH when a request names an older leader epoch than ours (it has
   * stale metadata), UNKNOWN_LEADER_EPOCH when a newer one (ours is stale); -1 skips.
   */
  checkLeaderEpoch(requested: number): void {
    if (requested < 0) return;
    if (requested < this.leaderEpoch) {
      throw new TidelogError(
        "FENCED_LEADER_EPOCH",
        `${this.key}: epoch ${requested} is older than ${this.leaderEpoch}`,
      );
    }
    if (requested > this.leaderEpoch) {
      throw new TidelogError(
        "UNKNOWN_LEADER_EPOCH",
        `${this.key}: epoch ${requested} is newer than ${this.leaderEpoch}`,
      );
    }
  }

  /**
   * Records a follower's fetch at `fetchOffset` (its log end offset), with its log start
   * offset (-1: not said) and the broker epoch it fetched under (-1: not said).
   */
  onFollowerFetch(replicaId: number, fetchOffset: number, logStartOffset = -1, brokerEpoch = -1): void {
    const now = this.clock.monotonicMs();
    const state = this.followers.get(replicaId) ?? {
      leo: -1,
      lastCaughtUpMs: Number.NEGATIVE_INFINITY,
      logStartOffset: -1,
      brokerEpoch: -1,
    };
    state.leo = fetchOffset;
    state.logStartOffset = logStartOffset;
    state.brokerEpoch = brokerEpoch;
    if (fetchOffset >= this.log.logEndOffset) state.lastCaughtUpMs = now;
    this.followers.set(replicaId, state);
    this.maybeAdvanceHighWatermark();
    this.checkInvariants();
    this.releaseLowWatermarkWaiters();
    const hw = this.log.highWatermark;
    if (
      !this.isr.includes(replicaId) &&
      this.role === "leader" &&
      hw >= 0 &&
      fetchOffset >= hw &&
      this.replicas.includes(replicaId) &&
      !this.pendingJoiners.has(replicaId)
    )
      this.hooks.onFollowerCaughtUp(this);
  }

  /**
   * Records a fetch that the leader did not read (follower-fetch.ts skips a partition
   * neither side changed since its last read): the follower is still caught up, which the
   * ISR check needs. Only when this fetch would record nothing else: the position, log
   * start and broker epoch already recorded are the fetch's, and at the log end (its log
   * end offset changes only when it says so, and this log's only grows), so the high
   * watermark and the waiters have nothing new to look at. Otherwise (another position
   * recorded since, or none after a leadership change) it returns false, recording
   * nothing: the fetch must be recorded in full (onFollowerFetch).
   */
  followerStillCaughtUp(
    replicaId: number,
    fetchOffset: number,
    logStartOffset: number,
    brokerEpoch: number,
    /** On the monotonic clock, as lastCaughtUpMs. */
    nowMs: number,
  ): boolean {
    const state = this.followers.get(replicaId);
    if (
      state === undefined ||
      state.leo !== fetchOffset ||
      state.logStartOffset !== logStartOffset ||
      state.brokerEpoch !== brokerEpoch ||
      fetchOffset < this.log.logEndOffset
    )
      return false;
    state.lastCaughtUpMs = nowMs;
    return true;
  }

  /**
   * The low watermark: the smallest log start offset of the in-sync replicas (this
   * leader's included); -1 while some in-sync follower has not said its own. Records below
   * it are gone from every in-sync copy, so no later leader can serve them again.
   */
  get lowWatermark(): number {
    let low = this.log.logStartOffset;
    for (const r of this.isr) {
      if (r === this.brokerId) continue;
      const start = this.followers.get(r)?.logStartOffset ?? -1;
      if (start < 0) return -1;
      low = Math.min(low, start);
    }
    return low;
  }

  /**
   * DeleteRecords' wait (Kafka's DelayedDeleteRecords): resolves once the low watermark
   * reaches `offset`, rejects with REQUEST_TIMED_OUT after `timeoutMs` and with
   * NOT_LEADER_OR_FOLLOWER if leadership moves first. Parked follower fetches are woken
   * so the new log start goes out at once rather than after their long poll.
   */
  awaitLowWatermark(offset: number, timeoutMs: number): Promise<void> {
    if (this.lowWatermark >= offset) return Promise.resolve();
    this.tellLeaderNews();
    if (this.lowWatermarkWaiters.length >= WAITERS_PER_PARTITION_MAX) {
      return Promise.reject(new TidelogError("REQUEST_TIMED_OUT", `too many requests waiting on ${this.key}`));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        until: offset,
        resolve,
        reject,
        timer: this.clock.after(timeoutMs, () => {
          this.lowWatermarkWaiters = this.lowWatermarkWaiters.filter((w) => w !== waiter);
          reject(
            new TidelogError(
              "REQUEST_TIMED_OUT",
              `${this.key}: the in-sync followers did not follow the log start to ${offset} within ${timeoutMs} ms (low watermark ${this.lowWatermark}); they will on their next fetch`,
            ),
          );
        }),
      };
      this.lowWatermarkWaiters.push(waiter);
    });
  }

  private releaseLowWatermarkWaiters(): void {
    if (this.lowWatermarkWaiters.length === 0) return;
    const low = this.lowWatermark;
    const ready = this.lowWatermarkWaiters.filter((w) => low >= w.until);
    if (ready.length === 0) return;
    this.lowWatermarkWaiters = this.lowWatermarkWaiters.filter((w) => low < w.until);
    for (const w of ready) {
      w.timer.cancel();
      w.resolve();
    }
  }

  /**
   * An ISR expansion adding `joining` is being written: until `endIsrExpansion`, they
   * hold the high watermark back as members do (see `pendingJoiners`).
   */
  beginIsrExpansion(joining: readonly number[], writtenAgainstRevision: number): void {
    invariant(this.role === "leader", () => `${this.key}: only a leader expands its ISR`);
    this.pendingJoiners = new Set(joining);
    this.pendingSinceRevision = writtenAgainstRevision;
  }

  /**
   * The expansion's write was answered (applied or refused): the ISR in force alone
   * counts again. A write whose outcome is unknown (etcd did not answer) is not ended
   * here: the next partition state from the metadata settles it (applyState).
   */
  endIsrExpansion(): void {
    this.pendingJoiners = new Set();
    this.maybeAdvanceHighWatermark();
  }

  /** The lowest log end offset over the ISR and any pending joiners, if past the current high watermark. */
  maybeAdvanceHighWatermark(): void {
    if (this.role !== "leader") return;
    let hw = this.log.logEndOffset;
    for (const r of this.isr) {
      if (r === this.brokerId) continue;
      const f = this.followers.get(r);
      hw = Math.min(hw, f ? f.leo : -1);
    }
    for (const r of this.pendingJoiners) {
      if (r === this.brokerId || this.isr.includes(r)) continue;
      hw = Math.min(hw, this.followers.get(r)?.leo ?? -1);
    }
    if (hw > this.log.highWatermark) {
      this.log.updateHighWatermark(hw);
      this.release();
    }
  }

  /**
   * Appends a produce request's batch as leader and waits as `acks` asks: not at all
   * (0, 1) or until the high watermark has passed it (-1). Refused up front with
   * NOT_ENOUGH_REPLICAS when acks=all and the ISR is below min.insync.replicas.
   */
  async appendRecordsAsLeader(
    records: Buffer,
    acks: number,
    timeoutMs: number,
    /** The leader epoch the caller found this partition led at (see appendAndWait). */
    leaderEpoch: number,
  ): Promise<{ baseOffset: number; lastOffset: number; logStartOffset: number }> {
    return this.appendAndWait(() => this.log.appendAsLeader(records, this.leaderEpoch), acks, timeoutMs, leaderEpoch);
  }

  /**
   * Appends a transaction marker (a coordinator's WriteTxnMarkers) and waits, as Kafka
   * writes markers, until every in-sync replica has it.
   */
  async appendMarkerAsLeader(
    marker: { producerId: number; producerEpoch: number; commit: boolean; coordinatorEpoch: number },
    timeoutMs: number,
    leaderEpoch: number,
  ): Promise<{ baseOffset: number; lastOffset: number; logStartOffset: number }> {
    return this.appendAndWait(
      () => this.log.appendMarkerAsLeader(marker, this.leaderEpoch),
      ACKS_ALL,
      timeoutMs,
      leaderEpoch,
    );
  }

  /**
   * The one way records enter this log as leader. Checked synchronously, right before the
   * append: this replica still leads, at the epoch the caller found (`leaderEpoch`), and the
   * broker is not fenced. A caller awaits between finding the leader and appending (the
   * coordinator's answer before a transaction's first batch, say); if leadership moved
   * meanwhile, appending would write on a follower, stamped with the new leader's epoch,
   * which no divergence check can see: the replicas then differ for good (long verify
   * run 11: a committed transaction's record lost, two records visible twice).
   */
  private async appendAndWait(
    append: () => LogAppendInfo,
    acks: number,
    timeoutMs: number,
    leaderEpoch: number,
  ): Promise<{ baseOffset: number; lastOffset: number; logStartOffset: number }> {
    const log = this.log;
    const fenced = this.hooks.isFenced();
    if (this.role !== "leader" || this.leaderEpoch !== leaderEpoch || fenced) {
      throw new TidelogError(
        "NOT_LEADER_OR_FOLLOWER",
        `${this.key}: not led here at epoch ${leaderEpoch} any more (${this.role}, epoch ${this.leaderEpoch}` +
          `${fenced ? ", this broker lost its etcd session" : ""}); nothing was written`,
      );
    }
    if (acks === ACKS_ALL && this.isr.length < log.logConfig.minInsyncReplicas) {
      throw new TidelogError(
        "NOT_ENOUGH_REPLICAS",
        `${this.key} has ${this.isr.length} in-sync replicas; min.insync.replicas is ${log.logConfig.minInsyncReplicas}`,
      );
    }
    const info = append();
    if (!info.duplicate) {
      // Waiters wait on the high watermark, which releases them when it moves.
      this.maybeAdvanceHighWatermark();
      this.tellLeaderNews();
    }
    this.checkInvariants();
    if (log.flushNeeded()) await log.flush();
    if (acks === ACKS_ALL) await this.awaitHighWatermark(info.lastOffset + 1, timeoutMs);
    return { baseOffset: info.firstOffset, lastOffset: info.lastOffset, logStartOffset: log.logStartOffset };
  }

  /** ISR followers that have not been caught up for `maxLagMs`. */
  laggingFollowers(maxLagMs: number): number[] {
    const now = this.clock.monotonicMs();
    return this.isr.filter(
      (r) =>
        r !== this.brokerId && now - (this.followers.get(r)?.lastCaughtUpMs ?? Number.NEGATIVE_INFINITY) > maxLagMs,
    );
  }

  /** Replicas outside the ISR that have reached the high watermark. */
  caughtUpOutsiders(): number[] {
    const hw = this.log.highWatermark;
    return this.replicas.filter((r) => !this.isr.includes(r) && (this.followers.get(r)?.leo ?? -1) >= hw && hw >= 0);
  }

  /** The broker epoch of a follower's last fetch; -1 when unknown. Stamped on it when it joins the ISR. */
  followerBrokerEpoch(replicaId: number): number {
    return this.followers.get(replicaId)?.brokerEpoch ?? -1;
  }

  followerLogEndOffset(replicaId: number): number {
    return this.followers.get(replicaId)?.leo ?? -1;
  }

  // ------------------------------------------------------------------ waiting

  /**
   * acks=all: resolves once the high watermark is >= `offset` while the ISR that moved it
   * has at least min.insync.replicas members; rejects with NOT_ENOUGH_REPLICAS_AFTER_APPEND
   * when the high watermark passed `offset` only because the ISR shrank below that (the
   * record may have one copy: an acknowledgement would promise more than is true, as
   * Kafka's delayed produce also refuses), and with REQUEST_TIMED_OUT after `timeoutMs`.
   */
  awaitHighWatermark(offset: number, timeoutMs: number): Promise<void> {
    if (this.log.highWatermark >= offset) {
      const short = this.notEnoughReplicas(offset);
      return short ? Promise.reject(short) : Promise.resolve();
    }
    return this.wait(this.hwWaiters, offset, timeoutMs);
  }

  /** Why an acks=all write up to `offset` may not be acknowledged now, or null. */
  private notEnoughReplicas(offset: number): TidelogError | null {
    const min = this.log.logConfig.minInsyncReplicas;
    if (this.isr.length >= min) return null;
    return new TidelogError(
      "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
      `${this.key}: written up to ${offset - 1}, but the ISR shrank to [${this.isr.join(",")}], below min.insync.replicas ${min}`,
    );
  }

  /**
   * Calls `wake` whenever the high watermark moves (and on a failure or leadership
   * change) until the returned function is called. Refused past WAITERS_PER_PARTITION_MAX.
   */
  watchHighWatermark(wake: () => void): () => void {
    if (this.watchers.size >= WAITERS_PER_PARTITION_MAX) {
      throw new TidelogError("REQUEST_TIMED_OUT", `too many fetches waiting on ${this.key}`);
    }
    this.watchers.add(wake);
    return () => this.watchers.delete(wake);
  }

  private wakeWatchers(): void {
    for (const wake of this.watchers) wake();
  }

  /** An append, failure or log start change the followers should hear of at once (follower-bell.ts). */
  private tellLeaderNews(): void {
    if (this.role === "leader") this.hooks.onLeaderNews(this);
  }

  private wait(list: Waiter[], until: number, timeoutMs: number): Promise<void> {
    if (list.length >= WAITERS_PER_PARTITION_MAX) {
      return Promise.reject(new TidelogError("REQUEST_TIMED_OUT", `too many requests waiting on ${this.key}`));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        until,
        resolve,
        reject,
        timer: this.clock.after(timeoutMs, () => {
          this.hwWaiters = this.hwWaiters.filter((w) => w !== waiter);
          reject(
            new TidelogError(
              "REQUEST_TIMED_OUT",
              `${this.key}: high watermark did not reach ${until} within ${timeoutMs} ms`,
            ),
          );
        }),
      };
      list.push(waiter);
    });
  }

  /** Wakes waiters whose high watermark has come: called when it moves. */
  private release(): void {
    const hw = this.log.highWatermark;
    const ready = (w: Waiter) => hw >= w.until;
    for (const w of this.hwWaiters) {
      if (!ready(w)) continue;
      w.timer.cancel();
      const short = this.notEnoughReplicas(w.until);
      if (short) w.reject(short);
      else w.resolve();
    }
    this.hwWaiters = this.hwWaiters.filter((w) => !ready(w));
    this.wakeWatchers();
  }

  failWaiters(error: TidelogError): void {
    this.tellLeaderNews();
    this.wakeWatchers();
    for (const w of [...this.hwWaiters, ...this.lowWatermarkWaiters]) {
      w.timer.cancel();
      w.reject(error);
    }
    this.hwWaiters = [];
    this.lowWatermarkWaiters = [];
  }

  /**
   * Checked after every change of state here (metadata applied, a follower's fetch, an
   * append); the leader epoch's monotonicity is the epoch cache's (leader-epoch-cache.ts).
   * Not checked: HW <= every in-sync follower's LEO. It holds whenever the high watermark
   * moves (it moves to that minimum), but a follower that lost an unflushed tail in a
   * crash may report less afterwards while still listed in the ISR, and catches up: a
   * real state, not corruption.
   */
  checkInvariants(): void {
    const log = this.log;
    invariant(
      log.highWatermark <= log.logEndOffset,
      () => `${this.key}: HW ${log.highWatermark} > LEO ${log.logEndOffset}`,
    );
    invariant(
      log.lastStableOffset <= log.highWatermark,
      () => `${this.key}: LSO ${log.lastStableOffset} > HW ${log.highWatermark}`,
    );
  }
}
