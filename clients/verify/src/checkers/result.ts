/**
 * What every checker returns, and the two helpers they share: the op counter (how many
 * operations, acknowledged, failed, indeterminate, per function) and the anomaly
 * accumulator (a count and the first few examples per class).
 *
 * A checker is a fold over the history: `observe(op)` for each op in order, then
 * `result()`. It keeps only what its checks need (not the ops), so it can watch a run as
 * it happens or read a saved history back (`readHistory`).
 */

import type { Op } from "../history.js";
import { LIMITS } from "../limits.js";

/** One class of anomaly: how many were found and the first few, in words. */
export interface AnomalyReport {
  readonly name: string;
  readonly description: string;
  /** An error class makes the run invalid; a non-error class is only reported (recovered writes, re-deliveries). */
  readonly error: boolean;
  readonly count: number;
  readonly examples: readonly string[];
}

export interface FunctionCounts {
  invoked: number;
  ok: number;
  fail: number;
  info: number;
}

export interface OpCounts {
  /** Client operations invoked during the run (the final phase's reads are counted under byFunction only). */
  readonly operations: number;
  readonly acknowledged: number;
  readonly failed: number;
  readonly indeterminate: number;
  readonly byFunction: Readonly<Record<string, FunctionCounts>>;
}

export interface CheckResult {
  readonly workload: string;
  /** No anomaly of an error class. */
  readonly valid: boolean;
  readonly counts: OpCounts;
  /** Every class the checker knows, found or not, in a fixed order. */
  readonly anomalies: readonly AnomalyReport[];
  /** Figures that are neither counts of ops nor anomalies (values read, transactions committed, ...). */
  readonly stats: Readonly<Record<string, number>>;
}

export interface Checker {
  observe(op: Op): void;
  result(): CheckResult;
}

/** Functions of the run's final phase (after the faults healed): counted apart from the workload's ops. */
export function isFinalPhase(f: string): boolean {
  return f.startsWith("final-");
}

export class OpCounter {
  private readonly byFunction = new Map<string, FunctionCounts>();

  observe(op: Op): void {
    if (op.process === "nemesis") return;
    let counts = this.byFunction.get(op.f);
    if (!counts) {
      counts = { invoked: 0, ok: 0, fail: 0, info: 0 };
      this.byFunction.set(op.f, counts);
    }
    if (op.type === "invoke") counts.invoked++;
    else counts[op.type]++;
  }

  counts(): OpCounts {
    let operations = 0;
    let acknowledged = 0;
    let failed = 0;
    let indeterminate = 0;
    const byFunction: Record<string, FunctionCounts> = {};
    for (const [f, c] of [...this.byFunction].sort(([a], [b]) => a.localeCompare(b))) {
      byFunction[f] = { ...c };
      if (isFinalPhase(f)) continue;
      operations += c.invoked;
      acknowledged += c.ok;
      failed += c.fail;
      // An op still in flight when the history ended is as indeterminate as a timeout.
      indeterminate += c.info + Math.max(0, c.invoked - c.ok - c.fail - c.info);
    }
    return { operations, acknowledged, failed, indeterminate, byFunction };
  }
}

export interface AnomalySpec {
  readonly name: string;
  readonly description: string;
  readonly error: boolean;
}

/** Counts anomalies per class and keeps the first LIMITS.anomalyExamplesMax examples of each. */
export class Anomalies {
  private readonly found = new Map<string, { count: number; examples: string[] }>();

  constructor(private readonly specs: readonly AnomalySpec[]) {
    for (const spec of specs) this.found.set(spec.name, { count: 0, examples: [] });
  }

  /** One more of class `name`; `example` may be a function, called only while examples are still kept. */
  add(name: string, example: string | (() => string)): void {
    const entry = this.found.get(name);
    if (!entry) throw new Error(`no anomaly class ${name} (a bug in a checker)`);
    entry.count++;
    if (entry.examples.length < LIMITS.anomalyExamplesMax) {
      entry.examples.push(typeof example === "string" ? example : example());
    }
  }

  count(name: string): number {
    return this.found.get(name)?.count ?? 0;
  }

  reports(): AnomalyReport[] {
    return this.specs.map((spec) => {
      const entry = this.found.get(spec.name)!;
      return { ...spec, count: entry.count, examples: [...entry.examples] };
    });
  }
}

/** Assembles a result; valid when no error class has a count. */
export function checkResult(
  workload: string,
  counter: OpCounter,
  anomalies: Anomalies,
  stats: Record<string, number>,
): CheckResult {
  const reports = anomalies.reports();
  return {
    workload,
    valid: reports.every((a) => !a.error || a.count === 0),
    counts: counter.counts(),
    anomalies: reports,
    stats,
  };
}
