/**
 * Where the last few batches appended to a segment sit in its file.
 *
 * Followers and tailing consumers read from the log end, which is just what was
 * appended; without this, every such read first scanned batch headers from the last
 * offset index entry (a read of up to 4 KiB and a walk over it). In a CPU profile of
 * 1,000-record transactions on 3 brokers that scan was 1.9% of broker CPU.
 *
 * Only batches appended back to back are kept, oldest first, so the first one whose
 * last offset reaches an offset at or after the oldest base offset is the batch a scan
 * would find. Fixed size, in typed arrays: nothing is allocated per append.
 */
export const RECENT_BATCHES = 16;

export interface BatchLocation {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
}

export class RecentBatches {
  // Offsets and positions are safe integers, which a float64 holds exactly.
  private readonly baseOffsets = new Float64Array(RECENT_BATCHES);
  private readonly lastOffsets = new Float64Array(RECENT_BATCHES);
  private readonly positions = new Float64Array(RECENT_BATCHES);
  private readonly sizes = new Int32Array(RECENT_BATCHES);
  /** Slot the next batch goes to. */
  private head = 0;
  private count = 0;

  /** Records a batch appended at `position`; one that does not follow the last starts over. */
  add(position: number, size: number, baseOffset: number, lastOffset: number): void {
    if (this.count > 0) {
      const newest = (this.head + RECENT_BATCHES - 1) % RECENT_BATCHES;
      const follows =
        this.positions[newest]! + this.sizes[newest]! === position && this.lastOffsets[newest]! < baseOffset;
      if (!follows) this.clear();
    }
    this.positions[this.head] = position;
    this.sizes[this.head] = size;
    this.baseOffsets[this.head] = baseOffset;
    this.lastOffsets[this.head] = lastOffset;
    this.head = (this.head + 1) % RECENT_BATCHES;
    if (this.count < RECENT_BATCHES) this.count++;
  }

  /**
   * The first kept batch whose last offset is >= `offset`; null when `offset` is before
   * the oldest kept batch (earlier batches are not known here) or past the newest.
   */
  find(offset: number): BatchLocation | null {
    if (this.count === 0) return null;
    const oldest = (this.head + RECENT_BATCHES - this.count) % RECENT_BATCHES;
    if (offset < this.baseOffsets[oldest]!) return null;
    for (let n = 0; n < this.count; n++) {
      const i = (oldest + n) % RECENT_BATCHES;
      if (this.lastOffsets[i]! >= offset) {
        return {
          position: this.positions[i]!,
          size: this.sizes[i]!,
          baseOffset: this.baseOffsets[i]!,
          lastOffset: this.lastOffsets[i]!,
        };
      }
    }
    return null;
  }

  clear(): void {
    this.count = 0;
  }
}
