/**
 * ACL administration behind `client.admin()`, as Kafka's Admin createAcls, deleteAcls
 * and describeAcls (and `kafka-acls.sh`): any broker answers (it writes etcd directly),
 * and every broker enforces a change within a second.
 *
 * Bindings and filters are checked here before anything is sent (field values from
 * Kafka's vocabulary, principals like User:alice), as INVALID_REQUEST; the broker checks
 * the rest (an operation meaningful for the resource type, the cluster's name) with the
 * same code. Safe to use concurrently.
 */
import { callAnyBroker } from "./admin-retry.js";
import { errorOf } from "./admin-wire.js";
import type { ClientContext } from "./client-context.js";
import { TidelogError } from "./errors.js";
import {
  ACL_CLUSTER_NAME,
  ACL_OPERATIONS,
  ACL_RESOURCE_TYPES,
  type AclOperation,
  type AclResourceType,
} from "./protocol/acl-names.js";
import type * as wire from "./protocol/messages.js";
import type { AdminRpcs } from "./rpc.js";

export type AclPatternType = "LITERAL" | "PREFIXED";
export type AclPermission = "ALLOW" | "DENY";
export { ACL_CLUSTER_NAME, ACL_OPERATIONS, ACL_RESOURCE_TYPES, type AclOperation, type AclResourceType };

/** One ACL: `principal` may (ALLOW) or may not (DENY) do `operation` to the resources the pattern names. */
export interface AclBinding {
  /** "User:alice", or "User:*" for everyone. */
  readonly principal: string;
  /** The client's IP address, or "*" (the default) for any. */
  readonly host?: string;
  readonly resourceType: AclResourceType;
  /** A name, "*" for every resource of the type, a prefix (PREFIXED); the cluster's is "kafka-cluster". */
  readonly resourceName: string;
  /** LITERAL by default. */
  readonly patternType?: AclPatternType;
  readonly operation: AclOperation;
  readonly permission: AclPermission;
}

/**
 * Which ACLs to describe or delete: an absent field matches anything. patternType MATCH
 * finds every ACL that applies to the literal `resourceName` (its own, "*", prefixes).
 */
export interface AclBindingFilter {
  readonly principal?: string;
  readonly host?: string;
  readonly resourceType?: AclResourceType;
  readonly resourceName?: string;
  readonly patternType?: AclPatternType | "ANY" | "MATCH";
  readonly operation?: AclOperation;
  readonly permission?: AclPermission;
}

/** An ACL as the broker holds it: every field given. */
export type AclDescription = Required<AclBinding>;

/** Most bindings or filters one call may carry (the broker's bound). */
export const ACL_ITEMS_PER_CALL_MAX = 1000;

function invalid(detail: string): TidelogError {
  return new TidelogError("INVALID_REQUEST", detail);
}

function checkOneOf(value: unknown, allowed: readonly string[], field: string): void {
  if (typeof value !== "string" || !allowed.includes(value))
    throw invalid(`${field} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
}

function checkPrincipal(principal: unknown): void {
  if (typeof principal !== "string" || !/^User:.+$/s.test(principal))
    throw invalid(`principal must be like User:alice or User:*, got ${JSON.stringify(principal)}`);
}

export function checkAclBinding(b: AclBinding): void {
  checkPrincipal(b.principal);
  if (b.host !== undefined && (typeof b.host !== "string" || b.host === ""))
    throw invalid('host must be "*" or an IP address');
  checkOneOf(b.resourceType, ACL_RESOURCE_TYPES, "resourceType");
  if (typeof b.resourceName !== "string" || b.resourceName === "") throw invalid("resourceName is required");
  if (b.patternType !== undefined) checkOneOf(b.patternType, ["LITERAL", "PREFIXED"], "patternType");
  checkOneOf(b.operation, ACL_OPERATIONS, "operation");
  checkOneOf(b.permission, ["ALLOW", "DENY"], "permission");
}

export function checkAclFilter(f: AclBindingFilter): void {
  if (f.principal !== undefined) checkPrincipal(f.principal);
  if (f.resourceType !== undefined) checkOneOf(f.resourceType, ACL_RESOURCE_TYPES, "resourceType");
  if (f.patternType !== undefined) checkOneOf(f.patternType, ["LITERAL", "PREFIXED", "ANY", "MATCH"], "patternType");
  if (f.patternType === "MATCH" && f.resourceName === undefined)
    throw invalid("patternType MATCH needs a resourceName to match against");
  if (f.operation !== undefined) checkOneOf(f.operation, ACL_OPERATIONS, "operation");
  if (f.permission !== undefined) checkOneOf(f.permission, ["ALLOW", "DENY"], "permission");
}

function checkCount(n: number, what: string): void {
  if (n === 0) throw invalid(`no ${what} given`);
  if (n > ACL_ITEMS_PER_CALL_MAX) throw invalid(`at most ${ACL_ITEMS_PER_CALL_MAX} ${what} per call, got ${n}`);
}

function bindingToWire(b: AclBinding): wire.AclBinding {
  return {
    principal: b.principal,
    host: b.host ?? "*",
    resourceType: b.resourceType,
    resourceName: b.resourceName,
    patternType: b.patternType ?? "LITERAL",
    operation: b.operation,
    permission: b.permission,
  };
}

function filterToWire(f: AclBindingFilter): wire.AclBindingFilter {
  return {
    principal: f.principal ?? "",
    host: f.host ?? "",
    resourceType: f.resourceType ?? "",
    resourceName: f.resourceName ?? "",
    patternType: f.patternType ?? "",
    operation: f.operation ?? "",
    permission: f.permission ?? "",
  };
}

function fromWire(b: wire.AclBinding__Output): AclDescription {
  return {
    principal: b.principal,
    host: b.host,
    resourceType: b.resourceType as AclResourceType,
    resourceName: b.resourceName,
    patternType: b.patternType as AclPatternType,
    operation: b.operation as AclOperation,
    permission: b.permission as AclPermission,
  };
}

export class AclAdmin {
  constructor(private readonly ctx: ClientContext) {}

  /** Adds the bindings (adding one that exists succeeds); throws the first binding's error. */
  async createAcls(bindings: readonly AclBinding[]): Promise<void> {
    checkCount(bindings.length, "ACL bindings");
    for (const b of bindings) checkAclBinding(b);
    const response = await this.call("createAcls", { creations: bindings.map(bindingToWire) });
    const error = response.results.map((r) => errorOf(r.error)).find((e) => e !== null);
    if (error) throw error;
    if (response.results.length !== bindings.length)
      throw new TidelogError("UNKNOWN_SERVER_ERROR", "the broker did not answer for every ACL binding");
  }

  /** Removes the ACLs each filter matches; answers what each removed, in the filters' order. */
  async deleteAcls(filters: readonly AclBindingFilter[]): Promise<AclDescription[][]> {
    checkCount(filters.length, "ACL filters");
    for (const f of filters) checkAclFilter(f);
    const response = await this.call("deleteAcls", { filters: filters.map(filterToWire) });
    return response.results.map((r) => {
      const error = errorOf(r.error);
      if (error) throw error;
      return r.deleted.map(fromWire);
    });
  }

  /** The ACLs the filter matches (every one with an empty filter). */
  async describeAcls(filter: AclBindingFilter = {}): Promise<AclDescription[]> {
    checkAclFilter(filter);
    const response = await this.call("describeAcls", { filter: filterToWire(filter) });
    return response.bindings.map(fromWire);
  }

  /**
   * Retried at any broker. Not idempotent only for deletes, where a retry after a lost
   * answer reports nothing deleted for what the first attempt removed.
   */
  private call<M extends "createAcls" | "deleteAcls" | "describeAcls">(
    method: M,
    request: AdminRpcs[M][0],
  ): Promise<AdminRpcs[M][1]> {
    return callAnyBroker(this.ctx, method, request);
  }
}
