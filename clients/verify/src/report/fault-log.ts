/**
 * The faults of a run, folded from the history's nemesis ops (process "nemesis", f the
 * fault kind, value the FaultRecord as it was when the fault started, then when it
 * ended): the same list whether the run is watched live or its history read back.
 */
import type { FaultKind, FaultRecord } from "../cluster/types.js";
import type { Op } from "../history.js";

export interface FaultCounts {
  readonly kind: FaultKind | string;
  /** Faults done. */
  readonly done: number;
  /** Faults that could not be done, with the first reason. */
  readonly skipped: number;
  readonly skippedWhy: string | null;
  /** Faults whose start or end failed (the cluster may have been left broken), with the first error. */
  readonly failed: number;
  readonly failedWhy: string | null;
}

interface Tally {
  done: number;
  skipped: number;
  skippedWhy: string | null;
  failed: number;
  failedWhy: string | null;
}

export class FaultLog {
  private readonly byKey = new Map<string, FaultRecord>();

  observe(op: Op): void {
    if (op.process !== "nemesis") return;
    const value = op.value as Partial<FaultRecord> | null;
    if (typeof value !== "object" || value === null || typeof value.startMs !== "number") return;
    const record: FaultRecord = {
      kind: op.f as FaultKind,
      target: typeof value.target === "string" ? value.target : "?",
      startMs: value.startMs,
      endMs: typeof value.endMs === "number" ? value.endMs : null,
      ...(typeof value.detail === "string" ? { detail: value.detail } : {}),
      ...(typeof value.skipped === "string" ? { skipped: value.skipped } : {}),
      ...(typeof value.error === "string" ? { error: value.error } : {}),
    };
    this.byKey.set(`${record.kind}\u0000${record.target}\u0000${record.startMs}`, record);
  }

  /** Every fault, in start order. */
  records(): FaultRecord[] {
    return [...this.byKey.values()].sort((a, b) => a.startMs - b.startMs);
  }

  /** Per kind: how many were done and how many skipped. */
  counts(): FaultCounts[] {
    const byKind = new Map<string, Tally>();
    for (const r of this.records()) {
      const entry = byKind.get(r.kind) ?? { done: 0, skipped: 0, skippedWhy: null, failed: 0, failedWhy: null };
      if (r.skipped !== undefined) {
        entry.skipped++;
        entry.skippedWhy ??= r.skipped;
      } else entry.done++;
      if (r.error !== undefined) {
        entry.failed++;
        entry.failedWhy ??= r.error;
      }
      byKind.set(r.kind, entry);
    }
    return [...byKind].sort(([a], [b]) => a.localeCompare(b)).map(([kind, c]) => ({ kind, ...c }));
  }
}
