/**
 * Records what a fault test sent and what it read back, and judges the outcome per
 * partition, as a Jepsen-style checker would:
 *
 *   - no acknowledged record is lost (every acked value is read back);
 *   - no record sits at two offsets (a value read twice: a duplicate);
 *   - no two records sit at one offset;
 *   - offsets increase in the order read;
 *   - an acknowledged record sits at the offset its acknowledgement named;
 *   - durability contract (when `minInsyncReplicas`, the partition's replicas and fault
 *     windows are given): no acks=all acknowledgement while fewer than min.insync.replicas
 *     replicas could have held the record.
 *
 * A send ends acknowledged (with an offset), failed (the cluster said no), or unknown
 * (a timeout: it may or may not have been written). Unknown and failed records may be
 * missing; with idempotence on, none may appear twice. Every value must be unique.
 *
 * The durability rule, and why it is sound (it can miss a violation, never invent one):
 * the nemesis records, for each broker, windows during which it could not receive data
 * (`isolate`): from anyone (killed, frozen by SIGSTOP) or from named brokers (a network
 * cut). Windows are recorded from inside the fault (opened once the kill, SIGSTOP or cut
 * has taken effect, closed before the heal starts), so they are never longer than the real
 * outage. A record sent at ts and acknowledged at ta (both on the checker's clock, taken
 * before send() and after its promise settled, so [ts, ta] is never shorter than the real
 * interval) can be held by a replica r only if at some instant of [ts, ta] r could receive
 * it: from the client if r led the partition, or from a broker that led it. Leaders come
 * from `leaderSeen` observations (describeTopic polls): every leader seen from the last
 * observation at least `leaderMarginMs` before ts to the first at least `leaderMarginMs`
 * after ta. When that span is not covered, or its leader epochs skip or go back (a leader
 * may have been missed), every replica is taken to have possibly led. Fewer possible
 * holders than min.insync.replicas is a violation: the acknowledgement claimed a
 * durability the cluster could not have had.
 */

export type SendOutcome =
  | { status: "acked"; offset: number }
  | { status: "failed"; code: string }
  | { status: "unknown" };

interface SendRecord {
  readonly partition: number;
  readonly value: string;
  readonly sentMs: number;
  outcome: SendOutcome | null;
  settledMs: number;
}

/** Where data could not reach `broker`: from every broker and client ("all"), or from the brokers named. */
export interface IsolationSpec {
  readonly broker: number;
  readonly from: "all" | readonly number[];
  /** "killed", "frozen", "cut off from 2, 3": quoted in violations. */
  readonly why: string;
}

interface IsolationWindow extends IsolationSpec {
  readonly startMs: number;
  endMs: number;
}

/** An isolation in progress; `end()` closes it (before the heal starts). */
export interface Isolation {
  end(): void;
}

interface LeaderObservation {
  readonly atMs: number;
  readonly leader: number | null;
  readonly leaderEpoch: number;
}

export interface DeliveryCheckerOptions {
  /** Milliseconds, one clock for sends, acknowledgements, observations and isolations; default Date.now. */
  readonly clock?: () => number;
  /** Turns the durability rule on (with `replicas` and `isolate`). */
  readonly minInsyncReplicas?: number;
  /** How far before a send and after an acknowledgement leader observations count; default 2,000 ms. */
  readonly leaderMarginMs?: number;
}

/** Violations quoted in full; the rest are counted. */
const EXAMPLES_MAX = 20;

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
  /** Acknowledgements that fewer than min.insync.replicas replicas could have held (examples, then a count). */
  readonly underReplicatedAcks: string[];
  /** How many acknowledgements broke the durability rule (underReplicatedAcks quotes at most 20). */
  readonly underReplicatedAckCount: number;
  /** Acknowledgements the durability rule judged (0 when it is off). */
  readonly durabilityChecked: number;
}

export class DeliveryChecker {
  private readonly sends = new Map<string, SendRecord>();
  private readonly consumed: { partition: number; offset: number; value: string }[] = [];
  private readonly replicaSets = new Map<number, readonly number[]>();
  private readonly leaders = new Map<number, LeaderObservation[]>();
  private readonly isolations: IsolationWindow[] = [];
  private readonly clock: () => number;
  private readonly minInsyncReplicas: number | undefined;
  private readonly leaderMarginMs: number;
  private readonly startMs: number;

  constructor(options: DeliveryCheckerOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.minInsyncReplicas = options.minInsyncReplicas;
    this.leaderMarginMs = options.leaderMarginMs ?? 2_000;
    this.startMs = this.clock();
  }

  /** The checker's clock. */
  now(): number {
    return this.clock();
  }

  /** A send about to start; its value must be unique within the test. */
  sending(partition: number, value: string): void {
    if (this.sends.has(value)) throw new Error(`value ${value} sent twice by the test itself`);
    this.sends.set(value, { partition, value, sentMs: this.clock(), outcome: null, settledMs: Number.NaN });
  }

  settled(value: string, outcome: SendOutcome): void {
    const record = this.sends.get(value);
    if (!record) throw new Error(`no send of ${value}`);
    record.outcome = outcome;
    record.settledMs = this.clock();
  }

  /** The partition's replicas (broker ids), for the durability rule. */
  replicas(partition: number, replicas: readonly number[]): void {
    this.replicaSets.set(partition, [...replicas]);
  }

  /** A describeTopic answer just received: the partition's leader (null: none) and leader epoch. */
  leaderSeen(partition: number, leader: number | null, leaderEpoch: number): void {
    const list = this.leaders.get(partition) ?? [];
    const atMs = this.clock();
    const last = list[list.length - 1];
    if (last && atMs < last.atMs) throw new Error(`leader observation at ${atMs} before one at ${last.atMs}`);
    list.push({ atMs, leader, leaderEpoch });
    this.leaders.set(partition, list);
  }

  /** From now until `end()`, `spec.broker` cannot receive data from `spec.from`. Open it once the fault has taken effect. */
  isolate(spec: IsolationSpec): Isolation {
    const window: IsolationWindow = { ...spec, startMs: this.clock(), endMs: Number.POSITIVE_INFINITY };
    this.isolations.push(window);
    return {
      end: () => {
        if (window.endMs === Number.POSITIVE_INFINITY) window.endMs = this.clock();
      },
    };
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
    const durability = this.checkDurability();
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
      underReplicatedAcks: durability.examples,
      underReplicatedAckCount: durability.count,
      durabilityChecked: durability.checked,
    };
  }

  private checkDurability(): { examples: string[]; count: number; checked: number } {
    const examples: string[] = [];
    let count = 0;
    let checked = 0;
    const minIsr = this.minInsyncReplicas;
    if (minIsr === undefined) return { examples, count, checked };
    for (const s of this.sends.values()) {
      if (s.outcome?.status !== "acked") continue;
      const replicas = this.replicaSets.get(s.partition);
      if (!replicas) continue;
      checked++;
      const leaders = this.leadersDuring(s.partition, s.sentMs, s.settledMs);
      const possible = leaders ?? new Set(replicas);
      const holders = replicas.filter((r) => this.couldHold(r, possible, s.sentMs, s.settledMs));
      if (holders.length >= minIsr) continue;
      count++;
      if (examples.length < EXAMPLES_MAX)
        examples.push(this.describeViolation(s, replicas, possible, leaders, holders));
    }
    return { examples, count, checked };
  }

  /** Every broker that led `partition` at some instant of [fromMs, toMs], or undefined when the observations cannot tell. */
  private leadersDuring(partition: number, fromMs: number, toMs: number): Set<number> | undefined {
    const list = this.leaders.get(partition) ?? [];
    // The last observation at least a margin before the send, the first at least a margin after the ack.
    const first = lastIndexAtOrBefore(list, fromMs - this.leaderMarginMs);
    const last = firstIndexAtOrAfter(list, toMs + this.leaderMarginMs);
    if (first < 0 || last < 0) return undefined;
    const leaders = new Set<number>();
    for (let i = first; i <= last; i++) {
      const o = list[i]!;
      const step = i === first ? 0 : o.leaderEpoch - list[i - 1]!.leaderEpoch;
      if (step < 0 || step > 1) return undefined;
      if (o.leader !== null) leaders.add(o.leader);
    }
    return leaders;
  }

  /** Whether at some instant of [fromMs, toMs] `broker` could receive data: from the client if it led, else from a leader. */
  private couldHold(broker: number, leaders: ReadonlySet<number>, fromMs: number, toMs: number): boolean {
    const sources: (number | "client")[] = [...leaders].filter((l) => l !== broker);
    if (leaders.has(broker)) sources.push("client");
    return sources.some((source) => {
      const blocked = this.isolations.filter(
        (w) => w.broker === broker && (w.from === "all" || (source !== "client" && w.from.includes(source))),
      );
      return !covers(blocked, fromMs, toMs);
    });
  }

  private describeViolation(
    s: SendRecord,
    replicas: readonly number[],
    possible: ReadonlySet<number>,
    leaders: ReadonlySet<number> | undefined,
    holders: readonly number[],
  ): string {
    const at = (ms: number) => `${((ms - this.startMs) / 1000).toFixed(3)} s`;
    const windows = this.isolations
      .filter((w) => replicas.includes(w.broker) && w.startMs <= s.settledMs && w.endMs >= s.sentMs)
      .map(
        (w) =>
          `broker ${w.broker} ${w.why} ${at(w.startMs)}-${w.endMs === Number.POSITIVE_INFINITY ? "" : at(w.endMs)}`,
      );
    return (
      `partition ${s.partition} ${s.value}: sent ${at(s.sentMs)}, acknowledged ${at(s.settledMs)} ` +
      `(offset ${s.outcome?.status === "acked" ? s.outcome.offset : "?"}); ` +
      `leader${leaders === undefined ? "s unknown, any of" : "(s)"} ${[...possible].join(",")}; ` +
      `could hold it: ${holders.length === 0 ? "none" : holders.join(",")} of ${replicas.join(",")}, ` +
      `fewer than min.insync.replicas=${this.minInsyncReplicas}; isolations: ${windows.join("; ") || "none"}`
    );
  }
}

/** The index of the first observation later than `ms` (list.length if none): observations are in time order. */
function firstLaterThan(list: readonly LeaderObservation[], ms: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.atMs <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lastIndexAtOrBefore(list: readonly LeaderObservation[], ms: number): number {
  return firstLaterThan(list, ms) - 1;
}

function firstIndexAtOrAfter(list: readonly LeaderObservation[], ms: number): number {
  let i = firstLaterThan(list, ms);
  while (i > 0 && list[i - 1]!.atMs === ms) i--;
  return i < list.length ? i : -1;
}

/** Whether the closed windows together cover every instant of [fromMs, toMs]. */
function covers(windows: readonly { startMs: number; endMs: number }[], fromMs: number, toMs: number): boolean {
  let reached = fromMs;
  for (const w of [...windows].sort((a, b) => a.startMs - b.startMs)) {
    if (w.endMs < reached) continue;
    if (w.startMs > reached) return false;
    if (w.endMs >= toMs) return true;
    reached = w.endMs;
  }
  return false;
}
