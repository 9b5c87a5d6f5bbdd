/**
 * The values of the workloads' ops: what the workloads write into the history and the
 * checkers read back. One shape per function; each reader checks the shape and throws
 * HISTORY_FORMAT naming the op, so a hand-edited history fails loudly, not silently.
 *
 *   send         invoke {v, p}            ok {v, p, o}             fail/info {v, p}
 *   txn          invoke {txn, intent, writes: [[p, v], ...]}   ok {txn, outcome}   fail/info {txn}
 *   poll         invoke {}                ok {records: [[p, o, v], ...]}
 *   commit       invoke {offsets: [[p, o], ...]}   ok/fail/info: the same
 *   final-read   invoke {p, from}         ok {p, records: [[o, v], ...], done}   fail/info {p}
 *   final-committed  invoke {}            ok {offsets: [[p, o], ...]}
 *
 * Record values name where they come from, so a value read back says who wrote it:
 *   queue/group  "<producer process>:<counter>"           e.g. "3:17"
 *   txn          "<txn id>:<i>/<n>:<partitions>"           e.g. "2-9:1/3:0.2.5"
 *                (the 2nd of 3 records of transaction 2-9, written to partitions 0, 2 and 5)
 */
import { VerifyError } from "./errors.js";
import type { Op } from "./history.js";

export interface SendValue {
  readonly v: string;
  readonly p: number;
  readonly o?: number;
}

export type TxnIntent = "commit" | "abort";
export type TxnOutcome = "committed" | "aborted";

export interface TxnInvokeValue {
  readonly txn: string;
  readonly intent: TxnIntent;
  readonly writes: readonly (readonly [number, string])[];
}

export interface TxnDoneValue {
  readonly txn: string;
  readonly outcome?: TxnOutcome;
}

export interface PollValue {
  readonly records: readonly (readonly [number, number, string])[];
}

export interface OffsetsValue {
  readonly offsets: readonly (readonly [number, number])[];
}

export interface FinalReadValue {
  readonly p: number;
  readonly records: readonly (readonly [number, string])[];
  /** The partition was read to its end offset. */
  readonly done: boolean;
}

function bad(op: Op, why: string): VerifyError {
  return new VerifyError("HISTORY_FORMAT", `op ${op.index} (${op.f} ${op.type}): ${why}`);
}

function isIndex(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0;
}

function object(op: Op): Record<string, unknown> {
  if (typeof op.value !== "object" || op.value === null || Array.isArray(op.value))
    throw bad(op, "value is not an object");
  return op.value as Record<string, unknown>;
}

export function sendValue(op: Op): SendValue {
  const o = object(op);
  if (typeof o.v !== "string") throw bad(op, "v is not a string");
  if (!isIndex(o.p)) throw bad(op, "p is not a partition");
  if (op.type === "ok" && !Number.isSafeInteger(o.o)) throw bad(op, "an acknowledged send has no offset o");
  return o as unknown as SendValue;
}

export function txnInvokeValue(op: Op): TxnInvokeValue {
  const o = object(op);
  if (typeof o.txn !== "string") throw bad(op, "txn is not a string");
  if (o.intent !== "commit" && o.intent !== "abort") throw bad(op, "intent is not commit or abort");
  if (
    !Array.isArray(o.writes) ||
    !o.writes.every((w) => Array.isArray(w) && isIndex(w[0]) && typeof w[1] === "string")
  ) {
    throw bad(op, "writes is not a list of [partition, value]");
  }
  return o as unknown as TxnInvokeValue;
}

export function txnDoneValue(op: Op): TxnDoneValue {
  const o = object(op);
  if (typeof o.txn !== "string") throw bad(op, "txn is not a string");
  if (op.type === "ok" && o.outcome !== "committed" && o.outcome !== "aborted") {
    throw bad(op, "an ok txn's outcome is not committed or aborted");
  }
  return o as unknown as TxnDoneValue;
}

export function pollValue(op: Op): PollValue {
  const o = object(op);
  if (
    !Array.isArray(o.records) ||
    !o.records.every((r) => Array.isArray(r) && isIndex(r[0]) && isIndex(r[1]) && typeof r[2] === "string")
  ) {
    throw bad(op, "records is not a list of [partition, offset, value]");
  }
  return o as unknown as PollValue;
}

export function offsetsValue(op: Op): OffsetsValue {
  const o = object(op);
  if (!Array.isArray(o.offsets) || !o.offsets.every((r) => Array.isArray(r) && isIndex(r[0]) && isIndex(r[1]))) {
    throw bad(op, "offsets is not a list of [partition, offset]");
  }
  return o as unknown as OffsetsValue;
}

export function finalReadValue(op: Op): FinalReadValue {
  const o = object(op);
  if (!isIndex(o.p)) throw bad(op, "p is not a partition");
  if (
    !Array.isArray(o.records) ||
    !o.records.every((r) => Array.isArray(r) && isIndex(r[0]) && typeof r[1] === "string")
  ) {
    throw bad(op, "records is not a list of [offset, value]");
  }
  if (typeof o.done !== "boolean") throw bad(op, "done is not a boolean");
  return o as unknown as FinalReadValue;
}

// ---------------------------------------------------------------------------------------
// Record values

const QUEUE_VALUE = /^(0|[1-9][0-9]{0,8}):(0|[1-9][0-9]{0,14})$/;

export function queueValue(producer: number, counter: number): string {
  return `${producer}:${counter}`;
}

/** The producer process and counter of a queue/group value; null when it is not one. */
export function parseQueueValue(value: string): { producer: number; counter: number } | null {
  const m = QUEUE_VALUE.exec(value);
  return m ? { producer: Number(m[1]), counter: Number(m[2]) } : null;
}

export interface TxnRecordTag {
  readonly txn: string;
  readonly i: number;
  readonly n: number;
  readonly partitions: readonly number[];
}

const TXN_VALUE = /^([0-9]+-[0-9]+):([0-9]+)\/([1-9][0-9]*):([0-9]+(?:\.[0-9]+)*)$/;

export function txnValue(tag: TxnRecordTag): string {
  return `${tag.txn}:${tag.i}/${tag.n}:${tag.partitions.join(".")}`;
}

export function parseTxnValue(value: string): TxnRecordTag | null {
  const m = TXN_VALUE.exec(value);
  if (!m) return null;
  const i = Number(m[2]);
  const n = Number(m[3]);
  const partitions = (m[4] as string).split(".").map(Number);
  if (i >= n || partitions.length !== n) return null;
  return { txn: m[1] as string, i, n, partitions };
}
