/**
 * Idempotent-producer state of one partition: for every producer id, its epoch and the
 * sequence ranges and offsets of its last five batches, as Kafka's ProducerStateManager.
 *
 * A batch from producer P with epoch E covers sequences [firstSeq, lastSeq]. It is
 *   - a duplicate when one of P's last five batches covers exactly that range: the
 *     leader answers with that batch's original offsets and appends nothing;
 *   - in order when firstSeq follows P's last sequence (int32, wrapping to 0), or when P
 *     is unknown here, or when E is newer than P's epoch and firstSeq is 0;
 *   - otherwise OUT_OF_ORDER_SEQUENCE_NUMBER (a gap: an earlier batch was lost), or
 *     INVALID_PRODUCER_EPOCH when E is older than P's epoch (a zombie producer).
 *
 * The state is derived from the log: `observe` is called for every batch appended (as
 * leader or follower) and for every batch found when the log is loaded, so a restarted
 * broker, or a follower that becomes leader, has the same state as the old leader.
 *
 * Bounded: at most `maxProducers` ids are kept; the least recently written is dropped
 * first (a dropped producer is then "unknown", and its next batch is accepted as in
 * order, as Kafka does for expired producer ids).
 */
import { TidelogError } from "@tidelog/client/record";

export const BATCHES_PER_PRODUCER = 5;
const INT32_MAX = 2 ** 31 - 1;

export interface BatchSequence {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
}

interface ProducerEntry {
  epoch: number;
  /** Oldest first, at most BATCHES_PER_PRODUCER. */
  batches: BatchSequence[];
}

export type SequenceCheck = { kind: "append" } | { kind: "duplicate"; batch: BatchSequence };

/** The last sequence of a batch starting at `firstSeq` with `lastOffsetDelta`, wrapping as Kafka does. */
export function lastSequenceOf(firstSeq: number, lastOffsetDelta: number): number {
  return firstSeq > INT32_MAX - lastOffsetDelta
    ? lastOffsetDelta - (INT32_MAX - firstSeq) - 1
    : firstSeq + lastOffsetDelta;
}

function nextSequence(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

export class ProducerStateManager {
  /** Map iteration order is insertion order: re-inserted on write, so the first is the least recent. */
  private readonly producers = new Map<number, ProducerEntry>();

  constructor(readonly maxProducers: number) {}

  get producerCount(): number {
    return this.producers.size;
  }

  /** Decides what to do with a batch from `producerId` before it is appended. */
  check(producerId: number, epoch: number, firstSeq: number, lastSeq: number): SequenceCheck {
    const entry = this.producers.get(producerId);
    if (!entry) return { kind: "append" };
    if (epoch < entry.epoch) {
      throw new TidelogError(
        "INVALID_PRODUCER_EPOCH",
        `producer ${producerId} epoch ${epoch} is older than ${entry.epoch}`,
      );
    }
    if (epoch > entry.epoch) {
      if (firstSeq !== 0) {
        throw new TidelogError(
          "OUT_OF_ORDER_SEQUENCE_NUMBER",
          `producer ${producerId} started epoch ${epoch} at sequence ${firstSeq}, not 0`,
        );
      }
      return { kind: "append" };
    }
    const duplicate = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    if (duplicate) return { kind: "duplicate", batch: duplicate };
    const last = entry.batches[entry.batches.length - 1];
    if (last && firstSeq !== nextSequence(last.lastSeq)) {
      throw new TidelogError(
        "OUT_OF_ORDER_SEQUENCE_NUMBER",
        `producer ${producerId} sent sequence ${firstSeq}; expected ${nextSequence(last.lastSeq)}`,
      );
    }
    return { kind: "append" };
  }

  /** Records a batch now in the log (appended, replicated, or found when loading). */
  observe(producerId: number, epoch: number, batch: BatchSequence): void {
    let entry = this.producers.get(producerId);
    if (!entry || epoch > entry.epoch) entry = { epoch, batches: [] };
    else this.producers.delete(producerId);
    entry.batches.push(batch);
    if (entry.batches.length > BATCHES_PER_PRODUCER) entry.batches.shift();
    this.producers.set(producerId, entry);
    if (this.producers.size > this.maxProducers) {
      const oldest = this.producers.keys().next().value;
      if (oldest !== undefined) this.producers.delete(oldest);
    }
  }

  /**
   * The last offsets of every batch remembered here. The log cleaner keeps these batches
   * (emptied of records if need be), so that state rebuilt from a compacted log equals
   * this state, as Kafka keeps each active producer's last batch.
   */
  rememberedBatchLastOffsets(): Set<number> {
    const out = new Set<number>();
    for (const entry of this.producers.values()) for (const b of entry.batches) out.add(b.lastOffset);
    return out;
  }

  clear(): void {
    this.producers.clear();
  }
}
