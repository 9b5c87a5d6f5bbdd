/**
 * The queue checker: idempotent acks=all sends, then a final read of every partition
 * from its start (after the faults healed). Judged per value:
 *
 *   lost               acknowledged, absent from the final read
 *   duplicate          read at two offsets (idempotence forbids it, retries or not)
 *   offset-conflict    two values at one offset: two acknowledgements naming the same
 *                      partition and offset, or one offset read twice with different values
 *   offset-order       the final read's offsets of a partition do not increase
 *   producer-order     a producer's values in a partition read out of the order it sent them
 *                      (it sends one at a time, so its counter order is its send order)
 *   misplaced          acknowledged at one partition/offset, stored at another
 *   phantom            read, but never sent by anyone
 *   unread             a partition with acknowledged sends was not read to its end, so
 *                      nothing about it could be proved
 *   recovered (not an error)  a failed or indeterminate send that was written after all
 *
 * Memory: per send a few numbers in per-producer arrays indexed by counter (values are
 * "<producer>:<counter>"), per partition the last offset and last counter per producer
 * read; the final read is folded chunk by chunk, never held whole.
 */
import { VerifyError } from "../errors.js";
import type { Op } from "../history.js";
import { finalReadValue, parseQueueValue, sendValue } from "../op-values.js";
import { Anomalies, type AnomalySpec, type Checker, type CheckResult, checkResult, OpCounter } from "./result.js";

export const QUEUE_ANOMALIES: readonly AnomalySpec[] = [
  { name: "lost", description: "acknowledged, absent from the final read", error: true },
  { name: "duplicate", description: "one value stored at two offsets", error: true },
  { name: "offset-conflict", description: "two values at one offset", error: true },
  { name: "offset-order", description: "a partition's offsets not increasing in the final read", error: true },
  { name: "producer-order", description: "a producer's values in a partition out of send order", error: true },
  { name: "misplaced", description: "acknowledged offset or partition differs from where it is stored", error: true },
  { name: "phantom", description: "read, but never sent", error: true },
  { name: "unread", description: "a partition with acknowledged sends not read to its end", error: true },
  { name: "recovered", description: "failed or indeterminate send that was written after all", error: false },
];

enum Status {
  Invoked = 1,
  Ok = 2,
  Fail = 3,
  Info = 4,
}

/** One producer's sends, indexed by counter. */
class ProducerSends {
  readonly status: number[] = [];
  readonly partition: number[] = [];
  readonly ackOffset: number[] = [];
  readonly readOffset: number[] = [];
  readonly readPartition: number[] = [];
  readonly readCount: number[] = [];
}

interface PartitionRead {
  lastOffset: number;
  lastValue: string;
  readonly lastCounter: Map<number, number>;
  done: boolean;
  records: number;
}

export class QueueChecker implements Checker {
  private readonly counter = new OpCounter();
  private readonly anomalies = new Anomalies(QUEUE_ANOMALIES);
  private readonly producers = new Map<number, ProducerSends>();
  private readonly reads = new Map<number, PartitionRead>();
  private judged: CheckResult | null = null;

  observe(op: Op): void {
    if (this.judged) throw new Error("the queue checker was asked for its result already; it takes no more ops");
    this.counter.observe(op);
    if (op.process === "nemesis") return;
    if (op.f === "send") this.send(op);
    else if (op.f === "final-read" && op.type === "ok") this.finalRead(op);
  }

  private send(op: Op): void {
    const { v, p, o } = sendValue(op);
    const id = parseQueueValue(v);
    if (!id) {
      throw new VerifyError(
        "HISTORY_FORMAT",
        `op ${op.index}: send of ${JSON.stringify(v)}, not a "<producer>:<counter>" value`,
      );
    }
    let sends = this.producers.get(id.producer);
    if (!sends) {
      sends = new ProducerSends();
      this.producers.set(id.producer, sends);
    }
    const c = id.counter;
    if (op.type === "invoke") {
      if (sends.status[c] !== undefined) {
        throw new VerifyError("HISTORY_FORMAT", `op ${op.index}: value ${v} sent twice (values must be unique)`);
      }
      sends.status[c] = Status.Invoked;
      sends.partition[c] = p;
      sends.ackOffset[c] = -1;
      sends.readOffset[c] = -1;
      sends.readPartition[c] = -1;
      sends.readCount[c] = 0;
      return;
    }
    sends.status[c] = op.type === "ok" ? Status.Ok : op.type === "fail" ? Status.Fail : Status.Info;
    if (op.type === "ok") {
      sends.partition[c] = p;
      sends.ackOffset[c] = o as number;
    }
  }

  private finalRead(op: Op): void {
    const { p, records, done } = finalReadValue(op);
    let read = this.reads.get(p);
    if (!read) {
      read = { lastOffset: -1, lastValue: "", lastCounter: new Map(), done: false, records: 0 };
      this.reads.set(p, read);
    }
    for (const [offset, value] of records) this.readRecord(p, read, offset, value, op.index);
    if (done) read.done = true;
  }

  private readRecord(p: number, read: PartitionRead, offset: number, value: string, index: number): void {
    if (offset === read.lastOffset && value !== read.lastValue) {
      this.anomalies.add(
        "offset-conflict",
        `partition ${p} offset ${offset} read as ${read.lastValue} and as ${value} (op ${index})`,
      );
    } else if (offset <= read.lastOffset) {
      this.anomalies.add(
        "offset-order",
        `partition ${p}: offset ${offset} read after offset ${read.lastOffset} (op ${index})`,
      );
    }
    read.lastOffset = Math.max(read.lastOffset, offset);
    read.lastValue = value;
    read.records++;
    const id = parseQueueValue(value);
    const sends = id ? this.producers.get(id.producer) : undefined;
    if (!id || !sends || sends.status[id.counter] === undefined) {
      this.anomalies.add("phantom", `partition ${p} offset ${offset}: ${JSON.stringify(value)} was never sent`);
      return;
    }
    const c = id.counter;
    const count = sends.readCount[c] as number;
    if (count > 0) {
      this.anomalies.add(
        "duplicate",
        `${value} at partition ${sends.readPartition[c]} offset ${sends.readOffset[c]} and at partition ${p} offset ${offset}`,
      );
    } else {
      sends.readOffset[c] = offset;
      sends.readPartition[c] = p;
    }
    sends.readCount[c] = count + 1;
    const last = read.lastCounter.get(id.producer);
    if (last !== undefined && c < last) {
      this.anomalies.add(
        "producer-order",
        `partition ${p}: producer ${id.producer}'s ${value} at offset ${offset}, after its ${id.producer}:${last}`,
      );
    }
    if (last === undefined || c > last) read.lastCounter.set(id.producer, c);
  }

  result(): CheckResult {
    this.judged ??= this.judge();
    return this.judged;
  }

  private judge(): CheckResult {
    const acknowledgedPartitions = new Set<number>();
    const acks = new Map<number, Map<number, string>>();
    for (const [producer, sends] of this.producers) {
      sends.status.forEach((status, c) => {
        const value = `${producer}:${c}`;
        const readCount = sends.readCount[c] as number;
        if (status !== Status.Ok) {
          if (readCount > 0) {
            this.anomalies.add(
              "recovered",
              `${value} (${status === Status.Fail ? "failed" : "indeterminate"}) stored at partition ${sends.readPartition[c]} offset ${sends.readOffset[c]}`,
            );
          }
          return;
        }
        const p = sends.partition[c] as number;
        const o = sends.ackOffset[c] as number;
        acknowledgedPartitions.add(p);
        this.ackConflict(acks, p, o, value);
        if (readCount === 0) {
          if (this.reads.get(p)?.done) {
            this.anomalies.add(
              "lost",
              `${value} acknowledged at partition ${p} offset ${o}, absent from the final read`,
            );
          }
          return;
        }
        const rp = sends.readPartition[c] as number;
        const ro = sends.readOffset[c] as number;
        if (o >= 0 && (rp !== p || ro !== o)) {
          this.anomalies.add(
            "misplaced",
            `${value} acknowledged at partition ${p} offset ${o}, stored at partition ${rp} offset ${ro}`,
          );
        }
      });
    }
    for (const p of [...acknowledgedPartitions].sort((a, b) => a - b)) {
      if (!this.reads.get(p)?.done) {
        this.anomalies.add("unread", `partition ${p} has acknowledged sends but was not read to its end`);
      }
    }
    let read = 0;
    for (const r of this.reads.values()) read += r.records;
    return checkResult("queue", this.counter, this.anomalies, { recordsRead: read, partitionsRead: this.reads.size });
  }

  /** Two acknowledgements at one partition and offset. An offset of -1 means "not said" (a duplicate the broker recognised). */
  private ackConflict(acks: Map<number, Map<number, string>>, p: number, o: number, value: string): void {
    if (o < 0) return;
    let byOffset = acks.get(p);
    if (!byOffset) {
      byOffset = new Map();
      acks.set(p, byOffset);
    }
    const other = byOffset.get(o);
    if (other !== undefined && other !== value) {
      this.anomalies.add("offset-conflict", `partition ${p} offset ${o} acknowledged to both ${other} and ${value}`);
    }
    byOffset.set(o, value);
  }
}

/** The queue checker over a whole history (an array, or any iterable of ops in order). */
export function checkQueue(history: Iterable<Op>): CheckResult {
  const checker = new QueueChecker();
  for (const op of history) checker.observe(op);
  return checker.result();
}
