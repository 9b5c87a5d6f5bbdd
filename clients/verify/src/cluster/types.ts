/**
 * What the verifier and the demos need of a cluster under test: its address, its
 * processes by role, and the faults that can be done to them. `LocalCluster`
 * (./local-cluster.ts) implements all of it for a cluster it launched; a cluster reached
 * with --bootstrap only has the client-side part (`faults` is empty there).
 */

/** A process of the cluster: a broker (id >= 0) or the etcd member. */
export type Member = { kind: "broker"; id: number } | { kind: "etcd" };

/** Every fault kind the nemesis knows, one name each (used in flags, histories and tables). */
export type FaultKind =
  | "kill" // kill -9 a broker, restart it after the fault window
  | "pause" // SIGSTOP a broker past the session timeout, then SIGCONT
  | "etcd-kill" // kill -9 etcd, restart it on the same data directory
  | "etcd-pause" // SIGSTOP etcd, then SIGCONT
  | "partition-leader" // a partition leader cut from its followers (not from etcd)
  | "partition-etcd" // one broker cut from etcd only
  | "partition-split" // a majority/minority split of the brokers (etcd with the majority)
  | "disk-full" // one broker's data directory (a small tmpfs) filled up, then freed
  | "clock-jump" // one broker's wall clock jumped (faketime), then set back
  | "torn-tail"; // a killed broker's active segment truncated mid-batch before restart

/** Which broker a broker fault picks. */
export type BrokerTarget = "leader" | "controller" | "coordinator" | "random";

/** One fault as done: what, to whom, and its window (ms since the run's epoch). */
export interface FaultRecord {
  kind: FaultKind;
  target: string; // "broker 2", "etcd", "1,2 | 3"
  startMs: number;
  endMs: number | null; // null while it lasts
  detail?: string;
  /** Set when the fault could not be done (a missing tool, no leader to pick). */
  skipped?: string;
  /** Set when doing or ending the fault failed (e.g. a killed broker did not come back): the cluster may be left broken. */
  error?: string;
}

/** The cluster under test. */
export interface ClusterUnderTest {
  /** host:port[,host:port...] for clients. */
  readonly bootstrap: string;
  /** Broker ids, as launched. */
  readonly brokerIds: readonly number[];
  /** Faults this cluster can take (all for a launched one; none for --bootstrap). */
  readonly faults: ReadonlySet<FaultKind>;
  /** Stops every process and removes what the launch created (network, data, tmpfs). Idempotent. */
  close(): Promise<void>;
  /** A launched broker's data directory, where the run can read its logs after the faults (replica-logs.ts). */
  dataDir?(id: number): string;
}

/**
 * A cluster this process launched (etcd + brokers), with its processes in reach:
 * what the nemesis and the demos act on. Implemented by ./local-cluster.ts.
 */
export interface LocalClusterControl extends ClusterUnderTest {
  /** kill -9 of a broker; resolves once it is gone. */
  killBroker(id: number): Promise<void>;
  /** Starts a stopped or killed broker again on its data directory and port; resolves once it is registered. */
  restartBroker(id: number): Promise<void>;
  /** SIGSTOP / SIGCONT of a broker. */
  pauseBroker(id: number): Promise<void>;
  resumeBroker(id: number): Promise<void>;
  /** etcd kill -9 + restart on the same data directory, and SIGSTOP / SIGCONT. */
  killEtcd(): Promise<void>;
  restartEtcd(): Promise<void>;
  pauseEtcd(): Promise<void>;
  resumeEtcd(): Promise<void>;
  /** Who holds a role now, from the cluster's own metadata (null when nobody or unknown). */
  controllerId(): Promise<number | null>;
  leaderOf(topic: string, partition: number): Promise<number | null>;
  /** The broker coordinating a transactional id (the leader of its __transaction_state partition). */
  transactionCoordinatorOf(transactionalId: string): Promise<number | null>;
  /** A broker's data directory (e.g. for a torn tail after a kill). */
  dataDir(id: number): string;

  // What the nemesis acts with, beyond the processes (added with ./local-cluster.ts).

  /** broker.session.timeout.ms the brokers run with: a pause longer than this costs a broker its registration. */
  readonly sessionTimeoutMs: number;
  /** Every fault kind this cluster cannot take, with why (not root, no `ip`, no libfaketime, not asked for). */
  readonly unavailableFaults: ReadonlyMap<FaultKind, string>;
  /** Every partition of `topics` (of every topic when empty) with its roles now; none while nobody answers. */
  partitionsOf(topics: readonly string[]): Promise<PartitionRoles[]>;
  /** The pid of a broker's (etcd's) current process; null while it is not running. */
  brokerPid(id: number): number | null;
  etcdPid(): number | null;
  /** A broker's "host:port", as clients dial it. */
  brokerAddress(id: number): string;
  /** A broker's HTTP (health, metrics, admin REST) "host:port". */
  brokerHttpAddress(id: number): string;
  /** `from` exchanges no packets with any of `to` until the cut heals (needs `network: true`). */
  cut(from: Member, to: readonly Member[]): Promise<NetworkCut>;
  /** Fills a broker's data directory (its tmpfs) with a filler file until writes fail (needs `tmpfsMiB`). */
  fillDisk(id: number): Promise<DiskFill>;
  /** Sets how far a broker's wall clock is from the real one; 0 sets it back (needs `fakeClock`). */
  setClockOffset(id: number, offsetMs: number): Promise<void>;
  /** The last output lines of a process, for an error message. */
  logTail(member: Member, lines?: number): string;
}

/** A partition's leader, replicas and in-sync replicas, as the cluster's metadata has them. */
export interface PartitionRoles {
  readonly topic: string;
  readonly partition: number;
  readonly leader: number | null;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

/** A network cut in place (see LocalClusterControl.cut). */
export interface NetworkCut {
  /** "198.18.4.11 cut off from 198.18.4.12 (iptables DROP in tlnet-…-m1)". */
  readonly description: string;
  /** Removes the cut; idempotent. */
  heal(): Promise<void>;
}

/** A filled data directory (see LocalClusterControl.fillDisk). */
export interface DiskFill {
  /** Bytes the filler file took. */
  readonly bytes: number;
  /** Deletes the filler; idempotent. */
  free(): Promise<void>;
}

/** How to launch a LocalCluster. */
export interface LocalClusterOptions {
  /** Broker count; default 3. */
  brokers?: number;
  /** Broker config overrides (name -> value, as the broker's --config flags take them). */
  brokerConfig?: Readonly<Record<string, string>>;
  /**
   * Put each broker and etcd in its own network namespace on a private bridge, so the
   * partition faults can be made (needs root and iproute2; refused with a clear error otherwise).
   */
  network?: boolean;
  /** Give each broker its data directory on a small tmpfs of this many MiB (for disk-full); needs root. */
  tmpfsMiB?: number;
  /** Run brokers under libfaketime (for clock-jump); needs the faketime Debian package. */
  fakeClock?: boolean;
  /** Where progress and process output lines go; default nowhere. */
  log?: (line: string) => void;
  /** Run the brokers from TypeScript source (through tsx) or from the build; default: as this module runs. */
  entry?: "source" | "dist";
}
