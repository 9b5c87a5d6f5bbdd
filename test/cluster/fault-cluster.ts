/**
 * The set-up the fault tests start from: three brokers with the fault settings
 * (fault-config.ts), a client whose retries outlast an election, and all three
 * registrations seen before the test begins.
 */
import type { TestContext } from "node:test";
import { type Admin, Client } from "@tidelog/client";
import { type ClusterHandle, startCluster, waitFor } from "../../scripts/harness/cluster.js";
import { faultBrokerConfig } from "./fault-config.js";

export interface FaultCluster {
  readonly c: ClusterHandle;
  readonly client: Client;
  readonly admin: Admin;
}

/** A client of `c`, closed after the test, once every broker is registered. */
export async function connectClient(
  t: TestContext,
  c: ClusterHandle,
  timeouts: { requestTimeoutMs: number; attemptTimeoutMs: number } = {
    requestTimeoutMs: 30_000,
    attemptTimeoutMs: 2000,
  },
): Promise<FaultCluster> {
  const client = new Client({ brokers: c.bootstrap, ...timeouts });
  t.after(() => client.close());
  const admin = client.admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === c.brokers.length, {
    description: `${c.brokers.length} brokers`,
    timeoutMs: 20_000,
  });
  return { c, client, admin };
}

/** Three brokers with faultBrokerConfig(`settings`), and a client of them. */
export async function startFaultCluster(
  t: TestContext,
  settings: Readonly<Record<string, string>> = {},
): Promise<FaultCluster> {
  const c = await startCluster(t, { brokers: 3, brokerConfig: faultBrokerConfig(settings) });
  return connectClient(t, c);
}
