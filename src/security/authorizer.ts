/**
 * Whether a principal may perform an operation on a resource, in Kafka's terms
 * (resource types Cluster, Topic, Group, TransactionalId; operations Read, Write, ...).
 *
 * With the authorizer on (`authorizer.class.name=StandardAuthorizer`), as in Kafka with
 * `allow.everyone.if.no.acl.found=false`: the principals in `super.users` may do
 * everything, and anyone else only what an ACL allows. ACLs do not exist yet (issue 25
 * builds them next), so today only super users get in: a broker's own principal must be
 * one of them, or it cannot replicate from the others. With the authorizer off, every
 * request is allowed, as in Kafka without an authorizer.
 */
import { TidelogError } from "@tidelog/client/record";
import type { Principal } from "./principal.js";

export type ResourceType = "Cluster" | "Topic" | "Group" | "TransactionalId";

export type AclOperation =
  | "Read"
  | "Write"
  | "Create"
  | "Delete"
  | "Alter"
  | "Describe"
  | "DescribeConfigs"
  | "AlterConfigs"
  | "ClusterAction"
  | "IdempotentWrite";

export interface Authorizer {
  /** True when the authorizer checks anything (requests may then be refused). */
  readonly enabled: boolean;
  authorize(principal: Principal, operation: AclOperation, resource: ResourceType): boolean;
}

export const ALLOW_ALL: Authorizer = { enabled: false, authorize: () => true };

export function standardAuthorizer(superUsers: readonly Principal[]): Authorizer {
  const supers = new Set(superUsers);
  return { enabled: true, authorize: (principal) => supers.has(principal) };
}

/** The error a refusal on each resource type is answered with (Kafka's codes). */
const REFUSAL_CODE = {
  Cluster: "CLUSTER_AUTHORIZATION_FAILED",
  Topic: "TOPIC_AUTHORIZATION_FAILED",
  Group: "GROUP_AUTHORIZATION_FAILED",
  TransactionalId: "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
} as const;

export function authorizationError(
  principal: Principal,
  operation: AclOperation,
  resource: ResourceType,
  what: string,
): TidelogError {
  return new TidelogError(
    REFUSAL_CODE[resource],
    `${principal} is not authorized to ${operation} on ${resource} (${what})`,
  );
}
