/**
 * The consumer's options with their defaults filled in and checked against each other
 * once, when the consumer is made (INVALID_CONFIG on a bad value or combination):
 *
 *   - maxPartitionBytes <= maxBytes <= the gRPC message limit (an answer must fit);
 *   - maxBytes <= maxBufferedBytes (one full answer must fit the prefetch bound).
 */
import type { AutoOffsetReset, ConsumerOptions, IsolationLevel } from "./consumer-types.js";
import {
  DEFAULT_CONSUMER_REQUEST_TIMEOUT_MS,
  DEFAULT_FETCH_MAX_BYTES,
  DEFAULT_FETCH_MAX_WAIT_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_PARTITION_FETCH_BYTES,
  MAX_FETCH_MAX_WAIT_MS,
  MAX_REQUEST_TIMEOUT_MS,
  REQUEST_OVERHEAD_BYTES,
} from "./limits.js";
import { integerOption, invalidOption } from "./option-checks.js";
import { CONSUMER_OPTION_NAMES, checkOptionNames } from "./option-names.js";
import { MAX_MESSAGE_BYTES } from "./protocol/grpc.js";

export interface ResolvedConsumerOptions {
  readonly autoOffsetReset: AutoOffsetReset;
  readonly isolationLevel: IsolationLevel;
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly maxPartitionBytes: number;
  readonly maxBufferedBytes: number;
  readonly requestTimeoutMs: number;
  readonly groupId: string | null;
  readonly groupInstanceId: string | null;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly assignor: "range" | "roundrobin" | "sticky" | null;
  readonly autoCommit: boolean;
  readonly autoCommitIntervalMs: number;
  readonly waitForTopic: boolean;
}

const RESETS: readonly AutoOffsetReset[] = ["earliest", "latest", "none"];
const ISOLATION_LEVELS: readonly IsolationLevel[] = ["read_committed", "read_uncommitted"];

export function checkConsumerOptions(o: ConsumerOptions): ResolvedConsumerOptions {
  checkOptionNames("consumer", o, CONSUMER_OPTION_NAMES);
  const autoOffsetReset = o.autoOffsetReset ?? "latest";
  if (!RESETS.includes(autoOffsetReset)) {
    throw invalidOption(`autoOffsetReset must be one of ${RESETS.join(", ")}, got ${String(autoOffsetReset)}`);
  }
  const isolationLevel = o.isolationLevel ?? "read_committed";
  if (!ISOLATION_LEVELS.includes(isolationLevel)) {
    throw invalidOption(`isolationLevel must be one of ${ISOLATION_LEVELS.join(", ")}, got ${String(isolationLevel)}`);
  }
  const maxMessage = MAX_MESSAGE_BYTES - REQUEST_OVERHEAD_BYTES;
  const r: ResolvedConsumerOptions = {
    autoOffsetReset,
    isolationLevel,
    maxWaitMs: integerOption("maxWaitMs", o.maxWaitMs ?? DEFAULT_FETCH_MAX_WAIT_MS, 0, MAX_FETCH_MAX_WAIT_MS),
    minBytes: integerOption("minBytes", o.minBytes ?? 1, 1, maxMessage),
    maxBytes: integerOption("maxBytes", o.maxBytes ?? DEFAULT_FETCH_MAX_BYTES, 1, maxMessage),
    maxPartitionBytes: integerOption(
      "maxPartitionBytes",
      o.maxPartitionBytes ?? DEFAULT_MAX_PARTITION_FETCH_BYTES,
      1,
      maxMessage,
    ),
    maxBufferedBytes: integerOption(
      "maxBufferedBytes",
      o.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    requestTimeoutMs: integerOption(
      "requestTimeoutMs",
      o.requestTimeoutMs ?? DEFAULT_CONSUMER_REQUEST_TIMEOUT_MS,
      1,
      MAX_REQUEST_TIMEOUT_MS,
    ),
    groupId: o.groupId ?? null,
    groupInstanceId: o.groupInstanceId ?? null,
    sessionTimeoutMs: integerOption("sessionTimeoutMs", o.sessionTimeoutMs ?? 45_000, 100, 3_600_000),
    rebalanceTimeoutMs: integerOption("rebalanceTimeoutMs", o.rebalanceTimeoutMs ?? 300_000, 1, 30 * 60_000),
    assignor: o.assignor ?? null,
    autoCommit: o.autoCommit ?? true,
    autoCommitIntervalMs: integerOption("autoCommitIntervalMs", o.autoCommitIntervalMs ?? 5000, 1, 3_600_000),
    waitForTopic: o.waitForTopic ?? false,
  };
  if (typeof r.waitForTopic !== "boolean")
    throw invalidOption(`waitForTopic must be true or false, got ${String(r.waitForTopic)}`);
  if (r.groupId !== null && (r.groupId.length === 0 || r.groupId.length > 255)) {
    throw invalidOption("groupId must be 1 to 255 characters");
  }
  if (r.assignor !== null && !["range", "roundrobin", "sticky"].includes(r.assignor)) {
    throw invalidOption(`assignor must be range, roundrobin or sticky, got ${String(r.assignor)}`);
  }
  if (r.maxPartitionBytes > r.maxBytes) {
    throw invalidOption(`maxPartitionBytes (${r.maxPartitionBytes}) must not exceed maxBytes (${r.maxBytes})`);
  }
  if (r.maxBytes > r.maxBufferedBytes) {
    throw invalidOption(`maxBytes (${r.maxBytes}) must not exceed maxBufferedBytes (${r.maxBufferedBytes})`);
  }
  return r;
}
