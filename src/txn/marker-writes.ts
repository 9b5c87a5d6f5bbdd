/**
 * Transaction markers written to partitions this broker leads: what a WriteTxnMarkers
 * request asks of a leader, and what a coordinator does without any request when it
 * leads the partition itself (a third of them on three brokers; a unary gRPC call costs
 * more CPU than the marker's append).
 */
import type { TidelogError } from "@tidelog/client/record";
import type { ReplicaManager } from "../replication/replica-manager.js";
import type { TxnMarkerRequest } from "./transaction-coordinator.js";

/** How long one marker may wait for the in-sync replicas; the coordinator retries after. */
export const MARKER_WRITE_TIMEOUT_MS = 30_000;

/** Writes `request`'s marker to each of its partitions (acks=all); per partition, null for written or the error. */
export function writeMarkersHere(
  replicas: ReplicaManager,
  request: TxnMarkerRequest,
  asError: (e: unknown) => TidelogError,
): Promise<(TidelogError | null)[]> {
  const marker = {
    producerId: request.producerId,
    producerEpoch: request.producerEpoch,
    commit: request.commit,
    coordinatorEpoch: request.coordinatorEpoch,
  };
  return Promise.all(
    request.partitions.map((tp) =>
      replicas.writeTxnMarker(tp, marker, MARKER_WRITE_TIMEOUT_MS).then(
        () => null,
        (e: unknown) => asError(e),
      ),
    ),
  );
}
