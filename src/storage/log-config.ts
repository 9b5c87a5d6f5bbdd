/**
 * Per-topic log settings: Kafka's dotted names at the edge (`segment.bytes`), camelCase
 * inside (`segmentBytes`), translated here and nowhere else.
 *
 * Each bound says what it costs: segmentBytes bounds the size of one file and how much
 * retention deletes at once; segmentIndexBytes bounds the in-memory offset index of one
 * segment; maxMessageBytes bounds one batch and so the memory of one produce or fetch.
 */
import { TidelogError } from "@tidelog/client/record";

export type CleanupPolicy = "delete" | "compact" | "compact,delete";

export interface LogConfig {
  readonly segmentBytes: number;
  readonly segmentMs: number;
  readonly segmentIndexBytes: number;
  readonly indexIntervalBytes: number;
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly flushMessages: number;
  readonly flushMs: number;
  readonly maxMessageBytes: number;
  readonly cleanupPolicy: CleanupPolicy;
  readonly deleteRetentionMs: number;
  readonly minCleanableDirtyRatio: number;
  readonly minCompactionLagMs: number;
  readonly maxCompactionLagMs: number;
  readonly minInsyncReplicas: number;
}

const MAX = Number.MAX_SAFE_INTEGER;
const INT32_MAX = 2 ** 31 - 1;
const DAY_MS = 24 * 60 * 60 * 1000;

interface NumericKey {
  readonly name: string;
  readonly field: Exclude<keyof LogConfig, "cleanupPolicy">;
  readonly defaultValue: number;
  readonly min: number;
  readonly max: number;
  readonly doc: string;
  /** A decimal rather than an integer (min.cleanable.dirty.ratio). */
  readonly decimal?: boolean;
}

/** The topic-level settings tidelog understands, with Kafka's names, defaults and ranges. */
export const LOG_CONFIG_KEYS: readonly NumericKey[] = [
  {
    name: "segment.bytes",
    field: "segmentBytes",
    defaultValue: 1024 ** 3,
    min: 1024,
    max: INT32_MAX,
    doc: "Roll to a new segment file past this size.",
  },
  {
    name: "segment.ms",
    field: "segmentMs",
    defaultValue: 7 * DAY_MS,
    min: 1,
    max: MAX,
    doc: "Roll a non-empty segment this long after its first append.",
  },
  {
    name: "segment.index.bytes",
    field: "segmentIndexBytes",
    defaultValue: 10 * 1024 * 1024,
    min: 64,
    max: INT32_MAX,
    doc: "Largest offset index of one segment; a full index rolls the segment.",
  },
  {
    name: "index.interval.bytes",
    field: "indexIntervalBytes",
    defaultValue: 4096,
    min: 0,
    max: INT32_MAX,
    doc: "Log bytes between two offset-index entries.",
  },
  {
    name: "retention.ms",
    field: "retentionMs",
    defaultValue: 7 * DAY_MS,
    min: -1,
    max: MAX,
    doc: "Delete closed segments whose newest record is older than this; -1 keeps them.",
  },
  {
    name: "retention.bytes",
    field: "retentionBytes",
    defaultValue: -1,
    min: -1,
    max: MAX,
    doc: "Delete the oldest closed segments while the log is larger than this; -1 for no limit.",
  },
  {
    name: "flush.messages",
    field: "flushMessages",
    defaultValue: MAX,
    min: 1,
    max: MAX,
    doc: "fsync after this many records; 1 fsyncs every append.",
  },
  {
    name: "flush.ms",
    field: "flushMs",
    defaultValue: MAX,
    min: 0,
    max: MAX,
    doc: "fsync when the last fsync is older than this.",
  },
  {
    name: "max.message.bytes",
    field: "maxMessageBytes",
    defaultValue: 1024 * 1024 + 12,
    min: 64,
    max: INT32_MAX,
    doc: "Largest record batch accepted.",
  },
  {
    name: "delete.retention.ms",
    field: "deleteRetentionMs",
    defaultValue: DAY_MS,
    min: 0,
    max: MAX,
    doc: "How long compaction keeps tombstones.",
  },
  {
    name: "min.cleanable.dirty.ratio",
    field: "minCleanableDirtyRatio",
    defaultValue: 0.5,
    min: 0,
    max: 1,
    decimal: true,
    doc: "Compact a log once this share of its cleanable bytes has not been compacted yet.",
  },
  {
    name: "min.compaction.lag.ms",
    field: "minCompactionLagMs",
    defaultValue: 0,
    min: 0,
    max: MAX,
    doc: "Records stay uncompacted for at least this long after their timestamp.",
  },
  {
    name: "max.compaction.lag.ms",
    field: "maxCompactionLagMs",
    defaultValue: MAX,
    min: 1,
    max: MAX,
    doc: "Compact a log whose oldest uncompacted segment is older than this, whatever its dirty ratio.",
  },
  {
    name: "min.insync.replicas",
    field: "minInsyncReplicas",
    defaultValue: 1,
    min: 1,
    max: INT32_MAX,
    doc: "Replicas that must hold a write before acks=all is answered.",
  },
];

const CLEANUP_POLICIES: readonly CleanupPolicy[] = ["delete", "compact", "compact,delete"];

export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze({
  ...Object.fromEntries(LOG_CONFIG_KEYS.map((k) => [k.field, k.defaultValue])),
  cleanupPolicy: "delete",
}) as LogConfig;

function invalid(detail: string): TidelogError {
  return new TidelogError("INVALID_CONFIG", detail);
}

function parseNumber(key: NumericKey, raw: string | number): number {
  const value = typeof raw === "number" ? raw : raw.trim() === "" ? Number.NaN : Number(raw);
  if (key.decimal ? !Number.isFinite(value) : !Number.isSafeInteger(value)) {
    throw invalid(`${key.name}=${String(raw)} is not ${key.decimal ? "a number" : "an integer"}`);
  }
  return value;
}

/** Checks that settings agree with each other, as well as each against its own range. */
export function validateLogConfig(config: LogConfig): LogConfig {
  for (const key of LOG_CONFIG_KEYS) {
    const value = config[key.field];
    const wellFormed = key.decimal ? Number.isFinite(value) : Number.isSafeInteger(value);
    if (!wellFormed || value < key.min || value > key.max) {
      throw invalid(`${key.name}=${value} is outside [${key.min}, ${key.max}]`);
    }
  }
  if (!CLEANUP_POLICIES.includes(config.cleanupPolicy)) {
    throw invalid(`cleanup.policy=${config.cleanupPolicy} must be one of ${CLEANUP_POLICIES.join(", ")}`);
  }
  if (config.maxMessageBytes > config.segmentBytes) {
    throw invalid(
      `max.message.bytes (${config.maxMessageBytes}) must not exceed segment.bytes (${config.segmentBytes})`,
    );
  }
  if (config.segmentIndexBytes < 8) throw invalid("segment.index.bytes must hold at least one entry");
  return config;
}

/**
 * Builds a LogConfig from Kafka-named properties (from a topic's configs or the
 * broker's `log.*` defaults), over `base`. Unknown names are refused, not ignored: a
 * typo in `retention.ms` must not silently keep data forever.
 */
export function logConfigFromProperties(
  props: Readonly<Record<string, string | number>>,
  base: LogConfig = DEFAULT_LOG_CONFIG,
): LogConfig {
  const out: Record<string, unknown> = { ...base };
  for (const [name, raw] of Object.entries(props)) {
    if (name === "cleanup.policy") {
      out.cleanupPolicy = String(raw)
        .split(",")
        .map((s) => s.trim())
        .sort()
        .join(",");
      continue;
    }
    const key = LOG_CONFIG_KEYS.find((k) => k.name === name);
    if (!key) throw invalid(`unknown topic config '${name}'`);
    out[key.field] = parseNumber(key, raw);
  }
  return validateLogConfig(out as unknown as LogConfig);
}

/** The properties of `config` that differ from `base`, by Kafka name (for describe-configs). */
export function logConfigToProperties(config: LogConfig): Record<string, string> {
  const out: Record<string, string> = { "cleanup.policy": config.cleanupPolicy };
  for (const key of LOG_CONFIG_KEYS) out[key.name] = String(config[key.field]);
  return out;
}
