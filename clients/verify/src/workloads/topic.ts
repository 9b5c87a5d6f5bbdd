/**
 * The cluster-side steps the workloads share: creating a topic and waiting until it is
 * led and in sync, and, after the run, waiting until the cluster settled (every partition
 * led, no open transaction: last stable offset = high watermark) to learn each
 * partition's end offset. Every wait is bounded and ends in CLUSTER_SETTLE naming what
 * was awaited and what was last seen.
 */
import type { Admin } from "@tidelog/client";
import { VerifyError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { pause } from "./workload.js";

const POLL_MS = 250;

/** Polls `check` until it returns a non-null value (a throw counts as "not yet"), at most `timeoutMs`. */
export async function until<T>(description: string, timeoutMs: number, check: () => Promise<T | null>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last = "no answer yet";
  for (;;) {
    try {
      const value = await check();
      if (value !== null) return value;
      last = "not yet";
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (performance.now() >= deadline) {
      throw new VerifyError("CLUSTER_SETTLE", `${description}: not within ${timeoutMs} ms (last: ${last})`);
    }
    await pause(POLL_MS);
  }
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly brokers: number;
}

/** Creates the topic (replication min(3, brokers), min.insync.replicas one less, at least 1) and waits until it is led and in sync. */
export async function createTopic(admin: Admin, spec: TopicSpec): Promise<void> {
  const replicationFactor = Math.min(3, spec.brokers);
  await admin.createTopic({
    name: spec.name,
    partitions: spec.partitions,
    replicationFactor,
    configs: { "min.insync.replicas": String(Math.max(1, replicationFactor - 1)) },
  });
  await until(`topic ${spec.name} led and in sync`, LIMITS.settleTimeoutMs, async () => {
    const d = await admin.describeTopic(spec.name);
    const ready =
      d.partitions.length === spec.partitions &&
      d.partitions.every((p) => p.leader !== null && p.isr.length === replicationFactor);
    return ready ? true : null;
  });
}

/**
 * After the run: waits until every partition of `topic` has a leader and no open
 * transaction (last stable offset = high watermark), and returns each partition's end
 * offset (its high watermark), in partition order.
 */
export async function settledEndOffsets(admin: Admin, topic: string, partitions: number): Promise<number[]> {
  return until(
    `topic ${topic} settled (every partition led, no open transaction)`,
    LIMITS.settleTimeoutMs,
    async () => {
      const found = await admin.describeProducers([topic]);
      const ends: number[] = [];
      for (let p = 0; p < partitions; p++) {
        const state = found.find((f) => f.topic === topic && f.partition === p);
        // Thrown, so a timeout names what the cluster was still missing.
        if (!state) throw new Error(`partition ${p}: no answer`);
        if (state.error) throw new Error(`partition ${p}: ${state.error}`);
        if (state.highWatermark === null) throw new Error(`partition ${p}: no high watermark`);
        if (state.lastStableOffset !== state.highWatermark) {
          throw new Error(
            `partition ${p}: transaction open (last stable offset ${state.lastStableOffset}, high watermark ${state.highWatermark})`,
          );
        }
        ends.push(state.highWatermark);
      }
      return ends;
    },
  );
}
