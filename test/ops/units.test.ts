// The small pieces of the operations layer, alone: the admin API's rate limiter (driven
// by a fake clock), the per-batch record counter the traffic metrics use (against real
// encoded batches, compressed ones included), error-to-HTTP-status mapping, and a
// registry per broker (two BrokerMetrics never share a series).
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeRecordBatch, TidelogError } from "@tidelog/client/record";
import { MetadataImage } from "../../src/cluster/metadata-image.js";
import { silentLogger } from "../../src/common/logger.js";
import { errorBody, httpStatusOf } from "../../src/http/http-errors.js";
import { RateLimiter } from "../../src/http/rate-limiter.js";
import { countRecords } from "../../src/metrics/batch-records.js";
import { BrokerMetrics } from "../../src/metrics/broker-metrics.js";
import { firstErrorCode } from "../../src/metrics/grpc-instrumentation.js";
import type { Partition } from "../../src/replication/partition.js";

test("the rate limiter allows a one-second burst, then the configured rate", () => {
  let now = 0;
  const limiter = new RateLimiter(10, () => now);
  const burst = Array.from({ length: 15 }, () => limiter.tryTake()).filter(Boolean).length;
  assert.equal(burst, 10);
  assert.equal(limiter.retryAfterSec(), 1);
  now += 500;
  assert.equal(Array.from({ length: 10 }, () => limiter.tryTake()).filter(Boolean).length, 5);
  now += 60_000; // tokens never bank beyond one second's worth
  assert.equal(Array.from({ length: 30 }, () => limiter.tryTake()).filter(Boolean).length, 10);
});

test("records are counted from batch headers, compressed or not, torn tails ignored", () => {
  const records = (n: number) => Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`v${i}`) }));
  const plain = encodeRecordBatch({ records: records(7) });
  const gzip = encodeRecordBatch({ records: records(5), compression: "gzip" });
  const both = Buffer.concat([plain, gzip]);
  assert.equal(countRecords(plain), 7);
  assert.equal(countRecords(both), 12);
  assert.equal(countRecords(Buffer.concat([both, plain.subarray(0, 30)])), 12);
  assert.equal(countRecords(Buffer.alloc(0)), 0);
});

test("errors map to HTTP statuses by kind, with the table's code and name", () => {
  const status = (code: ConstructorParameters<typeof TidelogError>[0]) => httpStatusOf(new TidelogError(code));
  assert.equal(status("INVALID_REQUEST"), 400);
  assert.equal(status("INVALID_TOPIC_EXCEPTION"), 400);
  assert.equal(status("UNKNOWN_TOPIC_OR_PARTITION"), 404);
  assert.equal(status("TOPIC_ALREADY_EXISTS"), 409);
  assert.equal(status("THROTTLING_QUOTA_EXCEEDED"), 429);
  assert.equal(status("NOT_CONTROLLER"), 503);
  assert.equal(status("METADATA_UNAVAILABLE"), 503);
  assert.equal(status("UNKNOWN_SERVER_ERROR"), 500);
  assert.deepEqual(errorBody(new TidelogError("TOPIC_ALREADY_EXISTS", "orders exists")), {
    error: { code: 36, name: "TOPIC_ALREADY_EXISTS", message: "orders exists", retriable: false },
  });
});

test("a request's error label is the first failed item's code", () => {
  assert.equal(firstErrorCode({ error: { code: 0 }, topics: [] }), 0);
  assert.equal(firstErrorCode({ topics: [{ partitions: [{ error: { code: 0 } }, { error: { code: 6 } }] }] }), 6);
  assert.equal(firstErrorCode({ results: [{ error: { code: 41 } }] }), 41);
});

test("each broker has its own registry", async () => {
  const a = new BrokerMetrics({ processMetrics: false });
  const b = new BrokerMetrics({ processMetrics: false });
  a.produced("t", encodeRecordBatch({ records: [{ value: Buffer.from("x") }] }));
  a.request("Produce", process.hrtime.bigint(), 0);
  const textA = (await a.scrape()).body;
  const textB = (await b.scrape()).body;
  assert.match(textA, /tidelog_topic_records_in_total\{topic="t"\} 1/);
  assert.doesNotMatch(textB, /topic="t"/);
  assert.match(textA, /tidelog_request_duration_seconds_count\{api="Produce",error="NONE"\} 1/);
});

test("metrics.partition.level=topic sums the partition gauges per topic, without a partition label", async () => {
  const fake = (topic: string, partition: number, leo: number, leader: boolean) =>
    ({
      tp: { topic, partition },
      role: leader ? "leader" : "follower",
      isr: [],
      replicas: [],
      log: { logEndOffset: leo, highWatermark: leo, lastStableOffset: leo, sizeBytes: 100, segmentCount: 1 },
    }) as unknown as Partition;
  const hosted = [fake("a", 0, 5, true), fake("a", 1, 7, false), fake("b", 0, 1, true)];
  const sources = {
    partitions: () => hosted,
    image: () => MetadataImage.fromEntries([], 0, silentLogger),
    isController: () => false,
    controllerEpoch: () => -1,
  };
  const perTopic = new BrokerMetrics({ processMetrics: false, partitionLevel: "topic" });
  perTopic.attach(sources);
  const text = (await perTopic.scrape()).body;
  assert.match(text, /tidelog_partition_log_end_offset\{topic="a"\} 12/);
  assert.match(text, /tidelog_partition_leader\{topic="a"\} 1/);
  assert.match(text, /tidelog_partition_log_size_bytes\{topic="b"\} 100/);
  assert.doesNotMatch(text, /partition="/);
  const perPartition = new BrokerMetrics({ processMetrics: false });
  perPartition.attach(sources);
  assert.match((await perPartition.scrape()).body, /tidelog_partition_log_end_offset\{topic="a",partition="1"\} 7/);
});
