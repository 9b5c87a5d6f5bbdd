/**
 * The SDK client the HTTP API uses for what spans brokers (consumer groups: every
 * coordinator for a listing, the one coordinator of a group otherwise). Opened on the
 * first such request, bootstrapped from this broker's own gRPC address, so a broker
 * whose HTTP API is never asked about groups opens no connection at all.
 */
import { type Admin, Client, type SslOptions } from "@tidelog/client";
import type { Logger } from "../common/logger.js";

/** Bounds on one HTTP request's SDK call: retries across a coordinator move fit inside. */
const REQUEST_TIMEOUT_MS = 15_000;
/** One attempt of that call, so a dead coordinator is left for the next in time. */
const ATTEMPT_TIMEOUT_MS = 5_000;

export class HttpAdminClient {
  private client: Client | null = null;

  constructor(
    private readonly selfAddress: string,
    private readonly brokerId: number,
    private readonly logger: Logger,
    /** TLS to the brokers, as this broker's own connections use it; undefined for plaintext. */
    private readonly ssl?: SslOptions,
  ) {}

  admin(): Admin {
    this.client ??= new Client({
      brokers: this.selfAddress,
      clientId: `broker-${this.brokerId}-http`,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
      logger: this.logger.child({ component: "http-client" }),
      ...(this.ssl ? { ssl: this.ssl } : {}),
    });
    return this.client.admin();
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.close();
  }
}
