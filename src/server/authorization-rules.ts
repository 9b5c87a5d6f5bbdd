/**
 * What each gRPC method and each admin REST route needs, in Kafka's ACL terms: from the
 * request, the resources it touches (topics, the group, the transactional id, the
 * cluster) and the operation it needs on each, as Kafka's KafkaApis checks the same API.
 * `authorizeHandlers` refuses to wrap a service whose table misses a method, and the HTTP
 * server refuses to register a `/v1/` route without a rule, so nothing new can go
 * unchecked by accident.
 *
 * A request that touches several topics is refused whole when any one is refused (its
 * code: the first refused check's). Kafka answers such requests per topic; here the
 * reading and writing calls (Produce, Fetch, ListOffsets, OffsetCommit, the topic admin
 * calls) keep one answer for the whole request, which a client without the right to one
 * of its topics needs to fix anyway. The calls that describe what exists answer per
 * topic instead, as Kafka does: Metadata and DescribeTopics answer a named topic the
 * caller may not Describe with TOPIC_AUTHORIZATION_FAILED in its place, and leave it out
 * of an answer about every topic; ListTopics and ListTransactions leave out what the
 * caller may not Describe (and refuse a caller who may describe none at all, so it is
 * told it lacks rights rather than shown an empty cluster).
 *
 * Broker-to-broker calls (replication, transaction markers, the leader's join of a
 * partition to a transaction) need ClusterAction on the cluster: brokers' own principals
 * (super users, or an ACL granting ClusterAction).
 */
import type { wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import { CLUSTER_NAME } from "../security/acl.js";
import type { AclOperation, ResourceType } from "../security/authorizer.js";
import type { HttpRouteRule, May, ResourceCheck, ServiceRules } from "./authorization.js";

const cluster = (operation: AclOperation): ResourceCheck => ({ operation, resource: "Cluster", name: CLUSTER_NAME });
const on = (operation: AclOperation, resource: ResourceType, name: string): ResourceCheck => ({
  operation,
  resource,
  name,
});
/** Checks of `operation` on each distinct topic. */
const topics = (operation: AclOperation, names: Iterable<string>): ResourceCheck[] =>
  [...new Set(names)].map((name) => on(operation, "Topic", name));
/** A transactional id's check when the request carries one (empty: not transactional). */
const transactionalId = (operation: AclOperation, id: string): ResourceCheck[] =>
  id === "" ? [] : [on(operation, "TransactionalId", id)];

const CLUSTER_ACTION = [cluster("ClusterAction")];

/** A named topic the caller may not Describe, answered in its place as Kafka does. */
const hiddenTopicError = (name: string): wire.ErrorInfo => {
  const e = new TidelogError("TOPIC_AUTHORIZATION_FAILED", `not authorized to Describe topic '${name}'`);
  return { code: e.errorCode, message: e.detail };
};

export const BROKER_RULES: ServiceRules<wire.BrokerHandlers> = {
  // Anyone may try to authenticate (Kafka's SaslAuthenticate needs no ACL).
  SaslAuthenticate: { checks: () => [] },
  Metadata: {
    checks: () => [],
    filter: (req, res, may) => ({
      ...res,
      topics: (res.topics ?? []).flatMap((t) => {
        const name = t.name ?? "";
        if (may("Describe", "Topic", name)) return [t];
        return req.topics.length > 0 ? [{ name, error: hiddenTopicError(name), partitions: [] }] : [];
      }),
    }),
  },
  Produce: {
    checks: (req) => [
      ...transactionalId("Write", req.transactionalId),
      ...topics(
        "Write",
        req.topics.map((t) => t.topic),
      ),
    ],
  },
  ProduceStream: {
    checks: (req) => [
      ...transactionalId("Write", req.transactionalId),
      ...topics(
        "Write",
        req.topics.map((t) => t.topic),
      ),
    ],
    stream: "each",
  },
  Fetch: {
    checks: (req) =>
      topics(
        "Read",
        req.topics.map((t) => t.topic),
      ),
  },
  ListOffsets: {
    checks: (req) =>
      topics(
        "Describe",
        req.topics.map((t) => t.topic),
      ),
  },
  // An idempotent producer needs IdempotentWrite on the cluster, which Write on any topic
  // implies (KIP-679, acl.ts); a transactional one Write on its transactional id.
  InitProducerId: {
    checks: (req) =>
      req.transactionalId === "" ? [cluster("IdempotentWrite")] : transactionalId("Write", req.transactionalId),
  },
  DescribeProducers: {
    checks: (req) =>
      topics(
        "Read",
        req.topics.map((t) => t.topic),
      ),
  },
  AbortPartitionTransaction: { checks: () => [cluster("Alter")] },
  DeleteRecords: { checks: (req) => [on("Delete", "Topic", req.topic)] },
};

export const REPLICATION_RULES: ServiceRules<wire.ReplicationHandlers> = {
  ReplicaFetch: { checks: () => CLUSTER_ACTION, stream: "open" },
  WriteTxnMarkers: { checks: () => CLUSTER_ACTION },
  DescribeReplicaLogs: { checks: () => CLUSTER_ACTION },
  PeerStream: { checks: () => CLUSTER_ACTION, stream: "open" },
};

/** Leaves out topics the caller may not Describe; a named one is answered TOPIC_AUTHORIZATION_FAILED. */
function describeTopicsFilter(
  req: wire.DescribeTopicsRequest__Output,
  res: wire.DescribeTopicsResponse,
  may: May,
): wire.DescribeTopicsResponse {
  return {
    ...res,
    topics: (res.topics ?? []).flatMap((t) => {
      const name = t.name ?? "";
      if (may("Describe", "Topic", name)) return [t];
      return req.topics.length > 0 ? [{ name, error: hiddenTopicError(name), partitions: [] }] : [];
    }),
  };
}

export const ADMIN_RULES: ServiceRules<wire.AdminHandlers> = {
  DescribeCluster: { checks: () => [cluster("Describe")] },
  ListTopics: {
    checks: () => [{ operation: "Describe", resource: "Topic", name: null }],
    filter: (_req, res, may) => ({
      ...res,
      topics: (res.topics ?? []).filter((t) => may("Describe", "Topic", t.name ?? "")),
    }),
  },
  DescribeTopics: { checks: () => [], filter: describeTopicsFilter },
  // Kafka: Create on the cluster, or on each topic.
  CreateTopics: {
    checks: (req) =>
      topics(
        "Create",
        req.topics.map((t) => t.name),
      ).map((c) => ({ ...c, orElse: cluster("Create") })),
  },
  DeleteTopics: { checks: (req) => topics("Delete", req.topics) },
  CreatePartitions: {
    checks: (req) =>
      topics(
        "Alter",
        req.topics.map((t) => t.name),
      ),
  },
  DescribeConfigs: { checks: (req) => topics("DescribeConfigs", req.topics) },
  AlterConfigs: {
    checks: (req) =>
      topics(
        "AlterConfigs",
        req.topics.map((t) => t.name),
      ),
  },
  ElectLeaders: { checks: () => [cluster("Alter")] },
  AlterPartitionReassignments: { checks: () => [cluster("Alter")] },
  ListPartitionReassignments: { checks: () => [cluster("Describe")] },
  DescribeLogDirs: { checks: () => [cluster("Describe")] },
  CreateAcls: { checks: () => [cluster("Alter")] },
  DeleteAcls: { checks: () => [cluster("Alter")] },
  DescribeAcls: { checks: () => [cluster("Describe")] },
  // Kafka: AlterConfigs / DescribeConfigs on the cluster.
  DescribeClientQuotas: { checks: () => [cluster("DescribeConfigs")] },
  AlterClientQuotas: { checks: () => [cluster("AlterConfigs")] },
  // Kafka: Alter / Describe on the cluster.
  AlterUserScramCredentials: { checks: () => [cluster("Alter")] },
  DescribeUserScramCredentials: { checks: () => [cluster("Describe")] },
};

export const GROUP_RULES: ServiceRules<wire.GroupHandlers> = {
  FindCoordinator: { checks: (req) => [on("Describe", "Group", req.groupId)] },
  // KIP-848's heartbeat: Read on the group, Describe on each subscribed topic.
  Heartbeat: {
    checks: (req) => [on("Read", "Group", req.groupId), ...topics("Describe", req.subscribedTopics)],
  },
  OffsetCommit: {
    checks: (req) => [
      on("Read", "Group", req.groupId),
      ...topics(
        "Read",
        req.topics.map((t) => t.topic),
      ),
    ],
  },
  TxnOffsetCommit: {
    checks: (req) => [
      ...transactionalId("Write", req.transactionalId),
      on("Read", "Group", req.groupId),
      ...topics(
        "Read",
        req.topics.map((t) => t.topic),
      ),
    ],
  },
  OffsetFetch: {
    checks: (req) => [
      on("Describe", "Group", req.groupId),
      ...topics(
        "Describe",
        req.topics.map((t) => t.topic),
      ),
    ],
  },
  // Every group at once: the cluster's Describe (tidelog lists groups from every coordinator).
  // Kafka: Describe on the cluster lists every group; else the groups the caller may Describe.
  ListGroups: {
    checks: () => [{ operation: "Describe", resource: "Group", name: null, orElse: cluster("Describe") }],
    filter: (_req, res, may) =>
      may("Describe", "Cluster", CLUSTER_NAME)
        ? res
        : { ...res, groups: (res.groups ?? []).filter((g) => may("Describe", "Group", g.groupId ?? "")) },
  },
  DescribeGroups: { checks: (req) => req.groupIds.map((id) => on("Describe", "Group", id)) },
  DeleteGroups: { checks: (req) => req.groupIds.map((id) => on("Delete", "Group", id)) },
};

export const TRANSACTION_RULES: ServiceRules<wire.TransactionHandlers> = {
  FindTransactionCoordinator: { checks: (req) => [on("Describe", "TransactionalId", req.transactionalId)] },
  AddPartitionsToTxn: {
    checks: (req) => [
      on("Write", "TransactionalId", req.transactionalId),
      ...topics(
        "Write",
        req.topics.map((t) => t.topic),
      ),
    ],
  },
  AddOffsetsToTxn: {
    checks: (req) => [on("Write", "TransactionalId", req.transactionalId), on("Read", "Group", req.groupId)],
  },
  EndTxn: { checks: (req) => [on("Write", "TransactionalId", req.transactionalId)] },
  EndTxnStream: { checks: (req) => [on("Write", "TransactionalId", req.transactionalId)], stream: "each" },
  JoinTxnPartition: { checks: () => CLUSTER_ACTION },
  ListTransactions: {
    checks: () => [{ operation: "Describe", resource: "TransactionalId", name: null }],
    filter: (_req, res, may) => ({
      ...res,
      transactions: (res.transactions ?? []).filter((t) => may("Describe", "TransactionalId", t.transactionalId ?? "")),
    }),
  },
  DescribeTransactions: {
    checks: (req) => req.transactionalIds.map((id) => on("Describe", "TransactionalId", id)),
  },
  AbortTransaction: { checks: (req) => [on("Write", "TransactionalId", req.transactionalId)] },
};

/** A path parameter, or "" when absent (checked against "" no ACL but "*" or User:* can match). */
const param = (r: { params: Readonly<Record<string, string | undefined>> }, name: string): string =>
  r.params[name] ?? "";
/** A field of a body not yet validated: text, or "". */
const bodyText = (body: unknown, field: string): string => {
  const v = body && typeof body === "object" ? (body as Record<string, unknown>)[field] : undefined;
  return typeof v === "string" ? v : "";
};
const bodyTexts = (body: unknown, field: string): string[] => {
  const v = body && typeof body === "object" ? (body as Record<string, unknown>)[field] : undefined;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
};

/** Leaves the items of `payload[field]` whose `key` the caller may Describe as `resource`. */
function listFilter(field: string, key: string, resource: ResourceType): HttpRouteRule["filter"] {
  return (payload, may) => {
    if (!payload || typeof payload !== "object") return payload;
    const items = (payload as Record<string, unknown>)[field];
    if (!Array.isArray(items)) return payload;
    return {
      ...payload,
      [field]: items.filter((item) => {
        const name = (item as Record<string, unknown> | null)?.[key];
        return typeof name === "string" && may("Describe", resource, name);
      }),
    };
  };
}

/** Each admin REST route (`src/http/*-routes.ts`), keyed "METHOD /pattern", as its gRPC twin. */
export const HTTP_RULES: Readonly<Record<string, HttpRouteRule>> = {
  "GET /v1/cluster": { checks: () => [cluster("Describe")] },
  "GET /v1/brokers": { checks: () => [cluster("Describe")] },
  "GET /v1/topics": {
    checks: () => [{ operation: "Describe", resource: "Topic", name: null }],
    filter: listFilter("topics", "name", "Topic"),
  },
  "POST /v1/topics": {
    checks: (r) => [{ ...on("Create", "Topic", bodyText(r.body, "name")), orElse: cluster("Create") }],
  },
  "GET /v1/topics/:name": { checks: (r) => [on("Describe", "Topic", param(r, "name"))] },
  "DELETE /v1/topics/:name": { checks: (r) => [on("Delete", "Topic", param(r, "name"))] },
  "GET /v1/topics/:name/configs": { checks: (r) => [on("DescribeConfigs", "Topic", param(r, "name"))] },
  "PATCH /v1/topics/:name/configs": { checks: (r) => [on("AlterConfigs", "Topic", param(r, "name"))] },
  "POST /v1/topics/:name/partitions": { checks: (r) => [on("Alter", "Topic", param(r, "name"))] },
  "GET /v1/groups": {
    checks: () => [{ operation: "Describe", resource: "Group", name: null, orElse: cluster("Describe") }],
    filter: (payload, may) =>
      may("Describe", "Cluster", CLUSTER_NAME) ? payload : listFilter("groups", "groupId", "Group")?.(payload, may),
  },
  "GET /v1/groups/:groupId": { checks: (r) => [on("Describe", "Group", param(r, "groupId"))] },
  // Resetting offsets commits them for the group: Read on the group and on each topic (kafka-consumer-groups).
  "POST /v1/groups/:groupId/offsets/reset": {
    checks: (r) => [on("Read", "Group", param(r, "groupId")), ...topics("Read", bodyTexts(r.body, "topics"))],
  },
  "DELETE /v1/groups/:groupId": { checks: (r) => [on("Delete", "Group", param(r, "groupId"))] },
  "GET /v1/transactions": {
    checks: () => [{ operation: "Describe", resource: "TransactionalId", name: null }],
    filter: listFilter("transactions", "transactionalId", "TransactionalId"),
  },
  "GET /v1/transactions/:transactionalId": {
    checks: (r) => [on("Describe", "TransactionalId", param(r, "transactionalId"))],
  },
  "POST /v1/transactions/:transactionalId/abort": {
    checks: (r) => [on("Write", "TransactionalId", param(r, "transactionalId"))],
  },
  "GET /v1/reassignments": { checks: () => [cluster("Describe")] },
  "POST /v1/reassignments": { checks: () => [cluster("Alter")] },
  "DELETE /v1/reassignments": { checks: () => [cluster("Alter")] },
  "GET /v1/acls": { checks: () => [cluster("Describe")] },
  "POST /v1/acls": { checks: () => [cluster("Alter")] },
  "DELETE /v1/acls": { checks: () => [cluster("Alter")] },
};
