/**
 * What a follower does with one partition's answer from its leader: append the batches
 * as follower (offsets as the leader assigned them), move its high watermark to
 * min(leader's HW, its LEO) and its log start to the leader's, or, when the leader says
 * the log diverged, truncate as KIP-279 says (never blindly to the high watermark).
 *
 * An answer is applied only to the replica state it was asked for (the same leader epoch
 * and log end offset as in the request): one that arrives after the partition moved on
 * (a new leader, a truncation, a restart of the stream) is dropped, as Kafka's fetcher
 * drops a response whose epoch no longer matches, and the next request asks afresh.
 * Applied late, it would append another leader's batches, or truncate by a divergence
 * computed for a log that is no longer there.
 *
 * Apart from the fetcher's stream, so anything that carries answers (the gRPC fetcher,
 * an in-process simulation) applies them by the same rule.
 */
import { errorFromInfo } from "@tidelog/client/protocol";
import type { Logger } from "../common/logger.js";
import type { Partition } from "./partition.js";

/** One partition of a leader's answer, as the wire and fetchForFollower shape it. */
export interface FollowerData {
  readonly error: { readonly code: number; readonly message: string } | null;
  readonly records: Buffer;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly divergingEpoch: { readonly epoch: number; readonly endOffset: number } | null;
}

/** What the follower asked from: its leader epoch and log end offset when it sent the request. */
export interface FollowerAsked {
  readonly leaderEpoch: number;
  readonly fetchOffset: number;
}

/**
 * - "applied": records appended (maybe none), positions moved;
 * - "stale": the partition moved on since the request: nothing done;
 * - "truncated": the log diverged and was cut back; fetch again from its new end;
 * - "refused": the leader answered an error (not the leader any more, epochs disagree):
 *   sit out until the metadata moves on;
 * - "storage-failed": our log cannot take writes: sit out instead of failing in a loop.
 */
export type FollowerApplyOutcome = "applied" | "stale" | "truncated" | "refused" | "storage-failed";

export function applyFollowerData(
  p: Partition,
  data: FollowerData,
  asked: FollowerAsked,
  logger: Logger,
): FollowerApplyOutcome {
  if (p.role !== "follower" || p.leaderEpoch !== asked.leaderEpoch || p.log.logEndOffset !== asked.fetchOffset)
    return "stale";
  const error = errorFromInfo(data.error);
  // Logged by the caller, once per answer: after a leader change it refuses every
  // partition of the answer, thousands of lines at once on a large broker.
  if (error) return "refused";
  const log = p.log;
  if (log.storageFailure) return "storage-failed";
  const diverging = data.divergingEpoch;
  if (diverging && diverging.epoch >= -1 && (diverging.epoch >= 0 || diverging.endOffset >= 0)) {
    // Kafka's rule (KIP-279): when this log knows the leader's epoch, keep the shorter of
    // the two ends of it; when it does not (it never had a batch of that epoch), cut back
    // to the end of its own latest epoch below it, and the next fetch compares that epoch.
    // Keeping the log as it was in that case (the leader's end offset may lie beyond a
    // batch of a later epoch this log has) asked the same question forever: the follower
    // never caught up again. Found by the simulation (test/sim, seed 1447).
    const own = log.epochs.endOffsetFor(diverging.epoch, log.logEndOffset);
    const target = own.epoch === diverging.epoch ? Math.min(diverging.endOffset, own.endOffset) : own.endOffset;
    logger.warn(
      {
        topic: p.tp.topic,
        partition: p.tp.partition,
        from: log.logEndOffset,
        to: target,
        leaderEpoch: diverging.epoch,
      },
      "log diverged from the leader; truncating",
    );
    if (target < 0) log.truncateFullyAndStartAt(Math.max(0, data.logStartOffset));
    else log.truncateTo(target);
    return "truncated";
  }
  // The log only reads a follower's batches (offsets are the leader's): no copy needed.
  if (data.records.length > 0) log.appendAsFollower(data.records);
  const hw = Math.min(data.highWatermark, log.logEndOffset);
  if (hw > log.highWatermark) log.updateHighWatermark(hw);
  // The leader's log start moved (DeleteRecords, or retention there): follow it, up to
  // what this replica has committed, so a new leader does not serve deleted records.
  if (data.logStartOffset > log.logStartOffset) log.advanceLogStartOffset(data.logStartOffset);
  if (log.flushNeeded()) {
    log.flush().catch((e: unknown) => logger.error({ err: e }, "follower flush failed"));
  }
  return "applied";
}
