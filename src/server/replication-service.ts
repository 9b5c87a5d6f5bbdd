/**
 * The leader's side of replication over gRPC: the Replication.ReplicaFetch stream a
 * follower broker opens to this one, carrying every partition it follows here; and the
 * other broker-to-broker calls (transaction markers, log ends for leader recovery, and
 * the PeerStream that carries a transaction's joins and markers between two brokers).
 *
 * This service checks who is asking (a live broker registration, see refuseFollower) and
 * keeps the stream's fetch session (fetch-session.ts: what the follower last said of each
 * partition and what it was last told, so an answer leaves out what it already knows,
 * KIP-227); what is read and recorded for each partition is the replication layer's
 * (replication/follower-fetch.ts).
 */
import type * as grpc from "@grpc/grpc-js";
import { errorInfo, type wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { Logger } from "../common/logger.js";
import { asServerError } from "../common/server-error.js";
import { LeaderFetchSession } from "../replication/fetch-session.js";
import { fetchForFollower } from "../replication/follower-fetch.js";
import type { ReplicaManager } from "../replication/replica-manager.js";
import { writeMarkersHere } from "../txn/marker-writes.js";
import { answersRefusal } from "./request-limits.js";

export interface ReplicationServiceDeps {
  readonly replicas: ReplicaManager;
  /**
   * The epoch (create revision of `brokers/<id>`) of broker `id`'s live registration, as
   * this broker's metadata shows it; null when it is not registered.
   */
  readonly brokerEpochOf: (id: number) => number | null;
  /** JoinTxnPartition at this broker's transaction coordinator (transaction-service.ts). */
  readonly joinTxnPartition: (req: wire.JoinTxnPartitionRequest__Output) => Promise<wire.JoinTxnPartitionResponse>;
  readonly logger: Logger;
}

export function replicationHandlers(deps: ReplicationServiceDeps): wire.ReplicationHandlers {
  return {
    ReplicaFetch: answersRefusal(
      (call: grpc.ServerDuplexStream<wire.ReplicaFetchRequest__Output, wire.ReplicaFetchResponse>) =>
        serveFollower(call, deps),
      (_req: wire.ReplicaFetchRequest__Output, e: TidelogError): wire.ReplicaFetchResponse => ({
        partitions: [],
        keepsSessions: true,
        error: errorInfo(e),
      }),
    ),
    DescribeReplicaLogs: answersRefusal(
      (
        call: grpc.ServerUnaryCall<wire.DescribeReplicaLogsRequest__Output, wire.DescribeReplicaLogsResponse>,
        callback: grpc.sendUnaryData<wire.DescribeReplicaLogsResponse>,
      ) => callback(null, describeReplicaLogs(call.request, deps)),
      (_req: wire.DescribeReplicaLogsRequest__Output, e: TidelogError): wire.DescribeReplicaLogsResponse => ({
        error: errorInfo(e),
        logs: [],
      }),
    ),
    PeerStream: answersRefusal(
      (call: grpc.ServerDuplexStream<wire.PeerRequest__Output, wire.PeerResponse>) => servePeer(call, deps),
      (req: wire.PeerRequest__Output, e: TidelogError): wire.PeerResponse => ({
        correlationId: req.correlationId,
        error: errorInfo(e),
      }),
    ),
    WriteTxnMarkers: answersRefusal(
      (
        call: grpc.ServerUnaryCall<wire.WriteTxnMarkersRequest__Output, wire.WriteTxnMarkersResponse>,
        callback: grpc.sendUnaryData<wire.WriteTxnMarkersResponse>,
      ) => {
        writeMarkers(call.request, deps).then(
          (res) => callback(null, res),
          (e: unknown) => {
            const err = asServerError(e, deps.logger, "writing transaction markers failed unexpectedly");
            callback(null, { error: errorInfo(err), markers: [] });
          },
        );
      },
      (_req: wire.WriteTxnMarkersRequest__Output, e: TidelogError): wire.WriteTxnMarkersResponse => ({
        error: errorInfo(e),
        markers: [],
      }),
    ),
  };
}

/**
 * Requests one PeerStream may have in flight. A coordinator sends a leader at most one
 * marker request per transaction it is completing, a leader a coordinator one join per
 * transaction starting on its partitions; past this the stream is misbehaving, and each
 * further request is answered at once with a retriable error.
 */
export const PEER_REQUESTS_IN_FLIGHT_MAX = 4096;

/**
 * A PeerStream: each request is handled as its unary twin would be (the markers' broker
 * epoch check included) and answered under its correlation id when done, in any order.
 */
function servePeer(
  call: grpc.ServerDuplexStream<wire.PeerRequest__Output, wire.PeerResponse>,
  deps: ReplicationServiceDeps,
): void {
  let inFlight = 0;
  let ended = false;
  const answer = (res: wire.PeerResponse) => {
    inFlight--;
    if (!call.cancelled && !call.destroyed) call.write(res);
    if (ended && inFlight === 0) call.end();
  };
  call.on("data", (req: wire.PeerRequest__Output) => {
    inFlight++;
    const correlationId = req.correlationId;
    if (inFlight > PEER_REQUESTS_IN_FLIGHT_MAX) {
      const error = new TidelogError(
        "THROTTLING_QUOTA_EXCEEDED",
        `more than ${PEER_REQUESTS_IN_FLIGHT_MAX} requests in flight on one peer stream`,
      );
      answer({ correlationId, error: errorInfo(error) });
      return;
    }
    handlePeerRequest(req, deps).then(
      (res) => answer({ correlationId, error: errorInfo(null), ...res }),
      (e: unknown) => {
        const err = asServerError(e, deps.logger, "a peer request failed unexpectedly");
        answer({ correlationId, error: errorInfo(err) });
      },
    );
  });
  call.on("end", () => {
    ended = true;
    if (inFlight === 0) call.end();
  });
  call.on("error", () => {});
}

async function handlePeerRequest(
  req: wire.PeerRequest__Output,
  deps: ReplicationServiceDeps,
): Promise<Pick<wire.PeerResponse, "joinTxnPartition" | "writeTxnMarkers">> {
  if (req.body === "joinTxnPartition" && req.joinTxnPartition) {
    try {
      return { joinTxnPartition: await deps.joinTxnPartition(req.joinTxnPartition) };
    } catch (e) {
      // As the unary JoinTxnPartition answers: the coordinator's refusal in the body.
      return { joinTxnPartition: { error: errorInfo(asServerError(e, deps.logger)) } };
    }
  }
  if (req.body === "writeTxnMarkers" && req.writeTxnMarkers) {
    return { writeTxnMarkers: await writeMarkers(req.writeTxnMarkers, deps) };
  }
  throw new TidelogError("INVALID_REQUEST", "a peer request without a body this broker knows");
}

/** Markers and partitions one request may carry. */
const MARKER_PARTITIONS_MAX = 10_000;

/**
 * WriteTxnMarkers: only a live broker's registration may write markers (the coordinator
 * names its broker id and epoch, as a follower does). Each partition is answered on its
 * own; the coordinator retries the ones that failed.
 */
async function writeMarkers(
  req: wire.WriteTxnMarkersRequest__Output,
  deps: ReplicationServiceDeps,
): Promise<wire.WriteTxnMarkersResponse> {
  const refusal = refuseBroker(req.brokerId, Number(req.brokerEpoch), "markers not written", deps);
  if (refusal) return { error: errorInfo(refusal), markers: [] };
  const count = req.markers.reduce((n, m) => n + m.topics.reduce((k, t) => k + t.partitions.length, 0), 0);
  if (count > MARKER_PARTITIONS_MAX) {
    return {
      error: errorInfo(
        new TidelogError("INVALID_REQUEST", `at most ${MARKER_PARTITIONS_MAX} marker partitions per request`),
      ),
      markers: [],
    };
  }
  const markers = await Promise.all(
    req.markers.map(async (m) => {
      const partitions = m.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
      const errors = await writeMarkersHere(deps.replicas, { ...m, partitions }, (e) => asServerError(e, deps.logger));
      return {
        producerId: m.producerId,
        partitions: partitions.map((tp, i) => ({ ...tp, error: errorInfo(errors[i] ?? null) })),
      };
    }),
  );
  return { error: errorInfo(null), markers };
}

/** Partitions one DescribeReplicaLogs request may name. */
const LOG_END_PARTITIONS_MAX = 100_000;

/** DescribeReplicaLogs: the controller's leader recovery asks for the ends of local logs. */
function describeReplicaLogs(
  req: wire.DescribeReplicaLogsRequest__Output,
  deps: ReplicationServiceDeps,
): wire.DescribeReplicaLogsResponse {
  const refusal = refuseBroker(req.brokerId, Number(req.brokerEpoch), "log ends not described", deps);
  if (refusal) return { error: errorInfo(refusal), logs: [] };
  const tps = req.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
  if (tps.length > LOG_END_PARTITIONS_MAX)
    return {
      error: errorInfo(new TidelogError("INVALID_REQUEST", `at most ${LOG_END_PARTITIONS_MAX} partitions per request`)),
      logs: [],
    };
  return {
    error: errorInfo(null),
    logs: deps.replicas.logEnds(tps).map((e) => ({ ...e.tp, lastEpoch: e.lastEpoch, logEndOffset: e.logEndOffset })),
  };
}

/** Why broker `id` at `epoch` may not make a broker-to-broker call: not a live registration. */
function refuseBroker(id: number, epoch: number, what: string, deps: ReplicationServiceDeps): TidelogError | null {
  const live = deps.brokerEpochOf(id);
  if (live !== null && live === epoch) return null;
  const error = new TidelogError(
    "STALE_BROKER_EPOCH",
    `broker ${id} with epoch ${epoch} is not a live registration; ${what}`,
  );
  deps.logger.warn({ brokerId: id, err: error.detail }, `refused: ${what}`);
  return error;
}

function serveFollower(
  call: grpc.ServerDuplexStream<wire.ReplicaFetchRequest__Output, wire.ReplicaFetchResponse>,
  deps: ReplicationServiceDeps,
): void {
  let chain: Promise<void> = Promise.resolve();
  const session = new LeaderFetchSession();
  // A stream speaks for one replica: its session and follower positions are that replica's.
  let replicaId: number | null = null;
  call.on("data", (req: wire.ReplicaFetchRequest__Output) => {
    replicaId ??= req.replicaId;
    const refusal = refuseFollower(req, replicaId, deps);
    chain = chain
      .then(() => refusal ?? answer(req, session, deps))
      .then((res) => {
        if (!call.cancelled) call.write(res);
      })
      .catch((e: unknown) => deps.logger.error({ err: e }, "replica fetch failed unexpectedly"));
  });
  call.on("end", () => {
    chain.finally(() => call.end()).catch(() => {});
  });
  call.on("error", () => {});
}

/**
 * Why this request may not fetch as a replica, or null. Only a broker's live incarnation
 * may move the ISR or the high watermark (KIP-380's broker epochs): an id that is not
 * registered, or an epoch other than its registration's (a stale incarnation, or a
 * process that is not a broker at all), is refused before anything is read or recorded.
 * A genuine follower whose registration this broker has not seen yet is refused too,
 * and retries after a backoff.
 */
function refuseFollower(
  req: wire.ReplicaFetchRequest__Output,
  streamReplicaId: number,
  deps: ReplicationServiceDeps,
): wire.ReplicaFetchResponse | null {
  let error: TidelogError | null = null;
  const live = deps.brokerEpochOf(req.replicaId);
  if (req.replicaId !== streamReplicaId) {
    error = new TidelogError(
      "INVALID_REQUEST",
      `replica ${req.replicaId} on a stream opened by replica ${streamReplicaId}`,
    );
  } else if (live === null || live !== Number(req.brokerEpoch)) {
    error = new TidelogError(
      "STALE_BROKER_EPOCH",
      `replica ${req.replicaId} with broker epoch ${req.brokerEpoch}: ` +
        (live === null ? "no live registration" : `the live registration has epoch ${live}`),
    );
  }
  if (!error) return null;
  deps.logger.warn(
    { replicaId: req.replicaId, brokerEpoch: Number(req.brokerEpoch), err: error.detail },
    "refused a replica fetch",
  );
  return { partitions: [], keepsSessions: true, error: errorInfo(error) };
}

async function answer(
  req: wire.ReplicaFetchRequest__Output,
  session: LeaderFetchSession,
  deps: ReplicationServiceDeps,
): Promise<wire.ReplicaFetchResponse> {
  session.update(req);
  const partitions = await fetchForFollower(
    deps.replicas,
    req.replicaId,
    Number(req.brokerEpoch),
    session,
    req.maxWaitMs,
    req.maxBytes,
  );
  return { partitions, keepsSessions: true };
}
