/**
 * The broker's gRPC servers: the five services (Broker, Replication, Admin, Group,
 * Transaction), each behind the request limits (request-limits.ts) and the request
 * metrics, except Replication, which brokers use among themselves and which is bounded
 * by its own fetch sessions.
 *
 * With `replication.port` set, Replication moves to a second server that only brokers
 * are meant to reach (a NetworkPolicy or firewall keeps everyone else off it), beside a
 * second mount of Transaction for the leaders' JoinTxnPartition calls. The client port
 * then answers a replica fetch with UNIMPLEMENTED: a network rule alone, without TLS,
 * keeps a client from posing as a follower.
 */
import * as grpc from "@grpc/grpc-js";
import { CHANNEL_OPTIONS, loadTidelogProto } from "@tidelog/client/protocol";
import type { Controller } from "../cluster/controller.js";
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { ProducerIdManager } from "../cluster/producer-id-manager.js";
import type { Logger } from "../common/logger.js";
import type { GroupCoordinator } from "../group/group-coordinator.js";
import type { BrokerMetrics } from "../metrics/broker-metrics.js";
import { instrumentHandlers } from "../metrics/grpc-instrumentation.js";
import { useReplicaFetchCodec } from "../replication/replica-fetch-codec.js";
import type { ReplicaManager } from "../replication/replica-manager.js";
import type { AclStore } from "../security/acl-store.js";
import type { QuotaStore } from "../security/quota-store.js";
import type { SaslAuthenticator } from "../security/sasl-authenticator.js";
import type { ScramStore } from "../security/scram-store.js";
import type { LogConfig } from "../storage/log-config.js";
import type { TransactionCoordinator } from "../txn/transaction-coordinator.js";
import type { TransactionVerifier } from "../txn/transaction-verifier.js";
import { adminHandlers } from "./admin-service.js";
import { authorizeHandlers, type RequestAuthorization, type ServiceRules } from "./authorization.js";
import { ADMIN_RULES, BROKER_RULES, GROUP_RULES, REPLICATION_RULES, TRANSACTION_RULES } from "./authorization-rules.js";
import { brokerHandlers } from "./broker-service.js";
import type { BrokerConfig } from "./config.js";
import { groupHandlers } from "./group-service.js";
import {
  type Charge,
  produceStreamThrottle,
  type QuotaEnforcement,
  requestStreamThrottle,
  throttleHandlers,
} from "./quota-enforcement.js";
import { replicationHandlers } from "./replication-service.js";
import { limitHandlers, RequestLimiter } from "./request-limits.js";
import { joinTxnPartition, transactionHandlers } from "./transaction-service.js";

export interface BrokerGrpcDeps {
  readonly config: BrokerConfig;
  readonly image: () => MetadataImage;
  readonly freshImage: () => Promise<MetadataImage>;
  readonly replicas: ReplicaManager;
  readonly producerIds: ProducerIdManager;
  readonly controller: Controller;
  readonly groups: GroupCoordinator;
  readonly transactions: TransactionCoordinator;
  readonly verifier: TransactionVerifier;
  readonly logDefaults: LogConfig;
  readonly metrics: BrokerMetrics;
  /** Who may call what (authorization.ts); allows everything when the authorizer is off. */
  readonly authorization: RequestAuthorization;
  /** ACL bindings in etcd, for the Admin service's ACL calls. */
  readonly acls: AclStore;
  /** Client quotas in etcd, for the Admin service's quota calls. */
  readonly quotas: QuotaStore;
  /** Holds back the answers of clients over their quotas (quota-enforcement.ts). */
  readonly quotaEnforcement: QuotaEnforcement;
  /** SCRAM credentials in etcd, for the Admin service's credential calls. */
  readonly scram: ScramStore;
  /** SaslAuthenticate's exchanges and sessions. */
  readonly sasl: SaslAuthenticator;
  readonly logger: Logger;
}

export interface BrokerGrpcServers {
  /** Clients' listener (grpc.port); also brokers' when `replication` is null. */
  readonly client: grpc.Server;
  /** The broker-to-broker listener (replication.port), or null when replication shares the client port. */
  readonly replication: grpc.Server | null;
}

export function createGrpcServers(deps: BrokerGrpcDeps): BrokerGrpcServers {
  const { config, image, replicas, controller, metrics, logger } = deps;
  const proto = loadTidelogProto(grpc, useReplicaFetchCodec);
  const server = new grpc.Server(CHANNEL_OPTIONS);
  const replicationServer = config.replicationPort >= 0 ? new grpc.Server(CHANNEL_OPTIONS) : null;
  // Client requests and streams in progress, bounded per connection and per broker (request-limits.ts).
  const limiter = new RequestLimiter(config.requestLimits, (api, reason) => metrics.requestRefused(api, reason));
  metrics.watchRequestLimits(() => limiter);
  // Authorization before the limits: a request that may not run holds no slot.
  // Authorization, then quotas (they charge the authorized principal), then the limits.
  const clientFacing = <T extends object>(
    service: string,
    handlers: T,
    rules: ServiceRules<T>,
    rename: Readonly<Record<string, string>> = {},
    charges: Readonly<Partial<Record<keyof T, Charge>>> = {} as Partial<Record<keyof T, Charge>>,
  ) =>
    instrumentHandlers(
      authorizeHandlers(
        service,
        throttleHandlers(limitHandlers(handlers, limiter), charges, deps.quotaEnforcement),
        rules,
        deps.authorization,
      ),
      metrics,
      rename,
    );

  server.addService(
    proto.tidelog.v1.Broker.service,
    clientFacing(
      "Broker",
      brokerHandlers({
        brokerId: config.brokerId,
        clusterId: config.clusterId,
        image,
        replicas,
        producerIds: deps.producerIds,
        transactions: {
          verify: (partition, transactionalId, records) => deps.verifier.verify(partition, transactionalId, records),
          initProducerId: (transactionalId, timeoutMs) => deps.transactions.initProducerId(transactionalId, timeoutMs),
        },
        produceStreamThrottle: produceStreamThrottle(deps.quotaEnforcement),
        sasl: deps.sasl,
        logger: logger.child({ component: "broker-api" }),
      }),
      BROKER_RULES,
      { ProduceStream: "Produce" },
      { Produce: "produce", ProduceStream: "stream", Fetch: "fetch" },
    ),
  );
  (replicationServer ?? server).addService(
    proto.tidelog.v1.Replication.service,
    authorizeHandlers(
      "Replication",
      replicationHandlers({
        replicas,
        brokerEpochOf: (id) => image().brokers.get(id)?.createRevision ?? null,
        joinTxnPartition: (req) => joinTxnPartition(deps.transactions, req),
        logger: logger.child({ component: "replication" }),
      }),
      REPLICATION_RULES,
      deps.authorization,
    ),
  );
  server.addService(
    proto.tidelog.v1.Admin.service,
    clientFacing(
      "Admin",
      adminHandlers({
        brokerId: config.brokerId,
        clusterId: config.clusterId,
        image,
        freshImage: deps.freshImage,
        controller,
        logDefaults: deps.logDefaults,
        logDirs: () => deps.replicas.logDirInfo(),
        acls: deps.acls,
        quotas: deps.quotas,
        scram: deps.scram,
        logger: logger.child({ component: "admin" }),
      }),
      ADMIN_RULES,
    ),
  );
  server.addService(
    proto.tidelog.v1.Group.service,
    clientFacing(
      "Group",
      groupHandlers({
        brokerId: config.brokerId,
        image,
        controller,
        coordinator: deps.groups,
        config: config.groups,
        logger: logger.child({ component: "group-api" }),
      }),
      GROUP_RULES,
    ),
  );
  const transaction = clientFacing(
    "Transaction",
    transactionHandlers({
      image,
      controller,
      coordinator: deps.transactions,
      config: config.transactions,
      streamThrottle: requestStreamThrottle(deps.quotaEnforcement),
      logger: logger.child({ component: "transaction-api" }),
    }),
    TRANSACTION_RULES,
    { EndTxnStream: "EndTxn" },
    { JoinTxnPartition: "exempt", EndTxnStream: "stream" },
  );
  server.addService(proto.tidelog.v1.Transaction.service, transaction);
  // Leaders call JoinTxnPartition on the coordinator's broker-to-broker listener.
  replicationServer?.addService(proto.tidelog.v1.Transaction.service, transaction);
  return { client: server, replication: replicationServer };
}

/** Binds `server` with `credentials` and resolves with the port it got (`port` 0 picks a free one). */
export function bindGrpc(
  server: grpc.Server,
  host: string,
  port: number,
  credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure(),
): Promise<number> {
  return new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, credentials, (err, bound) => (err ? reject(err) : resolve(bound))),
  );
}
