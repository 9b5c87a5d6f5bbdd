/**
 * What a demo prints while it runs: events (a fault done, a phase begun) as lines of their
 * own, and its counters as a status line. On a terminal the status is one live line,
 * redrawn in place (at most every LIVE_REDRAW_MS); in a pipe or a file there are no
 * control characters, only a plain status line every PLAIN_PROGRESS_MS, so a CI log or
 * `| tee` reads as a transcript. Every line starts with the seconds since the demo began.
 *
 * A single rewritten line is a carriage return and an erase-line code; a progress-bar
 * library would bring its own redraw loop and terminal handling for no more than that.
 */
import { LIVE_REDRAW_MS, PLAIN_PROGRESS_MS } from "./limits.js";

/** Where a demo writes: process.stdout, or a test's collector. */
export interface DemoOutput {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** A monotonic clock in milliseconds (a seam for tests). */
export type Clock = () => number;

const ERASE_LINE = "\r\x1b[2K";

export class Progress {
  private readonly startMs: number;
  private status: () => string = () => "";
  private timer: NodeJS.Timeout | null = null;
  private liveShown = false;

  constructor(
    private readonly out: DemoOutput,
    private readonly clock: Clock,
  ) {
    this.startMs = clock();
  }

  /** Seconds since the demo began, for lines and for the demo's own schedule. */
  elapsedMs(): number {
    return this.clock() - this.startMs;
  }

  /** Starts showing `status` (live on a terminal, every few seconds otherwise). */
  track(status: () => string): void {
    this.status = status;
    this.stopTimer();
    const live = this.out.isTTY === true;
    this.timer = setInterval(
      () => (live ? this.redraw() : this.line(this.status())),
      live ? LIVE_REDRAW_MS : PLAIN_PROGRESS_MS,
    );
    this.timer.unref();
  }

  /** Stops the status line, printing its last state as a plain line. */
  untrack(): void {
    if (this.timer === null) return;
    this.stopTimer();
    this.line(this.status());
  }

  /** A line of its own, kept on screen: a fault, a phase, a finding. */
  event(text: string): void {
    this.line(text);
  }

  /** Text printed as is (a table), below the live line. */
  block(text: string): void {
    this.clearLive();
    this.out.write(text.endsWith("\n") ? text : `${text}\n`);
    this.redraw();
  }

  private line(text: string): void {
    this.clearLive();
    this.out.write(`${this.stamp()} ${text}\n`);
    this.redraw();
  }

  private redraw(): void {
    if (this.out.isTTY !== true || this.timer === null) return;
    const width = Math.max(20, (this.out.columns ?? 100) - 1);
    const text = `${this.stamp()} ${this.status()}`;
    this.out.write(`${ERASE_LINE}${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    this.liveShown = true;
  }

  private clearLive(): void {
    if (!this.liveShown) return;
    this.out.write(ERASE_LINE);
    this.liveShown = false;
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.clearLive();
  }

  private stamp(): string {
    return `[${(this.elapsedMs() / 1000).toFixed(1).padStart(5)}s]`;
  }
}
