/**
 * The faults a demo did, by kind, in the order done: the live line counts them, the
 * proof lists them. A fault that could not be done (no leader to pick, a --bootstrap
 * cluster) is printed with why and not counted.
 */
import type { Progress } from "./progress.js";

export class FaultLog {
  private readonly counts = new Map<string, number>();

  constructor(private readonly progress: Progress) {}

  /** Prints `line` and counts one fault of `kind` ("processor kill -9", "leader kill -9"). */
  done(kind: string, line: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    this.progress.event(line);
  }

  skipped(kind: string, why: string): void {
    this.progress.event(`(no ${kind}: ${why})`);
  }

  total(): number {
    let sum = 0;
    for (const c of this.counts.values()) sum += c;
    return sum;
  }

  /** "2 processor kill -9, 1 leader kill -9", or "none". */
  summary(): string {
    if (this.counts.size === 0) return "none";
    return [...this.counts].map(([kind, c]) => `${c} ${kind}`).join(", ");
  }
}
