/**
 * The partitions this broker hosts, and its role (leader or follower) in each,
 * reconciled from the cluster metadata.
 *
 * Level-triggered: after every metadata change the whole image is compared with what
 * the broker holds. A replica assigned here gets a log (created empty if new); its role
 * and leader epoch follow the partition state; a log whose topic is gone, or whose topic
 * was recreated under the same name (a different topic id in `partition.metadata`), is
 * deleted. Deletions happen only from a metadata image read completely since the last
 * watch gap: a broker that cannot see etcd never deletes data on a guess.
 *
 * Invariant: a hosted partition's leader epoch never decreases.
 */
import { TidelogError } from "@tidelog/client/record";
import type { MetadataImage } from "../cluster/metadata-image.js";
import { NO_LEADER } from "../cluster/metadata-records.js";
import type { Logger } from "../common/logger.js";
import { type LogConfig, logConfigFromProperties } from "../storage/log-config.js";
import type { LogManager } from "../storage/log-manager.js";
import type { PartitionLog } from "../storage/partition-log.js";
import { readPartitionMetadata, writePartitionMetadata } from "../storage/partition-metadata-file.js";
import { type TopicPartition, tpKey } from "../storage/topic-partition.js";

export type ReplicaRole = "leader" | "follower";

export interface HostedPartition {
  readonly tp: TopicPartition;
  readonly topicId: string;
  readonly log: PartitionLog;
  role: ReplicaRole;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

export interface ReplicaManagerOptions {
  readonly brokerId: number;
  /**
   * True while this broker may be gone from etcd's view (lease lost, or not yet
   * re-registered and reconciled): it must not act as any partition's leader then.
   */
  readonly isFenced: () => boolean;
  readonly logManager: LogManager;
  readonly logDefaults: LogConfig;
  readonly logger: Logger;
}

export class ReplicaManager {
  private readonly hosted = new Map<string, HostedPartition>();
  private running: Promise<void> = Promise.resolve();
  private pending: { image: MetadataImage; synced: boolean } | null = null;

  constructor(private readonly options: ReplicaManagerOptions) {}

  get(tp: TopicPartition): HostedPartition | undefined {
    return this.hosted.get(tpKey(tp));
  }

  all(): HostedPartition[] {
    return [...this.hosted.values()];
  }

  /** Schedules a reconciliation against `image`; bursts of changes collapse into one. */
  onMetadata(image: MetadataImage, synced: boolean): Promise<void> {
    const first = this.pending === null;
    this.pending = { image, synced };
    if (!first) return this.running;
    this.running = this.running.then(async () => {
      const next = this.pending;
      this.pending = null;
      if (next) await this.reconcile(next.image, next.synced);
    });
    this.running = this.running.catch((e: unknown) =>
      this.options.logger.error({ err: e }, "replica reconciliation failed"),
    );
    return this.running;
  }

  private async reconcile(image: MetadataImage, synced: boolean): Promise<void> {
    const { brokerId, logManager } = this.options;
    const wanted = new Set<string>();
    for (const topic of image.topics.values()) {
      const config = this.configFor(topic.value.name, topic.value.configs);
      for (const { partition, replicas, state } of image.partitionsOf(topic.value.name)) {
        if (!replicas.includes(brokerId)) continue;
        const tp = { topic: topic.value.name, partition };
        wanted.add(tpKey(tp));
        const hosted = await this.host(tp, topic.value.topicId, config);
        this.applyState(
          hosted,
          replicas,
          state?.value.leader ?? NO_LEADER,
          state?.value.leaderEpoch ?? -1,
          state?.value.isr ?? [],
        );
      }
    }
    if (!synced || image.revision === 0) return;
    for (const { tp } of logManager.allLogs()) {
      if (wanted.has(tpKey(tp))) continue;
      this.hosted.delete(tpKey(tp));
      await logManager.deleteLog(tp);
      this.options.logger.info(
        { topic: tp.topic, partition: tp.partition },
        "deleted the log of a partition no longer hosted here",
      );
    }
  }

  private configFor(topic: string, configs: Readonly<Record<string, string>>): LogConfig {
    try {
      return logConfigFromProperties(configs, this.options.logDefaults);
    } catch (e) {
      // The controller validated these; a bad value here was written around it. Serve on defaults.
      this.options.logger.error(
        { topic, err: (e as Error).message },
        "invalid topic config in metadata; using broker defaults",
      );
      return this.options.logDefaults;
    }
  }

  /** The hosted partition for `tp`, creating or replacing its log as the topic id requires. */
  private async host(tp: TopicPartition, topicId: string, config: LogConfig): Promise<HostedPartition> {
    const key = tpKey(tp);
    const existing = this.hosted.get(key);
    if (existing && existing.topicId === topicId) {
      existing.log.updateConfig(config);
      return existing;
    }
    const { logManager } = this.options;
    let log = logManager.getLog(tp);
    if (log) {
      const recorded = readPartitionMetadata(log.dir);
      if (recorded !== null && recorded !== topicId) {
        this.options.logger.info(
          { topic: tp.topic, partition: tp.partition, recorded, topicId },
          "topic was recreated; deleting the old log",
        );
        this.hosted.delete(key);
        await logManager.deleteLog(tp);
        log = undefined;
      }
    }
    if (!log) log = logManager.getOrCreateLog(tp, config);
    log.updateConfig(config);
    writePartitionMetadata(log.dir, topicId);
    const hosted: HostedPartition = {
      tp,
      topicId,
      log,
      role: "follower",
      leader: NO_LEADER,
      leaderEpoch: -1,
      replicas: [],
      isr: [],
    };
    this.hosted.set(key, hosted);
    return hosted;
  }

  private applyState(
    hosted: HostedPartition,
    replicas: number[],
    leader: number,
    leaderEpoch: number,
    isr: number[],
  ): void {
    // An older state than one already applied (a watch replaying history) must not win.
    if (leaderEpoch < hosted.leaderEpoch) return;
    const role: ReplicaRole = leader === this.options.brokerId ? "leader" : "follower";
    if (role !== hosted.role || leaderEpoch !== hosted.leaderEpoch) {
      this.options.logger.info(
        { topic: hosted.tp.topic, partition: hosted.tp.partition, role, leader, leaderEpoch },
        role === "leader" ? "became leader" : "became follower",
      );
    }
    hosted.role = role;
    hosted.leader = leader;
    hosted.leaderEpoch = leaderEpoch;
    hosted.replicas = replicas;
    hosted.isr = isr;
  }

  /** The partition, when this broker leads it; otherwise the error a client should see. */
  leaderFor(tp: TopicPartition): HostedPartition {
    const hosted = this.hosted.get(tpKey(tp));
    if (!hosted)
      throw new TidelogError(
        "UNKNOWN_TOPIC_OR_PARTITION",
        `${tpKey(tp)} is not hosted on broker ${this.options.brokerId}`,
      );
    if (hosted.role !== "leader") {
      throw new TidelogError(
        "NOT_LEADER_OR_FOLLOWER",
        `broker ${this.options.brokerId} is not the leader of ${tpKey(tp)} (leader ${hosted.leader})`,
      );
    }
    if (this.options.isFenced()) {
      throw new TidelogError(
        "NOT_LEADER_OR_FOLLOWER",
        `broker ${this.options.brokerId} lost its etcd session and may have been replaced as leader of ${tpKey(tp)}`,
      );
    }
    return hosted;
  }
}
