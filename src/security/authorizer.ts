/**
 * Whether a principal may perform an operation on a resource, in Kafka's terms
 * (resource types Cluster, Topic, Group, TransactionalId; operations Read, Write, ...).
 *
 * With the authorizer on (`authorizer.class.name=StandardAuthorizer`), as in Kafka with
 * `allow.everyone.if.no.acl.found=false`: the principals in `super.users` may do
 * everything, and anyone else only what an ACL allows (acl.ts: DENY wins, no ACL means
 * no access). The ACLs live in etcd and reach every broker through its metadata watch
 * (acl-cache.ts), so a change applies within a second everywhere. A broker's own
 * principal must be a super user (or hold ClusterAction), or it cannot replicate from
 * the others. With the authorizer off, every request is allowed, as in Kafka without an
 * authorizer.
 */
import { TidelogError } from "@tidelog/client/record";
import type { AclIndex, AclOperationName, AclResourceType } from "./acl.js";
import type { Principal } from "./principal.js";

export type ResourceType = AclResourceType;

/** An operation a request needs (All is only ever granted, never needed). */
export type AclOperation = Exclude<AclOperationName, "All">;

export interface Authorizer {
  /** True when the authorizer checks anything (requests may then be refused). */
  readonly enabled: boolean;
  /** `host` is the caller's IP address. */
  authorize(principal: Principal, host: string, operation: AclOperation, resource: ResourceType, name: string): boolean;
  /** Whether the principal may do `operation` on at least one resource of the type (Kafka's authorizeByResourceType). */
  authorizeAny(principal: Principal, host: string, operation: AclOperation, resource: ResourceType): boolean;
}

export const ALLOW_ALL: Authorizer = { enabled: false, authorize: () => true, authorizeAny: () => true };

/** `acls` gives the current ACLs: called at every check, it must be cheap (acl-cache.ts memoizes). */
export function standardAuthorizer(superUsers: readonly Principal[], acls: () => AclIndex): Authorizer {
  const supers = new Set(superUsers);
  return {
    enabled: true,
    authorize: (principal, host, operation, resourceType, resourceName) =>
      supers.has(principal) || acls().authorize({ principal, host, operation, resourceType, resourceName }),
    authorizeAny: (principal, host, operation, resourceType) =>
      supers.has(principal) || acls().authorizeAny({ principal, host, operation, resourceType }),
  };
}

/** The error a refusal on each resource type is answered with (Kafka's codes). */
export const REFUSAL_CODE = {
  Cluster: "CLUSTER_AUTHORIZATION_FAILED",
  Topic: "TOPIC_AUTHORIZATION_FAILED",
  Group: "GROUP_AUTHORIZATION_FAILED",
  TransactionalId: "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
} as const;

/** `name` null: the check was on any resource of the type. */
export function authorizationError(
  principal: Principal,
  operation: AclOperation,
  resource: ResourceType,
  name: string | null,
  what: string,
): TidelogError {
  const target = name === null ? `any ${resource}` : `${resource} ${JSON.stringify(name)}`;
  return new TidelogError(
    REFUSAL_CODE[resource],
    `${principal} is not authorized to ${operation} on ${target} (${what})`,
  );
}
