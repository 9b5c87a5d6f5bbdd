/**
 * Usage against client quotas (client-quota.ts), measured and throttled as Kafka's
 * ClientQuotaManager does: each charged entity has a rate over `samples` windows of
 * `windowMs` (quota.window.num = 11 of quota.window.size.seconds = 1 by default); a
 * request is recorded first, then, when the rate is above the quota, the caller is told
 * how long to hold its answer back: long enough that the rate over the window falls to
 * the quota, `(rate - quota) / quota * window`. Throttling delays answers and never fails
 * a request, so a client over its quota slows down and loses nothing.
 *
 * The window counts at least `samples - 1` whole windows, as Kafka's Rate does, so a
 * client's first burst is averaged over ten seconds, not judged on its first instant.
 */
import type { Clock } from "../common/clock.js";
import { invariant } from "../common/invariant.js";
import type { QuotaIndex, QuotaKind } from "./client-quota.js";

/**
 * Entities measured at once. A sensor whose last use is older than the whole window
 * measures zero and is dropped first; past the bound, the least recently used goes.
 */
export const QUOTA_SENSORS_MAX = 10_000;

export interface ClientQuotaManagerOptions {
  readonly clock: Pick<Clock, "monotonicMs">;
  readonly windowMs: number;
  readonly samples: number;
  /** The cluster's quotas now (the watched metadata's, rebuilt when they change). */
  readonly quotas: () => QuotaIndex;
}

/** A rate over the last `samples` windows: each window's total and when it began. */
class RateSensor {
  private readonly totals: number[];
  private readonly starts: number[];
  private current = 0;

  constructor(
    private readonly windowMs: number,
    samples: number,
    nowMs: number,
  ) {
    this.totals = new Array<number>(samples).fill(0);
    this.starts = new Array<number>(samples).fill(Number.NEGATIVE_INFINITY);
    this.starts[0] = nowMs;
  }

  /** When the newest window began: a sensor with nothing since one whole span ago measures zero. */
  get lastWindowStartMs(): number {
    return this.starts[this.current]!;
  }

  record(amount: number, nowMs: number): void {
    if (nowMs >= this.starts[this.current]! + this.windowMs) {
      this.current = (this.current + 1) % this.totals.length;
      this.totals[this.current] = 0;
      // Windows are aligned to the first one, so a gap of several windows skips them.
      const first = this.starts[(this.current + this.totals.length - 1) % this.totals.length]!;
      this.starts[this.current] = first + Math.floor((nowMs - first) / this.windowMs) * this.windowMs;
    }
    this.totals[this.current]! += amount;
  }

  /** Per second, and the span it is measured over (ms): Kafka's Rate.measure and windowSize. */
  measure(nowMs: number): { perSecond: number; spanMs: number } {
    const span = this.totals.length * this.windowMs;
    let total = 0;
    let oldest = nowMs;
    for (let i = 0; i < this.totals.length; i++) {
      if (nowMs - this.starts[i]! >= span) continue; // obsolete
      total += this.totals[i]!;
      oldest = Math.min(oldest, this.starts[i]!);
    }
    let spanMs = nowMs - oldest;
    const minWindows = this.totals.length - 1;
    const fullWindows = Math.floor(spanMs / this.windowMs);
    if (fullWindows < minWindows) spanMs += (minWindows - fullWindows) * this.windowMs;
    return { perSecond: (total * 1000) / spanMs, spanMs };
  }
}

export class ClientQuotaManager {
  private readonly sensors = new Map<string, RateSensor>();

  constructor(private readonly options: ClientQuotaManagerOptions) {
    invariant(options.windowMs > 0 && options.samples >= 2, "a quota window is positive and has two samples or more");
  }

  /** Sensors measured now (for metrics and tests). */
  get sensorCount(): number {
    return this.sensors.size;
  }

  /**
   * Charges `amount` of `kind` (bytes, or 1 request) to the entity `user` with
   * `clientId` resolves to; answers how many ms to hold the answer back (0 within quota).
   */
  record(kind: QuotaKind, user: string, clientId: string, amount: number): number {
    const quota = this.options.quotas().resolve(kind, user, clientId);
    if (quota === null) return 0;
    const now = this.options.clock.monotonicMs();
    const sensor = this.sensorFor(quota.sensorKey, now);
    sensor.record(amount, now);
    const { perSecond, spanMs } = sensor.measure(now);
    if (perSecond <= quota.limit) return 0;
    const throttleMs = Math.round(((perSecond - quota.limit) / quota.limit) * spanMs);
    // Never longer than the whole window: by then every sample measured here has aged out.
    return Math.min(throttleMs, this.options.samples * this.options.windowMs);
  }

  private sensorFor(key: string, now: number): RateSensor {
    let sensor = this.sensors.get(key);
    if (sensor) {
      // Least recently used last, so the bound drops the idlest.
      this.sensors.delete(key);
    } else {
      if (this.sensors.size >= QUOTA_SENSORS_MAX) this.evict(now);
      sensor = new RateSensor(this.options.windowMs, this.options.samples, now);
    }
    this.sensors.set(key, sensor);
    return sensor;
  }

  private evict(now: number): void {
    const span = this.options.samples * this.options.windowMs;
    for (const [key, s] of this.sensors) if (now - s.lastWindowStartMs >= span) this.sensors.delete(key);
    while (this.sensors.size >= QUOTA_SENSORS_MAX) {
      const oldest = this.sensors.keys().next().value as string;
      this.sensors.delete(oldest);
    }
  }
}
