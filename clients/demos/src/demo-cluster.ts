/**
 * The cluster a demo runs on: one it launches (etcd + 3 brokers, through
 * @tidelog/verify's launchLocalCluster), whose brokers it may kill, pause and restart;
 * or one the user points it at with --bootstrap, where it only does what a client can
 * (kill its own processors) and never touches a broker.
 *
 * A launched cluster gets short failure detection (3 s sessions), so a killed leader is
 * replaced within seconds of a demo's run rather than Kafka's production tens of
 * seconds, and min.insync.replicas 2 with 3 replicas, so acks=all means "on two disks"
 * while one broker is down.
 */
import type { Admin } from "@tidelog/client";
import type { LocalClusterControl, LocalClusterOptions } from "@tidelog/verify";
import { RECOVERY_TIMEOUT_MS } from "./limits.js";
import type { Progress } from "./progress.js";
import { WaitTimeoutError, waitFor } from "./wait.js";

/**
 * What the demos do to a cluster they launched: the part of @tidelog/verify's
 * `LocalClusterControl` they use (a test may hand in any object with these members).
 */
export type FaultableCluster = Pick<
  LocalClusterControl,
  | "bootstrap"
  | "brokerIds"
  | "killBroker"
  | "restartBroker"
  | "pauseBroker"
  | "resumeBroker"
  | "leaderOf"
  | "transactionCoordinatorOf"
  | "close"
>;

export type LaunchCluster = (options: LocalClusterOptions) => Promise<FaultableCluster>;

/** Broker settings of a launched demo cluster (see the header). */
export const DEMO_BROKER_CONFIG: Readonly<Record<string, string>> = {
  "broker.session.timeout.ms": "3000",
  "controller.session.timeout.ms": "3000",
  "replica.lag.time.max.ms": "2000",
  "replica.fetch.wait.max.ms": "100",
  "min.insync.replicas": "2",
  "transaction.state.log.num.partitions": "4",
  "offsets.topic.num.partitions": "4",
  "transaction.abort.timed.out.transaction.cleanup.interval.ms": "1000",
};

export const DEMO_BROKERS = 3;

export interface DemoCluster {
  readonly bootstrap: string;
  /** The launched cluster's fault handles; null with --bootstrap. */
  readonly faults: FaultableCluster | null;
  close(): Promise<void>;
}

export async function openCluster(
  bootstrap: string | undefined,
  launch: LaunchCluster,
  progress: Progress,
): Promise<DemoCluster> {
  if (bootstrap !== undefined) {
    progress.event(`using the cluster at ${bootstrap}: client-side faults only (no broker is touched)`);
    return { bootstrap, faults: null, close: async () => {} };
  }
  progress.event(`starting a local cluster: etcd + ${DEMO_BROKERS} brokers...`);
  const cluster = await launch({ brokers: DEMO_BROKERS, brokerConfig: DEMO_BROKER_CONFIG });
  progress.event(`cluster up: brokers ${cluster.brokerIds.join(", ")} at ${cluster.bootstrap}`);
  return { bootstrap: cluster.bootstrap, faults: cluster, close: () => cluster.close() };
}

/** Replicas per partition: 3, or fewer on a smaller cluster given with --bootstrap. */
export async function replicationFactor(admin: Admin): Promise<number> {
  const brokers = (await admin.describeCluster()).brokers.length;
  return Math.max(1, Math.min(DEMO_BROKERS, brokers));
}

/** Creates the demo's topics and waits until every partition has a leader and all replicas in sync. */
export async function createTopics(
  admin: Admin,
  topics: readonly { name: string; partitions: number }[],
  signal: AbortSignal,
): Promise<void> {
  const rf = await replicationFactor(admin);
  for (const t of topics) await admin.createTopic({ name: t.name, partitions: t.partitions, replicationFactor: rf });
  await waitInSync(
    admin,
    topics.map((t) => t.name),
    signal,
  );
}

/** Waits until every partition of `topics` has a leader and its whole replica set in sync. */
export async function waitInSync(admin: Admin, topics: readonly string[], signal: AbortSignal): Promise<void> {
  let behind = "not described yet";
  try {
    await waitFor(
      async () => {
        const lagging: string[] = [];
        for (const d of await admin.describeTopics(topics)) {
          for (const p of d.partitions) {
            if (p.leader === null || p.isr.length < p.replicas.length) {
              lagging.push(
                `${d.name}-${p.partition} (leader ${p.leader}, isr ${p.isr.join(",")} of ${p.replicas.join(",")})`,
              );
            }
          }
        }
        behind = lagging.slice(0, 5).join("; ");
        return lagging.length === 0;
      },
      { description: "every partition led and in sync", timeoutMs: RECOVERY_TIMEOUT_MS, intervalMs: 200, signal },
    );
  } catch (e) {
    if (e instanceof WaitTimeoutError) throw new WaitTimeoutError(`${e.message}; behind: ${behind}`);
    throw e;
  }
}
