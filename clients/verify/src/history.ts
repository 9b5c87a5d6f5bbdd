/**
 * A run's history, Jepsen style: every client operation is an `invoke` followed, in the
 * same process, by its completion: `ok` (it happened), `fail` (it certainly did not) or
 * `info` (indeterminate: a timeout or a lost connection, it may or may not have
 * happened). The nemesis's faults are ops of process "nemesis" (an `info` when a fault
 * starts and one when it ends). Times are ms since the run's epoch, from a monotonic clock.
 *
 * On disk it is JSON lines, one op per line, in index order:
 *
 *   {"index":0,"time":12.5,"process":3,"type":"invoke","f":"send","value":{"v":"3:0","p":1}}
 *   {"index":1,"time":15.25,"process":3,"type":"ok","f":"send","value":{"v":"3:0","p":1,"o":0}}
 *   {"index":2,"time":2001,"process":"nemesis","type":"info","f":"kill","value":{"phase":"start","target":"broker 2"}}
 *
 * Invariants (asserted by the recorder, checked by `readHistory`): indexes count up from
 * 0 without gaps, times never go back, a process has at most one op in flight, and a
 * completion names the same `f` as its invocation.
 *
 * Memory: the recorder keeps nothing but one pending op per process; lines are buffered
 * up to LIMITS.historyBufferBytes and written synchronously (bounded, and a crash loses at
 * most LIMITS.historyFlushIntervalMs of them). What a checker needs it keeps itself, as
 * an observer of the ops as they are recorded. Not safe across worker threads; one event
 * loop only.
 */
import { closeSync, createReadStream, fsyncSync, openSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { VerifyError } from "./errors.js";
import { LIMITS } from "./limits.js";

export type OpType = "invoke" | "ok" | "fail" | "info";
export type Completion = Exclude<OpType, "invoke">;
export type ProcessId = number | "nemesis";

export interface Op {
  readonly index: number;
  /** ms since the run's epoch. */
  readonly time: number;
  readonly process: ProcessId;
  readonly type: OpType;
  /** The function: send, poll, txn, commit, final-read, or a fault kind for the nemesis. */
  readonly f: string;
  readonly value: unknown;
  /** Why a fail or info happened ("REQUEST_TIMED_OUT: ..."). */
  readonly error?: string;
}

/** What a process has in flight: made by `invoke`, ended by `complete`. */
export interface Invocation {
  readonly process: number;
  readonly f: string;
  readonly index: number;
  readonly time: number;
}

export type OpObserver = (op: Op) => void;

/** A monotonic clock reading ms since the moment it was made: a run's epoch. */
export function runClock(): () => number {
  const start = performance.now();
  return () => performance.now() - start;
}

/** "CODE: message", cut to LIMITS.errorTextMax characters. */
export function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > LIMITS.errorTextMax ? `${text.slice(0, LIMITS.errorTextMax - 1)}…` : text;
}

// ---------------------------------------------------------------------------------------
// Writing

/** Appends ops to a JSONL file; see the module header for the format and bounds. */
export class HistoryFile {
  private readonly fd: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
    this.timer = setInterval(() => this.flush(), LIMITS.historyFlushIntervalMs);
    this.timer.unref();
  }

  append(op: Op): void {
    if (this.closed) throw new Error(`history ${this.path} is closed; op ${op.index} came after (a bug in the run)`);
    const line = `${JSON.stringify(op)}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= LIMITS.historyBufferBytes) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join("");
    this.pending = [];
    this.pendingBytes = 0;
    writeSync(this.fd, chunk);
  }

  /** Writes what is buffered, syncs and closes. Idempotent. */
  close(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    this.flush();
    this.closed = true;
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

export interface HistoryRecorderOptions {
  readonly nowMs: () => number;
  /** Where ops go as they happen; none: only to the observers. */
  readonly file?: HistoryFile;
  readonly observers?: readonly OpObserver[];
}

/** Numbers, times and records ops, and hands each to the observers (checker, timeline, progress). */
export class HistoryRecorder {
  private nextIndex = 0;
  private lastTime = 0;
  private readonly inFlight = new Map<number, Invocation>();
  private readonly observers: OpObserver[];

  constructor(private readonly options: HistoryRecorderOptions) {
    this.observers = [...(options.observers ?? [])];
  }

  observe(observer: OpObserver): void {
    this.observers.push(observer);
  }

  /** Ops recorded so far. */
  get size(): number {
    return this.nextIndex;
  }

  invoke(process: number, f: string, value: unknown): Invocation {
    if (!Number.isSafeInteger(process) || process < 0) throw new RangeError(`process ids are >= 0, not ${process}`);
    const open = this.inFlight.get(process);
    if (open) {
      throw new Error(`process ${process} invoked ${f} while its ${open.f} (op ${open.index}) is in flight (a bug)`);
    }
    const op = this.record({ process, type: "invoke", f, value });
    const invocation = { process, f, index: op.index, time: op.time };
    this.inFlight.set(process, invocation);
    return invocation;
  }

  complete(invocation: Invocation, type: Completion, value: unknown, error?: unknown): Op {
    if (this.inFlight.get(invocation.process) !== invocation) {
      throw new Error(`op ${invocation.index} of process ${invocation.process} completed twice, or never invoked`);
    }
    this.inFlight.delete(invocation.process);
    return this.record({
      process: invocation.process,
      type,
      f: invocation.f,
      value,
      ...(error === undefined ? {} : { error: errorText(error) }),
    });
  }

  /** A nemesis op: a fault starting or ending. */
  nemesis(f: string, value: unknown): Op {
    return this.record({ process: "nemesis", type: "info", f, value });
  }

  /** Processes with an op in flight (the run waits for them before its final phase). */
  get pending(): number {
    return this.inFlight.size;
  }

  private record(fields: Omit<Op, "index" | "time">): Op {
    const time = Math.round(Math.max(this.lastTime, this.options.nowMs()) * 1000) / 1000;
    this.lastTime = time;
    const op: Op = { index: this.nextIndex++, time, ...fields };
    this.options.file?.append(op);
    for (const observer of this.observers) observer(op);
    return op;
  }
}

// ---------------------------------------------------------------------------------------
// Reading

const OP_TYPES: ReadonlySet<string> = new Set(["invoke", "ok", "fail", "info"]);

/** Checks one parsed line against the format; `where` names it in the error. */
export function parseOp(raw: unknown, where: string): Op {
  const bad = (why: string) => new VerifyError("HISTORY_FORMAT", `${where}: ${why}`);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw bad("not a JSON object");
  const o = raw as Record<string, unknown>;
  if (!Number.isSafeInteger(o.index) || (o.index as number) < 0) throw bad("index is not a whole number >= 0");
  if (typeof o.time !== "number" || !Number.isFinite(o.time) || o.time < 0) throw bad("time is not a number >= 0");
  const process = o.process;
  if (process !== "nemesis" && !(Number.isSafeInteger(process) && (process as number) >= 0)) {
    throw bad('process is neither a whole number >= 0 nor "nemesis"');
  }
  if (typeof o.type !== "string" || !OP_TYPES.has(o.type)) throw bad("type is not invoke, ok, fail or info");
  if (typeof o.f !== "string" || o.f.length === 0) throw bad("f is not a non-empty string");
  if (!("value" in o)) throw bad("value is missing");
  if (o.error !== undefined && typeof o.error !== "string") throw bad("error is not a string");
  return o as unknown as Op;
}

/**
 * Checks the history-wide invariants (index order, time order, one op in flight per
 * process) over ops in order, throwing HISTORY_FORMAT at the first break.
 */
export class HistoryValidator {
  private expected = 0;
  private lastTime = 0;
  private readonly inFlight = new Map<number, string>();

  check(op: Op, where = `op ${op.index}`): void {
    const bad = (why: string) => new VerifyError("HISTORY_FORMAT", `${where}: ${why}`);
    if (op.index !== this.expected) throw bad(`index ${op.index}, expected ${this.expected}`);
    this.expected++;
    if (op.time < this.lastTime) throw bad(`time ${op.time} is before the previous op's ${this.lastTime}`);
    this.lastTime = op.time;
    if (op.process === "nemesis") return;
    const open = this.inFlight.get(op.process);
    if (op.type === "invoke") {
      if (open !== undefined) throw bad(`process ${op.process} invoked ${op.f} with ${open} in flight`);
      this.inFlight.set(op.process, op.f);
      return;
    }
    if (open === undefined) throw bad(`process ${op.process} completed ${op.f} without invoking it`);
    if (open !== op.f) throw bad(`process ${op.process} completed ${op.f} but had invoked ${open}`);
    this.inFlight.delete(op.process);
  }
}

/** The ops of a history file, in order, each checked (HISTORY_FORMAT names the line). Streams: memory stays flat. */
export async function* readHistory(path: string): AsyncGenerator<Op, void, undefined> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: "utf8" }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const validator = new HistoryValidator();
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.length === 0) continue;
      const where = `${path}:${lineNo}`;
      if (line.length > LIMITS.historyLineBytesMax) {
        throw new VerifyError("HISTORY_FORMAT", `${where}: line longer than ${LIMITS.historyLineBytesMax} characters`);
      }
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (e) {
        throw new VerifyError("HISTORY_FORMAT", `${where}: not JSON (${(e as Error).message})`, { cause: e });
      }
      const op = parseOp(raw, where);
      validator.check(op, where);
      yield op;
    }
  } finally {
    lines.close();
  }
}
