/**
 * One broker: wires storage, the etcd metadata watch, the replica manager, the
 * controller candidate and the gRPC server together, and takes them down in order.
 *
 * Start-up: open the logs (recovering them), read the metadata, bind gRPC and HTTP,
 * reconcile the local replicas, register in etcd, campaign for controller, then log
 * "broker started" with the bound ports (the line launchers and tests wait for).
 *
 * HTTP (`src/http/`) serves probes, /metrics and the admin REST API; its route modules
 * are listed in one place below (`routes:`), and the metrics registry (`BrokerMetrics`)
 * is created here and handed to every part that reports into it.
 *
 * Shutdown (SIGTERM): resign as controller and revoke the registration first, so other
 * brokers take over leadership at once instead of after the lease TTL; then stop
 * serving, stop watching, and close the logs (fsync, checkpoints, clean-shutdown marker).
 * Every step is bounded by shutdown.timeout.ms.
 */
import * as grpc from "@grpc/grpc-js";
import { CHANNEL_OPTIONS, loadTidelogProto } from "@tidelog/client/protocol";
import { adminOperations } from "../admin/admin-operations.js";
import { BrokerRegistration } from "../cluster/broker-registration.js";
import { Controller } from "../cluster/controller.js";
import { etcdIsrWriter } from "../cluster/isr-writer.js";
import type { MetadataImage } from "../cluster/metadata-image.js";
import { MetadataStore, MetadataWatch } from "../cluster/metadata-store.js";
import { ProducerIdManager } from "../cluster/producer-id-manager.js";
import { type Clock, sleep } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { GroupCoordinator } from "../group/group-coordinator.js";
import { OFFSETS_TOPIC } from "../group/group-partition.js";
import { clusterRoutes } from "../http/cluster-routes.js";
import { ControllerForwarder } from "../http/controller-forwarder.js";
import { groupRoutes } from "../http/group-routes.js";
import { healthRoutes, type Readiness } from "../http/health-routes.js";
import { HttpAdminClient } from "../http/http-admin-client.js";
import { createHttpServer, type HttpServer } from "../http/http-server.js";
import { metricsRoutes } from "../http/metrics-routes.js";
import { topicRoutes } from "../http/topic-routes.js";
import { transactionRoutes } from "../http/transaction-routes.js";
import { BrokerMetrics } from "../metrics/broker-metrics.js";
import { instrumentHandlers } from "../metrics/grpc-instrumentation.js";
import { ReplicaFetcherManager } from "../replication/replica-fetcher.js";
import { ReplicaManager } from "../replication/replica-manager.js";
import { describeLogDirFailure, type LogDirState } from "../storage/log-dir-health.js";
import { LogManager } from "../storage/log-manager.js";
import { TransactionCoordinator } from "../txn/transaction-coordinator.js";
import { TransactionVerifier } from "../txn/transaction-verifier.js";
import { TxnBrokerClient } from "../txn/txn-broker-client.js";
import { adminHandlers, FRESH_READ_TIMEOUT_MS } from "./admin-service.js";
import { brokerHandlers } from "./broker-service.js";
import type { BrokerConfig } from "./config.js";
import { groupHandlers } from "./group-service.js";
import { replicationHandlers } from "./replication-service.js";
import { limitHandlers, RequestLimiter } from "./request-limits.js";
import { transactionHandlers } from "./transaction-service.js";

export class Broker {
  private constructor(
    readonly config: BrokerConfig,
    readonly grpcPort: number,
    readonly httpPort: number,
    private readonly http: HttpServer,
    private readonly forwarder: ControllerForwarder,
    private readonly httpClient: HttpAdminClient,
    readonly metrics: BrokerMetrics,
    private readonly session: { shuttingDown: boolean },
    private readonly logger: Logger,
    private readonly logManager: LogManager,
    private readonly store: MetadataStore,
    private readonly watch: MetadataWatch,
    private readonly server: grpc.Server,
    private readonly registration: BrokerRegistration,
    readonly controller: Controller,
    readonly replicas: ReplicaManager,
    private readonly fetchers: ReplicaFetcherManager,
    private readonly groups: GroupCoordinator,
    private readonly transactions: TransactionCoordinator,
    private readonly txnClient: TxnBrokerClient,
    private readonly clock: Clock,
  ) {}

  static async start(config: BrokerConfig, logger: Logger, clock: Clock, random: () => number): Promise<Broker> {
    const metrics = new BrokerMetrics();
    const logManager = LogManager.open({
      dataDir: config.dataDir,
      defaultConfig: config.logDefaults,
      clock,
      logger: logger.child({ component: "storage" }),
      openFilesMax: config.openFilesMax,
      flushCheckIntervalMs: config.flushCheckIntervalMs,
      retentionCheckIntervalMs: config.retentionCheckIntervalMs,
      checkpointIntervalMs: config.checkpointIntervalMs,
      cleanerIoMaxBytesPerSecond: config.cleanerIoMaxBytesPerSecond,
      cleanerBackoffMs: config.cleanerBackoffMs,
      cleanerDedupeBufferBytes: config.cleanerDedupeBufferBytes,
    });
    logManager.start();
    const store = new MetadataStore({
      endpoints: config.etcdEndpoints,
      clusterId: config.clusterId,
      logger: logger.child({ component: "etcd" }),
      requestTimeoutMs: config.etcdRequestTimeoutMs,
    });
    const watch = new MetadataWatch(store, logger.child({ component: "metadata" }), {
      resyncIntervalMs: config.metadataResyncIntervalMs,
      clock,
    });
    await retryUntil(
      clock,
      () => watch.start(),
      clock.nowMs() + config.etcdStartupTimeoutMs,
      logger,
      "reading metadata from etcd",
    );

    // Fenced from start until registered and reconciled, and again from a lost lease
    // until the same: a broker etcd may have dropped must not act as leader.
    const session = { registration: null as BrokerRegistration | null, reconciled: false, shuttingDown: false };
    const replicas = new ReplicaManager({
      brokerId: config.brokerId,
      isFenced: () => !session.registration || session.registration.isFenced() || !session.reconciled,
      clock,
      writeIsr: etcdIsrWriter(store),
      replicaLagTimeMaxMs: config.replicaLagTimeMaxMs,
      logManager,
      logDefaults: config.logDefaults,
      logger: logger.child({ component: "replicas" }),
      onIsrChange: (change) => metrics.isrChanged(change),
    });
    watch.onChange((image) => void replicas.onMetadata(image, watch.isSynced));
    await replicas.onMetadata(watch.image, watch.isSynced);

    const controller = new Controller({
      store,
      watch,
      brokerId: config.brokerId,
      sessionTimeoutMs: config.controllerSessionTimeoutMs,
      reconcileIntervalMs: config.controllerReconcileIntervalMs,
      defaultPartitions: config.numPartitions,
      defaultReplicationFactor: config.defaultReplicationFactor,
      logDefaults: config.logDefaults,
      clock,
      logger: logger.child({ component: "controller" }),
      random,
      onLeaderElections: (count) => metrics.leadersElected(count),
    });
    const producerIds = new ProducerIdManager(store);
    const fetchers = new ReplicaFetcherManager({
      brokerId: config.brokerId,
      brokerEpoch: () => session.registration?.brokerEpoch ?? -1,
      replicas,
      addressOf: (id) => {
        const b = watch.image.brokers.get(id)?.value;
        return b ? `${b.host}:${b.port}` : null;
      },
      fetchMaxBytes: config.replicaFetchMaxBytes,
      fetchWaitMaxMs: config.replicaFetchWaitMaxMs,
      logger: logger.child({ component: "replica-fetcher" }),
    });
    replicas.onReconciled(() => fetchers.replan());
    const groups = new GroupCoordinator({
      brokerId: config.brokerId,
      clock,
      logger: logger.child({ component: "group-coordinator" }),
      replicas,
      image: () => watch.image,
      config: config.groups,
    });
    replicas.onReconciled(() => groups.onReconciled());
    const addressOf = (id: number) => {
      const b = watch.image.brokers.get(id)?.value;
      return b ? `${b.host}:${b.port}` : null;
    };
    const txnClient = new TxnBrokerClient({
      addressOf,
      brokerId: config.brokerId,
      brokerEpoch: () => session.registration?.brokerEpoch ?? -1,
      markerTimeoutMs: 35_000,
      verifyTimeoutMs: 5000,
    });
    const transactions = new TransactionCoordinator({
      brokerId: config.brokerId,
      clock,
      logger: logger.child({ component: "transaction-coordinator" }),
      replicas,
      image: () => watch.image,
      newProducerId: () => producerIds.nextProducerId(),
      writeMarkers: (leaderId, request) => txnClient.writeMarkers(leaderId, request),
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
      image: () => watch.image,
      verifyAt: async (coordinatorId, request) => {
        if (coordinatorId === config.brokerId) {
          transactions.verifyPartition(
            request.transactionalId,
            request.producerId,
            request.producerEpoch,
            request.partition,
          );
        } else {
          await txnClient.verifyPartition(coordinatorId, request);
        }
      },
    });
    metrics.attach({
      partitions: () => replicas.all(),
      image: () => watch.image,
      isController: () => controller.isActive,
      controllerEpoch: () => watch.image.controller()?.epoch ?? -1,
      groups: () => groups.loadedGroups(),
      partition: (topic, partition) => replicas.get({ topic, partition }),
      nowMs: () => clock.nowMs(),
    });
    groups.start();
    transactions.start();
    replicas.startIsrChecks(Math.max(100, Math.floor(config.replicaLagTimeMaxMs / 2)));

    const proto = loadTidelogProto(grpc);
    const server = new grpc.Server(CHANNEL_OPTIONS);
    // Client requests and streams in progress, bounded per connection and per broker (request-limits.ts).
    const limiter = new RequestLimiter(config.requestLimits, (api, reason) => metrics.requestRefused(api, reason));
    metrics.watchRequestLimits(() => limiter);
    server.addService(
      proto.tidelog.v1.Broker.service,
      instrumentHandlers(
        limitHandlers(
          brokerHandlers({
            brokerId: config.brokerId,
            clusterId: config.clusterId,
            image: () => watch.image,
            replicas,
            producerIds,
            transactions: {
              verify: (partition, transactionalId, records) => verifier.verify(partition, transactionalId, records),
              initProducerId: (transactionalId, timeoutMs) => transactions.initProducerId(transactionalId, timeoutMs),
            },
            logger: logger.child({ component: "broker-api" }),
          }),
          limiter,
        ),
        metrics,
        { ProduceStream: "Produce" },
      ),
    );
    server.addService(
      proto.tidelog.v1.Replication.service,
      replicationHandlers({
        replicas,
        brokerEpochOf: (id) => watch.image.brokers.get(id)?.createRevision ?? null,
        logger: logger.child({ component: "replication" }),
      }),
    );
    const adminDeps = {
      brokerId: config.brokerId,
      clusterId: config.clusterId,
      image: () => watch.image,
      freshImage: () => watch.freshImage(FRESH_READ_TIMEOUT_MS),
      controller,
      logDefaults: config.logDefaults,
    };
    server.addService(
      proto.tidelog.v1.Admin.service,
      instrumentHandlers(
        limitHandlers(adminHandlers({ ...adminDeps, logger: logger.child({ component: "admin" }) }), limiter),
        metrics,
      ),
    );
    server.addService(
      proto.tidelog.v1.Group.service,
      instrumentHandlers(
        limitHandlers(
          groupHandlers({
            brokerId: config.brokerId,
            image: () => watch.image,
            controller,
            coordinator: groups,
            config: config.groups,
            logger: logger.child({ component: "group-api" }),
          }),
          limiter,
        ),
        metrics,
      ),
    );
    server.addService(
      proto.tidelog.v1.Transaction.service,
      instrumentHandlers(
        limitHandlers(
          transactionHandlers({
            image: () => watch.image,
            controller,
            coordinator: transactions,
            config: config.transactions,
            logger: logger.child({ component: "transaction-api" }),
          }),
          limiter,
        ),
        metrics,
      ),
    );
    const grpcPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${config.grpcHost}:${config.grpcPort}`, grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );

    // Every HTTP resource is one route module in this list.
    const ops = adminOperations(adminDeps);
    const httpClient = new HttpAdminClient(`${config.advertisedHost}:${grpcPort}`, config.brokerId, logger);
    const forwarder = new ControllerForwarder(
      () => watch.image,
      () => watch.freshImage(FRESH_READ_TIMEOUT_MS),
    );
    const http = createHttpServer({
      host: config.httpHost,
      port: config.httpPort,
      bodyMaxBytes: config.httpBodyMaxBytes,
      requestRateMax: config.httpRequestRateMax,
      logger: logger.child({ component: "http" }),
      routes: [
        healthRoutes(() =>
          readiness(config.brokerId, session, watch.isSynced, watch.image, replicas.all(), logManager.health.state),
        ),
        metricsRoutes(metrics),
        clusterRoutes(ops),
        topicRoutes(ops, forwarder),
        groupRoutes(() => httpClient.admin()),
        transactionRoutes(() => httpClient.admin()),
      ],
    });
    const httpPort = await http.listen();

    const registration = new BrokerRegistration({
      store,
      record: {
        id: config.brokerId,
        host: config.advertisedHost,
        port: grpcPort,
        httpPort,
        rack: config.rack,
        startedAtMs: clock.nowMs(),
      },
      sessionTimeoutMs: config.brokerSessionTimeoutMs,
      clock,
      logger: logger.child({ component: "registration" }),
      onLost: () => {
        session.reconciled = false;
        groups.onReconciled();
      },
      onRegistered: () => {
        watch
          .resync()
          .then(() => replicas.onMetadata(watch.image, watch.isSynced))
          .then(() => {
            session.reconciled = true;
            // Coordination waits for the fence to lift: load what this broker leads now.
            groups.onReconciled();
          })
          .catch((e: unknown) =>
            logger.warn({ err: (e as Error).message }, "re-reading metadata after registering failed"),
          );
      },
    });
    session.registration = registration;
    // A log directory that cannot write is reported to the controller, which moves this
    // broker's leaderships to the rest of their ISRs (see log-dir-health.ts).
    registration.setStorageFailed(logManager.health.state.failed);
    logManager.health.onChange((state) => registration.setStorageFailed(state.failed));
    metrics.attachStorage(logManager.health);
    // A previous incarnation's key can hold the id for up to one TTL after a crash.
    await registration.register(config.etcdStartupTimeoutMs + 2 * config.brokerSessionTimeoutMs);
    controller.start();
    const broker = new Broker(
      config,
      grpcPort,
      httpPort,
      http,
      forwarder,
      httpClient,
      metrics,
      session,
      logger,
      logManager,
      store,
      watch,
      server,
      registration,
      controller,
      replicas,
      fetchers,
      groups,
      transactions,
      txnClient,
      clock,
    );
    logger.info({ host: config.advertisedHost, grpcPort, httpPort, dataDir: config.dataDir }, "broker started");
    return broker;
  }

  async shutdown(): Promise<void> {
    const logger = this.logger;
    logger.info("shutting down");
    // Not ready from here on: Services stop routing admin requests here while we go.
    this.session.shuttingDown = true;
    await step(logger, "resign as controller", () => this.controller.stop());
    await step(logger, "deregister", () => this.registration.deregister());
    this.fetchers.stop();
    this.groups.stop();
    this.transactions.stop();
    this.txnClient.close();
    this.replicas.stop();
    await step(logger, "close the HTTP API's client", () => this.httpClient.close());
    await step(logger, "stop gRPC", () => stopServer(this.clock, this.server, 5000));
    this.forwarder.close();
    await step(logger, "stop HTTP", () => this.http.close());
    await step(logger, "stop metadata watch", () => this.watch.close());
    this.store.close();
    await step(logger, "close logs", () => this.logManager.shutdown());
    logger.info("stopped");
  }
}

async function step(logger: Logger, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    logger.warn({ err: (e as Error).message }, `shutdown step '${what}' failed`);
  }
}

function stopServer(clock: Clock, server: grpc.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.after(graceMs, () => {
      server.forceShutdown();
      resolve();
    });
    server.tryShutdown(() => {
      timer.cancel();
      resolve();
    });
  });
}

/** Retries `fn` until it succeeds or the clock passes `deadlineMs` (a time on the same clock). */
async function retryUntil(
  clock: Clock,
  fn: () => Promise<void>,
  deadlineMs: number,
  logger: Logger,
  what: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (clock.nowMs() > deadlineMs) throw e;
      if (attempt === 1 || attempt % 10 === 0)
        logger.warn({ attempt, err: (e as Error).message }, `${what} failed; retrying`);
      await sleep(clock, Math.min(2000, 200 * attempt));
    }
  }
}

/**
 * Ready to serve: not shutting down, registered in etcd (and not fenced), metadata read
 * completely, the local replicas reconciled with it, every partition log writable (a
 * full or failing disk says which and why), and every partition this broker follows
 * caught up into its ISR, unless its leader is gone (then waiting would not help).
 * A rolling restart that waits for this never takes down a second replica of a partition
 * before the first is back in its ISR.
 */
function readiness(
  brokerId: number,
  session: { registration: BrokerRegistration | null; reconciled: boolean; shuttingDown: boolean },
  synced: boolean,
  image: MetadataImage,
  partitions: readonly { key: string; role: string; leader: number; isr: readonly number[] }[],
  storage: LogDirState,
): Readiness {
  const behind = partitions.filter(
    (p) => p.role === "follower" && p.leader >= 0 && image.brokers.has(p.leader) && !p.isr.includes(brokerId),
  );
  const checks = {
    running: !session.shuttingDown,
    registered: session.registration !== null && !session.registration.isFenced(),
    metadataSynced: synced,
    replicasReconciled: session.reconciled,
    replicasCaughtUp: behind.length === 0,
    storageWritable: !storage.failed,
  };
  const reasons: string[] = [];
  if (!checks.running) reasons.push("shutting down");
  if (!checks.registered) reasons.push("not registered in etcd (or the session lapsed)");
  if (!checks.metadataSynced) reasons.push("metadata not read completely since the last watch gap");
  if (!checks.replicasReconciled) reasons.push("local replicas not yet reconciled with the metadata");
  if (!checks.storageWritable) reasons.push(describeLogDirFailure(storage));
  if (!checks.replicasCaughtUp) {
    const some = behind.slice(0, 10).map((p) => p.key);
    reasons.push(`${behind.length} followed partition(s) not back in their ISR yet: ${some.join(", ")}`);
  }
  return { ready: reasons.length === 0, checks, reasons };
}
