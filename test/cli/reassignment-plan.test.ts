// The reassignment plan generator behind `partitions reassign --plan` and `brokers
// decommission`: each test builds a current assignment, plans it onto a broker set, applies
// the plan and checks the property a user relies on (nothing left on a leaving broker,
// counts within 1, racks distinct, no needless moves, the same plan every time), then a
// property test over random clusters checks the invariants that must hold for any input.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  generatePlan,
  movesOf,
  type PartitionReplicas,
  type PlanBroker,
  parsePlan,
  type ReassignmentPlan,
} from "../../clients/cli/src/reassignment-plan.js";

/** Kafka's round-robin layout: replica j of partition i on broker ids[(i + j) % n]. */
function roundRobin(topic: string, count: number, rf: number, ids: readonly number[]): PartitionReplicas[] {
  return Array.from({ length: count }, (_, i) => ({
    topic,
    partition: i,
    replicas: Array.from({ length: rf }, (_, j) => ids[(i + j) % ids.length]!),
  }));
}

function brokers(ids: readonly number[], rack: (id: number) => string | null = () => null): PlanBroker[] {
  return ids.map((id) => ({ id, rack: rack(id) }));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function key(p: { topic: string; partition: number }): string {
  return JSON.stringify([p.topic, p.partition]);
}

function apply(current: readonly PartitionReplicas[], plan: ReassignmentPlan): PartitionReplicas[] {
  const next = new Map(plan.partitions.map((p) => [key(p), p.replicas]));
  return current.map((p) => ({ ...p, replicas: next.get(key(p)) ?? p.replicas }));
}

function countBy(ids: readonly number[], assignment: readonly PartitionReplicas[], leadersOnly = false) {
  const counts = new Map(ids.map((id) => [id, 0]));
  for (const p of assignment) {
    for (const id of leadersOnly ? p.replicas.slice(0, 1) : p.replicas) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function spreadOf(counts: ReadonlyMap<number, number>): number {
  const values = [...counts.values()];
  return Math.max(...values) - Math.min(...values);
}

/** Every partition keeps its RF, on distinct brokers of the target set, kept replicas in their old order. */
function assertValid(current: readonly PartitionReplicas[], after: readonly PartitionReplicas[], targets: number[]) {
  const allowed = new Set(targets);
  after.forEach((p, i) => {
    const before = current[i]!.replicas;
    assert.equal(p.replicas.length, before.length, `RF of ${key(p)}`);
    assert.equal(new Set(p.replicas).size, p.replicas.length, `duplicate broker in ${key(p)}: ${p.replicas}`);
    for (const id of p.replicas) assert.ok(allowed.has(id), `${key(p)} placed on non-target broker ${id}`);
    const inOrder = keptOrderIgnoringLeader(before, p.replicas);
    assert.ok(inOrder, `${key(p)} reordered its kept replicas: [${before}] -> [${p.replicas}]`);
  });
}

function sameOrder(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

// A leader moved to the front is the one allowed reordering; the rest keep their order.
function keptOrderIgnoringLeader(before: readonly number[], after: readonly number[]): boolean {
  const kept = before.filter((id) => after.includes(id) && id !== after[0]);
  const keptAfter = after.filter((id) => before.includes(id) && id !== after[0]);
  return sameOrder(kept, keptAfter);
}

/** The rack rule: no rack one above another rack that still had a free broker for this partition. */
function rackRuleHolds(replicas: readonly number[], rackOf: ReadonlyMap<number, string>): boolean {
  const capacity = new Map<string, number>();
  for (const rack of rackOf.values()) capacity.set(rack, (capacity.get(rack) ?? 0) + 1);
  const counts = new Map([...capacity.keys()].map((r) => [r, 0]));
  for (const id of replicas) counts.set(rackOf.get(id)!, counts.get(rackOf.get(id)!)! + 1);
  const open = [...counts].filter(([r, c]) => c < capacity.get(r)!).map(([, c]) => c);
  return open.length === 0 || Math.max(...counts.values()) <= Math.min(...open) + 1;
}

test("decommissioning one of 4 brokers moves exactly its replicas and leaves the rest balanced", () => {
  // 12 partitions x RF 3 on 4 brokers: broker 4 holds 9 replicas, each partition missing
  // exactly one broker, so every replica on 4 has one place to go and nothing else moves.
  const current = roundRobin("orders", 12, 3, [1, 2, 3, 4]);
  const plan = generatePlan(current, { brokers: brokers([1, 2, 3]) });
  const after = apply(current, plan);
  assertValid(current, after, [1, 2, 3]);
  const onLeaving = current.filter((p) => p.replicas.includes(4)).length;
  assert.equal(onLeaving, 9);
  assert.equal(movesOf(current, plan), onLeaving);
  const counts = countBy([1, 2, 3], after);
  assert.equal(counts.get(4), undefined);
  assert.ok(spreadOf(counts) <= 1, `counts ${[...counts]}`);
  assert.ok(spreadOf(countBy([1, 2, 3], after, true)) <= 1, "preferred leaders spread");
  for (const p of plan.partitions) assert.ok(!p.replicas.includes(4));
});

test("an empty new broker gets its fair share with the fewest moves, no duplicates", () => {
  // 36 replicas over 5 brokers: fair share 7 or 8, so the new broker must receive at least 7
  // replicas, and 7 moves are enough.
  const current = roundRobin("orders", 12, 3, [1, 2, 3, 4]);
  const targets = [1, 2, 3, 4, 5];
  const plan = generatePlan(current, { brokers: brokers(targets) });
  const after = apply(current, plan);
  assertValid(current, after, targets);
  const counts = countBy(targets, after);
  assert.ok(counts.get(5)! >= 7 && counts.get(5)! <= 8, `new broker has ${counts.get(5)}`);
  assert.ok(spreadOf(counts) <= 1, `counts ${[...counts]}`);
  assert.equal(movesOf(current, plan), 7);
  // Every new placement is onto broker 5: no replica shuffled between the old brokers.
  for (const p of plan.partitions) {
    const before = current.find((c) => key(c) === key(p))!.replicas;
    assert.deepEqual(
      p.replicas.filter((id) => !before.includes(id)),
      p.replicas.includes(5) ? [5] : [],
    );
  }
  assert.ok(spreadOf(countBy(targets, after, true)) <= 1, "preferred leaders spread");
  // Broker 5 needs 2 of the 12 preferred leaderships; no other partition changes leader.
  const newLeaders = plan.partitions.filter((p) => p.replicas[0] !== current[p.partition]!.replicas[0]);
  assert.equal(newLeaders.length, 2);
  for (const p of newLeaders) assert.equal(p.replicas[0], 5);
});

test("replacing a broker moves its replicas onto the new one and nothing else", () => {
  // Broker 4 leaves and empty broker 5 joins: 5's fair share is exactly 4's replicas, so
  // the plan is a substitution, positions (and preferred leaders) included.
  const current = roundRobin("orders", 12, 3, [1, 2, 3, 4]);
  const plan = generatePlan(current, { brokers: brokers([1, 2, 3, 5]) });
  const substituted = current
    .filter((p) => p.replicas.includes(4))
    .map((p) => ({ ...p, replicas: p.replicas.map((id) => (id === 4 ? 5 : id)) }));
  assert.deepEqual(plan.partitions, substituted);
  assert.equal(movesOf(current, plan), 9);
});

test("RF 3 over 3 racks of 2 brokers puts every partition on 3 distinct racks", () => {
  const rack = (id: number) => ["a", "b", "c"][Math.floor((id - 1) / 2)]!;
  const targets = range(1, 6);
  // Round-robin over ids [1..6] without racks puts e.g. [1,2,3] on racks a,a,b.
  const unaware = roundRobin("orders", 24, 3, targets);
  const alreadyAware = roundRobin("orders", 24, 3, [1, 3, 5, 2, 4, 6]);
  for (const current of [unaware, alreadyAware]) {
    const plan = generatePlan(current, { brokers: brokers(targets, rack) });
    const after = apply(current, plan);
    assertValid(current, after, targets);
    for (const p of after) assert.equal(new Set(p.replicas.map(rack)).size, 3, `${key(p)} on [${p.replicas}]`);
    assert.ok(spreadOf(countBy(targets, after)) <= 1);
  }
  assert.ok(movesOf(unaware, generatePlan(unaware, { brokers: brokers(targets, rack) })) > 0);
  assert.deepEqual(generatePlan(alreadyAware, { brokers: brokers(targets, rack) }).partitions, []);
});

test("decommissioning a broker keeps its rack covered by the rack's remaining broker", () => {
  // Rack a keeps one broker (2): every partition must still have a replica in rack a.
  const rack = (id: number) => ["a", "b", "c"][Math.floor((id - 1) / 2)]!;
  const current = roundRobin("orders", 24, 3, [1, 3, 5, 2, 4, 6]);
  const targets = [2, 3, 4, 5, 6];
  const plan = generatePlan(current, { brokers: brokers(targets, rack) });
  const after = apply(current, plan);
  assertValid(current, after, targets);
  for (const p of after) assert.equal(new Set(p.replicas.map(rack)).size, 3, `${key(p)} on [${p.replicas}]`);
  assert.equal(movesOf(current, plan), current.filter((p) => p.replicas.includes(1)).length);
});

test("with 2 racks and RF 3 no rack gets all three replicas", () => {
  const rack = (id: number) => (id <= 3 ? "east" : "west");
  const targets = range(1, 6);
  const current = roundRobin("orders", 18, 3, targets);
  const plan = generatePlan(current, { brokers: brokers(targets, rack) });
  const after = apply(current, plan);
  assertValid(current, after, targets);
  for (const p of after) assert.equal(new Set(p.replicas.map(rack)).size, 2, `${key(p)} on [${p.replicas}]`);
  assert.ok(spreadOf(countBy(targets, after)) <= 1);
});

test("an already balanced assignment gives an empty plan", () => {
  const current = [...roundRobin("orders", 12, 3, [1, 2, 3, 4]), ...roundRobin("audit", 8, 2, [4, 3, 2, 1])];
  assert.deepEqual(generatePlan(current, { brokers: brokers([1, 2, 3, 4]) }), { version: 1, partitions: [] });
  assert.deepEqual(generatePlan([], { brokers: brokers([1]) }), { version: 1, partitions: [] });
});

test("a replication factor above the target broker count is refused, naming the partition", () => {
  const current = roundRobin("orders", 3, 3, [1, 2, 3]);
  assert.throws(
    () => generatePlan(current, { brokers: brokers([1, 2]) }),
    (err: Error) =>
      /orders-0/.test(err.message) && /replication factor 3/.test(err.message) && /2 target/.test(err.message),
  );
});

test("input that cannot be planned is refused", () => {
  const one: PartitionReplicas = { topic: "t", partition: 0, replicas: [1, 2] };
  assert.throws(() => generatePlan([one, one], { brokers: brokers([1, 2]) }), /t-0 is listed twice/);
  assert.throws(() => generatePlan([{ ...one, replicas: [1, 1] }], { brokers: brokers([1, 2]) }), /twice/);
  assert.throws(() => generatePlan([one], { brokers: [] }), /no target brokers/);
  assert.throws(() => generatePlan([one], { brokers: brokers([1, 1, 2]) }), /broker 1 is listed twice/);
  const existingLoad = new Map([[1, 0]]);
  assert.throws(() => generatePlan([one], { brokers: brokers([1, 2]), existingLoad }), /existingLoad of broker 1/);
});

test("the same input in any order gives the same plan", () => {
  const current = [
    ...roundRobin("b", 10, 3, [1, 2, 3, 4, 5]),
    ...roundRobin("a", 7, 2, [5, 1]),
    ...roundRobin("c", 5, 1, [2]),
  ];
  const options = { brokers: brokers([6, 2, 3, 4, 5, 7]) };
  const first = generatePlan(current, options);
  assert.ok(first.partitions.length > 0);
  assert.deepEqual(generatePlan(current, options), first);
  assert.deepEqual(generatePlan([...current].reverse(), { brokers: [...options.brokers].reverse() }), first);
  const order = first.partitions.map((p) => `${p.topic}/${String(p.partition).padStart(3, "0")}`);
  assert.deepEqual(order, [...order].sort(), "plan lists partitions in topic/partition order");
});

test("preferred leaders are spread by reordering replicas, not by moving data", () => {
  // Every 3-of-4 broker set three times, each list sorted: broker 1 leads 9 of 12
  // partitions and 3, 4 lead none, while replica counts are already even (9 each).
  const sets = [
    [1, 2, 3],
    [1, 2, 4],
    [1, 3, 4],
    [2, 3, 4],
  ];
  const current = Array.from({ length: 12 }, (_, i) => ({ topic: "t", partition: i, replicas: sets[i % 4]! }));
  const plan = generatePlan(current, { brokers: brokers([1, 2, 3, 4]) });
  const after = apply(current, plan);
  assert.equal(movesOf(current, plan), 0);
  const leaders = countBy([1, 2, 3, 4], after, true);
  assert.deepEqual([...leaders.values()], [3, 3, 3, 3]);
  for (const p of plan.partitions) {
    const before = current[p.partition]!.replicas;
    assert.deepEqual([...p.replicas].sort(), [...before].sort());
    assert.ok(keptOrderIgnoringLeader(before, p.replicas), `[${before}] -> [${p.replicas}]`);
  }
  // Only the partitions whose leader had to change are in the plan: 1 gives up 6, 2 gives up 0.
  assert.equal(plan.partitions.length, 6);
});

test("existing load elsewhere in the cluster keeps new replicas off a busy broker", () => {
  const current = roundRobin("orders", 12, 3, [1, 2, 3, 4]);
  const targets = [1, 2, 3, 4, 5];
  // Broker 5 already carries 20 replicas of other topics: it is not short of work.
  const existingLoad = new Map([...countBy([1, 2, 3, 4], current), [5, 20]]);
  assert.deepEqual(generatePlan(current, { brokers: brokers(targets), existingLoad }).partitions, []);
  // 10 elsewhere on each of 1..4 and none on 5: the fair share is 15 or 16, more than 5
  // can take from 12 partitions, so it takes one replica of each.
  const busyOld = new Map([...[1, 2, 3, 4].map((id): [number, number] => [id, 19]), [5, 0]]);
  const plan = generatePlan(current, { brokers: brokers(targets), existingLoad: busyOld });
  assert.equal(movesOf(current, plan), 12);
  assert.equal(countBy(targets, apply(current, plan)).get(5), 12);
});

/** The fewest moves to any assignment with counts within 1, by trying every assignment (tiny inputs only). */
function minimumMoves(current: readonly (readonly number[])[], targets: readonly number[]): number {
  const subsets = (ids: readonly number[], k: number): number[][] =>
    k === 0 ? [[]] : ids.flatMap((id, i) => subsets(ids.slice(i + 1), k - 1).map((rest) => [id, ...rest]));
  const load = new Map(targets.map((id) => [id, 0]));
  let best = Number.POSITIVE_INFINITY;
  const place = (i: number, moves: number): void => {
    if (moves >= best) return;
    if (i === current.length) {
      if (spreadOf(load) <= 1) best = moves;
      return;
    }
    const before = current[i]!;
    for (const set of subsets(targets, before.length)) {
      for (const id of set) load.set(id, load.get(id)! + 1);
      place(i + 1, moves + set.filter((id) => !before.includes(id)).length);
      for (const id of set) load.set(id, load.get(id)! - 1);
    }
  };
  place(0, 0);
  return best;
}

test("moves match a brute-force minimum: replicas the plan placed move again before kept ones", () => {
  // Small clusters where balancing after an evacuation can either move a replica the plan
  // just placed (free) or a kept one (one more move); the minimum is found by brute force.
  // "current replica lists -> target brokers"
  const cases = [
    "1,5 2,0 4,2 0,2,5 -> 3,0,4",
    "0,4,3 2,0,1 3,4,5 5,4,0 2,4,3 3,2 4,5,2 -> 2,0,5,1",
    "0,2 3,4,2 1,0 5,2 3,2,0 4 5,4 2,0,4 -> 4,0,2",
    "2,1,4 0,1,5 4 5,0 3 4,3,0 -> 4,5,3,1",
    "4 2 4,3 0,1 5,3 -> 1,4,5,2",
  ].map((line) => {
    const [lists, targets] = line.split(" -> ").map((side) => side.split(" ").map((l) => l.split(",").map(Number)));
    return [lists!, targets![0]!] as const;
  });
  for (const [lists, targets] of cases) {
    const current = lists.map((replicas, partition) => ({ topic: "t", partition, replicas }));
    const plan = generatePlan(current, { brokers: brokers(targets) });
    assertValid(current, apply(current, plan), targets);
    assert.equal(movesOf(current, plan), minimumMoves(lists, targets), JSON.stringify(lists));
  }
});

test("movesOf counts new (broker, partition) placements only", () => {
  const current = [
    { topic: "t", partition: 0, replicas: [1, 2, 3] },
    { topic: "t", partition: 1, replicas: [2, 3, 4] },
  ];
  const plan: ReassignmentPlan = {
    version: 1,
    partitions: [
      { topic: "t", partition: 0, replicas: [3, 1, 2] },
      { topic: "t", partition: 1, replicas: [5, 3, 6] },
      { topic: "u", partition: 0, replicas: [1] },
    ],
  };
  assert.equal(movesOf(current, plan), 3);
  assert.equal(movesOf(current, { version: 1, partitions: [] }), 0);
});

test("parsePlan refuses each kind of bad plan with a message naming the entry and the problem", () => {
  const entry = { topic: "orders", partition: 0, replicas: [1, 2] };
  const bad: [unknown, RegExp][] = [
    [null, /not a JSON object/],
    [[entry], /not a JSON object/],
    [{ partitions: [] }, /version must be 1, got undefined/],
    [{ version: 2, partitions: [] }, /version must be 1, got 2/],
    [{ version: 1 }, /no partitions array/],
    [{ version: 1, partitions: [entry, 7] }, /partitions\[1\] is not an object/],
    [{ version: 1, partitions: [{ ...entry, topic: undefined }] }, /partitions\[0\]: missing topic/],
    [{ version: 1, partitions: [{ ...entry, topic: "" }] }, /partitions\[0\]: missing topic/],
    [
      { version: 1, partitions: [{ ...entry, partition: -1 }] },
      /partitions\[0\].*orders.*partition.*non-negative integer, got -1/,
    ],
    [{ version: 1, partitions: [{ ...entry, partition: 1.5 }] }, /partitions\[0\].*non-negative integer, got 1.5/],
    [{ version: 1, partitions: [{ ...entry, partition: "0" }] }, /partitions\[0\].*non-negative integer, got "0"/],
    [{ version: 1, partitions: [{ ...entry, replicas: [] }] }, /partitions\[0\] \(orders-0\): replicas is empty/],
    [
      { version: 1, partitions: [{ ...entry, replicas: 3 }] },
      /partitions\[0\] \(orders-0\): replicas must be an array/,
    ],
    [{ version: 1, partitions: [{ ...entry, replicas: [1, 2, 1] }] }, /orders-0\): duplicate broker 1/],
    [{ version: 1, partitions: [{ ...entry, replicas: [1, 2.5] }] }, /orders-0\): broker id 2.5 is not/],
    [{ version: 1, partitions: [{ ...entry, replicas: [1, "2"] }] }, /orders-0\): broker id "2" is not/],
    [
      { version: 1, partitions: [entry, { ...entry, replicas: [3] }] },
      /partitions\[1\] \(orders-0\): same partition as partitions\[0\]/,
    ],
  ];
  for (const [json, message] of bad) assert.throws(() => parsePlan(json), message, JSON.stringify(json));
});

test("parsePlan accepts a good plan, including one generatePlan wrote", () => {
  const good = { version: 1, partitions: [{ topic: "orders", partition: 3, replicas: [2, 0, 1] }] };
  assert.deepEqual(parsePlan(good), good);
  assert.deepEqual(parsePlan({ version: 1, partitions: [] }), { version: 1, partitions: [] });
  const current = roundRobin("orders", 12, 3, [1, 2, 3, 4]);
  const plan = generatePlan(current, { brokers: brokers([1, 2, 3]) });
  assert.deepEqual(parsePlan(JSON.parse(JSON.stringify(plan))), plan);
});

const clusterArb = fc
  .record({
    partitions: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 3 }), {
      maxLength: 40,
    }),
    targets: fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 8 }),
    racks: fc.option(fc.array(fc.constantFrom("x", "y", "z"), { minLength: 10, maxLength: 10 }), { nil: null }),
    // Replicas of other topics on each broker id, for the existingLoad variant.
    elsewhere: fc.array(fc.nat({ max: 20 }), { minLength: 10, maxLength: 10 }),
  })
  .map(({ partitions, targets, racks, elsewhere }) => ({
    current: partitions.map((replicas, i) => ({ topic: i % 3 === 0 ? "b" : "a", partition: i, replicas })),
    targets,
    racks,
    elsewhere,
  }));

test("property: any plan keeps RF, distinct target brokers, racks and balance, with bounded moves", () => {
  // Random assignments over brokers 0..7 planned onto random subsets of 0..9 (so some
  // brokers leave and some join), with or without racks: the invariants hold for every one.
  fc.assert(
    fc.property(clusterArb, ({ current, targets, racks, elsewhere }) => {
      const options = { brokers: brokers(targets, (id) => racks?.[id] ?? null) };
      const rf = Math.max(0, ...current.map((p) => p.replicas.length));
      if (rf > targets.length) {
        assert.throws(() => generatePlan(current, options), /replication factor/);
        return;
      }
      const plan = generatePlan(current, options);
      const after = apply(current, plan);
      assertValid(current, after, targets);
      for (const p of plan.partitions) {
        assert.notDeepEqual(p.replicas, current[p.partition]!.replicas, "unchanged partition listed");
      }
      if (racks === null) {
        assert.ok(spreadOf(countBy(targets, after)) <= 1, `counts ${[...countBy(targets, after)]}`);
      } else {
        const rackOf = new Map(targets.map((id) => [id, racks[id]!]));
        for (const p of after) assert.ok(rackRuleHolds(p.replicas, rackOf), `${key(p)} on [${p.replicas}]`);
      }
      // Moves: at least every replica on a leaving broker, at most a full reshuffle.
      const leaving = current.flatMap((p) => p.replicas).filter((id) => !targets.includes(id)).length;
      const moves = movesOf(current, plan);
      assert.ok(moves >= leaving && moves <= current.flatMap((p) => p.replicas).length, `moves ${moves}`);
      assert.deepEqual(generatePlan([...current].reverse(), options), plan);
      const existingLoad = countBy(targets, current);
      assert.deepEqual(generatePlan(current, { ...options, existingLoad }), plan);
      assert.deepEqual(parsePlan(JSON.parse(JSON.stringify(plan))), plan);
      const busy = new Map([...existingLoad].map(([id, n]) => [id, n + elsewhere[id]!]));
      const busyAfter = apply(current, generatePlan(current, { ...options, existingLoad: busy }));
      assertValid(current, busyAfter, targets);
      if (racks !== null) {
        const rackOf = new Map(targets.map((id) => [id, racks[id]!]));
        for (const p of busyAfter) assert.ok(rackRuleHolds(p.replicas, rackOf), `${key(p)} on [${p.replicas}]`);
      }
    }),
    { numRuns: 300 },
  );
});

test("10,000 partitions x RF 3 on 50 brokers in 5 racks: decommission one and add one", () => {
  const current = roundRobin("big", 10_000, 3, range(1, 50));
  const targets = [...range(2, 50), 51];
  const plan = generatePlan(current, { brokers: brokers(targets, (id) => `rack-${id % 5}`) });
  const after = apply(current, plan);
  assertValid(current, after, targets);
  // 51 takes 1's place in its rack: its 600 replicas are the fair share, and all that moves.
  assert.equal(movesOf(current, plan), 600);
  const counts = countBy(targets, after);
  assert.ok(spreadOf(counts) <= 1, `counts ${Math.min(...counts.values())}..${Math.max(...counts.values())}`);
  const rackOf = new Map(targets.map((id) => [id, `rack-${id % 5}`]));
  for (const p of after) assert.ok(rackRuleHolds(p.replicas, rackOf), `${key(p)} on [${p.replicas}]`);
  assert.ok(spreadOf(countBy(targets, after, true)) <= 1, "preferred leaders spread");
});
