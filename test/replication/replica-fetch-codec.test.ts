/**
 * replica-fetch-codec.ts against protobufjs, which it replaces on the ReplicaFetch stream
 * and which brokers not yet using it still run: what either writes, the other must read
 * the same. Random messages are generated from the .proto's own field lists, so a field
 * added to the .proto but not to the codec fails here even before the field-list check.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { LOADER_OPTIONS, NO_ERROR, type wire } from "@tidelog/client/protocol";
import {
  decodeReplicaFetchRequest,
  decodeReplicaFetchResponse,
  describeFields,
  encodeReplicaFetchRequest,
  encodeReplicaFetchResponse,
  KNOWN_FIELDS,
  useReplicaFetchCodec,
} from "../../src/replication/replica-fetch-codec.js";

function load(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(["tidelog/v1/broker.proto"], LOADER_OPTIONS);
}

const definition = load();
const protobufjs = method(definition);

function method(def: protoLoader.PackageDefinition): protoLoader.MethodDefinition<object, object> {
  const service = def["tidelog.v1.Replication"] as protoLoader.ServiceDefinition;
  return service["ReplicaFetch"]!;
}

interface Field {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName: string;
}

function messageType(
  def: protoLoader.PackageDefinition,
  name: string,
): protoLoader.MessageTypeDefinition<object, object> {
  return def[`tidelog.v1.${name}`] as protoLoader.MessageTypeDefinition<object, object>;
}

function fieldsOf(name: string): Field[] {
  return (messageType(definition, name).type as unknown as { field: Field[] }).field;
}

/** mulberry32: small, seeded, good enough to spread cases. */
class Random {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)] as T;
  }
}

const INT32S = [0, 1, -1, 127, 128, 16_383, 16_384, 2 ** 31 - 1, -(2 ** 31)];
const INT64S = [
  0,
  1,
  -1,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 32 - 1,
  2 ** 32,
  -(2 ** 32),
  2 ** 35 - 1,
  2 ** 35,
  2 ** 49,
  2 ** 53 - 1,
  2 ** 53,
  -(2 ** 53 - 1),
  -(2 ** 53),
];
const TOPIC_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
const UNICODE_PIECES = ["é", "ß", "日本", "主题", "🌊", "𝄞", "\u0000", "Ω", "a", "-", "ü", "\u{10ffff}"];

function randomString(r: Random): string {
  switch (r.int(4)) {
    case 0:
      return "";
    case 1: {
      let s = "";
      for (let i = 1 + r.int(r.next() < 0.8 ? 30 : 250); i > 0; i--) s += TOPIC_CHARS[r.int(TOPIC_CHARS.length)];
      return s;
    }
    default: {
      // protobufjs writes strings under 40 UTF-16 units with its own UTF-8 encoder, longer ones with Node's.
      let s = "";
      for (let i = 1 + r.int(r.next() < 0.8 ? 20 : 120); i > 0; i--) s += r.pick(UNICODE_PIECES);
      return s;
    }
  }
}

function randomBytes(r: Random): Uint8Array | string {
  const length = r.next() < 0.25 ? 0 : r.int(r.next() < 0.7 ? 200 : 3001);
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) b[i] = r.int(256);
  const form = r.next();
  if (form < 0.1) return new Uint8Array(b); // not a Buffer
  if (form < 0.15) return b.toString("base64"); // fromObject takes a string as base64
  return b;
}

function randomValue(r: Random, f: Field): unknown {
  switch (f.type) {
    case "TYPE_INT32":
      return r.next() < 0.5 ? r.pick(INT32S) : (Math.floor(r.next() * 2 ** 32) | 0) >> r.int(32);
    case "TYPE_INT64": {
      if (r.next() < 0.5) return r.pick(INT64S);
      const magnitude = Math.floor(r.next() * 2 ** r.int(54));
      return r.next() < 0.3 ? -magnitude : magnitude;
    }
    case "TYPE_BOOL":
      return r.next() < 0.5;
    case "TYPE_STRING":
      return randomString(r);
    case "TYPE_BYTES":
      return randomBytes(r);
    case "TYPE_MESSAGE":
      return randomMessage(r, f.typeName);
    default:
      throw new Error(`${f.name} is a ${f.type}: neither this test nor replica-fetch-codec.ts knows that type`);
  }
}

/** An input-shaped message: any field may be left out or null (absent, to both encoders). */
function randomMessage(r: Random, type: string): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  for (const f of fieldsOf(type)) {
    const roll = r.next();
    if (roll < 0.1) continue;
    if (roll < 0.15) {
      m[f.name] = null;
    } else if (f.label === "LABEL_REPEATED") {
      if (f.type !== "TYPE_MESSAGE") throw new Error(`${f.name}: a repeated ${f.type} is new to the codec`);
      m[f.name] = Array.from({ length: r.int(6) }, () => randomMessage(r, f.typeName));
    } else {
      m[f.name] = randomValue(r, f);
    }
  }
  return m;
}

/** The same message with every default-valued scalar left out: then protobufjs writes canonical proto3. */
function canonical(type: string, m: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fieldsOf(type)) {
    const v = m[f.name];
    if (v == null) continue;
    if (f.label === "LABEL_REPEATED") {
      out[f.name] = (v as Record<string, unknown>[]).map((x) => canonical(f.typeName, x));
    } else if (f.type === "TYPE_MESSAGE") {
      out[f.name] = canonical(f.typeName, v as Record<string, unknown>);
    } else if (!isDefault(f.type, v)) {
      out[f.name] = v;
    }
  }
  return out;
}

function isDefault(type: string, v: unknown): boolean {
  switch (type) {
    case "TYPE_INT32":
    case "TYPE_INT64":
      return v === 0;
    case "TYPE_BOOL":
      return v === false;
    case "TYPE_STRING":
      return v === "";
    case "TYPE_BYTES":
      return (typeof v === "string" ? Buffer.from(v, "base64") : (v as Uint8Array)).length === 0;
    default:
      throw new Error(`no default known for ${type}`);
  }
}

function sameBytes(actual: Buffer, expected: Uint8Array, what: string): void {
  if (Buffer.compare(actual, expected) === 0) return;
  let at = 0;
  while (actual[at] === expected[at]) at++;
  const around = (b: Uint8Array) => Buffer.from(b.subarray(Math.max(0, at - 16), at + 16)).toString("hex");
  assert.fail(
    `${what}\n  first difference at byte ${at} (lengths ${actual.length}, ${expected.length}), bytes ${Math.max(0, at - 16)}-:` +
      `\n  codec:      ${around(actual)}\n  protobufjs: ${around(expected)}`,
  );
}

/**
 * deepStrictEqual, but a failure shows buffers by length and digest: the test runner
 * takes minutes to report an assertion holding kilobytes of records.
 */
function sameMessage(actual: unknown, expected: unknown, what?: string): void {
  if (isDeepStrictEqual(actual, expected)) return;
  assert.deepStrictEqual(brief(actual), brief(expected), what);
  assert.fail(`${what ?? "messages"} differ in a way brief() hides`);
}

function brief(v: unknown): unknown {
  if (v instanceof Uint8Array) {
    const digest = createHash("sha256").update(v).digest("hex").slice(0, 16);
    return `${v.constructor.name}(${v.length}) ${Buffer.from(v.subarray(0, 16)).toString("hex")} sha256 ${digest}`;
  }
  if (Array.isArray(v)) return v.map(brief);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, brief(x)]));
  return v;
}

const CODECS = [
  {
    type: "ReplicaFetchRequest",
    encode: encodeReplicaFetchRequest as (m: object) => Buffer,
    decode: decodeReplicaFetchRequest as (b: Buffer) => object,
    pbSerialize: protobufjs.requestSerialize,
    pbDeserialize: protobufjs.requestDeserialize,
  },
  {
    type: "ReplicaFetchResponse",
    encode: encodeReplicaFetchResponse as (m: object) => Buffer,
    decode: decodeReplicaFetchResponse as (b: Buffer) => object,
    pbSerialize: protobufjs.responseSerialize,
    pbDeserialize: protobufjs.responseDeserialize,
  },
];

test("the codec knows exactly the fields the .proto has", () => {
  for (const [name, known] of Object.entries(KNOWN_FIELDS)) {
    const proto = describeFields({ field: fieldsOf(name.replace("tidelog.v1.", "")) });
    assert.equal(known, proto, `${name} changed in the .proto: update replica-fetch-codec.ts (and KNOWN_FIELDS)`);
  }
});

for (const codec of CODECS) {
  test(`${codec.type}: 2,500 random messages read and write the same as protobufjs`, () => {
    const r = new Random(codec.type.length * 7919);
    for (let i = 0; i < 2500; i++) {
      const m = randomMessage(r, codec.type);
      const context = () => `case ${i}: ${JSON.stringify(m).slice(0, 400)}`;

      // (a) What protobufjs writes (explicit defaults too), the codec reads as protobufjs does.
      const theirs = codec.pbSerialize(m);
      sameMessage(codec.decode(theirs), codec.pbDeserialize(theirs), context());

      // (b) The codec writes what protobufjs writes when that is canonical.
      const ours = codec.encode(m);
      sameBytes(ours, codec.pbSerialize(canonical(codec.type, m)), context());

      // (c) protobufjs reads what the codec writes as the codec does.
      sameMessage(codec.pbDeserialize(ours), codec.decode(ours), context());
    }
  });
}

test("int64 given as a decimal string or a Long-like object is written as protobufjs writes it", () => {
  const m = {
    brokerEpoch: "12345678901",
    partitions: [{ topic: "t", fetchOffset: { low: -5, high: -1, unsigned: false }, logStartOffset: "-1" }],
  } as unknown as wire.ReplicaFetchRequest;
  sameBytes(encodeReplicaFetchRequest(m), protobufjs.requestSerialize(m), "string and Long int64");
  assert.equal(decodeReplicaFetchRequest(encodeReplicaFetchRequest(m)).partitions[0]?.fetchOffset, -5);
});

test("records are a view of the message, not a copy", () => {
  const records = Buffer.from("some record batches");
  const bytes = encodeReplicaFetchResponse({ partitions: [{ topic: "t", records }] });
  const decoded = decodeReplicaFetchResponse(bytes).partitions[0]!.records;
  assert.deepStrictEqual(decoded, records);
  bytes[bytes.length - 1] = 0x21; // the records' last byte
  assert.equal(decoded.at(-1), 0x21);
});

// ---------------------------------------------------------------------------------------
// Hand-built wire bytes.

function varint(n: bigint): Buffer {
  const out: number[] = [];
  while (n > 0x7fn) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return Buffer.from(out);
}

function tag(field: number, wireType: number): Buffer {
  return varint(BigInt(field) * 8n + BigInt(wireType));
}

function lengthDelimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([tag(field, 2), varint(BigInt(payload.length)), payload]);
}

/** Unknown fields of every wire type, a nested group, and the largest field number. */
const UNKNOWN = Buffer.concat([
  tag(100, 0),
  varint(2n ** 64n - 1n),
  tag(101, 1),
  Buffer.from("8 bytes!"),
  lengthDelimited(102, Buffer.concat([tag(1, 0), varint(99n), lengthDelimited(2, Buffer.from("looks like fields"))])),
  tag(103, 5),
  Buffer.from([1, 2, 3, 4]),
  tag(104, 3),
  tag(1, 0),
  varint(5n),
  tag(105, 3),
  lengthDelimited(2, Buffer.from("in a nested group")),
  tag(105, 4),
  tag(104, 4),
  tag(2 ** 29 - 1, 0),
  varint(1n),
]);

function serializeType(name: string, m: object): Buffer {
  return Buffer.from(messageType(definition, name).serialize(m));
}

test("unknown fields of every wire type, in every message, are skipped as protobufjs skips them", () => {
  const error = Buffer.concat([UNKNOWN, serializeType("ErrorInfo", { code: 7, message: "boom" }), UNKNOWN]);
  const epoch = Buffer.concat([UNKNOWN, serializeType("EpochEndOffset", { epoch: 3, endOffset: -1 }), UNKNOWN]);
  const data = Buffer.concat([
    UNKNOWN,
    serializeType("ReplicaFetchPartitionData", {
      topic: "orders",
      partition: 2,
      highWatermark: 2 ** 40,
      logStartOffset: -1,
      records: Buffer.from("abc"),
    }),
    UNKNOWN,
    lengthDelimited(3, error),
    lengthDelimited(7, epoch),
    UNKNOWN,
  ]);
  const response = Buffer.concat([
    UNKNOWN,
    lengthDelimited(1, data),
    UNKNOWN,
    tag(2, 0),
    varint(1n),
    lengthDelimited(3, error),
    UNKNOWN,
  ]);
  const expected: wire.ReplicaFetchResponse__Output = {
    partitions: [
      {
        topic: "orders",
        partition: 2,
        error: { code: 7, message: "boom" },
        highWatermark: 2 ** 40,
        logStartOffset: -1,
        records: Buffer.from("abc"),
        divergingEpoch: { epoch: 3, endOffset: -1 },
      },
    ],
    keepsSessions: true,
    error: { code: 7, message: "boom" },
  };
  sameMessage(decodeReplicaFetchResponse(response), expected);
  sameMessage(protobufjs.responseDeserialize(response), expected);

  const partition = Buffer.concat([
    UNKNOWN,
    serializeType("ReplicaFetchPartition", { topic: "t", partition: 1, fetchOffset: 10, logStartOffset: -1 }),
    UNKNOWN,
  ]);
  const request = Buffer.concat([
    UNKNOWN,
    serializeType("ReplicaFetchRequest", { replicaId: 3, brokerEpoch: 77, incremental: true }),
    lengthDelimited(6, partition),
    UNKNOWN,
    lengthDelimited(6, partition),
  ]);
  const decoded = decodeReplicaFetchRequest(request);
  sameMessage(decoded, protobufjs.requestDeserialize(request));
  assert.equal(decoded.partitions.length, 2, "a repeated field appearing twice appends");
  assert.equal(decoded.partitions[1]?.logStartOffset, -1);
});

test("a known field number with another wire type is skipped", () => {
  const bytes = Buffer.concat([lengthDelimited(2, Buffer.from([1])), tag(1, 5), Buffer.from([1, 0, 0, 0])]);
  assert.deepStrictEqual(decodeReplicaFetchResponse(bytes), { partitions: [], keepsSessions: false, error: null });
});

test("an embedded message seen twice: the last one wins, as in protobufjs", () => {
  const bytes = Buffer.concat([
    lengthDelimited(3, serializeType("ErrorInfo", { code: 5 })),
    lengthDelimited(3, serializeType("ErrorInfo", { message: "x" })),
  ]);
  const decoded = decodeReplicaFetchResponse(bytes);
  assert.deepStrictEqual(decoded.error, { code: 0, message: "x" });
  assert.deepStrictEqual(decoded, protobufjs.responseDeserialize(bytes));
});

test("truncated or malformed messages throw", () => {
  const bad: Record<string, Buffer> = {
    "a varint cut short": Buffer.from([0x10, 0x80]),
    "a tag cut short": Buffer.from([0x80]),
    "a varint of 11 bytes": Buffer.concat([tag(2, 0), Buffer.alloc(10, 0xff), Buffer.from([1])]),
    "a length past the end": Buffer.from([0x0a, 0x05, 0x00]),
    "a negative length": Buffer.concat([tag(1, 2), varint(0xffffffffn)]),
    "a string past its message's end": Buffer.concat([
      lengthDelimited(1, Buffer.from([0x0a, 0x05])),
      Buffer.from("aaaaa"),
    ]),
    "records past the end": Buffer.concat([tag(1, 2), varint(5n), tag(6, 2), varint(100n), Buffer.from("ab")]),
    "fixed64 cut short": Buffer.concat([tag(9, 1), Buffer.from([1, 2, 3])]),
    "fixed32 cut short": Buffer.concat([tag(9, 5), Buffer.from([1, 2])]),
    "an unterminated group": Buffer.concat([tag(9, 3), tag(1, 0), varint(1n)]),
    "an end of group without a start": tag(9, 4),
    "wire type 6": tag(9, 6),
    "wire type 7": tag(9, 7),
  };
  for (const [what, bytes] of Object.entries(bad)) {
    assert.throws(() => decodeReplicaFetchResponse(bytes), Error, what);
    assert.throws(() => decodeReplicaFetchRequest(bytes), Error, what);
  }

  // A message of one embedded field: every strict prefix cuts that field short.
  const r = new Random(42);
  for (let i = 0; i < 200; i++) {
    const response = encodeReplicaFetchResponse({
      partitions: [randomMessage(r, "ReplicaFetchPartitionData") as wire.ReplicaFetchPartitionData],
    });
    const request = encodeReplicaFetchRequest({
      partitions: [randomMessage(r, "ReplicaFetchPartition") as wire.ReplicaFetchPartition],
    });
    for (let n = 1; n < response.length; n += 1 + (n > 64 ? r.int(64) : 0)) {
      assert.throws(() => decodeReplicaFetchResponse(response.subarray(0, n)), Error, `response cut at ${n}`);
    }
    for (let n = 1; n < request.length; n++) {
      assert.throws(() => decodeReplicaFetchRequest(request.subarray(0, n)), Error, `request cut at ${n}`);
    }
  }
});

// ---------------------------------------------------------------------------------------
// Wiring into grpc-js.

interface ReplicationClient extends grpc.Client {
  ReplicaFetch(): grpc.ClientDuplexStream<wire.ReplicaFetchRequest, wire.ReplicaFetchResponse__Output>;
}

function replicationService(def: protoLoader.PackageDefinition): grpc.ServiceClientConstructor {
  const loaded = grpc.loadPackageDefinition(def) as unknown as {
    tidelog: { v1: { Replication: grpc.ServiceClientConstructor } };
  };
  return loaded.tidelog.v1.Replication;
}

test("useReplicaFetchCodec replaces ReplicaFetch's four functions where grpc-js reads them", () => {
  const def = load();
  useReplicaFetchCodec(def);
  const m = method(def);
  assert.equal(m.requestSerialize, encodeReplicaFetchRequest);
  assert.equal(m.requestDeserialize, decodeReplicaFetchRequest);
  assert.equal(m.responseSerialize, encodeReplicaFetchResponse);
  assert.equal(m.responseDeserialize, decodeReplicaFetchResponse);
  assert.notEqual(protobufjs.requestSerialize, encodeReplicaFetchRequest);

  const Replication = replicationService(def);
  // What a server's addService reads...
  assert.equal(Replication.service["ReplicaFetch"]?.responseSerialize, encodeReplicaFetchResponse);
  assert.equal(Replication.service["ReplicaFetch"]?.requestDeserialize, decodeReplicaFetchRequest);
  // ...and what the client constructor copied.
  const clientMethod = (Replication.prototype as Record<string, unknown>)["ReplicaFetch"] as Record<string, unknown>;
  assert.equal(clientMethod["requestSerialize"], encodeReplicaFetchRequest);
  assert.equal(clientMethod["responseDeserialize"], decodeReplicaFetchResponse);
});

test("useReplicaFetchCodec refuses a .proto whose messages have a field the codec does not know", () => {
  const def = load();
  const fields = (messageType(def, "ReplicaFetchPartitionData").type as unknown as { field: Field[] }).field;
  fields.push({ name: "newThing", number: 8, label: "LABEL_OPTIONAL", type: "TYPE_INT32", typeName: "" });
  assert.throws(() => useReplicaFetchCodec(def), /ReplicaFetchPartitionData.*update the codec/);
  assert.notEqual(method(def).requestSerialize, encodeReplicaFetchRequest, "nothing replaced");
});

/** A server echoing each request's partitions back, with `maxBytes` bytes of records. */
async function echoServer(def: protoLoader.PackageDefinition): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService(replicationService(def).service, {
    ReplicaFetch: (call: grpc.ServerDuplexStream<wire.ReplicaFetchRequest__Output, wire.ReplicaFetchResponse>) => {
      call.on("data", (req: wire.ReplicaFetchRequest__Output) => call.write(answer(req)));
      call.on("end", () => call.end());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { server, port };
}

function answer(req: wire.ReplicaFetchRequest__Output): wire.ReplicaFetchResponse {
  return {
    partitions: req.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      error: NO_ERROR,
      highWatermark: p.fetchOffset,
      logStartOffset: p.logStartOffset,
      records: Buffer.alloc(p.maxBytes, p.partition),
      divergingEpoch: { epoch: -1, endOffset: -1 },
    })),
    keepsSessions: req.incremental,
    error: null,
  };
}

async function fetchOnce(def: protoLoader.PackageDefinition, port: number, req: wire.ReplicaFetchRequest) {
  const Replication = replicationService(def);
  const client = new Replication(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  ) as unknown as ReplicationClient;
  try {
    const stream = client.ReplicaFetch();
    const res = await new Promise<wire.ReplicaFetchResponse__Output>((resolve, reject) => {
      stream.once("data", resolve);
      stream.once("error", reject);
      stream.write(req);
    });
    stream.end();
    return res;
  } finally {
    client.close();
  }
}

test("a broker with the codec and one with protobufjs replicate over a real stream, either way round", async () => {
  const withCodec = load();
  useReplicaFetchCodec(withCodec);
  const plain = load();
  const req: wire.ReplicaFetchRequest = {
    replicaId: 2,
    brokerEpoch: 2 ** 40,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 1 << 20,
    incremental: true,
    partitions: [
      { topic: "orders", partition: 0, fetchOffset: 0, currentLeaderEpoch: 3, lastFetchedEpoch: -1, maxBytes: 100_000 },
      { topic: "主题", partition: 7, fetchOffset: 2 ** 50, logStartOffset: -1, maxBytes: 0 },
    ],
  };
  // What two brokers on protobufjs would get.
  const received = protobufjs.requestDeserialize(protobufjs.requestSerialize(req)) as wire.ReplicaFetchRequest__Output;
  const expected = protobufjs.responseDeserialize(protobufjs.responseSerialize(answer(received)));
  for (const [serverDef, clientDef] of [
    [withCodec, plain],
    [plain, withCodec],
  ] as const) {
    const { server, port } = await echoServer(serverDef);
    try {
      sameMessage(await fetchOnce(clientDef, port, req), expected);
    } finally {
      server.forceShutdown();
    }
  }
});
