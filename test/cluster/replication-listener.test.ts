// replication.port: brokers replicate, write transaction markers and join partitions to
// transactions over a listener of their own, which a NetworkPolicy can keep clients off
// (deploy/kubernetes/base/network-policy.yaml), and the client port stops serving
// replication. A cluster in the middle of turning it on (one broker without it) must
// still replicate in both directions and complete transactions.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { Client } from "@tidelog/client";
import { CHANNEL_OPTIONS, loadTidelogProto, type wire } from "@tidelog/client/protocol";
import { type ClusterHandle, startCluster, waitFor } from "../../scripts/harness/cluster.js";

type ReplicationStub = grpc.Client & {
  ReplicaFetch(): grpc.ClientDuplexStream<wire.ReplicaFetchRequest, wire.ReplicaFetchResponse__Output>;
};

/** One replica-fetch exchange at `address`: the answer, or the gRPC error the stream ended with. */
async function replicaFetch(address: string): Promise<wire.ReplicaFetchResponse__Output | grpc.ServiceError> {
  const Ctor = loadTidelogProto(grpc).tidelog.v1.Replication as unknown as new (
    a: string,
    c: grpc.ChannelCredentials,
    o: grpc.ChannelOptions,
  ) => ReplicationStub;
  const stub = new Ctor(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  try {
    const stream = stub.ReplicaFetch();
    const answer = new Promise<wire.ReplicaFetchResponse__Output | grpc.ServiceError>((resolve) => {
      stream.once("data", resolve);
      stream.once("error", resolve);
    });
    stream.write({
      replicaId: 99,
      brokerEpoch: 1,
      maxWaitMs: 100,
      minBytes: 1,
      maxBytes: 1 << 20,
      incremental: false,
      partitions: [],
    });
    const res = await answer;
    stream.cancel();
    return res;
  } finally {
    stub.close();
  }
}

async function registration(c: ClusterHandle, id: number): Promise<{ port: number; replicationPort?: number }> {
  const res = await c.etcd.client().get(`/tidelog/${c.clusterId}/brokers/${id}`).exec();
  const kv = res.kvs[0];
  assert.ok(kv, `broker ${id} registered`);
  return JSON.parse(kv.value.toString());
}

test("replication.port: replication, markers and joins go over the broker-to-broker listener; the client port no longer serves them", async (t) => {
  // Brokers 1 and 2 have the listener, broker 3 not yet (a roll that turns it on).
  const c = await startCluster(t, {
    brokers: 3,
    brokerConfig: (id) => ({
      "min.insync.replicas": "2",
      "transaction.state.log.num.partitions": "2",
      ...(id === 3 ? {} : { "replication.port": "0" }),
    }),
  });
  const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 20_000 });
  t.after(() => client.close());
  const admin = client.admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
    description: "3 brokers",
    timeoutMs: 20_000,
  });

  const listening = await registration(c, 1);
  assert.ok(listening.replicationPort, "broker 1 registers its replication listener");
  assert.notEqual(listening.replicationPort, listening.port);
  assert.equal((await registration(c, 3)).replicationPort, undefined, "broker 3 has none");

  // Every partition led by each broker in turn, so followers of both kinds fetch from leaders of both kinds.
  await admin.createTopic({ name: "split", partitions: 6, replicationFactor: 3 });
  const producer = client.producer({ acks: -1 });
  for (let i = 0; i < 300; i++) await producer.send("split", [{ value: `v${i}` }]);
  await producer.close();
  await waitFor(async () => (await admin.describeTopic("split")).partitions.every((p) => p.isr.length === 3), {
    description: "every replica of split in sync",
    timeoutMs: 20_000,
  });
  const leaders = new Set((await admin.describeTopic("split")).partitions.map((p) => p.leader));
  assert.ok(leaders.has(3) && (leaders.has(1) || leaders.has(2)), `leaders on both kinds of broker: ${[...leaders]}`);

  // Transactions: leaders join partitions at the coordinator, the coordinator writes markers at the leaders.
  const txn = client.producer({ transactionalId: "split-txn" });
  await txn.initTransactions();
  for (const commit of [true, false]) {
    txn.beginTransaction();
    await txn.send(
      "split",
      Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: commit ? "committed" : "aborted" })),
    );
    if (commit) await txn.commitTransaction();
    else await txn.abortTransaction();
  }
  await txn.close();

  const consumer = client.consumer({ isolationLevel: "read_committed", autoOffsetReset: "earliest", maxWaitMs: 100 });
  consumer.assign(Array.from({ length: 6 }, (_, partition) => ({ topic: "split", partition })));
  const values: string[] = [];
  const reading = consumer.run({
    eachBatch: (batch) => {
      for (const r of batch.records) values.push(String(r.value));
      if (values.length >= 312) consumer.stop();
    },
  });
  const watchdog = setTimeout(() => consumer.stop(), 30_000);
  await reading;
  clearTimeout(watchdog);
  await consumer.close();
  assert.equal(values.length, 312, "every committed record read");
  assert.equal(values.filter((v) => v === "committed").length, 12);
  assert.ok(!values.includes("aborted"), "aborted records stay hidden");

  // The client port of a broker with the listener does not serve replication; the listener does.
  const atClientPort = await replicaFetch(c.broker(1).address);
  assert.equal((atClientPort as grpc.ServiceError).code, grpc.status.UNIMPLEMENTED, "client port: UNIMPLEMENTED");
  const atListener = await replicaFetch(`${c.broker(1).host}:${listening.replicationPort}`);
  assert.ok(!(atListener instanceof Error), `the listener answers a replica fetch: ${String(atListener)}`);
  assert.ok((atListener as wire.ReplicaFetchResponse__Output).error?.code, "a posing replica id is refused there");
  // A broker without the listener still serves replication on its one port.
  assert.ok(!((await replicaFetch(c.broker(3).address)) instanceof Error));
});
