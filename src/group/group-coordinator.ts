/**
 * The group coordinator of one broker: it serves the groups whose home partition of
 * __consumer_offsets this broker leads.
 *
 * Becoming leader of such a partition (seen after each replica reconciliation), it loads
 * the partition: replays every record from the log start to the log end into memory
 * (committed offsets, and each group's last snapshot), answering
 * COORDINATOR_LOAD_IN_PROGRESS meanwhile. Losing the leadership (or the epoch moving
 * on) drops that state at once; requests then get NOT_COORDINATOR and clients look the
 * coordinator up again.
 *
 * Every change is written to the partition with acks=all before it is answered, so a new
 * coordinator sees everything a member was ever told: heartbeats that change membership
 * or assignment write the group's snapshot; commits write one record per partition.
 * Operations on one group run one at a time (a queue per group, bounded); a failed
 * write puts the group back as it was, and the client retries.
 */

import {
  CONTROL_FLAG,
  decodeRecordBatches,
  encodeRecordBatch,
  endTransactionMarkerOf,
  TidelogError,
  TRANSACTIONAL_FLAG,
} from "@tidelog/client/record";
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { Clock } from "../common/clock.js";
import { KeyedQueue } from "../common/keyed-queue.js";
import type { Logger } from "../common/logger.js";
import { PeriodicTask } from "../common/periodic-task.js";
import { rethrowIfInvariantViolation } from "../common/server-error.js";
import { parseTpKey, topicPartitionKey } from "../common/topic-partition.js";
import { reconcileCoordinatorShards } from "../replication/coordinator-shards.js";
import { ACKS_ALL, type Partition } from "../replication/partition.js";
import type { ReplicaManager } from "../replication/replica-manager.js";
import { type CommittedOffset, ConsumerGroup, type GroupState, type HeartbeatInput } from "./consumer-group.js";
import { OFFSETS_TOPIC, offsetsPartitionFor } from "./group-partition.js";
import { groupKey, groupValue, offsetKey, offsetValue, parseGroupRecord } from "./group-records.js";

export interface GroupCoordinatorConfig {
  /** Members per group (group.consumer.max.size). */
  readonly maxGroupSize: number;
  /** The heartbeat interval members are told to use (group.consumer.heartbeat.interval.ms). */
  readonly heartbeatIntervalMs: number;
  /** How long a write to __consumer_offsets may take (offsets.commit.timeout.ms). */
  readonly writeTimeoutMs: number;
  /** Bytes of metadata per committed offset (offset.metadata.max.bytes). */
  readonly offsetMetadataMaxBytes: number;
}

export interface GroupCoordinatorDeps {
  readonly brokerId: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly replicas: ReplicaManager;
  readonly image: () => MetadataImage;
  readonly config: GroupCoordinatorConfig;
}

/** One partition of __consumer_offsets led here, and the groups it holds. */
interface Shard {
  readonly partition: number;
  readonly leaderEpoch: number;
  loading: boolean;
  readonly groups: Map<string, ConsumerGroup>;
}

export interface CommitItem {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
}

export interface GroupSummary {
  readonly groupId: string;
  readonly state: GroupState;
  readonly members: number;
}

/** Operations queued on one group before new ones are refused (clients retry). */
const QUEUED_PER_GROUP_MAX = 1000;
/** Bytes read per step while loading a partition; the loop yields between steps. */
const LOAD_READ_BYTES = 1024 * 1024;
/** How often silent members are looked for. */
const EXPIRY_CHECK_MS = 200;

export class GroupCoordinator {
  private readonly shards = new Map<number, Shard>();
  private readonly queue = new KeyedQueue(
    QUEUED_PER_GROUP_MAX,
    (id) => new TidelogError("COORDINATOR_NOT_AVAILABLE", `too many requests queued for group ${id}`),
  );
  private expiry: PeriodicTask | null = null;

  constructor(private readonly deps: GroupCoordinatorDeps) {}

  start(): void {
    this.expiry = new PeriodicTask({
      clock: this.deps.clock,
      intervalMs: EXPIRY_CHECK_MS,
      run: () => this.expireMembers(),
      onError: (e) => this.deps.logger.warn({ err: (e as Error).message }, "member expiry failed"),
    });
    this.expiry.start();
  }

  stop(): void {
    void this.expiry?.stop();
    this.shards.clear();
  }

  // ------------------------------------------------------------------ leadership

  /** Loads partitions of __consumer_offsets newly led here and drops those no longer led. */
  onReconciled(): void {
    reconcileCoordinatorShards(this.shards, {
      topic: OFFSETS_TOPIC,
      replicas: this.deps.replicas,
      logger: this.deps.logger,
      describe: (shard) => ({ groups: shard.groups.size }),
      create: (partition, leaderEpoch): Shard => ({ partition, leaderEpoch, loading: true, groups: new Map() }),
      load: (shard, partition) => this.load(shard, partition),
    });
  }

  private async load(shard: Shard, partition: Partition): Promise<void> {
    const started = this.deps.clock.nowMs();
    const log = partition.log;
    const end = log.logEndOffset;
    const groups = new Map<string, ConsumerGroup>();
    const group = (id: string) => {
      let g = groups.get(id);
      if (!g) {
        g = new ConsumerGroup(id);
        groups.set(id, g);
      }
      return g;
    };
    let records = 0;
    let skipped = 0;
    for (let offset = log.logStartOffset; offset < end; ) {
      const read = log.read(offset, { maxBytes: LOAD_READ_BYTES, upperOffset: end, minOneBatch: true });
      if (read.records.length === 0) break;
      for (const batch of decodeRecordBatches(read.records)) {
        const { attributes, producerId } = batch.header;
        if (attributes & CONTROL_FLAG) {
          // A transaction's marker: its offsets become committed, or go.
          const marker = endTransactionMarkerOf(batch);
          for (const g of groups.values()) g.completeTxnOffsets(producerId, marker?.type === "commit");
          continue;
        }
        const transactional = (attributes & TRANSACTIONAL_FLAG) !== 0;
        for (const r of batch.records) {
          records++;
          try {
            const rec = parseGroupRecord(r.key, r.value);
            if (rec.kind === "offset" && transactional) {
              if (rec.value)
                pendingOf(group(rec.groupId), producerId).set(topicPartitionKey(rec.topic, rec.partition), rec.value);
            } else if (rec.kind === "offset") {
              const key = topicPartitionKey(rec.topic, rec.partition);
              if (rec.value) group(rec.groupId).offsets.set(key, rec.value);
              else groups.get(rec.groupId)?.offsets.delete(key);
            } else if (rec.value) {
              group(rec.groupId).restore(rec.value, this.deps.clock.nowMs());
            } else {
              groups.delete(rec.groupId);
            }
          } catch (e) {
            skipped++;
            this.deps.logger.warn({ offset: r.offset, err: (e as Error).message }, "skipping unreadable group record");
          }
        }
      }
      offset = read.nextOffset;
      // Yield, so a long load does not hold up other requests.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.shards.get(shard.partition) !== shard) return;
    }
    const now = this.deps.clock.nowMs();
    for (const [id, g] of groups) {
      if (g.members.size === 0 && g.offsets.size === 0 && g.pendingTxnOffsets.size === 0) continue;
      // Sessions restart now: members get a full session timeout to find the new coordinator.
      for (const m of g.members.values()) m.lastHeartbeatMs = now;
      shard.groups.set(id, g);
    }
    shard.loading = false;
    this.deps.logger.info(
      { partition: shard.partition, groups: shard.groups.size, records, skipped, ms: now - started },
      "loaded group state",
    );
  }

  // ------------------------------------------------------------------ requests

  /** The partition of __consumer_offsets holding `groupId`, or COORDINATOR_NOT_AVAILABLE. */
  partitionFor(groupId: string): number {
    const topic = this.deps.image().topics.get(OFFSETS_TOPIC);
    if (!topic) throw new TidelogError("COORDINATOR_NOT_AVAILABLE", `${OFFSETS_TOPIC} does not exist yet`);
    return offsetsPartitionFor(groupId, topic.value.assignment.length);
  }

  heartbeat(
    groupId: string,
    input: HeartbeatInput,
  ): Promise<{ memberId: string; memberEpoch: number; assignment: ReadonlySet<string>; heartbeatIntervalMs: number }> {
    return this.withGroup(groupId, async (shard, partition) => {
      const existing = shard.groups.get(groupId);
      const group = existing ?? new ConsumerGroup(groupId);
      if (
        input.memberEpoch === 0 &&
        !group.members.has(input.memberId) &&
        group.members.size >= this.deps.config.maxGroupSize
      ) {
        const returning =
          input.instanceId !== null && [...group.members.values()].some((m) => m.instanceId === input.instanceId);
        if (!returning) {
          throw new TidelogError(
            "GROUP_MAX_SIZE_REACHED",
            `group ${groupId} has ${group.members.size} members (group.consumer.max.size)`,
          );
        }
      }
      const before = group.snapshot();
      const now = this.deps.clock.nowMs();
      const { result, changed } = group.heartbeat(input, now, (topic) => this.partitionCount(topic));
      group.checkInvariants();
      if (changed) {
        try {
          await this.write(partition, [{ key: groupKey(groupId), value: groupValue(group.snapshot()) }]);
        } catch (e) {
          group.restore(before, now);
          throw e;
        }
      }
      if (!existing) shard.groups.set(groupId, group);
      return {
        ...result,
        heartbeatIntervalMs: Math.max(
          1,
          Math.min(this.deps.config.heartbeatIntervalMs, Math.floor(input.sessionTimeoutMs / 3)),
        ),
      };
    });
  }

  /** Stores offsets; per-item errors for items refused on their own, a thrown error when nothing is stored. */
  commit(
    groupId: string,
    memberId: string,
    memberEpoch: number,
    items: readonly CommitItem[],
  ): Promise<(TidelogError | null)[]> {
    return this.withGroup(groupId, async (shard, partition) => {
      let group = shard.groups.get(groupId);
      if (!group) {
        if (memberId !== "") throw new TidelogError("UNKNOWN_MEMBER_ID", `group ${groupId} has no member ${memberId}`);
        group = new ConsumerGroup(groupId);
      }
      group.checkCommit(memberId, memberEpoch);
      return this.storeOffsets(shard, partition, group, items, null);
    });
  }

  /**
   * TxnOffsetCommit: offsets written inside `producerId`'s transaction (a transactional
   * batch at its epoch, so a fenced producer's commit is refused by the log), held pending
   * until the transaction's marker reaches this partition. A member id and epoch, when
   * given, must be the member's current ones (KIP-447: a zombie from before a rebalance
   * cannot commit).
   */
  txnCommit(
    groupId: string,
    producer: { producerId: number; producerEpoch: number },
    member: { memberId: string; memberEpoch: number },
    items: readonly CommitItem[],
  ): Promise<(TidelogError | null)[]> {
    return this.withGroup(groupId, async (shard, partition) => {
      const group = shard.groups.get(groupId);
      if (member.memberId !== "") {
        if (!group) throw new TidelogError("UNKNOWN_MEMBER_ID", `group ${groupId} has no member ${member.memberId}`);
        group.checkCommit(member.memberId, member.memberEpoch);
      }
      return this.storeOffsets(shard, partition, group ?? new ConsumerGroup(groupId), items, producer);
    });
  }

  /**
   * Writes the items that pass their own checks (acks=all) and then holds them: as the
   * group's committed offsets, or, inside `transaction`, as that producer's pending ones.
   */
  private async storeOffsets(
    shard: Shard,
    partition: Partition,
    group: ConsumerGroup,
    items: readonly CommitItem[],
    transaction: { producerId: number; producerEpoch: number } | null,
  ): Promise<(TidelogError | null)[]> {
    const now = this.deps.clock.nowMs();
    const results = items.map((item) => this.checkCommitItem(item));
    const accepted = items.filter((_, i) => results[i] === null);
    if (accepted.length === 0) return results;
    const values: CommittedOffset[] = accepted.map((item) => ({
      offset: item.offset,
      leaderEpoch: item.leaderEpoch,
      metadata: item.metadata,
      commitTimestamp: now,
    }));
    await this.write(
      partition,
      accepted.map((item, i) => ({
        key: offsetKey(group.groupId, item.topic, item.partition),
        value: offsetValue(values[i] as CommittedOffset),
      })),
      transaction ?? undefined,
    );
    const target = transaction ? pendingOf(group, transaction.producerId) : group.offsets;
    accepted.forEach((item, i) => {
      target.set(topicPartitionKey(item.topic, item.partition), values[i] as CommittedOffset);
    });
    if (!shard.groups.has(group.groupId)) shard.groups.set(group.groupId, group);
    return results;
  }

  /** A marker written to a led __consumer_offsets partition: apply or drop that producer's pending offsets. */
  onTxnMarker(partitionNumber: number, producerId: number, commit: boolean): void {
    const shard = this.shards.get(partitionNumber);
    if (!shard || shard.loading) return;
    for (const group of shard.groups.values()) {
      const n = group.completeTxnOffsets(producerId, commit);
      if (n > 0) {
        this.deps.logger.debug(
          { group: group.groupId, producerId, commit, offsets: n },
          "transactional offsets completed",
        );
      }
    }
  }

  private checkCommitItem(item: CommitItem): TidelogError | null {
    if (!Number.isSafeInteger(item.offset) || item.offset < 0) {
      return new TidelogError(
        "INVALID_REQUEST",
        `offset ${item.offset} for ${item.topic}-${item.partition} is not valid`,
      );
    }
    if (Buffer.byteLength(item.metadata) > this.deps.config.offsetMetadataMaxBytes) {
      return new TidelogError(
        "OFFSET_METADATA_TOO_LARGE",
        `metadata of ${Buffer.byteLength(item.metadata)} bytes; offset.metadata.max.bytes is ${this.deps.config.offsetMetadataMaxBytes}`,
      );
    }
    const count = this.partitionCount(item.topic);
    if (count === undefined || item.partition < 0 || item.partition >= count) {
      return new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `${item.topic}-${item.partition} does not exist`);
    }
    return null;
  }

  /** Committed offsets of `groupId`: the given partitions, or all of them. */
  fetchOffsets(
    groupId: string,
    partitions: ReadonlyArray<{ topic: string; partition: number }> | null,
    requireStable = false,
  ): { topic: string; partition: number; committed: CommittedOffset | null }[] {
    const { shard } = this.locate(groupId);
    const group = shard.groups.get(groupId);
    if (requireStable && group && group.pendingTxnOffsets.size > 0) {
      const keys = partitions === null ? null : partitions.map((tp) => topicPartitionKey(tp.topic, tp.partition));
      const unstable =
        keys === null
          ? [...group.pendingTxnOffsets.values()].some((m) => m.size > 0)
          : keys.some((k) => group.hasPendingOffset(k));
      if (unstable) {
        throw new TidelogError(
          "UNSTABLE_OFFSET_COMMIT",
          `group ${groupId} has offsets committed in a transaction that is not complete yet; retry`,
        );
      }
    }
    if (partitions === null) {
      return [...(group?.offsets ?? new Map<string, CommittedOffset>())].map(([key, committed]) => ({
        ...parseTpKey(key),
        committed,
      }));
    }
    return partitions.map((tp) => ({
      ...tp,
      committed: group?.offsets.get(topicPartitionKey(tp.topic, tp.partition)) ?? null,
    }));
  }

  /** The group as the coordinator holds it; GROUP_ID_NOT_FOUND when it has neither members nor offsets. */
  describe(groupId: string): ConsumerGroup {
    const { shard } = this.locate(groupId);
    const group = shard.groups.get(groupId);
    if (!group) throw new TidelogError("GROUP_ID_NOT_FOUND", `group ${groupId} does not exist`);
    return group;
  }

  /** Every group this broker coordinates and has loaded (read-only use: metrics). */
  *loadedGroups(): Iterable<ConsumerGroup> {
    for (const shard of this.shards.values()) if (!shard.loading) yield* shard.groups.values();
  }

  list(): GroupSummary[] {
    const out: GroupSummary[] = [];
    for (const shard of this.shards.values()) {
      if (shard.loading) continue;
      for (const g of shard.groups.values()) out.push({ groupId: g.groupId, state: g.state, members: g.members.size });
    }
    return out.sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  }

  /** Deletes an empty group and its committed offsets. */
  deleteGroup(groupId: string): Promise<void> {
    return this.withGroup(groupId, async (shard, partition) => {
      const group = shard.groups.get(groupId);
      if (!group) throw new TidelogError("GROUP_ID_NOT_FOUND", `group ${groupId} does not exist`);
      if (group.members.size > 0) {
        throw new TidelogError("NON_EMPTY_GROUP", `group ${groupId} has ${group.members.size} active member(s)`);
      }
      const tombstones = [...group.offsets.keys()].map((key) => {
        const tp = parseTpKey(key);
        return { key: offsetKey(groupId, tp.topic, tp.partition), value: null };
      });
      await this.write(partition, [...tombstones, { key: groupKey(groupId), value: null }]);
      shard.groups.delete(groupId);
    });
  }

  // ------------------------------------------------------------------ internals

  private partitionCount(topic: string): number | undefined {
    return this.deps.image().topics.get(topic)?.value.assignment.length;
  }

  /** The shard and leader partition for `groupId`, or the error that sends the client elsewhere. */
  private locate(groupId: string): { shard: Shard; partition: Partition } {
    const n = this.partitionFor(groupId);
    const shard = this.shards.get(n);
    if (!shard) {
      throw new TidelogError("NOT_COORDINATOR", `broker ${this.deps.brokerId} does not coordinate group ${groupId}`);
    }
    if (shard.loading) {
      throw new TidelogError("COORDINATOR_LOAD_IN_PROGRESS", `loading ${OFFSETS_TOPIC}-${n}; try again shortly`);
    }
    let partition: Partition;
    try {
      partition = this.deps.replicas.leaderFor({ topic: OFFSETS_TOPIC, partition: n });
    } catch (e) {
      throw new TidelogError("NOT_COORDINATOR", (e as Error).message);
    }
    if (partition.leaderEpoch !== shard.leaderEpoch) {
      throw new TidelogError("NOT_COORDINATOR", `leadership of ${OFFSETS_TOPIC}-${n} moved`);
    }
    return { shard, partition };
  }

  /** Runs `fn` after every earlier operation on the same group has finished. */
  private withGroup<T>(groupId: string, fn: (shard: Shard, partition: Partition) => Promise<T>): Promise<T> {
    return this.queue.run(groupId, async () => {
      const { shard, partition } = this.locate(groupId);
      return fn(shard, partition);
    });
  }

  /** Appends records to the group's partition and waits until every in-sync replica has them. */
  private async write(
    partition: Partition,
    records: { key: Buffer; value: Buffer | null }[],
    transaction?: { producerId: number; producerEpoch: number },
  ): Promise<void> {
    const batch = encodeRecordBatch({
      records,
      defaultTimestamp: this.deps.clock.nowMs(),
      // Written for the producer, inside its transaction: fenced by its epoch, not numbered.
      ...(transaction
        ? {
            producerId: transaction.producerId,
            producerEpoch: transaction.producerEpoch,
            baseSequence: -1,
            transactional: true,
          }
        : {}),
    });
    try {
      // The epoch this coordinator loaded the partition at: refused if leadership moved since.
      const leaderEpoch = this.shards.get(partition.tp.partition)?.leaderEpoch ?? -1;
      await partition.appendRecordsAsLeader(batch, ACKS_ALL, this.deps.config.writeTimeoutMs, leaderEpoch);
    } catch (e) {
      rethrowIfInvariantViolation(e);
      const code = e instanceof TidelogError ? e.code : "UNKNOWN_SERVER_ERROR";
      if (code === "NOT_LEADER_OR_FOLLOWER") throw new TidelogError("NOT_COORDINATOR", (e as Error).message);
      if (code === "MESSAGE_TOO_LARGE" || code === "RECORD_LIST_TOO_LARGE") throw e;
      // Not enough replicas, a timeout, a storage error: the coordinator may recover; retry.
      throw new TidelogError("COORDINATOR_NOT_AVAILABLE", `writing ${partition.key} failed: ${(e as Error).message}`);
    }
  }

  private async expireMembers(): Promise<void> {
    const now = this.deps.clock.nowMs();
    for (const shard of [...this.shards.values()]) {
      if (shard.loading) continue;
      for (const group of [...shard.groups.values()]) {
        const due = [...group.members.values()].some(
          (m) => now - m.lastHeartbeatMs > m.sessionTimeoutMs || (m.revoking.size > 0 && now > m.revokeDeadlineMs),
        );
        if (!due) continue;
        await this.withGroup(group.groupId, async (_s, partition) => {
          const before = group.snapshot();
          const removed = group.expire(this.deps.clock.nowMs());
          if (removed.length === 0) return;
          try {
            await this.write(partition, [{ key: groupKey(group.groupId), value: groupValue(group.snapshot()) }]);
          } catch (e) {
            group.restore(before, now);
            throw e;
          }
          for (const r of removed) {
            this.deps.logger.info({ group: group.groupId, member: r.memberId, reason: r.reason }, "member removed");
          }
        }).catch((e: unknown) =>
          this.deps.logger.warn({ group: group.groupId, err: (e as Error).message }, "could not expire members"),
        );
      }
    }
  }
}

function pendingOf(group: ConsumerGroup, producerId: number): Map<string, CommittedOffset> {
  let pending = group.pendingTxnOffsets.get(producerId);
  if (!pending) {
    pending = new Map();
    group.pendingTxnOffsets.set(producerId, pending);
  }
  return pending;
}
