/**
 * The broker's readiness (/readyz): what a load balancer or a rolling restart waits for.
 */
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { Readiness } from "../http/health-routes.js";
import { describeLogDirFailure, type LogDirState } from "../storage/log-dir-health.js";
import type { BrokerSession } from "./broker-session.js";

/**
 * Ready to serve: not shutting down, registered in etcd (and not fenced), metadata read
 * completely, the local replicas reconciled with it, every partition log writable (a
 * full or failing disk says which and why), and every partition this broker follows
 * caught up into its ISR, unless its leader is gone (then waiting would not help) or a
 * reassignment is adding it here.
 * A rolling restart that waits for this never takes down a second replica of a partition
 * before the first is back in its ISR.
 */
export function readiness(
  brokerId: number,
  session: BrokerSession,
  synced: boolean,
  image: MetadataImage,
  partitions: readonly {
    key: string;
    role: string;
    leader: number;
    isr: readonly number[];
    addingReplicas: ReadonlySet<number>;
  }[],
  storage: LogDirState,
): Readiness {
  // A replica a reassignment is adding here copies the log in its own time (throttled,
  // perhaps for hours): this broker serves meanwhile, and no rolling restart needs it.
  const behind = partitions.filter(
    (p) =>
      p.role === "follower" &&
      p.leader >= 0 &&
      image.brokers.has(p.leader) &&
      !p.isr.includes(brokerId) &&
      !p.addingReplicas.has(brokerId),
  );
  const checks = {
    running: !session.shuttingDown,
    registered: session.registration !== null && !session.registration.isFenced(),
    metadataSynced: synced,
    replicasReconciled: session.reconciled,
    replicasCaughtUp: behind.length === 0,
    storageWritable: !storage.failed,
  };
  const reasons: string[] = [];
  if (!checks.running) reasons.push("shutting down");
  if (!checks.registered) reasons.push("not registered in etcd (or the session lapsed)");
  if (!checks.metadataSynced) reasons.push("metadata not read completely since the last watch gap");
  if (!checks.replicasReconciled) reasons.push("local replicas not yet reconciled with the metadata");
  if (!checks.storageWritable) reasons.push(describeLogDirFailure(storage));
  if (!checks.replicasCaughtUp) {
    const some = behind.slice(0, 10).map((p) => p.key);
    reasons.push(`${behind.length} followed partition(s) not back in their ISR yet: ${some.join(", ")}`);
  }
  return { ready: reasons.length === 0, checks, reasons };
}
