/**
 * An in-memory copy of the cluster metadata at one etcd revision: brokers, topics,
 * partition states and ACL bindings, each with the etcd revisions needed for compare-and-swap.
 *
 * Built from a full read (`fromEntries`) and moved forward by watch events (`apply`).
 * A value that fails validation is logged and left out, so a hand-edited key cannot
 * crash a broker; the controller rewrites what it owns on its next reconcile.
 *
 * Not safe for concurrent mutation; one MetadataWatch owns it.
 */

import type { Logger } from "../common/logger.js";
import { topicPartitionKey } from "../common/topic-partition.js";
import type { KvEvent } from "./metadata-kv.js";
import {
  type AclRecord,
  type BrokerRecord,
  keys,
  type ParseResult,
  type PartitionState,
  parseAclRecord,
  parseBrokerRecord,
  parsePartitionState,
  parsePartitionStateKey,
  parseQuotaRecord,
  parseReassignmentThrottle,
  parseTopicRecord,
  parseUserRecord,
  type QuotaRecord,
  type TopicRecord,
  type UserRecord,
} from "./metadata-records.js";

export interface Versioned<T> {
  readonly value: T;
  readonly modRevision: number;
  readonly createRevision: number;
}

/** A key of the metadata as read or watched: a store entry, or a change (value null: a deletion). */
export type MetadataEntry = KvEvent;

/** A position in a MetadataImage's change feed. */
export interface ChangeCursor {
  readonly partitions: number;
  readonly others: number;
}

/** Partition changes an image keeps for incremental consumers (each a key string). */
const PARTITION_CHANGES_MAX = 65_536;

export class MetadataImage {
  readonly brokers = new Map<number, Versioned<BrokerRecord>>();
  readonly topics = new Map<string, Versioned<TopicRecord>>();
  /** By `topic/partition`. */
  readonly partitions = new Map<string, Versioned<PartitionState>>();
  /** Controller election candidates by key: the broker id each campaigns for. */
  readonly candidates = new Map<string, Versioned<number>>();
  /** Bytes/s each leader may send to replicas being added by reassignments; 0: unthrottled. */
  reassignmentThrottle = 0;
  /** The throttle key's mod revision (0 when absent), for compare-and-swap. */
  reassignmentThrottleRevision = 0;
  /** ACL bindings by id (the `acls/<id>` key's last part). */
  readonly acls = new Map<string, Versioned<AclRecord>>();
  /**
   * Bumped by every change to `acls`, so the authorizer rebuilds its index only when the
   * ACLs changed (security/acl-cache.ts), not at every partition change.
   */
  aclsVersion = 0;
  /** Client quotas by entity id (the `quotas/<entity>` key's last part). */
  readonly quotas = new Map<string, Versioned<QuotaRecord>>();
  /** Bumped by every change to `quotas`, as `aclsVersion` is for the ACLs. */
  quotasVersion = 0;
  /** SCRAM credentials by user name (decoded from the `users/<name>` key). */
  readonly users = new Map<string, Versioned<UserRecord>>();
  revision = 0;
  /**
   * The change feed, for a consumer that follows this image incrementally: keys of the
   * partition states `apply` changed, oldest first (`changedBase` is the position of the
   * first kept), and a count of every other change (brokers, topics, elections, the
   * throttle), after which a consumer must look at everything again.
   */
  private readonly changedPartitions: string[] = [];
  private changedBase = 0;
  private otherChanges = 0;

  constructor(private readonly logger: Logger) {}

  static fromEntries(entries: readonly MetadataEntry[], revision: number, logger: Logger): MetadataImage {
    const image = new MetadataImage(logger);
    for (const e of entries) image.apply(e);
    image.revision = revision;
    // A fresh image is read whole by its consumers: its feed starts empty.
    image.changedBase += image.changedPartitions.length;
    image.changedPartitions.length = 0;
    return image;
  }

  /** Where this image's change feed is now: give it to `partitionChangesSince` later. */
  get changeCursor(): ChangeCursor {
    return { partitions: this.changedBase + this.changedPartitions.length, others: this.otherChanges };
  }

  /**
   * The partition keys (as in `partitions`) changed since `cursor`, possibly repeated; null
   * when something else changed meanwhile or the feed no longer reaches back that far
   * (then look at everything).
   */
  partitionChangesSince(cursor: ChangeCursor): readonly string[] | null {
    if (cursor.others !== this.otherChanges || cursor.partitions < this.changedBase) return null;
    return this.changedPartitions.slice(cursor.partitions - this.changedBase);
  }

  apply(e: MetadataEntry): void {
    if (e.modRevision > this.revision) this.revision = e.modRevision;
    if (e.key.startsWith(keys.partitionsPrefix)) {
      const tp = parsePartitionStateKey(e.key);
      if (tp) {
        const key = topicPartitionKey(tp.topic, tp.partition);
        this.changedPartitions.push(key);
        if (this.changedPartitions.length > PARTITION_CHANGES_MAX) {
          // Bounded: a consumer this far behind reads everything instead.
          const dropped = this.changedPartitions.splice(0, PARTITION_CHANGES_MAX / 2).length;
          this.changedBase += dropped;
        }
      }
    } else if (e.key.startsWith(keys.aclsPrefix)) {
      // Not an "other" change: consumers that re-read everything after one (replicas,
      // coordinators) have nothing to do for an ACL, which only the authorizer reads.
      this.aclsVersion++;
    } else if (e.key.startsWith(keys.quotasPrefix)) {
      this.quotasVersion++;
    } else if (e.key.startsWith(keys.usersPrefix)) {
      // Only authentication reads users: nothing for the replicas and coordinators to redo.
    } else {
      this.otherChanges++;
    }
    if (e.key.startsWith(keys.brokersPrefix)) {
      const id = Number(e.key.slice(keys.brokersPrefix.length));
      if (!Number.isSafeInteger(id)) {
        this.skip(e.key, "broker id is not an integer");
        return;
      }
      this.put(this.brokers, id, e, parseBrokerRecord);
    } else if (e.key.startsWith(keys.aclsPrefix)) {
      this.put(this.acls, e.key.slice(keys.aclsPrefix.length), e, parseAclRecord);
    } else if (e.key.startsWith(keys.quotasPrefix)) {
      this.put(this.quotas, e.key.slice(keys.quotasPrefix.length), e, parseQuotaRecord);
    } else if (e.key.startsWith(keys.usersPrefix)) {
      let name: string;
      try {
        name = decodeURIComponent(e.key.slice(keys.usersPrefix.length));
      } catch {
        this.skip(e.key, "user name is not URI-encoded");
        return;
      }
      this.put(this.users, name, e, parseUserRecord);
    } else if (e.key.startsWith(keys.topicsPrefix)) {
      this.put(this.topics, e.key.slice(keys.topicsPrefix.length), e, parseTopicRecord);
    } else if (e.key.startsWith(keys.electionPrefix)) {
      if (e.value === null) this.candidates.delete(e.key);
      else if (/^\d+$/.test(e.value)) {
        this.candidates.set(e.key, {
          value: Number(e.value),
          modRevision: e.modRevision,
          createRevision: e.createRevision,
        });
      } else this.skip(e.key, "election value is not a broker id");
    } else if (e.key === keys.reassignmentThrottle) {
      const parsed = e.value === null ? null : parseReassignmentThrottle(e.value);
      if (parsed && !parsed.ok) this.skip(e.key, parsed.why);
      this.reassignmentThrottle = parsed?.ok ? parsed.value.bytesPerSecond : 0;
      this.reassignmentThrottleRevision = e.value === null ? 0 : e.modRevision;
    } else if (e.key.startsWith(keys.partitionsPrefix)) {
      const tp = parsePartitionStateKey(e.key);
      if (!tp) {
        this.skip(e.key, "not a partitions/<topic>/<p> key");
        return;
      }
      this.put(this.partitions, topicPartitionKey(tp.topic, tp.partition), e, parsePartitionState);
    }
  }

  private put<K, T>(map: Map<K, Versioned<T>>, id: K, e: MetadataEntry, parse: (raw: string) => ParseResult<T>): void {
    if (e.value === null) {
      map.delete(id);
      return;
    }
    const parsed = parse(e.value);
    if (!parsed.ok) {
      map.delete(id);
      this.skip(e.key, parsed.why);
      return;
    }
    map.set(id, { value: parsed.value, modRevision: e.modRevision, createRevision: e.createRevision });
  }

  private skip(key: string, why: string): void {
    this.logger.warn({ key, why }, "ignoring an invalid metadata value");
  }

  /**
   * The elected controller: the candidate whose key etcd created first (the etcd3
   * election's rule), and its epoch, that key's create revision.
   */
  controller(): { brokerId: number; epoch: number } | null {
    let best: Versioned<number> | null = null;
    for (const c of this.candidates.values()) if (!best || c.createRevision < best.createRevision) best = c;
    return best ? { brokerId: best.value, epoch: best.createRevision } : null;
  }

  liveBrokerIds(): Set<number> {
    return new Set(this.brokers.keys());
  }

  /**
   * Each live broker's incarnation (BrokerRecord.incarnation): new at every restart, kept
   * across re-registrations of the same process. Partition states record these as their
   * members' "broker epochs".
   */
  brokerIncarnations(): Map<number, number> {
    return new Map([...this.brokers].map(([id, b]) => [id, b.value.incarnation ?? b.createRevision]));
  }

  /** Broker `id`'s incarnation if `epoch` is its live registration's broker epoch, else null. */
  incarnationAt(id: number, epoch: number): number | null {
    const b = this.brokers.get(id);
    return b && b.createRevision === epoch ? (b.value.incarnation ?? b.createRevision) : null;
  }

  /**
   * Live brokers that must not lead or stay in ISRs while others can: their log directory
   * cannot be written (`storageFailed`), or they are shutting down (`controlledShutdown`).
   */
  ineligibleBrokers(): Set<number> {
    const failed = new Set<number>();
    for (const [id, b] of this.brokers)
      if (b.value.storageFailed === true || b.value.controlledShutdown === true) failed.add(id);
    return failed;
  }

  partitionState(topic: string, partition: number): Versioned<PartitionState> | undefined {
    return this.partitions.get(topicPartitionKey(topic, partition));
  }

  /** Partition states of a topic that belong to its current incarnation (same topic id). */
  partitionsOf(
    topic: string,
  ): { partition: number; replicas: number[]; state: Versioned<PartitionState> | undefined }[] {
    const record = this.topics.get(topic)?.value;
    if (!record) return [];
    return record.assignment.map((replicas, partition) => {
      const state = this.partitionState(topic, partition);
      return { partition, replicas, state: state?.value.topicId === record.topicId ? state : undefined };
    });
  }
}
