/**
 * In-process fake tidelog brokers for the data plane: real grpc-js servers on
 * 127.0.0.1 (port 0) implementing the Broker service (Metadata, Produce, ProduceStream,
 * Fetch, ListOffsets, InitProducerId) over in-memory partition logs shared by every fake
 * broker of a cluster.
 *
 * The logs behave as a leader's would, batch by batch: each produced batch is validated
 * (length, magic, CRC), given offsets by rewriting its baseOffset (bytes 0-7, outside the
 * CRC) and leader epoch, and stored whole; fetch returns whole batches from the one
 * holding the fetch offset (so it may start before it), up to the partition byte limit
 * (at least one batch), and long-polls until min_bytes or max_wait_ms. Idempotence as the
 * broker must do it: per producer and partition the last five batches' sequence ranges
 * and offsets are kept; a duplicate is answered with its original base offset, an
 * unexpected sequence with OUT_OF_ORDER_SEQUENCE_NUMBER.
 *
 * Faults a client must survive, set per broker:
 *   - leadership: a broker answers NOT_LEADER_OR_FOLLOWER for partitions it does not
 *     lead (`cluster.moveLeader` moves one and bumps its leader epoch);
 *   - `loseResponses(n)`: the next n produce requests are appended, then the call fails
 *     with UNAVAILABLE instead of answering (a response lost with its connection);
 *   - `failNext(n, status, method)`: calls fail with a gRPC status before doing anything;
 *   - `failPartition(topic, p, code, n)`: the next n produce (or fetch) attempts for one
 *     partition are answered with an error code and not appended;
 *   - `produceDelayMs`: each produce request is answered this much later (in order).
 *
 * `sink: true` on the cluster keeps only offsets, not bytes: for throughput runs.
 * `startFakeDataCluster(t, ...)` stops every server in `t.after`.
 */
import { EventEmitter } from "node:events";
import type { TestContext } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { CHANNEL_OPTIONS, errorInfo, loadTidelogProto, NO_ERROR, type wire } from "@tidelog/client/protocol";
import {
  decodeRecordBatch,
  type ErrorName,
  isControlBatch,
  LOG_OVERHEAD,
  type readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
  TidelogError,
  validateBatch,
} from "@tidelog/client/record";
import { bindLoopback, stopFake } from "./fake-grpc-server.js";

/** The broker-side limit on one batch (message.max.bytes). */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
/** Batches remembered per producer and partition for de-duplication (Kafka's five). */
const DEDUP_WINDOW = 5;

interface SequenceEntry {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  readonly recent: SequenceEntry[];
}

function nextSequence(seq: number, by: number): number {
  return seq > 0x7fffffff - by ? by - (0x7fffffff - seq) - 1 : seq + by;
}

/** One partition's log, as its leader holds it. */
export class FakePartitionLog {
  readonly batches: Buffer[] = [];
  readonly baseOffsets: number[] = [];
  readonly lastOffsets: number[] = [];
  readonly maxTimestamps: number[] = [];
  logStartOffset = 0;
  logEndOffset = 0;
  leaderEpoch = 0;
  appendedBatches = 0;
  readonly producers = new Map<number, ProducerEntry>();
  /** Aborted transactions a read_committed fetch is told of (a test sets them; the fake keeps no index). */
  readonly abortedTransactions: { producerId: number; firstOffset: number }[] = [];

  constructor(
    readonly topic: string,
    readonly partition: number,
    public leader: number,
    private readonly sink: boolean,
    private readonly appended: EventEmitter,
  ) {}

  /** Appends the batches in `records`; the base offset of the first (or of its original append, for a duplicate). */
  append(records: Buffer): number {
    let pos = 0;
    let first = -1;
    while (pos < records.length) {
      const header = validateBatch(records, pos, records.length, MAX_BATCH_BYTES);
      const size = header.batchLength + LOG_OVERHEAD;
      // Control batches (transaction markers) carry a producer id but no sequence.
      const producerId = isControlBatch(header.attributes) ? -1 : header.producerId;
      const base = this.appendBatch(records.subarray(pos, pos + size), producerId, header);
      if (first < 0) first = base;
      pos += size;
    }
    if (first < 0) throw new TidelogError("CORRUPT_MESSAGE", "no batch in the records");
    this.appended.emit("append");
    return first;
  }

  private appendBatch(bytes: Buffer, producerId: number, header: ReturnType<typeof readBatchHeader>): number {
    let entry: ProducerEntry | undefined;
    if (producerId >= 0) {
      const duplicate = this.checkSequence(producerId, header);
      if (duplicate !== null) return duplicate;
      entry = this.producers.get(producerId);
    }
    const baseOffset = this.logEndOffset;
    if (!this.sink) {
      const copy = Buffer.from(bytes);
      setBaseOffset(copy, 0, baseOffset);
      setPartitionLeaderEpoch(copy, 0, this.leaderEpoch);
      this.batches.push(copy);
      this.baseOffsets.push(baseOffset);
      this.lastOffsets.push(baseOffset + header.lastOffsetDelta);
      this.maxTimestamps.push(header.maxTimestamp);
    }
    this.logEndOffset = baseOffset + header.lastOffsetDelta + 1;
    this.appendedBatches++;
    if (producerId >= 0) {
      const lastSeq = nextSequence(header.baseSequence, header.recordCount - 1);
      const e = entry ?? { epoch: header.producerEpoch, recent: [] };
      e.recent.push({ firstSeq: header.baseSequence, lastSeq, baseOffset });
      if (e.recent.length > DEDUP_WINDOW) e.recent.shift();
      this.producers.set(producerId, e);
    }
    return baseOffset;
  }

  /** The original base offset of a duplicate; null when the batch is the next in sequence; throws otherwise. */
  private checkSequence(producerId: number, header: ReturnType<typeof readBatchHeader>): number | null {
    const entry = this.producers.get(producerId);
    const lastSeq = nextSequence(header.baseSequence, header.recordCount - 1);
    if (entry !== undefined && header.producerEpoch < entry.epoch) {
      throw new TidelogError("INVALID_PRODUCER_EPOCH", `epoch ${header.producerEpoch} < ${entry.epoch}`);
    }
    if (entry === undefined || header.producerEpoch > entry.epoch) {
      if (header.baseSequence !== 0) {
        throw new TidelogError(
          "OUT_OF_ORDER_SEQUENCE_NUMBER",
          `new producer ${producerId} starts at ${header.baseSequence}`,
        );
      }
      if (entry) {
        entry.epoch = header.producerEpoch;
        entry.recent.length = 0;
      }
      return null;
    }
    const duplicate = entry.recent.find((r) => r.firstSeq === header.baseSequence && r.lastSeq === lastSeq);
    if (duplicate) return duplicate.baseOffset;
    const last = entry.recent[entry.recent.length - 1];
    const expected = last === undefined ? 0 : nextSequence(last.lastSeq, 1);
    if (header.baseSequence !== expected) {
      throw new TidelogError(
        "OUT_OF_ORDER_SEQUENCE_NUMBER",
        `producer ${producerId} sent sequence ${header.baseSequence}, expected ${expected}`,
      );
    }
    return null;
  }

  /** Whole batches from the one holding `offset`, up to `maxBytes` (at least one batch). */
  read(offset: number, maxBytes: number): Buffer {
    if (this.sink) return Buffer.alloc(0);
    let lo = 0;
    let hi = this.batches.length - 1;
    let index = this.batches.length;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.lastOffsets[mid] as number) >= offset) {
        index = mid;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    const parts: Buffer[] = [];
    let bytes = 0;
    for (let i = index; i < this.batches.length; i++) {
      const b = this.batches[i] as Buffer;
      if (parts.length > 0 && bytes + b.length > maxBytes) break;
      parts.push(b);
      bytes += b.length;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, bytes);
  }

  /** The first offset whose record timestamp is at or after `timestamp`, or -1. */
  offsetForTimestamp(timestamp: number): number {
    for (let i = 0; i < this.batches.length; i++) {
      if ((this.maxTimestamps[i] as number) < timestamp) continue;
      for (const r of decodeRecordBatch(this.batches[i] as Buffer).records)
        if (r.timestamp >= timestamp) return r.offset;
    }
    return -1;
  }

  /** Drops everything below `offset` (as retention would), for out-of-range tests. */
  truncateStartTo(offset: number): void {
    while (this.batches.length > 0 && (this.lastOffsets[0] as number) < offset) {
      this.batches.shift();
      this.baseOffsets.shift();
      this.lastOffsets.shift();
      this.maxTimestamps.shift();
    }
    this.logStartOffset = offset;
  }
}

export interface FakeTopic {
  readonly name: string;
  readonly topicId: string;
  readonly partitions: FakePartitionLog[];
}

/** The cluster the fake brokers share: topics, logs, leaders, producer ids. */
export class FakeDataCluster {
  readonly topics = new Map<string, FakeTopic>();
  readonly brokers = new Map<number, { host: string; port: number }>();
  readonly appended = new EventEmitter();
  private nextProducerId = 1000;
  private topicCounter = 0;

  constructor(readonly sink = false) {
    this.appended.setMaxListeners(0);
  }

  createTopic(name: string, partitions: number, leaders: readonly number[] = [1]): FakeTopic {
    const logs = Array.from(
      { length: partitions },
      (_, p) => new FakePartitionLog(name, p, leaders[p % leaders.length] as number, this.sink, this.appended),
    );
    const topic = { name, topicId: `topic-${++this.topicCounter}`, partitions: logs };
    this.topics.set(name, topic);
    return topic;
  }

  log(topic: string, partition: number): FakePartitionLog {
    const log = this.topics.get(topic)?.partitions[partition];
    if (!log) throw new Error(`no partition ${topic}-${partition}`);
    return log;
  }

  /** Moves a partition's leadership and bumps its leader epoch. */
  moveLeader(topic: string, partition: number, to: number): void {
    const log = this.log(topic, partition);
    log.leader = to;
    log.leaderEpoch++;
  }

  allocateProducerId(): number {
    return this.nextProducerId++;
  }

  /** Every record of a partition, decoded, in offset order. */
  records(topic: string, partition: number): { offset: number; key: string | null; value: string | null }[] {
    const log = this.log(topic, partition);
    return log.batches.flatMap((b) =>
      decodeRecordBatch(b).records.map((r) => ({
        offset: r.offset,
        key: r.key?.toString() ?? null,
        value: r.value?.toString() ?? null,
      })),
    );
  }
}

export interface ProduceSummary {
  readonly via: "Produce" | "ProduceStream";
  readonly acks: number;
  readonly partitions: { readonly topic: string; readonly partition: number; readonly bytes: number }[];
}

interface Failure {
  remaining: number;
  readonly status: grpc.status;
  readonly method: string | null;
}

interface PartitionFault {
  remaining: number;
  readonly code: ErrorName;
  readonly on: "produce" | "fetch";
}

export class FakeDataBroker {
  /** Every produce request, summarised (no bytes kept). */
  readonly produceRequests: ProduceSummary[] = [];
  readonly calls = new Map<string, number>();
  readonly fetchRequests: wire.FetchRequest__Output[] = [];
  produceDelayMs = 0;
  private readonly server = new grpc.Server({
    "grpc.max_receive_message_length": CHANNEL_OPTIONS["grpc.max_receive_message_length"],
    "grpc.max_send_message_length": CHANNEL_OPTIONS["grpc.max_send_message_length"],
  });
  private failure: Failure | null = null;
  private lostResponses = 0;
  private readonly partitionFaults = new Map<string, PartitionFault>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private boundPort = 0;

  constructor(
    readonly id: number,
    readonly cluster: FakeDataCluster,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  failNext(count: number, status: grpc.status = grpc.status.UNAVAILABLE, method: string | null = null): void {
    this.failure = { remaining: count, status, method };
  }

  /** The next `count` produce requests are appended, then their answer is lost (the call fails UNAVAILABLE). */
  loseResponses(count: number): void {
    this.lostResponses = count;
  }

  failPartition(topic: string, partition: number, code: ErrorName, count: number, on: "produce" | "fetch" = "produce") {
    this.partitionFaults.set(`${topic}/${partition}/${on}`, { remaining: count, code, on });
  }

  callCount(method: string): number {
    return this.calls.get(method) ?? 0;
  }

  async start(): Promise<void> {
    const proto = loadTidelogProto(grpc);
    this.server.addService(proto.tidelog.v1.Broker.service, this.handlers());
    this.boundPort = await bindLoopback(this.server);
  }

  stop(): void {
    stopFake(this.server, this.timers);
  }

  private count(method: string): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
  }

  private takeFailure(method: string): grpc.status | null {
    const f = this.failure;
    if (!f || f.remaining <= 0 || (f.method !== null && f.method !== method)) return null;
    f.remaining -= 1;
    return f.status;
  }

  private takePartitionFault(topic: string, partition: number, on: "produce" | "fetch"): ErrorName | null {
    const f = this.partitionFaults.get(`${topic}/${partition}/${on}`);
    if (!f || f.remaining <= 0) return null;
    f.remaining -= 1;
    return f.code;
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private handlers(): wire.BrokerHandlers {
    return {
      Metadata: (call, callback) => this.unary("Metadata", call.request, callback, (r) => this.metadata(r)),
      SaslAuthenticate: (_call, callback) =>
        callback(null, {
          error: errorInfo("UNSUPPORTED_SASL_MECHANISM", "the fake broker runs no SASL"),
          sessionId: "",
          authBytes: Buffer.alloc(0),
          token: "",
          sessionLifetimeMs: 0,
        }),
      InitProducerId: (call, callback) =>
        this.unary("InitProducerId", call.request, callback, () => ({
          error: NO_ERROR,
          producerId: this.cluster.allocateProducerId(),
          producerEpoch: 0,
        })),
      ListOffsets: (call, callback) => this.unary("ListOffsets", call.request, callback, (r) => this.listOffsets(r)),
      // The fake keeps no transaction state: every named partition has none open.
      AbortPartitionTransaction: (_call, callback) =>
        callback(null, { error: errorInfo("INVALID_TXN_STATE", "the fake keeps no transactions"), markerOffset: -1 }),
      DeleteRecords: (_call, callback) =>
        callback(null, { error: errorInfo("OFFSET_OUT_OF_RANGE", "the fake deletes no records"), logStartOffset: -1 }),
      DescribeProducers: (call, callback) =>
        callback(null, {
          partitions: call.request.topics.flatMap((t) =>
            t.partitions.map((partition) => ({ topic: t.topic, partition, error: NO_ERROR, openTransactions: [] })),
          ),
        }),
      Produce: (call, callback) => {
        this.count("Produce");
        const status = this.takeFailure("Produce");
        if (status !== null) return callback({ code: status, details: "injected failure" });
        const response = this.produce(call.request, "Produce");
        const lost = this.takeLost();
        this.later(this.produceDelayMs, () => {
          if (lost) callback({ code: grpc.status.UNAVAILABLE, details: "injected lost response" });
          else callback(null, response);
        });
      },
      ProduceStream: (call) => this.produceStream(call),
      Fetch: (call, callback) => {
        this.count("Fetch");
        const status = this.takeFailure("Fetch");
        if (status !== null) return callback({ code: status, details: "injected failure" });
        this.fetch(call.request, call, callback);
      },
    };
  }

  private unary<Req, Res>(
    method: string,
    request: Req,
    callback: grpc.sendUnaryData<Res>,
    answer: (request: Req) => Res,
  ): void {
    this.count(method);
    const status = this.takeFailure(method);
    if (status !== null) {
      callback({ code: status, details: "injected failure" });
      return;
    }
    try {
      callback(null, answer(request));
    } catch (e) {
      callback({ code: grpc.status.INTERNAL, details: e instanceof Error ? e.message : String(e) });
    }
  }

  private takeLost(): boolean {
    if (this.lostResponses <= 0) return false;
    this.lostResponses--;
    return true;
  }

  private produceStream(call: grpc.ServerDuplexStream<wire.ProduceRequest__Output, wire.ProduceResponse>): void {
    this.count("ProduceStream");
    let chain: Promise<void> = Promise.resolve();
    let failed = false;
    const answer = (request: wire.ProduceRequest__Output) => {
      if (failed) return;
      const status = this.takeFailure("ProduceStream");
      if (status !== null) {
        failed = true;
        call.emit("error", { code: status, details: "injected failure" });
        return;
      }
      const response = this.produce(request, "ProduceStream");
      if (this.takeLost()) {
        failed = true;
        call.emit("error", { code: grpc.status.UNAVAILABLE, details: "injected lost response" });
        return;
      }
      call.write(response);
    };
    call.on("data", (request: wire.ProduceRequest__Output) => {
      if (this.produceDelayMs === 0) return answer(request);
      const delayMs = this.produceDelayMs;
      chain = chain.then(
        () =>
          new Promise<void>((resolve) =>
            this.later(delayMs, () => {
              answer(request);
              resolve();
            }),
          ),
      );
    });
    call.on("end", () => {
      chain.then(
        () => call.end(),
        () => call.end(),
      );
    });
    call.on("error", () => {});
  }

  private produce(request: wire.ProduceRequest__Output, via: ProduceSummary["via"]): wire.ProduceResponse {
    this.produceRequests.push({
      via,
      acks: request.acks,
      partitions: request.topics.flatMap((t) =>
        t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, bytes: p.records.length })),
      ),
    });
    return {
      correlationId: request.correlationId,
      topics: request.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => this.producePartition(t.topic, p)),
      })),
    };
  }

  private producePartition(topic: string, p: wire.PartitionProduceData__Output): wire.PartitionProduceResponse {
    const failed = (e: TidelogError | ErrorName) => ({
      partition: p.partition,
      error: errorInfo(e),
      baseOffset: -1,
      logStartOffset: -1,
    });
    const log = this.cluster.topics.get(topic)?.partitions[p.partition];
    if (!log) return failed("UNKNOWN_TOPIC_OR_PARTITION");
    if (log.leader !== this.id) return failed("NOT_LEADER_OR_FOLLOWER");
    const fault = this.takePartitionFault(topic, p.partition, "produce");
    if (fault) return failed(fault);
    try {
      const baseOffset = log.append(p.records);
      return { partition: p.partition, error: NO_ERROR, baseOffset, logStartOffset: log.logStartOffset };
    } catch (e) {
      if (e instanceof TidelogError) return failed(e);
      throw e;
    }
  }

  private metadata(request: wire.MetadataRequest__Output): wire.MetadataResponse {
    const brokers = [...this.cluster.brokers].map(([id, b]) => ({
      id,
      host: b.host,
      port: b.port,
      httpPort: 0,
      rack: "",
    }));
    const names = request.topics.length > 0 ? request.topics : [...this.cluster.topics.keys()];
    return {
      clusterId: "fake-data-cluster",
      controllerId: 1,
      brokers,
      topics: names.map((name) => {
        const topic = this.cluster.topics.get(name);
        if (!topic) return { name, topicId: "", error: errorInfo("UNKNOWN_TOPIC_OR_PARTITION"), partitions: [] };
        return {
          name,
          topicId: topic.topicId,
          error: NO_ERROR,
          partitions: topic.partitions.map((log) => ({
            partition: log.partition,
            error: NO_ERROR,
            leader: log.leader,
            leaderEpoch: log.leaderEpoch,
            replicas: [log.leader],
            isr: [log.leader],
          })),
        };
      }),
    };
  }

  private listOffsets(request: wire.ListOffsetsRequest__Output): wire.ListOffsetsResponse {
    return {
      topics: request.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const log = this.cluster.topics.get(t.topic)?.partitions[p.partition];
          const failed = (code: ErrorName) => ({
            partition: p.partition,
            error: errorInfo(code),
            timestamp: -1,
            offset: -1,
            leaderEpoch: -1,
          });
          if (!log) return failed("UNKNOWN_TOPIC_OR_PARTITION");
          if (log.leader !== this.id) return failed("NOT_LEADER_OR_FOLLOWER");
          const offset =
            p.timestamp === -1
              ? log.logEndOffset
              : p.timestamp === -2
                ? log.logStartOffset
                : log.offsetForTimestamp(p.timestamp);
          return {
            partition: p.partition,
            error: NO_ERROR,
            timestamp: p.timestamp,
            offset,
            leaderEpoch: log.leaderEpoch,
          };
        }),
      })),
    };
  }

  /** Long poll: answers at once when min_bytes are there, else on the next append or after max_wait_ms. */
  private fetch(
    request: wire.FetchRequest__Output,
    call: grpc.ServerUnaryCall<wire.FetchRequest__Output, wire.FetchResponse>,
    callback: grpc.sendUnaryData<wire.FetchResponse>,
  ): void {
    this.fetchRequests.push(request);
    const first = this.fetchOnce(request);
    if (first.bytes >= Math.max(1, request.minBytes) || request.maxWaitMs <= 0 || first.errors) {
      callback(null, first.response);
      return;
    }
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.cluster.appended.off("append", onAppend);
      clearTimeout(timer);
      this.timers.delete(timer);
      if (call.cancelled) return;
      callback(null, this.fetchOnce(request).response);
    };
    const onAppend = () => {
      if (this.fetchOnce(request).bytes >= Math.max(1, request.minBytes)) finish();
    };
    const timer = setTimeout(finish, request.maxWaitMs);
    this.timers.add(timer);
    this.cluster.appended.on("append", onAppend);
    call.on("cancelled", finish);
  }

  private fetchOnce(request: wire.FetchRequest__Output): {
    response: wire.FetchResponse;
    bytes: number;
    errors: boolean;
  } {
    let bytes = 0;
    let errors = false;
    const topics = request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p): wire.PartitionFetchResponse => {
        const log = this.cluster.topics.get(t.topic)?.partitions[p.partition];
        const failed = (code: ErrorName): wire.PartitionFetchResponse => {
          errors = true;
          return {
            partition: p.partition,
            error: errorInfo(code),
            highWatermark: -1,
            lastStableOffset: -1,
            logStartOffset: -1,
          };
        };
        if (!log) return failed("UNKNOWN_TOPIC_OR_PARTITION");
        if (log.leader !== this.id) return failed("NOT_LEADER_OR_FOLLOWER");
        if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < log.leaderEpoch) return failed("FENCED_LEADER_EPOCH");
        if (p.currentLeaderEpoch > log.leaderEpoch) return failed("UNKNOWN_LEADER_EPOCH");
        const fault = this.takePartitionFault(t.topic, p.partition, "fetch");
        if (fault) return failed(fault);
        if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.logEndOffset)
          return failed("OFFSET_OUT_OF_RANGE");
        const limit = Math.min(p.partitionMaxBytes, Math.max(1, request.maxBytes - bytes));
        const records = log.read(p.fetchOffset, limit);
        bytes += records.length;
        return {
          partition: p.partition,
          error: NO_ERROR,
          highWatermark: log.logEndOffset,
          lastStableOffset: log.logEndOffset,
          logStartOffset: log.logStartOffset,
          records,
          abortedTransactions: request.isolationLevel === 1 ? log.abortedTransactions : [],
        };
      }),
    }));
    return { response: { topics }, bytes, errors };
  }
}

export interface FakeDataClusterOptions {
  readonly brokers?: number;
  /** Keep offsets only, not record bytes (throughput runs). */
  readonly sink?: boolean;
}

export interface RunningFakeDataCluster {
  readonly cluster: FakeDataCluster;
  readonly brokers: FakeDataBroker[];
  /** Every broker's address, comma-separated. */
  readonly bootstrap: string;
  broker(id: number): FakeDataBroker;
  stop(): void;
}

/** Starts fake brokers 1..n; when `t` is given they stop in `t.after`. */
export async function startFakeDataCluster(
  t: TestContext | null,
  options: FakeDataClusterOptions = {},
): Promise<RunningFakeDataCluster> {
  const cluster = new FakeDataCluster(options.sink ?? false);
  const brokers = Array.from({ length: options.brokers ?? 1 }, (_, i) => new FakeDataBroker(i + 1, cluster));
  const stop = () => {
    for (const b of brokers) b.stop();
  };
  t?.after(stop);
  for (const b of brokers) {
    await b.start();
    cluster.brokers.set(b.id, { host: "127.0.0.1", port: b.port });
  }
  return {
    cluster,
    brokers,
    bootstrap: brokers.map((b) => b.address).join(","),
    broker: (id) => {
      const b = brokers.find((x) => x.id === id);
      if (!b) throw new Error(`no fake broker ${id}`);
      return b;
    },
    stop,
  };
}
