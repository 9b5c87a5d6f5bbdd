/**
 * The leader's throttle on reassignment traffic (Kafka's leader.replication.throttled.rate
 * with its throttled-replica lists): the bytes this broker sends to replicas that a
 * reassignment is adding, over all their partitions, stay near a rate the operator sets
 * (`tidelog partitions reassign --execute plan.json --throttle N`), so moving data does
 * not starve producers, consumers and the followers already in sync, which are never
 * throttled.
 *
 * Measured in one-second windows: a throttled answer is given at most what is left of
 * the window's allowance (and nothing once it is spent; the follower asks again and is
 * answered when its long poll ends). A read returns at least one whole batch, so the
 * rate is exceeded by at most one batch per window.
 */
import type { Clock } from "../common/clock.js";

const WINDOW_MS = 1000;

export class ReplicationQuota {
  private windowStartMs: number;
  private windowBytes = 0;
  /** Bytes sent to replicas being added since start, throttled or not (a metrics seam). */
  throttledBytesTotal = 0;

  constructor(
    private readonly clock: Clock,
    /** Bytes per second; 0 or less: unthrottled. Read on every call, so a change applies at once. */
    private readonly rate: () => number,
  ) {
    this.windowStartMs = clock.nowMs();
  }

  /** Bytes a throttled replica may be sent now: Infinity when unthrottled, 0 when the window is spent. */
  allowance(): number {
    const rate = this.rate();
    if (rate <= 0) return Number.POSITIVE_INFINITY;
    const now = this.clock.nowMs();
    if (now - this.windowStartMs >= WINDOW_MS) {
      this.windowStartMs = now;
      this.windowBytes = 0;
    }
    return Math.max(0, Math.floor((rate * WINDOW_MS) / 1000) - this.windowBytes);
  }

  /** Counts bytes sent to a throttled replica. */
  record(bytes: number): void {
    this.windowBytes += bytes;
    this.throttledBytesTotal += bytes;
  }
}
