/**
 * The leader's read path for consumers: Fetch and ListOffsets, answered from the
 * partitions this broker leads. The gRPC service only translates requests and answers.
 *
 * Fetch reads raw batch bytes from each partition's fetch offset up to what the isolation
 * level allows: the high watermark (read_uncommitted) or the last stable offset
 * (read_committed, which also gets the aborted transactions overlapping what was read, as
 * Kafka's Fetch answer carries them). Across partitions it shares `maxBytes` in request
 * order, guaranteeing one whole batch to the first partition with data (KIP-74), and
 * holds the request (long poll, delayed-fetch.ts) until `minBytes` are there, the high
 * watermark moves, or `maxWaitMs` passes. One partition's error never fails the others.
 *
 * Every size and wait is bounded here (CONSUMER_FETCH_LIMITS), whatever a client asked.
 */
import { errorInfo, NO_ERROR } from "@tidelog/client/protocol";
import type { TidelogError } from "@tidelog/client/record";
import { sleep } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { asServerError } from "../common/server-error.js";
import type { TopicPartition } from "../common/topic-partition.js";
import { awaitChange } from "./delayed-fetch.js";
import type { Partition } from "./partition.js";
import type { ReplicaManager } from "./replica-manager.js";

export type IsolationLevel = "read_uncommitted" | "read_committed";

/** Bounds on what one consumer request may ask for. */
export const CONSUMER_FETCH_LIMITS = {
  fetchWaitMaxMs: 30_000,
  fetchBytesMax: 64 * 1024 * 1024,
  fetchPartitionBytesDefault: 1024 * 1024,
};

export interface ConsumerFetchPartition {
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: number;
  /** Bytes for this partition; <= 0 for the default. */
  readonly partitionMaxBytes: number;
  /** The leader epoch the client believes current; -1 skips the check. */
  readonly currentLeaderEpoch: number;
}

export interface ConsumerFetchRequest {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly isolation: IsolationLevel;
  readonly partitions: readonly ConsumerFetchPartition[];
}

/** One partition's answer, in the shape the wire message takes (no copy on the way out). */
export interface ConsumerFetchResult {
  readonly topic: string;
  readonly partition: number;
  readonly error: { code: number; message: string };
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
  readonly records: Buffer;
  readonly abortedTransactions: { producerId: number; firstOffset: number }[];
}

const NO_RECORDS = Buffer.alloc(0);
/** Shared by every answer without aborted transactions; never written to. */
const NO_ABORTED: { producerId: number; firstOffset: number }[] = [];

interface Target {
  readonly request: ConsumerFetchPartition;
  readonly partition: Partition | null;
  readonly error: TidelogError | null;
}

function asError(e: unknown, logger: Logger): TidelogError {
  return asServerError(e, logger, "consumer read failed unexpectedly");
}

/** Answers a consumer Fetch: reads, and holds the request until there is enough or the wait is over. */
export async function fetchForConsumer(
  replicas: ReplicaManager,
  req: ConsumerFetchRequest,
  logger: Logger,
): Promise<ConsumerFetchResult[]> {
  const maxWaitMs = Math.min(Math.max(req.maxWaitMs, 0), CONSUMER_FETCH_LIMITS.fetchWaitMaxMs);
  const maxBytes = Math.min(
    req.maxBytes > 0 ? req.maxBytes : CONSUMER_FETCH_LIMITS.fetchBytesMax,
    CONSUMER_FETCH_LIMITS.fetchBytesMax,
  );
  const targets: Target[] = req.partitions.map((p) => {
    try {
      const partition = replicas.leaderFor(p);
      partition.checkLeaderEpoch(p.currentLeaderEpoch);
      return { request: p, partition, error: null };
    } catch (e) {
      return { request: p, partition: null, error: asError(e, logger) };
    }
  });
  const { clock } = replicas;
  const deadline = clock.nowMs() + maxWaitMs;
  const led = targets.flatMap((t) => (t.partition ? [t.partition] : []));
  for (;;) {
    const results = readAll(targets, maxBytes, req.isolation, logger);
    let bytes = 0;
    let failed = false;
    for (const r of results) {
      bytes += r.records.length;
      failed ||= r.error.code !== 0;
    }
    const remaining = deadline - clock.nowMs();
    if (bytes >= Math.max(req.minBytes, 1) || remaining <= 0 || failed) return results;
    if (led.length === 0) await sleep(clock, remaining);
    else await awaitChange(clock, led, remaining);
    // Never spin on already-settled waits: let produce requests run between re-reads.
    await new Promise((r) => setImmediate(r));
  }
}

function readAll(
  targets: readonly Target[],
  maxBytes: number,
  isolation: IsolationLevel,
  logger: Logger,
): ConsumerFetchResult[] {
  let budget = maxBytes;
  let first = true;
  return targets.map((t) => {
    const { topic, partition: n } = t.request;
    if (!t.partition) return failedResult(topic, n, t.error as TidelogError);
    const log = t.partition.log;
    const hw = log.highWatermark;
    const lso = log.lastStableOffset;
    const upper = isolation === "read_committed" ? lso : hw;
    const answer = (records: Buffer, aborted: ConsumerFetchResult["abortedTransactions"], error = NO_ERROR) => ({
      topic,
      partition: n,
      error,
      highWatermark: hw,
      lastStableOffset: lso,
      logStartOffset: log.logStartOffset,
      records,
      abortedTransactions: aborted,
    });
    try {
      const offset = t.request.fetchOffset;
      // Between the visible end and the log end: nothing to read yet, not an error.
      if (offset >= upper && offset <= log.logEndOffset) return answer(NO_RECORDS, NO_ABORTED);
      const partitionBytes =
        t.request.partitionMaxBytes > 0
          ? t.request.partitionMaxBytes
          : CONSUMER_FETCH_LIMITS.fetchPartitionBytesDefault;
      const read = log.read(offset, {
        maxBytes: Math.min(partitionBytes, budget),
        upperOffset: upper,
        minOneBatch: first,
      });
      if (read.records.length > 0) first = false;
      budget = Math.max(0, budget - read.records.length);
      const aborted =
        isolation === "read_committed" && read.records.length > 0
          ? log.abortedTransactions(offset, read.nextOffset)
          : NO_ABORTED;
      return answer(read.records, aborted);
    } catch (e) {
      return answer(NO_RECORDS, NO_ABORTED, errorInfo(asError(e, logger)));
    }
  });
}

function failedResult(topic: string, partition: number, error: TidelogError): ConsumerFetchResult {
  return {
    topic,
    partition,
    error: errorInfo(error),
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    records: NO_RECORDS,
    abortedTransactions: NO_ABORTED,
  };
}

/** ListOffsets timestamps with a meaning of their own. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

/**
 * ListOffsets for one partition led here: the latest offset a consumer of `isolation` can
 * see (high watermark, or last stable offset for read_committed), the log start offset,
 * or the first offset whose record's timestamp is at or after `timestamp` (-1 when none
 * is visible yet).
 */
export function listOffset(
  replicas: ReplicaManager,
  tp: TopicPartition,
  timestamp: number,
  isolation: IsolationLevel,
): { offset: number; leaderEpoch: number } {
  const partition = replicas.leaderFor(tp);
  const log = partition.log;
  const visible = isolation === "read_committed" ? log.lastStableOffset : log.highWatermark;
  let offset: number;
  if (timestamp === LATEST_TIMESTAMP) offset = visible;
  else if (timestamp === EARLIEST_TIMESTAMP) offset = log.logStartOffset;
  else {
    const found = log.offsetForTimestamp(timestamp);
    offset = found === null || found >= visible ? -1 : found;
  }
  return { offset, leaderEpoch: partition.leaderEpoch };
}
