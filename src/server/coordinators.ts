/**
 * The coordinators a broker runs for the partitions of the internal topics it leads:
 * consumer groups (__consumer_offsets) and transactions (__transaction_state), the client
 * that carries transaction markers and partition joins to other brokers, and the
 * verifier that has a partition join its transaction at the coordinator before its first
 * transactional batch is appended (KIP-890 part 2). Each follows the replica manager's reconciliations.
 */
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { ProducerIdManager } from "../cluster/producer-id-manager.js";
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { asServerError } from "../common/server-error.js";
import { GroupCoordinator } from "../group/group-coordinator.js";
import { OFFSETS_TOPIC } from "../group/group-partition.js";
import type { BrokerMetrics } from "../metrics/broker-metrics.js";
import type { ReplicaManager } from "../replication/replica-manager.js";
import { writeMarkersHere } from "../txn/marker-writes.js";
import { TransactionCoordinator } from "../txn/transaction-coordinator.js";
import { TransactionVerifier } from "../txn/transaction-verifier.js";
import type { BrokerConfig } from "./config.js";
import type { PeerBrokerClient } from "./peer-broker-client.js";

export interface CoordinatorDeps {
  readonly config: BrokerConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly replicas: ReplicaManager;
  readonly image: () => MetadataImage;
  readonly producerIds: ProducerIdManager;
  readonly brokerEpoch: () => number;
  readonly metrics: BrokerMetrics;
  readonly peers: PeerBrokerClient;
}

export interface Coordinators {
  readonly groups: GroupCoordinator;
  readonly transactions: TransactionCoordinator;
  readonly verifier: TransactionVerifier;
}

export function createCoordinators(deps: CoordinatorDeps): Coordinators {
  const { config, clock, logger, replicas, image, metrics } = deps;
  const groups = new GroupCoordinator({
    brokerId: config.brokerId,
    clock,
    logger: logger.child({ component: "group-coordinator" }),
    replicas,
    image,
    config: config.groups,
  });
  replicas.onReconciled(() => groups.onReconciled());
  const transactions = new TransactionCoordinator({
    brokerId: config.brokerId,
    clock,
    logger: logger.child({ component: "transaction-coordinator" }),
    replicas,
    image,
    newProducerId: () => deps.producerIds.nextProducerId(),
    writeMarkers: (leaderId, request) =>
      leaderId === config.brokerId
        ? writeMarkersHere(replicas, request, (e) => asServerError(e, logger))
        : deps.peers.writeMarkers(leaderId, request),
    config: config.transactions,
    onEnded: (outcome, durationMs) => metrics.transactionEnded(outcome, durationMs),
  });
  metrics.watchTransactions(() => transactions.transactions());
  replicas.onReconciled(() => transactions.onReconciled());
  // A marker on a __consumer_offsets partition ends a transaction's pending offsets there.
  replicas.onTxnMarker((tp, marker) => {
    if (tp.topic === OFFSETS_TOPIC) groups.onTxnMarker(tp.partition, marker.producerId, marker.commit);
  });
  const verifier = new TransactionVerifier({
    brokerId: config.brokerId,
    image,
    joinAt: (coordinatorId, request) =>
      coordinatorId === config.brokerId
        ? transactions.addPartitionsToTxn(request.transactionalId, request.producerId, request.producerEpoch, [
            request.partition,
          ])
        : deps.peers.joinPartition(coordinatorId, request),
  });
  return { groups, transactions, verifier };
}
