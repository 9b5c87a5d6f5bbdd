/**
 * Kafka's ACL model: who (principal, host) may or may not (permission) do what
 * (operation) to which resources (type, name, pattern). Pure: no I/O, no clock.
 *
 *   {principal: "User:alice", host: "*", resourceType: "Topic", resourceName: "orders-",
 *    patternType: "PREFIXED", operation: "Write", permission: "ALLOW"}
 *   lets alice write to every topic whose name starts with "orders-", from any host.
 *
 * Matching, as Kafka's StandardAuthorizer (KIP-801) and AclAuthorizer decide:
 * - a binding applies to a request when its principal is the caller's or "User:*", its
 *   host the caller's IP or "*", and its resource the request's: LITERAL by equal name or
 *   the name "*" (every resource of the type), PREFIXED when the name starts with it;
 * - DENY wins: one applying DENY for the operation (or All) refuses, whatever allows;
 * - otherwise an applying ALLOW of the operation, of All, or of an operation that implies
 *   it admits: Read, Write, Delete and Alter imply Describe; AlterConfigs implies
 *   DescribeConfigs. IdempotentWrite on the cluster is implied by Write on any topic
 *   (KIP-679: an idempotent producer that may write somewhere may get a producer id);
 * - nothing applying: refused (allow.everyone.if.no.acl.found=false).
 *
 * Deny implies nothing: a DENY of Describe does not refuse Read (as in Kafka).
 *
 * `AclIndex` keeps the bindings by resource type, then by literal name and by prefix, so a
 * check looks at the bindings of its own name, the wildcard, and each prefix of the name
 * (at most the name's length of map lookups), never at every ACL.
 */
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import {
  ACL_CLUSTER_NAME,
  ACL_OPERATIONS,
  ACL_RESOURCE_TYPES,
  type AclOperation,
  type AclResourceType,
} from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";

export const RESOURCE_TYPES = ACL_RESOURCE_TYPES;
export type { AclResourceType };

export const OPERATIONS = ACL_OPERATIONS;
/** Every operation an ACL may name; a request needs one of them, never All itself. */
export type AclOperationName = AclOperation;

export const PATTERN_TYPES = ["LITERAL", "PREFIXED"] as const;
export type AclPatternType = (typeof PATTERN_TYPES)[number];

export const PERMISSIONS = ["ALLOW", "DENY"] as const;
export type AclPermission = (typeof PERMISSIONS)[number];

/** The one cluster resource's name, as Kafka's. */
export const CLUSTER_NAME = ACL_CLUSTER_NAME;
/** The resource name, principal and host that match every one. */
export const WILDCARD = "*";
export const WILDCARD_PRINCIPAL = "User:*";

export interface AclBinding {
  readonly principal: string;
  readonly host: string;
  readonly resourceType: AclResourceType;
  readonly resourceName: string;
  readonly patternType: AclPatternType;
  readonly operation: AclOperationName;
  readonly permission: AclPermission;
}

/**
 * Which operations an ACL on each resource type may name (Kafka's table): an ACL that no
 * request could ever consult (ClusterAction on a topic) is refused when written, not kept
 * as a silent no-op.
 */
export const OPERATIONS_BY_RESOURCE: Readonly<Record<AclResourceType, readonly AclOperationName[]>> = {
  Topic: ["Read", "Write", "Create", "Delete", "Alter", "Describe", "DescribeConfigs", "AlterConfigs", "All"],
  Group: ["Read", "Describe", "Delete", "All"],
  Cluster: [
    "Create",
    "ClusterAction",
    "DescribeConfigs",
    "AlterConfigs",
    "IdempotentWrite",
    "Alter",
    "Describe",
    "All",
  ],
  TransactionalId: ["Describe", "Write", "All"],
};

/** The ALLOW operations that admit a request for each operation (besides itself and All). */
const IMPLIED_BY: Readonly<Partial<Record<AclOperationName, readonly AclOperationName[]>>> = {
  Describe: ["Read", "Write", "Delete", "Alter"],
  DescribeConfigs: ["AlterConfigs"],
};

/** Longest principal a binding may name: principal.ts's longest name after "User:". */
export const ACL_PRINCIPAL_LENGTH_MAX = 1024 + "User:".length;
/** Longest host a binding may name: an IPv6 address with a zone fits with room to spare. */
export const ACL_HOST_LENGTH_MAX = 64;
/** Longest resource name a binding may carry: past any topic, group or transactional id, keeps answers sane. */
export const ACL_RESOURCE_NAME_LENGTH_MAX = 1024;

function invalid(message: string): TidelogError {
  return new TidelogError("INVALID_REQUEST", message);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(`${field} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
}

/** An ACL binding or filter as it arrives at an edge (gRPC, REST, CLI): nothing checked yet. */
type RawAcl = Readonly<
  Partial<
    Record<"principal" | "host" | "resourceType" | "resourceName" | "patternType" | "operation" | "permission", unknown>
  >
>;

/**
 * A binding as given at an edge (gRPC, REST, CLI), checked whole: every field present and
 * known, the operation meaningful for the resource type, the cluster named kafka-cluster
 * and literal, a prefix never "*". Throws INVALID_REQUEST naming the first problem.
 */
export function validateAclBinding(raw: RawAcl): AclBinding {
  const principal = raw.principal;
  if (typeof principal !== "string" || !/^User:.+$/s.test(principal) || principal.length > ACL_PRINCIPAL_LENGTH_MAX)
    throw invalid(`principal must be like User:alice or User:* (at most ${ACL_PRINCIPAL_LENGTH_MAX} characters)`);
  const host = raw.host === undefined || raw.host === "" ? WILDCARD : raw.host;
  if (typeof host !== "string" || host.length > ACL_HOST_LENGTH_MAX || (host !== WILDCARD && isIP(host) === 0))
    throw invalid(`host must be * or an IP address, got ${JSON.stringify(host)}`);
  const resourceType = oneOf(raw.resourceType, RESOURCE_TYPES, "resourceType");
  const patternType = oneOf(
    raw.patternType === undefined || raw.patternType === "" ? "LITERAL" : raw.patternType,
    PATTERN_TYPES,
    "patternType",
  );
  const operation = oneOf(raw.operation, OPERATIONS, "operation");
  const permission = oneOf(raw.permission, PERMISSIONS, "permission");
  const resourceName = raw.resourceName;
  if (typeof resourceName !== "string" || resourceName === "" || resourceName.length > ACL_RESOURCE_NAME_LENGTH_MAX)
    throw invalid(`resourceName must be 1 to ${ACL_RESOURCE_NAME_LENGTH_MAX} characters`);
  if (resourceType === "Cluster" && resourceName !== CLUSTER_NAME)
    throw invalid(`the cluster resource is named ${CLUSTER_NAME}, not ${JSON.stringify(resourceName)}`);
  if (resourceType === "Cluster" && patternType !== "LITERAL") throw invalid("the cluster resource takes LITERAL only");
  if (patternType === "PREFIXED" && resourceName === WILDCARD)
    throw invalid('a PREFIXED pattern cannot be "*": use LITERAL "*" for every resource of the type');
  if (!OPERATIONS_BY_RESOURCE[resourceType].includes(operation))
    throw invalid(
      `${operation} on ${resourceType} is meaningless: ${resourceType} takes ${OPERATIONS_BY_RESOURCE[resourceType].join(", ")}`,
    );
  return { principal, host, resourceType, resourceName, patternType, operation, permission };
}

/** A binding's canonical text: the same binding always gives the same text, whatever field order it came in. */
export function canonicalAcl(b: AclBinding): string {
  return JSON.stringify([
    b.principal,
    b.host,
    b.resourceType,
    b.resourceName,
    b.patternType,
    b.operation,
    b.permission,
  ]);
}

/** Hex digits of a binding's id: 128 bits of SHA-256, no collision among any plausible number of ACLs. */
const ACL_ID_HEX_LENGTH = 32;

/** A binding's stable id (its etcd key's last part): adding it twice writes the same key. */
export function aclId(b: AclBinding): string {
  return createHash("sha256").update(canonicalAcl(b)).digest("hex").slice(0, ACL_ID_HEX_LENGTH);
}

/**
 * Which bindings a describe or delete names. An absent field matches anything. The
 * pattern type may also be ANY (the default) or MATCH: every binding that would apply to
 * the literal resource name given (its literal, the wildcard, and prefixes of it), as
 * Kafka's AclBindingFilter.
 */
export interface AclBindingFilter {
  readonly principal?: string;
  readonly host?: string;
  readonly resourceType?: AclResourceType;
  readonly resourceName?: string;
  readonly patternType?: AclPatternType | "ANY" | "MATCH";
  readonly operation?: AclOperationName;
  readonly permission?: AclPermission;
}

const FILTER_PATTERN_TYPES = ["ANY", "MATCH", ...PATTERN_TYPES] as const;

/** A filter as given at an edge; empty strings mean "any". Throws INVALID_REQUEST. */
export function validateAclFilter(raw: RawAcl): AclBindingFilter {
  const given = (v: unknown): boolean => v !== undefined && v !== null && v !== "";
  const text = (v: unknown, field: string, max: number): string => {
    if (typeof v !== "string" || v.length > max) throw invalid(`${field} must be text of at most ${max} characters`);
    return v;
  };
  const filter: {
    -readonly [K in keyof AclBindingFilter]: AclBindingFilter[K];
  } = {};
  if (given(raw.principal)) filter.principal = text(raw.principal, "principal", ACL_PRINCIPAL_LENGTH_MAX);
  if (given(raw.host)) filter.host = text(raw.host, "host", ACL_HOST_LENGTH_MAX);
  if (given(raw.resourceType)) filter.resourceType = oneOf(raw.resourceType, RESOURCE_TYPES, "resourceType");
  if (given(raw.resourceName))
    filter.resourceName = text(raw.resourceName, "resourceName", ACL_RESOURCE_NAME_LENGTH_MAX);
  if (given(raw.patternType)) filter.patternType = oneOf(raw.patternType, FILTER_PATTERN_TYPES, "patternType");
  if (given(raw.operation)) filter.operation = oneOf(raw.operation, OPERATIONS, "operation");
  if (given(raw.permission)) filter.permission = oneOf(raw.permission, PERMISSIONS, "permission");
  if (filter.patternType === "MATCH" && filter.resourceName === undefined)
    throw invalid("patternType MATCH needs a resourceName to match against");
  return filter;
}

export function matchesFilter(b: AclBinding, f: AclBindingFilter): boolean {
  if (f.principal !== undefined && f.principal !== b.principal) return false;
  if (f.host !== undefined && f.host !== b.host) return false;
  if (f.resourceType !== undefined && f.resourceType !== b.resourceType) return false;
  if (f.operation !== undefined && f.operation !== b.operation) return false;
  if (f.permission !== undefined && f.permission !== b.permission) return false;
  const pattern = f.patternType ?? "ANY";
  if (pattern === "MATCH") return patternApplies(b, f.resourceName as string);
  if (pattern !== "ANY" && pattern !== b.patternType) return false;
  return f.resourceName === undefined || f.resourceName === b.resourceName;
}

/** Whether a binding's resource pattern covers the resource named `name`. */
function patternApplies(b: AclBinding, name: string): boolean {
  if (b.patternType === "PREFIXED") return name.startsWith(b.resourceName);
  return b.resourceName === WILDCARD || b.resourceName === name;
}

/** The bindings of one resource type, by how their pattern is looked up. */
interface TypeBindings {
  readonly literal: Map<string, AclBinding[]>;
  readonly prefixed: Map<string, AclBinding[]>;
  /** Every binding of the type: for checks on "any resource of the type" (rare: ListTopics, InitProducerId). */
  readonly all: AclBinding[];
}

/** What a check is about: a request's caller and the resource it touches. */
export interface AclRequest {
  readonly principal: string;
  /** The caller's IP address. */
  readonly host: string;
  readonly operation: Exclude<AclOperationName, "All">;
  readonly resourceType: AclResourceType;
  readonly resourceName: string;
}

export class AclIndex {
  private readonly byType = new Map<AclResourceType, TypeBindings>();
  readonly size: number;

  constructor(bindings: Iterable<AclBinding>) {
    let size = 0;
    for (const b of bindings) {
      let t = this.byType.get(b.resourceType);
      if (!t) {
        t = { literal: new Map(), prefixed: new Map(), all: [] };
        this.byType.set(b.resourceType, t);
      }
      const map = b.patternType === "PREFIXED" ? t.prefixed : t.literal;
      const list = map.get(b.resourceName);
      if (list) list.push(b);
      else map.set(b.resourceName, [b]);
      t.all.push(b);
      size++;
    }
    this.size = size;
  }

  /** Whether the ACLs let the request through (super users are the authorizer's business). */
  authorize(r: AclRequest): boolean {
    const applying = this.applying(r);
    if (applying.some((b) => b.permission === "DENY" && denies(b, r.operation))) return false;
    if (applying.some((b) => b.permission === "ALLOW" && allows(b, r.operation))) return true;
    if (r.operation === "IdempotentWrite" && r.resourceType === "Cluster")
      return this.authorizeAny({ ...r, operation: "Write", resourceType: "Topic" });
    return false;
  }

  /**
   * Whether the caller may do `operation` on at least one resource of the type (Kafka's
   * authorizeByResourceType): some ALLOW applies that no DENY of the caller covers whole
   * (a DENY on "*", on the same literal name, or on a prefix of the allowed name).
   */
  authorizeAny(r: Omit<AclRequest, "resourceName">): boolean {
    const t = this.byType.get(r.resourceType);
    if (!t) return false;
    const mine = t.all.filter((b) => appliesToCaller(b, r.principal, r.host));
    const denials = mine.filter((b) => b.permission === "DENY" && denies(b, r.operation));
    return mine.some(
      (b) =>
        b.permission === "ALLOW" &&
        allows(b, r.operation) &&
        !denials.some(
          (d) =>
            (d.patternType === "LITERAL" && d.resourceName === WILDCARD) ||
            (d.patternType === "LITERAL" && b.patternType === "LITERAL" && d.resourceName === b.resourceName) ||
            (d.patternType === "PREFIXED" && b.resourceName !== WILDCARD && b.resourceName.startsWith(d.resourceName)),
        ),
    );
  }

  /** The bindings for the caller that cover the resource: its literal name, the wildcard, and its prefixes. */
  private applying(r: AclRequest): AclBinding[] {
    const t = this.byType.get(r.resourceType);
    if (!t) return [];
    const out: AclBinding[] = [];
    const add = (list: readonly AclBinding[] | undefined) => {
      if (list) for (const b of list) if (appliesToCaller(b, r.principal, r.host)) out.push(b);
    };
    add(t.literal.get(r.resourceName));
    if (r.resourceName !== WILDCARD) add(t.literal.get(WILDCARD));
    if (t.prefixed.size > 0)
      for (let n = 1; n <= r.resourceName.length; n++) add(t.prefixed.get(r.resourceName.slice(0, n)));
    return out;
  }
}

function appliesToCaller(b: AclBinding, principal: string, host: string): boolean {
  return (b.principal === principal || b.principal === WILDCARD_PRINCIPAL) && (b.host === WILDCARD || b.host === host);
}

function denies(b: AclBinding, operation: AclOperationName): boolean {
  return b.operation === "All" || b.operation === operation;
}

function allows(b: AclBinding, operation: AclOperationName): boolean {
  return b.operation === "All" || b.operation === operation || (IMPLIED_BY[operation]?.includes(b.operation) ?? false);
}

/**
 * The host part of a peer address as grpc-js and sockets give it: "1.2.3.4:5",
 * "::1:5" (grpc-js writes IPv6 peers without brackets), "[::1]:5", "ipv4:1.2.3.4:5".
 * The port is taken off first: "::1:5" is the host ::1, not the address ::1:5.
 */
export function peerHost(peer: string): string {
  const bare = peer.replace(/^ipv[46]:/, "");
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(bare);
  if (bracketed) return normalizeHost(bracketed[1] as string);
  const withPort = /^(.*):\d+$/.exec(bare);
  if (withPort && isIP(withPort[1] as string) !== 0) return normalizeHost(withPort[1] as string);
  return normalizeHost(bare);
}

/** An IPv4 client seen through an IPv6 socket ("::ffff:10.0.0.1") is the IPv4 host its ACLs name. */
function normalizeHost(host: string): string {
  return host.startsWith("::ffff:") && isIP(host.slice(7)) === 4 ? host.slice(7) : host;
}
