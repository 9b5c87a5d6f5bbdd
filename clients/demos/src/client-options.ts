/**
 * The SDK client settings every demo process uses (the demo itself, processors, zombie
 * instances). The SDK's default of 5 retries gives up within about 4 s, less than a
 * failover takes here (a 3 s session before a dead leader or coordinator is replaced,
 * then the new coordinator aborting what the old one left open), so a client of a
 * cluster being broken on purpose is given the SDK's maximum: 20 retries with backoff
 * capped at 1 s, about 20 s of riding it out, inside a 30 s deadline per call.
 */
import type { ClientOptions } from "@tidelog/client";

export function demoClientOptions(bootstrap: string, clientId: string): ClientOptions {
  return {
    brokers: bootstrap,
    clientId,
    requestTimeoutMs: 30_000,
    retry: { retries: 20, initialBackoffMs: 100, maxBackoffMs: 1_000 },
  };
}
