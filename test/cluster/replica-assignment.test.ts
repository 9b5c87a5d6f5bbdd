// Replica placement: preferred leaders spread evenly over brokers, no broker twice in a
// partition, followers spread too, racks respected when set, and impossible requests
// refused with the right error code.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isTidelogError } from "@tidelog/client/record";
import fc from "fast-check";
import { assignReplicas, validateAssignment } from "../../src/cluster/replica-assignment.js";

const brokers = (n: number, racks?: string[]) =>
  Array.from({ length: n }, (_, i) => ({ id: i + 1, rack: racks ? (racks[i % racks.length] as string) : null }));
const fixed = () => 0;

test("the documented example: 3 brokers, 6 partitions, RF 2", () => {
  const a = assignReplicas({ partitions: 6, replicationFactor: 2, brokers: brokers(3), random: fixed });
  assert.deepEqual(a, [
    [1, 2],
    [2, 3],
    [3, 1],
    [1, 3],
    [2, 1],
    [3, 2],
  ]);
});

test("for any shape, leaders are balanced within one and replicas are distinct", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 1, max: 5 }),
      fc.double({ min: 0, max: 0.999, noNaN: true }),
      (n, partitions, rf, r) => {
        fc.pre(rf <= n);
        const a = assignReplicas({ partitions, replicationFactor: rf, brokers: brokers(n), random: () => r });
        assert.equal(a.length, partitions);
        const leaders = new Map<number, number>();
        for (const replicas of a) {
          assert.equal(replicas.length, rf);
          assert.equal(new Set(replicas).size, rf, `distinct replicas in ${replicas}`);
          leaders.set(replicas[0] as number, (leaders.get(replicas[0] as number) ?? 0) + 1);
        }
        const counts = [...leaders.values()];
        if (partitions >= n) assert.equal(leaders.size, n, "every broker leads something");
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `leader counts ${counts}`);
      },
    ),
    { numRuns: 300 },
  );
});

test("with racks, a partition's replicas sit on different racks while racks remain", () => {
  const a = assignReplicas({
    partitions: 12,
    replicationFactor: 3,
    brokers: brokers(6, ["a", "b", "c"]),
    random: () => 0.37,
  });
  const rackOf = (id: number) => ["a", "b", "c"][(id - 1) % 3];
  for (const replicas of a) assert.equal(new Set(replicas.map(rackOf)).size, 3, `racks of ${replicas}`);
});

test("impossible requests are refused with typed errors", () => {
  assert.throws(
    () => assignReplicas({ partitions: 3, replicationFactor: 4, brokers: brokers(3), random: fixed }),
    (e) => isTidelogError(e, "INVALID_REPLICATION_FACTOR") && /larger than the 3 live brokers/.test(e.message),
  );
  assert.throws(
    () => assignReplicas({ partitions: 0, replicationFactor: 1, brokers: brokers(3), random: fixed }),
    (e) => isTidelogError(e, "INVALID_PARTITIONS"),
  );
  assert.throws(
    () =>
      assignReplicas({
        partitions: 1,
        replicationFactor: 1,
        brokers: [
          { id: 1, rack: "a" },
          { id: 2, rack: null },
        ],
        random: fixed,
      }),
    (e) => isTidelogError(e, "INVALID_REPLICA_ASSIGNMENT"),
  );
});

test("explicit assignments are checked against live brokers", () => {
  const alive = new Set([1, 2, 3]);
  validateAssignment(
    [
      [1, 2],
      [2, 3],
    ],
    alive,
  );
  for (const bad of [[[1, 1]], [[1, 2], [3]], [[1, 9]], []]) {
    assert.throws(
      () => validateAssignment(bad, alive),
      (e) => isTidelogError(e, "INVALID_REPLICA_ASSIGNMENT"),
    );
  }
});

test("adding partitions continues the rotation from the existing count", () => {
  const first = assignReplicas({ partitions: 3, replicationFactor: 1, brokers: brokers(3), random: fixed });
  const more = assignReplicas({
    partitions: 3,
    replicationFactor: 1,
    brokers: brokers(3),
    firstPartition: 3,
    random: fixed,
  });
  assert.deepEqual(
    [...first, ...more].map((r) => r[0]),
    [1, 2, 3, 1, 2, 3],
  );
});
