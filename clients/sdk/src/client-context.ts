/**
 * What a Client shares with everything it hands out (the admin, producers, consumers):
 * the connection pool, the cluster metadata (controller, brokers) and the topic metadata
 * (partition leaders), the retry policy, the seams for time and randomness, and the
 * logger. One per Client.
 */
import * as grpc from "@grpc/grpc-js";
import { errorOf, toClusterDescription } from "./admin-wire.js";
import { ClusterMetadata } from "./cluster-metadata.js";
import { ConnectionPool } from "./connection-pool.js";
import type { EndTxnStreamCall } from "./end-txn-stream.js";
import { GroupRpc } from "./group-rpc.js";
import { MAX_CONNECTIONS, METADATA_MAX_AGE_MS } from "./limits.js";
import type { Logger } from "./logger.js";
import { Retrier, type RetryOptions, type RetrySeams } from "./retry.js";
import {
  type AdminRpcs,
  type BrokerRpcs,
  callAdmin,
  callBroker,
  callGroup,
  callTransaction,
  type GroupRpcs,
  openProduceStream,
  type PendingCall,
  type ProduceStreamCall,
  type TransactionRpcs,
} from "./rpc.js";
import type { SaslSessions } from "./sasl-session.js";
import { TopicMetadataCache } from "./topic-metadata.js";

export interface ClientContextOptions {
  readonly clientId: string;
  readonly bootstrap: readonly string[];
  readonly requestTimeoutMs: number;
  readonly attemptTimeoutMs: number;
  readonly retry: RetryOptions;
  readonly logger: Logger;
  readonly seams: RetrySeams;
  /** Channel credentials: insecure, or TLS (client-tls.ts). */
  readonly credentials: grpc.ChannelCredentials;
  /** SCRAM authentication for every call (sasl-session.ts), or null. */
  readonly sasl: SaslSessions | null;
}

/** The gRPC metadata key that carries the client id, for brokers' logs. */
export const CLIENT_ID_HEADER = "tidelog-client-id";

export class ClientContext {
  readonly pool: ConnectionPool;
  readonly metadata: ClusterMetadata;
  readonly topicMetadata: TopicMetadataCache;
  readonly retrier: Retrier;
  readonly logger: Logger;
  readonly seams: RetrySeams;
  readonly retry: RetryOptions;
  readonly requestTimeoutMs: number;
  readonly attemptTimeoutMs: number;
  readonly clientId: string;
  /** Calls to group coordinators (consumers in groups, and the admin's group operations). */
  readonly groups: GroupRpc;
  private readonly headers = new grpc.Metadata();

  constructor(options: ClientContextOptions) {
    this.logger = options.logger;
    this.seams = options.seams;
    this.retry = options.retry;
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.attemptTimeoutMs = options.attemptTimeoutMs;
    this.clientId = options.clientId;
    this.groups = new GroupRpc(this);
    this.headers.set(CLIENT_ID_HEADER, options.clientId);
    this.pool = new ConnectionPool({
      clientId: options.clientId,
      maxConnections: MAX_CONNECTIONS,
      retry: options.retry,
      credentials: options.credentials,
      ...(options.sasl ? { perBroker: options.sasl } : {}),
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
    this.topicMetadata = new TopicMetadataCache({
      bootstrap: options.bootstrap,
      fetch: (address, request, deadlineMs) => this.callBroker(address, "metadata", request, deadlineMs).response,
      nowMs: options.seams.nowMs,
      random: options.seams.random,
      maxAgeMs: METADATA_MAX_AGE_MS,
      attemptTimeoutMs: options.attemptTimeoutMs,
      retry: options.retry,
      logger: options.logger,
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

  /** One Broker call to `address`, no retry; cancellable. */
  callBroker<M extends keyof BrokerRpcs>(
    address: string,
    method: M,
    request: BrokerRpcs[M][0],
    deadlineMs: number,
  ): PendingCall<BrokerRpcs[M][1]> {
    const stub = this.pool.broker(address);
    return callBroker(stub, method, request, { address, deadlineMs, metadata: this.headers.clone() });
  }

  /** One Group call to `address`, no retry. */
  callGroup<M extends keyof GroupRpcs>(
    address: string,
    method: M,
    request: GroupRpcs[M][0],
    deadlineMs: number,
  ): Promise<GroupRpcs[M][1]> {
    return callGroup(this.pool.group(address), method, request, {
      address,
      deadlineMs,
      metadata: this.headers.clone(),
    });
  }

  /** One Transaction call to `address`, no retry. */
  callTransaction<M extends keyof TransactionRpcs>(
    address: string,
    method: M,
    request: TransactionRpcs[M][0],
    deadlineMs: number,
  ): Promise<TransactionRpcs[M][1]> {
    return callTransaction(this.pool.transaction(address), method, request, {
      address,
      deadlineMs,
      metadata: this.headers.clone(),
    });
  }

  /** A new ProduceStream to `address`. */
  produceStream(address: string): ProduceStreamCall {
    return openProduceStream(this.pool.broker(address), this.headers.clone());
  }

  /** A new EndTxnStream to the coordinator at `address`. */
  endTxnStream(address: string): EndTxnStreamCall {
    return this.pool.transaction(address).endTxnStream(this.headers.clone());
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
