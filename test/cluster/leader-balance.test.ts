// Automatic preferred-leader balancing picks, per broker whose share of its preferred
// partitions led by others is over the threshold, the partitions it can lead now: alive,
// eligible, in the ISR, the incarnation that joined it. Below the threshold, nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { imbalancedPartitions } from "../../src/cluster/leader-balance.js";
import { type MetadataEntry, MetadataImage } from "../../src/cluster/metadata-image.js";
import { silentLogger } from "../../src/common/logger.js";

function image(
  partitions: { leader: number; isr: number[]; replicas: number[]; isrBrokerEpochs?: Record<string, number> }[],
  brokers: Record<number, { storageFailed?: boolean; incarnation?: number }> = { 1: {}, 2: {}, 3: {} },
): MetadataImage {
  const entries: MetadataEntry[] = [
    {
      key: "topics/t",
      value: JSON.stringify({
        name: "t",
        topicId: "id",
        assignment: partitions.map((p) => p.replicas),
        configs: {},
        internal: false,
      }),
      modRevision: 1,
      createRevision: 1,
    },
  ];
  for (const [id, b] of Object.entries(brokers)) {
    const record = { id: Number(id), host: "h", port: 1, httpPort: 0, rack: null, startedAtMs: 0, ...b };
    entries.push({ key: `brokers/${id}`, value: JSON.stringify(record), modRevision: 10, createRevision: 10 });
  }
  partitions.forEach((p, i) => {
    const { replicas: _, ...rest } = p;
    const state = { topicId: "id", leaderEpoch: 1, partitionEpoch: 1, ...rest };
    entries.push({ key: `partitions/t/${i}`, value: JSON.stringify(state), modRevision: 20 + i, createRevision: 20 });
  });
  return MetadataImage.fromEntries(entries, 100, silentLogger);
}

const all = [1, 2, 3];

test("a broker leading none of its preferred partitions gets back those it can lead", () => {
  const img = image([
    { leader: 2, isr: all, replicas: [1, 2, 3] },
    { leader: 3, isr: [2, 3], replicas: [1, 3, 2] }, // 1 not in the ISR yet: stays
    { leader: 2, isr: all, replicas: [2, 3, 1] },
  ]);
  assert.deepEqual(imbalancedPartitions(img, 10), [{ topic: "t", partitions: [0] }]);
});

test("at or under the threshold nothing moves", () => {
  const partitions = Array.from({ length: 10 }, (_, i) => ({
    leader: i === 0 ? 2 : 1,
    isr: all,
    replicas: [1, 2, 3],
  }));
  assert.deepEqual(imbalancedPartitions(image(partitions), 10), [], "1 of 10 off is 10%: not over");
  assert.deepEqual(imbalancedPartitions(image(partitions), 5), [{ topic: "t", partitions: [0] }]);
});

test("a preferred replica that cannot write, or restarted since it joined the ISR, is left alone", () => {
  const off = [{ leader: 2, isr: all, replicas: [1, 2, 3], isrBrokerEpochs: { "1": 10, "2": 10, "3": 10 } }];
  assert.deepEqual(imbalancedPartitions(image(off, { 1: { storageFailed: true }, 2: {}, 3: {} }), 10), []);
  assert.deepEqual(imbalancedPartitions(image(off, { 1: { incarnation: 7 }, 2: {}, 3: {} }), 10), []);
  assert.deepEqual(imbalancedPartitions(image(off), 10), [{ topic: "t", partitions: [0] }]);
});
