/**
 * What a workload is to the runner: client processes that drive a cluster until told to
 * stop, recording every operation in the history, then a final phase (after the faults
 * healed) that settles the cluster and reads back what the checker needs. Each workload
 * comes with its checker (src/checkers/).
 *
 * Processes are Jepsen's: a number, one operation in flight at a time. Every wait of a
 * workload is bounded (see LIMITS): an op outlives the stop by at most the delivery
 * timeout, and the final phase fails with CLUSTER_SETTLE rather than hang.
 */
import type { Client } from "@tidelog/client";
import type { Checker } from "../checkers/result.js";
import type { HistoryRecorder } from "../history.js";
import type { Random } from "../random.js";

export const WORKLOAD_NAMES = ["queue", "txn", "group"] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export function isWorkloadName(name: string): name is WorkloadName {
  return (WORKLOAD_NAMES as readonly string[]).includes(name);
}

export interface WorkloadContext {
  /** The run's SDK client: processes share its connections and metadata. */
  readonly client: Client;
  readonly history: HistoryRecorder;
  /** The run's random stream; each process forks its own. */
  readonly random: Random;
  /** Client processes (see each workload for what they are). */
  readonly clients: number;
  /** Brokers in the cluster: topics get min(3, brokers) replicas. */
  readonly brokers: number;
  /** Unique per run: names its topics, group and transactional ids, so runs never share state. */
  readonly runId: string;
  readonly log: (line: string) => void;
}

export interface Workload {
  readonly name: WorkloadName;
  /** Topics it writes (the nemesis's "leader" targets). */
  readonly topics: readonly string[];
  /** Transactional ids it uses (the nemesis's "coordinator" targets). */
  readonly transactionalIds: readonly string[];
  /** Creates its topics and waits until they are led and in sync. */
  setup(): Promise<void>;
  /** Drives the processes until `stop` aborts; resolves once each has completed its last op. */
  run(stop: AbortSignal): Promise<void>;
  /** After the faults healed: settles the cluster, drains, and records the final reads. */
  finish(): Promise<void>;
  /** A fresh checker for this workload's history. */
  checker(): Checker;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
