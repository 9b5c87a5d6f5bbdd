/**
 * The consumer's public shapes: its options (Kafka's consumer configs, camelCased, with
 * Kafka's defaults), partitions, positions, and the records and batches it hands out.
 */
import type { RecordHeader } from "./record/record.js";

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Where to read from: an offset, the log start, the high watermark, or the first record at or after a time (ms). */
export type OffsetSpec = number | "earliest" | "latest" | { readonly timestamp: number };

/** What to do without a valid position (a fresh assignment, or OFFSET_OUT_OF_RANGE). */
export type AutoOffsetReset = "earliest" | "latest" | "none";

/** Which records a consumer sees of transactions (isolation.level). */
export type IsolationLevel = "read_committed" | "read_uncommitted";

export interface ConsumerOptions {
  /** Default "latest" (as Kafka): a fresh assignment reads only new records. "none" throws OFFSET_OUT_OF_RANGE instead. */
  readonly autoOffsetReset?: AutoOffsetReset;
  /**
   * "read_committed" (the default): records of committed transactions only, read up to the
   * last stable offset, aborted ones dropped; records written outside transactions are read
   * as usual. "read_uncommitted": everything up to the high watermark, aborted records
   * included. The default is librdkafka's and kafkajs's: an application that never uses
   * transactions sees no difference, and one that does gets what it expects. (Kafka's Java
   * consumer defaults to read_uncommitted.) Transaction markers are never handed out.
   */
  readonly isolationLevel?: IsolationLevel;
  /** How long a fetch waits at the broker for data (fetch.max.wait.ms); default 500. */
  readonly maxWaitMs?: number;
  /** Bytes a fetch waits for (fetch.min.bytes); default 1. */
  readonly minBytes?: number;
  /** Bytes one fetch response may carry (fetch.max.bytes); default 50 MiB. */
  readonly maxBytes?: number;
  /** Bytes per partition per fetch (max.partition.fetch.bytes), and each partition's prefetch bound; default 1 MiB. */
  readonly maxPartitionBytes?: number;
  /** Fetched bytes not yet consumed, across partitions, beyond which no fetch is sent; default 64 MiB. */
  readonly maxBufferedBytes?: number;
  /** Bound on each fetch beyond its long-poll wait, and on each offset lookup; default 30000. */
  readonly requestTimeoutMs?: number;
  /** The consumer group (group.id): needed by subscribe() and commit(). */
  readonly groupId?: string;
  /** Static membership (group.instance.id): a restart under the same id keeps the assignment. */
  readonly groupInstanceId?: string;
  /** How long the coordinator waits for a silent member before moving its partitions (session.timeout.ms); default 45000. */
  readonly sessionTimeoutMs?: number;
  /** How long a member may take to give up revoked partitions (max.poll.interval.ms); default 300000. */
  readonly rebalanceTimeoutMs?: number;
  /** "range", "roundrobin" or "sticky" (group.remote.assignor); default: the group's current one, "sticky" for a new group. */
  readonly assignor?: "range" | "roundrobin" | "sticky";
  /** Commit processed positions every autoCommitIntervalMs, on revocation and on close (enable.auto.commit); default true. */
  readonly autoCommit?: boolean;
  /** default 5000 (auto.commit.interval.ms). */
  readonly autoCommitIntervalMs?: number;
  /**
   * Brokers never create a topic on first use (Kafka's allow.auto.create.topics is
   * false here). false (the default): a topic that does not exist, assigned or
   * subscribed to, fails the reader (the iteration or run()) with
   * UNKNOWN_TOPIC_OR_PARTITION within about a second, as does an assigned partition
   * number the topic does not have. true: reading waits until it is created.
   */
  readonly waitForTopic?: boolean;
}

/** Called as the group moves partitions; the next step waits for the returned promise. */
export interface RebalanceListener {
  /** Partitions given to this consumer; reading starts at the committed offset (or autoOffsetReset). */
  readonly onAssigned?: (partitions: TopicPartition[]) => void | Promise<void>;
  /** Partitions taken away, after reading stopped and (with autoCommit) positions were committed. */
  readonly onRevoked?: (partitions: TopicPartition[]) => void | Promise<void>;
  /** Partitions lost without a commit (the member was fenced or cut off): another member may own them already. */
  readonly onLost?: (partitions: TopicPartition[]) => void | Promise<void>;
}

export interface ConsumerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Milliseconds since the epoch (create time, or log-append time for such topics). */
  readonly timestamp: number;
  /** Views into the fetched bytes; copy them to keep them beyond the record's use. */
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

/** Records of one partition, in offset order, from one stored batch. */
export interface ConsumerBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: ConsumerRecord[];
  /** The partition's high watermark when fetched: `highWatermark - (last offset + 1)` records remain to read. */
  readonly highWatermark: number;
}

export interface RunHandlers {
  /** Called for each record in order; the next waits for the returned promise. */
  readonly eachRecord?: (record: ConsumerRecord) => void | Promise<void>;
  /** Called for each batch instead, when given. */
  readonly eachBatch?: (batch: ConsumerBatch) => void | Promise<void>;
}
