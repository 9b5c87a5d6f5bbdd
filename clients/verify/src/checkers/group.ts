/**
 * The group checker: members of one consumer group process a topic and commit offsets
 * while members join, leave and crash (leave without committing what they processed)
 * and brokers fail; at the end the members drain the topic, the group's committed
 * offsets are read, and every partition is read from its start. Judged:
 *
 *   skipped       a commit (acknowledged or indeterminate) of offset o on a partition
 *                 while a record below o had not been processed by any member yet: a
 *                 crash right then would lose that record for the group. Checked for the
 *                 members' commits (against what was processed before the commit was
 *                 sent) and for the group's final committed offsets.
 *   unprocessed   a record in the final read that no member ever processed
 *   unread        a partition that was committed or processed but not read to its end
 *   redelivered (not an error)  a record processed more than once: at-least-once
 *                 delivery replays what was processed after the last commit
 *
 * Memory: per partition, per offset, the op index at which it was first processed and
 * how often (two numbers per record); the commits (partition, offset, op index); the
 * final read's offsets.
 */
import type { Op } from "../history.js";
import { finalReadValue, offsetsValue, pollValue } from "../op-values.js";
import { Anomalies, type AnomalySpec, type Checker, type CheckResult, checkResult, OpCounter } from "./result.js";

export const GROUP_ANOMALIES: readonly AnomalySpec[] = [
  { name: "skipped", description: "an offset committed past a record no member had processed", error: true },
  { name: "unprocessed", description: "a record in the log that no member processed", error: true },
  { name: "unread", description: "a partition the group used not read to its end", error: true },
  { name: "redelivered", description: "a record processed more than once (at-least-once replay)", error: false },
];

interface Commit {
  readonly p: number;
  readonly o: number;
  /** Records processed at ops before this index count as processed for it. */
  readonly before: number;
  readonly what: string;
}

class PartitionProgress {
  /** Per offset: op index of the first poll that handed it to a member. */
  readonly firstProcessed: number[] = [];
  readonly processCount: number[] = [];
  /** The final read's offsets, ascending. */
  readonly logOffsets: number[] = [];
  readDone = false;
}

export class GroupChecker implements Checker {
  private readonly counter = new OpCounter();
  private readonly anomalies = new Anomalies(GROUP_ANOMALIES);
  private readonly partitions = new Map<number, PartitionProgress>();
  private readonly commits: Commit[] = [];
  private readonly invokedCommits = new Map<number, number>();
  private judged: CheckResult | null = null;

  observe(op: Op): void {
    if (this.judged) throw new Error("the group checker was asked for its result already; it takes no more ops");
    this.counter.observe(op);
    if (op.process === "nemesis") return;
    switch (op.f) {
      case "poll":
        if (op.type === "ok") for (const [p, o] of pollValue(op).records) this.processed(p, o, op.index);
        break;
      case "commit":
        this.commit(op);
        break;
      case "final-committed":
        if (op.type === "ok") {
          for (const [p, o] of offsetsValue(op).offsets) {
            this.commits.push({ p, o, before: op.index, what: `the group's final committed offset (op ${op.index})` });
          }
        }
        break;
      case "final-read":
        if (op.type === "ok") this.finalRead(op);
        break;
    }
  }

  private progress(p: number): PartitionProgress {
    let progress = this.partitions.get(p);
    if (!progress) {
      progress = new PartitionProgress();
      this.partitions.set(p, progress);
    }
    return progress;
  }

  private processed(p: number, o: number, index: number): void {
    const progress = this.progress(p);
    progress.processCount[o] = (progress.processCount[o] ?? 0) + 1;
    if (progress.firstProcessed[o] === undefined) progress.firstProcessed[o] = index;
  }

  private commit(op: Op): void {
    if (op.process === "nemesis") return;
    if (op.type === "invoke") {
      this.invokedCommits.set(op.process, op.index);
      offsetsValue(op);
      return;
    }
    const invokedAt = this.invokedCommits.get(op.process) ?? op.index;
    this.invokedCommits.delete(op.process);
    if (op.type === "fail") return; // refused: it changed nothing
    for (const [p, o] of offsetsValue(op).offsets) {
      this.progress(p);
      this.commits.push({
        p,
        o,
        before: invokedAt,
        what: `process ${op.process}'s ${op.type === "ok" ? "acknowledged" : "indeterminate"} commit (op ${op.index})`,
      });
    }
  }

  private finalRead(op: Op): void {
    const { p, records, done } = finalReadValue(op);
    const progress = this.progress(p);
    for (const [o] of records) {
      const last = progress.logOffsets[progress.logOffsets.length - 1];
      if (last === undefined || o > last) progress.logOffsets.push(o);
    }
    if (done) progress.readDone = true;
  }

  result(): CheckResult {
    this.judged ??= this.judge();
    return this.judged;
  }

  private judge(): CheckResult {
    let redeliveries = 0;
    let processedRecords = 0;
    for (const [p, progress] of [...this.partitions].sort(([a], [b]) => a - b)) {
      if (!progress.readDone) {
        this.anomalies.add("unread", `partition ${p} was used by the group but not read to its end`);
        continue;
      }
      for (const o of progress.logOffsets) {
        const count = progress.processCount[o] ?? 0;
        if (count === 0) this.anomalies.add("unprocessed", `partition ${p} offset ${o} was never processed`);
        processedRecords += count > 0 ? 1 : 0;
        if (count > 1) {
          redeliveries += count - 1;
          for (let i = 1; i < count; i++)
            this.anomalies.add("redelivered", () => `partition ${p} offset ${o} processed ${count} times`);
        }
      }
    }
    this.checkCommits();
    return checkResult("group", this.counter, this.anomalies, {
      commits: this.commits.length,
      processedRecords,
      redeliveries,
    });
  }

  /**
   * For each commit of offset o: every record of the log below o was first processed at an
   * op before the commit. With the log's offsets ascending, the latest "first processed"
   * among the records below o (a prefix maximum) answers it in one binary search.
   */
  private checkCommits(): void {
    const prefixMax = new Map<number, number[]>();
    for (const [p, progress] of this.partitions) {
      if (!progress.readDone) continue;
      const max: number[] = [Number.NEGATIVE_INFINITY];
      for (const o of progress.logOffsets) {
        const first = progress.firstProcessed[o] ?? Number.POSITIVE_INFINITY;
        max.push(Math.max(max[max.length - 1] as number, first));
      }
      prefixMax.set(p, max);
    }
    for (const commit of this.commits) {
      const progress = this.partitions.get(commit.p);
      const max = prefixMax.get(commit.p);
      if (!progress || !max) continue; // unread: reported above
      const below = lowerBound(progress.logOffsets, commit.o);
      if ((max[below] as number) < commit.before) continue;
      this.anomalies.add("skipped", () => {
        const offending = progress.logOffsets
          .slice(0, below)
          .find((o) => (progress.firstProcessed[o] ?? Number.POSITIVE_INFINITY) >= commit.before);
        return `${commit.what} of partition ${commit.p} offset ${commit.o}, but offset ${offending} had not been processed`;
      });
    }
  }
}

/** How many of the ascending `sorted` are below `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The group checker over a whole history. */
export function checkGroup(history: Iterable<Op>): CheckResult {
  const checker = new GroupChecker();
  for (const op of history) checker.observe(op);
  return checker.result();
}
