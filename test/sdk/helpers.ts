/**
 * Shared by the producer, consumer and CLI tests: a Client against fake data brokers
 * with fast retries, and waiting for a condition with a deadline (never a bare sleep).
 */
import type { TestContext } from "node:test";
import { Client, type ClientOptions } from "../../clients/sdk/src/index.js";
import type { RunningFakeDataCluster } from "./fake-broker-server.js";

export const FAST_RETRY = { retries: 10, initialBackoffMs: 10, maxBackoffMs: 50 };

export function clientFor(t: TestContext, fake: RunningFakeDataCluster, options: ClientOptions = {}): Client {
  const client = new Client({ brokers: fake.bootstrap, retry: FAST_RETRY, requestTimeoutMs: 5000, ...options });
  t.after(() => client.close());
  return client;
}

/** Resolves once `condition` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A value of `n` bytes whose text starts with `label`. */
export function paddedValue(label: string, n = 100): Buffer {
  const b = Buffer.alloc(n, 0x2e);
  b.write(label, 0, "utf8");
  return b;
}
