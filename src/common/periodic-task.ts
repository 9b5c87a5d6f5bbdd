/**
 * A background duty run every `intervalMs` on a Clock: the one loop behind the broker's
 * periodic work (log flush, retention and checkpoints, the log-directory check, ISR
 * checks, group member expiry, transaction expiry, controller reconciliation, metadata
 * resync).
 *
 * - Runs never overlap: the next is scheduled `intervalMs` after a run ends, so a slow
 *   run delays the next instead of stacking up behind it.
 * - `runNow()` runs at once; during a run it asks for one more right after (however many
 *   times it is called), and resolves when that is done.
 * - A run's error goes to `onError` and the schedule goes on.
 * - Its timer never keeps the process alive; `stop()` cancels it and waits for a run in
 *   progress.
 */
import type { Clock, Timer } from "./clock.js";

export interface PeriodicTaskOptions {
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly run: () => unknown;
  readonly onError: (e: unknown) => void;
}

export class PeriodicTask {
  private timer: Timer | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;
  private stopped = false;

  constructor(private readonly options: PeriodicTaskOptions) {
    if (!(options.intervalMs > 0))
      throw new RangeError(`a periodic task needs an interval > 0, got ${options.intervalMs}`);
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.schedule();
  }

  runNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.timer?.cancel();
    this.timer = null;
    const loop = async () => {
      do {
        this.again = false;
        try {
          await this.options.run();
        } catch (e) {
          this.options.onError(e);
        }
      } while (this.again && !this.stopped);
    };
    this.running = loop().finally(() => {
      this.running = null;
      this.schedule();
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await this.running;
  }

  private schedule(): void {
    if (!this.started || this.stopped || this.timer) return;
    this.timer = this.options.clock.after(
      this.options.intervalMs,
      () => {
        this.timer = null;
        void this.runNow();
      },
      { ref: false },
    );
  }
}
