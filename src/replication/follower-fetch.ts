/**
 * The leader's read path for followers: what one ReplicaFetch request is answered with.
 * The gRPC service (replication-service.ts) checks who is asking and keeps the fetch
 * session; everything read or recorded about the partitions happens here.
 *
 * For each partition of the session the leader checks that it leads at the follower's
 * epoch, then whether the follower's log diverged (KIP-101/279): the follower says the
 * epoch of its last batch; if this log ends that epoch before the follower's log end, the
 * follower has records this leader never had, and is told where to truncate
 * (`divergingEpoch`) instead of being sent data. Otherwise the leader records the
 * follower's position (which may move the high watermark and, later, bring it back into
 * the ISR), sends batches from there, and holds the request (follower-bell.ts) up to
 * `maxWaitMs` when there is nothing new.
 *
 * An answer costs what changed, not the session's size: a partition the follower did not
 * list, whose last read owed it nothing and found it at the log end, and whose state and
 * log have not moved since, would be answered the same, so it is not read again; the
 * follower is only noted as still caught up (Partition.followerStillCaughtUp). With
 * 3,333 partitions led per broker and a 500 ms long poll per follower, reading all of
 * them on every request was most of an idle broker's CPU (issue 26).
 */
import { errorInfo, NO_ERROR } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import { rethrowIfInvariantViolation } from "../common/server-error.js";
import { UNDEFINED_EPOCH } from "../storage/leader-epoch-cache.js";
import type { LeaderFetchSession, SessionPartition } from "./fetch-session.js";
import type { Partition } from "./partition.js";
import type { ReplicaManager } from "./replica-manager.js";

/** A follower's long poll is held at most `waitMaxMs`, and one answer carries at most `responseBytesMax`. */
export const FOLLOWER_FETCH_LIMITS = {
  waitMaxMs: 10_000,
  responseBytesMax: 32 * 1024 * 1024,
};

/** "Not diverging": epoch and end offset both -1 (a real answer has one of them >= 0). */
export const NO_DIVERGENCE: { readonly epoch: number; readonly endOffset: number } = { epoch: -1, endOffset: -1 };
/** Shared by every answer without records: nothing writes to a zero-length buffer. */
const NO_RECORDS = Buffer.alloc(0);

export interface FollowerFetchPartition {
  readonly topic: string;
  readonly partition: number;
  /** The follower's log end offset. */
  readonly fetchOffset: number;
  readonly currentLeaderEpoch: number;
  /** The epoch of the follower's last batch; -1 for an empty log. */
  readonly lastFetchedEpoch: number;
  readonly maxBytes: number;
  /** The follower's log start offset; -1 when it did not say. */
  readonly logStartOffset: number;
}

/** One partition's answer, in the shape the wire message takes (no copy on the way out). */
export interface FollowerFetchResult {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly error: { code: number; message: string };
  readonly records: Buffer;
  readonly divergingEpoch: { readonly epoch: number; readonly endOffset: number };
}

/**
 * Answers `replicaId`'s latest request on `session` (already updated with it), holding it
 * until something is new or `maxWaitMs` passes. Returns only the answers that must go
 * out (SessionPartition.worthSending).
 */
export async function fetchForFollower(
  replicas: ReplicaManager,
  replicaId: number,
  /** The broker epoch the follower fetches under (its registration, checked by the caller). */
  brokerEpoch: number,
  session: LeaderFetchSession,
  maxWaitMs: number,
  maxBytesRequested: number,
): Promise<FollowerFetchResult[]> {
  const { clock } = replicas;
  const deadline = clock.monotonicMs() + Math.min(Math.max(maxWaitMs, 0), FOLLOWER_FETCH_LIMITS.waitMaxMs);
  const maxBytes = Math.min(
    maxBytesRequested > 0 ? maxBytesRequested : FOLLOWER_FETCH_LIMITS.responseBytesMax,
    FOLLOWER_FETCH_LIMITS.responseBytesMax,
  );
  // The latest answer of each partition read: one read before a wait and skipped after
  // (nothing changed) still owes the follower what it said, a moved high watermark say.
  const answers = new Map<SessionPartition, FollowerFetchResult>();
  // An idle follower's request waits without reading the session (LeaderFetchSession.scanDue).
  const bell = replicas.followerBell;
  let read = session.scanDue(
    replicas,
    brokerEpoch,
    bell.rung(replicaId),
    clock.monotonicMs(),
    replicas.followerScanIntervalMs,
  );
  for (;;) {
    let hasNews = false;
    if (read) {
      // Counted before the read, which is synchronous: a ring after it is seen by the wait.
      const ring = bell.rung(replicaId);
      session.resolve(replicas);
      hasNews = readForFollower(replicas, replicaId, brokerEpoch, session, maxBytes, answers);
      session.noteScan({ atMs: clock.monotonicMs(), brokerEpoch, ring, fenced: replicas.isFenced() });
    }
    read = true;
    const remaining = deadline - clock.monotonicMs();
    if (hasNews || remaining <= 0) break;
    if (!session.partitions.some((entry) => entry.partition?.role === "leader")) break;
    // Nothing was read above and nothing can have been appended since (no await between):
    // wait for the next append to a partition the follower replicates.
    const rung = await bell.wait(replicaId, remaining, session.scannedRing);
    // Nothing rang for the whole wait: answer with what the pass above found. A high
    // watermark that moved meanwhile (it rings nothing) goes out with the next request's
    // answer; reading the whole session again here doubled an idle leader's work.
    if (!rung) break;
    // Appends of the same turn of the event loop (a produce request's partitions, the
    // requests read in one poll) go out in one answer rather than one round trip each:
    // under load a round trip per append was most of the replication cost.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const out: FollowerFetchResult[] = [];
  for (const [entry, answer] of answers) if (entry.worthSending(answer)) out.push(answer);
  return out;
}

/**
 * One pass over the session; returns whether some answer is news. A partition is read
 * only when the follower listed it or something it depends on changed since its last
 * read (SessionPartition.unchangedSinceRead): an idle one would be answered the same, so
 * it is only noted as still caught up, which the ISR check needs. Fenced, every partition
 * is read, so each is answered with its error as leaderFor gives it.
 */
function readForFollower(
  replicas: ReplicaManager,
  replicaId: number,
  brokerEpoch: number,
  session: LeaderFetchSession,
  maxBytes: number,
  answers: Map<SessionPartition, FollowerFetchResult>,
): boolean {
  const nowMs = replicas.clock.monotonicMs();
  const fenced = replicas.isFenced();
  const budget = { bytes: maxBytes };
  let hasNews = false;
  for (const entry of session.partitions) {
    const p = entry.request;
    if (
      !fenced &&
      entry.unchangedSinceRead() &&
      entry.partition?.followerStillCaughtUp(replicaId, p.fetchOffset, Number(p.logStartOffset), brokerEpoch, nowMs)
    )
      continue;
    const answer = readPartition(replicas, replicaId, brokerEpoch, entry, budget);
    answers.set(entry, answer);
    // News: data, an error, a divergence, or a log start the follower has not followed
    // yet (DeleteRecords waits for it).
    const news =
      answer.records.length > 0 ||
      answer.error.code !== 0 ||
      answer.divergingEpoch.epoch >= 0 ||
      answer.logStartOffset > Number(p.logStartOffset);
    hasNews ||= news;
    // Settled: nothing is owed to the follower and it is at the log end. A divergence
    // with epoch -1 (the follower keeps nothing) is not news above, but is owed.
    const settled =
      !news &&
      answer.divergingEpoch === NO_DIVERGENCE &&
      entry.partition !== undefined &&
      p.fetchOffset >= entry.partition.log.logEndOffset;
    entry.noteRead(settled);
  }
  return hasNews;
}

/** Reads one partition for the follower, exactly as its request about it says; never throws but for a violated invariant. */
function readPartition(
  replicas: ReplicaManager,
  replicaId: number,
  brokerEpoch: number,
  entry: SessionPartition,
  budget: { bytes: number },
): FollowerFetchResult {
  const p = entry.request;
  try {
    const partition = leaderFor(replicas, p);
    entry.partition = partition;
    if (replicaId === partition.leader || !partition.replicas.includes(replicaId)) {
      throw new TidelogError(
        "REPLICA_NOT_AVAILABLE",
        `broker ${replicaId} is not a follower of ${partition.key} (replicas ${partition.replicas.join(",")})`,
      );
    }
    const log = partition.log;
    if (p.lastFetchedEpoch >= 0) {
      const end = log.epochs.endOffsetFor(p.lastFetchedEpoch, log.logEndOffset);
      if (end.epoch === UNDEFINED_EPOCH) {
        // This log knows no epoch that old: the follower keeps nothing, from our log start.
        const diverging = { epoch: UNDEFINED_EPOCH, endOffset: log.logStartOffset };
        return result(p, log.highWatermark, log.logStartOffset, NO_ERROR, NO_RECORDS, diverging);
      }
      if (end.epoch !== p.lastFetchedEpoch || p.fetchOffset > end.endOffset) {
        return result(p, log.highWatermark, log.logStartOffset, NO_ERROR, NO_RECORDS, end);
      }
    }
    if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.logEndOffset) {
      throw new TidelogError(
        "OFFSET_OUT_OF_RANGE",
        `${partition.key}: follower offset ${p.fetchOffset} outside [${log.logStartOffset}, ${log.logEndOffset}]`,
      );
    }
    partition.onFollowerFetch(replicaId, p.fetchOffset, Number(p.logStartOffset), brokerEpoch);
    let records: Buffer = NO_RECORDS;
    // A replica a reassignment is adding is sent only what the reassignment throttle allows.
    const throttled = partition.addingReplicas.has(replicaId);
    const allowed = throttled ? replicas.reassignmentQuota.allowance() : budget.bytes;
    if (p.fetchOffset < log.logEndOffset && allowed > 0) {
      const partitionBytes = Math.min(p.maxBytes > 0 ? p.maxBytes : budget.bytes, budget.bytes, allowed);
      records = log.read(p.fetchOffset, { maxBytes: partitionBytes, minOneBatch: true }).records;
      budget.bytes = Math.max(0, budget.bytes - records.length);
      if (throttled) replicas.reassignmentQuota.record(records.length);
    }
    // The high watermark after onFollowerFetch, which may just have moved it.
    return result(p, log.highWatermark, log.logStartOffset, NO_ERROR, records, NO_DIVERGENCE);
  } catch (e) {
    rethrowIfInvariantViolation(e);
    const err = e instanceof TidelogError ? e : new TidelogError("UNKNOWN_SERVER_ERROR", (e as Error).message);
    return result(p, -1, -1, errorInfo(err), NO_RECORDS, NO_DIVERGENCE);
  }
}

function result(
  p: FollowerFetchPartition,
  highWatermark: number,
  logStartOffset: number,
  error: { code: number; message: string },
  records: Buffer,
  divergingEpoch: { epoch: number; endOffset: number },
): FollowerFetchResult {
  return { topic: p.topic, partition: p.partition, highWatermark, logStartOffset, error, records, divergingEpoch };
}

/** The partition, led here (and not fenced) at the follower's epoch. */
function leaderFor(replicas: ReplicaManager, p: FollowerFetchPartition): Partition {
  const partition = replicas.leaderFor(p);
  partition.checkLeaderEpoch(p.currentLeaderEpoch);
  return partition;
}
