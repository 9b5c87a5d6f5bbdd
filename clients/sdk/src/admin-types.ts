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
  readonly isDefault: boolean;
  readonly doc: string;
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
