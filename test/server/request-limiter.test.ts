// The request limits in isolation (src/server/request-limits.ts), without a broker: how
// many unary requests and streams one connection and the whole broker may hold, what a
// refusal looks like (typed, retriable, naming the setting), that slots come back when
// calls end however they end, and that every service's refusal reaches the client as the
// typed error where it reads the request's other errors. The same bounds against a real
// broker process: request-limits.test.ts.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import type { wire } from "@tidelog/client/protocol";
import { ERRORS, type TidelogError } from "@tidelog/client/record";
import { refusedForLimits } from "../../clients/sdk/src/rpc.js";
import { InvariantViolation } from "../../src/common/invariant.js";
import { silentLogger } from "../../src/common/logger.js";
import { adminHandlers } from "../../src/server/admin-service.js";
import { brokerHandlers } from "../../src/server/broker-service.js";
import { loadBrokerConfig, type RequestLimitsConfig } from "../../src/server/config.js";
import { groupHandlers } from "../../src/server/group-service.js";
import {
  type Admission,
  limitHandlers,
  REFUSED_STREAM_WAIT_MS,
  type RefusalReason,
  RequestLimiter,
  refusableStream,
  refusableUnary,
} from "../../src/server/request-limits.js";

const LIMITS: RequestLimitsConfig = {
  inflightRequestsPerConnectionMax: 2,
  inflightRequestsMax: 3,
  streamsPerConnectionMax: 1,
  streamsMax: 2,
};
const LIMIT_CODE = ERRORS.REQUEST_LIMIT_EXCEEDED.code;

function admitted(a: Admission): () => void {
  assert.ok(a.admitted, `admitted, not refused: ${a.admitted ? "" : a.error.message}`);
  return a.release;
}

function refused(a: Admission, reason: RefusalReason, setting: string): TidelogError {
  assert.ok(!a.admitted, "refused");
  assert.equal(a.reason, reason);
  assert.equal(a.error.code, "REQUEST_LIMIT_EXCEEDED");
  assert.equal(a.error.retriable, true);
  assert.ok(a.error.message.includes(`(${setting})`), a.error.message);
  return a.error;
}

test("requests: a connection gets its own bound, the broker a bound over all connections", () => {
  const refusals: string[] = [];
  const limiter = new RequestLimiter(LIMITS, (api, reason) => refusals.push(`${api}/${reason}`));
  const a1 = admitted(limiter.admit("request", "10.0.0.1:5000", "Fetch"));
  admitted(limiter.admit("request", "10.0.0.1:5000", "Fetch"));
  refused(
    limiter.admit("request", "10.0.0.1:5000", "Fetch"),
    "connection_requests",
    "max.inflight.requests.per.connection",
  );
  const b1 = admitted(limiter.admit("request", "10.0.0.2:5000", "Produce"));
  refused(limiter.admit("request", "10.0.0.2:5000", "Produce"), "broker_requests", "max.inflight.requests");
  assert.equal(limiter.inflightRequests, 3);
  // Streams are counted apart: a connection full of requests may still open one.
  admitted(limiter.admit("stream", "10.0.0.1:5000", "ProduceStream"));
  assert.deepEqual(refusals, ["Fetch/connection_requests", "Produce/broker_requests"]);

  a1();
  admitted(limiter.admit("request", "10.0.0.2:5000", "Produce"));
  b1();
  assert.deepEqual(limiter.countsOf("10.0.0.2:5000"), { requests: 1, streams: 0 });
  assert.equal(limiter.inflightRequests, 2, "released, taken, released");
});

test("streams: per connection and per broker, and a connection with nothing left is forgotten", () => {
  const limiter = new RequestLimiter(LIMITS);
  const s1 = admitted(limiter.admit("stream", "10.0.0.1:1", "ProduceStream"));
  refused(limiter.admit("stream", "10.0.0.1:1", "ProduceStream"), "connection_streams", "max.streams.per.connection");
  const s2 = admitted(limiter.admit("stream", "10.0.0.2:1", "ProduceStream"));
  refused(limiter.admit("stream", "10.0.0.3:1", "ProduceStream"), "broker_streams", "max.streams");
  assert.equal(limiter.openStreams, 2);
  assert.equal(limiter.connectionCount, 2);
  s1();
  s2();
  assert.equal(limiter.openStreams, 0);
  assert.equal(limiter.connectionCount, 0, "the table holds only connections with something counted");
  admitted(limiter.admit("stream", "10.0.0.3:1", "ProduceStream"));
});

test("a slot is released once; a second release is a bug and throws", () => {
  const limiter = new RequestLimiter(LIMITS);
  const release = admitted(limiter.admit("request", "p:1", "Fetch"));
  release();
  assert.throws(release, InvariantViolation);
  assert.equal(limiter.inflightRequests, 0);
});

test("limits that contradict each other are a bug caught at construction", () => {
  assert.throws(() => new RequestLimiter({ ...LIMITS, inflightRequestsPerConnectionMax: 4 }), InvariantViolation);
  assert.throws(() => new RequestLimiter({ ...LIMITS, streamsPerConnectionMax: 0 }), InvariantViolation);
});

test("the settings keep Kafka-style names at the edge, have defaults that do not limit one SDK client, and must agree", () => {
  const defaults = loadBrokerConfig({ argv: ["--broker.id=1"], env: {} }).requestLimits;
  assert.deepEqual(defaults, {
    inflightRequestsPerConnectionMax: 500,
    inflightRequestsMax: 5000,
    streamsPerConnectionMax: 100,
    streamsMax: 1000,
  });
  const set = loadBrokerConfig({
    argv: ["--broker.id=1", "--max.inflight.requests.per.connection=3", "--max.streams=7"],
    env: { TIDELOG_MAX_INFLIGHT_REQUESTS: "4", TIDELOG_MAX_STREAMS_PER_CONNECTION: "2" },
  }).requestLimits;
  assert.deepEqual(set, LIMITS_FROM_FLAGS);
  assert.throws(
    () => loadBrokerConfig({ argv: ["--broker.id=1", "--max.inflight.requests.per.connection=6000"], env: {} }),
    /INVALID_CONFIG: max.inflight.requests.per.connection must not exceed max.inflight.requests/,
  );
  assert.throws(
    () => loadBrokerConfig({ argv: ["--broker.id=1", "--max.streams=0"], env: {} }),
    /INVALID_CONFIG: max.streams/,
  );
});

const LIMITS_FROM_FLAGS: RequestLimitsConfig = {
  inflightRequestsPerConnectionMax: 3,
  inflightRequestsMax: 4,
  streamsPerConnectionMax: 2,
  streamsMax: 7,
};

// ---------------------------------------------------------------------------------------
// Wrapped handlers, driven with fake calls

interface Answer {
  error: { code: number; message: string };
}

function unaryCall(peer: string, request: unknown = {}) {
  return { getPeer: () => peer, request } as never;
}

/** A server stream as the wrapper and a handler see it: events in, writes and end out. */
class FakeStream extends EventEmitter {
  readonly written: unknown[] = [];
  ended = false;
  cancelled = false;
  constructor(private readonly peer: string) {
    super();
  }
  getPeer(): string {
    return this.peer;
  }
  write(message: unknown): boolean {
    this.written.push(message);
    return true;
  }
  end(): void {
    this.ended = true;
    this.emit("finish");
  }
}

test("a wrapped unary handler holds its slot until it answers; past the bound it answers the refusal itself", async () => {
  const limiter = new RequestLimiter(LIMITS);
  const pending: (() => void)[] = [];
  let started = 0;
  const handlers = limitHandlers(
    {
      Slow: refusableUnary<{ id: number }, Answer>(
        (_call, callback) => {
          started++;
          pending.push(() => callback(null, { error: { code: 0, message: "" } }));
        },
        (_req, e) => ({ error: { code: e.errorCode, message: e.detail } }),
      ),
      Throws: refusableUnary<unknown, Answer>(
        () => {
          throw new Error("handler bug");
        },
        (_req, e) => ({ error: { code: e.errorCode, message: e.detail } }),
      ),
      Free: (_call: unknown, callback: (e: null, r: Answer) => void) =>
        callback(null, { error: { code: 0, message: "" } }),
    },
    limiter,
  );
  const answers: Answer[] = [];
  const call = (name: "Slow" | "Free", peer: string) =>
    (handlers[name] as (c: never, cb: (e: unknown, r: Answer) => void) => void)(unaryCall(peer), (_e, r) =>
      answers.push(r),
    );
  call("Slow", "a:1");
  call("Slow", "a:1");
  call("Slow", "a:1");
  assert.equal(started, 2, "the third never reached the handler");
  assert.equal(answers.length, 1);
  assert.equal(answers[0]!.error.code, LIMIT_CODE);
  assert.match(answers[0]!.error.message, /max\.inflight\.requests\.per\.connection/);
  call("Free", "a:1");
  assert.equal(answers[1]!.error.code, 0, "an unlimited handler is never refused nor counted");
  assert.equal(limiter.inflightRequests, 2);

  assert.throws(
    () => (handlers.Throws as (c: never, cb: () => void) => void)(unaryCall("b:1"), () => {}),
    /handler bug/,
  );
  assert.equal(limiter.inflightRequests, 2, "a handler that throws gives its slot back");

  for (const answer of pending.splice(0)) answer();
  assert.equal(limiter.inflightRequests, 0);
  call("Slow", "a:1");
  assert.equal(started, 3, "admitted again once the earlier calls answered");
});

test("a wrapped stream holds its slot until it finishes or is cancelled; a refused one answers what it is sent and ends", async (t) => {
  const limiter = new RequestLimiter(LIMITS);
  const opened: FakeStream[] = [];
  const handlers = limitHandlers(
    {
      Stream: refusableStream<{ correlationId: number }, Answer & { correlationId: number }>(
        (call) => {
          opened.push(call as unknown as FakeStream);
        },
        (req, e) => ({ correlationId: req.correlationId, error: { code: e.errorCode, message: e.detail } }),
      ),
    },
    limiter,
  );
  const open = (peer: string) => {
    const stream = new FakeStream(peer);
    (handlers.Stream as (s: never) => void)(stream as never);
    return stream;
  };
  const first = open("a:1");
  const refusedStream = open("a:1");
  assert.equal(opened.length, 1, "the second stream of the connection never reached the handler");
  refusedStream.emit("data", { correlationId: 1 });
  refusedStream.emit("data", { correlationId: 2 });
  assert.deepEqual(
    refusedStream.written.map((w) => (w as { correlationId: number }).correlationId),
    [1, 2],
    "each request of the first burst answered, in order",
  );
  for (const w of refusedStream.written) assert.equal((w as Answer).error.code, LIMIT_CODE);
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(refusedStream.ended, "ended after answering");
  refusedStream.emit("data", { correlationId: 3 });
  assert.equal(refusedStream.written.length, 2, "nothing written after the end");

  const second = open("b:1");
  assert.equal(limiter.openStreams, 2);
  first.emit("cancelled");
  first.emit("close");
  second.end();
  assert.equal(limiter.openStreams, 0, "released once each, whichever event came first");
  open("a:1");
  assert.equal(opened.length, 3);

  // A refused stream that sends nothing is ended after a short wait, not held open.
  t.mock.timers.enable({ apis: ["setTimeout"] });
  open("c:1");
  open("c:1");
  const silent = open("d:1");
  assert.equal(opened.length, 4);
  assert.equal(silent.ended, false);
  t.mock.timers.tick(REFUSED_STREAM_WAIT_MS);
  assert.ok(silent.ended);
});

test("every limited call of the Broker, Group and Admin services answers a refusal where its client reads errors", () => {
  const deps = { logger: silentLogger } as never;
  const limiter = new RequestLimiter({ ...LIMITS, inflightRequestsPerConnectionMax: 1, inflightRequestsMax: 1 });
  const broker = limitHandlers(brokerHandlers(deps), limiter) as unknown as Record<string, unknown>;
  const services = {
    group: limitHandlers(groupHandlers(deps), limiter) as unknown as Record<string, unknown>,
    admin: limitHandlers(adminHandlers(deps), limiter) as unknown as Record<string, unknown>,
  };
  // One slot, held: every limited call from here on is refused.
  admitted(limiter.admit("request", "x:1", "Hold"));
  const answer = (handler: unknown, request: unknown): unknown => {
    let out: unknown;
    (handler as (c: never, cb: (e: unknown, r: unknown) => void) => void)(unaryCall("x:1", request), (e, r) => {
      assert.equal(e, null, "a typed answer, never a gRPC status");
      out = r;
    });
    assert.ok(out !== undefined, "answered at once");
    return out;
  };
  // Group and Admin calls: the SDK's rpc layer must recognise each as a refusal (it resends them).
  const named = { topics: [], groupIds: [] };
  for (const [service, handlers] of Object.entries(services)) {
    for (const [method, handler] of Object.entries(handlers)) {
      assert.ok(refusedForLimits(answer(handler, named)), `${service}.${method}: a refusal the client recognises`);
    }
  }
  const admin = services.admin;
  const created = answer(admin.CreateTopics, { topics: [{ name: "a" }, { name: "b" }] }) as wire.CreateTopicsResponse;
  assert.deepEqual(
    created.results?.map((r) => [r.name, r.error?.code]),
    [
      ["a", LIMIT_CODE],
      ["b", LIMIT_CODE],
    ],
    "answered per topic named",
  );
  // Broker calls: per partition, where the producer and the fetcher read retriable errors.
  const partitions = { topics: [{ topic: "t", partitions: [{ partition: 0 }, { partition: 3 }] }] };
  const produced = answer(broker.Produce, { ...partitions, correlationId: 7 }) as wire.ProduceResponse;
  assert.equal(produced.correlationId, 7);
  assert.deepEqual(
    produced.topics?.[0]?.partitions?.map((p) => [p.partition, p.error?.code, p.baseOffset]),
    [
      [0, LIMIT_CODE, -1],
      [3, LIMIT_CODE, -1],
    ],
  );
  const fetched = answer(broker.Fetch, partitions) as wire.FetchResponse;
  assert.deepEqual(
    fetched.topics?.[0]?.partitions?.map((p) => [p.partition, p.error?.code, (p.records as Buffer).length]),
    [
      [0, LIMIT_CODE, 0],
      [3, LIMIT_CODE, 0],
    ],
  );
  const id = answer(broker.InitProducerId, { transactionalId: "" }) as wire.InitProducerIdResponse;
  assert.equal(id.error?.code, LIMIT_CODE);
  assert.equal(id.producerId, -1);
  // Metadata and ListOffsets are answered from memory and never limited: they carry a
  // refusal (for the authorizer) but are not counted.
  assert.equal("limitedAs" in (broker.Metadata as object), false);
  assert.equal("limitedAs" in (broker.ListOffsets as object), false);
});
