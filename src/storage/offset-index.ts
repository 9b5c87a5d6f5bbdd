/**
 * Sparse map from offset to file position within one segment.
 *
 * Format (`<baseOffset>.index`): 8-byte entries, big-endian
 *   relativeOffset u32 | position u32
 * e.g. segment 00000000000000001000.log with a batch at offset 1042 starting at byte
 * 8192 has the entry `00 00 00 2a 00 00 20 00`. Entries are added at most once per
 * `index.interval.bytes` of log, at batch starts, so both columns strictly increase.
 *
 * A lookup returns the last indexed batch at or before the target; the segment scans
 * batch headers forward from there.
 */
import { SegmentIndex } from "./segment-index.js";

export interface OffsetPosition {
  readonly offset: number;
  readonly position: number;
}

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export class OffsetIndex extends SegmentIndex {
  constructor(path: string, baseOffset: number, maxBytes: number) {
    super(path, baseOffset, OFFSET_INDEX_ENTRY_SIZE, Math.floor(maxBytes / OFFSET_INDEX_ENTRY_SIZE));
  }

  private relativeOffsetAt(entry: number): number {
    return this.buf.readUInt32BE(entry * 8);
  }

  private positionAt(entry: number): number {
    return this.buf.readUInt32BE(entry * 8 + 4);
  }

  get lastOffset(): number {
    return this.count === 0 ? this.baseOffset : this.baseOffset + this.relativeOffsetAt(this.count - 1);
  }

  /** Whether `offset` can be stored relative to the base (u32). */
  canHold(offset: number): boolean {
    const relative = offset - this.baseOffset;
    return relative >= 0 && relative <= 0xffffffff;
  }

  append(offset: number, position: number): void {
    const at = this.slotForAppend();
    this.buf.writeUInt32BE(offset - this.baseOffset, at);
    this.buf.writeUInt32BE(position, at + 4);
  }

  lookup(offset: number): OffsetPosition {
    const entry = this.floorEntry(offset - this.baseOffset, (i) => this.relativeOffsetAt(i));
    if (entry < 0) return { offset: this.baseOffset, position: 0 };
    return { offset: this.baseOffset + this.relativeOffsetAt(entry), position: this.positionAt(entry) };
  }

  /** Removes entries for offsets >= `offset`. */
  truncateTo(offset: number): void {
    const keep = this.floorEntry(offset - this.baseOffset - 1, (i) => this.relativeOffsetAt(i)) + 1;
    this.truncateEntries(keep);
  }

  /** Removes entries for positions >= `position` (after the log file was cut there). */
  truncateToPosition(position: number): void {
    this.truncateEntries(this.floorEntry(position - 1, (i) => this.positionAt(i)) + 1);
  }

  /** Entries strictly increasing in both columns and inside the log file: else rebuild. */
  sanityCheck(logSizeBytes: number): boolean {
    let prevOffset = -1;
    let prevPosition = -1;
    for (let i = 0; i < this.count; i++) {
      const rel = this.relativeOffsetAt(i);
      const pos = this.positionAt(i);
      if (rel <= prevOffset || pos <= prevPosition || pos >= logSizeBytes) return false;
      prevOffset = rel;
      prevPosition = pos;
    }
    return true;
  }
}
