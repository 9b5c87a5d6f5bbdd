// Kafka's ACL model, checked as a table of cases: which bindings let which request
// through (deny wins, All, the implied operations, wildcards, prefixes, hosts), the
// idempotent producer's implication (KIP-679), checks on "any resource of a type", and
// the validation that refuses bindings no request could ever consult. Pure: no broker.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isTidelogError } from "@tidelog/client/record";
import {
  type AclBinding,
  AclIndex,
  type AclRequest,
  aclId,
  matchesFilter,
  peerHost,
  validateAclBinding,
  validateAclFilter,
} from "../../src/security/acl.js";
import { standardAuthorizer } from "../../src/security/authorizer.js";

const allow = (over: Partial<AclBinding>): AclBinding => ({
  principal: "User:alice",
  host: "*",
  resourceType: "Topic",
  resourceName: "orders",
  patternType: "LITERAL",
  operation: "Read",
  permission: "ALLOW",
  ...over,
});
const deny = (over: Partial<AclBinding>): AclBinding => allow({ permission: "DENY", ...over });
const ask = (over: Partial<AclRequest> = {}): AclRequest => ({
  principal: "User:alice",
  host: "10.0.0.1",
  operation: "Read",
  resourceType: "Topic",
  resourceName: "orders",
  ...over,
});

test("a literal ALLOW admits exactly its principal, operation and resource; nothing else is allowed", () => {
  const index = new AclIndex([allow({})]);
  assert.equal(index.authorize(ask()), true);
  assert.equal(index.authorize(ask({ principal: "User:bob" })), false, "another principal");
  assert.equal(index.authorize(ask({ operation: "Write" })), false, "another operation");
  assert.equal(index.authorize(ask({ resourceName: "orders2" })), false, "another topic");
  assert.equal(index.authorize(ask({ resourceType: "Group" })), false, "another resource type");
  assert.equal(new AclIndex([]).authorize(ask()), false, "no ACL: no access");
});

test("DENY wins over ALLOW, whatever grants the allow; a deny implies nothing", () => {
  assert.equal(new AclIndex([allow({}), deny({})]).authorize(ask()), false);
  assert.equal(new AclIndex([allow({ operation: "All" }), deny({})]).authorize(ask()), false);
  assert.equal(new AclIndex([allow({ resourceName: "*" }), deny({})]).authorize(ask()), false);
  assert.equal(new AclIndex([allow({}), deny({ operation: "All" })]).authorize(ask()), false);
  assert.equal(new AclIndex([allow({}), deny({ principal: "User:*" })]).authorize(ask()), false);
  assert.equal(new AclIndex([allow({}), deny({ host: "10.0.0.1" })]).authorize(ask()), false);
  assert.equal(new AclIndex([allow({}), deny({ host: "10.0.0.2" })]).authorize(ask()), true, "a deny for another host");
  assert.equal(
    new AclIndex([allow({}), deny({ resourceName: "ord", patternType: "PREFIXED" })]).authorize(ask()),
    false,
  );
  // Kafka: a deny of Describe does not refuse Read, though Read implies Describe.
  assert.equal(new AclIndex([allow({}), deny({ operation: "Describe" })]).authorize(ask()), true);
});

test("All grants every operation; Read, Write, Delete and Alter imply Describe; AlterConfigs implies DescribeConfigs", () => {
  const all = new AclIndex([allow({ operation: "All" })]);
  for (const operation of ["Read", "Write", "Create", "Delete", "Alter", "Describe", "AlterConfigs"] as const)
    assert.equal(all.authorize(ask({ operation })), true, operation);
  for (const granted of ["Read", "Write", "Delete", "Alter"] as const)
    assert.equal(
      new AclIndex([allow({ operation: granted })]).authorize(ask({ operation: "Describe" })),
      true,
      granted,
    );
  assert.equal(new AclIndex([allow({ operation: "Create" })]).authorize(ask({ operation: "Describe" })), false);
  assert.equal(
    new AclIndex([allow({ operation: "AlterConfigs" })]).authorize(ask({ operation: "DescribeConfigs" })),
    true,
  );
  assert.equal(new AclIndex([allow({ operation: "Describe" })]).authorize(ask({ operation: "Read" })), false);
});

test("wildcards: User:* is every principal, host * every host, the name * every resource of its type", () => {
  const index = new AclIndex([
    allow({ principal: "User:*", resourceName: "public" }),
    allow({ resourceName: "*", operation: "Describe" }),
    allow({ host: "10.0.0.9", resourceName: "pinned" }),
  ]);
  assert.equal(index.authorize(ask({ principal: "User:anyone", resourceName: "public" })), true);
  assert.equal(index.authorize(ask({ operation: "Describe", resourceName: "whatever" })), true);
  assert.equal(index.authorize(ask({ operation: "Describe", resourceType: "Group" })), false, "* is per type");
  assert.equal(index.authorize(ask({ resourceName: "pinned" })), false, "from another host");
  assert.equal(index.authorize(ask({ resourceName: "pinned", host: "10.0.0.9" })), true);
});

test("prefixed patterns cover every name that starts with them, and only those", () => {
  const index = new AclIndex([allow({ resourceName: "orders-", patternType: "PREFIXED", operation: "Write" })]);
  assert.equal(index.authorize(ask({ operation: "Write", resourceName: "orders-eu" })), true);
  assert.equal(index.authorize(ask({ operation: "Write", resourceName: "orders-" })), true);
  assert.equal(index.authorize(ask({ operation: "Write", resourceName: "orders" })), false);
  assert.equal(index.authorize(ask({ operation: "Write", resourceName: "xorders-eu" })), false);
  assert.equal(
    index.authorize(ask({ operation: "Describe", resourceName: "orders-eu" })),
    true,
    "Write implies Describe",
  );
});

test("IdempotentWrite on the cluster is implied by Write on any topic (KIP-679), unless that write is denied", () => {
  const cluster = ask({ operation: "IdempotentWrite", resourceType: "Cluster", resourceName: "kafka-cluster" });
  assert.equal(new AclIndex([]).authorize(cluster), false);
  assert.equal(new AclIndex([allow({ operation: "Write" })]).authorize(cluster), true);
  assert.equal(new AclIndex([allow({ operation: "Read" })]).authorize(cluster), false);
  assert.equal(
    new AclIndex([
      allow({ resourceType: "Cluster", resourceName: "kafka-cluster", operation: "IdempotentWrite" }),
    ]).authorize(cluster),
    true,
  );
  assert.equal(new AclIndex([allow({ operation: "Write" }), deny({ operation: "Write" })]).authorize(cluster), false);
  assert.equal(
    new AclIndex([allow({ operation: "Write" }), deny({ resourceName: "*", operation: "All" })]).authorize(cluster),
    false,
  );
});

test("a check on any resource of a type: some allow that no deny of the caller covers whole", () => {
  const r = { principal: "User:alice", host: "10.0.0.1", operation: "Read" as const, resourceType: "Topic" as const };
  assert.equal(new AclIndex([]).authorizeAny(r), false);
  assert.equal(new AclIndex([allow({ resourceName: "a" })]).authorizeAny(r), true);
  assert.equal(new AclIndex([allow({ resourceName: "a" }), deny({ resourceName: "a" })]).authorizeAny(r), false);
  assert.equal(
    new AclIndex([allow({ resourceName: "a" }), deny({ resourceName: "b", operation: "All" })]).authorizeAny(r),
    true,
    "a deny elsewhere leaves the allow",
  );
  assert.equal(
    new AclIndex([
      allow({ resourceName: "ab", patternType: "PREFIXED" }),
      deny({ resourceName: "a", patternType: "PREFIXED" }),
    ]).authorizeAny(r),
    false,
    "a shorter prefix denied covers the longer prefix allowed",
  );
  assert.equal(new AclIndex([allow({ resourceName: "a" }), deny({ resourceName: "*" })]).authorizeAny(r), false);
});

test("super users may do everything; everyone else is what the ACLs say", () => {
  const authorizer = standardAuthorizer(["User:CN=broker"], () => new AclIndex([allow({})]));
  assert.equal(authorizer.authorize("User:CN=broker", "10.0.0.1", "ClusterAction", "Cluster", "kafka-cluster"), true);
  assert.equal(authorizer.authorize("User:alice", "10.0.0.1", "Read", "Topic", "orders"), true);
  assert.equal(authorizer.authorize("User:alice", "10.0.0.1", "Write", "Topic", "orders"), false);
  assert.equal(authorizer.authorizeAny("User:bob", "10.0.0.1", "Read", "Topic"), false);
});

test("validation refuses bindings no request could consult, with INVALID_REQUEST naming the problem", () => {
  const refused = (over: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(
      () => validateAclBinding({ ...allow({}), ...over }),
      (e) => isTidelogError(e, "INVALID_REQUEST") && pattern.test(e.message),
      JSON.stringify(over),
    );
  refused({ operation: "ClusterAction" }, /ClusterAction on Topic is meaningless/);
  refused({ resourceType: "Group", operation: "Write" }, /Write on Group is meaningless/);
  refused({ resourceType: "TransactionalId", operation: "Read" }, /Read on TransactionalId/);
  refused({ patternType: "PREFIXED", resourceName: "*" }, /PREFIXED pattern cannot be "\*"/);
  refused({ resourceType: "Cluster", resourceName: "prod", operation: "Alter" }, /named kafka-cluster/);
  refused({ principal: "alice" }, /principal must be like User:alice/);
  refused({ host: "example.com" }, /host must be \* or an IP/);
  refused({ operation: "Fly" }, /operation must be one of/);
  refused({ permission: "MAYBE" }, /permission must be one of/);
  refused({ resourceName: "" }, /resourceName must be/);
  refused({ resourceType: "Broker" }, /resourceType must be one of/);
  // Defaults: host "*", LITERAL.
  const b = validateAclBinding({ ...allow({}), host: "", patternType: "" });
  assert.equal(b.host, "*");
  assert.equal(b.patternType, "LITERAL");
  assert.ok(validateAclBinding(allow({ host: "::1" })));
  assert.ok(validateAclBinding(allow({ resourceType: "Cluster", resourceName: "kafka-cluster", operation: "All" })));
});

test("an ACL's id depends on its content only: adding it twice writes one key", () => {
  assert.equal(aclId(allow({})), aclId({ ...allow({}) }));
  assert.notEqual(aclId(allow({})), aclId(deny({})));
  assert.match(aclId(allow({})), /^[0-9a-f]{32}$/);
});

test("filters: absent fields match anything; MATCH finds what applies to a name", () => {
  const bindings = [
    allow({}),
    allow({ resourceName: "*" }),
    allow({ resourceName: "ord", patternType: "PREFIXED" }),
    allow({ resourceName: "other" }),
  ];
  const names = (f: ReturnType<typeof validateAclFilter>) =>
    bindings.filter((b) => matchesFilter(b, f)).map((b) => `${b.patternType}:${b.resourceName}`);
  assert.deepEqual(names(validateAclFilter({})).length, 4);
  assert.deepEqual(names(validateAclFilter({ resourceName: "orders" })), ["LITERAL:orders"]);
  assert.deepEqual(names(validateAclFilter({ resourceName: "orders", patternType: "MATCH" })), [
    "LITERAL:orders",
    "LITERAL:*",
    "PREFIXED:ord",
  ]);
  assert.deepEqual(names(validateAclFilter({ patternType: "PREFIXED" })), ["PREFIXED:ord"]);
  assert.throws(() => validateAclFilter({ patternType: "MATCH" }), /needs a resourceName/);
  assert.throws(() => validateAclFilter({ operation: "Fly" }), /operation must be one of/);
});

test("the host an ACL names is the peer's IP, whichever way the transport writes the address", () => {
  assert.equal(peerHost("10.0.0.1:5000"), "10.0.0.1");
  assert.equal(peerHost("ipv4:10.0.0.1:5000"), "10.0.0.1");
  assert.equal(peerHost("::1:5000"), "::1");
  assert.equal(peerHost("[::1]:5000"), "::1");
  assert.equal(peerHost("::ffff:10.0.0.1:5000"), "10.0.0.1");
  assert.equal(peerHost("unknown"), "unknown");
});
