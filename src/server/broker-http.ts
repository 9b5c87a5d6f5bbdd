/**
 * The broker's HTTP side: probes (/healthz, /readyz), /metrics and the admin REST API.
 * Every HTTP resource is one route module in the list below. Topic writes sent to a
 * broker that is not the controller are forwarded to it; group and transaction requests
 * go through the SDK's admin client against this broker's own gRPC port, which finds
 * their coordinators.
 */

import { readFileSync } from "node:fs";
import { adminOperations } from "../admin/admin-operations.js";
import type { Controller } from "../cluster/controller.js";
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { aclRoutes } from "../http/acl-routes.js";
import { clusterRoutes } from "../http/cluster-routes.js";
import { ControllerForwarder } from "../http/controller-forwarder.js";
import { groupRoutes } from "../http/group-routes.js";
import { healthRoutes, type Readiness } from "../http/health-routes.js";
import { HttpAdminClient } from "../http/http-admin-client.js";
import { createHttpServer, type HttpServer } from "../http/http-server.js";
import { metricsRoutes } from "../http/metrics-routes.js";
import { reassignmentRoutes } from "../http/reassignment-routes.js";
import { topicRoutes } from "../http/topic-routes.js";
import { transactionRoutes } from "../http/transaction-routes.js";
import type { BrokerMetrics } from "../metrics/broker-metrics.js";
import type { LogDirInfo } from "../replication/replica-manager.js";
import type { AclStore } from "../security/acl-store.js";
import { httpAdminAuthorization, type RequestAuthorization } from "./authorization.js";
import { HTTP_RULES } from "./authorization-rules.js";
import type { BrokerConfig } from "./config.js";
import type { BrokerCredentials } from "./tls-credentials.js";

export interface BrokerHttpDeps {
  readonly config: BrokerConfig;
  /** The bound gRPC port: the REST API's group and transaction requests go through it. */
  readonly grpcPort: number;
  readonly image: () => MetadataImage;
  readonly freshImage: () => Promise<MetadataImage>;
  readonly controller: Controller;
  /** This broker's logs (ReplicaManager.logDirInfo). */
  readonly logDirs: () => LogDirInfo;
  /** The broker's gRPC credentials: the HTTP API's own gRPC calls (forwarding, the SDK client) use them. */
  readonly credentials: BrokerCredentials;
  /** The gRPC edge's authorization, applied to the admin API too. */
  readonly authorization: RequestAuthorization;
  /** ACL bindings in etcd, for `/v1/acls`. */
  readonly acls: AclStore;
  readonly readiness: () => Readiness;
  readonly clock: Clock;
  readonly metrics: BrokerMetrics;
  readonly logger: Logger;
}

export interface BrokerHttp {
  readonly http: HttpServer;
  readonly forwarder: ControllerForwarder;
  readonly httpClient: HttpAdminClient;
}

export function createBrokerHttp(deps: BrokerHttpDeps): BrokerHttp {
  const { config, image, freshImage, logger } = deps;
  const ops = adminOperations({
    brokerId: config.brokerId,
    clusterId: config.clusterId,
    image,
    freshImage,
    controller: deps.controller,
    logDefaults: config.logDefaults,
    logDirs: deps.logDirs,
  });
  const httpClient = new HttpAdminClient(
    `${config.advertisedHost}:${deps.grpcPort}`,
    config.brokerId,
    logger,
    deps.credentials.sdkSsl(),
  );
  const forwarder = new ControllerForwarder(image, freshImage, () => deps.credentials.channel());
  const tls = config.tls;
  const http = createHttpServer({
    ...(tls
      ? {
          tls: {
            read: () => ({
              key: readFileSync(tls.keyPath),
              cert: readFileSync(tls.certificatePath),
              ...(tls.caPath === null ? {} : { ca: readFileSync(tls.caPath) }),
            }),
            clientAuth: tls.clientAuth,
            refreshIntervalMs: tls.refreshIntervalMs,
            clock: deps.clock,
          },
        }
      : {}),
    authorizeAdmin: httpAdminAuthorization(deps.authorization, HTTP_RULES),
    host: config.httpHost,
    port: config.httpPort,
    bodyMaxBytes: config.httpBodyMaxBytes,
    requestRateMax: config.httpRequestRateMax,
    logger: logger.child({ component: "http" }),
    routes: [
      healthRoutes(deps.readiness),
      metricsRoutes(deps.metrics),
      clusterRoutes(ops),
      topicRoutes(ops, forwarder),
      groupRoutes(() => httpClient.admin()),
      transactionRoutes(() => httpClient.admin()),
      reassignmentRoutes(() => httpClient.admin()),
      aclRoutes(deps.acls),
    ],
  });
  return { http, forwarder, httpClient };
}
