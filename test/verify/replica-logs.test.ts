// The verifier's end-of-run comparison of the replicas' logs on disk (replica-logs.ts),
// on data directories written here in the broker's layout: identical replicas agree, a
// lagging one or a torn last batch is not a divergence, and a planted difference (another
// batch at the same offset, as long run 11's stale append left one) is found and named.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { encodeRecordBatch } from "@tidelog/client/record";
import { compareReplicaLogs } from "../../clients/verify/src/checkers/replica-logs.js";

interface Spec {
  readonly value: string;
  readonly epoch: number;
  readonly records?: number;
}

/** Writes a partition's segment as a broker would: batches back to back from offset 0. */
function writeLog(dataDir: string, partition: string, batches: readonly Spec[], segmentBase = 0): void {
  const dir = join(dataDir, partition);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${String(segmentBase).padStart(20, "0")}.log`);
  let offset = segmentBase;
  for (const b of batches) {
    const n = b.records ?? 1;
    const records = Array.from({ length: n }, (_, i) => ({ value: `${b.value}-${i}`, timestamp: 1000 + i }));
    appendFileSync(file, encodeRecordBatch({ records, baseOffset: offset, partitionLeaderEpoch: b.epoch }));
    offset += n;
  }
}

function brokers(t: import("node:test").TestContext, count: number): Map<number, string> {
  const root = mkdtempSync(join(tmpdir(), "tidelog-replica-logs-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return new Map(Array.from({ length: count }, (_, i) => [i + 1, join(root, `broker-${i + 1}`)]));
}

const LOG: Spec[] = [
  { value: "a", epoch: 0, records: 3 },
  { value: "b", epoch: 0 },
  { value: "c", epoch: 2, records: 2 },
  { value: "d", epoch: 2 },
];

test("identical replicas agree; every batch of every replicated partition is compared", (t) => {
  const dirs = brokers(t, 3);
  for (const dir of dirs.values()) {
    writeLog(dir, "orders-0", LOG);
    writeLog(dir, "orders-1", LOG.slice(0, 2));
  }
  const r = compareReplicaLogs(dirs);
  assert.deepEqual(r.divergences, []);
  assert.equal(r.partitions, 2);
  assert.equal(r.batches, (4 + 2) * 2, "each of two other replicas' batches, per partition");
});

test("a lagging replica, a torn last batch and an internal topic are not divergences", (t) => {
  const dirs = brokers(t, 3);
  const [one, two, three] = [...dirs.values()] as [string, string, string];
  writeLog(one, "orders-0", LOG);
  writeLog(two, "orders-0", LOG.slice(0, 2)); // behind
  writeLog(three, "orders-0", LOG);
  const active = join(three, "orders-0", `${"0".padStart(20, "0")}.log`);
  truncateSync(active, statSync(active).size - 7); // its last batch torn
  // Compacted on each replica's own schedule: never compared.
  writeLog(one, "__consumer_offsets-0", [{ value: "x", epoch: 0 }]);
  writeLog(two, "__consumer_offsets-0", [{ value: "y", epoch: 0 }]);
  const r = compareReplicaLogs(dirs);
  assert.deepEqual(r.divergences, []);
  assert.equal(r.partitions, 1);
});

test("another batch at the same offset is a divergence, named by partition, offset and brokers", (t) => {
  const dirs = brokers(t, 3);
  const [one, two, three] = [...dirs.values()] as [string, string, string];
  writeLog(one, "orders-0", LOG);
  writeLog(two, "orders-0", LOG);
  // Run 11's shape: a stale leader's append took offset 4 in the new epoch's stamp,
  // where the leader has another record of that epoch.
  writeLog(three, "orders-0", [...LOG.slice(0, 2), { value: "stale", epoch: 2, records: 2 }, LOG[3] as Spec]);
  const r = compareReplicaLogs(dirs);
  assert.equal(r.divergences.length, 1);
  assert.match(
    r.divergences[0] as string,
    /^orders-0: at offset 4 broker 1 holds offsets 4-5 of epoch 2 \(crc [0-9a-f]+\), broker 3 offsets 4-5 of epoch 2/,
  );
});

test("the same records under another leader epoch are a divergence too", (t) => {
  const dirs = brokers(t, 2);
  const [one, two] = [...dirs.values()] as [string, string];
  writeLog(one, "t-0", LOG);
  writeLog(two, "t-0", [...LOG.slice(0, 3), { value: "d", epoch: 3 }]);
  assert.match(compareReplicaLogs(dirs).divergences[0] ?? "", /at offset 6 .* of epoch 2 .* of epoch 3/);
});

test("replicas whose log starts differ (retention) are compared over the offsets both hold", (t) => {
  const dirs = brokers(t, 2);
  const [one, two] = [...dirs.values()] as [string, string];
  writeLog(one, "t-0", LOG);
  // The second replica deleted its first segment: it starts at offset 3 in a segment of its own.
  writeLog(two, "t-0", LOG.slice(1), 3);
  const r = compareReplicaLogs(dirs);
  assert.deepEqual(r.divergences, []);
  assert.equal(r.batches, 3);
});
