/**
 * The gRPC Broker service: the data plane clients use.
 *
 * Produce: per partition, the leader appends the batch (offsets assigned, idempotent
 * duplicates answered with their original offsets), then answers at once (acks=0 and 1)
 * or when the high watermark has passed the batch (acks=all), refusing up front with
 * NOT_ENOUGH_REPLICAS when the ISR is smaller than min.insync.replicas. ProduceStream
 * carries many requests on one HTTP/2 stream and answers them in order, so a client
 * pays one gRPC call per stream, not per request.
 *
 * Fetch and ListOffsets are read by the replication layer (replication/consumer-fetch.ts:
 * up to the high watermark, or the last stable offset for read_committed, as a long
 * poll); this service only translates requests and answers.
 *
 * Produce, ProduceStream, Fetch and InitProducerId are `refusable`: the request limits
 * (request-limits.ts) count them, and a request past a bound is answered with
 * REQUEST_LIMIT_EXCEEDED for every partition it names. Metadata and ListOffsets are
 * answered synchronously from memory and are not limited.
 */
import type * as grpc from "@grpc/grpc-js";
import { errorInfo, NO_ERROR, type wire } from "@tidelog/client/protocol";
import { ATTRIBUTES_OFFSET, CONTROL_FLAG, TidelogError, TRANSACTIONAL_FLAG } from "@tidelog/client/record";
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { ProducerIdManager } from "../cluster/producer-id-manager.js";
import type { Logger } from "../common/logger.js";
import { asServerError } from "../common/server-error.js";
import { fetchForConsumer, type IsolationLevel, listOffset } from "../replication/consumer-fetch.js";
import { ACKS_ALL, type Partition } from "../replication/partition.js";
import type { ReplicaManager } from "../replication/replica-manager.js";
import { serveOrderedStream } from "./ordered-stream.js";
import { answersRefusal, refusableStream, refusableUnary } from "./request-limits.js";

export interface BrokerServiceDeps {
  readonly brokerId: number;
  readonly clusterId: string;
  readonly image: () => MetadataImage;
  readonly replicas: ReplicaManager;
  readonly producerIds: ProducerIdManager;
  readonly transactions: {
    /** Before a transactional batch: may this partition take it (KIP-890 part 1)? Throws the refusal. */
    verify(partition: Partition, transactionalId: string, records: Buffer): Promise<void>;
    /** InitProducerId with a transactional id, at its coordinator. */
    initProducerId(transactionalId: string, timeoutMs: number): Promise<{ producerId: number; producerEpoch: number }>;
  };
  /**
   * Client quotas on a produce stream (quota-enforcement.ts produceStreamThrottle): per
   * stream, what holds each request's answer back, or null when nothing is throttled.
   */
  readonly produceStreamThrottle?: (
    call: grpc.ServerDuplexStream<wire.ProduceRequest__Output, wire.ProduceResponse>,
  ) => ((req: wire.ProduceRequest__Output) => Promise<number> | null) | null;
  /** SCRAM authentication (security/sasl-authenticator.ts). */
  readonly sasl: {
    authenticate(req: wire.SaslAuthenticateRequest__Output, peer: string): Promise<wire.SaslAuthenticateResponse>;
  };
  readonly logger: Logger;
}

function saslRefusal(_req: wire.SaslAuthenticateRequest__Output, e: TidelogError): wire.SaslAuthenticateResponse {
  return { error: errorInfo(e), sessionId: "", authBytes: Buffer.alloc(0), token: "", sessionLifetimeMs: 0 };
}

/** Bounds on what one request may ask for. */
export const LIMITS = {
  produceTimeoutMaxMs: 300_000,
  produceTimeoutDefaultMs: 30_000,
  /** Produce requests a stream may have unanswered before the broker stops reading it. */
  produceStreamInFlightMax: 64,
  /** How long DeleteRecords waits for the in-sync followers to follow the new log start. */
  deleteRecordsTimeoutMs: 30_000,
};

function asError(e: unknown, logger: Logger): TidelogError {
  return asServerError(e, logger);
}

export function brokerHandlers(deps: BrokerServiceDeps): wire.BrokerHandlers {
  const { logger } = deps;

  const produce = async (req: wire.ProduceRequest__Output): Promise<wire.ProduceResponse> => {
    const acks = req.acks;
    const timeoutMs = Math.min(
      req.timeoutMs > 0 ? req.timeoutMs : LIMITS.produceTimeoutDefaultMs,
      LIMITS.produceTimeoutMaxMs,
    );
    const topics = await Promise.all(
      req.topics.map(async (t) => ({
        topic: t.topic,
        partitions: await Promise.all(
          t.partitions.map(async (p) => {
            try {
              if (acks !== 0 && acks !== 1 && acks !== ACKS_ALL)
                throw new TidelogError("INVALID_REQUIRED_ACKS", `acks=${acks}`);
              const partition = deps.replicas.leaderFor({ topic: t.topic, partition: p.partition });
              // Taken before the join below awaits the coordinator: the append is refused if
              // leadership moved meanwhile (Partition.appendAndWait).
              const leaderEpoch = partition.leaderEpoch;
              if (isTransactional(p.records)) await deps.transactions.verify(partition, req.transactionalId, p.records);
              const base = await partition.appendRecordsAsLeader(p.records, acks, timeoutMs, leaderEpoch);
              return {
                partition: p.partition,
                error: NO_ERROR,
                baseOffset: base.baseOffset,
                logStartOffset: base.logStartOffset,
              };
            } catch (e) {
              return {
                partition: p.partition,
                error: errorInfo(asError(e, logger)),
                baseOffset: -1,
                logStartOffset: -1,
              };
            }
          }),
        ),
      })),
    );
    return { correlationId: req.correlationId, topics };
  };

  return {
    Metadata: answersRefusal(
      (
        call: grpc.ServerUnaryCall<wire.MetadataRequest__Output, wire.MetadataResponse>,
        callback: grpc.sendUnaryData<wire.MetadataResponse>,
      ) => {
        try {
          callback(null, metadata(deps, call.request));
        } catch (e) {
          callback(null, metadataError(deps, asError(e, logger)));
        }
      },
      (_req: wire.MetadataRequest__Output, e: TidelogError) => metadataError(deps, e),
    ),

    SaslAuthenticate: refusableUnary(
      (call, callback) => {
        deps.sasl.authenticate(call.request, call.getPeer()).then(
          (res) => callback(null, res),
          (e: unknown) => callback(null, saslRefusal(call.request, asError(e, logger))),
        );
      },
      (req: wire.SaslAuthenticateRequest__Output, e: TidelogError) => saslRefusal(req, e),
    ),

    Produce: refusableUnary((call, callback) => {
      produce(call.request).then(
        (res) => callback(null, res),
        (e: unknown) => {
          logger.error({ err: e }, "produce failed unexpectedly");
          callback(null, { correlationId: call.request.correlationId, topics: [] });
        },
      );
    }, produceRefusal),

    ProduceStream: refusableStream(
      (call) =>
        serveOrderedStream(call, {
          handle: produce,
          inFlightMax: LIMITS.produceStreamInFlightMax,
          throttle: deps.produceStreamThrottle?.(call) ?? null,
          withThrottle: (res, throttleTimeMs) => ({ ...res, throttleTimeMs }),
          logger,
          what: "produce stream",
        }),
      produceRefusal,
    ),

    Fetch: refusableUnary((call, callback) => {
      fetch(deps, call.request).then(
        (res) => callback(null, res),
        (e: unknown) => {
          logger.error({ err: e }, "fetch failed unexpectedly");
          callback(null, { topics: [] });
        },
      );
    }, fetchRefusal),

    AbortPartitionTransaction: refusableUnary(
      (call, callback) => {
        const req = call.request;
        deps.replicas
          .abortOpenTransaction(
            { topic: req.topic, partition: req.partition },
            req.producerId,
            req.producerEpoch,
            30_000,
          )
          .then(
            (markerOffset) => callback(null, { error: NO_ERROR, markerOffset }),
            (e: unknown) => callback(null, { error: errorInfo(asError(e, logger)), markerOffset: -1 }),
          );
      },
      (_req: wire.AbortPartitionTransactionRequest__Output, e): wire.AbortPartitionTransactionResponse => ({
        error: errorInfo(e),
        markerOffset: -1,
      }),
    ),

    DeleteRecords: answersRefusal(
      (
        call: grpc.ServerUnaryCall<wire.DeleteRecordsRequest__Output, wire.DeleteRecordsResponse>,
        callback: grpc.sendUnaryData<wire.DeleteRecordsResponse>,
      ) => {
        const req = call.request;
        deps.replicas
          .deleteRecords(
            { topic: req.topic, partition: req.partition },
            Number(req.offset),
            LIMITS.deleteRecordsTimeoutMs,
          )
          .then(
            (logStartOffset) => callback(null, { error: NO_ERROR, logStartOffset }),
            (e: unknown) => callback(null, { error: errorInfo(asError(e, logger)), logStartOffset: -1 }),
          );
      },
      (_req: wire.DeleteRecordsRequest__Output, e: TidelogError): wire.DeleteRecordsResponse => ({
        error: errorInfo(e),
        logStartOffset: -1,
      }),
    ),

    DescribeProducers: answersRefusal(
      (
        call: grpc.ServerUnaryCall<wire.DescribeProducersRequest__Output, wire.DescribeProducersResponse>,
        callback: grpc.sendUnaryData<wire.DescribeProducersResponse>,
      ) => {
        callback(null, describeProducers(deps, call.request));
      },
      (req: wire.DescribeProducersRequest__Output, e: TidelogError): wire.DescribeProducersResponse => ({
        partitions: req.topics.flatMap((t) =>
          t.partitions.map((partition) => ({
            topic: t.topic,
            partition,
            error: errorInfo(e),
            highWatermark: -1,
            lastStableOffset: -1,
          })),
        ),
      }),
    ),

    ListOffsets: answersRefusal(
      (
        call: grpc.ServerUnaryCall<wire.ListOffsetsRequest__Output, wire.ListOffsetsResponse>,
        callback: grpc.sendUnaryData<wire.ListOffsetsResponse>,
      ) => {
        callback(null, listOffsets(deps, call.request));
      },
      (req: wire.ListOffsetsRequest__Output, e: TidelogError): wire.ListOffsetsResponse => ({
        topics: req.topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((p) => ({
            partition: p.partition,
            error: errorInfo(e),
            timestamp: -1,
            offset: -1,
            leaderEpoch: -1,
          })),
        })),
      }),
    ),

    InitProducerId: refusableUnary(
      (call, callback) => {
        if (call.request.transactionalId !== "") {
          deps.transactions.initProducerId(call.request.transactionalId, call.request.transactionTimeoutMs).then(
            (ids) => callback(null, { error: NO_ERROR, ...ids }),
            (e: unknown) => callback(null, { error: errorInfo(asError(e, logger)), producerId: -1, producerEpoch: -1 }),
          );
          return;
        }
        deps.producerIds.nextProducerId().then(
          (producerId) => callback(null, { error: NO_ERROR, producerId, producerEpoch: 0 }),
          (e: unknown) => callback(null, { error: errorInfo(asError(e, logger)), producerId: -1, producerEpoch: -1 }),
        );
      },
      (_req: wire.InitProducerIdRequest__Output, e): wire.InitProducerIdResponse => ({
        error: errorInfo(e),
        producerId: -1,
        producerEpoch: -1,
      }),
    ),
  };
}

/** A produce request refused by the request limits: every partition it names gets the error. */
/** A metadata answer that is only an error (the SDK reads the first topic's error). */
function metadataError(deps: BrokerServiceDeps, e: TidelogError): wire.MetadataResponse {
  return { clusterId: deps.clusterId, controllerId: -1, brokers: [], topics: [{ name: "", error: errorInfo(e) }] };
}

function produceRefusal(req: wire.ProduceRequest__Output, e: TidelogError): wire.ProduceResponse {
  const error = errorInfo(e);
  return {
    correlationId: req.correlationId,
    topics: req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => ({ partition: p.partition, error, baseOffset: -1, logStartOffset: -1 })),
    })),
  };
}

/** A fetch refused by the request limits: every partition it names gets the error and no records. */
function fetchRefusal(req: wire.FetchRequest__Output, e: TidelogError): wire.FetchResponse {
  const error = errorInfo(e);
  const records = Buffer.alloc(0);
  return {
    topics: req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        error,
        highWatermark: -1,
        lastStableOffset: -1,
        logStartOffset: -1,
        records,
      })),
    })),
  };
}

function metadata(deps: BrokerServiceDeps, req: wire.MetadataRequest__Output): wire.MetadataResponse {
  const image = deps.image();
  const names = req.topics.length > 0 ? req.topics : [...image.topics.keys()];
  return {
    clusterId: deps.clusterId,
    controllerId: image.controller()?.brokerId ?? -1,
    brokers: [...image.brokers.values()].map((b) => ({
      id: b.value.id,
      host: b.value.host,
      port: b.value.port,
      httpPort: b.value.httpPort,
      rack: b.value.rack ?? "",
    })),
    topics: names.map((name) => {
      const topic = image.topics.get(name)?.value;
      if (!topic)
        return {
          name,
          error: errorInfo("UNKNOWN_TOPIC_OR_PARTITION", `topic '${name}' does not exist`),
          partitions: [],
        };
      return {
        name,
        topicId: topic.topicId,
        error: NO_ERROR,
        partitions: image.partitionsOf(name).map(({ partition, replicas, state }) => ({
          partition,
          error:
            !state || state.value.leader < 0
              ? errorInfo("LEADER_NOT_AVAILABLE", `${name}-${partition} has no leader`)
              : NO_ERROR,
          leader: state?.value.leader ?? -1,
          leaderEpoch: state?.value.leaderEpoch ?? -1,
          replicas,
          isr: state?.value.isr ?? [],
        })),
      };
    }),
  };
}

function isolationOf(level: number): IsolationLevel {
  return level === 1 ? "read_committed" : "read_uncommitted";
}

/** Fetch: the replication layer reads (consumer-fetch.ts); answers are grouped back by topic. */
async function fetch(deps: BrokerServiceDeps, req: wire.FetchRequest__Output): Promise<wire.FetchResponse> {
  const partitions = req.topics.flatMap((t) => t.partitions.map((p) => ({ ...p, topic: t.topic })));
  const results = await fetchForConsumer(
    deps.replicas,
    {
      maxWaitMs: req.maxWaitMs,
      minBytes: req.minBytes,
      maxBytes: req.maxBytes,
      isolation: isolationOf(req.isolationLevel),
      partitions,
    },
    deps.logger,
  );
  const byTopic = new Map<string, wire.PartitionFetchResponse[]>();
  for (const r of results) {
    const list = byTopic.get(r.topic);
    if (list) list.push(r);
    else byTopic.set(r.topic, [r]);
  }
  return { topics: [...byTopic].map(([topic, list]) => ({ topic, partitions: list })) };
}

function listOffsets(deps: BrokerServiceDeps, req: wire.ListOffsetsRequest__Output): wire.ListOffsetsResponse {
  const isolation = isolationOf(req.isolationLevel);
  return {
    topics: req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        try {
          const found = listOffset(deps.replicas, { topic: t.topic, partition: p.partition }, p.timestamp, isolation);
          return { partition: p.partition, error: NO_ERROR, timestamp: p.timestamp, ...found };
        } catch (e) {
          return {
            partition: p.partition,
            error: errorInfo(asError(e, deps.logger)),
            timestamp: -1,
            offset: -1,
            leaderEpoch: -1,
          };
        }
      }),
    })),
  };
}

/**
 * Whether the first batch of produced bytes is transactional data (attributes bit 4). A
 * control batch (a marker) is not: the log refuses it from clients with INVALID_RECORD.
 */
function isTransactional(records: Buffer): boolean {
  if (records.length <= ATTRIBUTES_OFFSET + 1) return false;
  const attributes = records.readInt16BE(ATTRIBUTES_OFFSET);
  return (attributes & TRANSACTIONAL_FLAG) !== 0 && (attributes & CONTROL_FLAG) === 0;
}

/** Partitions one DescribeProducers may name. */
const DESCRIBE_PRODUCERS_PARTITIONS_MAX = 10_000;

/** The open transactions, high watermark and last stable offset of each named partition led here. */
function describeProducers(
  deps: BrokerServiceDeps,
  req: wire.DescribeProducersRequest__Output,
): wire.DescribeProducersResponse {
  const named = req.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
  if (named.length > DESCRIBE_PRODUCERS_PARTITIONS_MAX) {
    const error = errorInfo("INVALID_REQUEST", `at most ${DESCRIBE_PRODUCERS_PARTITIONS_MAX} partitions per request`);
    return { partitions: named.slice(0, 1).map((tp) => ({ ...tp, error })) };
  }
  return {
    partitions: named.map((tp) => {
      try {
        const log = deps.replicas.leaderFor(tp).log;
        return {
          ...tp,
          error: NO_ERROR,
          highWatermark: log.highWatermark,
          lastStableOffset: log.lastStableOffset,
          openTransactions: log.ongoingTransactions(),
        };
      } catch (e) {
        return { ...tp, error: errorInfo(asError(e, deps.logger)), highWatermark: -1, lastStableOffset: -1 };
      }
    }),
  };
}
