/**
 * The txn checker: transactions of one record per partition over several partitions,
 * each committed or aborted (by intent, or because something failed), read concurrently
 * by read_committed consumers, then read once more, read_committed, after the faults
 * healed. A transaction ends committed (ok), aborted (ok with outcome aborted, or fail)
 * or indeterminate (info). Judged:
 *
 *   aborted-read   a record of an aborted transaction seen by any read_committed read
 *   torn           part of a committed or indeterminate transaction visible in the final
 *                  read without the rest (an indeterminate one must be all or nothing)
 *   lost-commit    an acknowledged commit with none of its records in the final read
 *   duplicate      one record of a transaction visible twice in the final read
 *   phantom        a record read that no transaction wrote (or at a partition it was not written to)
 *   unread         a partition a transaction wrote to was not read to its end, so no
 *                  transaction touching it could be judged
 *
 * Concurrent reads are checked for aborted records only: read_committed is not a snapshot
 * across partitions, so a reader may see one partition of a transaction before the other.
 *
 * Memory: per transaction its partitions, outcome and per-record read counts.
 */
import { VerifyError } from "../errors.js";
import type { Op } from "../history.js";
import {
  finalReadValue,
  parseTxnValue,
  pollValue,
  type TxnIntent,
  txnDoneValue,
  txnInvokeValue,
} from "../op-values.js";
import { Anomalies, type AnomalySpec, type Checker, type CheckResult, checkResult, OpCounter } from "./result.js";

export const TXN_ANOMALIES: readonly AnomalySpec[] = [
  {
    name: "aborted-read",
    description: "a record of an aborted transaction seen by a read_committed read",
    error: true,
  },
  {
    name: "torn",
    description: "part of a committed or indeterminate transaction visible without the rest",
    error: true,
  },
  { name: "lost-commit", description: "an acknowledged commit with none of its records visible", error: true },
  { name: "duplicate", description: "one record of a transaction visible twice", error: true },
  { name: "phantom", description: "a record no transaction wrote there", error: true },
  { name: "unread", description: "a partition a transaction wrote to not read to its end", error: true },
];

type TxnStatus = "open" | "committed" | "aborted" | "indeterminate";

interface TxnState {
  readonly intent: TxnIntent;
  readonly partitions: readonly number[];
  readonly values: readonly string[];
  status: TxnStatus;
  /** Per record: times seen in the final read. */
  readonly finalSeen: number[];
  /** The first read_committed read that saw one of its records, in words. */
  seenBy: string | null;
}

export class TxnChecker implements Checker {
  private readonly counter = new OpCounter();
  private readonly anomalies = new Anomalies(TXN_ANOMALIES);
  private readonly txns = new Map<string, TxnState>();
  private readonly done = new Set<number>();
  private recordsRead = 0;
  private judged: CheckResult | null = null;

  observe(op: Op): void {
    if (this.judged) throw new Error("the txn checker was asked for its result already; it takes no more ops");
    this.counter.observe(op);
    if (op.process === "nemesis") return;
    if (op.f === "txn") this.txn(op);
    else if (op.f === "poll" && op.type === "ok") {
      for (const [p, o, v] of pollValue(op).records)
        this.seen(p, o, v, `read by process ${op.process} (op ${op.index})`);
    } else if (op.f === "final-read" && op.type === "ok") {
      const { p, records, done } = finalReadValue(op);
      for (const [o, v] of records) this.finalRecord(p, o, v);
      if (done) this.done.add(p);
    }
  }

  private txn(op: Op): void {
    if (op.type === "invoke") {
      const { txn, intent, writes } = txnInvokeValue(op);
      if (this.txns.has(txn))
        throw new VerifyError("HISTORY_FORMAT", `op ${op.index}: transaction ${txn} invoked twice`);
      this.txns.set(txn, {
        intent,
        partitions: writes.map(([p]) => p),
        values: writes.map(([, v]) => v),
        status: "open",
        finalSeen: writes.map(() => 0),
        seenBy: null,
      });
      return;
    }
    const { txn, outcome } = txnDoneValue(op);
    const state = this.txns.get(txn);
    if (!state) throw new VerifyError("HISTORY_FORMAT", `op ${op.index}: transaction ${txn} completed, never invoked`);
    state.status =
      op.type === "ok"
        ? outcome === "committed"
          ? "committed"
          : "aborted"
        : op.type === "fail"
          ? "aborted"
          : "indeterminate";
  }

  /** The transaction and record index of `value` read at partition `p`, or null (a phantom, reported). */
  private locate(p: number, o: number, value: string): { state: TxnState; i: number } | null {
    const tag = parseTxnValue(value);
    const state = tag ? this.txns.get(tag.txn) : undefined;
    if (!tag || !state || state.values[tag.i] !== value || state.partitions[tag.i] !== p) {
      this.anomalies.add(
        "phantom",
        `partition ${p} offset ${o}: ${JSON.stringify(value)} was not written there by any transaction`,
      );
      return null;
    }
    return { state, i: tag.i };
  }

  private seen(p: number, o: number, value: string, by: string): void {
    const found = this.locate(p, o, value);
    if (found && found.state.seenBy === null) found.state.seenBy = `${value} at partition ${p} offset ${o} ${by}`;
  }

  private finalRecord(p: number, o: number, value: string): void {
    this.recordsRead++;
    const found = this.locate(p, o, value);
    if (!found) return;
    const { state, i } = found;
    state.finalSeen[i] = (state.finalSeen[i] as number) + 1;
    if (state.finalSeen[i] === 2)
      this.anomalies.add("duplicate", `${value} visible twice (again at partition ${p} offset ${o})`);
    if (state.seenBy === null) state.seenBy = `${value} at partition ${p} offset ${o} in the final read`;
  }

  result(): CheckResult {
    this.judged ??= this.judge();
    return this.judged;
  }

  private judge(): CheckResult {
    const stats = {
      committed: 0,
      aborted: 0,
      indeterminate: 0,
      indeterminateVisible: 0,
      recordsRead: this.recordsRead,
    };
    const unread = new Set<number>();
    for (const [txn, state] of this.txns) {
      if (state.status === "open") state.status = "indeterminate"; // the history ended while it ran
      stats[state.status]++;
      const visible = state.finalSeen.filter((n) => n > 0).length;
      const n = state.partitions.length;
      if (state.status === "aborted") {
        if (state.seenBy) this.anomalies.add("aborted-read", `transaction ${txn} (${why(state)}): ${state.seenBy}`);
        continue;
      }
      const missing = state.partitions.filter((p) => !this.done.has(p));
      if (missing.length > 0) {
        for (const p of missing) unread.add(p);
        continue;
      }
      if (state.status === "indeterminate" && visible === n) stats.indeterminateVisible++;
      if (visible > 0 && visible < n) {
        const shown = state.partitions.filter((_, i) => (state.finalSeen[i] as number) > 0);
        this.anomalies.add(
          "torn",
          `transaction ${txn} (${state.status}) wrote partitions ${state.partitions.join(",")}; only ${shown.join(",")} visible`,
        );
      } else if (visible === 0 && state.status === "committed") {
        this.anomalies.add(
          "lost-commit",
          `transaction ${txn} committed to partitions ${state.partitions.join(",")}; none visible`,
        );
      }
    }
    for (const p of [...unread].sort((a, b) => a - b)) {
      this.anomalies.add("unread", `partition ${p} was written by transactions but not read to its end`);
    }
    return checkResult("txn", this.counter, this.anomalies, stats);
  }
}

function why(state: TxnState): string {
  return state.intent === "abort" ? "aborted on purpose" : "its commit failed and it was aborted";
}

/** The txn checker over a whole history. */
export function checkTxn(history: Iterable<Op>): CheckResult {
  const checker = new TxnChecker();
  for (const op of history) checker.observe(op);
  return checker.result();
}
