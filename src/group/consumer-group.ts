/**
 * One consumer group's membership and assignment, as the coordinator holds it: a state
 * machine driven by heartbeats and by the passing of time, in the manner of Kafka's
 * KIP-848. No I/O here; the coordinator persists `snapshot()` after every change.
 *
 * Three epochs order everything:
 *   group epoch       bumped when membership or subscriptions (or the partition counts
 *                     of subscribed topics) change
 *   assignment epoch  the group epoch the target assignment was computed for
 *   member epoch      the assignment epoch a member has reconciled to
 *
 * Reconciling one member, on each of its heartbeats:
 *   1. partitions it was asked to release and no longer reports owning are released;
 *   2. while any are still unreleased, nothing else changes for it;
 *   3. otherwise partitions it owns outside its target are taken away (to release);
 *   4. otherwise it is given every partition of its target that no other member owns
 *      or is still releasing, and its epoch moves to the assignment epoch.
 *
 * Invariant (checked by `checkInvariants`): no partition is owned (held or being
 * released) by two members. A member silent for its session timeout, or holding
 * partitions to release past its rebalance timeout, is removed, and what it owned is
 * free for others.
 */
import { randomUUID } from "node:crypto";
import { TidelogError } from "@tidelog/client/record";
import { invariant } from "../common/invariant.js";
import { type AssignorName, assign, DEFAULT_ASSIGNOR } from "./assignors.js";

export type GroupState = "empty" | "assigning" | "reconciling" | "stable";

/** member_epoch values with a meaning of their own in a heartbeat. */
export const JOIN_EPOCH = 0;
export const LEAVE_EPOCH = -1;
export const STATIC_LEAVE_EPOCH = -2;

export interface Member {
  readonly memberId: string;
  instanceId: string | null;
  clientId: string;
  subscribedTopics: string[];
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberEpoch: number;
  previousMemberEpoch: number;
  /** Partitions the member holds, as the coordinator has told it. */
  assigned: Set<string>;
  /** Partitions taken away that the member has not yet said it released. */
  revoking: Set<string>;
  /** A static member that left with epoch -2: kept until its session times out. */
  leftTemporarily: boolean;
  lastHeartbeatMs: number;
  revokeDeadlineMs: number;
}

export interface HeartbeatInput {
  readonly memberId: string;
  readonly memberEpoch: number;
  readonly instanceId: string | null;
  readonly clientId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly subscribedTopics: readonly string[];
  readonly assignor: AssignorName | null;
  /** What the member reports owning; null when the request did not say. */
  readonly owned: ReadonlySet<string> | null;
}

export interface HeartbeatResult {
  readonly memberId: string;
  readonly memberEpoch: number;
  readonly assignment: ReadonlySet<string>;
}

export interface CommittedOffset {
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: number;
}

/** The persisted form: everything but heartbeat times (a new coordinator restarts the clocks). */
export interface GroupSnapshot {
  readonly groupEpoch: number;
  readonly assignmentEpoch: number;
  readonly assignor: AssignorName;
  readonly partitionCounts: Record<string, number>;
  readonly target: Record<string, string[]>;
  readonly members: ReadonlyArray<{
    readonly memberId: string;
    readonly instanceId: string | null;
    readonly clientId: string;
    readonly subscribedTopics: string[];
    readonly sessionTimeoutMs: number;
    readonly rebalanceTimeoutMs: number;
    readonly memberEpoch: number;
    readonly previousMemberEpoch: number;
    readonly assigned: string[];
    readonly revoking: string[];
    readonly leftTemporarily: boolean;
  }>;
}

export interface RemovedMember {
  readonly memberId: string;
  readonly reason: "session timeout" | "rebalance timeout";
}

export class ConsumerGroup {
  groupEpoch = 0;
  assignmentEpoch = 0;
  /**
   * Target assignments computed since this coordinator loaded the group (KIP-848's
   * rebalances; for metrics only, not persisted, so a new coordinator starts at 0).
   */
  rebalances = 0;
  assignor: AssignorName = DEFAULT_ASSIGNOR;
  readonly members = new Map<string, Member>();
  readonly offsets = new Map<string, CommittedOffset>();
  /**
   * Offsets committed inside transactions, by producer id, until the transaction's
   * marker reaches the group's partition: applied to `offsets` on COMMIT, dropped on ABORT.
   */
  readonly pendingTxnOffsets = new Map<number, Map<string, CommittedOffset>>();
  private target = new Map<string, Set<string>>();
  /** Partition counts of the subscribed topics when the target was computed. */
  private partitionCounts = new Map<string, number>();

  constructor(
    readonly groupId: string,
    private readonly newMemberId: () => string = randomUUID,
  ) {}

  get state(): GroupState {
    if (this.members.size === 0) return "empty";
    if (this.groupEpoch > this.assignmentEpoch) return "assigning";
    for (const m of this.members.values()) {
      if (m.memberEpoch !== this.assignmentEpoch || m.revoking.size > 0) return "reconciling";
      if (!sameSet(m.assigned, this.targetOf(m.memberId))) return "reconciling";
    }
    return "stable";
  }

  targetOf(memberId: string): ReadonlySet<string> {
    return this.target.get(memberId) ?? EMPTY;
  }

  /**
   * One heartbeat. `partitionCount` gives the current count of a topic (undefined when it
   * does not exist). Returns the member's answer and whether anything persisted changed.
   */
  heartbeat(
    input: HeartbeatInput,
    nowMs: number,
    partitionCount: (topic: string) => number | undefined,
  ): { result: HeartbeatResult; changed: boolean } {
    const before = this.fingerprint();
    let member: Member;
    if (input.memberEpoch === LEAVE_EPOCH || input.memberEpoch === STATIC_LEAVE_EPOCH) {
      const leaving = this.members.get(input.memberId);
      if (leaving) {
        if (input.memberEpoch === STATIC_LEAVE_EPOCH && leaving.instanceId !== null) {
          // Kept, with what it owns, for its session timeout: a restart gets it back.
          leaving.leftTemporarily = true;
          leaving.lastHeartbeatMs = nowMs;
        } else {
          this.removeMember(input.memberId);
        }
      }
      return {
        result: { memberId: input.memberId, memberEpoch: input.memberEpoch, assignment: EMPTY },
        changed: this.fingerprint() !== before,
      };
    }
    if (input.memberEpoch === JOIN_EPOCH) {
      member = this.join(input, nowMs);
    } else {
      const found = this.members.get(input.memberId);
      if (!found) {
        throw new TidelogError(
          "UNKNOWN_MEMBER_ID",
          `member ${input.memberId} is not in group ${this.groupId}; rejoin with epoch 0`,
        );
      }
      if (input.memberEpoch !== found.memberEpoch && input.memberEpoch !== found.previousMemberEpoch) {
        throw new TidelogError(
          "FENCED_MEMBER_EPOCH",
          `member ${input.memberId} sent epoch ${input.memberEpoch}; its epoch is ${found.memberEpoch}: release everything and rejoin`,
        );
      }
      member = found;
    }
    member.lastHeartbeatMs = nowMs;
    member.leftTemporarily = false;
    member.clientId = input.clientId;
    member.sessionTimeoutMs = input.sessionTimeoutMs;
    member.rebalanceTimeoutMs = input.rebalanceTimeoutMs;
    if (input.assignor !== null && input.assignor !== this.assignor) {
      this.assignor = input.assignor;
      this.groupEpoch++;
    }
    const topics = [...new Set(input.subscribedTopics)].sort();
    if (topics.join("\n") !== member.subscribedTopics.join("\n")) {
      member.subscribedTopics = topics;
      this.groupEpoch++;
    }
    if (this.subscribedCountsChanged(partitionCount)) this.groupEpoch++;
    if (this.groupEpoch > this.assignmentEpoch) this.computeTarget(partitionCount);
    this.reconcile(member, input.owned, nowMs);
    return {
      result: { memberId: member.memberId, memberEpoch: member.memberEpoch, assignment: new Set(member.assigned) },
      changed: this.fingerprint() !== before,
    };
  }

  private join(input: HeartbeatInput, nowMs: number): Member {
    const existing = input.memberId ? this.members.get(input.memberId) : undefined;
    if (existing) {
      // A member rejoining after it was fenced has released everything it had.
      existing.assigned.clear();
      existing.revoking.clear();
      existing.previousMemberEpoch = existing.memberEpoch;
      existing.memberEpoch = JOIN_EPOCH;
      return existing;
    }
    if (input.instanceId !== null) {
      const previous = [...this.members.values()].find((m) => m.instanceId === input.instanceId);
      if (previous) {
        // A static member back under a new member id takes over its predecessor's place
        // (and so its partitions) without a new assignment: the point of static membership.
        const member: Member = { ...previous, memberId: this.newMemberId(), leftTemporarily: false };
        this.members.delete(previous.memberId);
        this.members.set(member.memberId, member);
        const target = this.target.get(previous.memberId);
        this.target.delete(previous.memberId);
        if (target) this.target.set(member.memberId, target);
        return member;
      }
    }
    const member: Member = {
      memberId: input.memberId || this.newMemberId(),
      instanceId: input.instanceId,
      clientId: input.clientId,
      subscribedTopics: [],
      sessionTimeoutMs: input.sessionTimeoutMs,
      rebalanceTimeoutMs: input.rebalanceTimeoutMs,
      memberEpoch: JOIN_EPOCH,
      previousMemberEpoch: JOIN_EPOCH,
      assigned: new Set(),
      revoking: new Set(),
      leftTemporarily: false,
      lastHeartbeatMs: nowMs,
      revokeDeadlineMs: 0,
    };
    this.members.set(member.memberId, member);
    this.groupEpoch++;
    return member;
  }

  private removeMember(memberId: string): void {
    if (!this.members.delete(memberId)) return;
    this.target.delete(memberId);
    this.groupEpoch++;
  }

  private subscribedCountsChanged(partitionCount: (topic: string) => number | undefined): boolean {
    for (const topic of this.subscribedTopics()) {
      if ((partitionCount(topic) ?? 0) !== (this.partitionCounts.get(topic) ?? 0)) return true;
    }
    return false;
  }

  private subscribedTopics(): Set<string> {
    const topics = new Set<string>();
    for (const m of this.members.values()) for (const t of m.subscribedTopics) topics.add(t);
    return topics;
  }

  private computeTarget(partitionCount: (topic: string) => number | undefined): void {
    const counts = new Map<string, number>();
    for (const topic of this.subscribedTopics()) {
      const n = partitionCount(topic);
      if (n !== undefined && n > 0) counts.set(topic, n);
    }
    this.target = assign(this.assignor, {
      members: [...this.members.values()].map((m) => ({ memberId: m.memberId, topics: m.subscribedTopics })),
      partitionCounts: counts,
      previous: this.target,
    });
    this.partitionCounts = counts;
    this.assignmentEpoch = this.groupEpoch;
    this.rebalances++;
  }

  private reconcile(member: Member, owned: ReadonlySet<string> | null, nowMs: number): void {
    if (owned !== null) for (const key of member.revoking) if (!owned.has(key)) member.revoking.delete(key);
    if (member.revoking.size > 0) return;
    const target = this.targetOf(member.memberId);
    const revoke = [...member.assigned].filter((key) => !target.has(key));
    if (revoke.length > 0) {
      for (const key of revoke) {
        member.assigned.delete(key);
        member.revoking.add(key);
      }
      member.revokeDeadlineMs = nowMs + member.rebalanceTimeoutMs;
      return;
    }
    const ownedByOthers = new Set<string>();
    for (const other of this.members.values()) {
      if (other === member) continue;
      for (const key of other.assigned) ownedByOthers.add(key);
      for (const key of other.revoking) ownedByOthers.add(key);
    }
    for (const key of target) if (!ownedByOthers.has(key)) member.assigned.add(key);
    if (member.memberEpoch !== this.assignmentEpoch) {
      member.previousMemberEpoch = member.memberEpoch;
      member.memberEpoch = this.assignmentEpoch;
    }
  }

  /**
   * Removes members silent past their session timeout and members still holding
   * partitions to release past their rebalance timeout. Returns who was removed.
   */
  expire(nowMs: number): RemovedMember[] {
    const removed: RemovedMember[] = [];
    for (const m of [...this.members.values()]) {
      if (nowMs - m.lastHeartbeatMs > m.sessionTimeoutMs) {
        removed.push({ memberId: m.memberId, reason: "session timeout" });
      } else if (m.revoking.size > 0 && nowMs > m.revokeDeadlineMs) {
        removed.push({ memberId: m.memberId, reason: "rebalance timeout" });
      } else {
        continue;
      }
      this.removeMember(m.memberId);
    }
    return removed;
  }

  /**
   * A commit from `memberId` at `memberEpoch`: the member's current epoch, or an
   * administrative commit (empty member id, epoch -1) while the group has no members.
   */
  /** Whether any transaction's offsets for partition `key` wait for a marker. */
  hasPendingOffset(key: string): boolean {
    for (const pending of this.pendingTxnOffsets.values()) if (pending.has(key)) return true;
    return false;
  }

  /** Ends `producerId`'s transaction here: its pending offsets become committed (commit) or go (abort). */
  completeTxnOffsets(producerId: number, commit: boolean): number {
    const pending = this.pendingTxnOffsets.get(producerId);
    if (!pending) return 0;
    this.pendingTxnOffsets.delete(producerId);
    if (commit) for (const [key, value] of pending) this.offsets.set(key, value);
    return pending.size;
  }

  checkCommit(memberId: string, memberEpoch: number): void {
    if (memberId === "" && memberEpoch === LEAVE_EPOCH) {
      if (this.members.size > 0) {
        throw new TidelogError(
          "NON_EMPTY_GROUP",
          `group ${this.groupId} has ${this.members.size} active member(s); stop them before committing from outside the group`,
        );
      }
      return;
    }
    const member = this.members.get(memberId);
    if (!member) throw new TidelogError("UNKNOWN_MEMBER_ID", `member ${memberId} is not in group ${this.groupId}`);
    if (memberEpoch !== member.memberEpoch) {
      throw new TidelogError(
        "STALE_MEMBER_EPOCH",
        `commit at member epoch ${memberEpoch}; the member's epoch is ${member.memberEpoch}`,
      );
    }
  }

  snapshot(): GroupSnapshot {
    return {
      groupEpoch: this.groupEpoch,
      assignmentEpoch: this.assignmentEpoch,
      assignor: this.assignor,
      partitionCounts: Object.fromEntries(this.partitionCounts),
      target: Object.fromEntries([...this.target].map(([id, keys]) => [id, [...keys].sort()])),
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        clientId: m.clientId,
        subscribedTopics: [...m.subscribedTopics],
        sessionTimeoutMs: m.sessionTimeoutMs,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        memberEpoch: m.memberEpoch,
        previousMemberEpoch: m.previousMemberEpoch,
        assigned: [...m.assigned].sort(),
        revoking: [...m.revoking].sort(),
        leftTemporarily: m.leftTemporarily,
      })),
    };
  }

  /** Rebuilds from a snapshot; every member's session starts again at `nowMs`. */
  restore(s: GroupSnapshot, nowMs: number): void {
    this.groupEpoch = s.groupEpoch;
    this.assignmentEpoch = s.assignmentEpoch;
    this.assignor = s.assignor;
    this.partitionCounts = new Map(Object.entries(s.partitionCounts));
    this.target = new Map(Object.entries(s.target).map(([id, keys]) => [id, new Set(keys)]));
    this.members.clear();
    for (const m of s.members) {
      this.members.set(m.memberId, {
        ...m,
        subscribedTopics: [...m.subscribedTopics],
        assigned: new Set(m.assigned),
        revoking: new Set(m.revoking),
        lastHeartbeatMs: nowMs,
        revokeDeadlineMs: nowMs + m.rebalanceTimeoutMs,
      });
    }
    this.checkInvariants();
  }

  checkInvariants(): void {
    const owner = new Map<string, string>();
    for (const m of this.members.values()) {
      for (const key of [...m.assigned, ...m.revoking]) {
        const other = owner.get(key);
        invariant(other === undefined, () => `${this.groupId}: ${key} owned by both ${other} and ${m.memberId}`);
        owner.set(key, m.memberId);
      }
      invariant(m.memberEpoch <= this.assignmentEpoch, () => `${m.memberId} epoch ${m.memberEpoch} > assignment epoch`);
    }
    invariant(this.assignmentEpoch <= this.groupEpoch, () => `${this.groupId}: assignment epoch ahead of group epoch`);
  }

  /** The persisted state as a string, to tell whether a heartbeat changed it (groups are small). */
  private fingerprint(): string {
    return JSON.stringify(this.snapshot());
  }
}

const EMPTY: ReadonlySet<string> = new Set();

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
