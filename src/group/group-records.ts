/**
 * The records the group coordinator writes to __consumer_offsets, and reads back when it
 * takes over a partition. The topic is compacted, so the latest record per key is the
 * state; a null value (tombstone) deletes.
 *
 *   key ["offset", group, topic, partition]   value { v: 1, offset, leaderEpoch, metadata, commitTimestamp }
 *   key ["group", group]                      value { v: 1, ...GroupSnapshot }
 *
 * Keys and values are JSON (readable with `tidelog consume __consumer_offsets`). Kafka
 * uses versioned binary schemas here; JSON costs a few more bytes per commit and buys
 * records a person can read while debugging, which matters more at this size.
 *
 * Everything read back is validated; a record that does not fit (written by a newer
 * version, or damaged) is skipped with a warning rather than stopping the load.
 */
import Type from "typebox";
import Value from "typebox/value";
import { ASSIGNORS } from "./assignors.js";
import type { CommittedOffset, GroupSnapshot } from "./consumer-group.js";

const OffsetValueSchema = Type.Object({
  v: Type.Literal(1),
  offset: Type.Integer({ minimum: 0 }),
  leaderEpoch: Type.Integer({ minimum: -1 }),
  metadata: Type.String(),
  commitTimestamp: Type.Integer(),
});

const PartitionList = Type.Array(Type.String());

const GroupValueSchema = Type.Object({
  v: Type.Literal(1),
  groupEpoch: Type.Integer({ minimum: 0 }),
  assignmentEpoch: Type.Integer({ minimum: 0 }),
  assignor: Type.Union(ASSIGNORS.map((a) => Type.Literal(a))),
  partitionCounts: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  target: Type.Record(Type.String(), PartitionList),
  members: Type.Array(
    Type.Object({
      memberId: Type.String({ minLength: 1 }),
      instanceId: Type.Union([Type.String(), Type.Null()]),
      clientId: Type.String(),
      subscribedTopics: Type.Array(Type.String()),
      sessionTimeoutMs: Type.Integer({ minimum: 1 }),
      rebalanceTimeoutMs: Type.Integer({ minimum: 1 }),
      memberEpoch: Type.Integer({ minimum: 0 }),
      previousMemberEpoch: Type.Integer({ minimum: 0 }),
      assigned: PartitionList,
      revoking: PartitionList,
      leftTemporarily: Type.Boolean(),
    }),
  ),
});

export type GroupRecord =
  | { kind: "offset"; groupId: string; topic: string; partition: number; value: CommittedOffset | null }
  | { kind: "group"; groupId: string; value: GroupSnapshot | null };

export function offsetKey(groupId: string, topic: string, partition: number): Buffer {
  return Buffer.from(JSON.stringify(["offset", groupId, topic, partition]));
}

export function groupKey(groupId: string): Buffer {
  return Buffer.from(JSON.stringify(["group", groupId]));
}

export function offsetValue(o: CommittedOffset): Buffer {
  return Buffer.from(JSON.stringify({ v: 1, ...o }));
}

export function groupValue(s: GroupSnapshot): Buffer {
  return Buffer.from(JSON.stringify({ v: 1, ...s }));
}

/** The record a stored key and value stand for; throws with the reason when it is not one. */
export function parseGroupRecord(key: Buffer | null, value: Buffer | null): GroupRecord {
  if (key === null) throw new Error("record without a key");
  const k: unknown = JSON.parse(key.toString("utf8"));
  const v: unknown = value === null ? null : JSON.parse(value.toString("utf8"));
  if (Array.isArray(k) && k[0] === "offset" && k.length === 4) {
    const [, groupId, topic, partition] = k;
    if (typeof groupId !== "string" || typeof topic !== "string" || !Number.isInteger(partition)) {
      throw new Error(`bad offset key ${key.toString("utf8")}`);
    }
    if (v !== null && !Value.Check(OffsetValueSchema, v)) throw new Error(`bad offset value for ${key.toString()}`);
    const value: CommittedOffset | null =
      v === null
        ? null
        : {
            offset: v.offset,
            leaderEpoch: v.leaderEpoch,
            metadata: v.metadata,
            commitTimestamp: v.commitTimestamp,
          };
    return { kind: "offset", groupId, topic, partition: partition as number, value };
  }
  if (Array.isArray(k) && k[0] === "group" && k.length === 2 && typeof k[1] === "string") {
    if (v === null) return { kind: "group", groupId: k[1], value: null };
    if (!Value.Check(GroupValueSchema, v)) {
      const first = [...Value.Errors(GroupValueSchema, v)][0];
      throw new Error(`bad group value for ${k[1]}: ${first?.message ?? "invalid"} at ${first?.instancePath ?? ""}`);
    }
    const { v: _version, ...snapshot } = v;
    return { kind: "group", groupId: k[1], value: snapshot };
  }
  throw new Error(`unknown key ${key.toString("utf8").slice(0, 200)}`);
}
