/**
 * Latencies of one second of a run, for its p50 and p99: a log-scale histogram (each
 * bucket 10% wider than the one before, from 0.1 ms), so a second's memory is bounded by
 * the bucket count however many ops it saw, and a percentile is off by at most 10%.
 * Held sparsely: a second usually fills a few dozen buckets.
 */
import { LIMITS } from "../limits.js";

const LOG_GROWTH = Math.log(LIMITS.latencyBucketGrowth);

function bucketOf(ms: number): number {
  if (!(ms > LIMITS.latencyBucketsBaseMs)) return 0;
  const i = Math.ceil(Math.log(ms / LIMITS.latencyBucketsBaseMs) / LOG_GROWTH);
  return Math.min(i, LIMITS.latencyBucketsMax - 1);
}

/** The upper bound of bucket `i`: what a percentile falling in it reports. */
function bucketMs(i: number): number {
  return LIMITS.latencyBucketsBaseMs * LIMITS.latencyBucketGrowth ** i;
}

export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;

  add(ms: number): void {
    const i = bucketOf(ms);
    this.counts.set(i, (this.counts.get(i) ?? 0) + 1);
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  /** The q-quantile (0 < q <= 1) in ms, to the bucket's upper bound; null when empty. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (const i of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(i) as number;
      if (seen >= rank) return bucketMs(i);
    }
    return bucketMs(LIMITS.latencyBucketsMax - 1);
  }
}
