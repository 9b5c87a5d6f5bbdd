/**
 * What a Client shares with everything it hands out (the admin today; the producer and
 * consumer later): the connection pool, the cluster metadata, the retry policy and the
 * logger. One per Client.
 */
import * as grpc from "@grpc/grpc-js";
import { errorOf, toClusterDescription } from "./admin-wire.js";
import { ClusterMetadata } from "./cluster-metadata.js";
import { ConnectionPool } from "./connection-pool.js";
import { MAX_CONNECTIONS, METADATA_MAX_AGE_MS } from "./limits.js";
import type { Logger } from "./logger.js";
import { Retrier, type RetryOptions, type RetrySeams } from "./retry.js";
import { type AdminRpcs, callAdmin } from "./rpc.js";

export interface ClientContextOptions {
  readonly clientId: string;
  readonly bootstrap: readonly string[];
  readonly requestTimeoutMs: number;
  readonly attemptTimeoutMs: number;
  readonly retry: RetryOptions;
  readonly logger: Logger;
  readonly seams: RetrySeams;
}

/** The gRPC metadata key that carries the client id, for brokers' logs. */
export const CLIENT_ID_HEADER = "tidelog-client-id";

export class ClientContext {
  readonly pool: ConnectionPool;
  readonly metadata: ClusterMetadata;
  readonly retrier: Retrier;
  readonly logger: Logger;
  private readonly headers = new grpc.Metadata();

  constructor(options: ClientContextOptions) {
    this.logger = options.logger;
    this.headers.set(CLIENT_ID_HEADER, options.clientId);
    this.pool = new ConnectionPool({
      clientId: options.clientId,
      maxConnections: MAX_CONNECTIONS,
      retry: options.retry,
    });
    this.retrier = new Retrier(
      options.retry,
      options.requestTimeoutMs,
      options.attemptTimeoutMs,
      options.seams,
      options.logger,
    );
    this.metadata = new ClusterMetadata({
      bootstrap: options.bootstrap,
      describe: (address, deadlineMs) => this.describeCluster(address, deadlineMs),
      nowMs: options.seams.nowMs,
      maxAgeMs: METADATA_MAX_AGE_MS,
    });
  }

  /** One Admin call to `address`, no retry. */
  callAdmin<M extends keyof AdminRpcs>(
    address: string,
    method: M,
    request: AdminRpcs[M][0],
    deadlineMs: number,
  ): Promise<AdminRpcs[M][1]> {
    const stub = this.pool.admin(address);
    return callAdmin(stub, method, request, { address, deadlineMs, metadata: this.headers.clone() });
  }

  close(): void {
    this.pool.close();
  }

  private async describeCluster(address: string, deadlineMs: number) {
    const response = await this.callAdmin(address, "describeCluster", {}, deadlineMs);
    const error = errorOf(response.error);
    if (error) throw error;
    return toClusterDescription(response);
  }
}
