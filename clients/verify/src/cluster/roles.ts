/**
 * Who holds a role in a cluster now, from the cluster's own metadata through the SDK's
 * admin API: the controller (describeCluster), a partition's leader (describeTopic), and
 * a transactional id's coordinator, which is the leader of the __transaction_state
 * partition the id hashes to (abs(javaHash(id)) mod partitions, as Kafka and the broker's
 * src/txn/transaction-coordinator.ts place them).
 *
 * Every answer may be stale by the time it is used (a fault picks its target with it,
 * not a safety property). "Unknown" is null: a cluster in the middle of a fault often
 * cannot answer, and the nemesis then picks another target or skips.
 */
import type { Admin } from "@tidelog/client";
import type { PartitionRoles } from "./types.js";

const TRANSACTION_STATE_TOPIC = "__transaction_state";

/** Java's String.hashCode, on UTF-16 code units. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The __transaction_state partition of a transactional id. */
export function transactionPartitionFor(transactionalId: string, partitionCount: number): number {
  const h = javaStringHash(transactionalId);
  // Kafka's Utils.abs maps Integer.MIN_VALUE to 0 rather than overflowing.
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitionCount;
}

export class ClusterRoles {
  constructor(private readonly admin: Admin) {}

  async controllerId(): Promise<number | null> {
    try {
      return (await this.admin.describeCluster()).controllerId;
    } catch {
      return null;
    }
  }

  /** Ids of the brokers registered now (sorted), or null when no broker answers. */
  async registeredBrokers(): Promise<number[] | null> {
    try {
      return (await this.admin.describeCluster()).brokers.map((b) => b.id).sort((a, b) => a - b);
    } catch {
      return null;
    }
  }

  async leaderOf(topic: string, partition: number): Promise<number | null> {
    return (await this.partition(topic, partition))?.leader ?? null;
  }

  /** A partition's roles, or null when unknown. */
  async partition(topic: string, partition: number): Promise<PartitionRoles | null> {
    return (await this.partitionsOf([topic])).find((p) => p.partition === partition) ?? null;
  }

  /** Every partition of `topics` (every topic when empty) with its roles; none when nobody answers. */
  async partitionsOf(topics: readonly string[]): Promise<PartitionRoles[]> {
    try {
      const described = await this.admin.describeTopics(topics);
      return described.flatMap((t) =>
        t.partitions.map((p) => ({
          topic: t.name,
          partition: p.partition,
          leader: p.leader,
          replicas: [...p.replicas],
          isr: [...p.isr],
        })),
      );
    } catch {
      return [];
    }
  }

  async transactionCoordinatorOf(transactionalId: string): Promise<number | null> {
    try {
      const state = await this.admin.describeTopic(TRANSACTION_STATE_TOPIC);
      if (state.error !== null || state.partitions.length === 0) return null;
      const partition = transactionPartitionFor(transactionalId, state.partitions.length);
      return state.partitions.find((p) => p.partition === partition)?.leader ?? null;
    } catch {
      return null;
    }
  }
}
