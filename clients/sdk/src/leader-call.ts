/**
 * One request to a partition's leader, retried as leadership moves: the leader is looked
 * up in the topic metadata, asked, and on "not the leader" (or the broker gone) looked up
 * again, within the client's request deadline. Used by the admin calls that act on one
 * partition (aborting a hanging transaction, deleting records).
 */
import type { ClientContext } from "./client-context.js";
import { TransportError } from "./client-errors.js";
import { type ErrorName, TidelogError } from "./errors.js";

/** Codes that mean "ask this partition's (new) leader again". */
const LEADER_RETRIED: ReadonlySet<ErrorName> = new Set<ErrorName>([
  "NOT_LEADER_OR_FOLLOWER",
  "UNKNOWN_TOPIC_OR_PARTITION",
  "LEADER_NOT_AVAILABLE",
  "BROKER_NOT_AVAILABLE",
  "REQUEST_TIMED_OUT",
  "NETWORK_EXCEPTION",
  "REQUEST_LIMIT_EXCEEDED",
]);

export function leaderRetriable(e: TidelogError): boolean {
  return e instanceof TransportError || LEADER_RETRIED.has(e.code);
}

/**
 * `call(address)` at the leader of `topic`-`partition`; it returns the answer's error (or
 * null) and value. UNKNOWN_TOPIC_OR_PARTITION for a partition the metadata does not have.
 */
export function callPartitionLeader<T>(
  ctx: ClientContext,
  what: string,
  topic: string,
  partition: number,
  call: (address: string, deadlineMs: number) => Promise<{ error: TidelogError | null; value: T }>,
): Promise<T> {
  return ctx.retrier.run(
    what,
    async ({ deadlineMs }) => {
      const leaders = await ctx.topicMetadata.describe(topic, deadlineMs);
      const p = leaders.partitions.find((x) => x.partition === partition);
      if (!p) throw new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `${topic}-${partition} does not exist`);
      if (p.leaderId < 0 || !p.address) {
        ctx.topicMetadata.requestUpdate();
        throw new TidelogError("LEADER_NOT_AVAILABLE", `${topic}-${partition} has no leader`);
      }
      const { error, value } = await call(p.address, deadlineMs);
      if (error) {
        if (LEADER_RETRIED.has(error.code)) ctx.topicMetadata.requestUpdate();
        throw error;
      }
      return value;
    },
    leaderRetriable,
  );
}
