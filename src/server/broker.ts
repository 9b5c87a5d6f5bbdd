/**
 * One broker: wires storage, the etcd metadata watch, the replica manager, the
 * controller candidate and the gRPC server together, and takes them down in order.
 *
 * Start-up: open the logs (recovering them), read the metadata, bind gRPC and HTTP,
 * reconcile the local replicas, register in etcd, campaign for controller, then log
 * "broker started" with the bound ports (the line launchers and tests wait for).
 *
 * The parts are built by their own modules: the gRPC services (broker-grpc.ts), the
 * HTTP probes, metrics and REST API (broker-http.ts), the group and transaction
 * coordinators (coordinators.ts), request security: principals, ACLs, quotas and SCRAM
 * (broker-security.ts), the fence that keeps a broker etcd may have dropped
 * from leading (broker-session.ts) and what /readyz checks (readiness.ts). The metrics
 * registry (`BrokerMetrics`) is created here and handed to every part that reports
 * into it.
 *
 * Shutdown (SIGTERM): resign as controller and revoke the registration first, so other
 * brokers take over leadership at once instead of after the lease TTL; then stop
 * serving, stop watching, and close the logs (fsync, checkpoints, clean-shutdown marker).
 * Every step is bounded by shutdown.timeout.ms.
 */
import { readFileSync } from "node:fs";
import type * as grpc from "@grpc/grpc-js";
import type { BrokerRegistration } from "../cluster/broker-registration.js";
import { Controller } from "../cluster/controller.js";
import { etcdIsrWriter } from "../cluster/isr-writer.js";
import type { MetadataImage } from "../cluster/metadata-image.js";
import { MetadataStore, type MetadataStoreOptions, MetadataWatch } from "../cluster/metadata-store.js";
import { ProducerIdManager } from "../cluster/producer-id-manager.js";
import { type Clock, sleep } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import type { GroupCoordinator } from "../group/group-coordinator.js";
import type { ControllerForwarder } from "../http/controller-forwarder.js";
import type { HttpAdminClient } from "../http/http-admin-client.js";
import type { HttpServer } from "../http/http-server.js";
import { BrokerMetrics } from "../metrics/broker-metrics.js";
import { ReplicaFetcherManager } from "../replication/replica-fetcher.js";
import { ReplicaManager } from "../replication/replica-manager.js";
import { AclStore } from "../security/acl-store.js";
import { QuotaStore } from "../security/quota-store.js";
import { ScramStore } from "../security/scram-store.js";
import { LogManager } from "../storage/log-manager.js";
import type { TransactionCoordinator } from "../txn/transaction-coordinator.js";
import { FRESH_READ_TIMEOUT_MS } from "./admin-service.js";
import { bindGrpc, createGrpcServers } from "./broker-grpc.js";
import { createBrokerHttp } from "./broker-http.js";
import { createBrokerSecurity } from "./broker-security.js";
import { BrokerSession } from "./broker-session.js";
import type { BrokerConfig, EtcdSecurity } from "./config.js";
import { controlledShutdown } from "./controlled-shutdown.js";
import { createCoordinators } from "./coordinators.js";
import { PeerBrokerClient } from "./peer-broker-client.js";
import { readiness } from "./readiness.js";
import { brokerCredentials, isLoopback } from "./tls-credentials.js";

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
    private readonly servers: readonly grpc.Server[],
    private readonly registration: BrokerRegistration,
    readonly controller: Controller,
    readonly replicas: ReplicaManager,
    private readonly fetchers: ReplicaFetcherManager,
    private readonly groups: GroupCoordinator,
    private readonly transactions: TransactionCoordinator,
    private readonly peers: PeerBrokerClient,
    private readonly clock: Clock,
  ) {}

  static async start(config: BrokerConfig, logger: Logger, clock: Clock, random: () => number): Promise<Broker> {
    const metrics = new BrokerMetrics({ partitionLevel: config.metricsPartitionLevel });
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
    const plaintextEtcd = config.etcdSecurity.tls
      ? []
      : config.etcdEndpoints.filter((e) => !isLoopback(new URL(e).hostname));
    if (plaintextEtcd.length > 0)
      logger.warn(
        { endpoints: plaintextEtcd, withPassword: config.etcdSecurity.auth !== null },
        "etcd is reached in PLAINTEXT over the network: anyone on the path can read the cluster's metadata (and the etcd password); use https:// endpoints",
      );
    const store = new MetadataStore({
      endpoints: config.etcdEndpoints,
      clusterId: config.clusterId,
      logger: logger.child({ component: "etcd" }),
      requestTimeoutMs: config.etcdRequestTimeoutMs,
      ...etcdCredentials(config.etcdSecurity),
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

    const session = new BrokerSession();
    const replicas = new ReplicaManager({
      brokerId: config.brokerId,
      isFenced: () => session.isFenced(),
      incarnation: () => session.incarnation,
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

    // TLS (security.protocol=SSL) on the listener and on every connection to another broker.
    const credentials = brokerCredentials(config.tls);
    if (!credentials.secure && !isLoopback(config.grpcHost))
      logger.warn(
        { grpcHost: config.grpcHost },
        "the gRPC listener is PLAINTEXT on a non-loopback address: anyone who reaches it can read and write every topic; set security.protocol=SSL",
      );
    const peers = new PeerBrokerClient({
      credentials: () => credentials.channel(),
      addressOf: (id) => brokerToBrokerAddress(watch.image, id),
      brokerId: config.brokerId,
      brokerEpoch: () => session.brokerEpoch,
    });
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
      uncleanRecoveryTimeoutMs: config.uncleanRecoveryTimeoutMs,
      leaderBalance: config.leaderBalance,
      describeReplicaLogs: (id, tps) => peers.describeReplicaLogs(id, tps),
    });
    const producerIds = new ProducerIdManager(store);
    const fetchers = new ReplicaFetcherManager({
      brokerId: config.brokerId,
      brokerEpoch: () => session.brokerEpoch,
      replicas,
      addressOf: (id) => brokerToBrokerAddress(watch.image, id),
      fetchMaxBytes: config.replicaFetchMaxBytes,
      fetchWaitMaxMs: config.replicaFetchWaitMaxMs,
      credentials: () => credentials.channel(),
      logger: logger.child({ component: "replica-fetcher" }),
    });
    replicas.onReconciled(() => fetchers.replan());
    const { groups, transactions, verifier } = createCoordinators({
      config,
      clock,
      logger,
      replicas,
      image: () => watch.image,
      producerIds,
      brokerEpoch: () => session.brokerEpoch,
      metrics,
      peers,
    });
    metrics.attach({
      partitions: () => replicas.all(),
      image: () => watch.image,
      isController: () => controller.isActive,
      controllerEpoch: () => watch.image.controller()?.epoch ?? -1,
      groups: () => groups.loadedGroups(),
      partition: (topic, partition) => replicas.get({ topic, partition }),
      nowMs: () => clock.nowMs(),
      reassignmentBytesOut: () => replicas.reassignmentQuota.throttledBytesTotal,
    });
    groups.start();
    transactions.start();
    replicas.startIsrChecks(Math.max(100, Math.floor(config.replicaLagTimeMaxMs / 2)));

    const freshImage = () => watch.freshImage(FRESH_READ_TIMEOUT_MS);
    const acls = new AclStore({ kv: store, enabled: config.superUsers !== null });
    const { authorization, quotaEnforcement, sasl } = createBrokerSecurity({
      config,
      image: () => watch.image,
      clock,
      metrics,
      logger,
    });
    const servers = createGrpcServers({
      config,
      image: () => watch.image,
      freshImage,
      replicas,
      producerIds,
      controller,
      groups,
      transactions,
      verifier,
      logDefaults: config.logDefaults,
      metrics,
      authorization,
      acls,
      quotas: new QuotaStore(store),
      quotaEnforcement,
      scram: new ScramStore(store),
      sasl,
      logger,
    });
    const grpcPort = await bindGrpc(servers.client, config.grpcHost, config.grpcPort, credentials.server());
    const replicationPort = servers.replication
      ? await bindGrpc(servers.replication, config.grpcHost, config.replicationPort, credentials.server())
      : null;

    const { http, forwarder, httpClient } = createBrokerHttp({
      config,
      grpcPort,
      image: () => watch.image,
      freshImage,
      controller,
      logDirs: () => replicas.logDirInfo(),
      credentials,
      authorization,
      acls,
      clock,
      readiness: () =>
        readiness(config.brokerId, session, watch.isSynced, watch.image, replicas.all(), logManager.health.state),
      metrics,
      logger,
    });
    const httpPort = await http.listen();

    metrics.attachStorage(logManager.health);
    const registration = await session.register({
      store,
      record: {
        id: config.brokerId,
        host: config.advertisedHost,
        port: grpcPort,
        ...(replicationPort === null ? {} : { replicationPort }),
        httpPort,
        rack: config.rack,
        startedAtMs: clock.nowMs(),
      },
      sessionTimeoutMs: config.brokerSessionTimeoutMs,
      clock,
      logger: logger.child({ component: "registration" }),
      reconcile: () => watch.resync().then(() => replicas.onMetadata(watch.image, watch.isSynced)),
      // Coordinators follow the fence: they load what this broker leads once it lifts.
      onFenceChange: () => {
        groups.onReconciled();
        transactions.onReconciled();
      },
      storage: logManager.health,
      // A previous incarnation's key can hold the id for up to one TTL after a crash.
      registerTimeoutMs: config.etcdStartupTimeoutMs + 2 * config.brokerSessionTimeoutMs,
    });
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
      servers.replication ? [servers.client, servers.replication] : [servers.client],
      registration,
      controller,
      replicas,
      fetchers,
      groups,
      transactions,
      peers,
      clock,
    );
    logger.info(
      {
        host: config.advertisedHost,
        grpcPort,
        ...(replicationPort === null ? {} : { replicationPort }),
        httpPort,
        dataDir: config.dataDir,
      },
      "broker started",
    );
    return broker;
  }

  async shutdown(): Promise<void> {
    const logger = this.logger;
    logger.info("shutting down");
    // Not ready from here on: Services stop routing admin requests here while we go.
    this.session.shuttingDown = true;
    // Still the controller, if it is one: it moves its own leaderships too.
    await step(logger, "controlled shutdown", () =>
      controlledShutdown({
        brokerId: this.config.brokerId,
        registration: this.registration,
        image: () => this.watch.image,
        clock: this.clock,
        logger,
        timeoutMs: this.config.controlledShutdownTimeoutMs,
      }),
    );
    await step(logger, "resign as controller", () => this.controller.stop());
    await step(logger, "deregister", () => this.registration.deregister());
    this.fetchers.stop();
    this.groups.stop();
    this.transactions.stop();
    this.peers.close();
    this.replicas.stop();
    await step(logger, "close the HTTP API's client", () => this.httpClient.close());
    await step(logger, "stop gRPC", async () => {
      await Promise.all(this.servers.map((server) => stopServer(this.clock, server, SERVER_GRACE_MS)));
    });
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

/**
 * How long stopping waits for calls in progress before cutting them. By then this broker
 * leads nothing (controlled shutdown), so what is still open is long-lived: followers'
 * replica-fetch streams, consumers' long polls, produce streams; clients retry elsewhere.
 * Waiting out those (5 s before) made every broker of a rolling restart take 5 s to exit.
 */
const SERVER_GRACE_MS = 1000;

/** Where other brokers reach broker `id`: its replication listener when it has one, else its gRPC port. */
function brokerToBrokerAddress(image: MetadataImage, id: number): string | null {
  const b = image.brokers.get(id)?.value;
  return b ? `${b.host}:${b.replicationPort ?? b.port}` : null;
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
 * The etcd client's TLS files, read once at start (a rotated etcd client certificate
 * needs a broker restart; see docs/operations.md), and its password authentication.
 */
function etcdCredentials(security: EtcdSecurity): Pick<MetadataStoreOptions, "tls" | "auth"> {
  const { tls, auth } = security;
  const read = (path: string | null) => (path === null ? undefined : readFileSync(path));
  const files = tls
    ? {
        tls: {
          ...(tls.caPath ? { ca: read(tls.caPath) as Buffer } : {}),
          ...(tls.certificatePath ? { cert: read(tls.certificatePath) as Buffer } : {}),
          ...(tls.keyPath ? { key: read(tls.keyPath) as Buffer } : {}),
        },
      }
    : {};
  return { ...files, ...(auth ? { auth } : {}) };
}
