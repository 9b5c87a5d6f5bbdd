/**
 * Cluster administration: topics, partitions, configs, leader elections. Made by
 * `client.admin()`; shares the client's connections, metadata, retry policy and logger.
 *
 * Reads go to any broker; writes go to the controller and are retried item by item when
 * a broker answers NOT_CONTROLLER (see controller-write.ts). Calls about several topics
 * return one result per topic with `error: TidelogError | null` and throw only when the
 * cluster could not be reached; the singular forms (`createTopic`, `deleteTopic`, ...)
 * throw the item's error instead. Safe to use concurrently.
 *
 * Consumer groups are in group-admin.ts, transactions (list, describe, abort, the
 * partition leaders' open transactions, hanging ones) in transaction-admin.ts, ACLs in
 * acl-admin.ts.
 */
import { AclAdmin, type AclBinding, type AclBindingFilter, type AclDescription } from "./acl-admin.js";
import { callAnyBroker, isAdminRetriable } from "./admin-retry.js";
import type {
  ClusterDescription,
  ConfigAlteration,
  DeletedRecords,
  DescribeProducersOptions,
  ElectionResult,
  ElectionTarget,
  FindHangingTransactionsOptions,
  HangingTransactions,
  ListTopicsOptions,
  ListTransactionsOptions,
  NewTopic,
  PartitionOffsetAtTime,
  PartitionOffsets,
  PartitionProducers,
  PartitionsIncrease,
  TopicConfigs,
  TopicDescription,
  TopicListing,
  TopicResult,
  TransactionDescription,
  TransactionListings,
  ValidateOnlyOptions,
} from "./admin-types.js";
import {
  alterationToWire,
  checkAlteration,
  checkNewTopic,
  checkPartitionsIncrease,
  errorOf,
  newTopicToWire,
  toElectionResult,
  toTopicConfigs,
  toTopicDescription,
  toTopicListing,
  toTopicResult,
} from "./admin-wire.js";
import type { ClientContext } from "./client-context.js";
import { type ControllerWrite, writeToController } from "./controller-write.js";
import { TidelogError } from "./errors.js";
import {
  GroupAdmin,
  type GroupDescription,
  type GroupListing,
  type GroupPartitionOffsets,
  type GroupStatus,
  type OffsetResetPlan,
  type OffsetResetSpec,
} from "./group-admin.js";
import { callPartitionLeader } from "./leader-call.js";
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, lookUpOffsets, type OffsetAnswer, offsetKey } from "./offset-lookup.js";
import { QuotaAdmin, type QuotaAlteration, type QuotaDescription, type QuotaFilter } from "./quota-admin.js";
import {
  type AlterReassignmentsOptions,
  type BrokerListing,
  type BrokerLogDirs,
  type PartitionReassignment,
  ReassignmentAdmin,
  type ReassignmentListing,
  type ReassignmentResult,
} from "./reassignment-admin.js";
import type { AdminRpcs } from "./rpc.js";
import { ScramAdmin, type ScramCredentialChange, type UserScramCredentials } from "./scram-admin.js";
import { TransactionAdmin } from "./transaction-admin.js";

type TopicWrite<Item> = Pick<ControllerWrite<Item, TopicResult>, "operation" | "items" | "check" | "send"> & {
  readonly nameOf: (item: Item) => string;
};

/** One item per election: a partition, or (null) every partition of the topic. */
interface ElectionItem {
  readonly topic: string;
  readonly partition: number | null;
}

export class Admin {
  private readonly groups: GroupAdmin;
  private readonly transactions: TransactionAdmin;
  private readonly reassignments: ReassignmentAdmin;
  private readonly acls: AclAdmin;
  private readonly quotas: QuotaAdmin;
  private readonly scram: ScramAdmin;

  /** Made by Client.admin(). */
  constructor(private readonly ctx: ClientContext) {
    this.acls = new AclAdmin(ctx);
    this.quotas = new QuotaAdmin(ctx);
    this.scram = new ScramAdmin(ctx);
    this.groups = new GroupAdmin(ctx);
    this.reassignments = new ReassignmentAdmin(ctx);
    this.transactions = new TransactionAdmin(ctx, (names) => this.describeTopics(names));
  }

  // ------------------------------------------------------------------ ACLs (see acl-admin.ts)

  /** Adds ACL bindings (one that exists is left as it is); SECURITY_DISABLED when the brokers run no authorizer. */
  createAcls(bindings: readonly AclBinding[]): Promise<void> {
    return this.acls.createAcls(bindings);
  }

  /** Removes the ACLs each filter matches; answers, per filter, the ACLs it removed. */
  deleteAcls(filters: readonly AclBindingFilter[]): Promise<AclDescription[][]> {
    return this.acls.deleteAcls(filters);
  }

  /** The ACLs the filter matches; all of them without one. */
  describeAcls(filter: AclBindingFilter = {}): Promise<AclDescription[]> {
    return this.acls.describeAcls(filter);
  }

  // ------------------------------------------------------------------ client quotas (see quota-admin.ts)

  /** Sets and removes client quotas (producer_byte_rate, consumer_byte_rate, request_rate). */
  alterClientQuotas(alterations: readonly QuotaAlteration[], options: { validateOnly?: boolean } = {}): Promise<void> {
    return this.quotas.alterClientQuotas(alterations, options);
  }

  /** The client quotas of the entities the filter matches; all of them without one. */
  describeClientQuotas(filter: QuotaFilter = {}): Promise<QuotaDescription[]> {
    return this.quotas.describeClientQuotas(filter);
  }

  // ------------------------------------------------------------------ SCRAM users (see scram-admin.ts)

  /** Sets (the password salted and iterated here) or deletes users' SCRAM credentials. */
  alterUserScramCredentials(changes: readonly ScramCredentialChange[]): Promise<void> {
    return this.scram.alterUserScramCredentials(changes);
  }

  /** The users with SCRAM credentials, and their mechanisms and iterations; never a secret. */
  describeUserScramCredentials(users: readonly string[] = []): Promise<UserScramCredentials[]> {
    return this.scram.describeUserScramCredentials(users);
  }

  // ------------------------------------------------------------------ consumer groups (see group-admin.ts)

  /** Every group, from every broker's coordinator. */
  listGroups(): Promise<{ groups: GroupListing[]; unreachable: number[] }> {
    return this.groups.listGroups();
  }

  /** Members, epochs and assignments of one group; GROUP_ID_NOT_FOUND when it has neither members nor offsets. */
  describeGroup(groupId: string): Promise<GroupDescription> {
    return this.groups.describeGroup(groupId);
  }

  /** The group, its offsets and lag, as `tidelog groups describe` shows them; GROUP_ID_NOT_FOUND when there is neither. */
  groupStatus(groupId: string): Promise<GroupStatus> {
    return this.groups.groupStatus(groupId);
  }

  /** Committed offset, log end offset and lag per partition. */
  groupOffsets(groupId: string): Promise<GroupPartitionOffsets[]> {
    return this.groups.groupOffsets(groupId);
  }

  deleteGroups(groupIds: readonly string[]): Promise<{ groupId: string; error: TidelogError | null }[]> {
    return this.groups.deleteGroups(groupIds);
  }

  /** The new positions (a dry run unless `execute`); refused while the group has members. */
  resetGroupOffsets(
    groupId: string,
    topics: readonly string[],
    spec: OffsetResetSpec,
    options: { execute?: boolean } = {},
  ): Promise<OffsetResetPlan[]> {
    return this.groups.resetOffsets(groupId, topics, spec, options);
  }

  // ------------------------------------------------------------------ reassignments (see reassignment-admin.ts)

  /**
   * Moves partitions to new replica lists (preferred leader first), or cancels moves
   * (`replicas: null`); one result per partition. The controller completes each move once
   * its new replicas are in sync; follow them with listPartitionReassignments.
   */
  alterPartitionReassignments(
    reassignments: readonly PartitionReassignment[],
    options: AlterReassignmentsOptions = {},
  ): Promise<ReassignmentResult[]> {
    return this.reassignments.alterPartitionReassignments(reassignments, options);
  }

  /** The moves in progress (of `topics`, or all) and the reassignment throttle. */
  listPartitionReassignments(topics: readonly string[] = []): Promise<ReassignmentListing> {
    return this.reassignments.listPartitionReassignments(topics);
  }

  /** Every live broker with its replica and leader counts and the bytes it holds (`tidelog brokers list`). */
  listBrokers(): Promise<BrokerListing[]> {
    return this.reassignments.listBrokers(() => this.describeTopics());
  }

  /** What each broker holds on disk: its logs with sizes and offsets, and its free space. */
  describeLogDirs(brokerIds: readonly number[] = []): Promise<BrokerLogDirs[]> {
    return this.reassignments.describeLogDirs(brokerIds);
  }

  // ------------------------------------------------------------------ transactions (see transaction-admin.ts)

  /** Every broker's transactions (each broker lists those it coordinates), merged; `states` filters. */
  listTransactions(options: ListTransactionsOptions = {}): Promise<TransactionListings> {
    return this.transactions.listTransactions(options);
  }

  /** State, producer id and epoch, timeout, start and partitions of each id, from its coordinator; one result per id. */
  describeTransactions(transactionalIds: readonly string[]): Promise<TransactionDescription[]> {
    return this.transactions.describeTransactions(transactionalIds);
  }

  /** One id's description; RESOURCE_NOT_FOUND when no coordinator knows it. */
  describeTransaction(transactionalId: string): Promise<TransactionDescription> {
    return this.transactions.describeTransaction(transactionalId);
  }

  /** Aborts the id's ongoing transaction and fences its producer; INVALID_TXN_STATE when none is ongoing. */
  abortTransaction(transactionalId: string): Promise<void> {
    return this.transactions.abortTransaction(transactionalId);
  }

  /**
   * High watermark, last stable offset and open transactions of each partition of `topics`
   * (every topic when empty), from the partitions' leaders; one result per partition.
   */
  /** A hanging transaction's last resort: its partition's leader writes an ABORT marker for the producer (see transaction-admin.ts). */
  abortPartitionTransaction(target: {
    topic: string;
    partition: number;
    producerId: number;
    producerEpoch: number;
  }): Promise<number> {
    return this.transactions.abortPartitionTransaction(target);
  }

  describeProducers(
    topics: readonly string[] = [],
    options: DescribeProducersOptions = {},
  ): Promise<PartitionProducers[]> {
    return this.transactions.describeProducers(topics, options);
  }

  /** Transactions open on partitions that no coordinator will end (and, with olderThanMs, long-open ones). */
  findHangingTransactions(options: FindHangingTransactionsOptions = {}): Promise<HangingTransactions> {
    return this.transactions.findHangingTransactions(options);
  }

  /** The cluster id, the controller and the live brokers; also refreshes the client's metadata. */
  describeCluster(): Promise<ClusterDescription> {
    return this.ctx.retrier.run("describeCluster", (a) => this.ctx.metadata.refresh(a.deadlineMs), isAdminRetriable);
  }

  async listTopics(options: ListTopicsOptions = {}): Promise<TopicListing[]> {
    const request = { includeInternal: options.includeInternal ?? false };
    const response = await this.read("listTopics", request);
    return response.topics.map(toTopicListing);
  }

  /** Every topic (internal ones included) when `names` is omitted or empty; else those, in that order. */
  async describeTopics(names: readonly string[] = []): Promise<TopicDescription[]> {
    checkUnique("describeTopics", names);
    const response = await this.read("describeTopics", { topics: [...names] });
    const described = response.topics.map(toTopicDescription);
    return names.length === 0 ? described : inOrder(names, described, missingDescription);
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    return only(await this.describeTopics([name]));
  }

  createTopics(topics: readonly NewTopic[], options: ValidateOnlyOptions = {}): Promise<TopicResult[]> {
    return this.writeTopics({
      operation: "createTopics",
      items: topics,
      nameOf: (t) => t.name,
      check: checkNewTopic,
      send: async (address, items, deadlineMs) => {
        const request = { topics: items.map(newTopicToWire), validateOnly: options.validateOnly ?? false };
        return (await this.call(address, "createTopics", request, deadlineMs)).results.map(toTopicResult);
      },
    });
  }

  async createTopic(topic: NewTopic, options: ValidateOnlyOptions = {}): Promise<TopicResult> {
    return only(await this.createTopics([topic], options));
  }

  deleteTopics(names: readonly string[]): Promise<TopicResult[]> {
    return this.writeTopics({
      operation: "deleteTopics",
      items: names,
      nameOf: (name) => name,
      send: async (address, items, deadlineMs) =>
        (await this.call(address, "deleteTopics", { topics: [...items] }, deadlineMs)).results.map(toTopicResult),
    });
  }

  async deleteTopic(name: string): Promise<TopicResult> {
    return only(await this.deleteTopics([name]));
  }

  /** Grows topics to new partition totals; partitions are never removed. */
  createPartitions(
    increases: readonly PartitionsIncrease[],
    options: ValidateOnlyOptions = {},
  ): Promise<TopicResult[]> {
    return this.writeTopics({
      operation: "createPartitions",
      items: increases,
      nameOf: (p) => p.name,
      check: checkPartitionsIncrease,
      send: async (address, items, deadlineMs) => {
        const topics = items.map((p) => ({ name: p.name, totalCount: p.totalCount }));
        const request = { topics, validateOnly: options.validateOnly ?? false };
        return (await this.call(address, "createPartitions", request, deadlineMs)).results.map(toTopicResult);
      },
    });
  }

  async increasePartitions(name: string, totalCount: number, options: ValidateOnlyOptions = {}): Promise<TopicResult> {
    return only(await this.createPartitions([{ name, totalCount }], options));
  }

  /** Every setting of each topic, defaults included. */
  async describeConfigs(names: readonly string[]): Promise<TopicConfigs[]> {
    checkUnique("describeConfigs", names);
    if (names.length === 0) return [];
    const response = await this.read("describeConfigs", { topics: [...names] });
    return inOrder(names, response.topics.map(toTopicConfigs), missingConfigs);
  }

  async describeConfig(name: string): Promise<TopicConfigs> {
    return only(await this.describeConfigs([name]));
  }

  alterConfigs(alterations: readonly ConfigAlteration[], options: ValidateOnlyOptions = {}): Promise<TopicResult[]> {
    return this.writeTopics({
      operation: "alterConfigs",
      items: alterations,
      nameOf: (a) => a.name,
      check: checkAlteration,
      send: async (address, items, deadlineMs) => {
        const request = { topics: items.map(alterationToWire), validateOnly: options.validateOnly ?? false };
        return (await this.call(address, "alterConfigs", request, deadlineMs)).results.map(toTopicResult);
      },
    });
  }

  async alterConfig(alteration: ConfigAlteration, options: ValidateOnlyOptions = {}): Promise<TopicResult> {
    return only(await this.alterConfigs([alteration], options));
  }

  // ------------------------------------------------------------------ offsets

  /**
   * Each partition's log start offset, high watermark and last stable offset, from its
   * leader (kafkajs's fetchTopicOffsets, `kcat -Q`); UNKNOWN_TOPIC_OR_PARTITION when the
   * topic does not exist. A partition whose leader could not be asked carries its `error`.
   */
  async fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]> {
    const partitions = await this.partitionsOf(topic);
    const deadlineMs = this.ctx.seams.nowMs() + this.ctx.requestTimeoutMs;
    const [earliest, latest, stable] = await Promise.all([
      lookUpOffsets(this.ctx, partitions, EARLIEST_TIMESTAMP, "read_uncommitted", deadlineMs),
      lookUpOffsets(this.ctx, partitions, LATEST_TIMESTAMP, "read_uncommitted", deadlineMs),
      lookUpOffsets(this.ctx, partitions, LATEST_TIMESTAMP, "read_committed", deadlineMs),
    ]);
    return partitions.map(({ partition }) => {
      const key = offsetKey(topic, partition);
      const answers = [earliest.get(key), latest.get(key), stable.get(key)];
      const error = answers.find((a) => a?.error)?.error ?? null;
      const offset = (a: OffsetAnswer | undefined) => (error === null && a !== undefined ? a.offset : null);
      return {
        partition,
        earliest: offset(answers[0]),
        latest: offset(answers[1]),
        lastStable: offset(answers[2]),
        error,
      };
    });
  }

  /**
   * Each partition's first offset whose record is at or after `timestamp` (ms since the
   * epoch), or null when none is (kafkajs's fetchTopicOffsetsByTimestamp, Kafka's
   * offsetsForTimes); UNKNOWN_TOPIC_OR_PARTITION when the topic does not exist.
   */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp: number): Promise<PartitionOffsetAtTime[]> {
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new TidelogError("INVALID_REQUEST", `timestamp must be milliseconds since the epoch, got ${timestamp}`);
    }
    const partitions = await this.partitionsOf(topic);
    const deadlineMs = this.ctx.seams.nowMs() + this.ctx.requestTimeoutMs;
    const found = await lookUpOffsets(this.ctx, partitions, timestamp, "read_uncommitted", deadlineMs);
    return partitions.map(({ partition }) => {
      const answer = found.get(offsetKey(topic, partition));
      const error = answer?.error ?? null;
      const offset = error === null && answer !== undefined && answer.offset >= 0 ? answer.offset : null;
      return { partition, offset, error };
    });
  }

  /**
   * Deletes the records of `topic` below `before` in each partition (Kafka's
   * DeleteRecords): the partition's log start offset moves there, and no reader sees the
   * records again. `before` is an offset, or "end" for the high watermark (everything
   * committed); past the high watermark is OFFSET_OUT_OF_RANGE. Without `partitions`,
   * every partition. Irreversible. One answer per partition, with its error if it failed.
   */
  async deleteRecords(
    topic: string,
    before: number | "end",
    partitions?: readonly number[],
  ): Promise<DeletedRecords[]> {
    if (before !== "end" && (!Number.isSafeInteger(before) || before < 0)) {
      throw new TidelogError("INVALID_REQUEST", `deleteRecords needs an offset >= 0 or "end", got ${before}`);
    }
    const all = (await this.partitionsOf(topic)).map((p) => p.partition);
    for (const p of partitions ?? []) {
      if (!all.includes(p)) throw new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `${topic} has no partition ${p}`);
    }
    const offset = before === "end" ? -1 : before;
    return Promise.all(
      (partitions ?? all).map(async (partition): Promise<DeletedRecords> => {
        try {
          const logStartOffset = await callPartitionLeader(
            this.ctx,
            `delete the records of ${topic}-${partition} before ${before}`,
            topic,
            partition,
            async (address, deadlineMs) => {
              const res = await this.ctx.callBroker(address, "deleteRecords", { topic, partition, offset }, deadlineMs)
                .response;
              return { error: errorOf(res.error), value: res.logStartOffset };
            },
          );
          return { partition, logStartOffset, error: null };
        } catch (e) {
          if (!(e instanceof TidelogError)) throw e;
          return { partition, logStartOffset: null, error: e };
        }
      }),
    );
  }

  /** Every partition of `topic`, from fresh metadata; UNKNOWN_TOPIC_OR_PARTITION once its absence is confirmed. */
  private async partitionsOf(topic: string): Promise<{ topic: string; partition: number }[]> {
    const deadlineMs = this.ctx.seams.nowMs() + this.ctx.requestTimeoutMs;
    const leaders = await this.ctx.topicMetadata.describe(topic, deadlineMs);
    return leaders.partitions.map((p) => ({ topic, partition: p.partition }));
  }

  /** Moves leadership back to each partition's preferred replica; every partition of every topic when omitted. */
  electLeaders(targets: readonly ElectionTarget[] = []): Promise<ElectionResult[]> {
    const items = targets.flatMap((t): ElectionItem[] =>
      t.partitions && t.partitions.length > 0
        ? t.partitions.map((partition) => ({ topic: t.topic, partition }))
        : [{ topic: t.topic, partition: null }],
    );
    const key = (topic: string, partition: number | null) => `${topic}/${partition ?? "*"}`;
    return writeToController<ElectionItem, ElectionResult>(this.ctx, {
      operation: "electLeaders",
      items,
      oneResultPerItem: false,
      emptyMeansAll: true,
      keyOfItem: (i) => key(i.topic, i.partition),
      keyOfResult: (r) => key(r.topic, r.partition),
      itemOfResult: (r) => ({ topic: r.topic, partition: r.partition }),
      errorOf: (r) => r.error,
      failed: (i, error) => ({ topic: i.topic, partition: i.partition, leader: null, error }),
      send: async (address, pending, deadlineMs) => {
        const request = { partitions: electionRequest(pending) };
        return (await this.call(address, "electLeaders", request, deadlineMs)).results.map(toElectionResult);
      },
    });
  }

  /** A read at any broker, retried. */
  private read<M extends "listTopics" | "describeTopics" | "describeConfigs">(
    method: M,
    request: AdminRpcs[M][0],
  ): Promise<AdminRpcs[M][1]> {
    return callAnyBroker(this.ctx, method, request);
  }

  private call<M extends keyof AdminRpcs>(address: string, method: M, request: AdminRpcs[M][0], deadlineMs: number) {
    return this.ctx.callAdmin(address, method, request, deadlineMs);
  }

  /** Async so that every failure, argument checks included, arrives as a rejection. */
  private async writeTopics<Item>(write: TopicWrite<Item>): Promise<TopicResult[]> {
    checkUnique(write.operation, write.items.map(write.nameOf));
    return writeToController<Item, TopicResult>(this.ctx, {
      ...write,
      oneResultPerItem: true,
      keyOfItem: write.nameOf,
      keyOfResult: (r) => r.name,
      itemOfResult: (r) => write.items.find((i) => write.nameOf(i) === r.name)!,
      errorOf: (r) => r.error,
      failed: (item, error) => ({ name: write.nameOf(item), topicId: null, error }),
    });
  }
}

/** Results are keyed by topic name, so a name may appear once per call. */
function checkUnique(operation: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name))
      throw new TidelogError("INVALID_REQUEST", `${operation}: topic '${name}' appears more than once`);
    seen.add(name);
  }
}

/** Results in the order asked for; a name the broker did not answer for gets `missing(name)`. */
function inOrder<R extends { readonly name: string }>(
  names: readonly string[],
  results: R[],
  missing: (name: string) => R,
): R[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  return names.map((name) => byName.get(name) ?? missing(name));
}

function unanswered(name: string): TidelogError {
  return new TidelogError("UNKNOWN_SERVER_ERROR", `the broker sent no result for '${name}'`);
}

function missingDescription(name: string): TopicDescription {
  return { name, topicId: null, internal: false, partitions: [], configs: {}, error: unanswered(name) };
}

function missingConfigs(name: string): TopicConfigs {
  return { name, entries: [], error: unanswered(name) };
}

/** The single result of a one-item call, or its error thrown. */
function only<R extends { readonly error: TidelogError | null }>(results: readonly R[]): R {
  const [result] = results;
  if (result === undefined) throw new TidelogError("UNKNOWN_SERVER_ERROR", "the broker sent no result");
  if (result.error) throw result.error;
  return result;
}

/** Groups election items by topic; a topic with a whole-topic item asks for all its partitions. */
function electionRequest(items: readonly ElectionItem[]): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[] | "all">();
  for (const { topic, partition } of items) {
    const current = byTopic.get(topic) ?? [];
    byTopic.set(topic, partition === null || current === "all" ? "all" : [...current, partition]);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions === "all" ? [] : partitions }));
}
