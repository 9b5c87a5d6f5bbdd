/**
 * The producer's options with their defaults filled in and checked against each other
 * once, when the producer is made, so a bad combination fails at start-up (INVALID_CONFIG)
 * rather than mid-send. The rules are Kafka's:
 *
 *   - idempotence needs acks -1 ("all"); it is on by default only when acks is -1;
 *   - maxInFlightPerPartition is 1..5 (the broker de-duplicates the last five batches);
 *   - deliveryTimeoutMs >= lingerMs + requestTimeoutMs (a batch gets at least one full try);
 *   - batchSize <= maxRequestBytes <= the gRPC message limit, and batchSize <= bufferMemory;
 *   - a transactional producer (transactionalId) is idempotent with acks "all".
 */
import { TidelogError } from "./errors.js";
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

function invalid(detail: string): TidelogError {
  return new TidelogError("INVALID_CONFIG", detail);
}

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

function acksOf(acks: ProducerOptions["acks"]): 0 | 1 | -1 {
  if (acks === undefined || acks === "all" || acks === -1) return -1;
  if (acks === 0 || acks === 1) return acks;
  throw invalid(`acks must be 0, 1, -1 or "all", got ${String(acks)}`);
}

export function checkProducerOptions(o: ProducerOptions): ResolvedProducerOptions {
  checkOptionNames("producer", o, PRODUCER_OPTION_NAMES);
  const acks = acksOf(o.acks);
  if (o.idempotent === true && acks !== -1) {
    throw invalid(
      `an idempotent producer needs acks "all" (-1), got ${acks}; set idempotent: false to use acks ${acks}`,
    );
  }
  const compression = o.compression ?? "none";
  if (!COMPRESSION_NAMES.includes(compression)) {
    throw invalid(`compression must be one of ${COMPRESSION_NAMES.join(", ")}, got ${String(compression)}`);
  }
  const zstdProblem = compression === "zstd" ? zstdUnavailable() : null;
  if (zstdProblem !== null) throw invalid(`compression "zstd" is not available: ${zstdProblem}`);
  const partitioner = o.partitioner ?? "murmur2";
  if (partitioner !== "murmur2" && typeof partitioner !== "function") {
    throw invalid(`partitioner must be "murmur2" or a function`);
  }
  const transactionalId = o.transactionalId ?? null;
  if (transactionalId !== null) {
    if (typeof transactionalId !== "string" || transactionalId.length === 0 || transactionalId.length > 255) {
      throw invalid("transactionalId must be a string of 1 to 255 characters");
    }
    if (acks !== -1 || o.idempotent === false) {
      throw invalid('a transactional producer is idempotent with acks "all": leave acks and idempotent unset');
    }
  }
  if (o.waitForTopic !== undefined && typeof o.waitForTopic !== "boolean") {
    throw invalid(`waitForTopic must be true or false, got ${String(o.waitForTopic)}`);
  }
  const resolved: ResolvedProducerOptions = {
    acks,
    waitForTopic: o.waitForTopic ?? false,
    idempotent: o.idempotent ?? acks === -1,
    transactionalId,
    transactionTimeoutMs: integer(
      "transactionTimeoutMs",
      o.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
      1,
      MAX_REQUEST_TIMEOUT_MS,
    ),
    compression,
    partitioner,
    lingerMs: integer("lingerMs", o.lingerMs ?? DEFAULT_LINGER_MS, 0, MAX_LINGER_MS),
    batchSize: integer("batchSize", o.batchSize ?? DEFAULT_BATCH_SIZE_BYTES, 1, MAX_BATCH_SIZE_BYTES),
    bufferMemory: integer("bufferMemory", o.bufferMemory ?? DEFAULT_BUFFER_MEMORY_BYTES, 1, MAX_BUFFER_MEMORY_BYTES),
    maxBlockMs: integer("maxBlockMs", o.maxBlockMs ?? DEFAULT_MAX_BLOCK_MS, 0, MAX_REQUEST_TIMEOUT_MS),
    maxInFlightPerPartition: integer(
      "maxInFlightPerPartition",
      o.maxInFlightPerPartition ?? MAX_IN_FLIGHT_PER_PARTITION,
      1,
      MAX_IN_FLIGHT_PER_PARTITION,
    ),
    deliveryTimeoutMs: integer(
      "deliveryTimeoutMs",
      o.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS,
      1,
      MAX_REQUEST_TIMEOUT_MS,
    ),
    requestTimeoutMs: integer(
      "requestTimeoutMs",
      o.requestTimeoutMs ?? DEFAULT_PRODUCE_REQUEST_TIMEOUT_MS,
      1,
      MAX_REQUEST_TIMEOUT_MS,
    ),
    maxRequestBytes: integer(
      "maxRequestBytes",
      o.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      1,
      MAX_MESSAGE_BYTES - REQUEST_OVERHEAD_BYTES,
    ),
  };
  const r = resolved;
  if (r.deliveryTimeoutMs < r.lingerMs + r.requestTimeoutMs) {
    throw invalid(
      `deliveryTimeoutMs (${r.deliveryTimeoutMs}) must be at least lingerMs + requestTimeoutMs (${r.lingerMs + r.requestTimeoutMs})`,
    );
  }
  if (r.batchSize > r.maxRequestBytes) {
    throw invalid(`batchSize (${r.batchSize}) must not exceed maxRequestBytes (${r.maxRequestBytes})`);
  }
  if (r.batchSize > r.bufferMemory) {
    throw invalid(`batchSize (${r.batchSize}) must not exceed bufferMemory (${r.bufferMemory})`);
  }
  return resolved;
}
