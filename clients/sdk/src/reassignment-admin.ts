/**
 * Moving partitions between brokers (Kafka's AlterPartitionReassignments,
 * ListPartitionReassignments and DescribeLogDirs), for `Admin`. Starting or cancelling a
 * move is a controller write, retried item by item (controller-write.ts); the controller
 * then completes each move on its own once the new replicas are in sync. Listing moves
 * asks any broker; log directories are asked of every broker, since each answers for its
 * own disk.
 */
import { callAnyBroker, isAdminRetriable } from "./admin-retry.js";
import type { TopicDescription } from "./admin-types.js";
import { errorOf } from "./admin-wire.js";
import type { ClientContext } from "./client-context.js";
import { writeToController } from "./controller-write.js";
import { TidelogError } from "./errors.js";

/** One partition to move to `replicas` (preferred leader first), or, with `replicas` null, whose move to cancel. */
export interface PartitionReassignment {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[] | null;
}

export interface ReassignmentResult {
  readonly topic: string;
  readonly partition: number;
  readonly error: TidelogError | null;
}

export interface AlterReassignmentsOptions {
  /**
   * Bytes per second each leader may send to the replicas being added (the replication
   * throttle), for every move in the cluster; 0 removes it. Omitted: left as it is.
   */
  readonly throttleBytesPerSecond?: number;
}

/** A move in progress. */
export interface OngoingReassignment {
  readonly topic: string;
  readonly partition: number;
  readonly originalReplicas: readonly number[];
  readonly targetReplicas: readonly number[];
  readonly addingReplicas: readonly number[];
  readonly removingReplicas: readonly number[];
  /** The replica list while moving: the target's first, then those leaving. */
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** -1 when the partition has no leader. */
  readonly leader: number;
}

export interface ReassignmentListing {
  readonly reassignments: readonly OngoingReassignment[];
  /** null when reassignment traffic is not throttled. */
  readonly throttleBytesPerSecond: number | null;
}

/** The logs one broker holds. */
export interface BrokerLogDirs {
  readonly brokerId: number;
  readonly logDir: string;
  readonly replicas: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly sizeBytes: number;
    readonly logStartOffset: number;
    readonly logEndOffset: number;
    readonly leader: boolean;
  }[];
  readonly totalBytes: number;
  /** Free bytes of the log directory's file system; null when unknown. */
  readonly usableBytes: number | null;
  readonly capacityBytes: number | null;
  /** Set when the broker could not be asked; the figures are then empty. */
  readonly error: TidelogError | null;
}

/** One live broker with what it holds, as `tidelog brokers list` shows it. */
export interface BrokerListing {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
  readonly controller: boolean;
  /** Replicas assigned to it, over every topic (internal ones included). */
  readonly partitions: number;
  readonly leaders: number;
  /** Bytes of its logs; null when it could not be asked (`error` says why). */
  readonly bytes: number | null;
  readonly usableBytes: number | null;
  readonly error: TidelogError | null;
}

export class ReassignmentAdmin {
  constructor(private readonly ctx: ClientContext) {}

  alterPartitionReassignments(
    reassignments: readonly PartitionReassignment[],
    options: AlterReassignmentsOptions = {},
  ): Promise<ReassignmentResult[]> {
    const throttle = options.throttleBytesPerSecond ?? -1;
    if (!Number.isSafeInteger(throttle) || throttle < -1) {
      return Promise.reject(
        new TidelogError("INVALID_REQUEST", `throttleBytesPerSecond must be a whole number >= 0, got ${throttle}`),
      );
    }
    const key = (topic: string, partition: number) => `${topic}/${partition}`;
    const seen = new Set<string>();
    for (const r of reassignments) {
      if (seen.has(key(r.topic, r.partition)))
        return Promise.reject(
          new TidelogError("INVALID_REQUEST", `${r.topic}-${r.partition} appears more than once in the reassignments`),
        );
      seen.add(key(r.topic, r.partition));
    }
    return writeToController<PartitionReassignment, ReassignmentResult>(this.ctx, {
      operation: "alterPartitionReassignments",
      items: reassignments,
      oneResultPerItem: true,
      // Setting only the throttle is a request with no partitions.
      emptyMeansAll: throttle >= 0,
      keyOfItem: (r) => key(r.topic, r.partition),
      keyOfResult: (r) => key(r.topic, r.partition),
      itemOfResult: (r) => reassignments.find((i) => i.topic === r.topic && i.partition === r.partition)!,
      errorOf: (r) => r.error,
      failed: (r, error) => ({ topic: r.topic, partition: r.partition, error }),
      check: checkReassignment,
      send: async (address, items, deadlineMs) => {
        const res = await this.ctx.callAdmin(
          address,
          "alterPartitionReassignments",
          {
            reassignments: items.map((r) => ({
              topic: r.topic,
              partition: r.partition,
              replicas: [...(r.replicas ?? [])],
            })),
            throttleBytesPerSecond: throttle,
          },
          deadlineMs,
        );
        const error = errorOf(res.error);
        if (error?.code === "NOT_CONTROLLER") this.ctx.metadata.invalidate();
        if (error) throw error;
        return res.results.map((r) => ({ topic: r.topic, partition: r.partition, error: errorOf(r.error) }));
      },
    });
  }

  async listPartitionReassignments(topics: readonly string[] = []): Promise<ReassignmentListing> {
    const res = await callAnyBroker(this.ctx, "listPartitionReassignments", { topics: [...topics] });
    return {
      reassignments: res.reassignments.map((r) => ({
        topic: r.topic,
        partition: r.partition,
        originalReplicas: r.originalReplicas,
        targetReplicas: r.targetReplicas,
        addingReplicas: r.targetReplicas.filter((b) => !r.originalReplicas.includes(b)),
        removingReplicas: r.originalReplicas.filter((b) => !r.targetReplicas.includes(b)),
        replicas: r.replicas,
        isr: r.isr,
        leader: r.leader,
      })),
      throttleBytesPerSecond: res.throttleBytesPerSecond > 0 ? res.throttleBytesPerSecond : null,
    };
  }

  /** Every live broker with its replica and leader counts and the bytes it holds. */
  async listBrokers(describeTopics: () => Promise<readonly TopicDescription[]>): Promise<BrokerListing[]> {
    const [cluster, topics, dirs] = await Promise.all([
      this.ctx.retrier.run("describeCluster", (a) => this.ctx.metadata.refresh(a.deadlineMs), isAdminRetriable),
      describeTopics(),
      this.describeLogDirs(),
    ]);
    return cluster.brokers.map((b) => {
      let partitions = 0;
      let leaders = 0;
      for (const t of topics)
        for (const p of t.partitions) {
          if (p.replicas.includes(b.id)) partitions++;
          if (p.leader === b.id) leaders++;
        }
      const d = dirs.find((x) => x.brokerId === b.id);
      return {
        id: b.id,
        host: b.host,
        port: b.port,
        rack: b.rack === "" ? null : b.rack,
        controller: b.id === cluster.controllerId,
        partitions,
        leaders,
        bytes: d && d.error === null ? d.totalBytes : null,
        usableBytes: d && d.error === null ? d.usableBytes : null,
        error: d?.error ?? null,
      };
    });
  }

  /** Each live broker's logs (or those of `brokerIds`); a broker that cannot be asked carries its `error`. */
  async describeLogDirs(brokerIds: readonly number[] = []): Promise<BrokerLogDirs[]> {
    const cluster = await this.ctx.retrier.run(
      "describeCluster",
      (a) => this.ctx.metadata.refresh(a.deadlineMs),
      isAdminRetriable,
    );
    const unknown = brokerIds.filter((id) => !cluster.brokers.some((b) => b.id === id));
    if (unknown.length > 0)
      throw new TidelogError("BROKER_NOT_AVAILABLE", `broker(s) ${unknown.join(", ")} are not registered`);
    const brokers = cluster.brokers.filter((b) => brokerIds.length === 0 || brokerIds.includes(b.id));
    return Promise.all(
      brokers.map(async (b): Promise<BrokerLogDirs> => {
        try {
          const res = await this.ctx.callAdmin(
            b.address,
            "describeLogDirs",
            {},
            this.ctx.seams.nowMs() + this.ctx.attemptTimeoutMs,
          );
          const error = errorOf(res.error);
          if (error) throw error;
          return {
            brokerId: res.brokerId,
            logDir: res.logDir,
            replicas: res.replicas,
            totalBytes: res.totalBytes,
            usableBytes: res.usableBytes >= 0 ? res.usableBytes : null,
            capacityBytes: res.capacityBytes >= 0 ? res.capacityBytes : null,
            error: null,
          };
        } catch (error) {
          if (!(error instanceof TidelogError)) throw error;
          return {
            brokerId: b.id,
            logDir: "",
            replicas: [],
            totalBytes: 0,
            usableBytes: null,
            capacityBytes: null,
            error,
          };
        }
      }),
    );
  }
}

function checkReassignment(r: PartitionReassignment): TidelogError | null {
  if (typeof r.topic !== "string" || r.topic.length === 0)
    return new TidelogError("INVALID_REQUEST", "a reassignment needs a topic");
  if (!Number.isSafeInteger(r.partition) || r.partition < 0)
    return new TidelogError("INVALID_REQUEST", `${r.topic}: partition must be a whole number >= 0, got ${r.partition}`);
  if (r.replicas === null) return null;
  if (r.replicas.length === 0)
    return new TidelogError(
      "INVALID_REPLICA_ASSIGNMENT",
      `${r.topic}-${r.partition}: the replica list is empty (null cancels a move)`,
    );
  if (!r.replicas.every((b) => Number.isSafeInteger(b) && b >= 0))
    return new TidelogError(
      "INVALID_REPLICA_ASSIGNMENT",
      `${r.topic}-${r.partition}: broker ids must be whole numbers >= 0`,
    );
  if (new Set(r.replicas).size !== r.replicas.length)
    return new TidelogError(
      "INVALID_REPLICA_ASSIGNMENT",
      `${r.topic}-${r.partition}: a broker appears twice in [${r.replicas}]`,
    );
  return null;
}
