import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TidelogError } from "@tidelog/client/record";
import fc from "fast-check";
import { topicPartitionKey as partitionKey } from "../../src/common/topic-partition.js";
import { ASSIGNORS, type AssignorName, assign } from "../../src/group/assignors.js";
import { ConsumerGroup, type HeartbeatInput } from "../../src/group/consumer-group.js";

const COUNTS = new Map([
  ["orders", 6],
  ["payments", 3],
]);
const count = (t: string) => COUNTS.get(t);

function input(
  memberId: string,
  memberEpoch: number,
  owned: Set<string> | null,
  extra: Partial<HeartbeatInput> = {},
): HeartbeatInput {
  return {
    memberId,
    memberEpoch,
    instanceId: null,
    clientId: "test",
    sessionTimeoutMs: 3000,
    rebalanceTimeoutMs: 10_000,
    subscribedTopics: ["orders"],
    assignor: null,
    owned,
    ...extra,
  };
}

/** A member as its client sees it: what it owns and its epoch. */
interface Client {
  id: string;
  epoch: number;
  owned: Set<string>;
}

/** Heartbeats `c` and applies the answer as a well-behaved client does (releases at once). */
function beat(group: ConsumerGroup, c: Client, now: number): void {
  const { result } = group.heartbeat(input(c.id, c.epoch, c.owned), now, count);
  c.id = result.memberId;
  c.epoch = result.memberEpoch;
  c.owned = new Set(result.assignment);
}

function stable(group: ConsumerGroup): boolean {
  return group.state === "stable";
}

describe("assignors", () => {
  for (const name of ASSIGNORS) {
    test(`${name} gives every partition to exactly one subscriber, balanced`, () => {
      const members = ["a", "b", "c"].map((memberId) => ({ memberId, topics: ["orders", "payments"] }));
      const out = assign(name, { members, partitionCounts: COUNTS, previous: new Map() });
      const all = [...out.values()].flatMap((s) => [...s]);
      assert.equal(all.length, 9);
      assert.equal(new Set(all).size, 9);
      const sizes = [...out.values()].map((s) => s.size);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= (name === "range" ? 2 : 1), `${name}: ${sizes}`);
    });
  }

  test("range keeps co-partitioned topics together", () => {
    const members = ["a", "b", "c"].map((memberId) => ({ memberId, topics: ["orders", "payments"] }));
    const out = assign("range", {
      members,
      partitionCounts: new Map([
        ["orders", 3],
        ["payments", 3],
      ]),
      previous: new Map(),
    });
    assert.deepEqual([...(out.get("b") ?? [])].sort(), [partitionKey("orders", 1), partitionKey("payments", 1)]);
  });

  test("sticky moves only what balance needs when a member joins", () => {
    const two = ["a", "b"].map((memberId) => ({ memberId, topics: ["orders"] }));
    const before = assign("sticky", { members: two, partitionCounts: COUNTS, previous: new Map() });
    const three = [...two, { memberId: "c", topics: ["orders"] }];
    const after = assign("sticky", { members: three, partitionCounts: COUNTS, previous: before });
    let moved = 0;
    for (const id of ["a", "b"]) for (const p of before.get(id) ?? []) if (!after.get(id)?.has(p)) moved++;
    assert.equal(moved, 2, "6 partitions over 3 members: exactly 2 move to the newcomer");
    assert.equal(after.get("c")?.size, 2);
  });

  test("members subscribed to nothing that exists get nothing", () => {
    const out = assign("roundrobin", {
      members: [{ memberId: "a", topics: ["missing"] }],
      partitionCounts: COUNTS,
      previous: new Map(),
    });
    assert.equal(out.get("a")?.size, 0);
  });
});

describe("ConsumerGroup", () => {
  test("a join, then a second member: partitions move only after their owner released them", () => {
    const g = new ConsumerGroup("g", () => `m${Math.random()}`);
    const a: Client = { id: "a", epoch: 0, owned: new Set() };
    beat(g, a, 0);
    assert.equal(a.owned.size, 6);
    assert.equal(g.state, "stable");
    const b: Client = { id: "b", epoch: 0, owned: new Set() };
    beat(g, b, 10);
    assert.equal(b.owned.size, 0, "b gets nothing while a still owns everything");
    // a learns it must give up three partitions; until it says so, b cannot have them.
    const { result } = g.heartbeat(input("a", a.epoch, a.owned), 20, count);
    assert.equal(result.assignment.size, 3);
    beat(g, b, 30);
    assert.equal(b.owned.size, 0, "a has not released yet");
    a.owned = new Set(result.assignment);
    beat(g, a, 40);
    beat(g, b, 50);
    assert.equal(b.owned.size, 3);
    assert.equal(a.epoch, b.epoch);
    assert.equal(g.state, "stable");
  });

  test("a silent member is removed after its session timeout and its partitions move", () => {
    const g = new ConsumerGroup("g");
    const a: Client = { id: "a", epoch: 0, owned: new Set() };
    const b: Client = { id: "b", epoch: 0, owned: new Set() };
    for (let t = 0; t < 5; t++) {
      beat(g, a, t * 100);
      beat(g, b, t * 100);
    }
    assert.equal(a.owned.size + b.owned.size, 6);
    assert.deepEqual(g.expire(3000), []);
    beat(g, a, 3000);
    const removed = g.expire(3500);
    assert.deepEqual(removed, [{ memberId: "b", reason: "session timeout" }]);
    beat(g, a, 3600);
    assert.equal(a.owned.size, 6);
  });

  test("stale and unknown members are refused", () => {
    const g = new ConsumerGroup("g");
    const a: Client = { id: "a", epoch: 0, owned: new Set() };
    beat(g, a, 0);
    assert.throws(
      () => g.heartbeat(input("a", a.epoch + 5, a.owned), 1, count),
      (e: TidelogError) => e.code === "FENCED_MEMBER_EPOCH",
    );
    assert.throws(
      () => g.heartbeat(input("zz", 3, null), 1, count),
      (e: TidelogError) => e.code === "UNKNOWN_MEMBER_ID",
    );
    assert.throws(
      () => g.checkCommit("a", a.epoch - 1),
      (e: TidelogError) => e.code === "STALE_MEMBER_EPOCH",
    );
    assert.throws(
      () => g.checkCommit("", -1),
      (e: TidelogError) => e.code === "NON_EMPTY_GROUP",
    );
    g.checkCommit("a", a.epoch);
  });

  test("a static member that leaves temporarily gets its partitions back under a new member id", () => {
    const g = new ConsumerGroup("g", () => "new-id");
    const s: Client = { id: "s1", epoch: 0, owned: new Set() };
    const joined = g.heartbeat(input("s1", 0, null, { instanceId: "host-1" }), 0, count);
    const first = g.heartbeat(input("s1", joined.result.memberEpoch, null, { instanceId: "host-1" }), 1, count);
    s.owned = new Set(first.result.assignment);
    const other: Client = { id: "o", epoch: 0, owned: new Set() };
    for (let t = 2; t < 6; t++) {
      beat(g, other, t);
      const r = g.heartbeat(
        input("s1", s.epoch || first.result.memberEpoch, s.owned, { instanceId: "host-1" }),
        t,
        count,
      );
      s.epoch = r.result.memberEpoch;
      s.owned = new Set(r.result.assignment);
    }
    assert.equal(g.state, "stable");
    const ownedBefore = g.members.get("s1")?.assigned.size ?? 0;
    g.heartbeat(input("s1", -2, null, { instanceId: "host-1" }), 3, count);
    assert.ok(g.members.has("s1"), "kept for its session timeout");
    const back = g.heartbeat(input("", 0, null, { instanceId: "host-1" }), 100, count);
    assert.equal(back.result.memberId, "new-id");
    assert.equal(back.result.assignment.size, ownedBefore);
    assert.ok(!g.members.has("s1"));
  });

  test("snapshot and restore round-trip", () => {
    const g = new ConsumerGroup("g");
    const a: Client = { id: "a", epoch: 0, owned: new Set() };
    const b: Client = { id: "b", epoch: 0, owned: new Set() };
    beat(g, a, 0);
    beat(g, b, 0);
    beat(g, a, 1);
    const copy = new ConsumerGroup("g");
    copy.restore(g.snapshot(), 5);
    assert.deepEqual(copy.snapshot(), g.snapshot());
  });

  test("property: no partition is ever owned by two live members, and the group settles", () => {
    const action = fc.oneof(
      fc.record({ kind: fc.constant("beat" as const), member: fc.nat(4), release: fc.boolean() }),
      fc.record({ kind: fc.constant("join" as const), member: fc.nat(4) }),
      fc.record({ kind: fc.constant("leave" as const), member: fc.nat(4) }),
      fc.record({ kind: fc.constant("crash" as const), member: fc.nat(4) }),
      fc.record({ kind: fc.constant("tick" as const), ms: fc.integer({ min: 1, max: 4000 }) }),
      fc.record({ kind: fc.constant("subscribe" as const), member: fc.nat(4), both: fc.boolean() }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom<AssignorName>(...ASSIGNORS),
        fc.array(action, { maxLength: 80 }),
        (assignor, actions) => {
          const g = new ConsumerGroup("g");
          let now = 0;
          const clients = new Map<number, Client & { topics: string[]; alive: boolean }>();
          // What each live client believes it owns must never overlap another's.
          const checkClients = () => {
            const seen = new Map<string, number>();
            for (const [n, c] of clients) {
              if (!c.alive) continue;
              for (const p of c.owned) {
                assert.ok(!seen.has(p), `${p} owned by clients ${seen.get(p)} and ${n}`);
                seen.set(p, n);
              }
            }
          };
          const heartbeat = (n: number, c: Client & { topics: string[]; alive: boolean }, release: boolean) => {
            try {
              const { result } = g.heartbeat(
                input(c.id, c.epoch, c.owned, { subscribedTopics: c.topics, assignor }),
                now,
                count,
              );
              c.id = result.memberId;
              c.epoch = result.memberEpoch;
              // A client keeps what it has until it chooses to release (a slow handler).
              const next = new Set(result.assignment);
              c.owned = release ? next : new Set([...c.owned, ...next]);
            } catch (e) {
              if (!(e instanceof TidelogError)) throw e;
              // Fenced or unknown: the client drops everything and rejoins next time.
              c.owned = new Set();
              c.epoch = 0;
              c.id = `m${n}-${now}`;
            }
          };
          for (const a of actions) {
            if (a.kind === "tick") {
              now += a.ms;
              g.expire(now);
              // A client that has not heartbeated within its session considers its partitions lost.
              for (const c of clients.values()) {
                if (c.alive && g.members.get(c.id) === undefined && c.epoch > 0) {
                  c.owned = new Set();
                  c.epoch = 0;
                }
              }
            } else if (a.kind === "join" && !clients.get(a.member)?.alive) {
              clients.set(a.member, {
                id: `m${a.member}-${now}`,
                epoch: 0,
                owned: new Set(),
                topics: ["orders"],
                alive: true,
              });
              heartbeat(a.member, clients.get(a.member)!, true);
            } else if (a.kind === "beat" && clients.get(a.member)?.alive) {
              heartbeat(a.member, clients.get(a.member)!, a.release);
            } else if (a.kind === "leave" && clients.get(a.member)?.alive) {
              const c = clients.get(a.member)!;
              c.owned = new Set();
              g.heartbeat(input(c.id, -1, null), now, count);
              c.alive = false;
            } else if (a.kind === "crash" && clients.get(a.member)?.alive) {
              // The process is gone; its partitions are free only after the session timeout.
              clients.get(a.member)!.alive = false;
              clients.get(a.member)!.owned = new Set();
            } else if (a.kind === "subscribe" && clients.get(a.member)?.alive) {
              clients.get(a.member)!.topics = a.both ? ["orders", "payments"] : ["orders"];
            }
            g.checkInvariants();
            checkClients();
          }
          // Everyone alive heartbeats (releasing promptly) and the dead expire: the group settles.
          now += 10_000;
          g.expire(now);
          for (let round = 0; round < 6; round++) {
            for (const [n, c] of clients) if (c.alive) heartbeat(n, c, true);
            g.checkInvariants();
            checkClients();
          }
          if ([...clients.values()].some((c) => c.alive)) {
            assert.ok(stable(g), `not stable: ${g.state}`);
            const owned = [...clients.values()].filter((c) => c.alive).flatMap((c) => [...c.owned]);
            const subscribed = new Set([...clients.values()].filter((c) => c.alive).flatMap((c) => c.topics));
            const expected = [...subscribed].reduce((n, t) => n + (COUNTS.get(t) ?? 0), 0);
            assert.equal(owned.length, expected, "every subscribed partition has an owner");
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
