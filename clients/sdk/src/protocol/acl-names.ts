/**
 * Kafka's ACL vocabulary, as the wire spells it: shared by the SDK (which checks bindings
 * before sending them) and the broker (whose ACL model, src/security/acl.ts, is built on
 * it), so the two can never disagree on a name.
 */
export const ACL_RESOURCE_TYPES = ["Topic", "Group", "Cluster", "TransactionalId"] as const;
export type AclResourceType = (typeof ACL_RESOURCE_TYPES)[number];

export const ACL_OPERATIONS = [
  "Read",
  "Write",
  "Create",
  "Delete",
  "Alter",
  "Describe",
  "DescribeConfigs",
  "AlterConfigs",
  "ClusterAction",
  "IdempotentWrite",
  "All",
] as const;
export type AclOperation = (typeof ACL_OPERATIONS)[number];

/** The cluster resource's one name, as Kafka's. */
export const ACL_CLUSTER_NAME = "kafka-cluster";
