/**
 * The entry point of the SDK: one Client per application and cluster. It resolves the
 * bootstrap brokers, checks its options against the bounds in limits.ts, and hands out
 * the admin (and, later, producers and consumers) that share its connections, cluster
 * metadata, retry policy and logger.
 *
 *   const client = new Client({ brokers: "127.0.0.1:9092" });
 *   const admin = client.admin();
 *   await admin.createTopic({ name: "orders", partitions: 3 });
 *   await client.close();
 *
 * Construction does no I/O: connections open on first use. `close()` closes every
 * connection; calls made afterwards throw.
 */
import { Admin } from "./admin.js";
import { resolveBootstrap } from "./bootstrap.js";
import { ClientContext } from "./client-context.js";
import { TidelogError } from "./errors.js";
import { checkClientLimits, DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_RETRY } from "./limits.js";
import { type Logger, silentLogger } from "./logger.js";
import { type RetryOptions, systemSeams } from "./retry.js";

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
}

const CLIENT_ID = /^[\x21-\x7e]{1,255}$/;

export class Client {
  readonly clientId: string;
  /** The bootstrap brokers, normalised. */
  readonly brokers: readonly string[];
  private readonly context: ClientContext;

  constructor(options: ClientOptions = {}) {
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
    this.context = new ClientContext({
      clientId: this.clientId,
      bootstrap: this.brokers,
      ...limits,
      logger: options.logger ?? silentLogger,
      seams: systemSeams,
    });
  }

  admin(): Admin {
    return new Admin(this.context);
  }

  async close(): Promise<void> {
    this.context.close();
  }
}
