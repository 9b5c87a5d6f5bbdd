// A real broker process with its request limits set low (issue 20: one client had 5,000
// produce streams and 5,000 long-poll fetches accepted by one broker). Proves, through
// raw gRPC calls on separate HTTP/2 connections (the limits count per connection, keyed
// by peer address):
//   - past max.inflight.requests.per.connection a connection's next request is answered
//     at once with REQUEST_LIMIT_EXCEEDED (retriable) while other connections go on;
//   - past max.inflight.requests every connection is refused, but Metadata, /healthz and
//     /metrics still answer, and an SDK admin call waits out the refusals and succeeds;
//   - ProduceStreams likewise per connection (max.streams.per.connection) and per broker
//     (max.streams): a refused stream answers its request with the error and ends, and an
//     SDK producer refused a stream retries and delivers once one closes;
//   - slots come back when calls end (long polls answered, streams half-closed), so
//     normal requests work again; refusals are counted by reason in /metrics.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { Client } from "@tidelog/client";
import { CHANNEL_OPTIONS, loadTidelogProto, type wire } from "@tidelog/client/protocol";
import { ERRORS } from "@tidelog/client/record";
import { type BrokerHandle, startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { batch } from "../cluster/raw-client.js";

const LIMIT_CODE = ERRORS.REQUEST_LIMIT_EXCEEDED.code;
const TOPIC = "limited";
const LIMITS = {
  "max.inflight.requests.per.connection": "3",
  "max.inflight.requests": "4",
  "max.streams.per.connection": "2",
  "max.streams": "3",
};

type UnaryFn<Req, Res> = (
  req: Req,
  options: grpc.CallOptions,
  cb: (e: grpc.ServiceError | null, res?: Res) => void,
) => void;

interface BrokerStub extends grpc.Client {
  Metadata: UnaryFn<wire.MetadataRequest, wire.MetadataResponse__Output>;
  Produce: UnaryFn<wire.ProduceRequest, wire.ProduceResponse__Output>;
  Fetch: UnaryFn<wire.FetchRequest, wire.FetchResponse__Output>;
  ProduceStream(): grpc.ClientDuplexStream<wire.ProduceRequest, wire.ProduceResponse__Output>;
}

const proto = loadTidelogProto(grpc);

/** A produce stream and the answers it got; `status` settles when the broker ends it. */
interface RawStream {
  send(correlationId: number): Promise<wire.PartitionProduceResponse__Output>;
  /** Half-closes; the broker ends the stream once nothing is pending. */
  end(): void;
  readonly status: Promise<grpc.StatusObject>;
}

/** One HTTP/2 connection of its own (a local subchannel pool: grpc-js would otherwise share one). */
class Connection {
  private readonly stub: BrokerStub;

  constructor(address: string) {
    const Ctor = proto.tidelog.v1.Broker as unknown as new (
      a: string,
      c: grpc.ChannelCredentials,
      o: grpc.ChannelOptions,
    ) => BrokerStub;
    this.stub = new Ctor(address, grpc.credentials.createInsecure(), {
      ...CHANNEL_OPTIONS,
      "grpc.use_local_subchannel_pool": 1,
    });
  }

  close(): void {
    this.stub.close();
  }

  private call<Req, Res>(fn: UnaryFn<Req, Res>, req: Req): Promise<Res> {
    return new Promise((resolve, reject) =>
      fn.call(this.stub, req, { deadline: Date.now() + 15_000 }, (e, res) =>
        e || !res ? reject(e ?? new Error("no response")) : resolve(res),
      ),
    );
  }

  metadata(): Promise<wire.MetadataResponse__Output> {
    return this.call(this.stub.Metadata, { topics: [TOPIC] });
  }

  async produce(value: string): Promise<wire.PartitionProduceResponse__Output> {
    const res = await this.call(this.stub.Produce, produceRequest(value, 0));
    return res.topics[0]!.partitions[0]!;
  }

  /** A fetch from `offset`: at the log end it is a long poll of `maxWaitMs`. */
  async fetch(offset: number, maxWaitMs: number): Promise<wire.PartitionFetchResponse__Output> {
    const res = await this.call(this.stub.Fetch, {
      maxWaitMs,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [
        {
          topic: TOPIC,
          partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }],
        },
      ],
    });
    return res.topics[0]!.partitions[0]!;
  }

  stream(): RawStream {
    const call = this.stub.ProduceStream();
    const waiting = new Map<number, (p: wire.PartitionProduceResponse__Output) => void>();
    call.on("data", (res: wire.ProduceResponse__Output) =>
      waiting.get(res.correlationId)?.(res.topics[0]!.partitions[0]!),
    );
    call.on("error", () => {});
    const status = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
    return {
      send: (correlationId) =>
        new Promise((resolve) => {
          waiting.set(correlationId, resolve);
          call.write(produceRequest(`s${correlationId}`, correlationId));
        }),
      end: () => call.end(),
      status,
    };
  }
}

function produceRequest(value: string, correlationId: number): wire.ProduceRequest {
  return {
    correlationId,
    acks: 1,
    timeoutMs: 10_000,
    transactionalId: "",
    topics: [{ topic: TOPIC, partitions: [{ partition: 0, records: batch([value]) }] }],
  };
}

async function scrape(broker: BrokerHandle): Promise<string> {
  const res = await fetch(`http://${broker.host}:${broker.httpPort}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

/** The value of one sample (0 when absent); `labels` must all be on the sample. */
function sample(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  for (const line of text.split("\n")) {
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m?.[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (m[2] ?? "").includes(`${k}="${v}"`))) return Number(m[3]);
  }
  return 0;
}

async function gaugeReaches(broker: BrokerHandle, name: string, value: number): Promise<void> {
  await waitFor(async () => sample(await scrape(broker), name) === value, {
    description: `${name} = ${value}`,
    timeoutMs: 10_000,
  });
}

function assertRefused(answer: { error: wire.ErrorInfo__Output | null }, setting: string): void {
  assert.equal(answer.error?.code, LIMIT_CODE, `refused, got ${JSON.stringify(answer.error)}`);
  assert.ok(answer.error.message.includes(`(${setting})`), answer.error.message);
  assert.equal(ERRORS.REQUEST_LIMIT_EXCEEDED.retriable, true);
}

test("past its bounds a broker refuses requests and streams with a typed, retriable error, and takes them again once they end", async (t) => {
  const cluster = await startCluster(t, { brokers: 1, brokerConfig: LIMITS });
  const broker = cluster.broker(1);
  const client = new Client({ brokers: cluster.bootstrap, requestTimeoutMs: 20_000 });
  const connections: Connection[] = [];
  t.after(async () => {
    for (const c of connections) c.close();
    await client.close();
  });
  const connect = () => {
    const c = new Connection(broker.address);
    connections.push(c);
    return c;
  };
  const admin = client.admin();
  await admin.createTopic({ name: TOPIC, partitions: 1, replicationFactor: 1 });
  const [a, b, c, d, e] = [connect(), connect(), connect(), connect(), connect()];
  await waitFor(async () => (await a.produce("first")).error?.code === 0, {
    description: "the partition takes writes",
    timeoutMs: 15_000,
  });

  // Requests, one connection: three long polls fill connection a; a fourth is refused at once.
  const polls = [1, 2, 3].map(() => a.fetch(1, 10_000));
  await gaugeReaches(broker, "tidelog_requests_in_flight", 3);
  const startedMs = Date.now();
  assertRefused(await a.fetch(1, 10_000), "max.inflight.requests.per.connection");
  assert.ok(Date.now() - startedMs < 5000, "answered at once, not held as a long poll");
  // Another connection goes on; its record answers connection a's polls, which frees a.
  const produced = await b.produce("second");
  assert.deepEqual([produced.error?.code, produced.baseOffset], [0, 1]);
  for (const poll of await Promise.all(polls)) assert.ok(poll.error?.code === 0 && poll.records.length > 0);
  await gaugeReaches(broker, "tidelog_requests_in_flight", 0);
  assert.equal((await a.produce("third")).error?.code, 0, "connection a is served again");

  // Requests, the whole broker: 3 + 1 polls fill it; every connection is refused, but the
  // broker stays healthy and an SDK admin call waits out the refusals.
  const pollMs = 2500;
  const brokerPolls = [a, a, a, b].map((conn) => conn.fetch(3, pollMs));
  await gaugeReaches(broker, "tidelog_requests_in_flight", 4);
  assertRefused(await c.produce("refused"), "max.inflight.requests");
  assertRefused(await b.fetch(3, 0), "max.inflight.requests");
  assert.equal((await c.metadata()).topics[0]?.name, TOPIC, "Metadata is answered from memory, never refused");
  assert.equal((await fetch(`http://${broker.host}:${broker.httpPort}/healthz`)).status, 200);
  const listing = admin.listTopics();
  for (const poll of await Promise.all(brokerPolls)) assert.deepEqual([poll.error?.code, poll.records.length], [0, 0]);
  assert.ok(
    (await listing).some((l) => l.name === TOPIC),
    "the admin call went through once the polls ended",
  );
  await gaugeReaches(broker, "tidelog_requests_in_flight", 0);
  assert.equal((await c.produce("fourth")).error?.code, 0);

  // Streams: two fill connection d, a third is answered with the error and ended.
  const d1 = d.stream();
  const d2 = d.stream();
  assert.equal((await d1.send(1)).error?.code, 0);
  assert.equal((await d2.send(1)).error?.code, 0);
  const d3 = d.stream();
  assertRefused(await d3.send(1), "max.streams.per.connection");
  assert.equal((await d3.status).code, grpc.status.OK, "a refused stream ends with a typed answer, not a gRPC error");
  // Connection e gets the broker's last stream; its next one meets max.streams.
  const e1 = e.stream();
  assert.equal((await e1.send(1)).error?.code, 0);
  const e2 = e.stream();
  assertRefused(await e2.send(1), "max.streams");
  await e2.status;
  await gaugeReaches(broker, "tidelog_streams_open", 3);

  // An SDK producer refused a stream retries with a backoff and delivers once one closes.
  const producer = client.producer({ lingerMs: 0 });
  const delivered = producer.send(TOPIC, { value: "through" });
  await waitFor(
    async () => sample(await scrape(broker), "tidelog_requests_refused_total", { reason: "broker_streams" }) >= 2,
    { description: "the producer's stream refused", timeoutMs: 10_000 },
  );
  d1.end();
  assert.equal((await d1.status).code, grpc.status.OK);
  const report = await delivered;
  assert.ok(report.offset >= 5, `delivered at offset ${report.offset}`);
  for (const s of [d2, e1]) s.end();
  await Promise.all([d2.status, e1.status]);
  await gaugeReaches(broker, "tidelog_streams_open", 1);
  const again = d.stream();
  assert.equal((await again.send(9)).error?.code, 0, "connection d opens streams again");
  again.end();
  await producer.close();

  const text = await scrape(broker);
  const refusedBy = (api: string, reason: string) => sample(text, "tidelog_requests_refused_total", { api, reason });
  assert.equal(refusedBy("Fetch", "connection_requests"), 1);
  assert.equal(refusedBy("Produce", "broker_requests"), 1);
  assert.equal(refusedBy("Fetch", "broker_requests"), 1);
  assert.ok(refusedBy("ListTopics", "broker_requests") >= 1, "the admin call was refused before it went through");
  assert.equal(refusedBy("ProduceStream", "connection_streams"), 1);
  assert.ok(refusedBy("ProduceStream", "broker_streams") >= 2);
  assert.ok(
    sample(text, "tidelog_request_duration_seconds_count", { api: "Fetch", error: "REQUEST_LIMIT_EXCEEDED" }) >= 2,
    "refusals are timed and labelled like any answer",
  );
});

test("a transactional producer refused an EndTxnStream (its connection's streams all taken) commits through unary EndTxn", async (t) => {
  const cluster = await startCluster(t, {
    brokers: 1,
    brokerConfig: {
      "max.streams.per.connection": "1",
      "transaction.state.log.min.isr": "1",
      "transaction.state.log.num.partitions": "1",
    },
  });
  const broker = cluster.broker(1);
  const client = new Client({ brokers: cluster.bootstrap, requestTimeoutMs: 20_000 });
  t.after(() => client.close());
  await client.admin().createTopic({ name: TOPIC, partitions: 1, replicationFactor: 1 });
  const producer = client.producer({ transactionalId: "limited-tx", lingerMs: 0 });
  await producer.initTransactions();
  // The producer's ProduceStream takes the connection's only stream slot, so the
  // EndTxnStream the commit opens is refused; the commit goes through as a unary call.
  for (const n of [1, 2]) {
    producer.beginTransaction();
    await producer.send(TOPIC, { value: `committed ${n}` });
    await producer.commitTransaction();
  }
  await producer.close();
  const text = await scrape(broker);
  assert.ok(
    sample(text, "tidelog_requests_refused_total", { api: "EndTxnStream", reason: "connection_streams" }) >= 2,
    "the EndTxnStream was refused for the connection's stream limit",
  );
  assert.equal(sample(text, "tidelog_request_duration_seconds_count", { api: "EndTxn", error: "NONE" }), 2);
});
