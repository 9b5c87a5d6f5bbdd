/**
 * The availability timeline's data, folded from the history: per second of the run, the
 * workload's completions (ok, fail, info) and the latency p50/p99/max of the ok ones
 * (completion time minus invocation time, in the process that made them), and the fault
 * windows. The final phase (final reads, drain) is left out: it is not the workload.
 *
 * Memory: one pending invocation time per process, and per second three counters and a
 * sparse latency histogram (LatencyHistogram).
 */

import { isFinalPhase } from "../checkers/result.js";
import type { FaultRecord } from "../cluster/types.js";
import type { Op } from "../history.js";
import { LIMITS } from "../limits.js";
import { FaultLog } from "./fault-log.js";
import { LatencyHistogram } from "./latency-histogram.js";

export interface TimelineSecond {
  /** Start of the second, in seconds since the run's epoch. */
  readonly t: number;
  readonly ok: number;
  readonly fail: number;
  readonly info: number;
  /** ms; null when no op completed ok in that second. */
  readonly p50: number | null;
  readonly p99: number | null;
  /** The slowest ok op of the second: a stall a few ops waited out shows here, not in p99. */
  readonly max: number | null;
}

export interface TimelineData {
  readonly seconds: readonly TimelineSecond[];
  readonly faults: readonly FaultRecord[];
  /** ms since the epoch of the last op or fault end: the plot's right edge. */
  readonly endMs: number;
}

interface Bucket {
  ok: number;
  fail: number;
  info: number;
  readonly latency: LatencyHistogram;
}

export class TimelineRecorder {
  private readonly invokedAt = new Map<number, number>();
  private readonly buckets = new Map<number, Bucket>();
  private readonly faults = new FaultLog();
  private endMs = 0;

  observe(op: Op): void {
    this.endMs = Math.max(this.endMs, op.time);
    if (op.process === "nemesis") {
      this.faults.observe(op);
      return;
    }
    if (isFinalPhase(op.f)) return;
    if (op.type === "invoke") {
      this.invokedAt.set(op.process, op.time);
      return;
    }
    const invoked = this.invokedAt.get(op.process);
    this.invokedAt.delete(op.process);
    const second = Math.floor(op.time / 1000);
    if (second >= LIMITS.timelineSecondsMax) return;
    let bucket = this.buckets.get(second);
    if (!bucket) {
      bucket = { ok: 0, fail: 0, info: 0, latency: new LatencyHistogram() };
      this.buckets.set(second, bucket);
    }
    bucket[op.type]++;
    if (op.type === "ok" && invoked !== undefined) bucket.latency.add(op.time - invoked);
  }

  data(): TimelineData {
    const faults = this.faults.records();
    let endMs = this.endMs;
    for (const f of faults) endMs = Math.max(endMs, f.endMs ?? f.startMs);
    const last = Math.floor(endMs / 1000);
    const seconds: TimelineSecond[] = [];
    for (let t = 0; t <= last; t++) {
      const b = this.buckets.get(t);
      seconds.push({
        t,
        ok: b?.ok ?? 0,
        fail: b?.fail ?? 0,
        info: b?.info ?? 0,
        p50: b?.latency.quantile(0.5) ?? null,
        p99: b?.latency.quantile(0.99) ?? null,
        max: b?.latency.quantile(1) ?? null,
      });
    }
    return { seconds, faults, endMs };
  }
}
