/**
 * Sparse map from timestamp to offset within one segment, for ListOffsets by time and
 * for time-based retention.
 *
 * Format (`<baseOffset>.timeindex`): 12-byte entries, big-endian
 *   timestamp int64 | relativeOffset u32
 * An entry (T, O) says: every record in the batches up to and including the one at O has a timestamp
 * <= T. Entries are added beside offset-index entries, only when the segment's largest
 * timestamp so far has grown, so timestamps strictly increase.
 */
import { readInt64, writeInt64 } from "@tidelog/client/record";
import { SegmentIndex } from "./segment-index.js";

export const TIME_INDEX_ENTRY_SIZE = 12;

export interface TimestampOffset {
  readonly timestamp: number;
  readonly offset: number;
}

export class TimeIndex extends SegmentIndex {
  constructor(path: string, baseOffset: number, maxBytes: number) {
    super(path, baseOffset, TIME_INDEX_ENTRY_SIZE, Math.floor(maxBytes / TIME_INDEX_ENTRY_SIZE));
  }

  private timestampAt(entry: number): number {
    return readInt64(this.buf, entry * 12);
  }

  private relativeOffsetAt(entry: number): number {
    return this.buf.readUInt32BE(entry * 12 + 8);
  }

  /** The newest entry, or null for an empty index. */
  get lastEntry(): TimestampOffset | null {
    if (this.count === 0) return null;
    return {
      timestamp: this.timestampAt(this.count - 1),
      offset: this.baseOffset + this.relativeOffsetAt(this.count - 1),
    };
  }

  /** Adds (timestamp, offset) when the timestamp is larger than the last entry's. */
  maybeAppend(timestamp: number, offset: number): void {
    const last = this.lastEntry;
    if (last && (timestamp <= last.timestamp || offset <= last.offset)) return;
    if (this.isFull) return;
    const at = this.slotForAppend();
    writeInt64(this.buf, at, timestamp);
    this.buf.writeUInt32BE(offset - this.baseOffset, at + 8);
  }

  /**
   * The offset of a batch from which a forward scan finds the first record with a
   * timestamp >= `timestamp`: the last entry strictly below it, else the segment's base.
   */
  lookup(timestamp: number): number {
    const entry = this.floorEntry(timestamp - 1, (i) => this.timestampAt(i));
    return entry < 0 ? this.baseOffset : this.baseOffset + this.relativeOffsetAt(entry);
  }

  truncateTo(offset: number): void {
    this.truncateEntries(this.floorEntry(offset - this.baseOffset - 1, (i) => this.relativeOffsetAt(i)) + 1);
  }

  sanityCheck(nextOffset: number): boolean {
    let prevTs = Number.NEGATIVE_INFINITY;
    let prevRel = -1;
    for (let i = 0; i < this.count; i++) {
      let ts: number;
      try {
        ts = this.timestampAt(i);
      } catch {
        return false;
      }
      const rel = this.relativeOffsetAt(i);
      if (ts <= prevTs || rel <= prevRel || this.baseOffset + rel >= nextOffset) return false;
      prevTs = ts;
      prevRel = rel;
    }
    return true;
  }
}
