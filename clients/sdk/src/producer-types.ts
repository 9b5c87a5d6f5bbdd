/**
 * The producer's public shapes: its options (Kafka's producer configs, camelCased, with
 * Kafka's defaults), the records it takes and the delivery reports it gives back.
 */
import type { CompressionName } from "./record/batch-header.js";
import type { BytesInput, RecordHeadersInput } from "./record/record.js";

/** 0: answered when written; 1: when the leader appended; -1 or "all": when every in-sync replica has. */
export type Acks = 0 | 1 | -1 | "all";

/** Chooses a keyed or keyless record's partition; `partitionCount` > 0, `available` lists partitions with a leader. */
export type Partitioner = (input: PartitionerInput) => number;

export interface PartitionerInput {
  readonly topic: string;
  readonly key: BytesInput | undefined;
  readonly partitionCount: number;
  readonly available: readonly number[];
}

export interface ProducerOptions {
  /** Default -1 (all in-sync replicas). */
  readonly acks?: Acks;
  /** How long a batch waits for more records (Kafka's linger.ms); default 5. */
  readonly lingerMs?: number;
  /** Target batch size in bytes (batch.size); default 16384. */
  readonly batchSize?: number;
  /** Default "none". */
  readonly compression?: CompressionName;
  /** Bytes of records held until delivered (buffer.memory); default 32 MiB. send() waits for room. */
  readonly bufferMemory?: number;
  /** How long send() may wait for buffer memory or topic metadata (max.block.ms); default 60000. */
  readonly maxBlockMs?: number;
  /** Unacknowledged batches per partition, 1..5; default 5. */
  readonly maxInFlightPerPartition?: number;
  /** From send() to the final answer, retries included (delivery.timeout.ms); default 120000. */
  readonly deliveryTimeoutMs?: number;
  /** One produce request (request.timeout.ms); default 30000. */
  readonly requestTimeoutMs?: number;
  /** Idempotent delivery (no duplicates from retries); default true, which needs acks -1. */
  readonly idempotent?: boolean;
  /** Bytes of batches in one request and the largest record accepted (max.request.size); default 8 MiB. */
  readonly maxRequestBytes?: number;
  /** "murmur2" (default): Kafka's key hash, sticky partitioning for keyless records; or a function. */
  readonly partitioner?: "murmur2" | Partitioner;
  /**
   * Makes the producer transactional (transactional.id): sends happen inside
   * transactions, committed or aborted as a whole, across partitions and together with a
   * consumer's offsets. A new producer with the same id fences the older one.
   */
  readonly transactionalId?: string;
  /** How long a transaction may stay open before the coordinator aborts it (transaction.timeout.ms); default 60000. */
  readonly transactionTimeoutMs?: number;
  /**
   * Brokers never create a topic on first use (Kafka's auto.create.topics.enable=false).
   * false (the default): send() to a topic that does not exist fails with
   * UNKNOWN_TOPIC_OR_PARTITION within about a second. true: it waits for the topic to be
   * created, up to maxBlockMs (Kafka's producer behaviour).
   */
  readonly waitForTopic?: boolean;
}

export interface ProducerRecord {
  readonly key?: BytesInput | undefined;
  readonly value: BytesInput;
  readonly headers?: RecordHeadersInput | undefined;
  /** Milliseconds since the epoch; default: when the record's batch was opened (within lingerMs of send()). */
  readonly timestamp?: number | undefined;
  /** Overrides the partitioner. */
  readonly partition?: number | undefined;
}

/** Where a record was written. */
export interface DeliveryReport {
  readonly topic: string;
  readonly partition: number;
  /** -1 with acks 0 (no answer awaited), or when the broker reported a duplicate without its offset. */
  readonly offset: number;
  /** The record's create time. */
  readonly timestamp: number;
}

export interface CloseOptions {
  /** How long close() waits for outstanding deliveries; default the delivery timeout. Undelivered records then fail. */
  readonly timeoutMs?: number;
}
