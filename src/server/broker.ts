/**
 * One broker: wires storage, the etcd metadata watch, the replica manager, the
 * controller candidate and the gRPC server together, and takes them down in order.
 *
 * Start-up: open the logs (recovering them), read the metadata, bind gRPC, reconcile the
 * local replicas, register in etcd, campaign for controller, then log "broker started"
 * with the bound port (the line launchers and tests wait for).
 *
 * Shutdown (SIGTERM): resign as controller and revoke the registration first, so other
 * brokers take over leadership at once instead of after the lease TTL; then stop
 * serving, stop watching, and close the logs (fsync, checkpoints, clean-shutdown marker).
 * Every step is bounded by shutdown.timeout.ms.
 */
import * as grpc from "@grpc/grpc-js";
import { CHANNEL_OPTIONS, loadTidelogProto } from "@tidelog/client/protocol";
import { BrokerRegistration } from "../cluster/broker-registration.js";
import { Controller } from "../cluster/controller.js";
import { etcdIsrWriter } from "../cluster/isr-writer.js";
import { MetadataStore, MetadataWatch } from "../cluster/metadata-store.js";
import { ProducerIdManager } from "../cluster/producer-id-manager.js";
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { ReplicaFetcherManager } from "../replication/replica-fetcher.js";
import { ReplicaManager } from "../replication/replica-manager.js";
import { LogManager } from "../storage/log-manager.js";
import { adminHandlers, FRESH_READ_TIMEOUT_MS } from "./admin-service.js";
import { brokerHandlers } from "./broker-service.js";
import type { BrokerConfig } from "./config.js";
import { replicationHandlers } from "./replication-service.js";

export class Broker {
  private constructor(
    readonly config: BrokerConfig,
    readonly grpcPort: number,
    private readonly logger: Logger,
    private readonly logManager: LogManager,
    private readonly store: MetadataStore,
    private readonly watch: MetadataWatch,
    private readonly server: grpc.Server,
    private readonly registration: BrokerRegistration,
    readonly controller: Controller,
    readonly replicas: ReplicaManager,
    private readonly fetchers: ReplicaFetcherManager,
  ) {}

  static async start(config: BrokerConfig, logger: Logger, clock: Clock, random: () => number): Promise<Broker> {
    const logManager = LogManager.open({
      dataDir: config.dataDir,
      defaultConfig: config.logDefaults,
      clock,
      logger: logger.child({ component: "storage" }),
      openFilesMax: config.openFilesMax,
      flushCheckIntervalMs: config.flushCheckIntervalMs,
      retentionCheckIntervalMs: config.retentionCheckIntervalMs,
      checkpointIntervalMs: config.checkpointIntervalMs,
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
    });
    await retryUntil(
      () => watch.start(),
      clock.nowMs() + config.etcdStartupTimeoutMs,
      logger,
      "reading metadata from etcd",
    );

    // Fenced from start until registered and reconciled, and again from a lost lease
    // until the same: a broker etcd may have dropped must not act as leader.
    const session = { registration: null as BrokerRegistration | null, reconciled: false };
    const replicas = new ReplicaManager({
      brokerId: config.brokerId,
      isFenced: () => !session.registration || session.registration.isFenced() || !session.reconciled,
      clock,
      writeIsr: etcdIsrWriter(store),
      replicaLagTimeMaxMs: config.replicaLagTimeMaxMs,
      logManager,
      logDefaults: config.logDefaults,
      logger: logger.child({ component: "replicas" }),
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
    replicas.startIsrChecks(Math.max(100, Math.floor(config.replicaLagTimeMaxMs / 2)));

    const proto = loadTidelogProto(grpc);
    const server = new grpc.Server(CHANNEL_OPTIONS);
    server.addService(
      proto.tidelog.v1.Broker.service,
      brokerHandlers({
        brokerId: config.brokerId,
        clusterId: config.clusterId,
        image: () => watch.image,
        replicas,
        producerIds,
        logger: logger.child({ component: "broker-api" }),
      }),
    );
    server.addService(
      proto.tidelog.v1.Replication.service,
      replicationHandlers({
        replicas,
        isFenced: () => replicas.isFenced(),
        logger: logger.child({ component: "replication" }),
      }),
    );
    server.addService(
      proto.tidelog.v1.Admin.service,
      adminHandlers({
        brokerId: config.brokerId,
        clusterId: config.clusterId,
        image: () => watch.image,
        freshImage: () => watch.freshImage(FRESH_READ_TIMEOUT_MS),
        controller,
        logDefaults: config.logDefaults,
        logger: logger.child({ component: "admin" }),
      }),
    );
    const grpcPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${config.grpcHost}:${config.grpcPort}`, grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );

    const registration = new BrokerRegistration({
      store,
      record: {
        id: config.brokerId,
        host: config.advertisedHost,
        port: grpcPort,
        httpPort: config.httpPort,
        rack: config.rack,
        startedAtMs: clock.nowMs(),
      },
      sessionTimeoutMs: config.brokerSessionTimeoutMs,
      clock,
      logger: logger.child({ component: "registration" }),
      onLost: () => {
        session.reconciled = false;
      },
      onRegistered: () => {
        watch
          .resync()
          .then(() => replicas.onMetadata(watch.image, watch.isSynced))
          .then(() => {
            session.reconciled = true;
          })
          .catch((e: unknown) =>
            logger.warn({ err: (e as Error).message }, "re-reading metadata after registering failed"),
          );
      },
    });
    session.registration = registration;
    // A previous incarnation's key can hold the id for up to one TTL after a crash.
    await registration.register(config.etcdStartupTimeoutMs + 2 * config.brokerSessionTimeoutMs);
    controller.start();
    const broker = new Broker(
      config,
      grpcPort,
      logger,
      logManager,
      store,
      watch,
      server,
      registration,
      controller,
      replicas,
      fetchers,
    );
    logger.info(
      { host: config.advertisedHost, grpcPort, httpPort: config.httpPort, dataDir: config.dataDir },
      "broker started",
    );
    return broker;
  }

  async shutdown(): Promise<void> {
    const logger = this.logger;
    logger.info("shutting down");
    await step(logger, "resign as controller", () => this.controller.stop());
    await step(logger, "deregister", () => this.registration.deregister());
    this.fetchers.stop();
    this.replicas.stop();
    await step(logger, "stop gRPC", () => stopServer(this.server, 5000));
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

function stopServer(server: grpc.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function retryUntil(fn: () => Promise<void>, deadlineMs: number, logger: Logger, what: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadlineMs) throw e;
      if (attempt === 1 || attempt % 10 === 0)
        logger.warn({ attempt, err: (e as Error).message }, `${what} failed; retrying`);
      await new Promise((r) => setTimeout(r, Math.min(2000, 200 * attempt)));
    }
  }
}
