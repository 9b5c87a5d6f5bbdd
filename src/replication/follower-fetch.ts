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
 * the ISR), sends batches from there, and holds the request (delayed-fetch.ts) up to
 * `maxWaitMs` when there is nothing new.
 */
import { errorInfo, NO_ERROR } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import { rethrowIfInvariantViolation } from "../common/server-error.js";
import { UNDEFINED_EPOCH } from "../storage/leader-epoch-cache.js";
import { awaitChange } from "./delayed-fetch.js";
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

/** Reads for `replicaId`, holding the request until something is new or `maxWaitMs` passes. */
export async function fetchForFollower(
  replicas: ReplicaManager,
  replicaId: number,
  /** The broker epoch the follower fetches under (its registration, checked by the caller). */
  brokerEpoch: number,
  partitions: readonly FollowerFetchPartition[],
  maxWaitMs: number,
  maxBytesRequested: number,
): Promise<FollowerFetchResult[]> {
  const { clock } = replicas;
  const deadline = clock.nowMs() + Math.min(Math.max(maxWaitMs, 0), FOLLOWER_FETCH_LIMITS.waitMaxMs);
  const maxBytes = Math.min(
    maxBytesRequested > 0 ? maxBytesRequested : FOLLOWER_FETCH_LIMITS.responseBytesMax,
    FOLLOWER_FETCH_LIMITS.responseBytesMax,
  );
  for (;;) {
    const results = readForFollower(replicas, replicaId, brokerEpoch, partitions, maxBytes);
    // News: data, an error, a divergence, or a log start the follower has not followed
    // yet (DeleteRecords waits for it).
    const hasNews = results.some(
      (r, i) =>
        r.records.length > 0 ||
        r.error.code !== 0 ||
        r.divergingEpoch.epoch >= 0 ||
        r.logStartOffset > Number((partitions[i] as FollowerFetchPartition).logStartOffset),
    );
    const remaining = deadline - clock.nowMs();
    if (hasNews || remaining <= 0) return results;
    const led = partitions.flatMap((p) => {
      const partition = replicas.get(p);
      return partition && partition.role === "leader" ? [partition] : [];
    });
    if (led.length === 0) return results;
    // Nothing was read above and nothing can have been appended since (no await between):
    // wait for the next append to any of them.
    await awaitChange(clock, led, "append", remaining);
  }
}

function readForFollower(
  replicas: ReplicaManager,
  replicaId: number,
  brokerEpoch: number,
  fetched: readonly FollowerFetchPartition[],
  maxBytes: number,
): FollowerFetchResult[] {
  // Called for every partition of the session on every request, idle ones included: one
  // object per answer, built in one place, so all answers share a shape.
  let budget = maxBytes;
  const answers: FollowerFetchResult[] = new Array(fetched.length);
  for (let i = 0; i < fetched.length; i++) {
    const p = fetched[i]!;
    try {
      const partition = leaderFor(replicas, p);
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
          answers[i] = result(p, log.highWatermark, log.logStartOffset, NO_ERROR, NO_RECORDS, diverging);
          continue;
        }
        if (end.epoch !== p.lastFetchedEpoch || p.fetchOffset > end.endOffset) {
          answers[i] = result(p, log.highWatermark, log.logStartOffset, NO_ERROR, NO_RECORDS, end);
          continue;
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
      const allowed = throttled ? replicas.reassignmentQuota.allowance() : budget;
      if (p.fetchOffset < log.logEndOffset && allowed > 0) {
        const partitionBytes = Math.min(p.maxBytes > 0 ? p.maxBytes : budget, budget, allowed);
        records = log.read(p.fetchOffset, { maxBytes: partitionBytes, minOneBatch: true }).records;
        budget = Math.max(0, budget - records.length);
        if (throttled) replicas.reassignmentQuota.record(records.length);
      }
      // The high watermark after onFollowerFetch, which may just have moved it.
      answers[i] = result(p, log.highWatermark, log.logStartOffset, NO_ERROR, records, NO_DIVERGENCE);
    } catch (e) {
      rethrowIfInvariantViolation(e);
      const err = e instanceof TidelogError ? e : new TidelogError("UNKNOWN_SERVER_ERROR", (e as Error).message);
      answers[i] = result(p, -1, -1, errorInfo(err), NO_RECORDS, NO_DIVERGENCE);
    }
  }
  return answers;
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
