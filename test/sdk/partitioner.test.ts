// The key partitioner gives every key the partition Kafka's clients give it: murmur2
// matches the vectors of Kafka's own UtilsTest.testMurmur2 and kafkajs's murmur2 (the
// DefaultPartitioner, "Java compatible") for random keys of every length, as strings and
// as bytes, and the partition matches kafkajs's partitioner for any partition count.
// Keyless records stick to one available partition until its batch closes, then move
// to a different one (KIP-480).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import fc from "fast-check";
import { murmur2, partitionForKey, toPositive } from "../../clients/sdk/src/index.js";
import { DefaultPartitioner } from "../../clients/sdk/src/partitioner.js";

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require("kafkajs/src/producer/partitioners/default/murmur2.js") as (
  key: Buffer | string,
) => number;
const { DefaultPartitioner: KafkajsPartitioner } = require("kafkajs").Partitioners as {
  DefaultPartitioner: () => (args: {
    topic: string;
    partitionMetadata: { partitionId: number; leader: number }[];
    message: { key: Buffer | string };
  }) => number;
};

/** From Kafka's clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java (testMurmur2). */
const KAFKA_VECTORS: readonly [string, number][] = [
  ["21", -973932308],
  ["foobar", -790332482],
  ["a-little-bit-long-string", -985981536],
  ["a-little-bit-longer-string", -1486304829],
  ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
  ["abc", 479470107],
];

test("murmur2 gives the values of Kafka's UtilsTest vectors", () => {
  for (const [key, expected] of KAFKA_VECTORS) {
    assert.equal(murmur2(Buffer.from(key)), expected, key);
    assert.equal(kafkajsMurmur2(key), expected, `kafkajs agrees on ${key}`);
  }
  assert.equal(toPositive(-790332482), 1357151166);
  assert.equal(partitionForKey("foobar", 10), 6, "toPositive, not Math.abs");
});

test("murmur2 and the partition agree with kafkajs for random keys, strings and bytes", () => {
  const partitioner = new DefaultPartitioner(() => 0.5);
  const kafkajs = KafkajsPartitioner();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 1000 }), (bytes, count) => {
      const key = Buffer.from(bytes);
      assert.equal(murmur2(key), kafkajsMurmur2(key));
      const metadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 1 }));
      const expected = kafkajs({ topic: "t", partitionMetadata: metadata, message: { key } });
      assert.equal(partitioner.keyed(key, count), expected);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), fc.integer({ min: 1, max: 64 }), (key, count) => {
      assert.equal(partitioner.keyed(key, count), toPositive(kafkajsMurmur2(key)) % count, JSON.stringify(key));
    }),
    { numRuns: 2000 },
  );
  const long = "k".repeat(5000);
  assert.equal(
    partitioner.keyed(long, 7),
    toPositive(kafkajsMurmur2(long)) % 7,
    "a key longer than the scratch buffer",
  );
});

test("keyless records stick to one available partition, and move to another when its batch closes", () => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const partitioner = new DefaultPartitioner(random);
  const available = [1, 3, 4];
  const first = partitioner.keyless("t", 6, available);
  assert.ok(available.includes(first));
  for (let i = 0; i < 10; i++) assert.equal(partitioner.keyless("t", 6, available), first, "sticky");
  let previous = first;
  for (let i = 0; i < 50; i++) {
    const next = partitioner.onNewBatch("t", previous, 6, available);
    assert.notEqual(next, previous, "a new batch goes elsewhere");
    assert.ok(available.includes(next), "only partitions with a leader");
    assert.equal(partitioner.keyless("t", 6, available), next);
    previous = next;
  }
  assert.equal(partitioner.onNewBatch("t", 99, 6, available), previous, "a stale notice changes nothing");
  assert.equal(new DefaultPartitioner(random).keyless("u", 3, [2]), 2, "the only available partition");
});
