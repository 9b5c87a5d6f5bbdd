/**
 * tidelog as a system in the peers suite: a cluster started with the test harness
 * (brokers as separate processes, from source through tsx, sharing one etcd), driven by
 * the SDK with the same producer and consumer settings as the e2e suite (bench/e2e.ts).
 * One BenchSystem per acks setting, so each cluster serves two rows of the table.
 */
import { Client } from "@tidelog/client";
import { type CleanupScope, type EtcdHandle, startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { consume, latency, PARTITIONS, produce } from "../e2e.js";
import { type BenchSystem, GROUP_CONFIRM_RECORDS, type GroupRead } from "./bench-system.js";

/**
 * A new group (one member) reads `topic` from the start and, every GROUP_CONFIRM_RECORDS
 * records and at the end, commits the next offset of each partition read and waits for
 * the coordinator's answer. Auto-commit is off so that nothing else commits.
 */
async function consumeGroup(client: Client, topic: string, expected: number, timeoutMs: number): Promise<GroupRead> {
  const consumer = client.consumer({ groupId: `${topic}-group`, autoOffsetReset: "earliest", autoCommit: false });
  const start = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - start) / 1e6;
  let records = 0;
  let firstRecordMs = 0;
  let sinceCommit = 0;
  const next = new Map<number, number>();
  const commit = async () => {
    await consumer.commit([...next].map(([partition, offset]) => ({ topic, partition, offset })));
    sinceCommit = 0;
  };
  consumer.subscribe([topic]);
  const done = consumer.run({
    eachBatch: async (batch) => {
      const last = batch.records.at(-1);
      if (last === undefined) return;
      if (records === 0) firstRecordMs = elapsedMs();
      next.set(batch.partition, last.offset + 1);
      records += batch.records.length;
      sinceCommit += batch.records.length;
      if (sinceCommit >= GROUP_CONFIRM_RECORDS || records >= expected) await commit();
      if (records >= expected) consumer.stop();
    },
  });
  // A lost record would otherwise keep the benchmark waiting forever.
  const timer = setTimeout(() => consumer.stop(), timeoutMs);
  await done;
  clearTimeout(timer);
  if (sinceCommit > 0) await commit();
  const perSecond = records / (elapsedMs() / 1000);
  await consumer.close();
  return { records, perSecond, firstRecordMs };
}

export interface TidelogSetup {
  readonly brokers: number;
  readonly replicationFactor: number;
  readonly acks: readonly (1 | -1)[];
}

/** Starts `setup.brokers` brokers on `etcd`; one system per acks value. Stopped when `scope` ends. */
export async function startTidelog(scope: CleanupScope, etcd: EtcdHandle, setup: TidelogSetup): Promise<BenchSystem[]> {
  const { brokers, replicationFactor: rf } = setup;
  const cluster = await startCluster(scope, {
    brokers,
    etcd,
    brokerConfig: { "min.insync.replicas": String(Math.min(2, rf)) },
  });
  const client = new Client({ brokers: cluster.bootstrap, requestTimeoutMs: 60_000 });
  // The systems share the client; the first close() closes it.
  let closing: Promise<void> | undefined;
  await waitFor(async () => (await client.admin().describeCluster()).brokers.length === brokers, {
    description: "brokers registered",
    timeoutMs: 30_000,
  });
  return setup.acks.map((acks) => {
    const ackName = acks === -1 ? "all" : "1";
    return {
      name: `tidelog RF ${rf} acks=${ackName}`,
      setup:
        `tidelog, ${brokers} broker${brokers > 1 ? "s" : ""} (min.insync.replicas ${Math.min(2, rf)}, no fsync ` +
        `per write: flush.ms unset), ${PARTITIONS} partitions, RF ${rf}; SDK Producer acks=${ackName}, ` +
        "512 KiB batches, 5 ms linger, sends of 1,000 records with 200 in flight (latency: 0 ms linger, " +
        "one record per send); Consumer reading all partitions; group read: one member, a commit awaited " +
        `every ${GROUP_CONFIRM_RECORDS.toLocaleString("en-US")} records`,
      serverPids: () => cluster.brokers.map((b) => b.pid),
      async create(topic) {
        await client.admin().createTopic({ name: topic, partitions: PARTITIONS, replicationFactor: rf });
      },
      produce: (topic, w) => produce(client, topic, w, acks),
      consume: (topic, expected, timeoutMs) => consume(client, topic, expected, timeoutMs),
      consumeGroup: (topic, expected, timeoutMs) => consumeGroup(client, topic, expected, timeoutMs),
      latency: (topic, perSecond, seconds) => latency(client, topic, perSecond, seconds, acks),
      async drop(topic) {
        await client.admin().deleteTopic(topic);
      },
      close: () => (closing ??= client.close()),
    };
  });
}
