/**
 * Records what a fault test sent and what it read back, and judges the outcome per
 * partition, as a Jepsen-style checker would:
 *
 *   - no acknowledged record is lost (every acked value is read back);
 *   - no record sits at two offsets (a value read twice: a duplicate);
 *   - no two records sit at one offset;
 *   - offsets increase in the order read;
 *   - an acknowledged record sits at the offset its acknowledgement named.
 *
 * A send ends acknowledged (with an offset), failed (the cluster said no), or unknown
 * (a timeout: it may or may not have been written). Unknown and failed records may be
 * missing; with idempotence on, none may appear twice. Every value must be unique.
 */

export type SendOutcome =
  | { status: "acked"; offset: number }
  | { status: "failed"; code: string }
  | { status: "unknown" };

interface SendRecord {
  readonly partition: number;
  readonly value: string;
  outcome: SendOutcome | null;
}

export interface CheckReport {
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  readonly unknown: number;
  readonly consumed: number;
  readonly lost: string[];
  readonly duplicated: string[];
  readonly offsetConflicts: string[];
  readonly misplaced: string[];
  readonly outOfOrder: string[];
}

export class DeliveryChecker {
  private readonly sends = new Map<string, SendRecord>();
  private readonly consumed: { partition: number; offset: number; value: string }[] = [];

  /** A send about to start; its value must be unique within the test. */
  sending(partition: number, value: string): void {
    if (this.sends.has(value)) throw new Error(`value ${value} sent twice by the test itself`);
    this.sends.set(value, { partition, value, outcome: null });
  }

  settled(value: string, outcome: SendOutcome): void {
    const record = this.sends.get(value);
    if (!record) throw new Error(`no send of ${value}`);
    record.outcome = outcome;
  }

  read(partition: number, offset: number, value: string): void {
    this.consumed.push({ partition, offset, value });
  }

  check(): CheckReport {
    const seen = new Map<string, number[]>();
    const atOffset = new Map<string, string>();
    const offsetConflicts: string[] = [];
    const outOfOrder: string[] = [];
    const lastOffset = new Map<number, number>();
    for (const c of this.consumed) {
      const offsets = seen.get(c.value) ?? [];
      offsets.push(c.offset);
      seen.set(c.value, offsets);
      const key = `${c.partition}@${c.offset}`;
      const other = atOffset.get(key);
      if (other !== undefined && other !== c.value) offsetConflicts.push(`${key}: ${other} and ${c.value}`);
      atOffset.set(key, c.value);
      const last = lastOffset.get(c.partition) ?? -1;
      if (c.offset <= last) outOfOrder.push(`partition ${c.partition}: ${c.offset} after ${last}`);
      lastOffset.set(c.partition, c.offset);
    }
    const lost: string[] = [];
    const misplaced: string[] = [];
    let acked = 0;
    let failed = 0;
    let unknown = 0;
    for (const s of this.sends.values()) {
      const status = s.outcome?.status ?? "unknown";
      if (status === "failed") failed++;
      if (status === "unknown") unknown++;
      if (s.outcome?.status !== "acked") continue;
      acked++;
      const offsets = seen.get(s.value);
      if (!offsets) lost.push(s.value);
      // -1: acknowledged as a duplicate whose offset the broker no longer knew; it must
      // still be there, at one offset, but its place cannot be checked.
      else if (s.outcome.offset >= 0 && !offsets.includes(s.outcome.offset))
        misplaced.push(`${s.value}: acked at ${s.outcome.offset}, read at ${offsets}`);
    }
    const duplicated = [...seen.entries()]
      .filter(([, offsets]) => new Set(offsets).size > 1)
      .map(([v, o]) => `${v} at ${o}`);
    return {
      sent: this.sends.size,
      acked,
      failed,
      unknown,
      consumed: this.consumed.length,
      lost,
      duplicated,
      offsetConflicts,
      misplaced,
      outOfOrder,
    };
  }
}
