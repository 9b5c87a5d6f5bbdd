/**
 * The admin operations (cluster and topics), independent of the transport: the gRPC Admin
 * service (`src/server/admin-service.ts`) and the HTTP admin API (`src/http/`) both call
 * these, so the two can never disagree on validation, limits or answers.
 *
 * Reads are answered from etcd's current metadata (so a describe right after a create sees
 * it, whichever broker answers), or from this broker's watched image while etcd is
 * unreachable. Writes go through the controller when this broker is it; otherwise every
 * item is answered NOT_CONTROLLER (the SDK retries at the controller; the HTTP API forwards).
 *
 * Requests and responses use the wire shapes of `proto/tidelog/v1/admin.proto`. A request
 * that is wrong as a whole (too many items) throws a TidelogError; per-item problems are
 * answered in the item's `error`.
 */
import { errorInfo, NO_ERROR, topicNameProblem, type wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { AdminCall, Controller, ItemResult } from "../cluster/controller.js";
import type { MetadataImage } from "../cluster/metadata-image.js";
import { NO_LEADER } from "../cluster/metadata-records.js";
import { ReassignmentOperations } from "../cluster/reassignment-operations.js";
import type { LogDirInfo } from "../replication/replica-manager.js";
import {
  LOG_CONFIG_KEYS,
  type LogConfig,
  logConfigFromProperties,
  logConfigToProperties,
} from "../storage/log-config.js";

export interface AdminOperationsDeps {
  readonly brokerId: number;
  readonly clusterId: string;
  /** The watched image: may lag etcd by a moment. */
  readonly image: () => MetadataImage;
  /** The image as etcd holds it now (or the watched one when etcd is away). */
  readonly freshImage: () => Promise<MetadataImage>;
  readonly controller: Controller;
  readonly logDefaults: LogConfig;
  /** This broker's logs (ReplicaManager.logDirInfo). */
  readonly logDirs: () => LogDirInfo;
}

/**
 * How long an admin read waits for etcd before answering from the watched image: short,
 * so reads stay quick while etcd is away.
 */
export const FRESH_READ_TIMEOUT_MS = 1000;

/** Most items one admin request may name: bounds the work of one call. */
export const ITEMS_PER_REQUEST_MAX = 1000;

const NOT_ABANDONED: AdminCall = { abandoned: () => false };

export interface AdminOperations {
  /** Whether writes are applied here (this broker is the active controller). */
  readonly isController: () => boolean;
  describeCluster(): Promise<wire.DescribeClusterResponse>;
  listTopics(req: wire.ListTopicsRequest__Output): Promise<wire.ListTopicsResponse>;
  describeTopics(req: wire.DescribeTopicsRequest__Output): Promise<wire.DescribeTopicsResponse>;
  describeConfigs(req: wire.DescribeConfigsRequest__Output): Promise<wire.DescribeConfigsResponse>;
  createTopics(req: wire.CreateTopicsRequest__Output, call?: AdminCall): Promise<wire.CreateTopicsResponse>;
  deleteTopics(req: wire.DeleteTopicsRequest__Output, call?: AdminCall): Promise<wire.DeleteTopicsResponse>;
  createPartitions(req: wire.CreatePartitionsRequest__Output, call?: AdminCall): Promise<wire.CreatePartitionsResponse>;
  alterConfigs(req: wire.AlterConfigsRequest__Output, call?: AdminCall): Promise<wire.AlterConfigsResponse>;
  electLeaders(req: wire.ElectLeadersRequest__Output): Promise<wire.ElectLeadersResponse>;
  alterPartitionReassignments(
    req: wire.AlterPartitionReassignmentsRequest__Output,
  ): Promise<wire.AlterPartitionReassignmentsResponse>;
  listPartitionReassignments(
    req: wire.ListPartitionReassignmentsRequest__Output,
  ): Promise<wire.ListPartitionReassignmentsResponse>;
  describeLogDirs(): wire.DescribeLogDirsResponse;
}

export function checkCount(n: number, what: string): void {
  if (n > ITEMS_PER_REQUEST_MAX)
    throw new TidelogError("INVALID_REQUEST", `at most ${ITEMS_PER_REQUEST_MAX} ${what} per request, got ${n}`);
}

function topicResults(names: readonly string[], results: readonly ItemResult[]): wire.TopicResult[] {
  return results.map((r, i) => ({
    name: names[i] ?? "",
    topicId: r.ok ? (r.topicId ?? "") : "",
    error: r.ok ? NO_ERROR : errorInfo(r.error),
  }));
}

export function adminOperations(deps: AdminOperationsDeps): AdminOperations {
  const { controller } = deps;

  /** Runs a controller write, or answers NOT_CONTROLLER for every item. */
  const write = async (names: readonly string[], op: () => Promise<ItemResult[]>) => {
    checkCount(names.length, "topics");
    if (!controller.isActive) {
      const controllerId = deps.image().controller()?.brokerId ?? -1;
      const e = new TidelogError(
        "NOT_CONTROLLER",
        `broker ${deps.brokerId} is not the controller (the controller is ${controllerId})`,
      );
      return { results: names.map((name) => ({ name, topicId: "", error: errorInfo(e) })) };
    }
    return { results: topicResults(names, await op()) };
  };

  return {
    isController: () => controller.isActive,

    async describeCluster() {
      const image = await deps.freshImage();
      const controllerInfo = image.controller();
      return {
        clusterId: deps.clusterId,
        controllerId: controllerInfo?.brokerId ?? -1,
        controllerEpoch: controllerInfo?.epoch ?? -1,
        answeredBy: deps.brokerId,
        brokers: [...image.brokers.values()]
          .map((b) => b.value)
          .sort((a, b) => a.id - b.id)
          .map((b) => ({ id: b.id, host: b.host, port: b.port, httpPort: b.httpPort, rack: b.rack ?? "" })),
        error: NO_ERROR,
      };
    },

    async listTopics(req) {
      return {
        topics: [...(await deps.freshImage()).topics.values()]
          .map((t) => t.value)
          .filter((t) => req.includeInternal || !t.internal)
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((t) => ({
            name: t.name,
            topicId: t.topicId,
            partitions: t.assignment.length,
            replicationFactor: t.assignment[0]?.length ?? 0,
            internal: t.internal,
          })),
        error: NO_ERROR,
      };
    },

    async describeTopics(req) {
      checkCount(req.topics.length, "topics");
      const image = await deps.freshImage();
      const names = req.topics.length > 0 ? req.topics : [...image.topics.keys()].sort();
      return { topics: names.map((name) => describeTopic(image, name)) };
    },

    async describeConfigs(req) {
      checkCount(req.topics.length, "topics");
      const image = await deps.freshImage();
      return { topics: req.topics.map((name) => describeConfigs(image, name, deps.logDefaults)) };
    },

    createTopics(req, call = NOT_ABANDONED) {
      return write(
        req.topics.map((t) => t.name),
        () =>
          controller.createTopics(
            req.topics.map((t) => ({
              name: t.name,
              partitions: t.partitions,
              replicationFactor: t.replicationFactor,
              configs: t.configs,
              assignment: [...t.assignments].sort((a, b) => a.partition - b.partition).map((a) => a.replicas),
            })),
            req.validateOnly,
            call,
          ),
      );
    },

    deleteTopics(req, call = NOT_ABANDONED) {
      return write(req.topics, () => controller.deleteTopics(req.topics, call));
    },

    createPartitions(req, call = NOT_ABANDONED) {
      return write(
        req.topics.map((t) => t.name),
        () =>
          controller.createPartitions(
            req.topics.map((t) => ({ name: t.name, totalCount: t.totalCount })),
            req.validateOnly,
            call,
          ),
      );
    },

    alterConfigs(req, call = NOT_ABANDONED) {
      return write(
        req.topics.map((t) => t.name),
        () =>
          controller.alterConfigs(
            req.topics.map((t) => ({ name: t.name, set: t.set, delete: t.delete })),
            req.validateOnly,
            call,
          ),
      );
    },

    async electLeaders(req) {
      checkCount(req.partitions.length, "topics");
      if (!controller.isActive)
        throw new TidelogError("NOT_CONTROLLER", `broker ${deps.brokerId} is not the controller`);
      const results = await controller.electLeaders(
        req.partitions.map((p) => ({ topic: p.topic, partitions: p.partitions })),
      );
      return { results: results.map((r) => ({ ...r, error: r.error ? errorInfo(r.error) : NO_ERROR })) };
    },

    async alterPartitionReassignments(req) {
      checkCount(req.reassignments.length, "partitions");
      if (!controller.isActive)
        throw new TidelogError("NOT_CONTROLLER", `broker ${deps.brokerId} is not the controller`);
      const results = await controller.alterPartitionReassignments(
        req.reassignments.map((r) => ({
          topic: r.topic,
          partition: r.partition,
          target: r.replicas.length > 0 ? r.replicas : null,
        })),
        req.throttleBytesPerSecond,
      );
      return {
        results: results.map((r) => ({ ...r, error: r.error ? errorInfo(r.error) : NO_ERROR })),
        error: NO_ERROR,
      };
    },

    async listPartitionReassignments(req) {
      const image = await deps.freshImage();
      return {
        reassignments: ReassignmentOperations.list(image, req.topics).map((r) => ({
          topic: r.topic,
          partition: r.partition,
          originalReplicas: [...r.original],
          targetReplicas: [...r.target],
          replicas: [...r.replicas],
          isr: [...r.isr],
          leader: r.leader,
        })),
        throttleBytesPerSecond: image.reassignmentThrottle,
        error: NO_ERROR,
      };
    },

    describeLogDirs() {
      const info = deps.logDirs();
      return {
        brokerId: deps.brokerId,
        logDir: info.logDir,
        replicas: info.replicas.map((r) => ({ ...r })),
        totalBytes: info.totalBytes,
        usableBytes: info.usableBytes,
        capacityBytes: info.capacityBytes,
        error: NO_ERROR,
      };
    },
  };
}

function describeTopic(image: MetadataImage, name: string): wire.TopicDescription {
  const problem = topicNameProblem(name);
  const topic = image.topics.get(name)?.value;
  if (problem || !topic) {
    return { name, error: errorInfo("UNKNOWN_TOPIC_OR_PARTITION", problem ?? `topic '${name}' does not exist`) };
  }
  const alive = image.liveBrokerIds();
  return {
    name,
    topicId: topic.topicId,
    internal: topic.internal,
    configs: topic.configs,
    error: NO_ERROR,
    partitions: image.partitionsOf(name).map(({ partition, replicas, state }) => ({
      partition,
      leader: state?.value.leader ?? NO_LEADER,
      leaderEpoch: state?.value.leaderEpoch ?? -1,
      replicas,
      isr: state?.value.isr ?? [],
      elr: state?.value.elr ?? [],
      partitionEpoch: state?.value.partitionEpoch ?? -1,
      offlineReplicas: replicas.filter((r) => !alive.has(r)),
    })),
  };
}

function describeConfigs(image: MetadataImage, name: string, defaults: LogConfig): wire.TopicConfigs {
  const topic = image.topics.get(name)?.value;
  if (!topic)
    return { name, entries: [], error: errorInfo("UNKNOWN_TOPIC_OR_PARTITION", `topic '${name}' does not exist`) };
  let effective: LogConfig;
  try {
    effective = logConfigFromProperties(topic.configs, defaults);
  } catch (e) {
    return { name, entries: [], error: errorInfo(e as TidelogError) };
  }
  const values = logConfigToProperties(effective);
  const docs = new Map(LOG_CONFIG_KEYS.map((k) => [k.name, k.doc]));
  docs.set("cleanup.policy", "delete, compact, or both: how old data is removed.");
  return {
    name,
    error: NO_ERROR,
    entries: Object.keys(values)
      .sort()
      .map((key) => ({
        name: key,
        value: values[key] ?? "",
        isDefault: !(key in topic.configs),
        doc: docs.get(key) ?? "",
      })),
  };
}
