/**
 * The gRPC Group service: finding a coordinator, membership heartbeats, offset commit
 * and fetch, and group administration. Every request is validated here, at the edge,
 * and answered with a typed error; the GroupCoordinator does the work.
 *
 * FindCoordinator is answered from the metadata by any broker. When __consumer_offsets
 * does not exist yet, the active controller creates it (clients ask the controller
 * first for that reason); other brokers answer COORDINATOR_NOT_AVAILABLE, a retriable
 * error.
 */
import { errorInfo, NO_ERROR, topicNameProblem, type wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { Controller } from "../cluster/controller.js";
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { Logger } from "../common/logger.js";
import { asServerError } from "../common/server-error.js";
import { type AssignorName, isAssignorName } from "../group/assignors.js";
import type { CommitItem, GroupCoordinator } from "../group/group-coordinator.js";
import {
  fromTopicPartitions,
  GROUP_ID_MAX_LENGTH,
  groupIdProblem,
  OFFSETS_TOPIC,
  offsetsPartitionFor,
  toTopicPartitions,
} from "../group/group-partition.js";
import { transactionalIdProblem } from "../txn/transaction-metadata.js";
import type { GroupConfig } from "./config.js";
import { findCoordinator as findInternalCoordinator } from "./coordinator-lookup.js";
import { unary } from "./unary-handler.js";

export interface GroupServiceDeps {
  readonly brokerId: number;
  readonly image: () => MetadataImage;
  readonly controller: Controller;
  readonly coordinator: GroupCoordinator;
  readonly config: GroupConfig;
  readonly logger: Logger;
}

/** Bounds on one request. */
export const GROUP_LIMITS = {
  idMaxLength: GROUP_ID_MAX_LENGTH,
  topicsPerSubscription: 1000,
  partitionsPerRequest: 100_000,
  groupsPerRequest: 1000,
  rebalanceTimeoutMaxMs: 30 * 60_000,
  rebalanceTimeoutDefaultMs: 60_000,
};

function checkId(kind: "group" | "member" | "instance", id: string, required: boolean): void {
  const code = kind === "group" ? "INVALID_GROUP_ID" : "INVALID_REQUEST";
  if (required && id.length === 0) throw new TidelogError(code, `a ${kind} id is required`);
  const problem = groupIdProblem(kind, id);
  if (problem) throw new TidelogError(code, problem);
}

function countPartitions(list: ReadonlyArray<{ partitions: readonly number[] }>): number {
  let n = 0;
  for (const t of list) n += t.partitions.length;
  if (n > GROUP_LIMITS.partitionsPerRequest) {
    throw new TidelogError("INVALID_REQUEST", `at most ${GROUP_LIMITS.partitionsPerRequest} partitions per request`);
  }
  return n;
}

/** The items of an OffsetCommit or TxnOffsetCommit, in request order. */
function commitItems(topics: readonly wire.OffsetCommitTopic__Output[]): CommitItem[] {
  return topics.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: t.topic,
      partition: p.partition,
      offset: p.offset,
      leaderEpoch: p.leaderEpoch,
      metadata: p.metadata,
    })),
  );
}

/** The answer to a commit: each item's own error (or none), in request order. */
function commitAnswer(
  topics: readonly wire.OffsetCommitTopic__Output[],
  results: readonly (TidelogError | null)[],
): wire.OffsetCommitResponse {
  let i = 0;
  return {
    error: NO_ERROR,
    topics: topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => ({ partition: p.partition, error: errorInfo(results[i++] ?? null) })),
    })),
  };
}

function checkGroupCount(n: number): void {
  if (n > GROUP_LIMITS.groupsPerRequest) {
    throw new TidelogError("INVALID_REQUEST", `at most ${GROUP_LIMITS.groupsPerRequest} groups per request`);
  }
}

export function groupHandlers(deps: GroupServiceDeps): wire.GroupHandlers {
  const { logger, coordinator, config } = deps;
  return {
    FindCoordinator: unary(
      logger,
      (e) => ({ error: errorInfo(e), coordinatorId: -1, coordinator: null, partition: -1 }),
      (req: wire.FindCoordinatorRequest__Output) => {
        checkId("group", req.groupId, true);
        return findCoordinator(deps, req.groupId);
      },
    ),

    Heartbeat: unary(
      logger,
      (e) => ({ error: errorInfo(e), memberId: "", memberEpoch: -1, heartbeatIntervalMs: 0, assignment: [] }),
      async (req: wire.GroupHeartbeatRequest__Output) => {
        checkId("group", req.groupId, true);
        checkId("member", req.memberId, req.memberEpoch > 0 || req.memberEpoch < 0);
        checkId("instance", req.instanceId, false);
        if (!Number.isInteger(req.memberEpoch) || req.memberEpoch < -2) {
          throw new TidelogError("INVALID_REQUEST", `member epoch ${req.memberEpoch} is not valid`);
        }
        const session = req.sessionTimeoutMs;
        if (req.memberEpoch >= 0 && (session < config.minSessionTimeoutMs || session > config.maxSessionTimeoutMs)) {
          throw new TidelogError(
            "INVALID_SESSION_TIMEOUT",
            `session timeout ${session} ms is outside [${config.minSessionTimeoutMs}, ${config.maxSessionTimeoutMs}] (group.min/max.session.timeout.ms)`,
          );
        }
        const rebalance =
          req.rebalanceTimeoutMs === 0 ? GROUP_LIMITS.rebalanceTimeoutDefaultMs : req.rebalanceTimeoutMs;
        if (rebalance < 1 || rebalance > GROUP_LIMITS.rebalanceTimeoutMaxMs) {
          throw new TidelogError(
            "INVALID_REQUEST",
            `rebalance timeout ${rebalance} ms is outside [1, ${GROUP_LIMITS.rebalanceTimeoutMaxMs}]`,
          );
        }
        if (req.subscribedTopics.length > GROUP_LIMITS.topicsPerSubscription) {
          throw new TidelogError("INVALID_REQUEST", `at most ${GROUP_LIMITS.topicsPerSubscription} subscribed topics`);
        }
        for (const topic of req.subscribedTopics) {
          const problem = topicNameProblem(topic);
          if (problem) throw new TidelogError("INVALID_TOPIC_EXCEPTION", problem);
        }
        if (req.memberEpoch === 0 && req.subscribedTopics.length === 0) {
          throw new TidelogError("INVALID_REQUEST", "a member joining must subscribe to at least one topic");
        }
        let assignor: AssignorName | null = null;
        if (req.assignor !== "") {
          if (!isAssignorName(req.assignor)) {
            throw new TidelogError(
              "UNSUPPORTED_ASSIGNOR",
              `assignor '${req.assignor}' is not one of range, roundrobin, sticky`,
            );
          }
          assignor = req.assignor;
        }
        countPartitions(req.ownedPartitions);
        const result = await coordinator.heartbeat(req.groupId, {
          memberId: req.memberId,
          memberEpoch: req.memberEpoch,
          instanceId: req.instanceId || null,
          clientId: req.clientId.slice(0, GROUP_LIMITS.idMaxLength),
          sessionTimeoutMs: session,
          rebalanceTimeoutMs: rebalance,
          subscribedTopics: req.subscribedTopics,
          assignor,
          owned: fromTopicPartitions(req.ownedPartitions),
        });
        return {
          error: NO_ERROR,
          memberId: result.memberId,
          memberEpoch: result.memberEpoch,
          heartbeatIntervalMs: result.heartbeatIntervalMs,
          assignment: toTopicPartitions(result.assignment),
        };
      },
    ),

    OffsetCommit: unary(
      logger,
      (e) => ({ error: errorInfo(e), topics: [] }),
      async (req: wire.OffsetCommitRequest__Output) => {
        checkId("group", req.groupId, true);
        checkId("member", req.memberId, false);
        countPartitions(req.topics.map((t) => ({ partitions: t.partitions.map((p) => p.partition) })));
        const items = commitItems(req.topics);
        const results = await coordinator.commit(req.groupId, req.memberId, req.memberEpoch, items);
        return commitAnswer(req.topics, results);
      },
    ),

    TxnOffsetCommit: unary(
      logger,
      (e) => ({ error: errorInfo(e), topics: [] }),
      async (req: wire.TxnOffsetCommitRequest__Output) => {
        checkId("group", req.groupId, true);
        checkId("member", req.memberId, false);
        const problem = transactionalIdProblem(req.transactionalId);
        if (problem) throw new TidelogError("INVALID_REQUEST", problem);
        if (!Number.isSafeInteger(req.producerId) || req.producerId < 0 || req.producerEpoch < 0) {
          throw new TidelogError(
            "INVALID_REQUEST",
            `producer id ${req.producerId} / epoch ${req.producerEpoch} is not valid`,
          );
        }
        countPartitions(req.topics.map((t) => ({ partitions: t.partitions.map((p) => p.partition) })));
        const items = commitItems(req.topics);
        const results = await coordinator.txnCommit(
          req.groupId,
          { producerId: req.producerId, producerEpoch: req.producerEpoch },
          { memberId: req.memberId, memberEpoch: req.memberEpoch },
          items,
        );
        return commitAnswer(req.topics, results);
      },
    ),

    OffsetFetch: unary(
      logger,
      (e) => ({ error: errorInfo(e), topics: [] }),
      (req: wire.OffsetFetchRequest__Output) => {
        checkId("group", req.groupId, true);
        countPartitions(req.topics);
        const wanted =
          req.topics.length === 0
            ? null
            : req.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
        const rows = coordinator.fetchOffsets(req.groupId, wanted, req.requireStable);
        const byTopic = new Map<string, wire.OffsetFetchPartition[]>();
        for (const r of rows) {
          const list = byTopic.get(r.topic) ?? [];
          list.push({
            partition: r.partition,
            offset: r.committed?.offset ?? -1,
            leaderEpoch: r.committed?.leaderEpoch ?? -1,
            metadata: r.committed?.metadata ?? "",
            commitTimestamp: r.committed?.commitTimestamp ?? -1,
          });
          byTopic.set(r.topic, list);
        }
        return {
          error: NO_ERROR,
          topics: [...byTopic].map(([topic, partitions]) => ({
            topic,
            partitions: partitions.sort((a, b) => (a.partition ?? 0) - (b.partition ?? 0)),
          })),
        };
      },
    ),

    ListGroups: unary(
      logger,
      (e) => ({ error: errorInfo(e), groups: [] }),
      () => ({
        error: NO_ERROR,
        groups: coordinator
          .list()
          .map((g) => ({ groupId: g.groupId, state: g.state, members: g.members, coordinatorId: deps.brokerId })),
      }),
    ),

    DescribeGroups: unary(
      logger,
      (e) => ({ groups: [{ groupId: "", error: errorInfo(e) }] }),
      (req: wire.DescribeGroupsRequest__Output) => {
        checkGroupCount(req.groupIds.length);
        return { groups: req.groupIds.map((id) => describeGroup(deps, id)) };
      },
      // Refused by the request limits: answered per group asked about, where the client reads each answer.
      (req, e) => ({ groups: refusedIds(req.groupIds).map((groupId) => ({ groupId, error: errorInfo(e) })) }),
    ),

    DeleteGroups: unary(
      logger,
      (e) => ({ results: [{ groupId: "", error: errorInfo(e) }] }),
      async (req: wire.DeleteGroupsRequest__Output) => {
        checkGroupCount(req.groupIds.length);
        const results: wire.DeleteGroupResult[] = [];
        for (const groupId of req.groupIds) {
          try {
            checkId("group", groupId, true);
            await coordinator.deleteGroup(groupId);
            results.push({ groupId, error: NO_ERROR });
          } catch (e) {
            results.push({ groupId, error: errorInfo(asTidelogError(e, logger)) });
          }
        }
        return { results };
      },
      (req, e) => ({ results: refusedIds(req.groupIds).map((groupId) => ({ groupId, error: errorInfo(e) })) }),
    ),
  };
}

/** The group ids a refused request is answered for (one unnamed answer when it named none). */
function refusedIds(groupIds: readonly string[]): readonly string[] {
  return groupIds.length > 0 ? groupIds.slice(0, GROUP_LIMITS.groupsPerRequest) : [""];
}

function asTidelogError(e: unknown, logger: Logger): TidelogError {
  return asServerError(e, logger);
}

function findCoordinator(deps: GroupServiceDeps, groupId: string): wire.FindCoordinatorResponse {
  const { config } = deps;
  return findInternalCoordinator({
    image: deps.image(),
    controller: deps.controller,
    logger: deps.logger,
    topic: {
      name: OFFSETS_TOPIC,
      partitions: config.offsetsTopicPartitions,
      replicationFactor: config.offsetsTopicReplicationFactor,
      configs: { "cleanup.policy": "compact", "segment.bytes": String(config.offsetsTopicSegmentBytes) },
    },
    partitionFor: (n) => offsetsPartitionFor(groupId, n),
  });
}

function describeGroup(deps: GroupServiceDeps, groupId: string): wire.GroupDescription {
  try {
    checkId("group", groupId, true);
    const group = deps.coordinator.describe(groupId);
    return {
      groupId,
      error: NO_ERROR,
      state: group.state,
      groupEpoch: group.groupEpoch,
      assignmentEpoch: group.assignmentEpoch,
      assignor: group.assignor,
      coordinatorId: deps.brokerId,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId ?? "",
        clientId: m.clientId,
        memberEpoch: m.memberEpoch,
        subscribedTopics: m.subscribedTopics,
        assignment: toTopicPartitions(m.assigned),
        targetAssignment: toTopicPartitions(group.targetOf(m.memberId)),
      })),
    };
  } catch (e) {
    return { groupId, error: errorInfo(asTidelogError(e, deps.logger)) };
  }
}
