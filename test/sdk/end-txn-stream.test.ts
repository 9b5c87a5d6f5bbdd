// The producer's EndTxnStream to its coordinator (clients/sdk/src/end-txn-stream.ts):
// answers taken in order and checked against their correlation ids, a request past its
// deadline cancelling the stream (so its late answer cannot pass for the next one's), a
// broken stream failing with a retriable TransportError and reopening, and UNIMPLEMENTED
// (an older broker) marking the stream unsupported so the producer uses unary EndTxn.
// Against in-process gRPC servers on loopback whose Transaction service the test writes;
// the real handler runs in test/cluster/transactions.test.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { TransportError } from "@tidelog/client";
import { CHANNEL_OPTIONS, loadTidelogProto, NO_ERROR, type wire } from "@tidelog/client/protocol";
import { EndTxnStream, type EndTxnStreamCall, EndTxnStreamUnsupported } from "../../clients/sdk/src/end-txn-stream.js";
import { bindLoopback } from "./fake-grpc-server.js";

const proto = loadTidelogProto(grpc);
type Call = grpc.ServerDuplexStream<wire.EndTxnRequest__Output, wire.EndTxnResponse>;

async function streamTo(
  t: { after: (fn: () => void) => void },
  impl: Partial<Record<string, unknown>>,
): Promise<{ stream: EndTxnStream; opened: () => number }> {
  const server = new grpc.Server(CHANNEL_OPTIONS);
  let opened = 0;
  const counting = impl.EndTxnStream
    ? {
        ...impl,
        EndTxnStream: (call: Call) => {
          opened++;
          (impl.EndTxnStream as (c: Call) => void)(call);
        },
      }
    : impl;
  server.addService(proto.tidelog.v1.Transaction.service, counting as grpc.UntypedServiceImplementation);
  const address = `127.0.0.1:${await bindLoopback(server)}`;
  const stub = new proto.tidelog.v1.Transaction(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  const stream = new EndTxnStream(() => stub.endTxnStream() as EndTxnStreamCall, address);
  t.after(() => {
    stream.close();
    stub.close();
    server.forceShutdown();
  });
  return { stream, opened: () => opened };
}

const end = { transactionalId: "tx", producerId: 7, producerEpoch: 3, commit: true };
const soon = () => Date.now() + 5000;

test("EndTxn answers are taken in order, each checked against its request's correlation id", async (t) => {
  const { stream, opened } = await streamTo(t, {
    EndTxnStream: (call: Call) =>
      call.on("data", (req: wire.EndTxnRequest__Output) =>
        call.write({
          error: NO_ERROR,
          producerId: req.producerId,
          producerEpoch: req.producerEpoch + 1,
          correlationId: req.correlationId,
        }),
      ),
  });
  const answers = await Promise.all([
    stream.request(end, soon()),
    stream.request({ ...end, producerEpoch: 4 }, soon()),
  ]);
  assert.deepEqual(
    answers.map((a) => a.producerEpoch),
    [4, 5],
  );
  assert.equal((await stream.request({ ...end, producerEpoch: 5 }, soon())).producerEpoch, 6);
  assert.equal(opened(), 1, "one stream for every request");
});

test("an answer that does not match its request breaks the stream with a retriable error; the next request reopens it", async (t) => {
  const { stream, opened } = await streamTo(t, {
    EndTxnStream: (call: Call) =>
      call.on("data", (req: wire.EndTxnRequest__Output) =>
        call.write({
          error: NO_ERROR,
          producerId: 7,
          producerEpoch: 4,
          // The first stream answers under a wrong id.
          correlationId: opened() === 1 ? Number(req.correlationId) + 100 : req.correlationId,
        }),
      ),
  });
  await assert.rejects(stream.request(end, soon()), (e: unknown) => e instanceof TransportError);
  assert.equal((await stream.request(end, soon())).producerEpoch, 4);
  assert.equal(opened(), 2);
});

test("a request past its deadline fails with REQUEST_TIMED_OUT and cancels the stream", async (t) => {
  let cancelled = 0;
  const { stream, opened } = await streamTo(t, {
    EndTxnStream: (call: Call) => {
      const which = opened();
      call.on("cancelled", () => cancelled++);
      call.on("data", (req: wire.EndTxnRequest__Output) => {
        if (which === 1) return; // never answered
        call.write({ error: NO_ERROR, producerId: 7, producerEpoch: 4, correlationId: req.correlationId });
      });
    },
  });
  await assert.rejects(
    stream.request(end, Date.now() + 200),
    (e: unknown) => e instanceof TransportError && e.code === "REQUEST_TIMED_OUT",
  );
  assert.equal((await stream.request(end, soon())).producerEpoch, 4);
  assert.equal(opened(), 2);
  for (let i = 0; i < 100 && cancelled === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(cancelled, 1, "the stream of the timed-out request was cancelled");
});

test("a coordinator without EndTxnStream answers UNIMPLEMENTED: the stream says so and sends nothing more", async (t) => {
  const { stream } = await streamTo(t, {});
  await assert.rejects(stream.request(end, soon()), EndTxnStreamUnsupported);
  assert.equal(stream.unsupported, true);
  await assert.rejects(stream.request(end, soon()), EndTxnStreamUnsupported);
});
