/**
 * Consumer group administration, behind `client.admin()`: list, describe (members,
 * assignments, committed offsets, log end offsets and lag), delete, and reset offsets.
 *
 * Groups live on their coordinators: listing asks every broker and merges; everything
 * about one group goes to its coordinator (see group-rpc.ts). Lag is the log end offset
 * (high watermark) minus the committed offset, read from each partition's leader; lag in
 * seconds is the age of the oldest unconsumed record (the one at the committed offset,
 * fetched from the leader), which is what an operator pages on whatever the record rate.
 */
import type { ClientContext } from "./client-context.js";
import type { TopicPartition } from "./consumer-types.js";
import { TidelogError } from "./errors.js";
import { errorFromInfo } from "./protocol/grpc.js";
import type { wire } from "./protocol/index.js";
import { firstRecordTimestamp } from "./record/record-timestamp.js";

/** Bytes read per partition to find the timestamp of its oldest unconsumed record (whole first batch at least). */
const LAG_READ_BYTES = 64 * 1024;

export interface GroupListing {
  readonly groupId: string;
  readonly state: string;
  readonly members: number;
  readonly coordinatorId: number;
}

export interface GroupMemberDescription {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly clientId: string;
  readonly memberEpoch: number;
  readonly subscribedTopics: string[];
  readonly assignment: TopicPartition[];
  readonly targetAssignment: TopicPartition[];
}

export interface GroupDescription {
  readonly groupId: string;
  /** "empty", "assigning", "reconciling" or "stable". */
  readonly state: string;
  readonly groupEpoch: number;
  readonly assignmentEpoch: number;
  readonly assignor: string;
  readonly coordinatorId: number;
  readonly members: GroupMemberDescription[];
}

export interface GroupPartitionOffsets extends TopicPartition {
  /** -1 when nothing is committed. */
  readonly committed: number;
  readonly logEndOffset: number;
  /** logEndOffset - committed; null when nothing is committed. */
  readonly lag: number | null;
  /**
   * Age in seconds of the oldest unconsumed record (now minus the timestamp of the record
   * at the committed offset); 0 when nothing is unconsumed, null when nothing is
   * committed or the record could not be read.
   */
  readonly lagSeconds: number | null;
  /** The member owning the partition now, if any. */
  readonly memberId: string | null;
}

export interface GroupStatus {
  readonly description: GroupDescription | null;
  readonly offsets: GroupPartitionOffsets[];
  /** Sum of the lag of the partitions that have a commit. */
  readonly totalLag: number;
  /** The largest lagSeconds of any partition; null when none is known. */
  readonly maxLagSeconds: number | null;
}

/** Where reset-offsets moves a group's positions. */
export type OffsetResetSpec =
  | { readonly to: "earliest" }
  | { readonly to: "latest" }
  | { readonly to: "datetime"; readonly timestamp: number }
  | { readonly to: "offset"; readonly offset: number }
  | { readonly shiftBy: number };

export interface OffsetResetPlan extends TopicPartition {
  readonly current: number;
  readonly target: number;
}

function flatten(list: ReadonlyArray<{ topic: string; partitions: readonly number[] }>): TopicPartition[] {
  return list.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
}

export class GroupAdmin {
  constructor(private readonly ctx: ClientContext) {}

  /** Every group of every coordinator; brokers that cannot be reached are skipped (listed in `unreachable`). */
  async listGroups(): Promise<{ groups: GroupListing[]; unreachable: number[] }> {
    const deadlineMs = this.ctx.seams.nowMs() + this.ctx.requestTimeoutMs;
    const cluster = await this.ctx.metadata.refresh(deadlineMs);
    const groups: GroupListing[] = [];
    const unreachable: number[] = [];
    await Promise.all(
      cluster.brokers.map(async (b) => {
        try {
          const res = await this.ctx.callGroup(
            b.address,
            "listGroups",
            {},
            Math.min(deadlineMs, this.ctx.seams.nowMs() + this.ctx.attemptTimeoutMs),
          );
          const error = errorFromInfo(res.error);
          if (error) throw error;
          for (const g of res.groups) groups.push({ ...g });
        } catch {
          unreachable.push(b.id);
        }
      }),
    );
    return { groups: groups.sort((a, b) => (a.groupId < b.groupId ? -1 : 1)), unreachable: unreachable.sort() };
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    const res = await this.ctx.groups.call(groupId, "describeGroups", { groupIds: [groupId] }, (r) =>
      errorFromInfo(r.groups[0]?.error),
    );
    const g = res.groups[0] as wire.GroupDescription__Output;
    return {
      groupId: g.groupId,
      state: g.state,
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      assignor: g.assignor,
      coordinatorId: g.coordinatorId,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId || null,
        clientId: m.clientId,
        memberEpoch: m.memberEpoch,
        subscribedTopics: m.subscribedTopics,
        assignment: flatten(m.assignment),
        targetAssignment: flatten(m.targetAssignment),
      })),
    };
  }

  /**
   * Everything `tidelog groups describe` shows: the group (null when it has committed
   * offsets but no member record) and its offsets with lag. GROUP_ID_NOT_FOUND when it
   * has neither.
   */
  async groupStatus(groupId: string): Promise<GroupStatus> {
    let notFound: TidelogError | null = null;
    const description = await this.describeGroup(groupId).catch((e: unknown) => {
      if (!(e instanceof TidelogError) || e.code !== "GROUP_ID_NOT_FOUND") throw e;
      notFound = e;
      return null;
    });
    const offsets = await this.offsetsOf(groupId, description);
    if (notFound !== null && offsets.length === 0) throw notFound;
    const ages = offsets.map((o) => o.lagSeconds).filter((a): a is number => a !== null);
    return {
      description,
      offsets,
      totalLag: offsets.reduce((sum, o) => sum + (o.lag ?? 0), 0),
      maxLagSeconds: ages.length > 0 ? Math.max(...ages) : null,
    };
  }

  /** Committed offsets, log end offsets and lag of every partition the group has committed or owns. */
  async groupOffsets(groupId: string): Promise<GroupPartitionOffsets[]> {
    return this.offsetsOf(groupId, await this.describeOrNull(groupId));
  }

  private describeOrNull(groupId: string): Promise<GroupDescription | null> {
    return this.describeGroup(groupId).catch((e: unknown) => {
      if (e instanceof TidelogError && e.code === "GROUP_ID_NOT_FOUND") return null;
      throw e;
    });
  }

  private async offsetsOf(groupId: string, description: GroupDescription | null): Promise<GroupPartitionOffsets[]> {
    const committed = await this.committed(groupId, []);
    const owner = new Map<string, string>();
    for (const m of description?.members ?? []) {
      for (const tp of m.assignment) owner.set(`${tp.topic}:${tp.partition}`, m.memberId);
    }
    const keys = new Map<string, TopicPartition>();
    for (const c of committed) keys.set(`${c.topic}:${c.partition}`, c);
    for (const m of description?.members ?? [])
      for (const tp of m.assignment) keys.set(`${tp.topic}:${tp.partition}`, tp);
    const ends = await this.listOffsets([...keys.values()], -1);
    const byKey = new Map(committed.map((c) => [`${c.topic}:${c.partition}`, c.offset]));
    const behind = committed.filter((c) => c.offset >= 0 && (ends.get(`${c.topic}:${c.partition}`) ?? -1) > c.offset);
    const timestamps = await this.timestampsAt(behind);
    const nowMs = this.ctx.seams.nowMs();
    return [...keys.entries()]
      .map(([k, tp]) => {
        const c = byKey.get(k) ?? -1;
        const end = ends.get(k) ?? -1;
        const lag = c >= 0 && end >= 0 ? Math.max(0, end - c) : null;
        const ts = timestamps.get(k);
        return {
          topic: tp.topic,
          partition: tp.partition,
          committed: c,
          logEndOffset: end,
          lag,
          lagSeconds: lag === 0 ? 0 : lag !== null && ts !== undefined ? Math.max(0, (nowMs - ts) / 1000) : null,
          memberId: owner.get(k) ?? null,
        };
      })
      .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  /** Committed offsets of `partitions` (all when empty). */
  async committed(
    groupId: string,
    partitions: readonly TopicPartition[],
  ): Promise<(TopicPartition & { offset: number })[]> {
    return (await this.ctx.groups.fetchOffsets(groupId, partitions)).map(({ topic, partition, offset }) => ({
      topic,
      partition,
      offset,
    }));
  }

  /** Deletes empty groups; one result per group. */
  async deleteGroups(groupIds: readonly string[]): Promise<{ groupId: string; error: TidelogError | null }[]> {
    const out: { groupId: string; error: TidelogError | null }[] = [];
    for (const groupId of groupIds) {
      try {
        await this.ctx.groups.call(groupId, "deleteGroups", { groupIds: [groupId] }, (r) =>
          errorFromInfo(r.results[0]?.error),
        );
        out.push({ groupId, error: null });
      } catch (e) {
        if (!(e instanceof TidelogError)) throw e;
        out.push({ groupId, error: e });
      }
    }
    return out;
  }

  /**
   * Works out (and with `execute`, commits) new positions for the group on `topics`
   * (every partition of each). Refused with NON_EMPTY_GROUP while the group has members:
   * they would overwrite the reset with their next commit.
   */
  async resetOffsets(
    groupId: string,
    topics: readonly string[],
    spec: OffsetResetSpec,
    options: { execute?: boolean } = {},
  ): Promise<OffsetResetPlan[]> {
    const description = await this.describeOrNull(groupId);
    if (description && description.members.length > 0) {
      throw new TidelogError(
        "NON_EMPTY_GROUP",
        `group ${groupId} has ${description.members.length} active member(s); stop them before resetting offsets`,
      );
    }
    const deadlineMs = this.ctx.seams.nowMs() + this.ctx.requestTimeoutMs;
    const partitions: TopicPartition[] = [];
    for (const topic of topics) {
      const leaders = await this.ctx.topicMetadata.describe(topic, deadlineMs);
      if (leaders.error) throw leaders.error;
      for (const p of leaders.partitions) partitions.push({ topic, partition: p.partition });
    }
    const current = new Map(
      (await this.committed(groupId, partitions)).map((c) => [`${c.topic}:${c.partition}`, c.offset]),
    );
    const earliest = await this.listOffsets(partitions, -2);
    const latest = await this.listOffsets(partitions, -1);
    const byTime = "to" in spec && spec.to === "datetime" ? await this.listOffsets(partitions, spec.timestamp) : null;
    const plan = partitions.map((tp) => {
      const k = `${tp.topic}:${tp.partition}`;
      const low = earliest.get(k);
      const high = latest.get(k);
      // Never guess a bound: a reset to a made-up 0 would silently rewind the group.
      if (low === undefined || high === undefined) {
        throw new TidelogError(
          "LEADER_NOT_AVAILABLE",
          `could not read the log start and end offsets of ${k}; nothing was reset, try again`,
        );
      }
      const now = current.get(k) ?? -1;
      let target: number;
      if ("shiftBy" in spec) target = (now < 0 ? low : now) + spec.shiftBy;
      else if (spec.to === "earliest") target = low;
      else if (spec.to === "latest") target = high;
      else if (spec.to === "offset") target = spec.offset;
      else {
        const found = byTime?.get(k) ?? -1;
        target = found < 0 ? high : found;
      }
      // Like Kafka's tool: a position outside the log is clamped to it.
      return { ...tp, current: now, target: Math.min(high, Math.max(low, target)) };
    });
    if (options.execute && plan.length > 0) {
      const byTopic = new Map<string, wire.OffsetCommitPartition[]>();
      for (const p of plan) {
        byTopic.set(p.topic, [
          ...(byTopic.get(p.topic) ?? []),
          { partition: p.partition, offset: p.target, leaderEpoch: -1, metadata: "" },
        ]);
      }
      const res = await this.ctx.groups.call(
        groupId,
        "offsetCommit",
        {
          groupId,
          memberId: "",
          memberEpoch: -1,
          topics: [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })),
        },
        (r) => errorFromInfo(r.error),
      );
      for (const t of res.topics)
        for (const p of t.partitions) {
          const error = errorFromInfo(p.error);
          if (error) throw error;
        }
    }
    return plan;
  }

  /** ListOffsets (-1 latest, -2 earliest, else a timestamp) from each partition's leader. */
  /**
   * The timestamp of the record at each partition's `offset`, by "topic:partition": one
   * Fetch per leader that does not wait, a bounded read per partition. A partition whose
   * record could not be read (leader moving, record compacted away) is left out.
   */
  private async timestampsAt(
    positions: readonly (TopicPartition & { offset: number })[],
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (positions.length === 0) return out;
    const deadlineMs = this.ctx.seams.nowMs() + this.ctx.requestTimeoutMs;
    const byLeader = await this.byLeader(positions, deadlineMs);
    const offsetOf = new Map(positions.map((p) => [`${p.topic}:${p.partition}`, p.offset]));
    await Promise.all(
      [...byLeader].map(async ([address, tps]) => {
        const byTopic = new Map<string, wire.PartitionFetchData[]>();
        for (const tp of tps) {
          const fetchOffset = offsetOf.get(`${tp.topic}:${tp.partition}`) ?? 0;
          const list = byTopic.get(tp.topic) ?? [];
          list.push({
            partition: tp.partition,
            fetchOffset,
            partitionMaxBytes: LAG_READ_BYTES,
            currentLeaderEpoch: -1,
          });
          byTopic.set(tp.topic, list);
        }
        const res = await this.ctx.callBroker(
          address,
          "fetch",
          {
            maxWaitMs: 0,
            minBytes: 0,
            maxBytes: LAG_READ_BYTES * tps.length,
            isolationLevel: 0,
            topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
          },
          deadlineMs,
        ).response;
        for (const t of res.topics) {
          for (const p of t.partitions) {
            const key = `${t.topic}:${p.partition}`;
            if (errorFromInfo(p.error) !== null) continue;
            const ts = firstRecordTimestamp(p.records, offsetOf.get(key) ?? 0);
            if (ts !== null) out.set(key, ts);
          }
        }
      }),
    );
    return out;
  }

  /** Partitions grouped by their leader's address (partitions without a leader are left out). */
  private async byLeader(
    partitions: readonly TopicPartition[],
    deadlineMs: number,
  ): Promise<Map<string, TopicPartition[]>> {
    const byLeader = new Map<string, TopicPartition[]>();
    for (const topic of new Set(partitions.map((tp) => tp.topic))) {
      const leaders = await this.ctx.topicMetadata.describe(topic, deadlineMs);
      for (const tp of partitions.filter((p) => p.topic === topic)) {
        const address = leaders.partitions[tp.partition]?.address;
        if (!address) continue;
        byLeader.set(address, [...(byLeader.get(address) ?? []), tp]);
      }
    }
    return byLeader;
  }

  private async listOffsets(partitions: readonly TopicPartition[], timestamp: number): Promise<Map<string, number>> {
    const deadlineMs = this.ctx.seams.nowMs() + this.ctx.requestTimeoutMs;
    const byLeader = await this.byLeader(partitions, deadlineMs);
    const out = new Map<string, number>();
    await Promise.all(
      [...byLeader].map(async ([address, tps]) => {
        const byTopic = new Map<string, wire.PartitionListOffsets[]>();
        for (const tp of tps)
          byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), { partition: tp.partition, timestamp }]);
        const res = await this.ctx.callBroker(
          address,
          "listOffsets",
          { isolationLevel: 0, topics: [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })) },
          deadlineMs,
        ).response;
        for (const t of res.topics) {
          for (const p of t.partitions)
            if (errorFromInfo(p.error) === null) out.set(`${t.topic}:${p.partition}`, p.offset);
        }
      }),
    );
    return out;
  }
}
