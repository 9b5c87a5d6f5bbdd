/**
 * The aborted transactions whose ABORT marker lies in one segment: Kafka's `.txnindex`.
 *
 * Format (`<baseOffset>.txnindex`): 34-byte entries, big-endian, in marker order
 *   version i16 (0) | producerId i64 | firstOffset i64 | lastOffset i64 | lastStableOffset i64
 * e.g. producer 7's transaction from offset 100 aborted by a marker at 130, after which
 * the last stable offset was 131:
 *   00 00 | 00..07 | 00..64 | 00..82 | 00..83
 *
 * `firstOffset` may lie in an earlier segment: a read_committed fetch from offset F up to
 * U collects, segment by segment from F's, every entry with lastOffset >= F and
 * firstOffset < U, and stops at the first entry whose lastStableOffset >= U (no
 * transaction open before U can be aborted later than that: Kafka's same shortcut).
 *
 * The file is derived state: written when an ABORT marker is appended (as leader or
 * follower), cut on truncation, and rebuilt from the log's batches on load, so a torn
 * or missing file costs a rewrite, never a wrong answer. Not safe for concurrent use;
 * the partition log owns it.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { invariant } from "../common/invariant.js";

export interface AbortedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly lastStableOffset: number;
}

export const TXN_INDEX_ENTRY_SIZE = 34;
export const TRANSACTION_INDEX_SUFFIX = ".txnindex";
const VERSION = 0;

export class TransactionIndex {
  private entries: AbortedTxn[] = [];
  private dirty = false;

  constructor(
    readonly path: string,
    readonly baseOffset: number,
  ) {}

  /** Reads the file if it is whole and ordered; returns false (and holds nothing) when it must be rebuilt. */
  load(): boolean {
    this.entries = [];
    if (!existsSync(this.path)) return false;
    const data = readFileSync(this.path);
    if (data.length % TXN_INDEX_ENTRY_SIZE !== 0) return false;
    const read: AbortedTxn[] = [];
    for (let at = 0; at < data.length; at += TXN_INDEX_ENTRY_SIZE) {
      if (data.readInt16BE(at) !== VERSION) return false;
      const entry = {
        producerId: Number(data.readBigInt64BE(at + 2)),
        firstOffset: Number(data.readBigInt64BE(at + 10)),
        lastOffset: Number(data.readBigInt64BE(at + 18)),
        lastStableOffset: Number(data.readBigInt64BE(at + 26)),
      };
      const prev = read[read.length - 1];
      if (entry.lastOffset < this.baseOffset || entry.firstOffset > entry.lastOffset) return false;
      if (prev && entry.lastOffset <= prev.lastOffset) return false;
      read.push(entry);
    }
    this.entries = read;
    return true;
  }

  get all(): readonly AbortedTxn[] {
    return this.entries;
  }

  get lastOffset(): number {
    return this.entries[this.entries.length - 1]?.lastOffset ?? -1;
  }

  /** Adds the entry of an ABORT marker appended at `entry.lastOffset`. */
  append(entry: AbortedTxn): void {
    invariant(
      entry.lastOffset >= this.baseOffset && entry.lastOffset > this.lastOffset,
      () => `aborted transaction at ${entry.lastOffset} does not follow ${this.lastOffset} in ${this.path}`,
    );
    invariant(
      entry.firstOffset <= entry.lastOffset,
      () => `aborted transaction ${entry.firstOffset} > ${entry.lastOffset}`,
    );
    this.entries.push(entry);
    const fd = openSync(this.path, "a");
    try {
      writeSync(fd, encode([entry]));
    } finally {
      closeSync(fd);
    }
    this.dirty = true;
  }

  /** Replaces everything (a rebuild from the log); writes the file only when it differs. */
  replace(entries: readonly AbortedTxn[]): void {
    const bytes = encode(entries);
    const same = existsSync(this.path) && readFileSync(this.path).equals(bytes);
    this.entries = [...entries];
    if (same) return;
    if (entries.length === 0) rmSync(this.path, { force: true });
    else writeFileSync(this.path, bytes);
    this.dirty = entries.length > 0;
  }

  /** Drops entries whose marker is at or after `offset` (the log was truncated there). */
  truncateTo(offset: number): void {
    const keep = this.entries.filter((e) => e.lastOffset < offset);
    if (keep.length !== this.entries.length) this.replace(keep);
  }

  /**
   * Entries overlapping a read from `fetchOffset` up to `upperOffset`; `complete` when an
   * entry shows no later segment can add one (see the header).
   */
  collect(fetchOffset: number, upperOffset: number): { aborted: AbortedTxn[]; complete: boolean } {
    const aborted: AbortedTxn[] = [];
    for (const e of this.entries) {
      if (e.lastOffset >= fetchOffset && e.firstOffset < upperOffset) aborted.push(e);
      if (e.lastStableOffset >= upperOffset) return { aborted, complete: true };
    }
    return { aborted, complete: false };
  }

  flush(): void {
    if (!this.dirty || !existsSync(this.path)) return;
    const fd = openSync(this.path, "r+");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.dirty = false;
  }

  delete(): void {
    rmSync(this.path, { force: true });
    this.entries = [];
  }
}

function encode(entries: readonly AbortedTxn[]): Buffer {
  const out = Buffer.alloc(entries.length * TXN_INDEX_ENTRY_SIZE);
  entries.forEach((e, i) => {
    const at = i * TXN_INDEX_ENTRY_SIZE;
    out.writeInt16BE(VERSION, at);
    out.writeBigInt64BE(BigInt(e.producerId), at + 2);
    out.writeBigInt64BE(BigInt(e.firstOffset), at + 10);
    out.writeBigInt64BE(BigInt(e.lastOffset), at + 18);
    out.writeBigInt64BE(BigInt(e.lastStableOffset), at + 26);
  });
  return out;
}
