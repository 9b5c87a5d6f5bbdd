/**
 * The mechanism shared by the offset index and the time index: fixed-size big-endian
 * entries kept in memory (for binary search) and appended to a file beside the segment.
 *
 * Kafka memory-maps preallocated index files; Node has no mmap, so the entries live in a
 * growable Buffer bounded by `maxEntries` (segment.index.bytes / entry size) and new
 * entries are written to the file on flush. After a crash the file may be short (entries
 * written since the last flush are missing) or hold garbage at its tail: a short sparse
 * index is still correct, and garbage fails `sanityCheck`, after which the segment
 * rebuilds the index from the log. So the index is never the source of truth.
 *
 * Not safe for concurrent use; its segment serialises access.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { invariant } from "../common/invariant.js";

export abstract class SegmentIndex {
  protected buf: Buffer;
  protected count = 0;
  /** Entries [0, flushedCount) are in the file. */
  private flushedCount = 0;

  protected constructor(
    readonly path: string,
    readonly baseOffset: number,
    readonly entrySize: number,
    readonly maxEntries: number,
  ) {
    this.buf = Buffer.alloc(entrySize * Math.min(maxEntries, 64));
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  get sizeBytes(): number {
    return this.count * this.entrySize;
  }

  /**
   * Loads the file's entries. A length that is not a whole number of entries (a torn
   * write) is cut back to whole entries; content is checked by `sanityCheck`.
   */
  load(): void {
    if (!existsSync(this.path)) {
      this.reset();
      return;
    }
    const data = readFileSync(this.path);
    const whole = Math.min(Math.floor(data.length / this.entrySize), this.maxEntries);
    this.buf = Buffer.alloc(Math.max(whole, 64) * this.entrySize);
    data.copy(this.buf, 0, 0, whole * this.entrySize);
    this.count = whole;
    this.flushedCount = whole;
    if (data.length !== whole * this.entrySize) truncateSync(this.path, whole * this.entrySize);
  }

  /** Drops every entry, in memory and on disk (before a rebuild). */
  reset(): void {
    this.count = 0;
    this.flushedCount = 0;
    writeFileSync(this.path, Buffer.alloc(0));
  }

  /** Writes entries added since the last flush to the file (the caller fsyncs if it needs to). */
  flush(): void {
    if (this.flushedCount === this.count) return;
    const fd = openSync(this.path, existsSync(this.path) ? "r+" : "w");
    try {
      const from = this.flushedCount * this.entrySize;
      writeSync(fd, this.buf, from, this.count * this.entrySize - from, from);
    } finally {
      closeSync(fd);
    }
    this.flushedCount = this.count;
  }

  /** Keeps the first `n` entries. */
  protected truncateEntries(n: number): void {
    invariant(n >= 0 && n <= this.count, `index truncation to ${n} of ${this.count} entries`);
    this.count = n;
    if (this.flushedCount > n) {
      this.flushedCount = n;
      if (existsSync(this.path) && statSync(this.path).size > n * this.entrySize) {
        truncateSync(this.path, n * this.entrySize);
      }
    }
  }

  /** Reserves room for one more entry and returns its byte position. */
  protected slotForAppend(): number {
    invariant(this.count < this.maxEntries, `index ${this.path} is full`);
    const pos = this.count * this.entrySize;
    if (pos + this.entrySize > this.buf.length) {
      const grown = Buffer.alloc(Math.min(this.buf.length * 2, this.maxEntries * this.entrySize));
      this.buf.copy(grown, 0, 0, pos);
      this.buf = grown;
    }
    this.count++;
    return pos;
  }

  /**
   * Binary search: the index of the last entry whose key (read by `keyAt`) is <= target,
   * or -1 when the first entry's key is already greater.
   */
  protected floorEntry(target: number, keyAt: (entry: number) => number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (keyAt(mid) <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  delete(): void {
    rmSync(this.path, { force: true });
  }
}
