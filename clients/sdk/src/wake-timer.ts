/**
 * One timer that fires at the earliest deadline asked of it: the producer's sender (a
 * batch's linger running out) and the consumer's fetcher (a partition's backoff ending)
 * each keep one, so however many batches or partitions wait, there is one pending timer.
 */
export class WakeTimer {
  private timer: NodeJS.Timeout | null = null;
  private atMs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly nowMs: () => number,
    private readonly fire: () => void,
  ) {}

  /** Makes sure `fire` runs no later than `atMs` (an earlier wake-up already set stays). */
  arm(atMs: number): void {
    if (atMs === Number.POSITIVE_INFINITY || (this.timer !== null && this.atMs <= atMs)) return;
    this.cancel();
    this.atMs = atMs;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.atMs = Number.POSITIVE_INFINITY;
        this.fire();
      },
      Math.max(0, atMs - this.nowMs()),
    );
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.atMs = Number.POSITIVE_INFINITY;
  }
}
