/**
 * Time enters through this seam so tests can drive it: retention, segment.ms rolls,
 * flush.ms, long-poll waits, ISR lag, group and transaction expiry and every periodic
 * duty are decided against `nowMs()` and scheduled with `after()`, never with Date.now()
 * or the timer globals directly (test/common/time-seam.test.ts keeps it so).
 *
 * Wall-clock time remains only where another system reads it: gRPC call deadlines
 * (`wallClockDeadline`), and record timestamps a client sent.
 */
export interface Timer {
  /** Stops the timer if it has not fired; harmless after. */
  cancel(): void;
}

export interface TimerOptions {
  /** False: the timer alone does not keep the process alive (a periodic duty). Default true. */
  readonly ref?: boolean;
}

export interface Clock {
  /** Wall-clock milliseconds: for timestamps people and other processes read. It can jump. */
  nowMs(): number;
  /**
   * Milliseconds on a clock that never jumps (performance.now()): for how long something
   * took or has been true, such as how long ago etcd last confirmed this broker's
   * session. A wall clock stepped an hour ahead and back made a broker paused past its
   * session still think itself live (long verify run 11).
   */
  monotonicMs(): number;
  /** Runs `fn` once, `ms` from now. */
  after(ms: number, fn: () => void, options?: TimerOptions): Timer;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
  after(ms, fn, options) {
    const handle = setTimeout(fn, Math.max(0, ms));
    if (options?.ref === false) handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Resolves `ms` from now on `clock`. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.after(ms, resolve));
}

/**
 * A gRPC call deadline `ms` from now. gRPC measures it against the wall clock of this
 * process, so it is the one place a deadline is not taken from an injected Clock.
 */
export function wallClockDeadline(ms: number): Date {
  return new Date(Date.now() + ms);
}

interface Scheduled {
  readonly dueMs: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to. Timers fire during `advance`, in due order (ties
 * in scheduling order), each with the clock set to its due time; timers they schedule
 * within the advanced span fire in the same call.
 */
export class ManualClock implements Clock {
  private readonly timers: Scheduled[] = [];
  private seq = 0;

  /** How far the wall clock was stepped away from the monotonic one (jumpWallClock). */
  private wallOffsetMs = 0;

  constructor(private now = 1_700_000_000_000) {}

  nowMs(): number {
    return this.now + this.wallOffsetMs;
  }

  /** Steps the wall clock alone (an NTP step, faketime), as verify's clock-jump fault does. */
  jumpWallClock(ms: number): void {
    this.wallOffsetMs += ms;
  }

  monotonicMs(): number {
    return this.now;
  }

  after(ms: number, fn: () => void): Timer {
    const timer: Scheduled = { dueMs: this.now + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Timers scheduled and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let next: Scheduled | undefined;
      for (const t of this.timers) {
        if (t.cancelled || t.dueMs > target) continue;
        if (!next || t.dueMs < next.dueMs || (t.dueMs === next.dueMs && t.seq < next.seq)) next = t;
      }
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.now = Math.max(this.now, next.dueMs);
      next.fn();
    }
    for (let i = this.timers.length - 1; i >= 0; i--) if (this.timers[i]?.cancelled) this.timers.splice(i, 1);
    this.now = target;
  }

  /**
   * `advance` in steps of `stepMs`, letting promises settle after each (an await of a
   * macrotask), so async work started by a timer runs before the next one fires.
   */
  async advanceAsync(ms: number, stepMs = ms): Promise<void> {
    const target = this.now + ms;
    while (this.now < target) {
      this.advance(Math.min(stepMs, target - this.now));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  set(ms: number): void {
    this.now = ms;
  }
}
