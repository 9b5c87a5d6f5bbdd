/**
 * Where each leader epoch starts in one partition's log: (epoch, start offset) pairs,
 * epochs strictly increasing, as Kafka's LeaderEpochFileCache (KIP-101).
 *
 * e.g. leader 1 wrote offsets 0-99 in epoch 0, then leader 2 took over at epoch 1 and
 * wrote from 100: [(0, 0), (1, 100)]. A follower whose last batch is from epoch 0 and
 * whose log ends at 120 asks the leader for the end of epoch 0: 100. Offsets 100-119 of
 * the follower were written by the old leader and never replicated: they diverge, and
 * the follower truncates to 100 before fetching. Truncating to the high watermark
 * instead could keep or drop the wrong records.
 *
 * Derived from the log: every batch carries its partitionLeaderEpoch, so the cache is
 * rebuilt from batch headers when the log is opened and updated on every append.
 */
import { invariant } from "../common/invariant.js";

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

/** "No such epoch" in an end-offset answer, as Kafka's UNDEFINED_EPOCH(_OFFSET). */
export const UNDEFINED_EPOCH = -1;

export class LeaderEpochCache {
  private entries: EpochEntry[] = [];

  get latestEpoch(): number {
    return this.entries[this.entries.length - 1]?.epoch ?? UNDEFINED_EPOCH;
  }

  get all(): readonly EpochEntry[] {
    return this.entries;
  }

  /** Notes that `epoch` holds offsets from `startOffset` on (the first batch of a new epoch). */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0) return;
    const latest = this.entries[this.entries.length - 1];
    if (latest && epoch <= latest.epoch) {
      invariant(
        epoch === latest.epoch,
        () => `leader epoch regression ${latest.epoch} -> ${epoch} at offset ${startOffset}`,
      );
      return;
    }
    invariant(
      !latest || startOffset >= latest.startOffset,
      () => `epoch ${epoch} starts at ${startOffset}, before epoch ${latest?.epoch}`,
    );
    this.entries.push({ epoch, startOffset });
  }

  /**
   * The largest epoch <= `epoch` this log knows, and the offset where it ends: the start
   * of the next epoch, or `logEndOffset` for the latest. (UNDEFINED, UNDEFINED) when the
   * log knows no epoch that old.
   */
  endOffsetFor(epoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    let i = this.entries.length - 1;
    while (i >= 0 && (this.entries[i] as EpochEntry).epoch > epoch) i--;
    if (i < 0) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH };
    const found = this.entries[i] as EpochEntry;
    const next = this.entries[i + 1];
    return { epoch: found.epoch, endOffset: next ? next.startOffset : logEndOffset };
  }

  /** Drops epochs that start at or after `offset` (the log was truncated there). */
  truncateFromEnd(offset: number): void {
    while (this.entries.length > 0 && (this.entries[this.entries.length - 1] as EpochEntry).startOffset >= offset) {
      this.entries.pop();
    }
  }

  clear(): void {
    this.entries = [];
  }
}
