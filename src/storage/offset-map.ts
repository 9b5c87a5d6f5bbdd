/**
 * The log cleaner's map from record key to the offset of its latest record in the dirty
 * part of a log, as Kafka's SkimpyOffsetMap, with a bounded memory budget.
 *
 * Kafka stores a 16-byte MD5 of each key in a preallocated hash table, which bounds memory
 * exactly but lets two keys collide. Here keys are exact (a Map keyed by the key's bytes
 * read as latin1, one char per byte), and the budget is kept by charging each entry its
 * key length plus ENTRY_OVERHEAD_BYTES: a cost estimate for a Map slot and a short string.
 * When the next key does not fit, `put` refuses it and the cleaner ends this pass's dirty
 * range at that offset; the next pass continues from there.
 *
 * Example: puts (k1 @ 5), (k2 @ 6), (k1 @ 9) leave {k1 -> 9, k2 -> 6}, latestOffset 9.
 *
 * Not shared: one cleaner pass owns one map.
 */
import { invariant } from "../common/invariant.js";

/** Estimated bytes a Map entry with a short string key costs besides the key's bytes. */
export const ENTRY_OVERHEAD_BYTES = 64;

export class OffsetMap {
  private readonly offsets = new Map<string, number>();
  private usedBytes = 0;
  private latest = -1;

  constructor(readonly budgetBytes: number) {
    invariant(Number.isSafeInteger(budgetBytes) && budgetBytes > 0, `offset map budget ${budgetBytes}`);
  }

  get size(): number {
    return this.offsets.size;
  }

  /** The largest offset put so far; -1 when empty. */
  get latestOffset(): number {
    return this.latest;
  }

  /**
   * Records that `key`'s latest record is at `offset` (offsets must be put in increasing
   * order). Returns false, recording nothing, when a new key does not fit the budget.
   */
  put(key: Buffer, offset: number): boolean {
    invariant(offset > this.latest, () => `offset map put at ${offset} after ${this.latest}`);
    const k = key.toString("latin1");
    if (!this.offsets.has(k)) {
      const cost = key.length + ENTRY_OVERHEAD_BYTES;
      // An empty map takes any one key, so a huge key cannot stall the cleaner.
      if (this.usedBytes + cost > this.budgetBytes && this.offsets.size > 0) return false;
      this.usedBytes += cost;
    }
    this.offsets.set(k, offset);
    this.latest = offset;
    return true;
  }

  /** The latest offset of `key`, or -1 when the map does not hold it. */
  get(key: Buffer): number {
    return this.offsets.get(key.toString("latin1")) ?? -1;
  }
}
