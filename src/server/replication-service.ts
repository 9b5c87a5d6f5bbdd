/**
 * The leader's side of replication: the Replication.ReplicaFetch stream a follower broker
 * opens to this one, carrying every partition it follows here.
 *
 * For each partition of the stream's fetch session (every partition the follower's
 * requests named, as they last said; see fetch-session.ts) the leader checks that it
 * leads at the follower's epoch, then whether the follower's log diverged (KIP-101/279):
 * the follower says the epoch of its last batch; if this log ends that epoch before the
 * follower's log end, the follower has records this leader never had, and is told where
 * to truncate (`diverging_epoch`) instead of being sent data. Otherwise the leader sends
 * batches from the follower's log end offset, records that offset as the follower's
 * position (which may move the high watermark and, later, bring it back into the ISR),
 * and holds the request up to max_wait_ms when there is nothing new.
 */
import type * as grpc from "@grpc/grpc-js";
import { errorInfo, NO_ERROR, type wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { Logger } from "../common/logger.js";
import { LeaderFetchSession } from "../replication/fetch-session.js";
import type { Partition } from "../replication/partition.js";
import type { ReplicaManager } from "../replication/replica-manager.js";
import { UNDEFINED_EPOCH } from "../storage/leader-epoch-cache.js";

export interface ReplicationServiceDeps {
  readonly replicas: ReplicaManager;
  readonly isFenced: () => boolean;
  /**
   * The epoch (create revision of `brokers/<id>`) of broker `id`'s live registration, as
   * this broker's metadata shows it; null when it is not registered.
   */
  readonly brokerEpochOf: (id: number) => number | null;
  readonly logger: Logger;
}

const WAIT_MAX_MS = 10_000;
const RESPONSE_BYTES_MAX = 32 * 1024 * 1024;
/** "Not diverging": epoch and end offset both -1 (a real answer has one of them >= 0). */
const NO_DIVERGENCE = { epoch: -1, endOffset: -1 };
/** Shared by every answer without records: nothing writes to a zero-length buffer. */
const NO_RECORDS = Buffer.alloc(0);

type PartitionAnswer = wire.ReplicaFetchPartitionData;

export function replicationHandlers(deps: ReplicationServiceDeps): wire.ReplicationHandlers {
  return {
    ReplicaFetch: (call) => serveFollower(call, deps),
  };
}

/**
 * What this stream last told the follower of each partition: a partition with no records,
 * no error, no divergence and the same high watermark and log start offset is left out of
 * the next answer (Kafka's incremental fetch sessions, KIP-227, save the same bytes). The
 * follower applies only what is listed, so an omitted partition simply stays as it was.
 * Scoped to one stream: a reconnecting follower starts from a full answer.
 */
type SentState = Map<string, { highWatermark: number; logStartOffset: number }>;

function serveFollower(
  call: grpc.ServerDuplexStream<wire.ReplicaFetchRequest__Output, wire.ReplicaFetchResponse>,
  deps: ReplicationServiceDeps,
): void {
  let chain: Promise<void> = Promise.resolve();
  const sent: SentState = new Map();
  const session = new LeaderFetchSession();
  // A stream speaks for one replica: its session and follower positions are that replica's.
  let replicaId: number | null = null;
  call.on("data", (req: wire.ReplicaFetchRequest__Output) => {
    replicaId ??= req.replicaId;
    const refusal = refuseFollower(req, replicaId, deps);
    chain = chain
      .then(() => refusal ?? answer(req, session.update(req), deps, sent))
      .then((res) => {
        if (!call.cancelled) call.write(res);
      })
      .catch((e: unknown) => deps.logger.error({ err: e }, "replica fetch failed unexpectedly"));
  });
  call.on("end", () => {
    chain.finally(() => call.end()).catch(() => {});
  });
  call.on("error", () => {});
}

/**
 * Why this request may not fetch as a replica, or null. Only a broker's live incarnation
 * may move the ISR or the high watermark (KIP-380's broker epochs): an id that is not
 * registered, or an epoch other than its registration's (a stale incarnation, or a
 * process that is not a broker at all), is refused before anything is read or recorded.
 * A genuine follower whose registration this broker has not seen yet is refused too,
 * and retries after a backoff.
 */
function refuseFollower(
  req: wire.ReplicaFetchRequest__Output,
  streamReplicaId: number,
  deps: ReplicationServiceDeps,
): wire.ReplicaFetchResponse | null {
  let error: TidelogError | null = null;
  const live = deps.brokerEpochOf(req.replicaId);
  if (req.replicaId !== streamReplicaId) {
    error = new TidelogError(
      "INVALID_REQUEST",
      `replica ${req.replicaId} on a stream opened by replica ${streamReplicaId}`,
    );
  } else if (live === null || live !== Number(req.brokerEpoch)) {
    error = new TidelogError(
      "STALE_BROKER_EPOCH",
      `replica ${req.replicaId} with broker epoch ${req.brokerEpoch}: ` +
        (live === null ? "no live registration" : `the live registration has epoch ${live}`),
    );
  }
  if (!error) return null;
  deps.logger.warn(
    { replicaId: req.replicaId, brokerEpoch: Number(req.brokerEpoch), err: error.detail },
    "refused a replica fetch",
  );
  return { partitions: [], keepsSessions: true, error: errorInfo(error) };
}

async function answer(
  req: wire.ReplicaFetchRequest__Output,
  fetched: readonly wire.ReplicaFetchPartition__Output[],
  deps: ReplicationServiceDeps,
  sent: SentState,
): Promise<wire.ReplicaFetchResponse> {
  const deadline = Date.now() + Math.min(Math.max(req.maxWaitMs, 0), WAIT_MAX_MS);
  const maxBytes = Math.min(req.maxBytes > 0 ? req.maxBytes : RESPONSE_BYTES_MAX, RESPONSE_BYTES_MAX);
  for (;;) {
    const partitions = readForFollower(req.replicaId, fetched, deps, maxBytes);
    const hasData = partitions.some(
      (p) => (p.records as Buffer).length > 0 || (p.error?.code ?? 0) !== 0 || (p.divergingEpoch?.epoch ?? -1) >= 0,
    );
    const remaining = deadline - Date.now();
    if (hasData || remaining <= 0) return { partitions: changedOnly(partitions, sent), keepsSessions: true };
    const led = fetched.flatMap((p) => {
      const partition = deps.replicas.get({ topic: p.topic, partition: p.partition });
      return partition && partition.role === "leader" ? [partition] : [];
    });
    if (led.length === 0) return { partitions: changedOnly(partitions, sent), keepsSessions: true };
    // Nothing was read above and nothing can have been appended since (no await between):
    // wait for the next append to any of them.
    await nextAppend(led, remaining);
  }
}

/** Resolves on the first append to (or failure of) any of `partitions`, or after `timeoutMs`. */
function nextAppend(partitions: readonly Partition[], timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const unwatch: (() => void)[] = [];
    const done = () => {
      clearTimeout(timer);
      for (const stop of unwatch) stop();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    try {
      for (const p of partitions) unwatch.push(p.watchAppends(done));
    } catch {
      // Too many watchers: wait out the timeout instead (answering now would spin).
      for (const stop of unwatch) stop();
    }
  });
}

/** The answers the follower needs (see SentState), remembering what they say. */
function changedOnly(partitions: PartitionAnswer[], sent: SentState): PartitionAnswer[] {
  return partitions.filter((p) => {
    const key = `${p.topic}-${p.partition}`;
    const highWatermark = Number(p.highWatermark ?? -1);
    const logStartOffset = Number(p.logStartOffset ?? -1);
    const failed = (p.error?.code ?? 0) !== 0;
    const last = sent.get(key);
    const quiet =
      !failed &&
      (p.records as Buffer).length === 0 &&
      p.divergingEpoch === NO_DIVERGENCE &&
      last !== undefined &&
      last.highWatermark === highWatermark &&
      last.logStartOffset === logStartOffset;
    if (quiet) return false;
    if (failed) sent.delete(key);
    else sent.set(key, { highWatermark, logStartOffset });
    return true;
  });
}

function readForFollower(
  replicaId: number,
  fetched: readonly wire.ReplicaFetchPartition__Output[],
  deps: ReplicationServiceDeps,
  maxBytes: number,
): PartitionAnswer[] {
  // Called for every partition of the session on every request, idle ones included: one
  // object per answer, built in one place, so all answers share a shape.
  let budget = maxBytes;
  const answers: PartitionAnswer[] = new Array(fetched.length);
  for (let i = 0; i < fetched.length; i++) {
    const p = fetched[i]!;
    try {
      const partition = leaderAt(deps, p.topic, p.partition, p.currentLeaderEpoch);
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
          answers[i] = partitionAnswer(p, log.highWatermark, log.logStartOffset, NO_ERROR, NO_RECORDS, diverging);
          continue;
        }
        if (end.epoch !== p.lastFetchedEpoch || p.fetchOffset > end.endOffset) {
          answers[i] = partitionAnswer(p, log.highWatermark, log.logStartOffset, NO_ERROR, NO_RECORDS, end);
          continue;
        }
      }
      if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.logEndOffset) {
        throw new TidelogError(
          "OFFSET_OUT_OF_RANGE",
          `${partition.key}: follower offset ${p.fetchOffset} outside [${log.logStartOffset}, ${log.logEndOffset}]`,
        );
      }
      partition.onFollowerFetch(replicaId, p.fetchOffset);
      let records: Buffer = NO_RECORDS;
      if (p.fetchOffset < log.logEndOffset) {
        const partitionBytes = Math.min(p.maxBytes > 0 ? p.maxBytes : budget, budget);
        records = log.read(p.fetchOffset, { maxBytes: partitionBytes, minOneBatch: true }).records;
        budget = Math.max(0, budget - records.length);
      }
      // The high watermark after onFollowerFetch, which may just have moved it.
      answers[i] = partitionAnswer(p, log.highWatermark, log.logStartOffset, NO_ERROR, records, NO_DIVERGENCE);
    } catch (e) {
      const err = e instanceof TidelogError ? e : new TidelogError("UNKNOWN_SERVER_ERROR", (e as Error).message);
      answers[i] = partitionAnswer(p, -1, -1, errorInfo(err), NO_RECORDS, NO_DIVERGENCE);
    }
  }
  return answers;
}

function partitionAnswer(
  p: wire.ReplicaFetchPartition__Output,
  highWatermark: number,
  logStartOffset: number,
  error: { code: number; message: string },
  records: Buffer,
  divergingEpoch: { epoch: number; endOffset: number },
): PartitionAnswer {
  return { topic: p.topic, partition: p.partition, highWatermark, logStartOffset, error, records, divergingEpoch };
}

function leaderAt(deps: ReplicationServiceDeps, topic: string, partition: number, epoch: number): Partition {
  const p = deps.replicas.get({ topic, partition });
  if (!p) throw new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `${topic}-${partition} is not hosted here`);
  if (p.role !== "leader" || deps.isFenced())
    throw new TidelogError("NOT_LEADER_OR_FOLLOWER", `not the leader of ${p.key}`);
  if (epoch >= 0 && epoch < p.leaderEpoch)
    throw new TidelogError("FENCED_LEADER_EPOCH", `${p.key}: follower epoch ${epoch} < ${p.leaderEpoch}`);
  if (epoch > p.leaderEpoch)
    throw new TidelogError("UNKNOWN_LEADER_EPOCH", `${p.key}: follower epoch ${epoch} > ${p.leaderEpoch}`);
  return p;
}
