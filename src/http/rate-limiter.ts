/**
 * A token bucket bounding the admin API's request rate: `ratePerSec` tokens a second, at
 * most `ratePerSec` banked (so a burst of one second's worth is allowed). One bucket per
 * broker, not per client: its job is to keep the broker's event loop (and etcd, which
 * every admin read and write reaches) safe from a runaway script, not fairness.
 *
 * Time enters through `nowMs`, so a test can drive it.
 */
export class RateLimiter {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    if (!(ratePerSec > 0)) throw new RangeError(`rate must be positive, got ${ratePerSec}`);
    this.tokens = ratePerSec;
    this.lastMs = nowMs();
  }

  /** Takes a token if there is one. */
  tryTake(): boolean {
    const now = this.nowMs();
    this.tokens = Math.min(this.ratePerSec, this.tokens + ((now - this.lastMs) * this.ratePerSec) / 1000);
    this.lastMs = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Seconds until the next token, rounded up: the Retry-After header. */
  retryAfterSec(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.ratePerSec));
  }
}
