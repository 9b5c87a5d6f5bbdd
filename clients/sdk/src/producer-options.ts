import {
  DEFAULT_BATCH_SIZE_BYTES,
  DEFAULT_BUFFER_MEMORY_BYTES,
  DEFAULT_DELIVERY_TIMEOUT_MS,
  DEFAULT_LINGER_MS,
  DEFAULT_MAX_BLOCK_MS,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_PRODUCE_REQUEST_TIMEOUT_MS,
  MAX_BATCH_SIZE_BYTES,
  MAX_BUFFER_MEMORY_BYTES,
  MAX_IN_FLIGHT_PER_PARTITION,
  MAX_LINGER_MS,
  MAX_REQUEST_TIMEOUT_MS,
  REQUEST_OVERHEAD_BYTES,
} from "./limits.js";
import { integerOption, invalidOption } from "./option-checks.js";
import { checkOptionNames, PRODUCER_OPTION_NAMES } from "./option-names.js";
import type { Partitioner, ProducerOptions } from "./producer-types.js";
import { MAX_MESSAGE_BYTES } from "./protocol/grpc.js";
import { COMPRESSION_NAMES, type CompressionName } from "./record/batch-header.js";
import { zstdUnavailable } from "./record/zstd-native.js";

export interface ResolvedProducerOptions {
  readonly acks: 0 | 1 | -1;
  readonly lingerMs: number;
  readonly batchSize: number;
  readonly compression: CompressionName;
  readonly bufferMemory: number;
  readonly maxBlockMs: number;
  readonly maxInFlightPerPartition: number;
  readonly deliveryTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly idempotent: boolean;
  readonly maxRequestBytes: number;
  readonly partitioner: "murmur2" | Partitioner;
  /** Null for a producer without transactions. */
  readonly transactionalId: string | null;
  readonly transactionTimeoutMs: number;
  readonly waitForTopic: boolean;
}

/** Kafka's transaction.timeout.ms default. */
const DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

function acksOf(acks: ProducerOptions["acks"]): 0 | 1 | -1 {
  if (acks === undefined || acks === "all" || acks === -1) return -1;
  if (acks === 0 || acks === 1) return acks;
  throw invalidOption(`acks must be 0, 1, -1 or "all", got ${String(acks)}`);
}

export function checkProducerOptions(o: ProducerOptions): ResolvedProducerOptions {
  checkOptionNames("producer", o, PRODUCER_OPTION_NAMES);
  const acks = acksOf(o.acks);
  if (o.idempotent === true && acks !== -1) {
    throw invalidOption(
      `an idempotent producer needs acks "all" (-1), got ${acks}; set idempotent: false to use acks ${acks}`,
    );
  }
  const compression = o.compression ?? "none";
  if (!COMPRESSION_NAMES.includes(compression)) {
    throw invalidOption(`compression must be one of ${COMPRESSION_NAMES.join(", ")}, got ${String(compression)}`);
  }
  const zstdProblem = compression === "zstd" ? zstdUnavailable() : null;
  if (zstdProblem !== null) throw invalidOption(`compression "zstd" is not available: ${zstdProblem}`);
  const partitioner = o.partitioner ?? "murmur2";
  if (partitioner !== "murmur2" && typeof partitioner !== "function") {
    throw invalidOption(`partitioner must be "murmur2" or a function`);
  }
  const transactionalId = o.transactionalId ?? null;
  if (transactionalId !== null) {
    if (typeof transactionalId !== "string" || transactionalId.length === 0 || transactionalId.length > 255) {
      throw invalidOption("transactionalId must be a string of 1 to 255 characters");
    }
    if (acks !== -1 || o.idempotent === false) {
      throw invalidOption('a transactional producer is idempotent with acks "all": leave acks and idempotent unset');
    }
  }
  if (o.waitForTopic !== undefined && typeof o.waitForTopic !== "boolean") {
    throw invalidOption(`waitForTopic must be true or false, got ${String(o.waitForTopic)}`);
  }
  const resolved: ResolvedProducerOptions = {
    acks,
    waitForTopic: o.waitForTopic ?? false,
    idempotent: o.idempotent ?? acks === -1,
    transactionalId,
    transactionTimeoutMs: integerOption(
      "transactionTimeoutMs",
      o.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
      1,
      MAX_REQUEST_TIMEOUT_MS,
    ),
    compression,
    partitioner,
    lingerMs: integerOption("lingerMs", o.lingerMs ?? DEFAULT_LINGER_MS, 0, MAX_LINGER_MS),
    batchSize: integerOption("batchSize", o.batchSize ?? DEFAULT_BATCH_SIZE_BYTES, 1, MAX_BATCH_SIZE_BYTES),
    bufferMemory: integerOption(
      "bufferMemory",
      o.bufferMemory ?? DEFAULT_BUFFER_MEMORY_BYTES,
      1,
      MAX_BUFFER_MEMORY_BYTES,
    ),
    maxBlockMs: integerOption("maxBlockMs", o.maxBlockMs ?? DEFAULT_MAX_BLOCK_MS, 0, MAX_REQUEST_TIMEOUT_MS),
    maxInFlightPerPartition: integerOption(
      "maxInFlightPerPartition",
      o.maxInFlightPerPartition ?? MAX_IN_FLIGHT_PER_PARTITION,
      1,
      MAX_IN_FLIGHT_PER_PARTITION,
    ),
    deliveryTimeoutMs: integerOption(
      "deliveryTimeoutMs",
      o.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS,
      1,
      MAX_REQUEST_TIMEOUT_MS,
    ),
    requestTimeoutMs: integerOption(
      "requestTimeoutMs",
      o.requestTimeoutMs ?? DEFAULT_PRODUCE_REQUEST_TIMEOUT_MS,
      1,
      MAX_REQUEST_TIMEOUT_MS,
    ),
    maxRequestBytes: integerOption(
      "maxRequestBytes",
      o.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      1,
      MAX_MESSAGE_BYTES - REQUEST_OVERHEAD_BYTES,
    ),
  };
  const r = resolved;
  if (r.deliveryTimeoutMs < r.lingerMs + r.requestTimeoutMs) {
    throw invalidOption(
      `deliveryTimeoutMs (${r.deliveryTimeoutMs}) must be at least lingerMs + requestTimeoutMs (${r.lingerMs + r.requestTimeoutMs})`,
    );
  }
  if (r.batchSize > r.maxRequestBytes) {
    throw invalidOption(`batchSize (${r.batchSize}) must not exceed maxRequestBytes (${r.maxRequestBytes})`);
  }
  if (r.batchSize > r.bufferMemory) {
    throw invalidOption(`batchSize (${r.batchSize}) must not exceed bufferMemory (${r.bufferMemory})`);
  }
  return resolved;
}
