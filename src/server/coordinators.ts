/**
 * The coordinators a broker runs for the partitions of the internal topics it leads:
 * consumer groups (__consumer_offsets) and transactions (__transaction_state), the client
 * that carries transaction markers and partition verification to other brokers, and the
 * verifier that checks a partition joined its transaction before its first transactional
 * batch is appended (KIP-890). Each follows the replica manager's reconciliations.
 */
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { ProducerIdManager } from "../cluster/producer-id-manager.js";
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { GroupCoordinator } from "../group/group-coordinator.js";
import { OFFSETS_TOPIC } from "../group/group-partition.js";
import type { BrokerMetrics } from "../metrics/broker-metrics.js";
import type { ReplicaManager } from "../replication/replica-manager.js";
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
    writeMarkers: (leaderId, request) => deps.peers.writeMarkers(leaderId, request),
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
    verifyAt: async (coordinatorId, request) => {
      if (coordinatorId === config.brokerId) {
        transactions.verifyPartition(
          request.transactionalId,
          request.producerId,
          request.producerEpoch,
          request.partition,
        );
      } else {
        await deps.peers.verifyPartition(coordinatorId, request);
      }
    },
  });
  return { groups, transactions, verifier };
}
