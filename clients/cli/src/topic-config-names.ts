/**
 * Topic config names, for a "did you mean" when the cluster refuses one it does not know
 * (`retenton.ms`, or a broker-level name such as `message.max.bytes`). The broker stays
 * the judge of what is valid: these lists only phrase the advice after its refusal, so a
 * newer broker's new setting is never refused here. test/cli/config-names.test.ts pins
 * them to the broker's (src/storage/log-config.ts, src/server/config.ts).
 */
import { closestName, TidelogError } from "@tidelog/client";

/** Every topic-level setting, by Kafka name. */
export const TOPIC_CONFIG_NAMES: readonly string[] = [
  "cleanup.policy",
  "delete.retention.ms",
  "flush.messages",
  "flush.ms",
  "index.interval.bytes",
  "max.compaction.lag.ms",
  "max.message.bytes",
  "min.cleanable.dirty.ratio",
  "min.compaction.lag.ms",
  "min.insync.replicas",
  "retention.bytes",
  "retention.ms",
  "segment.bytes",
  "segment.index.bytes",
  "segment.ms",
];

/** Broker-level names of topic defaults (Kafka's) and the topic-level name each one sets. */
export const BROKER_TO_TOPIC_CONFIG: ReadonlyMap<string, string> = new Map([
  ["log.segment.bytes", "segment.bytes"],
  ["log.roll.ms", "segment.ms"],
  ["log.index.size.max.bytes", "segment.index.bytes"],
  ["log.index.interval.bytes", "index.interval.bytes"],
  ["log.retention.ms", "retention.ms"],
  ["log.retention.bytes", "retention.bytes"],
  ["log.flush.interval.messages", "flush.messages"],
  ["log.flush.interval.ms", "flush.ms"],
  ["message.max.bytes", "max.message.bytes"],
  ["log.cleanup.policy", "cleanup.policy"],
  ["log.cleaner.delete.retention.ms", "delete.retention.ms"],
  ["log.cleaner.min.cleanable.ratio", "min.cleanable.dirty.ratio"],
  ["log.cleaner.min.compaction.lag.ms", "min.compaction.lag.ms"],
  ["log.cleaner.max.compaction.lag.ms", "max.compaction.lag.ms"],
]);

/** What to suggest instead of an unknown topic config name, or null. */
export function topicConfigAdvice(name: string): string | null {
  const topicLevel = BROKER_TO_TOPIC_CONFIG.get(name);
  if (topicLevel !== undefined)
    return `'${name}' is the broker-level default; a topic's own setting is '${topicLevel}'`;
  const near = closestName(name, TOPIC_CONFIG_NAMES);
  return near === null ? null : `did you mean '${near}'?`;
}

const UNKNOWN_CONFIG = /unknown topic config '([^']+)'/;

/** The cluster's refusal of an unknown topic config, with advice added; any other error as it was. */
export function withConfigAdvice(e: TidelogError): TidelogError {
  const name = e.code === "INVALID_CONFIG" ? UNKNOWN_CONFIG.exec(e.detail)?.[1] : undefined;
  const advice = name === undefined ? null : topicConfigAdvice(name);
  return advice === null ? e : new TidelogError(e.code, `${e.detail} (${advice})`, { cause: e });
}
