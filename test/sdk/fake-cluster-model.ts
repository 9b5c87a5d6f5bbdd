/**
 * The in-memory cluster behind the fake Admin servers: what etcd and the controller
 * hold for real brokers (registered brokers, the controller and its epoch, topics with
 * partitions, replicas, leaders and ISRs, topic config overrides). Every fake broker of
 * one cluster shares one model, as real brokers share etcd.
 *
 * Each method answers one Admin RPC the way proto/tidelog/v1/admin.proto describes:
 * reads from any broker; writes only when `asController`, else every item is answered
 * NOT_CONTROLLER; per-item errors in ErrorInfo, never as a gRPC status. Topic configs
 * are validated by the broker's own rules (src/storage/log-config.ts), so the fake
 * refuses exactly what a real broker will.
 */
import { randomBytes } from "node:crypto";
import { type ErrorName, TidelogError } from "@tidelog/client";
import { errorInfo, NO_ERROR, type wire } from "@tidelog/client/protocol";
import {
  DEFAULT_LOG_CONFIG,
  LOG_CONFIG_KEYS,
  logConfigFromProperties,
  logConfigToProperties,
} from "../../src/storage/log-config.js";

export interface BrokerRegistration {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly httpPort: number;
  readonly rack: string;
}

export interface FakePartition {
  readonly partition: number;
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  readonly replicas: number[];
  isr: number[];
}

export interface FakeTopic {
  readonly name: string;
  readonly topicId: string;
  readonly internal: boolean;
  readonly partitions: FakePartition[];
  readonly configs: Map<string, string>;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const CLEANUP_POLICY_DOC = "delete, compact, or compact,delete: what happens to old segments.";

function fail(code: ErrorName, detail: string): never {
  throw new TidelogError(code, detail);
}

/** Runs one item's handler; a TidelogError it throws becomes the item's ErrorInfo. */
function item<T>(run: () => T, onError: (error: wire.ErrorInfo) => T): T {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof TidelogError)) throw e;
    return onError(errorInfo(e));
  }
}

export class FakeCluster {
  readonly clusterId = "fake-cluster-0001";
  controllerId: number | null = null;
  controllerEpoch = 0;
  numPartitions = 1;
  defaultReplicationFactor = 1;
  readonly brokers = new Map<number, BrokerRegistration>();
  readonly topics = new Map<string, FakeTopic>();

  register(broker: BrokerRegistration): void {
    this.brokers.set(broker.id, broker);
  }

  /** A new controller election: the epoch grows. */
  electController(id: number | null): void {
    this.controllerId = id;
    this.controllerEpoch += 1;
  }

  /** The broker stops (its registration lapses): its replicas leave ISRs and lose leadership. */
  unregister(id: number): void {
    this.brokers.delete(id);
    for (const p of this.allPartitions()) {
      if (!p.replicas.includes(id)) continue;
      p.isr = p.isr.filter((r) => r !== id);
      if (p.leader === id) this.changeLeader(p, p.isr.find((r) => this.brokers.has(r)) ?? -1);
    }
  }

  /** Adds a topic directly (internal topics, fixtures), bypassing the controller. */
  seedTopic(name: string, partitions: number, replicationFactor: number, internal = false): FakeTopic {
    const topic: FakeTopic = {
      name,
      topicId: randomBytes(16).toString("base64url"),
      internal,
      partitions: this.assign(0, partitions, replicationFactor),
      configs: new Map(),
    };
    this.topics.set(name, topic);
    return topic;
  }

  describeCluster(answeredBy: number): wire.DescribeClusterResponse {
    return {
      clusterId: this.clusterId,
      controllerId: this.controllerId ?? -1,
      controllerEpoch: this.controllerEpoch,
      brokers: [...this.brokers.values()].sort((a, b) => a.id - b.id),
      answeredBy,
      error: NO_ERROR,
    };
  }

  listTopics(req: wire.ListTopicsRequest__Output): wire.ListTopicsResponse {
    const topics = this.sortedTopics()
      .filter((t) => req.includeInternal || !t.internal)
      .map((t) => ({
        name: t.name,
        topicId: t.topicId,
        partitions: t.partitions.length,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        internal: t.internal,
      }));
    return { topics, error: NO_ERROR };
  }

  describeTopics(req: wire.DescribeTopicsRequest__Output): wire.DescribeTopicsResponse {
    const names = req.topics.length > 0 ? req.topics : this.sortedTopics().map((t) => t.name);
    return {
      topics: names.map((name) =>
        item<wire.TopicDescription>(
          () => this.describeTopic(this.topic(name)),
          (error) => ({ name, error }),
        ),
      ),
    };
  }

  createTopics(req: wire.CreateTopicsRequest__Output, controller: ControllerCheck): wire.CreateTopicsResponse {
    const counts = countNames(req.topics.map((t) => t.name));
    return {
      results: req.topics.map((t) =>
        this.topicResult(t.name, () => {
          controller();
          if ((counts.get(t.name) ?? 0) > 1) fail("INVALID_REQUEST", `topic '${t.name}' appears more than once`);
          return this.createTopic(t, req.validateOnly);
        }),
      ),
    };
  }

  deleteTopics(req: wire.DeleteTopicsRequest__Output, controller: ControllerCheck): wire.DeleteTopicsResponse {
    return {
      results: req.topics.map((name) =>
        this.topicResult(name, () => {
          controller();
          const topic = this.topic(name);
          if (topic.internal) fail("INVALID_TOPIC_EXCEPTION", `'${name}' is an internal topic and cannot be deleted`);
          this.topics.delete(name);
          return topic.topicId;
        }),
      ),
    };
  }

  createPartitions(
    req: wire.CreatePartitionsRequest__Output,
    controller: ControllerCheck,
  ): wire.CreatePartitionsResponse {
    return {
      results: req.topics.map((p) =>
        this.topicResult(p.name, () => {
          controller();
          const topic = this.topic(p.name);
          const current = topic.partitions.length;
          if (p.totalCount <= current) {
            fail(
              "INVALID_PARTITIONS",
              `'${p.name}' has ${current} partitions; the count can only grow (asked ${p.totalCount})`,
            );
          }
          const added = this.assign(current, p.totalCount - current, topic.partitions[0]?.replicas.length ?? 1);
          if (!req.validateOnly) topic.partitions.push(...added);
          return topic.topicId;
        }),
      ),
    };
  }

  describeConfigs(req: wire.DescribeConfigsRequest__Output): wire.DescribeConfigsResponse {
    return {
      topics: req.topics.map((name) =>
        item<wire.TopicConfigs>(
          () => ({ name, entries: configEntries(this.topic(name)), error: NO_ERROR }),
          (error) => ({ name, error }),
        ),
      ),
    };
  }

  alterConfigs(req: wire.AlterConfigsRequest__Output, controller: ControllerCheck): wire.AlterConfigsResponse {
    return {
      results: req.topics.map((a) =>
        this.topicResult(a.name, () => {
          controller();
          const topic = this.topic(a.name);
          const next = alteredConfigs(topic.configs, a);
          if (!req.validateOnly) {
            topic.configs.clear();
            for (const [k, v] of next) topic.configs.set(k, v);
          }
          return topic.topicId;
        }),
      ),
    };
  }

  electLeaders(req: wire.ElectLeadersRequest__Output, controller: ControllerCheck): wire.ElectLeadersResponse {
    const targets =
      req.partitions.length > 0 ? req.partitions : this.sortedTopics().map((t) => ({ topic: t.name, partitions: [] }));
    return { results: targets.flatMap((target) => this.electTopic(target, controller)) };
  }

  private electTopic(target: wire.TopicPartitions__Output, controller: ControllerCheck): wire.ElectionResult[] {
    const topic = this.topics.get(target.topic);
    if (!topic) {
      const unknown = () => {
        controller();
        return fail("UNKNOWN_TOPIC_OR_PARTITION", `topic '${target.topic}' does not exist`);
      };
      return [
        item<wire.ElectionResult>(unknown, (error) => ({ topic: target.topic, partition: -1, leader: -1, error })),
      ];
    }
    const numbers = target.partitions.length > 0 ? target.partitions : topic.partitions.map((p) => p.partition);
    return numbers.map((n) => {
      const p = topic.partitions[n];
      return item<wire.ElectionResult>(
        () => {
          controller();
          if (!p) return fail("UNKNOWN_TOPIC_OR_PARTITION", `${topic.name} has no partition ${n}`);
          this.electPreferred(p);
          return { topic: topic.name, partition: n, leader: p.leader, error: NO_ERROR };
        },
        (error) => ({ topic: topic.name, partition: n, leader: p?.leader ?? -1, error }),
      );
    });
  }

  private electPreferred(p: FakePartition): void {
    const preferred = p.replicas[0]!;
    if (p.leader === preferred)
      fail("ELECTION_NOT_NEEDED", `broker ${preferred} already leads partition ${p.partition}`);
    if (!p.isr.includes(preferred) || !this.brokers.has(preferred)) {
      fail("PREFERRED_LEADER_NOT_AVAILABLE", `broker ${preferred} is not an alive in-sync replica`);
    }
    this.changeLeader(p, preferred);
  }

  private changeLeader(p: FakePartition, leader: number): void {
    p.leader = leader;
    p.leaderEpoch += 1;
    p.partitionEpoch += 1;
  }

  private createTopic(t: wire.NewTopic__Output, validateOnly: boolean): string {
    checkTopicName(t.name);
    if (this.topics.has(t.name)) fail("TOPIC_ALREADY_EXISTS", `topic '${t.name}' already exists`);
    const partitions = this.placement(t);
    logConfigFromProperties(t.configs);
    if (validateOnly) return "";
    const topicId = randomBytes(16).toString("base64url");
    this.topics.set(t.name, {
      name: t.name,
      topicId,
      internal: false,
      partitions,
      configs: new Map(Object.entries(t.configs)),
    });
    return topicId;
  }

  private placement(t: wire.NewTopic__Output): FakePartition[] {
    if (t.assignments.length > 0) {
      if (t.partitions !== 0 || t.replicationFactor !== 0) {
        fail("INVALID_REQUEST", "with explicit assignments, partitions and replication_factor must be 0");
      }
      return this.explicitPlacement(t.assignments);
    }
    if (t.partitions < 0) fail("INVALID_PARTITIONS", `partitions must be positive, got ${t.partitions}`);
    if (t.replicationFactor < 0) fail("INVALID_REPLICATION_FACTOR", `replication factor must be positive`);
    const rf = t.replicationFactor || this.defaultReplicationFactor;
    if (rf > this.brokers.size) {
      fail(
        "INVALID_REPLICATION_FACTOR",
        `replication factor ${rf} is larger than the ${this.brokers.size} live brokers`,
      );
    }
    return this.assign(0, t.partitions || this.numPartitions, rf);
  }

  private explicitPlacement(assignments: wire.ReplicaAssignment__Output[]): FakePartition[] {
    const sorted = [...assignments].sort((a, b) => a.partition - b.partition);
    const rf = sorted[0]?.replicas.length ?? 0;
    sorted.forEach((a, i) => {
      const ok =
        a.partition === i &&
        a.replicas.length === rf &&
        new Set(a.replicas).size === rf &&
        a.replicas.every((r) => this.brokers.has(r));
      if (!ok || rf === 0) fail("INVALID_REPLICA_ASSIGNMENT", `assignment of partition ${a.partition} is invalid`);
    });
    return sorted.map((a) => newPartition(a.partition, [...a.replicas]));
  }

  /** Round-robin placement over the live brokers, as Kafka's default assignor without racks. */
  private assign(first: number, count: number, rf: number): FakePartition[] {
    const ids = [...this.brokers.keys()].sort((a, b) => a - b);
    return Array.from({ length: count }, (_, i) => {
      const partition = first + i;
      return newPartition(
        partition,
        Array.from({ length: rf }, (_, r) => ids[(partition + r) % ids.length]!),
      );
    });
  }

  private describeTopic(t: FakeTopic): wire.TopicDescription {
    return {
      name: t.name,
      topicId: t.topicId,
      internal: t.internal,
      partitions: t.partitions.map((p) => ({
        ...p,
        offlineReplicas: p.replicas.filter((r) => !this.brokers.has(r)),
      })),
      configs: Object.fromEntries(t.configs),
      error: NO_ERROR,
    };
  }

  private topicResult(name: string, run: () => string): wire.TopicResult {
    return item<wire.TopicResult>(
      () => ({ name, topicId: run(), error: NO_ERROR }),
      (error) => ({ name, error }),
    );
  }

  private topic(name: string): FakeTopic {
    return this.topics.get(name) ?? fail("UNKNOWN_TOPIC_OR_PARTITION", `topic '${name}' does not exist`);
  }

  private sortedTopics(): FakeTopic[] {
    return [...this.topics.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  private allPartitions(): FakePartition[] {
    return [...this.topics.values()].flatMap((t) => t.partitions);
  }
}

/** Throws NOT_CONTROLLER when the serving broker is not the controller. */
export type ControllerCheck = () => void;

function newPartition(partition: number, replicas: number[]): FakePartition {
  return { partition, leader: replicas[0] ?? -1, leaderEpoch: 0, partitionEpoch: 0, replicas, isr: [...replicas] };
}

function checkTopicName(name: string): void {
  if (!TOPIC_NAME.test(name) || name === "." || name === "..") {
    fail("INVALID_TOPIC_EXCEPTION", `'${name}' is not a valid topic name`);
  }
}

function countNames(names: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

function configEntries(topic: FakeTopic): wire.ConfigEntry[] {
  const defaults = logConfigToProperties(DEFAULT_LOG_CONFIG);
  const docs = new Map(LOG_CONFIG_KEYS.map((k) => [k.name, k.doc]));
  return Object.keys(defaults)
    .sort()
    .map((name) => ({
      name,
      value: topic.configs.get(name) ?? defaults[name]!,
      isDefault: !topic.configs.has(name),
      doc: docs.get(name) ?? CLEANUP_POLICY_DOC,
    }));
}

function alteredConfigs(
  current: ReadonlyMap<string, string>,
  a: wire.TopicConfigAlteration__Output,
): Map<string, string> {
  const known = new Set(Object.keys(logConfigToProperties(DEFAULT_LOG_CONFIG)));
  const next = new Map(current);
  for (const name of a.delete) {
    if (!known.has(name)) fail("INVALID_CONFIG", `unknown topic config '${name}'`);
    next.delete(name);
  }
  for (const [name, value] of Object.entries(a.set)) next.set(name, value);
  logConfigFromProperties(Object.fromEntries(next));
  return next;
}
