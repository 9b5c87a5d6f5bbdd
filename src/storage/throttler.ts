/**
 * Keeps a background task's I/O under a rate, as Kafka's Throttler does for the log
 * cleaner (`log.cleaner.io.max.bytes.per.second`).
 *
 * The task reports the bytes it read or wrote after each bounded chunk of work and awaits
 * `acquire`. Within a measuring window (WINDOW_MS), once the bytes done would take longer
 * at the rate than the time elapsed, it sleeps the difference. Every call yields to the
 * event loop at least once, so a task that is not over its budget still lets appends and
 * fetches run between its chunks.
 *
 * Time and sleeping come in through seams (a Clock, a sleep function) so tests can drive
 * them. One throttler belongs to one task; it is not shared.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { Clock } from "../common/clock.js";
import { invariant } from "../common/invariant.js";

/** The span over which the cleaner's bytes per second are measured. */
const WINDOW_MS = 1000;

export type Sleep = (ms: number) => Promise<void>;

export class Throttler {
  private windowStartMs: number;
  private windowBytes = 0;
  /** Total milliseconds spent sleeping (for tests and metrics). */
  sleptMs = 0;

  constructor(
    readonly bytesPerSecond: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {
    invariant(bytesPerSecond > 0, `throttle rate ${bytesPerSecond} must be positive`);
    this.windowStartMs = clock.nowMs();
  }

  async acquire(bytes: number): Promise<void> {
    await yieldToEventLoop();
    if (!Number.isFinite(this.bytesPerSecond)) return;
    this.windowBytes += bytes;
    const elapsedMs = this.clock.nowMs() - this.windowStartMs;
    const neededMs = (this.windowBytes * 1000) / this.bytesPerSecond;
    if (neededMs > elapsedMs) {
      const waitMs = Math.ceil(neededMs - elapsedMs);
      this.sleptMs += waitMs;
      await this.sleep(waitMs);
    }
    if (this.clock.nowMs() - this.windowStartMs >= WINDOW_MS) {
      this.windowStartMs = this.clock.nowMs();
      this.windowBytes = 0;
    }
  }
}
