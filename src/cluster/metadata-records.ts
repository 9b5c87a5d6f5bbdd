/**
 * The values tidelog keeps in etcd, their key layout, and their validation.
 *
 * All keys live under `/tidelog/<cluster-id>/`:
 *
 *   brokers/<id>               BrokerRecord, bound to the broker's lease
 *   topics/<name>              TopicRecord (assignment and configs), written by the controller
 *   partitions/<topic>/<p>     PartitionState, written by compare-and-swap on its mod revision:
 *                              by the controller (leader changes) and the leader (ISR changes)
 *   reassignment-throttle      ReassignmentThrottle: bytes/s a leader may send to replicas
 *                              being added by a reassignment, written by the controller
 *   acls/<id>                  AclRecord, one ACL binding; <id> is 32 hex digits of the SHA-256
 *                              of the canonical binding (security/acl.ts), so adding a binding
 *                              twice writes the same key and removing it deletes that key.
 *                              Written by the broker that received CreateAcls/DeleteAcls,
 *                              not the controller: bindings are independent of each other
 *                              and of all other metadata, so no ordering is needed
 *   quotas/<entity>            QuotaRecord, the client quotas of one entity (security/client-quota.ts:
 *                              `user=alice`, `client-id=<default>`, `user=alice|client-id=app`),
 *                              written by the broker that received AlterClientQuotas, as ACLs are
 *   users/<name>               UserRecord, a user's SCRAM credentials (salt, iterations, StoredKey,
 *                              ServerKey per mechanism; never a password), written by the broker
 *                              that received AlterUserScramCredentials, as ACLs are
 *   election/controller/...    the etcd3 election; the winner's key create revision is the
 *                              controller epoch
 *
 * e.g. `/tidelog/local/partitions/orders/0` =
 *   {"topicId":"9f1c...","leader":2,"leaderEpoch":3,"isr":[2,3],"partitionEpoch":7}
 * and `/tidelog/local/acls/5d0c1e...` =
 *   {"principal":"User:alice","host":"*","resourceType":"Topic","resourceName":"orders-",
 *    "patternType":"PREFIXED","operation":"Write","permission":"ALLOW"}
 *
 * Values are JSON. Anything read back from etcd is validated: a value that does not fit
 * (written by hand, or by a newer version) is reported and skipped, never trusted.
 */
import Type from "typebox";
import { Compile, type Validator } from "typebox/compile";

export const BrokerRecordSchema = Type.Object({
  id: Type.Integer({ minimum: 0 }),
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  /**
   * The listener other brokers replicate from (replication.port), when it is not `port`.
   * Optional: records written before it, and brokers without one, replicate over `port`.
   */
  replicationPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  httpPort: Type.Integer({ minimum: 0, maximum: 65535 }),
  rack: Type.Union([Type.String(), Type.Null()]),
  startedAtMs: Type.Integer(),
  /**
   * True while the broker cannot write its log directory (a full or failing disk): the
   * controller then treats it as ineligible, moving its leaderships to the rest of the
   * ISR and taking it out of ISRs. Updated in place, on the same lease (the broker epoch,
   * the key's create revision, stays). Optional: records written before it still parse.
   */
  storageFailed: Type.Optional(Type.Boolean()),
  /**
   * True while the broker shuts down gracefully (Kafka's controlled shutdown): the
   * controller treats it as it treats a failed storage, moving its leaderships to other
   * in-sync replicas and taking it out of ISRs, before it deregisters and stops.
   */
  controlledShutdown: Type.Optional(Type.Boolean()),
  /**
   * The broker epoch of this process's first registration: kept when the broker registers
   * again after losing its lease (a pause, a cut from etcd, an etcd outage), new when the
   * process restarts. Only a restart can lose an unflushed tail, so this, not the epoch,
   * tells the controller whether an ISR member is still trusted (KIP-903). Absent in the
   * first registration's first write (then it equals the epoch) and in older records.
   */
  incarnation: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type BrokerRecord = Type.Static<typeof BrokerRecordSchema>;

export const TopicRecordSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  topicId: Type.String({ minLength: 1 }),
  /** Replicas of each partition, preferred leader first. */
  assignment: Type.Array(Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1 }), { minItems: 1 }),
  /** Settings the topic overrides, by Kafka name. */
  configs: Type.Record(Type.String(), Type.String()),
  internal: Type.Boolean(),
  /**
   * Partitions being moved to new replicas (partition-reassignment.ts), by partition
   * number: what they had before and where they go. While one is, its `assignment` entry
   * is the union (target first, so the target's first replica is the preferred leader),
   * and every replica of it is hosted; the controller completes the move once every
   * target replica is in the ISR. Optional: records written before it still parse.
   */
  reassignments: Type.Optional(
    Type.Record(
      Type.String({ pattern: "^[0-9]+$" }),
      Type.Object({
        original: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1 }),
        target: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1 }),
      }),
    ),
  ),
});
export type TopicRecord = Type.Static<typeof TopicRecordSchema>;

export const PartitionStateSchema = Type.Object({
  topicId: Type.String({ minLength: 1 }),
  /** -1 when no replica in the ISR is alive: the partition is offline. */
  leader: Type.Integer({ minimum: -1 }),
  leaderEpoch: Type.Integer({ minimum: 0 }),
  isr: Type.Array(Type.Integer({ minimum: 0 })),
  /** Bumped by every change, leader or ISR. */
  partitionEpoch: Type.Integer({ minimum: 0 }),
  /**
   * The leader's broker epoch (its registration's create revision) when it was elected,
   * so a leader that restarted in between (and may have lost an unflushed tail) is told
   * apart from one that kept running; absent in states written before it existed.
   */
  leaderBrokerEpoch: Type.Optional(Type.Integer({ minimum: 0 })),
  /**
   * The broker epoch of each ISR member when it joined the ISR (by broker id), so a
   * follower that restarted since (and may have lost an unflushed tail) is told apart:
   * KIP-903. Members missing here (states written before it existed) are stamped with
   * their current epoch at the next reconciliation.
   */
  isrBrokerEpochs: Type.Optional(Type.Record(Type.String({ pattern: "^[0-9]+$" }), Type.Integer({ minimum: 0 }))),
  /**
   * Eligible leader replicas (KIP-966): members that left the ISR while it was smaller
   * than min.insync.replicas. No acks=all write can be acknowledged by so small an ISR,
   * so they still hold every acknowledged record (unless a crash took their unflushed
   * tail) and may be elected when no ISR member is left. Cleared once the ISR is back at
   * min.insync.replicas: from then on they miss acknowledged writes. Never overlaps the ISR.
   */
  elr: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }))),
  /** The broker epoch each ELR member had when it was last in the ISR, to tell a restart since. */
  elrBrokerEpochs: Type.Optional(Type.Record(Type.String({ pattern: "^[0-9]+$" }), Type.Integer({ minimum: 0 }))),
});
export type PartitionState = Type.Static<typeof PartitionStateSchema>;

/** The replication throttle on reassignment traffic (Kafka's leader.replication.throttled.rate). */
export const ReassignmentThrottleSchema = Type.Object({
  bytesPerSecond: Type.Integer({ minimum: 1 }),
});
export type ReassignmentThrottle = Type.Static<typeof ReassignmentThrottleSchema>;

/**
 * One ACL binding (security/acl.ts has the model). The schema checks the shape and the
 * vocabularies; the rules between fields (no ClusterAction on a topic, ...) are checked
 * where bindings are written, and a hand-written key that breaks them only grants what it says.
 */
export const AclRecordSchema = Type.Object({
  principal: Type.String({ pattern: "^User:.+$", maxLength: 1029 }),
  host: Type.String({ minLength: 1, maxLength: 64 }),
  resourceType: Type.Union([
    Type.Literal("Topic"),
    Type.Literal("Group"),
    Type.Literal("Cluster"),
    Type.Literal("TransactionalId"),
  ]),
  resourceName: Type.String({ minLength: 1, maxLength: 1024 }),
  patternType: Type.Union([Type.Literal("LITERAL"), Type.Literal("PREFIXED")]),
  operation: Type.Union([
    Type.Literal("Read"),
    Type.Literal("Write"),
    Type.Literal("Create"),
    Type.Literal("Delete"),
    Type.Literal("Alter"),
    Type.Literal("Describe"),
    Type.Literal("DescribeConfigs"),
    Type.Literal("AlterConfigs"),
    Type.Literal("ClusterAction"),
    Type.Literal("IdempotentWrite"),
    Type.Literal("All"),
  ]),
  permission: Type.Union([Type.Literal("ALLOW"), Type.Literal("DENY")]),
});
export type AclRecord = Type.Static<typeof AclRecordSchema>;

/** A rate a quota sets: above zero (a quota of zero would stop a client for good; remove it instead). */
const quotaRate = Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1e15 }));

/**
 * The client quotas of one entity (security/client-quota.ts), keyed by its entity id. The
 * entity is in the key; the record repeats it so a value read alone says what it is for.
 */
export const QuotaRecordSchema = Type.Object({
  entity: Type.String({ minLength: 1, maxLength: 8192 }),
  values: Type.Object(
    { producer_byte_rate: quotaRate, consumer_byte_rate: quotaRate, request_rate: quotaRate },
    { additionalProperties: false },
  ),
});
export type QuotaRecord = Type.Static<typeof QuotaRecordSchema>;

const scramCredential = Type.Optional(
  Type.Object({
    salt: Type.String({ minLength: 1, maxLength: 1024 }),
    iterations: Type.Integer({ minimum: 1 }),
    storedKey: Type.String({ minLength: 1, maxLength: 1024 }),
    serverKey: Type.String({ minLength: 1, maxLength: 1024 }),
  }),
);

/** A user's SCRAM credentials by mechanism; the byte fields are base64. */
export const UserRecordSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 1024 }),
  mechanisms: Type.Object(
    { "SCRAM-SHA-256": scramCredential, "SCRAM-SHA-512": scramCredential },
    { additionalProperties: false },
  ),
});
export type UserRecord = Type.Static<typeof UserRecordSchema>;

export const NO_LEADER = -1;

export const keys = {
  brokersPrefix: "brokers/",
  broker: (id: number) => `brokers/${id}`,
  topicsPrefix: "topics/",
  topic: (name: string) => `topics/${name}`,
  partitionsPrefix: "partitions/",
  topicPartitionsPrefix: (topic: string) => `partitions/${topic}/`,
  partition: (topic: string, partition: number) => `partitions/${topic}/${partition}`,
  reassignmentThrottle: "reassignment-throttle",
  aclsPrefix: "acls/",
  acl: (id: string) => `acls/${id}`,
  quotasPrefix: "quotas/",
  quota: (entityId: string) => `quotas/${entityId}`,
  usersPrefix: "users/",
  user: (name: string) => `users/${encodeURIComponent(name)}`,
  controllerElection: "controller",
  /** Where etcd3's Election keeps the candidates of `controllerElection`. */
  electionPrefix: "election/controller/",
};

/** The topic and partition a `partitions/<topic>/<p>` key names (topic names have no '/'). */
export function parsePartitionStateKey(key: string): { topic: string; partition: number } | null {
  const m = /^partitions\/([^/]+)\/(\d+)$/.exec(key);
  return m ? { topic: m[1] as string, partition: Number(m[2]) } : null;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; why: string };

/**
 * A parser for one record kind. The schema is compiled once, on first use: a broker
 * parses every key of the metadata on each full read (thousands of partition states in a
 * large cluster), and the interpreted check took most of a second for 10,000 of them,
 * with the event loop held.
 */
function parserFor<T>(schema: Type.TSchema): (raw: string) => ParseResult<T> {
  let validator: Validator | null = null;
  return (raw) => {
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch (e) {
      return { ok: false, why: `not JSON: ${(e as Error).message}` };
    }
    validator ??= Compile(schema);
    if (!validator.Check(data)) {
      const first = validator.Errors(data)[0];
      return { ok: false, why: first ? `${first.instancePath || "/"} ${first.message}` : "does not match the schema" };
    }
    return { ok: true, value: data as T };
  };
}

export const parseBrokerRecord = parserFor<BrokerRecord>(BrokerRecordSchema);
export const parseTopicRecord = parserFor<TopicRecord>(TopicRecordSchema);
export const parsePartitionState = parserFor<PartitionState>(PartitionStateSchema);
export const parseReassignmentThrottle = parserFor<ReassignmentThrottle>(ReassignmentThrottleSchema);
export const parseAclRecord = parserFor<AclRecord>(AclRecordSchema);
export const parseQuotaRecord = parserFor<QuotaRecord>(QuotaRecordSchema);
export const parseUserRecord = parserFor<UserRecord>(UserRecordSchema);
