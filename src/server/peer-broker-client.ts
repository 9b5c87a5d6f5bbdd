/**
 * This broker's calls to other brokers: a transaction coordinator's WriteTxnMarkers to
 * partition leaders and a partition leader's JoinTxnPartition to a coordinator, as
 * messages on one PeerStream per broker (peer-stream.ts; the unary calls for a broker
 * without it), and the controller's DescribeReplicaLogs for leader recovery. One gRPC
 * channel per broker address, opened on first use and replaced when the address a
 * broker id registers under changes; every request has a deadline.
 */
import * as grpc from "@grpc/grpc-js";
import { CHANNEL_OPTIONS, errorFromInfo, loadTidelogProto, type wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { ReplicaLogInfo } from "../cluster/controller.js";
import { wallClockDeadline } from "../common/clock.js";
import { type TopicPartition, tpKey } from "../common/topic-partition.js";
import type { TxnMarkerRequest } from "../txn/transaction-coordinator.js";
import { PeerStream, type PeerStreamCall, PeerStreamUnsupported } from "./peer-stream.js";

type Unary<Req, Res> = (
  req: Req,
  options: grpc.CallOptions,
  cb: (e: grpc.ServiceError | null, res?: Res) => void,
) => void;

interface ReplicationStub extends grpc.Client {
  WriteTxnMarkers: Unary<wire.WriteTxnMarkersRequest, wire.WriteTxnMarkersResponse__Output>;
  DescribeReplicaLogs: Unary<wire.DescribeReplicaLogsRequest, wire.DescribeReplicaLogsResponse__Output>;
  PeerStream: () => PeerStreamCall;
}

interface Stubs {
  readonly replication: ReplicationStub;
  readonly transaction: TransactionStub;
  readonly peer: PeerStream;
}

interface TransactionStub extends grpc.Client {
  JoinTxnPartition: Unary<wire.JoinTxnPartitionRequest, wire.JoinTxnPartitionResponse__Output>;
}

export interface PeerBrokerClientOptions {
  /** Credentials for connections to other brokers (TLS when the cluster uses it). */
  readonly credentials: () => grpc.ChannelCredentials;
  /** "host:port" of a live broker, or null. */
  readonly addressOf: (brokerId: number) => string | null;
  readonly brokerId: number;
  readonly brokerEpoch: () => number;
}

/** How long a coordinator waits for one broker to write its transaction markers. */
const MARKER_TIMEOUT_MS = 35_000;
/** How long a leader waits for a coordinator to add its partition to a transaction (a replicated write). */
const JOIN_TIMEOUT_MS = 5000;
/** How long the controller waits for a broker to describe its logs' ends; leader recovery retries after. */
const DESCRIBE_LOGS_TIMEOUT_MS = 3000;

export class PeerBrokerClient {
  private readonly proto = loadTidelogProto(grpc);
  private readonly channels = new Map<string, Stubs>();
  private closed = false;

  constructor(private readonly options: PeerBrokerClientOptions) {}

  /** WriteTxnMarkers at `leaderId`; per partition, null for written or the error. */
  async writeMarkers(leaderId: number, request: TxnMarkerRequest): Promise<(TidelogError | null)[]> {
    const stubs = this.stubsFor(leaderId);
    const req: wire.WriteTxnMarkersRequest = {
      brokerId: this.options.brokerId,
      brokerEpoch: this.options.brokerEpoch(),
      markers: [
        {
          producerId: request.producerId,
          producerEpoch: request.producerEpoch,
          commit: request.commit,
          coordinatorEpoch: request.coordinatorEpoch,
          topics: byTopic(request.partitions),
        },
      ],
    };
    const res = await viaPeerStream(
      stubs.peer,
      { writeTxnMarkers: req },
      MARKER_TIMEOUT_MS,
      (answer) => answer.writeTxnMarkers,
      () => call(stubs.replication, stubs.replication.WriteTxnMarkers, MARKER_TIMEOUT_MS, req),
    );
    const whole = errorFromInfo(res.error);
    if (whole) throw whole;
    const results = new Map<string, TidelogError | null>();
    for (const m of res.markers) for (const p of m.partitions) results.set(tpKey(p), errorFromInfo(p.error));
    return request.partitions.map((tp) =>
      results.has(tpKey(tp))
        ? (results.get(tpKey(tp)) ?? null)
        : new TidelogError("UNKNOWN_SERVER_ERROR", `no answer for ${tp.topic}-${tp.partition}`),
    );
  }

  /** JoinTxnPartition at `coordinatorId`: resolves once the partition is in the transaction; throws the coordinator's refusal. */
  async joinPartition(
    coordinatorId: number,
    request: { transactionalId: string; producerId: number; producerEpoch: number; partition: TopicPartition },
  ): Promise<void> {
    const stubs = this.stubsFor(coordinatorId);
    const req: wire.JoinTxnPartitionRequest = {
      transactionalId: request.transactionalId,
      producerId: request.producerId,
      producerEpoch: request.producerEpoch,
      topic: request.partition.topic,
      partition: request.partition.partition,
    };
    const res = await viaPeerStream(
      stubs.peer,
      { joinTxnPartition: req },
      JOIN_TIMEOUT_MS,
      (answer) => answer.joinTxnPartition,
      () => call(stubs.transaction, stubs.transaction.JoinTxnPartition, JOIN_TIMEOUT_MS, req),
    );
    const error = errorFromInfo(res.error);
    if (error) throw error;
  }

  /** DescribeReplicaLogs at `brokerId`: the ends of its local logs of `partitions`. */
  async describeReplicaLogs(brokerId: number, partitions: readonly TopicPartition[]): Promise<ReplicaLogInfo[]> {
    const stubs = this.stubsFor(brokerId);
    const res = await call(stubs.replication, stubs.replication.DescribeReplicaLogs, DESCRIBE_LOGS_TIMEOUT_MS, {
      brokerId: this.options.brokerId,
      brokerEpoch: this.options.brokerEpoch(),
      topics: byTopic(partitions),
    });
    const error = errorFromInfo(res.error);
    if (error) throw error;
    return res.logs.map((l) => ({
      topic: l.topic,
      partition: l.partition,
      lastEpoch: l.lastEpoch,
      logEndOffset: Number(l.logEndOffset),
    }));
  }

  close(): void {
    this.closed = true;
    for (const c of this.channels.values()) {
      c.peer.close();
      c.replication.close();
      c.transaction.close();
    }
    this.channels.clear();
  }

  private stubsFor(brokerId: number): Stubs {
    if (this.closed) throw new TidelogError("BROKER_NOT_AVAILABLE", "the broker is shutting down");
    const address = this.options.addressOf(brokerId);
    if (!address) throw new TidelogError("BROKER_NOT_AVAILABLE", `broker ${brokerId} is not registered`);
    let stubs = this.channels.get(address);
    if (!stubs) {
      const make = <T>(service: unknown) =>
        new (service as new (a: string, c: grpc.ChannelCredentials, o: grpc.ChannelOptions) => T)(
          address,
          this.options.credentials(),
          CHANNEL_OPTIONS,
        );
      const replication = make<ReplicationStub>(this.proto.tidelog.v1.Replication);
      stubs = {
        replication,
        transaction: make<TransactionStub>(this.proto.tidelog.v1.Transaction),
        peer: new PeerStream(() => replication.PeerStream(), `broker ${brokerId} at ${address}`),
      };
      this.channels.set(address, stubs);
    }
    return stubs;
  }
}

/** Partitions grouped as the wire names them: each topic once, with its partition numbers. */
function byTopic(partitions: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const grouped = new Map<string, number[]>();
  for (const tp of partitions) {
    const list = grouped.get(tp.topic);
    if (list) list.push(tp.partition);
    else grouped.set(tp.topic, [tp.partition]);
  }
  return [...grouped].map(([topic, ps]) => ({ topic, partitions: ps }));
}

/**
 * `body` on the PeerStream, its answer picked by `pick`; with `unary` instead when the
 * destination has no PeerStream. A refusal of the whole request becomes its error.
 */
async function viaPeerStream<Res>(
  peer: PeerStream,
  body: Pick<wire.PeerRequest, "joinTxnPartition" | "writeTxnMarkers">,
  timeoutMs: number,
  pick: (answer: wire.PeerResponse__Output) => Res | null | undefined,
  unary: () => Promise<Res>,
): Promise<Res> {
  let answer: wire.PeerResponse__Output;
  try {
    answer = await peer.request(body, timeoutMs);
  } catch (e) {
    if (e instanceof PeerStreamUnsupported) return unary();
    throw e;
  }
  const refused = errorFromInfo(answer.error);
  if (refused) throw refused;
  const res = pick(answer);
  if (!res) throw new TidelogError("UNKNOWN_SERVER_ERROR", "a peer answer without the body asked for");
  return res;
}

function call<Req, Res>(stub: grpc.Client, fn: Unary<Req, Res>, timeoutMs: number, req: Req): Promise<Res> {
  return new Promise((resolve, reject) =>
    fn.call(stub, req, { deadline: wallClockDeadline(timeoutMs) }, (e, res) => {
      if (e || !res) reject(new TidelogError("NETWORK_EXCEPTION", e?.message ?? "no answer", { cause: e }));
      else resolve(res);
    }),
  );
}
