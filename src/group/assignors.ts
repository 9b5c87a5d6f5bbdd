/**
 * Server-side partition assignors: given the members' subscriptions and the partition
 * counts of the subscribed topics, who should own which partition (the target
 * assignment). The coordinator runs one when the group epoch moves; reconciliation
 * then moves partitions safely (revoke first, assign after release).
 *
 *   range       per topic, contiguous ranges in member order (Kafka's RangeAssignor):
 *               the same member gets partition i of co-partitioned topics
 *   roundrobin  every partition of every topic dealt in turn (RoundRobinAssignor)
 *   sticky      balanced like roundrobin, but a member keeps what it had in the
 *               previous target wherever balance allows, so a join or leave moves as
 *               few partitions as possible (the spirit of KIP-848's "uniform")
 *
 * Pure functions of their input, deterministic (members sorted by id), so every
 * coordinator computes the same target from the same state.
 */
import { parseTpKey, topicPartitionKey } from "../common/topic-partition.js";

export const ASSIGNORS = ["range", "roundrobin", "sticky"] as const;
export type AssignorName = (typeof ASSIGNORS)[number];
export const DEFAULT_ASSIGNOR: AssignorName = "sticky";

export function isAssignorName(name: string): name is AssignorName {
  return (ASSIGNORS as readonly string[]).includes(name);
}

export interface AssignmentInput {
  readonly members: ReadonlyArray<{ readonly memberId: string; readonly topics: readonly string[] }>;
  /** Partition count of each subscribed topic that exists. */
  readonly partitionCounts: ReadonlyMap<string, number>;
  /** The previous target, for sticky. */
  readonly previous: ReadonlyMap<string, ReadonlySet<string>>;
}

/** memberId -> partition keys ("topic:partition"); every member of the input has an entry. */
export type Assignment = Map<string, Set<string>>;

export function assign(name: AssignorName, input: AssignmentInput): Assignment {
  switch (name) {
    case "range":
      return rangeAssign(input);
    case "roundrobin":
      return roundRobinAssign(input);
    case "sticky":
      return stickyAssign(input);
  }
}

function emptyAssignment(input: AssignmentInput): { out: Assignment; members: string[] } {
  const members = input.members.map((m) => m.memberId).sort();
  return { out: new Map(members.map((m) => [m, new Set<string>()])), members };
}

function subscribers(input: AssignmentInput): Map<string, string[]> {
  const byTopic = new Map<string, string[]>();
  for (const m of input.members) {
    for (const topic of new Set(m.topics)) {
      if (!input.partitionCounts.has(topic)) continue;
      const list = byTopic.get(topic) ?? [];
      list.push(m.memberId);
      byTopic.set(topic, list);
    }
  }
  for (const list of byTopic.values()) list.sort();
  return byTopic;
}

function rangeAssign(input: AssignmentInput): Assignment {
  const { out } = emptyAssignment(input);
  for (const [topic, members] of [...subscribers(input)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const count = input.partitionCounts.get(topic) ?? 0;
    const each = Math.floor(count / members.length);
    const extra = count % members.length;
    let next = 0;
    members.forEach((memberId, i) => {
      const n = each + (i < extra ? 1 : 0);
      for (let p = next; p < next + n; p++) out.get(memberId)?.add(topicPartitionKey(topic, p));
      next += n;
    });
  }
  return out;
}

/** Every existing partition of the subscribed topics, sorted by topic then partition. */
function allPartitions(input: AssignmentInput, byTopic: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const topic of [...byTopic.keys()].sort()) {
    const count = input.partitionCounts.get(topic) ?? 0;
    for (let p = 0; p < count; p++) out.push(topicPartitionKey(topic, p));
  }
  return out;
}

function topicOf(key: string): string {
  return parseTpKey(key).topic;
}

function roundRobinAssign(input: AssignmentInput): Assignment {
  const { out, members } = emptyAssignment(input);
  const byTopic = subscribers(input);
  let cursor = 0;
  for (const key of allPartitions(input, byTopic)) {
    const eligible = new Set(byTopic.get(topicOf(key)));
    // Deal to the next member in order that subscribes to this topic.
    for (let tried = 0; tried < members.length; tried++) {
      const memberId = members[(cursor + tried) % members.length] as string;
      if (!eligible.has(memberId)) continue;
      out.get(memberId)?.add(key);
      cursor = (cursor + tried + 1) % members.length;
      break;
    }
  }
  return out;
}

function stickyAssign(input: AssignmentInput): Assignment {
  const { out, members } = emptyAssignment(input);
  const byTopic = subscribers(input);
  const partitions = allPartitions(input, byTopic);
  const eligible = (memberId: string, key: string) => byTopic.get(topicOf(key))?.includes(memberId) ?? false;
  // Members sharing the same subscription get floor or ceil of their share; a member
  // keeps at most the ceiling of what it had, so a join frees partitions to hand over.
  const quota = Math.ceil(partitions.length / Math.max(1, members.length));
  const taken = new Set<string>();
  const exists = new Set(partitions);
  for (const memberId of members) {
    const kept = out.get(memberId) as Set<string>;
    for (const key of [...(input.previous.get(memberId) ?? [])].sort()) {
      if (kept.size >= quota) break;
      if (!exists.has(key) || taken.has(key) || !eligible(memberId, key)) continue;
      kept.add(key);
      taken.add(key);
    }
  }
  const least = (key: string): string | null => {
    let best: string | null = null;
    for (const memberId of members) {
      if (!eligible(memberId, key)) continue;
      if (best === null || (out.get(memberId)?.size ?? 0) < (out.get(best)?.size ?? 0)) best = memberId;
    }
    return best;
  };
  for (const key of partitions) {
    if (taken.has(key)) continue;
    const memberId = least(key);
    if (memberId !== null) out.get(memberId)?.add(key);
  }
  // Balance: move one partition at a time from the fullest member to an eligible member
  // with two or more fewer, until no such move exists. Each move narrows the spread, so
  // the loop ends; the bound only guards against a mistake here.
  for (let moves = 0; moves < partitions.length * members.length; moves++) {
    let moved = false;
    const bySize = [...members].sort((a, b) => (out.get(b)?.size ?? 0) - (out.get(a)?.size ?? 0) || (a < b ? -1 : 1));
    for (const from of bySize) {
      const fromSet = out.get(from) as Set<string>;
      for (const key of [...fromSet].sort().reverse()) {
        const to = least(key);
        if (to === null || to === from) continue;
        if ((out.get(to)?.size ?? 0) + 1 >= fromSet.size) continue;
        fromSet.delete(key);
        out.get(to)?.add(key);
        moved = true;
        break;
      }
      if (moved) break;
    }
    if (!moved) break;
  }
  return out;
}
