/**
 * Offsets looked up at partition leaders (Kafka's ListOffsets): the log start offset
 * (EARLIEST), the end (LATEST: the high watermark, or under read_committed the last
 * stable offset), or the first offset whose record is at or after a time. Used by the
 * Admin's fetchTopicOffsets / fetchTopicOffsetsByTimestamp and Consumer.highWatermark;
 * the consumer's own position lookups stay in the Fetcher, which batches them with its
 * fetch loop.
 *
 * Retries: a partition whose leader is unknown, moved or not answering (any retriable
 * error) is asked again after a jittered backoff and a metadata refresh, until the
 * deadline; then it carries its last error. Whether a topic or partition exists is the
 * metadata's word (topic-metadata.ts confirms an absence before reporting it), final.
 */
import type { ClientContext } from "./client-context.js";
import type { IsolationLevel, TopicPartition } from "./consumer-types.js";
import { TidelogError } from "./errors.js";
import { errorFromInfo } from "./protocol/grpc.js";
import type * as wire from "./protocol/messages.js";
import { backoffMs } from "./retry.js";
import type { TopicLeaders } from "./topic-metadata.js";

/** ListOffsets' wire timestamps for the two ends of a log. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

/** One partition's answer: `offset` -1 when no record is at or after the time asked for, or on `error`. */
export interface OffsetAnswer {
  readonly offset: number;
  readonly error: TidelogError | null;
}

export function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * ListOffsets for every partition of `partitions` at its leader: `timestamp` is
 * LATEST_TIMESTAMP, EARLIEST_TIMESTAMP or milliseconds since the epoch. Answers by
 * offsetKey(topic, partition), one per partition asked for.
 */
export async function lookUpOffsets(
  ctx: ClientContext,
  partitions: readonly TopicPartition[],
  timestamp: number,
  isolation: IsolationLevel,
  deadlineMs: number,
): Promise<Map<string, OffsetAnswer>> {
  const answers = new Map<string, OffsetAnswer>();
  const startMs = ctx.seams.nowMs();
  let pending = [...partitions];
  for (let round = 1; pending.length > 0; round++) {
    const retry = new Map<string, TidelogError>();
    const settle: Settle = (tp, answer, final = false) => {
      const key = offsetKey(tp.topic, tp.partition);
      if (!final && answer.error !== null && answer.error.retriable) retry.set(key, answer.error);
      else answers.set(key, answer);
    };
    const byLeader = await leadersOf(ctx, pending, { deadlineMs, startMs, refresh: round > 1 }, settle);
    await Promise.all(
      [...byLeader].map(([address, tps]) => askLeader(ctx, address, tps, timestamp, isolation, deadlineMs, settle)),
    );
    pending = pending.filter((tp) => retry.has(offsetKey(tp.topic, tp.partition)));
    if (pending.length === 0) break;
    const waitMs = backoffMs(round, ctx.retry, ctx.seams.random);
    if (ctx.seams.nowMs() + waitMs >= deadlineMs) {
      for (const tp of pending) {
        const error = retry.get(offsetKey(tp.topic, tp.partition))!;
        answers.set(offsetKey(tp.topic, tp.partition), { offset: -1, error });
      }
      break;
    }
    await ctx.seams.sleep(waitMs);
  }
  return answers;
}

/** Takes one partition's answer; a retriable error is asked again unless `final`. */
type Settle = (tp: TopicPartition, answer: OffsetAnswer, final?: boolean) => void;

/** The partitions grouped by leader address; those without one are settled (to retry, or for good). */
async function leadersOf(
  ctx: ClientContext,
  partitions: readonly TopicPartition[],
  when: { readonly deadlineMs: number; readonly startMs: number; readonly refresh: boolean },
  settle: Settle,
): Promise<Map<string, TopicPartition[]>> {
  const { deadlineMs, startMs, refresh } = when;
  const byLeader = new Map<string, TopicPartition[]>();
  for (const topic of new Set(partitions.map((tp) => tp.topic))) {
    const ofTopic = partitions.filter((tp) => tp.topic === topic);
    let leaders: TopicLeaders;
    try {
      leaders = refresh
        ? await ctx.topicMetadata.describe(topic, deadlineMs)
        : await ctx.topicMetadata.ensure(topic, deadlineMs, false);
    } catch (e) {
      if (!(e instanceof TidelogError)) throw e;
      // The metadata call retried what it could (and confirmed an absence): its answer is final.
      for (const tp of ofTopic) settle(tp, { offset: -1, error: e }, true);
      continue;
    }
    for (const tp of ofTopic) {
      const p = leaders.partitions[tp.partition];
      if (p === undefined) {
        // Confirmed only once answers agree for a while: the topic may have just grown.
        const absent = ctx.topicMetadata.absent(topic, tp.partition, startMs);
        const error =
          absent ??
          new TidelogError(
            "UNKNOWN_TOPIC_OR_PARTITION",
            `topic '${topic}' has ${leaders.partitions.length} partitions; there is no partition ${tp.partition}`,
          );
        settle(tp, { offset: -1, error }, absent !== null);
      } else if (p.address === null) {
        settle(tp, {
          offset: -1,
          error: new TidelogError("LEADER_NOT_AVAILABLE", `${topic}-${tp.partition} has no leader`),
        });
      } else {
        byLeader.set(p.address, [...(byLeader.get(p.address) ?? []), tp]);
      }
    }
  }
  return byLeader;
}

async function askLeader(
  ctx: ClientContext,
  address: string,
  partitions: readonly TopicPartition[],
  timestamp: number,
  isolation: IsolationLevel,
  deadlineMs: number,
  settle: Settle,
): Promise<void> {
  const byTopic = new Map<string, wire.PartitionListOffsets[]>();
  for (const tp of partitions) {
    byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), { partition: tp.partition, timestamp }]);
  }
  const request: wire.ListOffsetsRequest = {
    isolationLevel: isolation === "read_committed" ? 1 : 0,
    topics: [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })),
  };
  const attemptDeadlineMs = Math.min(deadlineMs, ctx.seams.nowMs() + ctx.attemptTimeoutMs);
  let response: wire.ListOffsetsResponse__Output;
  try {
    response = await ctx.callBroker(address, "listOffsets", request, attemptDeadlineMs).response;
  } catch (e) {
    if (!(e instanceof TidelogError)) throw e;
    for (const tp of partitions) settle(tp, { offset: -1, error: e });
    return;
  }
  const results = new Map<string, wire.PartitionListOffsetsResponse__Output>();
  for (const t of response.topics) for (const p of t.partitions) results.set(offsetKey(t.topic, p.partition), p);
  for (const tp of partitions) {
    const r = results.get(offsetKey(tp.topic, tp.partition));
    const error =
      r === undefined
        ? new TidelogError("UNKNOWN_SERVER_ERROR", `no ListOffsets answer for ${tp.topic}-${tp.partition}`)
        : errorFromInfo(r.error);
    if (error !== null) {
      // The leader moved, or this broker's metadata lags: ask the cluster again before retrying.
      if (error.retriable) ctx.topicMetadata.requestUpdate(tp.topic);
      settle(tp, { offset: -1, error });
    } else {
      settle(tp, { offset: r!.offset, error: null });
    }
  }
}
