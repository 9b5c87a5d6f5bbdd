/**
 * `@tidelog/client`: the application surface of the SDK (client, admin, producer,
 * consumer, errors, and the types their records use). Everything not exported here is
 * internal and may change without notice. The record codec (encode and decode batches,
 * control batches, builders, byte-level helpers) is `@tidelog/client/record`, for tools,
 * tests and the broker.
 */

export {
  ACL_CLUSTER_NAME,
  ACL_OPERATIONS,
  ACL_RESOURCE_TYPES,
  type AclBinding,
  type AclBindingFilter,
  type AclDescription,
  type AclOperation,
  type AclPatternType,
  type AclPermission,
  type AclResourceType,
} from "./acl-admin.js";
export { Admin } from "./admin.js";
export type {
  BrokerDescription,
  ClusterDescription,
  ConfigAlteration,
  ConfigEntry,
  DeletedRecords,
  DescribeProducersOptions,
  ElectionResult,
  ElectionTarget,
  FindHangingTransactionsOptions,
  HangingReason,
  HangingTransaction,
  HangingTransactions,
  ListTopicsOptions,
  ListTransactionsOptions,
  NewTopic,
  OpenTransaction,
  PartitionDescription,
  PartitionOffsetAtTime,
  PartitionOffsets,
  PartitionProducers,
  PartitionsIncrease,
  ReplicaAssignment,
  TopicConfigs,
  TopicDescription,
  TopicListing,
  TopicResult,
  TransactionDescription,
  TransactionListing,
  TransactionListings,
  TransactionPartition,
  TransactionState,
  ValidateOnlyOptions,
} from "./admin-types.js";
export {
  BOOTSTRAP_ENV,
  type BootstrapInput,
  type BootstrapSource,
  CLUSTER_FILE,
  parseBrokerList,
  type ResolvedBootstrap,
  resolveBootstrap,
} from "./bootstrap.js";
export { Client, type ClientOptions } from "./client.js";
export {
  errorDetail,
  type GiveUpReason,
  isTransportError,
  RetriesExhaustedError,
  TransportError,
} from "./client-errors.js";
export type { SslOptions } from "./client-tls.js";
export { type CommittedPosition, Consumer } from "./consumer.js";
export type {
  AutoOffsetReset,
  ConsumerBatch,
  ConsumerOptions,
  ConsumerRecord,
  IsolationLevel,
  OffsetSpec,
  RebalanceListener,
  RunHandlers,
  TopicPartition,
} from "./consumer-types.js";
export { ERRORS, type ErrorName, errorNameOf, isTidelogError, TidelogError } from "./errors.js";
export type {
  GroupDescription,
  GroupListing,
  GroupMemberDescription,
  GroupPartitionOffsets,
  GroupStatus,
  OffsetResetPlan,
  OffsetResetSpec,
} from "./group-admin.js";
export { DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_RETRY, MAX_REQUEST_TIMEOUT_MS } from "./limits.js";
export type { Logger } from "./logger.js";
export { murmur2, toPositive } from "./murmur2.js";
export { closestName } from "./option-names.js";
export { partitionForKey } from "./partitioner.js";
export { type OffsetsSource, type PartitionInfo, Producer, type Transaction } from "./producer.js";
export type {
  Acks,
  CloseOptions,
  DeliveryReport,
  Partitioner,
  PartitionerInput,
  ProducerOptions,
  ProducerRecord,
} from "./producer-types.js";
export type {
  QuotaAlteration,
  QuotaDescription,
  QuotaEntity,
  QuotaFilter,
  QuotaKind,
} from "./quota-admin.js";
export type {
  AlterReassignmentsOptions,
  BrokerListing,
  BrokerLogDirs,
  OngoingReassignment,
  PartitionReassignment,
  ReassignmentListing,
  ReassignmentResult,
} from "./reassignment-admin.js";
// The types an application's records use. The codec itself (encode, decode, control
// batches, builders) is `@tidelog/client/record`, for tools and brokers.
export {
  type BytesInput,
  COMPRESSION_NAMES,
  type CompressionName,
  type RecordHeader,
  type RecordHeaderInput,
  type RecordHeadersInput,
} from "./record/index.js";
export type { RetryOptions } from "./retry.js";
export type { SaslOptions } from "./sasl-session.js";
export type { ScramCredentialChange, UserScramCredentials } from "./scram-admin.js";
export { isTransactionState, TRANSACTION_STATES, transactionalIdProblem } from "./transaction-admin.js";
export type { TransactionOffsets } from "./transaction-manager.js";
