/**
 * Translation between the Admin API's types and the wire messages, in one place: -1 and
 * "" on the wire become null here; numbers going out are checked to fit their int32
 * fields (protobuf would silently wrap them); int64 coming in is asserted safe.
 */
import type {
  BrokerDescription,
  ClusterDescription,
  ConfigAlteration,
  ElectionResult,
  NewTopic,
  PartitionDescription,
  PartitionsIncrease,
  TopicConfigs,
  TopicDescription,
  TopicListing,
  TopicResult,
} from "./admin-types.js";
import { type ErrorName, TidelogError } from "./errors.js";
import { errorFromInfo } from "./protocol/grpc.js";
import type * as wire from "./protocol/messages.js";

const INT32_MAX = 2 ** 31 - 1;

/** The TidelogError an ErrorInfo stands for, or null for success. */
export function errorOf(info: wire.ErrorInfo__Output | null | undefined): TidelogError | null {
  return errorFromInfo(info);
}

function checkInt(value: number, min: number, error: ErrorName, what: string): TidelogError | null {
  if (Number.isInteger(value) && value >= min && value <= INT32_MAX) return null;
  return new TidelogError(error, `${what} must be an integer in [${min}, ${INT32_MAX}], got ${value}`);
}

function firstError(checks: readonly (TidelogError | null)[]): TidelogError | null {
  return checks.find((e) => e !== null) ?? null;
}

function orNull(value: number): number | null {
  return value < 0 ? null : value;
}

function safe(value: number, what: string): number {
  if (!Number.isSafeInteger(value))
    throw new TidelogError("UNKNOWN_SERVER_ERROR", `${what} ${value} is not a safe integer`);
  return value;
}

/** `host:port`, bracketing IPv6 hosts. */
export function addressOf(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function toBroker(b: wire.BrokerInfo__Output): BrokerDescription {
  return {
    id: b.id,
    host: b.host,
    port: b.port,
    httpPort: b.httpPort,
    rack: b.rack || null,
    address: addressOf(b.host, b.port),
  };
}

export function toClusterDescription(r: wire.DescribeClusterResponse__Output): ClusterDescription {
  return {
    clusterId: r.clusterId,
    controllerId: orNull(r.controllerId),
    controllerEpoch: safe(r.controllerEpoch, "controller epoch"),
    brokers: r.brokers.map(toBroker),
    answeredBy: r.answeredBy,
  };
}

export function toTopicListing(t: wire.TopicListing__Output): TopicListing {
  return {
    name: t.name,
    topicId: t.topicId,
    partitionCount: t.partitions,
    replicationFactor: t.replicationFactor,
    internal: t.internal,
  };
}

function toPartition(p: wire.PartitionDescription__Output): PartitionDescription {
  return {
    partition: p.partition,
    leader: orNull(p.leader),
    leaderEpoch: p.leaderEpoch,
    partitionEpoch: p.partitionEpoch,
    replicas: p.replicas,
    isr: p.isr,
    elr: p.elr,
    offlineReplicas: p.offlineReplicas,
  };
}

export function toTopicDescription(t: wire.TopicDescription__Output): TopicDescription {
  return {
    name: t.name,
    topicId: t.topicId || null,
    internal: t.internal,
    partitions: t.partitions.map(toPartition).sort((a, b) => a.partition - b.partition),
    configs: { ...t.configs },
    error: errorOf(t.error),
  };
}

export function toTopicResult(r: wire.TopicResult__Output): TopicResult {
  return { name: r.name, topicId: r.topicId || null, error: errorOf(r.error) };
}

export function toTopicConfigs(t: wire.TopicConfigs__Output): TopicConfigs {
  return {
    name: t.name,
    entries: t.entries.map((e) => ({ name: e.name, value: e.value, isDefault: e.isDefault, doc: e.doc })),
    error: errorOf(t.error),
  };
}

export function toElectionResult(r: wire.ElectionResult__Output): ElectionResult {
  return { topic: r.topic, partition: orNull(r.partition), leader: orNull(r.leader), error: errorOf(r.error) };
}

/** What is wrong with a NewTopic before it is sent, or null. */
export function checkNewTopic(t: NewTopic): TidelogError | null {
  const explicit = t.assignments !== undefined && t.assignments.length > 0;
  if (explicit && (t.partitions !== undefined || t.replicationFactor !== undefined)) {
    return new TidelogError("INVALID_REQUEST", `${t.name}: give either assignments or partitions/replicationFactor`);
  }
  return firstError([
    t.partitions === undefined ? null : checkInt(t.partitions, 1, "INVALID_PARTITIONS", `${t.name}: partitions`),
    t.replicationFactor === undefined
      ? null
      : checkInt(t.replicationFactor, 1, "INVALID_REPLICATION_FACTOR", `${t.name}: replicationFactor`),
    ...(t.assignments ?? []).flatMap((a) =>
      [a.partition, ...a.replicas].map((n) =>
        checkInt(n, 0, "INVALID_REPLICA_ASSIGNMENT", `${t.name}: assignment partition and broker ids`),
      ),
    ),
  ]);
}

export function newTopicToWire(t: NewTopic): wire.NewTopic {
  return {
    name: t.name,
    partitions: t.partitions ?? 0,
    replicationFactor: t.replicationFactor ?? 0,
    configs: { ...t.configs },
    assignments: (t.assignments ?? []).map((a) => ({ partition: a.partition, replicas: [...a.replicas] })),
  };
}

export function checkPartitionsIncrease(p: PartitionsIncrease): TidelogError | null {
  return checkInt(p.totalCount, 1, "INVALID_PARTITIONS", `${p.name}: totalCount`);
}

export function alterationToWire(a: ConfigAlteration): wire.TopicConfigAlteration {
  return { name: a.name, set: { ...a.set }, delete: [...(a.delete ?? [])] };
}

export function checkAlteration(a: ConfigAlteration): TidelogError | null {
  const deleted = new Set(a.delete ?? []);
  const both = Object.keys(a.set ?? {}).find((k) => deleted.has(k));
  if (both !== undefined) return new TidelogError("INVALID_CONFIG", `${a.name}: '${both}' is both set and deleted`);
  return null;
}
