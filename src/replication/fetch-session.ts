/**
 * Fetch sessions (KIP-227) on a replica-fetch stream. Both halves live as long as the
 * stream: a reconnecting follower starts a new session with a full request, so neither
 * side ever needs a session id or an eviction policy.
 */
import type { wire } from "@tidelog/client/protocol";
import { tpKey } from "../common/topic-partition.js";
import { type FollowerFetchPartition, type FollowerFetchResult, NO_DIVERGENCE } from "./follower-fetch.js";
import type { Partition } from "./partition.js";
import type { ReplicaManager } from "./replica-manager.js";

/** What a follower's request says about one partition it follows. */
export type FetchedReplica = Pick<Partition, "key" | "tp" | "leaderEpoch"> & {
  readonly log: {
    readonly logEndOffset: number;
    readonly logStartOffset: number;
    readonly epochs: { readonly latestEpoch: number };
  };
};

/**
 * One partition of a leader's session: the follower's latest word on it, and what the
 * leader last made of it. follower-fetch.ts reads it again only when one of the two
 * moved, so an idle partition costs a few comparisons per request, not a read.
 */
export class SessionPartition {
  /** Named by the current request: the follower's position moved, and must be recorded. */
  listed = true;
  /** The hosted partition as last resolved; undefined until a read found it led here. */
  partition: Partition | undefined = undefined;
  /**
   * The last read owed the follower nothing (no error, records, divergence or log start
   * to follow) and found it at the log end; `seen*` is the partition as it left it.
   */
  private settled = false;
  private seenStateModRevision = 0;
  private seenLogEndOffset = 0;
  private seenHighWatermark = 0;
  private seenLogStartOffset = 0;
  /** What the last answer sent said; -1 when none was, or it was an error (the next one goes out). */
  private sentHighWatermark = -1;
  private sentLogStartOffset = -1;

  constructor(public request: FollowerFetchPartition) {}

  /** Notes a full read: whether it settled the partition, and the partition as it left it. */
  noteRead(settled: boolean): void {
    this.listed = false;
    const p = this.partition;
    this.settled = settled && p !== undefined;
    if (!p) return;
    this.seenStateModRevision = p.stateModRevision;
    this.seenLogEndOffset = p.log.logEndOffset;
    this.seenHighWatermark = p.log.highWatermark;
    this.seenLogStartOffset = p.log.logStartOffset;
  }

  /**
   * Whether a read now would answer what the last one did: the follower said nothing new,
   * the last read settled, this broker still leads the partition, and nothing the answer
   * depends on moved (a partition state from the metadata, an append or truncation, the
   * high watermark, the log start). Fencing and the hosted set are the caller's to check.
   */
  unchangedSinceRead(): boolean {
    const p = this.partition;
    return (
      this.settled &&
      !this.listed &&
      p !== undefined &&
      p.role === "leader" &&
      p.stateModRevision === this.seenStateModRevision &&
      p.log.logEndOffset === this.seenLogEndOffset &&
      p.log.highWatermark === this.seenHighWatermark &&
      p.log.logStartOffset === this.seenLogStartOffset
    );
  }

  /** Points at the partition now hosted under this key; a different one is read afresh. */
  rehost(partition: Partition | undefined): void {
    if (partition === this.partition) return;
    this.partition = partition;
    this.settled = false;
  }

  /**
   * Whether `answer` must go out, remembering what it says. One with no records, no
   * error, no divergence and the high watermark and log start offset last sent is left
   * out (Kafka's incremental fetch sessions save the same bytes): the follower applies
   * only what is listed, so an omitted partition simply stays as it was.
   */
  worthSending(answer: FollowerFetchResult): boolean {
    const failed = answer.error.code !== 0;
    if (
      !failed &&
      answer.records.length === 0 &&
      answer.divergingEpoch === NO_DIVERGENCE &&
      answer.highWatermark === this.sentHighWatermark &&
      answer.logStartOffset === this.sentLogStartOffset
    )
      return false;
    this.sentHighWatermark = failed ? -1 : answer.highWatermark;
    this.sentLogStartOffset = failed ? -1 : answer.logStartOffset;
    return true;
  }
}

/**
 * The leader's half: every partition the follower fetches, as its latest request about
 * it said. A full request replaces the set; an incremental one lists only the partitions
 * whose fetch state changed, so idle partitions are neither encoded by the follower nor
 * decoded here on every round trip. A partition a full request names again keeps what
 * was last sent of it, as the follower keeps what it applied.
 */
export class LeaderFetchSession {
  private entries: SessionPartition[] = [];
  /** Position in `entries` by tpKey: consulted only for the partitions a request lists. */
  private indexOf = new Map<string, number>();
  /** The ReplicaManager hosting generation the entries' partitions were resolved at. */
  private resolvedAt = -1;
  /** Partitions the latest request listed (0: the follower reports no change). */
  private listedInRequest = 0;
  /** The last read of the whole session: when, under which broker epoch, at which ring count, and whether fenced. */
  private scanned = { atMs: Number.NEGATIVE_INFINITY, brokerEpoch: -1, ring: -1, fenced: false };

  get partitions(): readonly SessionPartition[] {
    return this.entries;
  }

  /**
   * Whether a request must read the session before it waits: when the follower listed a
   * change, its bell rang since the last read (an append while no fetch was parked), the
   * hosted set or the follower's broker epoch changed, the broker is fenced, or
   * `intervalMs` passed since the last read. An idle follower's request otherwise goes
   * straight to the wait: appends ring the bell, and what rings nothing (a high watermark
   * or log start moving, a new partition state) is found by the next read, at most
   * `intervalMs` later. The same read notes idle followers as caught up, so the interval
   * must stay well under replica.lag.time.max.ms (ReplicaManager.followerScanIntervalMs).
   */
  scanDue(
    replicas: Pick<ReplicaManager, "hostingGeneration" | "isFenced">,
    brokerEpoch: number,
    ring: number,
    nowMs: number,
    intervalMs: number,
  ): boolean {
    return (
      this.listedInRequest > 0 ||
      ring !== this.scanned.ring ||
      replicas.hostingGeneration !== this.resolvedAt ||
      brokerEpoch !== this.scanned.brokerEpoch ||
      replicas.isFenced() ||
      this.scanned.fenced ||
      nowMs - this.scanned.atMs >= intervalMs
    );
  }

  /** Notes a read of the whole session (what scanDue compares against). */
  noteScan(scan: { atMs: number; brokerEpoch: number; ring: number; fenced: boolean }): void {
    this.scanned = scan;
  }

  /** The follower bell's ring count at the last read: a wait returns at once if it rang since. */
  get scannedRing(): number {
    return this.scanned.ring;
  }

  update(req: { readonly incremental: boolean; readonly partitions: readonly FollowerFetchPartition[] }): void {
    this.listedInRequest = req.partitions.length;
    const before = req.incremental ? null : { entries: this.entries, indexOf: this.indexOf };
    if (before) {
      this.entries = [];
      this.indexOf = new Map();
    }
    for (const p of req.partitions) {
      const key = tpKey(p);
      const i = this.indexOf.get(key);
      let entry = i === undefined ? undefined : this.entries[i];
      if (!entry) {
        const j = before?.indexOf.get(key);
        entry = (j === undefined ? undefined : before?.entries[j]) ?? new SessionPartition(p);
        this.indexOf.set(key, this.entries.length);
        this.entries.push(entry);
      }
      entry.request = p;
      entry.listed = true;
    }
  }

  /**
   * Resolves every entry's partition again when the broker's hosted set changed since the
   * last look (a partition created, deleted or recreated here: rare), so a cached one is
   * never a partition the broker no longer hosts.
   */
  resolve(replicas: Pick<ReplicaManager, "hostingGeneration" | "get">): void {
    if (replicas.hostingGeneration === this.resolvedAt) return;
    this.resolvedAt = replicas.hostingGeneration;
    for (const entry of this.entries) entry.rehost(replicas.get(entry.request));
  }
}

/**
 * The follower's half: what the leader was last told of each partition. Once the leader
 * has said it keeps sessions (an older one never does, and gets full requests), a request
 * lists every partition when the set differs from the last one sent (a partition parked,
 * joined or left), and otherwise only those whose log end offset, log start offset or epochs moved.
 */
export class FollowerFetchSession {
  private readonly sent = new Map<string, FollowerFetchPartition>();
  /** Whether the leader said it keeps sessions; until then every request is full. */
  private leaderKeepsSessions = false;

  /** Notes what the leader's latest answer said about sessions. */
  answered(answer: { readonly keepsSessions: boolean }): void {
    this.leaderKeepsSessions = answer.keepsSessions;
  }

  /**
   * The state partition `key` was fetched from in the latest request (its log end and
   * leader epoch then: unchanged partitions are left out of a request only while these
   * are what was last sent), or undefined when the request did not cover it.
   */
  asked(key: string): { readonly leaderEpoch: number; readonly fetchOffset: number } | undefined {
    const last = this.sent.get(key);
    return last && { leaderEpoch: last.currentLeaderEpoch, fetchOffset: last.fetchOffset };
  }

  next(
    partitions: readonly FetchedReplica[],
    maxBytes: number,
  ): { incremental: boolean; changed: wire.ReplicaFetchPartition[] } {
    const incremental =
      this.leaderKeepsSessions && partitions.length === this.sent.size && partitions.every((p) => this.sent.has(p.key));
    if (!incremental) this.sent.clear();
    const changed: wire.ReplicaFetchPartition[] = [];
    for (const p of partitions) {
      const last = this.sent.get(p.key);
      const fetchOffset = p.log.logEndOffset;
      const currentLeaderEpoch = p.leaderEpoch;
      const lastFetchedEpoch = p.log.epochs.latestEpoch;
      const logStartOffset = p.log.logStartOffset;
      if (
        last !== undefined &&
        last.fetchOffset === fetchOffset &&
        last.currentLeaderEpoch === currentLeaderEpoch &&
        last.lastFetchedEpoch === lastFetchedEpoch &&
        last.logStartOffset === logStartOffset
      )
        continue;
      const entry: FollowerFetchPartition = {
        topic: p.tp.topic,
        partition: p.tp.partition,
        fetchOffset,
        currentLeaderEpoch,
        lastFetchedEpoch,
        maxBytes,
        logStartOffset,
      };
      this.sent.set(p.key, entry);
      changed.push(entry);
    }
    return { incremental, changed };
  }
}
