/**
 * One gRPC channel (one HTTP/2 connection) per broker address, shared by every service
 * stub the client makes for that broker: the Admin service and the Broker service (the
 * producer's and consumer's data plane). Channels open lazily on first use and all close with `close()`.
 *
 * Bounded: at most MAX_CONNECTIONS channels; past that the least recently used one is
 * closed (a call still running on it fails as a transport error and is retried like any
 * other). Not for concurrent `close()` and use: after `close()` every use throws.
 */
import * as grpc from "@grpc/grpc-js";
import { CHANNEL_OPTIONS, loadTidelogProto, type TidelogProto } from "./protocol/grpc.js";
import type { AdminClient, BrokerClient, GroupClient, TransactionClient } from "./protocol/messages.js";
import type { RetryOptions } from "./retry.js";

interface Connection {
  readonly channel: grpc.Channel;
  readonly credentials: grpc.ChannelCredentials;
  admin: AdminClient | null;
  broker: BrokerClient | null;
  group: GroupClient | null;
  transaction: TransactionClient | null;
}

export interface ConnectionPoolOptions {
  readonly clientId: string;
  readonly maxConnections: number;
  /** grpc-js reconnects on its own schedule; keeping it within the retry policy's means a retry finds a fresh connection attempt instead of a channel still backing off. */
  readonly retry: RetryOptions;
  /** Credentials for every channel: insecure, or TLS (client-tls.ts), with SASL tokens when set (sasl-session.ts). */
  readonly credentials: grpc.ChannelCredentials;
  /** SASL (sasl-session.ts): each broker's channel credentials (adding its token), and its stubs' interceptors. */
  readonly perBroker?: {
    credentials(address: string): grpc.ChannelCredentials;
    interceptor(address: string): grpc.Interceptor;
  };
}

export class ConnectionPool {
  /** Map order is recency order: a used entry is moved to the end. */
  private readonly connections = new Map<string, Connection>();
  private proto: TidelogProto | null = null;
  private closed = false;
  private readonly channelOptions: grpc.ChannelOptions;

  constructor(private readonly options: ConnectionPoolOptions) {
    this.channelOptions = {
      ...CHANNEL_OPTIONS,
      "grpc.primary_user_agent": `tidelog-client/${options.clientId}`,
      "grpc.initial_reconnect_backoff_ms": options.retry.initialBackoffMs,
      "grpc.max_reconnect_backoff_ms": options.retry.maxBackoffMs,
    };
  }

  get size(): number {
    return this.connections.size;
  }

  /** The Admin service stub for `address`. */
  admin(address: string): AdminClient {
    const connection = this.connection(address);
    if (connection.admin === null) {
      const Admin = this.loadProto().tidelog.v1.Admin;
      connection.admin = new Admin(address, connection.credentials, this.stubOptions(address, connection));
    }
    return connection.admin;
  }

  /** The Broker service stub (metadata, produce, fetch, offsets, producer ids) for `address`. */
  broker(address: string): BrokerClient {
    const connection = this.connection(address);
    if (connection.broker === null) {
      const Broker = this.loadProto().tidelog.v1.Broker;
      connection.broker = new Broker(address, connection.credentials, this.stubOptions(address, connection));
    }
    return connection.broker;
  }

  /** The Group service stub (coordinators, membership, committed offsets) for `address`. */
  group(address: string): GroupClient {
    const connection = this.connection(address);
    if (connection.group === null) {
      const Group = this.loadProto().tidelog.v1.Group;
      connection.group = new Group(address, connection.credentials, this.stubOptions(address, connection));
    }
    return connection.group;
  }

  /** The Transaction service stub (transaction coordinators) for `address`. */
  transaction(address: string): TransactionClient {
    const connection = this.connection(address);
    if (connection.transaction === null) {
      const Transaction = this.loadProto().tidelog.v1.Transaction;
      connection.transaction = new Transaction(address, connection.credentials, this.stubOptions(address, connection));
    }
    return connection.transaction;
  }

  close(): void {
    this.closed = true;
    for (const connection of this.connections.values()) connection.channel.close();
    this.connections.clear();
  }

  private connection(address: string): Connection {
    if (this.closed) throw new Error("the tidelog client is closed");
    const existing = this.connections.get(address);
    if (existing) {
      this.connections.delete(address);
      this.connections.set(address, existing);
      return existing;
    }
    this.evictBeyond(this.options.maxConnections - 1);
    const credentials = this.options.perBroker?.credentials(address) ?? this.options.credentials;
    const channel = new grpc.Channel(address, credentials, this.channelOptions);
    const created: Connection = { channel, credentials, admin: null, broker: null, group: null, transaction: null };
    this.connections.set(address, created);
    return created;
  }

  private evictBeyond(count: number): void {
    for (const [address, connection] of this.connections) {
      if (this.connections.size <= count) return;
      connection.channel.close();
      this.connections.delete(address);
    }
  }

  private stubOptions(address: string, connection: Connection): grpc.ClientOptions {
    return {
      ...this.channelOptions,
      channelOverride: connection.channel,
      interceptors: this.options.perBroker ? [this.options.perBroker.interceptor(address)] : [],
    };
  }

  /** Loaded on first use: parsing the .proto files costs tens of milliseconds. */
  private loadProto(): TidelogProto {
    this.proto ??= loadTidelogProto(grpc);
    return this.proto;
  }
}
