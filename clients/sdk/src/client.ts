/**
 * The entry point of the SDK: one Client per application and cluster. It resolves the
 * bootstrap brokers, checks its options against the bounds in limits.ts, and hands out
 * the admin, producers and consumers, which share its connections, cluster and topic
 * metadata, retry policy and logger.
 *
 *   const client = new Client({ brokers: "127.0.0.1:9092" });
 *   const admin = client.admin();
 *   await admin.createTopic({ name: "orders", partitions: 3 });
 *   const producer = client.producer();
 *   await producer.send("orders", { key: "o-1", value: "{...}" });
 *   await client.close();   // closes (and so flushes) its producers and consumers first
 *
 * Construction does no I/O: connections open on first use. `close()` closes every
 * producer and consumer, then every connection; calls made afterwards throw.
 */
import { Admin } from "./admin.js";
import { resolveBootstrap } from "./bootstrap.js";
import { ClientContext } from "./client-context.js";
import { channelCredentials, type SslOptions } from "./client-tls.js";
import { Consumer } from "./consumer.js";
import type { ConsumerOptions } from "./consumer-types.js";
import { TidelogError } from "./errors.js";
import { checkClientLimits, DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_RETRY } from "./limits.js";
import { type Logger, silentLogger } from "./logger.js";
import { CLIENT_OPTION_NAMES, checkOptionNames } from "./option-names.js";
import { Producer } from "./producer.js";
import type { ProducerOptions } from "./producer-types.js";
import { type RetryOptions, systemSeams } from "./retry.js";
import { checkSaslOptions, type SaslOptions, SaslSessions } from "./sasl-session.js";

export interface ClientOptions {
  /** `host:port` addresses, an array or comma-separated; else TIDELOG_BOOTSTRAP, else .tidelog/cluster.json. */
  readonly brokers?: string | readonly string[];
  /** Sent with every request so brokers' logs can say who asked. */
  readonly clientId?: string;
  /** The longest one call may take, all attempts and backoffs included. */
  readonly requestTimeoutMs?: number;
  /** The longest one attempt at one broker may take before the next attempt goes elsewhere. */
  readonly attemptTimeoutMs?: number;
  readonly retry?: Partial<RetryOptions>;
  readonly logger?: Logger;
  /**
   * TLS to brokers whose `security.protocol` is SSL: `true` trusts the system's CAs; an
   * object gives PEM contents (a CA bundle to trust, and for mutual TLS a client
   * certificate and its key). Omitted: plaintext.
   */
  readonly ssl?: true | SslOptions;
  /**
   * SCRAM authentication (brokers with `sasl.enabled.mechanisms`): the client then acts as
   * `username` (User:<username> to the authorizer). Needs `ssl`: brokers take SASL over
   * TLS only. The password stays in this process; only a proof of it is sent.
   */
  readonly sasl?: SaslOptions;
}

const CLIENT_ID = /^[\x21-\x7e]{1,255}$/;

export class Client {
  readonly clientId: string;
  /** The bootstrap brokers, normalised. */
  readonly brokers: readonly string[];
  private readonly context: ClientContext;
  private readonly producers = new Set<Producer>();
  private readonly consumers = new Set<Consumer>();

  constructor(options: ClientOptions = {}) {
    checkOptionNames("client", options, CLIENT_OPTION_NAMES);
    this.clientId = options.clientId ?? "tidelog-client";
    if (!CLIENT_ID.test(this.clientId)) {
      throw new TidelogError("INVALID_CONFIG", "clientId must be 1-255 printable ASCII characters without spaces");
    }
    this.brokers = resolveBootstrap({ brokers: options.brokers }).brokers;
    const limits = checkClientLimits({
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      attemptTimeoutMs: options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS,
      retry: { ...DEFAULT_RETRY, ...options.retry },
    });
    const logger = options.logger ?? silentLogger;
    this.context = new ClientContext({
      clientId: this.clientId,
      bootstrap: this.brokers,
      ...limits,
      logger,
      seams: systemSeams,
      credentials: channelCredentials(options.ssl),
      sasl: this.saslSessions(options, logger),
    });
  }

  private saslSessions(options: ClientOptions, logger: Logger): SaslSessions | null {
    if (options.sasl === undefined) return null;
    const sasl = checkSaslOptions(options.sasl);
    if (options.ssl === undefined)
      throw new TidelogError("INVALID_CONFIG", "sasl needs ssl: brokers take SASL authentication over TLS only");
    return new SaslSessions(sasl, channelCredentials(options.ssl), systemSeams.nowMs, logger);
  }

  admin(): Admin {
    return new Admin(this.context);
  }

  /** A producer; see Producer for the options and their defaults. */
  producer(options: ProducerOptions = {}): Producer {
    const producer = new Producer(this.context, options, (p) => this.producers.delete(p));
    this.producers.add(producer);
    return producer;
  }

  /** A consumer of assigned partitions; see Consumer for the options and their defaults. */
  consumer(options: ConsumerOptions = {}): Consumer {
    const consumer = new Consumer(this.context, options, (c) => this.consumers.delete(c));
    this.consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.consumers].map((c) => c.close()));
    await Promise.allSettled([...this.producers].map((p) => p.close()));
    this.context.close();
  }
}
