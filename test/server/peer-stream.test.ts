// The broker-to-broker PeerStream (src/server/peer-stream.ts, replication-service.ts):
// answers matched by correlation id in any order, deadlines, a broken stream failing what
// is in flight and reopening, the fallback to unary calls for a broker without the
// method, and the server's bound on requests in flight. Against in-process gRPC servers
// on loopback: a fake Replication service where the test decides each answer, and the
// real one (replicationHandlers) with stubbed joins.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { CHANNEL_OPTIONS, errorInfo, loadTidelogProto, NO_ERROR, type wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import { silentLogger } from "../../src/common/logger.js";
import type { ReplicaManager } from "../../src/replication/replica-manager.js";
import { PeerBrokerClient } from "../../src/server/peer-broker-client.js";
import {
  PEER_PENDING_MAX,
  PeerStream,
  type PeerStreamCall,
  PeerStreamUnsupported,
} from "../../src/server/peer-stream.js";
import { PEER_REQUESTS_IN_FLIGHT_MAX, replicationHandlers } from "../../src/server/replication-service.js";
import { bindLoopback } from "../sdk/fake-grpc-server.js";

const proto = loadTidelogProto(grpc);
type PeerCall = grpc.ServerDuplexStream<wire.PeerRequest__Output, wire.PeerResponse>;

async function serve(
  t: { after: (fn: () => void) => void },
  replication: Partial<Record<string, unknown>>,
  transaction: Partial<Record<string, unknown>> = {},
): Promise<string> {
  const server = new grpc.Server(CHANNEL_OPTIONS);
  server.addService(proto.tidelog.v1.Replication.service, replication as grpc.UntypedServiceImplementation);
  server.addService(proto.tidelog.v1.Transaction.service, transaction as grpc.UntypedServiceImplementation);
  const port = await bindLoopback(server);
  t.after(() => server.forceShutdown());
  return `127.0.0.1:${port}`;
}

/** A Replication stub to `address`, closed after the test. */
function replicationStub(
  t: { after: (fn: () => void) => void },
  address: string,
): grpc.Client & { PeerStream: () => PeerStreamCall } {
  const stub = new (
    proto.tidelog.v1.Replication as unknown as new (
      a: string,
      c: grpc.ChannelCredentials,
      o: grpc.ChannelOptions,
    ) => grpc.Client & { PeerStream: () => PeerStreamCall }
  )(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  t.after(() => stub.close());
  return stub;
}

function peerStreamTo(t: { after: (fn: () => void) => void }, address: string): PeerStream {
  const stub = replicationStub(t, address);
  const peer = new PeerStream(() => stub.PeerStream(), address);
  t.after(() => peer.close());
  return peer;
}

const join = (id: string): Pick<wire.PeerRequest, "joinTxnPartition"> => ({
  joinTxnPartition: { transactionalId: id, producerId: 7, producerEpoch: 0, topic: "orders", partition: 0 },
});

test("answers are matched to their requests by correlation id, in whatever order they come", async (t) => {
  const held: { req: wire.PeerRequest__Output; call: PeerCall }[] = [];
  const address = await serve(t, {
    PeerStream: (call: PeerCall) => {
      call.on("data", (req: wire.PeerRequest__Output) => {
        held.push({ req, call });
        if (held.length < 3) return;
        // Answered last first, each naming its transactional id in its error message.
        for (const h of held.reverse()) {
          const id = h.req.joinTxnPartition?.transactionalId ?? "?";
          h.call.write({
            correlationId: h.req.correlationId,
            error: NO_ERROR,
            joinTxnPartition: { error: errorInfo("CONCURRENT_TRANSACTIONS", id) },
          });
        }
      });
    },
  });
  const peer = peerStreamTo(t, address);
  const answers = await Promise.all(["a", "b", "c"].map((id) => peer.request(join(id), 5000)));
  assert.deepEqual(
    answers.map((a) => a.joinTxnPartition?.error?.message),
    ["a", "b", "c"],
  );
});

test("a request without an answer in time fails with REQUEST_TIMED_OUT; a late answer is dropped", async (t) => {
  let first: { req: wire.PeerRequest__Output; call: PeerCall } | null = null;
  const address = await serve(t, {
    PeerStream: (call: PeerCall) => {
      call.on("data", (req: wire.PeerRequest__Output) => {
        if (!first) {
          first = { req, call };
          return;
        }
        // The second request is answered, then the first one, too late.
        call.write({ correlationId: req.correlationId, error: NO_ERROR, joinTxnPartition: { error: NO_ERROR } });
        call.write({
          correlationId: first.req.correlationId,
          error: NO_ERROR,
          joinTxnPartition: { error: NO_ERROR },
        });
      });
    },
  });
  const peer = peerStreamTo(t, address);
  await assert.rejects(
    peer.request(join("slow"), 200),
    (e: unknown) => (e as TidelogError).code === "REQUEST_TIMED_OUT",
  );
  const next = await peer.request(join("next"), 5000);
  assert.equal(next.joinTxnPartition?.error?.code, 0);
});

test("a broken stream fails what is in flight with NETWORK_EXCEPTION, and the next request opens a new one", async (t) => {
  let opened = 0;
  const address = await serve(t, {
    PeerStream: (call: PeerCall) => {
      opened++;
      const which = opened;
      call.on("data", (req: wire.PeerRequest__Output) => {
        if (which === 1) {
          call.emit("error", { code: grpc.status.UNAVAILABLE, details: "going away" });
          return;
        }
        call.write({ correlationId: req.correlationId, error: NO_ERROR, joinTxnPartition: { error: NO_ERROR } });
      });
      call.on("error", () => {});
    },
  });
  const peer = peerStreamTo(t, address);
  await assert.rejects(peer.request(join("x"), 5000), (e: unknown) => (e as TidelogError).code === "NETWORK_EXCEPTION");
  const again = await peer.request(join("x"), 5000);
  assert.equal(again.joinTxnPartition?.error?.code, 0);
  assert.equal(opened, 2);
});

test("a broker without PeerStream is reached with the unary calls (an older version in a rolling upgrade)", async (t) => {
  const joined: string[] = [];
  const marked: number[] = [];
  const address = await serve(
    t,
    {
      WriteTxnMarkers: (
        call: grpc.ServerUnaryCall<wire.WriteTxnMarkersRequest__Output, wire.WriteTxnMarkersResponse>,
        cb: grpc.sendUnaryData<wire.WriteTxnMarkersResponse>,
      ) => {
        marked.push(Number(call.request.markers[0]?.producerId));
        cb(null, {
          error: NO_ERROR,
          markers: call.request.markers.map((m) => ({
            producerId: m.producerId,
            partitions: m.topics.flatMap((tp) =>
              tp.partitions.map((p) => ({ topic: tp.topic, partition: p, error: NO_ERROR })),
            ),
          })),
        });
      },
    },
    {
      JoinTxnPartition: (
        call: grpc.ServerUnaryCall<wire.JoinTxnPartitionRequest__Output, wire.JoinTxnPartitionResponse>,
        cb: grpc.sendUnaryData<wire.JoinTxnPartitionResponse>,
      ) => {
        joined.push(call.request.transactionalId);
        cb(null, { error: NO_ERROR });
      },
    },
  );
  const peers = new PeerBrokerClient({
    credentials: () => grpc.credentials.createInsecure(),
    addressOf: () => address,
    brokerId: 1,
    brokerEpoch: () => 10,
  });
  t.after(() => peers.close());
  const partition = { topic: "orders", partition: 2 };
  await peers.joinPartition(2, { transactionalId: "tx-1", producerId: 7, producerEpoch: 0, partition });
  const results = await peers.writeMarkers(2, {
    producerId: 7,
    producerEpoch: 1,
    commit: true,
    coordinatorEpoch: 3,
    partitions: [partition],
  });
  await peers.joinPartition(2, { transactionalId: "tx-2", producerId: 8, producerEpoch: 0, partition });
  assert.deepEqual(results, [null]);
  assert.deepEqual(joined, ["tx-1", "tx-2"]);
  assert.deepEqual(marked, [7]);

  // The stream on its own says why: UNIMPLEMENTED, then every request refused at once.
  const peer = peerStreamTo(t, address);
  await assert.rejects(peer.request(join("y"), 5000), PeerStreamUnsupported);
  assert.equal(peer.unsupported, true);
  await assert.rejects(peer.request(join("z"), 5000), PeerStreamUnsupported);
});

test("the real PeerStream handler: joins and markers answered as their unary twins, stale epochs and a flood refused per request", async (t) => {
  const releases: (() => void)[] = [];
  const handlers = replicationHandlers({
    replicas: {} as ReplicaManager,
    brokerEpochOf: (id) => (id === 2 ? 50 : null),
    joinTxnPartition: async (req) => {
      if (req.transactionalId === "refused") throw new TidelogError("PRODUCER_FENCED", "an older epoch");
      if (req.transactionalId === "held") await new Promise<void>((r) => releases.push(r));
      return { error: NO_ERROR };
    },
    logger: silentLogger,
  });
  const address = await serve(t, { PeerStream: handlers.PeerStream });
  const peer = peerStreamTo(t, address);

  assert.equal((await peer.request(join("ok"), 5000)).joinTxnPartition?.error?.code, 0);
  const refused = await peer.request(join("refused"), 5000);
  assert.equal(refused.error?.code, 0, "the stream carried the answer");
  assert.match(refused.joinTxnPartition?.error?.message ?? "", /older epoch/);

  // Markers from a broker epoch that is not the live registration are refused, nothing written.
  const stale = await peer.request({ writeTxnMarkers: { brokerId: 2, brokerEpoch: 49, markers: [] } }, 5000);
  assert.match(stale.writeTxnMarkers?.error?.message ?? "", /not a live registration/);

  // A body this broker does not know: refused as a whole, the stream stays up.
  const empty = await peer.request({}, 5000);
  assert.notEqual(empty.error?.code, 0);
  assert.equal((await peer.request(join("ok"), 5000)).joinTxnPartition?.error?.code, 0);

  // Past PEER_REQUESTS_IN_FLIGHT_MAX held requests (sent raw: the client bounds itself
  // at the same number), the next is answered at once with a retriable error.
  const raw = replicationStub(t, address).PeerStream();
  const answered: wire.PeerResponse__Output[] = [];
  raw.on("data", (res: wire.PeerResponse__Output) => answered.push(res));
  raw.on("error", () => {});
  for (let i = 1; i <= PEER_REQUESTS_IN_FLIGHT_MAX; i++) raw.write({ correlationId: i, ...join("held") });
  await waitUntil(() => releases.length === PEER_REQUESTS_IN_FLIGHT_MAX);
  raw.write({ correlationId: 0, ...join("ok") });
  await waitUntil(() => answered.length === 1);
  assert.equal(Number(answered[0]?.correlationId), 0);
  assert.equal(answered[0]?.error?.code, errorInfo("THROTTLING_QUOTA_EXCEEDED").code);
  for (const release of releases) release();
  await waitUntil(() => answered.length === PEER_REQUESTS_IN_FLIGHT_MAX + 1);
  assert.ok(answered.slice(1).every((a) => a.joinTxnPartition?.error?.code === 0));
  raw.end();
});

test("the caller bounds its own requests in flight on one stream", async (t) => {
  const address = await serve(t, { PeerStream: (call: PeerCall) => call.on("data", () => {}) });
  const peer = peerStreamTo(t, address);
  const silent = Array.from({ length: PEER_PENDING_MAX }, () =>
    peer.request(join("unanswered"), 30_000).catch((e: unknown) => e),
  );
  await assert.rejects(
    peer.request(join("one more"), 5000),
    (e: unknown) => (e as TidelogError).code === "THROTTLING_QUOTA_EXCEEDED",
  );
  peer.close();
  const failures = await Promise.all(silent);
  assert.ok(
    failures.every((e) => (e as TidelogError).code === "BROKER_NOT_AVAILABLE"),
    "closing fails what was in flight",
  );
});

async function waitUntil(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(ok(), "condition not reached in 5 s");
}
