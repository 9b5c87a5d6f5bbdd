/**
 * What each gRPC method needs, in Kafka's ACL terms (the operation and the resource type
 * its API requires in Kafka). `authorizeHandlers` refuses to wrap a service whose table
 * misses a method, so a new method must be placed here before it can be served.
 *
 * Broker-to-broker calls (replication, transaction markers, the leader's join of a
 * partition to a transaction) need ClusterAction on the cluster: only brokers' own
 * principals (super users) may make them.
 */
import type { wire } from "@tidelog/client/protocol";
import type { ServiceRules } from "./authorization.js";

export const BROKER_RULES: ServiceRules<wire.BrokerHandlers> = {
  Metadata: { operation: "Describe", resource: "Topic" },
  Produce: { operation: "Write", resource: "Topic" },
  ProduceStream: { operation: "Write", resource: "Topic", stream: true },
  Fetch: { operation: "Read", resource: "Topic" },
  ListOffsets: { operation: "Describe", resource: "Topic" },
  InitProducerId: { operation: "IdempotentWrite", resource: "Cluster" },
  DescribeProducers: { operation: "Read", resource: "Topic" },
  AbortPartitionTransaction: { operation: "Alter", resource: "Cluster" },
  DeleteRecords: { operation: "Delete", resource: "Topic" },
};

export const REPLICATION_RULES: ServiceRules<wire.ReplicationHandlers> = {
  ReplicaFetch: { operation: "ClusterAction", resource: "Cluster", stream: true },
  WriteTxnMarkers: { operation: "ClusterAction", resource: "Cluster" },
  DescribeReplicaLogs: { operation: "ClusterAction", resource: "Cluster" },
};

export const ADMIN_RULES: ServiceRules<wire.AdminHandlers> = {
  DescribeCluster: { operation: "Describe", resource: "Cluster" },
  ListTopics: { operation: "Describe", resource: "Topic" },
  DescribeTopics: { operation: "Describe", resource: "Topic" },
  CreateTopics: { operation: "Create", resource: "Topic" },
  DeleteTopics: { operation: "Delete", resource: "Topic" },
  CreatePartitions: { operation: "Alter", resource: "Topic" },
  DescribeConfigs: { operation: "DescribeConfigs", resource: "Topic" },
  AlterConfigs: { operation: "AlterConfigs", resource: "Topic" },
  ElectLeaders: { operation: "Alter", resource: "Cluster" },
  AlterPartitionReassignments: { operation: "Alter", resource: "Cluster" },
  ListPartitionReassignments: { operation: "Describe", resource: "Cluster" },
  DescribeLogDirs: { operation: "Describe", resource: "Cluster" },
};

export const GROUP_RULES: ServiceRules<wire.GroupHandlers> = {
  FindCoordinator: { operation: "Describe", resource: "Group" },
  Heartbeat: { operation: "Read", resource: "Group" },
  OffsetCommit: { operation: "Read", resource: "Group" },
  TxnOffsetCommit: { operation: "Read", resource: "Group" },
  OffsetFetch: { operation: "Describe", resource: "Group" },
  ListGroups: { operation: "Describe", resource: "Cluster" },
  DescribeGroups: { operation: "Describe", resource: "Group" },
  DeleteGroups: { operation: "Delete", resource: "Group" },
};

export const TRANSACTION_RULES: ServiceRules<wire.TransactionHandlers> = {
  FindTransactionCoordinator: { operation: "Describe", resource: "TransactionalId" },
  AddPartitionsToTxn: { operation: "Write", resource: "TransactionalId" },
  AddOffsetsToTxn: { operation: "Write", resource: "TransactionalId" },
  EndTxn: { operation: "Write", resource: "TransactionalId" },
  JoinTxnPartition: { operation: "ClusterAction", resource: "Cluster" },
  ListTransactions: { operation: "Describe", resource: "TransactionalId" },
  DescribeTransactions: { operation: "Describe", resource: "TransactionalId" },
  AbortTransaction: { operation: "Write", resource: "TransactionalId" },
};
