// kill -9 of a partition leader in the middle of idempotent acks=all production, with
// replication factor 3 and min.insync.replicas=2. Every send is recorded (acknowledged
// with an offset, failed, or unknown), every record is read back, and the checker
// proves: no acknowledged record lost, none at two offsets, no two at one offset,
// offsets in order, every acknowledgement at the offset it named.
//
// The producer here is deliberately simple and explicit (one batch in flight per
// partition, the same bytes resent on every retry), so what is tested is the broker:
// dedup of retries across a leader change, replication before acknowledgement, and
// clean election from the ISR.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Client } from "@tidelog/client";
import { type ClusterHandle, startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { DeliveryChecker } from "./delivery-checker.js";
import { batch, RawBroker } from "./raw-client.js";

const SESSION_MS = 3000;
const PARTITIONS = 3;
const RECORDS_PER_PARTITION = 120;
/** Codes a producer retries (after finding the leader again). */
const RETRIABLE = new Set([3, 5, 6, 7, 13, 19, 20, 74, 75]);

class Leaders {
  private readonly raws = new Map<string, RawBroker>();
  private readonly cache = new Map<number, number>();

  constructor(
    private readonly c: ClusterHandle,
    private readonly admin: ReturnType<Client["admin"]>,
    private readonly topic: string,
  ) {}

  async leader(partition: number, refresh: boolean): Promise<RawBroker | null> {
    if (refresh || !this.cache.has(partition)) {
      const p = (await this.admin.describeTopic(this.topic)).partitions[partition];
      if (!p || p.leader === null) return null;
      this.cache.set(partition, p.leader);
    }
    const address = this.c.broker(this.cache.get(partition) as number).address;
    let raw = this.raws.get(address);
    if (!raw) {
      raw = new RawBroker(address);
      this.raws.set(address, raw);
    }
    return raw;
  }

  close(): void {
    for (const r of this.raws.values()) r.close();
  }
}

async function producePartition(
  leaders: Leaders,
  checker: DeliveryChecker,
  topic: string,
  partition: number,
  producer: { id: number; epoch: number },
  deadlineMs: number,
): Promise<void> {
  for (let seq = 0; seq < RECORDS_PER_PARTITION; seq++) {
    const value = `p${partition}-${seq}`;
    checker.sending(partition, value);
    const bytes = batch([value], { ...producer, seq });
    let refresh = false;
    for (;;) {
      if (Date.now() > deadlineMs) {
        checker.settled(value, { status: "unknown" });
        return;
      }
      try {
        const leader = await leaders.leader(partition, refresh);
        if (!leader) throw new Error("no leader yet");
        const res = await leader.produce(topic, partition, Buffer.from(bytes), -1, 5000);
        const code = res.error?.code ?? 0;
        if (code === 0) {
          checker.settled(value, { status: "acked", offset: Number(res.baseOffset) });
          break;
        }
        if (!RETRIABLE.has(code)) {
          checker.settled(value, { status: "failed", code: String(code) });
          break;
        }
      } catch {
        // A dead broker, a broken connection: find the leader again and resend the same bytes.
      }
      refresh = true;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

test("kill -9 of the leader during idempotent acks=all production loses and duplicates nothing", async (t) => {
  const c = await startCluster(t, {
    brokers: 3,
    brokerConfig: {
      "broker.session.timeout.ms": String(SESSION_MS),
      "controller.session.timeout.ms": String(SESSION_MS),
      "replica.fetch.wait.max.ms": "100",
      "min.insync.replicas": "2",
    },
  });
  const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 20_000, attemptTimeoutMs: 1500 });
  const admin = client.admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
    description: "3 brokers",
    timeoutMs: 20_000,
  });
  await admin.createTopic({ name: "orders", partitions: PARTITIONS, replicationFactor: 3 });
  const leaders = new Leaders(c, admin, "orders");
  t.after(async () => {
    leaders.close();
    await client.close();
  });
  const init = await waitFor(async () => (await leaders.leader(0, true))?.initProducerId(), {
    description: "a producer id",
    timeoutMs: 10_000,
  });
  const producer = { id: Number(init.producerId), epoch: init.producerEpoch };
  const checker = new DeliveryChecker();
  const deadline = Date.now() + 60_000;
  const producing = Promise.all(
    Array.from({ length: PARTITIONS }, (_, p) => producePartition(leaders, checker, "orders", p, producer, deadline)),
  );

  // Kill the leader of partition 0 once production is well under way.
  await waitFor(() => checker.check().acked >= 60, { description: "60 records acknowledged", timeoutMs: 30_000 });
  const victim = (await admin.describeTopic("orders")).partitions[0]?.leader as number;
  const ackedAtKill = checker.check().acked;
  await c.broker(victim).kill();
  await producing;
  assert.ok(
    ackedAtKill < PARTITIONS * RECORDS_PER_PARTITION,
    "the kill happened while records were still being produced",
  );
  const after = (await admin.describeTopic("orders")).partitions[0]?.leader;
  assert.ok(after !== null && after !== victim, `partition 0 moved to a new leader (now ${after})`);

  // Read everything back from the current leaders.
  for (let p = 0; p < PARTITIONS; p++) {
    const leader = await waitFor(() => leaders.leader(p, true), { description: `leader of ${p}`, timeoutMs: 15_000 });
    for (const r of await leader.readValues("orders", p)) checker.read(p, r.offset, r.value);
  }
  const report = checker.check();
  t.diagnostic(
    `sent ${report.sent}, acknowledged ${report.acked}, failed ${report.failed}, unknown ${report.unknown}, ` +
      `faults injected 1 (kill -9 of broker ${victim}), consumed ${report.consumed}, lost ${report.lost.length}, duplicated ${report.duplicated.length}`,
  );
  assert.deepEqual(report.lost, [], "no acknowledged record lost");
  assert.deepEqual(report.duplicated, [], "no record at two offsets (idempotence)");
  assert.deepEqual(report.offsetConflicts, [], "no two records at one offset");
  assert.deepEqual(report.outOfOrder, [], "offsets increase");
  assert.deepEqual(report.misplaced, [], "every acknowledgement names the record's offset");
  assert.equal(
    report.acked,
    PARTITIONS * RECORDS_PER_PARTITION,
    "with retries, every record was eventually acknowledged",
  );
});
