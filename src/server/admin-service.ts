/**
 * The gRPC Admin service: reads answered from etcd's current metadata (so a describe
 * right after a create sees it, whichever broker answers), or from this broker's watched
 * image while etcd is unreachable; writes through the controller when this broker is it
 * (NOT_CONTROLLER per item otherwise, which clients retry at the controller).
 *
 * Every request is checked at the edge (list lengths, names, numbers) and every failure
 * is answered as a typed ErrorInfo in the response; gRPC status codes are left for
 * transport failures. An unexpected exception is logged and answered as
 * UNKNOWN_SERVER_ERROR, never as a crash.
 */
import type * as grpc from "@grpc/grpc-js";
import { errorInfo, NO_ERROR, topicNameProblem, type wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { AdminCall, Controller, ItemResult } from "../cluster/controller.js";
import type { MetadataImage } from "../cluster/metadata-image.js";
import { NO_LEADER } from "../cluster/metadata-records.js";
import type { Logger } from "../common/logger.js";
import {
  LOG_CONFIG_KEYS,
  type LogConfig,
  logConfigFromProperties,
  logConfigToProperties,
} from "../storage/log-config.js";

export interface AdminServiceDeps {
  readonly brokerId: number;
  readonly clusterId: string;
  /** The watched image: may lag etcd by a moment. */
  readonly image: () => MetadataImage;
  /** The image as etcd holds it now (or the watched one when etcd is away). */
  readonly freshImage: () => Promise<MetadataImage>;
  readonly controller: Controller;
  readonly logDefaults: LogConfig;
  readonly logger: Logger;
}

/**
 * How long an admin read waits for etcd before answering from the watched image: short,
 * so reads stay quick while etcd is away.
 */
export const FRESH_READ_TIMEOUT_MS = 1000;

/** Most items one admin request may name: bounds the work of one call. */
export const MAX_ITEMS_PER_REQUEST = 1000;

type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

/** The caller has gone: cancelled, or past the deadline it sent. */
function adminCall(call: grpc.ServerUnaryCall<unknown, unknown>): AdminCall {
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  return { abandoned: () => call.cancelled || (Number.isFinite(deadlineMs) && Date.now() > deadlineMs) };
}

/** Wraps a handler so that any exception becomes a typed error response, not a dropped call. */
function unary<Req, Res>(
  logger: Logger,
  onError: (e: TidelogError) => Res,
  fn: (req: Req, call: AdminCall) => Promise<Res> | Res,
): Unary<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request, adminCall(call)))
      .then((res) => callback(null, res))
      .catch((e: unknown) => {
        const err = e instanceof TidelogError ? e : new TidelogError("UNKNOWN_SERVER_ERROR", (e as Error)?.message);
        if (!(e instanceof TidelogError)) logger.error({ err: e }, "admin request failed unexpectedly");
        callback(null, onError(err));
      });
  };
}

function checkCount(n: number, what: string): void {
  if (n > MAX_ITEMS_PER_REQUEST)
    throw new TidelogError("INVALID_REQUEST", `at most ${MAX_ITEMS_PER_REQUEST} ${what} per request, got ${n}`);
}

function topicResults(names: readonly string[], results: readonly ItemResult[]): wire.TopicResult[] {
  return results.map((r, i) => ({
    name: names[i] ?? "",
    topicId: r.ok ? (r.topicId ?? "") : "",
    error: r.ok ? NO_ERROR : errorInfo(r.error),
  }));
}

export function adminHandlers(deps: AdminServiceDeps): wire.AdminHandlers {
  const { logger, controller } = deps;
  const perTopicError = (names: readonly string[]) => (e: TidelogError) => ({
    results: names.map((name) => ({ name, topicId: "", error: errorInfo(e) })),
  });

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
    DescribeCluster: unary(
      logger,
      (e) => ({ error: errorInfo(e) }),
      async () => {
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
    ),

    ListTopics: unary(
      logger,
      (e) => ({ topics: [], error: errorInfo(e) }),
      async (req: wire.ListTopicsRequest__Output) => ({
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
      }),
    ),

    DescribeTopics: unary(
      logger,
      (e) => ({ topics: [{ name: "", error: errorInfo(e) }] }),
      async (req: wire.DescribeTopicsRequest__Output) => {
        checkCount(req.topics.length, "topics");
        const image = await deps.freshImage();
        const names = req.topics.length > 0 ? req.topics : [...image.topics.keys()].sort();
        return { topics: names.map((name) => describeTopic(image, name)) };
      },
    ),

    DescribeConfigs: unary(
      logger,
      (e) => ({ topics: [{ name: "", entries: [], error: errorInfo(e) }] }),
      async (req: wire.DescribeConfigsRequest__Output) => {
        checkCount(req.topics.length, "topics");
        const image = await deps.freshImage();
        return { topics: req.topics.map((name) => describeConfigs(image, name, deps.logDefaults)) };
      },
    ),

    CreateTopics: unary(
      logger,
      (e) => perTopicError([])(e),
      async (req: wire.CreateTopicsRequest__Output, call) => {
        const names = req.topics.map((t) => t.name);
        return write(names, () =>
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
    ),

    DeleteTopics: unary(
      logger,
      (e) => perTopicError([])(e),
      async (req: wire.DeleteTopicsRequest__Output, call) =>
        write(req.topics, () => controller.deleteTopics(req.topics, call)),
    ),

    CreatePartitions: unary(
      logger,
      (e) => perTopicError([])(e),
      async (req: wire.CreatePartitionsRequest__Output, call) =>
        write(
          req.topics.map((t) => t.name),
          () =>
            controller.createPartitions(
              req.topics.map((t) => ({ name: t.name, totalCount: t.totalCount })),
              req.validateOnly,
              call,
            ),
        ),
    ),

    AlterConfigs: unary(
      logger,
      (e) => perTopicError([])(e),
      async (req: wire.AlterConfigsRequest__Output, call) =>
        write(
          req.topics.map((t) => t.name),
          () =>
            controller.alterConfigs(
              req.topics.map((t) => ({ name: t.name, set: t.set, delete: t.delete })),
              req.validateOnly,
              call,
            ),
        ),
    ),

    ElectLeaders: unary(
      logger,
      (e) => ({ results: [{ topic: "", partition: -1, leader: -1, error: errorInfo(e) }] }),
      async (req: wire.ElectLeadersRequest__Output) => {
        checkCount(req.partitions.length, "topics");
        if (!controller.isActive)
          throw new TidelogError("NOT_CONTROLLER", `broker ${deps.brokerId} is not the controller`);
        const results = await controller.electLeaders(
          req.partitions.map((p) => ({ topic: p.topic, partitions: p.partitions })),
        );
        return { results: results.map((r) => ({ ...r, error: r.error ? errorInfo(r.error) : NO_ERROR })) };
      },
    ),
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
