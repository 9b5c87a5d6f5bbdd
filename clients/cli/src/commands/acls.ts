/**
 * `tidelog acls add | remove | list`: Kafka's kafka-acls.sh for tidelog, with its option
 * names (--allow-principal, --deny-principal, --allow-host, --deny-host, --operation,
 * --topic, --group, --transactional-id, --cluster, --resource-pattern-type).
 *
 * add writes every combination of the principals, hosts, operations and resources given
 * (as kafka-acls.sh does: two principals, two operations and one topic are four ACLs);
 * remove deletes the ACLs of the resources given, narrowed by the principals and
 * operations when given; list shows the ACLs of the resources given, or all of them.
 * Options are checked here (exit 2) before anything is sent; the brokers check the rest
 * (an operation that means nothing on the resource type, exit 1).
 */

import { isIP } from "node:net";
import { InvalidArgumentError } from "@commander-js/extra-typings";
import {
  ACL_CLUSTER_NAME,
  ACL_OPERATIONS,
  type AclBinding,
  type AclBindingFilter,
  type AclDescription,
  type AclOperation,
  type AclResourceType,
} from "@tidelog/client";
import { parseTopicName } from "../args.js";
import { UsageError } from "../exit-codes.js";
import { examples } from "../help.js";
import type { Output } from "../output.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";

type Acls = ReturnType<Program["command"]>;

/** "read", "READ", "describe-configs" and "DescribeConfigs" all name DescribeConfigs, as kafka-acls.sh accepts them. */
function parseOperation(value: string): AclOperation {
  const key = value.replace(/[-_]/g, "").toLowerCase();
  const found = ACL_OPERATIONS.find((op) => op.toLowerCase() === key);
  if (!found) throw new InvalidArgumentError(`'${value}' is not an operation (${ACL_OPERATIONS.join(", ")}).`);
  return found;
}

function parsePrincipal(value: string): string {
  if (!/^User:.+$/s.test(value))
    throw new InvalidArgumentError(`'${value}' is not a principal like User:alice, User:CN=app,O=Acme or User:*.`);
  return value;
}

function parseHost(value: string): string {
  if (value !== "*" && isIP(value) === 0) throw new InvalidArgumentError(`'${value}' is not an IP address or *.`);
  return value;
}

function parseName(value: string): string {
  if (value === "") throw new InvalidArgumentError("a name is required.");
  return value;
}

function collect<T>(parse: (value: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}

/** A topic name, or "*" for every topic. */
function parseTopic(value: string): string {
  return value === "*" ? value : parseTopicName(value);
}

interface ResourceOptions {
  readonly topic?: string[];
  readonly group?: string[];
  readonly transactionalId?: string[];
  readonly cluster?: true;
}

interface Resource {
  readonly resourceType: AclResourceType;
  readonly resourceName: string;
}

function resourcesOf(options: ResourceOptions): Resource[] {
  return [
    ...(options.topic ?? []).map((name) => ({ resourceType: "Topic" as const, resourceName: name })),
    ...(options.group ?? []).map((name) => ({ resourceType: "Group" as const, resourceName: name })),
    ...(options.transactionalId ?? []).map((name) => ({
      resourceType: "TransactionalId" as const,
      resourceName: name,
    })),
    ...(options.cluster ? [{ resourceType: "Cluster" as const, resourceName: ACL_CLUSTER_NAME }] : []),
  ];
}

function withResourceOptions<C extends Acls>(command: C) {
  return command
    .option(
      "--topic <name>",
      'a topic, "*" for every topic, or a prefix with --resource-pattern-type prefixed (repeatable)',
      collect(parseTopic),
    )
    .option("--group <id>", 'a consumer group, "*" for every group (repeatable)', collect(parseName))
    .option("--transactional-id <id>", 'a transactional id, "*" for every one (repeatable)', collect(parseName))
    .option(
      "--cluster",
      "the cluster itself (kafka-cluster): cluster operations such as Alter, Describe, ClusterAction",
    );
}

export function registerAclCommands(program: Program, session: Session): void {
  const acls = program
    .command("acls")
    .description(
      "Add, remove and list ACLs: who may do what to which topics, groups and transactional ids (like Kafka's kafka-acls.sh).",
    )
    .addHelpText(
      "after",
      `
An ACL lets (--allow-principal) or forbids (--deny-principal) a principal an operation on
resources, from any host or the ones given. A DENY wins over every ALLOW. With the
authorizer on, a principal that no ACL allows may do nothing (super.users excepted).
Operations: ${ACL_OPERATIONS.join(", ")}. Read, Write, Delete and Alter include Describe;
AlterConfigs includes DescribeConfigs; Write on any topic includes the cluster's
IdempotentWrite (what an idempotent producer needs).
${examples(
  "tidelog acls add --allow-principal User:alice --operation Read --operation Describe --topic orders",
  "tidelog acls add --allow-principal User:alice --operation Read --group billing",
  "tidelog acls list --topic orders",
  "tidelog acls remove --allow-principal User:alice --operation Read --topic orders",
)}`,
    );
  registerAdd(acls, session);
  registerRemove(acls, session);
  registerList(acls, session);
}

function registerAdd(acls: Acls, session: Session): void {
  withResourceOptions(
    acls
      .command("add")
      .description("Add ACLs: every combination of the principals, hosts, operations and resources given."),
  )
    .option(
      "--allow-principal <principal>",
      "a principal to allow, User:<name> or User:* (repeatable)",
      collect(parsePrincipal),
    )
    .option(
      "--deny-principal <principal>",
      "a principal to deny, User:<name> or User:* (repeatable)",
      collect(parsePrincipal),
    )
    .option(
      "--allow-host <ip>",
      'an IP address the allowed principals may connect from (repeatable; default "*": any)',
      collect(parseHost),
    )
    .option(
      "--deny-host <ip>",
      'an IP address the denied principals are denied from (repeatable; default "*": any)',
      collect(parseHost),
    )
    .option("--operation <operation>", "an operation (repeatable; default All)", collect(parseOperation))
    .option(
      "--resource-pattern-type <type>",
      "literal (the name as given, or * for all) or prefixed (every name that starts with it)",
      parseAddPattern,
      "literal" as const,
    )
    .addHelpText(
      "after",
      `
Adding an ACL that exists changes nothing. A prefixed pattern covers every resource
whose name starts with it: --topic orders- --resource-pattern-type prefixed covers
orders-eu and orders-us.
${examples(
  "tidelog acls add --allow-principal User:alice --operation Write --topic orders",
  "tidelog acls add --allow-principal User:etl --operation Read --topic orders- --resource-pattern-type prefixed",
  "tidelog acls add --allow-principal 'User:*' --operation Describe --topic '*'",
  "tidelog acls add --allow-principal User:alice --allow-host 10.0.0.7 --operation Read --topic orders",
  "tidelog acls add --deny-principal User:mallory --operation All --topic orders",
  "tidelog acls add --allow-principal User:payments --operation Write --transactional-id payments-1",
  "tidelog acls add --allow-principal User:ops --operation Alter --operation Describe --cluster",
)}`,
    )
    .action(async (options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const bindings = bindingsToAdd(options);
      await session.admin().createAcls(bindings);
      if (output.json) return output.document({ added: bindings.map(complete) });
      output.line(`Added ${bindings.length} ACL${bindings.length === 1 ? "" : "s"}:`);
      printAcls(output, bindings.map(complete));
    });
}

function parseAddPattern(value: string): "literal" | "prefixed" {
  const v = value.toLowerCase();
  if (v !== "literal" && v !== "prefixed") throw new InvalidArgumentError(`'${value}' is not literal or prefixed.`);
  return v;
}

function parseFilterPattern(value: string): "literal" | "prefixed" | "any" | "match" {
  const v = value.toLowerCase();
  if (v !== "literal" && v !== "prefixed" && v !== "any" && v !== "match")
    throw new InvalidArgumentError(`'${value}' is not literal, prefixed, any or match.`);
  return v;
}

interface AddOptions extends ResourceOptions {
  readonly allowPrincipal?: string[];
  readonly denyPrincipal?: string[];
  readonly allowHost?: string[];
  readonly denyHost?: string[];
  readonly operation?: AclOperation[];
  readonly resourcePatternType: "literal" | "prefixed";
}

/** Every combination, as kafka-acls.sh makes them. */
export function bindingsToAdd(options: AddOptions): AclBinding[] {
  const resources = resourcesOf(options);
  if (resources.length === 0)
    throw new UsageError("name a resource: --topic, --group, --transactional-id or --cluster.");
  const sides = [
    { permission: "ALLOW" as const, principals: options.allowPrincipal ?? [], hosts: options.allowHost ?? ["*"] },
    { permission: "DENY" as const, principals: options.denyPrincipal ?? [], hosts: options.denyHost ?? ["*"] },
  ];
  if (sides.every((s) => s.principals.length === 0))
    throw new UsageError("name a principal: --allow-principal or --deny-principal.");
  const patternType = options.resourcePatternType === "prefixed" ? "PREFIXED" : "LITERAL";
  const operations = [...new Set<AclOperation>(options.operation ?? ["All"])];
  const out: AclBinding[] = [];
  for (const { permission, principals, hosts } of sides)
    for (const principal of new Set(principals))
      for (const host of new Set(hosts))
        for (const r of resources)
          for (const operation of operations)
            out.push({
              principal,
              host,
              ...r,
              patternType: r.resourceType === "Cluster" ? "LITERAL" : patternType,
              operation,
              permission,
            });
  return out;
}

function registerRemove(acls: Acls, session: Session): void {
  withResourceOptions(
    acls
      .command("remove")
      .description(
        "Remove the ACLs of the resources given; only those of the principals and operations given, when given.",
      ),
  )
    .option("--allow-principal <principal>", "only this principal's ALLOW ACLs (repeatable)", collect(parsePrincipal))
    .option("--deny-principal <principal>", "only this principal's DENY ACLs (repeatable)", collect(parsePrincipal))
    .option("--operation <operation>", "only ACLs of this operation (repeatable)", collect(parseOperation))
    .option(
      "--resource-pattern-type <type>",
      "literal, prefixed, any (both) or match (every ACL that applies to the name)",
      parseFilterPattern,
      "literal" as const,
    )
    .addHelpText(
      "after",
      `
Without --allow-principal or --deny-principal, every ACL on the resources goes. The ACLs
removed are printed.
${examples(
  "tidelog acls remove --allow-principal User:alice --operation Write --topic orders",
  "tidelog acls remove --topic orders",
  "tidelog acls remove --topic orders- --resource-pattern-type prefixed --json",
)}`,
    )
    .action(async (options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const filters = filtersOf(options, options.resourcePatternType);
      if (resourcesOf(options).length === 0)
        throw new UsageError("name a resource: --topic, --group, --transactional-id or --cluster.");
      const removed = (await session.admin().deleteAcls(filters)).flat();
      if (output.json) return output.document({ removed });
      if (removed.length === 0) return output.line("No ACLs matched; nothing removed.");
      output.line(`Removed ${removed.length} ACL${removed.length === 1 ? "" : "s"}:`);
      printAcls(output, removed);
    });
}

function registerList(acls: Acls, session: Session): void {
  withResourceOptions(acls.command("list").description("List ACLs: those of the resources given, or all of them."))
    .option("--principal <principal>", "only this principal's ACLs (repeatable)", collect(parsePrincipal))
    .option(
      "--resource-pattern-type <type>",
      "literal, prefixed, any (default) or match (every ACL that applies to the name)",
      parseFilterPattern,
      "any" as const,
    )
    .addHelpText(
      "after",
      `
--resource-pattern-type match with a name shows what applies to it: its own ACLs, "*"
and every prefix of it.
${examples(
  "tidelog acls list",
  "tidelog acls list --topic orders --resource-pattern-type match",
  "tidelog acls list --principal User:alice --json",
)}`,
    )
    .action(async (options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const principals = options.principal ?? [];
      const filters: AclBindingFilter[] = filtersOf(
        { ...options, allowPrincipal: principals },
        options.resourcePatternType,
      ).map(({ permission: _any, ...f }) => f);
      const admin = session.admin();
      const lists = await Promise.all(filters.map((f) => admin.describeAcls(f)));
      const listed = unique(lists.flat());
      if (output.json) return output.document({ acls: listed });
      if (listed.length === 0) return output.line("No ACLs.");
      printAcls(output, listed);
    });
}

interface FilterOptions extends ResourceOptions {
  readonly allowPrincipal?: string[];
  readonly denyPrincipal?: string[];
  readonly operation?: AclOperation[];
}

/** One filter per resource x principal x operation given (a missing one matches any). */
function filtersOf(options: FilterOptions, pattern: "literal" | "prefixed" | "any" | "match"): AclBindingFilter[] {
  const resources: (Resource | null)[] = resourcesOf(options);
  if (resources.length === 0) resources.push(null);
  const principals: ({ principal: string; permission: "ALLOW" | "DENY" } | null)[] = [
    ...(options.allowPrincipal ?? []).map((principal) => ({ principal, permission: "ALLOW" as const })),
    ...(options.denyPrincipal ?? []).map((principal) => ({ principal, permission: "DENY" as const })),
  ];
  if (principals.length === 0) principals.push(null);
  const operations: (AclOperation | null)[] = options.operation ?? [null];
  const patternType = pattern.toUpperCase() as "LITERAL" | "PREFIXED" | "ANY" | "MATCH";
  const out: AclBindingFilter[] = [];
  for (const r of resources)
    for (const p of principals)
      for (const operation of operations)
        out.push({
          ...(r ?? {}),
          ...(p ?? {}),
          ...(operation ? { operation } : {}),
          // The cluster is literal only; "match" on no name would be refused by the broker.
          ...(r === null && pattern === "match" ? {} : r?.resourceType === "Cluster" ? {} : { patternType }),
        });
  return out;
}

function complete(b: AclBinding): AclDescription {
  return { host: "*", patternType: "LITERAL", ...b } as AclDescription;
}

function unique(list: readonly AclDescription[]): AclDescription[] {
  const seen = new Map<string, AclDescription>();
  for (const a of list) seen.set(JSON.stringify(a), a);
  return [...seen.values()];
}

function printAcls(output: Output, list: readonly AclDescription[]): void {
  output.table(
    ["Principal", "Permission", "Operation", "Host", "Resource type", "Pattern", "Resource"],
    list.map((a) => [a.principal, a.permission, a.operation, a.host, a.resourceType, a.patternType, a.resourceName]),
  );
}
