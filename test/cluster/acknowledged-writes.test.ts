// An acknowledgement must mean what it says. Three defects an independent fault run found,
// each pinned against real etcd and broker processes (each test failed on the code before
// its fix):
//
//   1. etcd paused past the broker session: every registration lapses and comes back at
//      the same host:port. Replication must resume (it stalled for good: a fetcher
//      stopped while its leader was unregistered was kept and reused, stopped), and no
//      broker may be taken for restarted (its incarnation stays).
//   2. The ISR shrinks to the leader alone while acks=all writes wait: they must be
//      answered NOT_ENOUGH_REPLICAS_AFTER_APPEND, not acknowledged with one copy.
//   3. A process posing as the followers (a replica id with an epoch that is not a live
//      registration) must be refused, and neither the ISR nor the high watermark move.
import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { type Admin, Client } from "@tidelog/client";
import { CHANNEL_OPTIONS, loadTidelogProto, type wire } from "@tidelog/client/protocol";
import { type ClusterHandle, startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { faultBrokerConfig, LAG_MS, SESSION_MS } from "./fault-config.js";
import { batch, RawBroker } from "./raw-client.js";

const NOT_ENOUGH_REPLICAS = 19;
const NOT_ENOUGH_REPLICAS_AFTER_APPEND = 20;
const STALE_BROKER_EPOCH = 77;

async function cluster(t: TestContext) {
  const c = await startCluster(t, {
    brokers: 3,
    brokerConfig: faultBrokerConfig({ "replica.fetch.wait.max.ms": "200", "min.insync.replicas": "2" }),
  });
  const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 20_000, attemptTimeoutMs: 1500 });
  const raws: RawBroker[] = [];
  t.after(async () => {
    for (const r of raws) r.close();
    await client.close();
  });
  const admin = client.admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
    description: "3 brokers",
    timeoutMs: 20_000,
  });
  const raw = (id: number) => {
    const r = new RawBroker(c.broker(id).address);
    raws.push(r);
    return r;
  };
  return { c, admin, raw };
}

async function inSync(admin: Admin, topic: string, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => (await admin.describeTopic(topic)).partitions.every((p) => p.leader !== null && p.isr.length === 3),
    { description: `every partition of ${topic} led with three replicas in sync`, timeoutMs },
  );
}

async function leaderOf(admin: Admin, topic: string, partition = 0): Promise<{ id: number; epoch: number }> {
  return waitFor(
    async () => {
      const p = (await admin.describeTopic(topic)).partitions[partition];
      return p && p.leader !== null ? { id: p.leader, epoch: p.leaderEpoch } : null;
    },
    { description: `a leader for ${topic}-${partition}`, timeoutMs: 15_000 },
  );
}

async function readyz(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0;
  }
}

test("after etcd is paused past the broker session, replication resumes and acks=all writes succeed again", async (t) => {
  const { c, admin, raw } = await cluster(t);
  await admin.createTopic({ name: "pause", partitions: 3, replicationFactor: 3 });
  await inSync(admin, "pause", 20_000);
  for (let p = 0; p < 3; p++) {
    const res = await raw((await leaderOf(admin, "pause", p)).id).produceWhenReady("pause", p, batch([`a${p}`]), -1);
    assert.equal(res.error?.code, 0, res.error?.message);
  }

  await c.etcd.pause();
  // Long enough for every lease to lapse while etcd is frozen: on resume the broker keys
  // expire, the controller sees every broker gone, and they register again at the same
  // addresses.
  await new Promise((r) => setTimeout(r, 2 * SESSION_MS + 2000));
  await c.etcd.resume();

  // Bound: a session for the leases to lapse and be re-taken, a session for elections,
  // and a margin for the followers to catch up.
  const boundMs = 2 * SESSION_MS + 15_000;
  const started = Date.now();
  await waitFor(() => c.brokers.every((b) => b.logs.filter((l) => l.json?.msg === "registered in etcd").length >= 2), {
    description: "every broker's registration lapsed and was taken again",
    timeoutMs: boundMs,
  });
  // Nobody restarted: each broker registered again under its first incarnation, so its
  // replicas stayed trusted and no partition needed leader recovery to get a leader.
  for (const b of c.brokers) {
    const incarnations = b.logs.filter((l) => l.json?.msg === "registered in etcd").map((l) => l.json?.incarnation);
    assert.ok(
      incarnations.length >= 2 && incarnations.every((i) => i !== undefined && i === incarnations[0]),
      `broker ${b.id} registered as incarnations ${incarnations}`,
    );
  }
  await inSync(admin, "pause", boundMs);
  const recoveries = c.brokers.flatMap((b) =>
    b.logs.filter((l) => l.json?.msg === "leader recovery elected the most complete log").map((l) => l.text),
  );
  assert.deepEqual(recoveries, [], "a paused etcd restarted no broker");
  for (let p = 0; p < 3; p++) {
    const leader = (await leaderOf(admin, "pause", p)).id;
    const res = await waitFor(
      async () => {
        const r = await raw(leader).produce("pause", p, batch([`b${p}`]), -1);
        return r.error?.code === 0 ? r : null;
      },
      { description: `an acks=all write to pause-${p} acknowledged`, timeoutMs: boundMs },
    );
    assert.equal(res.error?.code, 0);
  }
  await waitFor(async () => (await Promise.all(c.brokers.map((b) => readyz(b.httpPort)))).every((s) => s === 200), {
    description: "/readyz 200 on every broker",
    timeoutMs: boundMs,
  });
  t.diagnostic(`replication and acks=all writes back ${Date.now() - started} ms after etcd resumed`);
});

test("acks=all writes waiting when the ISR shrinks to the leader alone are refused, not acknowledged", async (t) => {
  const { c, admin, raw } = await cluster(t);
  await admin.createTopic({ name: "shrink", partitions: 1, replicationFactor: 3 });
  await inSync(admin, "shrink", 20_000);
  const { id: leaderId } = await leaderOf(admin, "shrink");
  const leader = raw(leaderId);
  assert.equal((await leader.produceWhenReady("shrink", 0, batch(["before"]), -1)).error?.code, 0);
  const followers = c.brokers.filter((b) => b.id !== leaderId);
  for (const f of followers) await f.pause();
  t.after(async () => {
    for (const f of followers) if (f.running) await f.resume().catch(() => {});
  });

  // They wait past replica.lag.time.max.ms (and the followers' sessions): the ISR shrinks
  // to [leader] under them, and the high watermark jumps to the log end.
  const writes = Array.from({ length: 50 }, (_, i) =>
    leader.produce("shrink", 0, batch([`w${i}`]), -1, LAG_MS + SESSION_MS + 10_000),
  );
  const answers = await Promise.all(writes);
  const codes = answers.map((a) => a.error?.code ?? 0);
  const acknowledged = codes.filter((code) => code === 0).length;
  assert.equal(acknowledged, 0, `writes acknowledged with one copy: ${acknowledged} of ${codes.length}`);
  assert.ok(
    codes.every((code) => code === NOT_ENOUGH_REPLICAS_AFTER_APPEND),
    `every waiting write refused with NOT_ENOUGH_REPLICAS_AFTER_APPEND: ${[...new Set(codes)]}`,
  );
  const isr = (await admin.describeTopic("shrink")).partitions[0]?.isr;
  assert.deepEqual(isr, [leaderId], "the ISR shrank to the leader");
  assert.equal((await leader.produce("shrink", 0, batch(["late"]), -1)).error?.code, NOT_ENOUGH_REPLICAS);
});

type ReplicationStub = grpc.Client & {
  ReplicaFetch(): grpc.ClientDuplexStream<wire.ReplicaFetchRequest, wire.ReplicaFetchResponse__Output>;
};

/** A raw client of broker `id`'s Replication service, to pose as another broker. */
function replicationStub<T extends grpc.Client>(c: ClusterHandle, id: number): T {
  const Ctor = loadTidelogProto(grpc).tidelog.v1.Replication as unknown as new (
    a: string,
    c: grpc.ChannelCredentials,
    o: grpc.ChannelOptions,
  ) => T;
  return new Ctor(c.broker(id).address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
}

/** One replica-fetch exchange as broker `replicaId` with `brokerEpoch`, claiming to be caught up. */
async function spoofFetch(
  c: ClusterHandle,
  leaderId: number,
  topic: string,
  request: { replicaId: number; brokerEpoch: number; fetchOffset: number; leaderEpoch: number },
): Promise<wire.ReplicaFetchResponse__Output> {
  const stub = replicationStub<ReplicationStub>(c, leaderId);
  try {
    const stream = stub.ReplicaFetch();
    const answer = new Promise<wire.ReplicaFetchResponse__Output>((resolve, reject) => {
      stream.once("data", resolve);
      stream.once("error", reject);
    });
    stream.write({
      replicaId: request.replicaId,
      brokerEpoch: request.brokerEpoch,
      maxWaitMs: 100,
      minBytes: 1,
      maxBytes: 1 << 20,
      incremental: false,
      partitions: [
        {
          topic,
          partition: 0,
          fetchOffset: request.fetchOffset,
          currentLeaderEpoch: request.leaderEpoch,
          lastFetchedEpoch: -1,
          maxBytes: 1 << 20,
        },
      ],
    });
    const res = await answer;
    stream.cancel();
    return res;
  } finally {
    stub.close();
  }
}

async function brokerEpoch(c: ClusterHandle, id: number): Promise<number> {
  const res = await c.etcd.client().get(`/tidelog/${c.clusterId}/brokers/${id}`).exec();
  const kv = res.kvs[0];
  assert.ok(kv, `broker ${id} registered`);
  return Number(kv.create_revision);
}

test("a process posing as the followers is refused: the ISR and the high watermark do not move", async (t) => {
  const { c, admin, raw } = await cluster(t);
  await admin.createTopic({ name: "spoof", partitions: 1, replicationFactor: 3 });
  await inSync(admin, "spoof", 20_000);
  const { id: leaderId, epoch: leaderEpoch } = await leaderOf(admin, "spoof");
  const leader = raw(leaderId);
  assert.equal((await leader.produceWhenReady("spoof", 0, batch(["before"]), -1)).error?.code, 0);
  const followers = c.brokers.filter((b) => b.id !== leaderId);
  const realEpochs = new Map<number, number>();
  for (const f of followers) realEpochs.set(f.id, await brokerEpoch(c, f.id));
  for (const f of followers) await f.pause();
  t.after(async () => {
    for (const f of followers) if (f.running) await f.resume().catch(() => {});
  });

  const hwBefore = Number((await leader.fetch("spoof", 0, 0)).highWatermark);
  const writes = Array.from({ length: 20 }, (_, i) =>
    leader.produce("spoof", 0, batch([`w${i}`]), -1, LAG_MS + SESSION_MS + 10_000),
  );
  // While the frozen followers are still registered: ids with made-up epochs.
  const logEnd = hwBefore + 20;
  for (const f of followers) {
    const res = await spoofFetch(c, leaderId, "spoof", {
      replicaId: f.id,
      brokerEpoch: (realEpochs.get(f.id) ?? 0) + 1000,
      fetchOffset: logEnd,
      leaderEpoch,
    });
    assert.equal(
      res.error?.code,
      STALE_BROKER_EPOCH,
      `replica ${f.id} with a wrong epoch: ${JSON.stringify(res.error)}`,
    );
    assert.deepEqual(res.partitions, [], "nothing read for a refused replica");
  }
  assert.equal(Number((await leader.fetch("spoof", 0, 0)).highWatermark), hwBefore, "the high watermark did not move");

  // Once their sessions lapse, even the epochs they really had are a stale incarnation's.
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 1, {
    description: "the frozen followers' registrations expired",
    timeoutMs: SESSION_MS + 10_000,
  });
  for (const f of followers) {
    const res = await spoofFetch(c, leaderId, "spoof", {
      replicaId: f.id,
      brokerEpoch: realEpochs.get(f.id) ?? -1,
      fetchOffset: logEnd,
      leaderEpoch,
    });
    assert.equal(res.error?.code, STALE_BROKER_EPOCH, `replica ${f.id}'s lapsed epoch: ${JSON.stringify(res.error)}`);
  }
  const codes = (await Promise.all(writes)).map((a) => a.error?.code ?? 0);
  assert.equal(codes.filter((code) => code === 0).length, 0, `no write acknowledged: ${codes}`);
  const isr = (await admin.describeTopic("spoof")).partitions[0]?.isr;
  assert.deepEqual(isr, [leaderId], "the spoofed followers did not stay in (or rejoin) the ISR");

  // Leader recovery's question to a broker (the ends of its logs) is a broker's too: a
  // made-up epoch is refused; a live registration's is answered with the log's true end.
  const spoofed = await describeReplicaLogs(c, leaderId, { brokerId: leaderId, brokerEpoch: 1 }, "spoof");
  assert.equal(spoofed.error?.code, STALE_BROKER_EPOCH, JSON.stringify(spoofed.error));
  assert.deepEqual(spoofed.logs, []);
  const real = { brokerId: leaderId, brokerEpoch: await brokerEpoch(c, leaderId) };
  const answered = await describeReplicaLogs(c, leaderId, real, "spoof");
  assert.equal(answered.error?.code, 0, JSON.stringify(answered.error));
  assert.deepEqual(
    answered.logs.map((l) => [l.topic, l.partition, l.lastEpoch, Number(l.logEndOffset)]),
    [["spoof", 0, leaderEpoch, logEnd]],
    "the leader's log: its epoch, and every appended write (acknowledged or not)",
  );
});

async function describeReplicaLogs(
  c: ClusterHandle,
  at: number,
  as: { brokerId: number; brokerEpoch: number },
  topic: string,
): Promise<wire.DescribeReplicaLogsResponse__Output> {
  type Stub = grpc.Client & {
    DescribeReplicaLogs(
      req: wire.DescribeReplicaLogsRequest,
      options: grpc.CallOptions,
      cb: (e: grpc.ServiceError | null, res?: wire.DescribeReplicaLogsResponse__Output) => void,
    ): void;
  };
  const stub = replicationStub<Stub>(c, at);
  try {
    return await new Promise((resolve, reject) =>
      stub.DescribeReplicaLogs(
        { ...as, topics: [{ topic, partitions: [0] }] },
        { deadline: Date.now() + 10_000 },
        (e, res) => (e || !res ? reject(e ?? new Error("no answer")) : resolve(res)),
      ),
    );
  } finally {
    stub.close();
  }
}
