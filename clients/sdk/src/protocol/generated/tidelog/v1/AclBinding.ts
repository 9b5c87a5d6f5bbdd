// Original file: proto/tidelog/v1/admin.proto


/**
 * One ACL, in Kafka's words: principal "User:alice" or "User:*"; host "*" or an IP;
 * resource_type Topic, Group, Cluster or TransactionalId; resource_name (the cluster's is
 * "kafka-cluster", "*" is every resource of the type); pattern_type LITERAL or PREFIXED;
 * operation Read, Write, Create, Delete, Alter, Describe, DescribeConfigs, AlterConfigs,
 * ClusterAction, IdempotentWrite or All; permission ALLOW or DENY.
 */
export interface AclBinding {
  'principal'?: (string);
  'host'?: (string);
  'resourceType'?: (string);
  'resourceName'?: (string);
  'patternType'?: (string);
  'operation'?: (string);
  'permission'?: (string);
}

/**
 * One ACL, in Kafka's words: principal "User:alice" or "User:*"; host "*" or an IP;
 * resource_type Topic, Group, Cluster or TransactionalId; resource_name (the cluster's is
 * "kafka-cluster", "*" is every resource of the type); pattern_type LITERAL or PREFIXED;
 * operation Read, Write, Create, Delete, Alter, Describe, DescribeConfigs, AlterConfigs,
 * ClusterAction, IdempotentWrite or All; permission ALLOW or DENY.
 */
export interface AclBinding__Output {
  'principal': (string);
  'host': (string);
  'resourceType': (string);
  'resourceName': (string);
  'patternType': (string);
  'operation': (string);
  'permission': (string);
}
