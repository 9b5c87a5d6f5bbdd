// Log compaction on real brokers (issue 5): a topic with cleanup.policy=compact and small
// segments is written with repeated keys and tombstones by an idempotent acks=all producer
// while a consumer reads it from the start, and the cleaner runs in the background all the
// while. Proves: the log compacts to exactly the latest value of each key, at the offset
// the producer was told; tombstoned keys disappear after delete.retention.ms; the consumer
// never sees an offset twice or out of order, and every record it saw is one that was
// produced at that offset.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Client } from "@tidelog/client";
import { decodeRecordBatches } from "@tidelog/client/record";
import { startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { RawBroker } from "./raw-client.js";

const TOPIC = "compacted";
const KEYS = 20;
const RECORDS = 1500;
const FILLER = 400;

interface Seen {
  offset: number;
  key: string | null;
  value: string | null;
}

/** Every record in the partition up to the high watermark, following batch ends across gaps. */
async function readLog(raw: RawBroker): Promise<Seen[]> {
  const out: Seen[] = [];
  let next = 0;
  for (let i = 0; i < 10_000; i++) {
    const res = await raw.fetch(TOPIC, 0, next);
    if (res.error?.code) throw new Error(`fetch error ${res.error.code}: ${res.error.message}`);
    if (res.records.length === 0) break;
    for (const b of decodeRecordBatches(res.records)) {
      for (const r of b.records) {
        if (r.offset >= next)
          out.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
      }
      next = Math.max(next, b.header.baseOffset + b.header.lastOffsetDelta + 1);
    }
    if (next >= Number(res.highWatermark)) break;
  }
  return out;
}

test("a compacted topic keeps the latest value per key at its offset while producers and consumers run", async (t) => {
  const c = await startCluster(t, {
    brokers: 2,
    brokerConfig: {
      "log.cleaner.backoff.ms": "200",
      "log.cleaner.io.max.bytes.per.second": String(2 * 1024 * 1024),
      "replica.fetch.wait.max.ms": "100",
    },
  });
  const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 20_000 });
  t.after(() => client.close());
  const admin = client.admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 2, {
    description: "2 brokers",
    timeoutMs: 20_000,
  });
  await admin.createTopic({
    name: TOPIC,
    partitions: 1,
    replicationFactor: 2,
    configs: {
      "cleanup.policy": "compact",
      "segment.bytes": "4096",
      "max.message.bytes": "4096",
      "delete.retention.ms": "2000",
      "min.cleanable.dirty.ratio": "0.3",
    },
  });
  const leaderId = (await waitFor(async () => (await admin.describeTopic(TOPIC)).partitions[0]?.leader ?? null, {
    description: "a leader",
    timeoutMs: 15_000,
  })) as number;

  // The consumer reads from the start, concurrently with everything below.
  const consumer = client.consumer({ autoOffsetReset: "earliest" });
  consumer.assign([{ topic: TOPIC, partition: 0 }]);
  consumer.seek({ topic: TOPIC, partition: 0 }, "earliest");
  const consumed: Seen[] = [];
  let stopConsumer = false;
  const consuming = (async () => {
    for await (const r of consumer) {
      consumed.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
      if (stopConsumer) break;
    }
  })();

  const producer = client.producer({ acks: -1, batchSize: 2048, lingerMs: 2 });
  const produced = new Map<number, Seen>();
  const latest = new Map<string, Seen>();
  const send = async (key: string, value: string | null) => {
    const report = (await producer.send(TOPIC, { key, value, partition: 0 })) as { offset: number };
    const seen = { offset: report.offset, key, value };
    produced.set(report.offset, seen);
    latest.set(key, seen);
  };
  // Repeated keys, a tombstone every seventh record, in bursts of concurrent sends.
  for (let i = 0; i < RECORDS; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) => {
        const n = i + j;
        const key = `key-${n % KEYS}`;
        return send(key, n % 7 === 3 ? null : `${key}=${n};${"v".repeat(80)}`);
      }),
    );
  }
  // Filler under one key pushes the last real writes out of the active segment, so the
  // cleaner may reach them.
  for (let i = 0; i < FILLER; i += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, j) => send("filler", `f${i + j};${"f".repeat(80)}`)));
  }
  stopConsumer = true;
  await producer.close();
  await consuming;
  await consumer.close();

  const expected = [...latest.values()].filter((s) => s.key !== "filler" && s.value !== null);
  expected.sort((a, b) => a.offset - b.offset);
  assert.ok(expected.length > 0 && expected.length < KEYS, "some keys end in a tombstone, some in a value");
  const raw = new RawBroker(c.broker(leaderId).address);
  t.after(() => raw.close());
  const compacted = await waitFor(
    async () => {
      const log = await readLog(raw);
      const real = log.filter((r) => r.key !== "filler");
      return JSON.stringify(real) === JSON.stringify(expected) ? log : null;
    },
    {
      description: "the log compacted to the latest value per key, tombstones gone",
      timeoutMs: 60_000,
      intervalMs: 500,
    },
  );
  // Every record left is one that was produced at exactly that offset.
  for (const r of compacted) assert.deepEqual(produced.get(r.offset), r);
  assert.ok(compacted.length < (RECORDS + FILLER) / 10, `${compacted.length} records left of ${RECORDS + FILLER}`);

  // The consumer saw strictly increasing offsets, each holding what was produced there.
  assert.ok(consumed.length > 0);
  for (let i = 0; i < consumed.length; i++) {
    const r = consumed[i] as Seen;
    if (i > 0)
      assert.ok(r.offset > (consumed[i - 1] as Seen).offset, `offset ${r.offset} after ${consumed[i - 1]?.offset}`);
    assert.deepEqual(produced.get(r.offset), r, `consumed offset ${r.offset}`);
  }
});
