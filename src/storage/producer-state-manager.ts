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
 * Transactions: a producer's first transactional batch on this partition opens its
 * transaction here (at that batch's offset); the COMMIT or ABORT marker the coordinator
 * writes closes it. The first offset of the oldest open transaction is the partition's
 * first unstable offset, which bounds the last stable offset (what read_committed
 * consumers may read). A marker carries the epoch the transaction ended with (bumped by
 * EndTxn, KIP-890), so afterwards a late batch of the old epoch is refused.
 *
 * Bounded: at most `maxProducers` ids are kept; the least recently written is dropped
 * first (a dropped producer is then "unknown", and its next batch is accepted as in
 * order, as Kafka does for expired producer ids). A producer with an open transaction is
 * never dropped: the last stable offset depends on it.
 */
import { TidelogError } from "@tidelog/client/record";

/** Recent batches kept per producer to answer a retried one with its first offsets (Kafka keeps 5). */
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
  /** Offset of the first batch of the producer's open transaction here; -1 when none. */
  txnFirstOffset: number;
}

/** A transaction closed by a marker: its range on this partition, and how it ended. */
export interface CompletedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
  /** The marker's offset. */
  readonly lastOffset: number;
  readonly aborted: boolean;
}

/** An open transaction on this partition. */
export interface OngoingTxn {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly firstOffset: number;
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
  /**
   * Producers with an open transaction here, and its first offset: the last stable offset
   * is read on every fetch, so it looks at these (few) rather than every producer.
   */
  private readonly open = new Map<number, number>();

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
  observe(producerId: number, epoch: number, batch: BatchSequence, transactional = false): void {
    let entry = this.producers.get(producerId);
    if (!entry || epoch > entry.epoch) entry = { epoch, batches: [], txnFirstOffset: entry?.txnFirstOffset ?? -1 };
    else this.producers.delete(producerId);
    entry.batches.push(batch);
    if (entry.batches.length > BATCHES_PER_PRODUCER) entry.batches.shift();
    if (transactional && entry.txnFirstOffset < 0) {
      entry.txnFirstOffset = batch.firstOffset;
      this.open.set(producerId, batch.firstOffset);
    }
    this.producers.set(producerId, entry);
    this.evictIfFull();
  }

  /**
   * Refuses a marker (or another unnumbered batch written for the producer, such as its
   * transactional offsets) older than the producer's epoch here (a stale coordinator, a
   * fenced producer, or a marker replayed after a newer transaction began):
   * INVALID_PRODUCER_EPOCH.
   */
  checkMarker(producerId: number, epoch: number): void {
    const entry = this.producers.get(producerId);
    if (entry && epoch < entry.epoch) {
      throw new TidelogError(
        "INVALID_PRODUCER_EPOCH",
        `marker for producer ${producerId} at epoch ${epoch}, older than ${entry.epoch}`,
      );
    }
  }

  /**
   * Records a COMMIT or ABORT marker now in the log at `offset`: closes the producer's
   * open transaction here (null when it had none on this partition: nothing to index) and
   * moves its epoch to the marker's.
   */
  observeMarker(producerId: number, epoch: number, offset: number, commit: boolean): CompletedTxn | null {
    const entry = this.producers.get(producerId) ?? { epoch, batches: [], txnFirstOffset: -1 };
    this.producers.delete(producerId);
    const first = entry.txnFirstOffset;
    // A bumped epoch starts the producer's sequences afresh.
    if (epoch > entry.epoch) {
      entry.epoch = epoch;
      entry.batches = [];
    }
    entry.txnFirstOffset = -1;
    this.open.delete(producerId);
    this.producers.set(producerId, entry);
    this.evictIfFull();
    return first < 0 ? null : { producerId, firstOffset: first, lastOffset: offset, aborted: !commit };
  }

  /** The first offset of the oldest open transaction, or null when none is open. */
  firstUnstableOffset(): number | null {
    if (this.open.size === 0) return null;
    let first: number | null = null;
    for (const offset of this.open.values()) if (first === null || offset < first) first = offset;
    return first;
  }

  /** Open transactions, oldest first. */
  ongoingTransactions(): OngoingTxn[] {
    const out: OngoingTxn[] = [];
    for (const [producerId, entry] of this.producers) {
      if (entry.txnFirstOffset >= 0)
        out.push({ producerId, producerEpoch: entry.epoch, firstOffset: entry.txnFirstOffset });
    }
    return out.sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /**
   * Whether `producerId` has an open transaction here at `epoch`. One at an older epoch is
   * the previous transaction, whose marker has not arrived yet: a batch of the next one
   * must not join it (the marker would end both).
   */
  inTransaction(producerId: number, epoch: number): boolean {
    const entry = this.producers.get(producerId);
    return entry !== undefined && entry.txnFirstOffset >= 0 && entry.epoch === epoch;
  }

  private evictIfFull(): void {
    if (this.producers.size <= this.maxProducers) return;
    for (const [id, entry] of this.producers) {
      if (entry.txnFirstOffset >= 0) continue;
      this.producers.delete(id);
      return;
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
    this.open.clear();
  }
}
