/**
 * What the Admin API takes and returns. Ids, counts and epochs are numbers; "none" is
 * null (no controller elected, an offline partition's leader), never -1. A result that
 * concerns one item of a multi-item call carries that item's `error` (null on success),
 * so one bad topic never hides the outcome of the others.
 */
import type { TidelogError } from "./errors.js";

export interface BrokerDescription {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly httpPort: number;
  readonly rack: string | null;
  /** `host:port`, as the client dials it. */
  readonly address: string;
}

export interface ClusterDescription {
  readonly clusterId: string;
  /** null while no controller is elected. */
  readonly controllerId: number | null;
  /** Grows with every controller election. */
  readonly controllerEpoch: number;
  readonly brokers: readonly BrokerDescription[];
  /** The broker that answered. */
  readonly answeredBy: number;
}

export interface TopicListing {
  readonly name: string;
  readonly topicId: string;
  readonly partitionCount: number;
  readonly replicationFactor: number;
  readonly internal: boolean;
}

export interface PartitionDescription {
  readonly partition: number;
  /** null when the partition is offline (no live in-sync replica). */
  readonly leader: number | null;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /**
   * Eligible leader replicas (KIP-966): replicas that left an ISR smaller than
   * min.insync.replicas; electable when no ISR member is left.
   */
  readonly elr: readonly number[];
  /** Replicas on brokers that are not registered (not alive). */
  readonly offlineReplicas: readonly number[];
}

export interface TopicDescription {
  readonly name: string;
  /** null when the topic could not be described (see `error`). */
  readonly topicId: string | null;
  readonly internal: boolean;
  readonly partitions: readonly PartitionDescription[];
  /** Only the settings the topic overrides; describeConfigs gives all of them. */
  readonly configs: Readonly<Record<string, string>>;
  readonly error: TidelogError | null;
}

export interface ReplicaAssignment {
  readonly partition: number;
  /** Broker ids; the first is the preferred leader. */
  readonly replicas: readonly number[];
}

export interface NewTopic {
  readonly name: string;
  /** Omitted: the broker's num.partitions. */
  readonly partitions?: number;
  /** Omitted: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** Topic settings by Kafka name: `{ "retention.ms": "86400000" }`. */
  readonly configs?: Readonly<Record<string, string>>;
  /** An explicit placement; when given, leave partitions and replicationFactor out. */
  readonly assignments?: readonly ReplicaAssignment[];
}

export interface ValidateOnlyOptions {
  /** Check everything, change nothing. */
  readonly validateOnly?: boolean;
}

export interface TopicResult {
  readonly name: string;
  /** The topic's id when the broker reported one (create and delete do). */
  readonly topicId: string | null;
  readonly error: TidelogError | null;
}

export interface PartitionsIncrease {
  readonly name: string;
  /** The new total number of partitions (it can only grow). */
  readonly totalCount: number;
}

export interface ConfigEntry {
  readonly name: string;
  readonly value: string;
  /** True when the topic does not set it: the value is the broker's default (source "default"). */
  readonly isDefault: boolean;
  readonly doc: string;
}

/** One partition's offsets, from its leader (Kafka's ListOffsets). */
export interface PartitionOffsets {
  readonly partition: number;
  /** The log start offset: the oldest record still held (retention and compaction move it). null on `error`. */
  readonly earliest: number | null;
  /** The high watermark: the offset the next record will get once replicated; read_uncommitted consumers read up to it. */
  readonly latest: number | null;
  /** The last stable offset: read_committed consumers read up to it (below `latest` while a transaction is open). */
  readonly lastStable: number | null;
  readonly error: TidelogError | null;
}

/** One partition's first offset at or after a time. */
/** One partition's answer to deleteRecords. */
export interface DeletedRecords {
  readonly partition: number;
  /** The partition's log start offset after the request (every record below it is gone); null on `error`. */
  readonly logStartOffset: number | null;
  readonly error: TidelogError | null;
}

export interface PartitionOffsetAtTime {
  readonly partition: number;
  /**
   * The first offset whose record's timestamp is at or after the time; null when no
   * record is (a consumer that seeks to the time then starts at the end), or on `error`.
   */
  readonly offset: number | null;
  readonly error: TidelogError | null;
}

export interface TopicConfigs {
  readonly name: string;
  readonly entries: readonly ConfigEntry[];
  readonly error: TidelogError | null;
}

export interface ConfigAlteration {
  readonly name: string;
  /** Settings to set, by Kafka name. */
  readonly set?: Readonly<Record<string, string>>;
  /** Settings to return to the broker default. */
  readonly delete?: readonly string[];
}

export interface ElectionTarget {
  readonly topic: string;
  /** Omitted or empty: every partition of the topic. */
  readonly partitions?: readonly number[];
}

export interface ElectionResult {
  readonly topic: string;
  /** null only when an election for every partition of the topic failed before the broker named them. */
  readonly partition: number | null;
  /** The leader after the election; null when there is none. */
  readonly leader: number | null;
  readonly error: TidelogError | null;
}

export interface ListTopicsOptions {
  readonly includeInternal?: boolean;
}

// ------------------------------------------------------------------ transactions

/** A transaction's state at its coordinator (Kafka's names). */
export type TransactionState =
  | "Empty"
  | "Ongoing"
  | "PrepareCommit"
  | "PrepareAbort"
  | "CompleteCommit"
  | "CompleteAbort"
  | "Dead";

export interface ListTransactionsOptions {
  /** Only transactions in these states; omitted or empty: every state. */
  readonly states?: readonly TransactionState[];
}

export interface TransactionListing {
  readonly transactionalId: string;
  readonly producerId: number;
  readonly state: TransactionState;
  /** The broker that coordinates the transactional id (the one that listed it). */
  readonly coordinatorId: number;
}

export interface TransactionListings {
  /** Sorted by transactional id. */
  readonly transactions: readonly TransactionListing[];
  /** Brokers that did not answer: the transactions they coordinate are missing. */
  readonly unreachable: readonly number[];
}

export interface TransactionPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface TransactionDescription {
  readonly transactionalId: string;
  /** null when the transaction could not be described (see `error`). */
  readonly state: TransactionState | null;
  readonly producerId: number;
  readonly producerEpoch: number;
  /** The transaction timeout the producer asked for (transaction.timeout.ms). */
  readonly timeoutMs: number;
  /** When the open transaction started (ms since the epoch); null when none is open. */
  readonly startMs: number | null;
  /** The partitions in the open transaction (group offsets appear as their __consumer_offsets partition), sorted. */
  readonly partitions: readonly TransactionPartition[];
  /** null when not known (the transaction could not be described). */
  readonly coordinatorId: number | null;
  readonly error: TidelogError | null;
}

export interface OpenTransaction {
  readonly producerId: number;
  readonly producerEpoch: number;
  /** The offset of the transaction's first batch on the partition. */
  readonly firstOffset: number;
}

/** What a partition's leader knows of its transactions (Kafka's DescribeProducers). */
export interface PartitionProducers {
  readonly topic: string;
  readonly partition: number;
  /** The broker that answered (the leader); null when the partition has no leader. */
  readonly leader: number | null;
  /** null when the leader could not be asked (see `error`). */
  readonly highWatermark: number | null;
  /** Below it every transaction is decided: what read_committed consumers may read. null when not known. */
  readonly lastStableOffset: number | null;
  /** Oldest first. */
  readonly openTransactions: readonly OpenTransaction[];
  readonly error: TidelogError | null;
}

export interface DescribeProducersOptions {
  /** Only the partitions these brokers lead; omitted or empty: every partition. */
  readonly brokers?: readonly number[];
}

export interface FindHangingTransactionsOptions {
  /** Also report transactions their coordinator knows that have been open longer than this. */
  readonly olderThanMs?: number;
  /** Only the partitions these brokers lead; omitted or empty: every partition of every topic. */
  readonly brokers?: readonly number[];
}

/**
 * Why a transaction open on a partition is reported:
 * - `unknown-to-coordinator`: no coordinator has a transaction of this producer id in
 *   Ongoing, PrepareCommit or PrepareAbort that includes the partition, so nothing will
 *   ever write its marker;
 * - `open-too-long`: its coordinator knows it, but it has been open longer than `olderThanMs`.
 */
export type HangingReason = "unknown-to-coordinator" | "open-too-long";

export interface HangingTransaction {
  readonly topic: string;
  readonly partition: number;
  readonly leader: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly firstOffset: number;
  /** The partition's last stable offset, held at `firstOffset` (or below) by this transaction. */
  readonly lastStableOffset: number;
  readonly highWatermark: number;
  readonly reason: HangingReason;
  /** The coordinator's transactional id for this producer, when one knows it (open-too-long). */
  readonly transactionalId: string | null;
  readonly coordinatorId: number | null;
  /** When the coordinator's transaction started; null when no coordinator knows it. */
  readonly startMs: number | null;
}

export interface HangingTransactions {
  /** Sorted by topic, partition, first offset. */
  readonly hanging: readonly HangingTransaction[];
  /** Partitions whose leader answered. */
  readonly checkedPartitions: number;
  /** Open transactions found on those partitions, hanging or not. */
  readonly openTransactions: number;
  /** Partitions that could not be checked (no leader, the leader did not answer), with why. */
  readonly unchecked: readonly { readonly topic: string; readonly partition: number; readonly error: TidelogError }[];
}
