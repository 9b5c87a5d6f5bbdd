/**
 * The state of one transactional id, and the only legal ways it changes: pure functions
 * from (state, request, time) to the next state or a typed refusal. The transaction
 * coordinator writes each next state to __transaction_state (acks=all) before it answers
 * or acts on it, so a coordinator that takes over replays exactly these states.
 *
 *   Empty ──add──> Ongoing ──end(commit)──> PrepareCommit ──markers written──> CompleteCommit
 *     ^              │  └────end(abort)/timeout──> PrepareAbort ──markers──> CompleteAbort
 *     └──init────────┴── (init while Ongoing: fence, i.e. abort at a bumped epoch first)
 *
 * Epochs follow Kafka's transaction protocol version 2 (KIP-890): every commit or abort
 * bumps the producer epoch in its Prepare state, and the markers carry the bumped epoch,
 * so a late batch of the finished transaction (at the old epoch) is refused by every
 * partition it reached and can never join the next transaction. A retried EndTxn (its
 * answer lost) is recognised by `lastProducerEpoch` and answered as before.
 *
 * Invariants (checked by `checkTransaction` after every change): partitions only while
 * Ongoing or Prepare*, a start time exactly while Ongoing or Prepare*, epochs within
 * [0, PRODUCER_EPOCH_MAX], and the epoch never decreases for the same producer id.
 */
import { transactionalIdProblem } from "@tidelog/client/protocol";

export { transactionalIdProblem };

import { TidelogError } from "@tidelog/client/record";
import { invariant } from "../common/invariant.js";
import { type TopicPartition, tpKey } from "../common/topic-partition.js";

export const TXN_STATES = [
  "Empty",
  "Ongoing",
  "PrepareCommit",
  "PrepareAbort",
  "CompleteCommit",
  "CompleteAbort",
  "Dead",
] as const;
export type TxnState = (typeof TXN_STATES)[number];

/** Which states each state may follow (Kafka's TransactionState.validPreviousStates). */
const VALID_PREVIOUS: Readonly<Record<TxnState, readonly TxnState[]>> = {
  Empty: ["Empty", "CompleteCommit", "CompleteAbort"],
  Ongoing: ["Ongoing", "Empty", "CompleteCommit", "CompleteAbort"],
  PrepareCommit: ["Ongoing"],
  PrepareAbort: ["Ongoing"],
  // From Empty/Complete*: an EndTxn with no partitions completes at once (at a bumped epoch).
  CompleteCommit: ["PrepareCommit", "Empty", "CompleteCommit", "CompleteAbort"],
  CompleteAbort: ["PrepareAbort", "Empty", "CompleteCommit", "CompleteAbort"],
  Dead: ["Empty", "CompleteCommit", "CompleteAbort"],
};

/**
 * The highest epoch a producer id is used with; the next bump takes a new producer id at
 * epoch 0 (Kafka keeps Short.MAX_VALUE itself unused for the same reason).
 */
export const PRODUCER_EPOCH_MAX = 32_766;
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;

export interface TransactionMetadata {
  readonly transactionalId: string;
  readonly producerId: number;
  /** The producer id before an epoch exhaustion replaced it (answers a retried EndTxn), or -1. */
  readonly previousProducerId: number;
  readonly producerEpoch: number;
  /** The epoch the last EndTxn came with (before its bump), to recognise a retry; -1 when none. */
  readonly lastProducerEpoch: number;
  readonly timeoutMs: number;
  readonly state: TxnState;
  /** Partitions in the transaction, sorted by topic then partition. */
  readonly partitions: readonly TopicPartition[];
  /** When the transaction's first partition joined; -1 outside a transaction. */
  readonly startMs: number;
  readonly updateMs: number;
}

/** Whether a transaction in `state` is complete: no partition may hold its data unresolved. */
export function isComplete(state: TxnState): boolean {
  return state === "Empty" || state === "CompleteCommit" || state === "CompleteAbort" || state === "Dead";
}

export function isPreparing(state: TxnState): state is "PrepareCommit" | "PrepareAbort" {
  return state === "PrepareCommit" || state === "PrepareAbort";
}

export function checkTransaction(m: TransactionMetadata): void {
  invariant(TXN_STATES.includes(m.state), () => `${m.transactionalId}: unknown state ${m.state}`);
  invariant(
    m.producerEpoch >= 0 && m.producerEpoch <= PRODUCER_EPOCH_MAX,
    () => `${m.transactionalId}: epoch ${m.producerEpoch} out of range`,
  );
  const inTxn = m.state === "Ongoing" || isPreparing(m.state);
  invariant(
    inTxn || m.partitions.length === 0,
    () => `${m.transactionalId}: ${m.partitions.length} partitions in state ${m.state}`,
  );
  invariant(inTxn === m.startMs >= 0, () => `${m.transactionalId}: start ${m.startMs} in state ${m.state}`);
}

function transition(from: TransactionMetadata, to: TransactionMetadata): TransactionMetadata {
  invariant(
    VALID_PREVIOUS[to.state].includes(from.state),
    () => `${from.transactionalId}: illegal transition ${from.state} -> ${to.state}`,
  );
  invariant(
    to.producerId !== from.producerId || to.producerEpoch >= from.producerEpoch,
    () => `${from.transactionalId}: producer epoch regression ${from.producerEpoch} -> ${to.producerEpoch}`,
  );
  checkTransaction(to);
  return to;
}

/** Whether the next step for `current` may take a new producer id: a new (or expired) transactional id, or an exhausted epoch. */
export function needsNewProducerId(current: TransactionMetadata | undefined): boolean {
  return !current || current.state === "Dead" || current.producerEpoch >= PRODUCER_EPOCH_MAX;
}

/**
 * The identity after a bump: the next epoch, or a new producer id at epoch 0 once the
 * epoch is exhausted (then the old id is kept as `previousProducerId`, to recognise a
 * retried EndTxn).
 */
function bumped(
  m: TransactionMetadata,
  newProducerId: () => number,
): Pick<TransactionMetadata, "producerId" | "previousProducerId" | "producerEpoch"> {
  if (m.producerEpoch >= PRODUCER_EPOCH_MAX) {
    return { producerId: newProducerId(), previousProducerId: m.producerId, producerEpoch: 0 };
  }
  return { producerId: m.producerId, previousProducerId: m.previousProducerId, producerEpoch: m.producerEpoch + 1 };
}

/**
 * Whom a Prepare state's markers are for. Normally the producer id and the bumped epoch
 * the transaction ends at. But when the bump exhausted the epoch, the state already holds
 * a new producer id at epoch 0, while the partitions hold the transaction's data under the
 * old id: its markers go to the old id, at the epoch after the last (as Kafka writes them),
 * or nothing would ever close that transaction there and its last stable offset would
 * stay put for good (long run 10 ended so, after about 33,000 transactions per id). Only a
 * rollover makes a Prepare state at epoch 0 with a previous id: a transaction of the new id
 * ends at epoch 1 or later.
 */
export function markerIdentity(m: TransactionMetadata): { producerId: number; producerEpoch: number } {
  invariant(isPreparing(m.state), () => `${m.transactionalId}: markers for a ${m.state} state`);
  if (m.producerEpoch === 0 && m.previousProducerId >= 0) {
    return { producerId: m.previousProducerId, producerEpoch: PRODUCER_EPOCH_MAX + 1 };
  }
  return { producerId: m.producerId, producerEpoch: m.producerEpoch };
}

export type TxnResult =
  /** Write `next` to the transaction log, then answer (or act). */
  | { readonly kind: "write"; readonly next: TransactionMetadata }
  /** Nothing to write: answer from `current` as it is. */
  | { readonly kind: "noop"; readonly current: TransactionMetadata };

export interface TxnLimits {
  /** transaction.max.timeout.ms */
  readonly maxTimeoutMs: number;
}

// ------------------------------------------------------------------ InitProducerId

export type InitResult =
  | { readonly kind: "write"; readonly next: TransactionMetadata }
  /** An ongoing transaction must be aborted (at a bumped epoch: the fence) first; the client retries. */
  | { readonly kind: "fence"; readonly next: TransactionMetadata };

/**
 * InitProducerId with a transactional id: a producer id for a new id, else the next epoch
 * of the same producer id, which fences every older instance. An ongoing transaction of
 * the old instance is aborted first (`fence`); one still completing is
 * CONCURRENT_TRANSACTIONS (retriable).
 */
export function initProducer(
  current: TransactionMetadata | undefined,
  request: { transactionalId: string; timeoutMs: number },
  nowMs: number,
  newProducerId: () => number,
  limits: TxnLimits,
): InitResult {
  checkInitRequest(request.transactionalId, request.timeoutMs, limits.maxTimeoutMs);
  if (!current || current.state === "Dead") {
    const next: TransactionMetadata = {
      transactionalId: request.transactionalId,
      producerId: newProducerId(),
      previousProducerId: NO_PRODUCER_ID,
      producerEpoch: 0,
      lastProducerEpoch: NO_PRODUCER_EPOCH,
      timeoutMs: request.timeoutMs,
      state: "Empty",
      partitions: [],
      startMs: -1,
      updateMs: nowMs,
    };
    checkTransaction(next);
    return { kind: "write", next };
  }
  if (isPreparing(current.state)) {
    throw new TidelogError(
      "CONCURRENT_TRANSACTIONS",
      `transaction of ${current.transactionalId} is completing (${current.state}); retry`,
    );
  }
  if (current.state === "Ongoing") return { kind: "fence", next: abortAtBumpedEpoch(current, nowMs, newProducerId) };
  return {
    kind: "write",
    next: transition(current, {
      ...current,
      ...bumped(current, newProducerId),
      lastProducerEpoch: NO_PRODUCER_EPOCH,
      timeoutMs: request.timeoutMs,
      state: "Empty",
      partitions: [],
      startMs: -1,
      updateMs: nowMs,
    }),
  };
}

/** PrepareAbort at a bumped epoch: the fence of an init, and a timeout's abort. */
function abortAtBumpedEpoch(
  current: TransactionMetadata,
  nowMs: number,
  newProducerId: () => number,
): TransactionMetadata {
  return transition(current, {
    ...current,
    ...bumped(current, newProducerId),
    // Not a client's EndTxn: a late EndTxn of the fenced instance must not pass as a retry.
    lastProducerEpoch: NO_PRODUCER_EPOCH,
    state: "PrepareAbort",
    updateMs: nowMs,
  });
}

/** INVALID_REQUEST for a bad transactional id, INVALID_TRANSACTION_TIMEOUT for a timeout outside (0, max]. */
export function checkInitRequest(transactionalId: string, timeoutMs: number, maxTimeoutMs: number): void {
  const problem = transactionalIdProblem(transactionalId);
  if (problem) throw new TidelogError("INVALID_REQUEST", problem);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > maxTimeoutMs) {
    throw new TidelogError(
      "INVALID_TRANSACTION_TIMEOUT",
      `transaction timeout ${timeoutMs} ms is outside (0, ${maxTimeoutMs}] (transaction.max.timeout.ms)`,
    );
  }
}

// ------------------------------------------------------------------ producer checks

/** PRODUCER_FENCED / INVALID_PRODUCER_ID_MAPPING unless (producerId, epoch) is the current instance. */
function checkProducer(
  current: TransactionMetadata | undefined,
  transactionalId: string,
  producerId: number,
  epoch: number,
): TransactionMetadata {
  if (!current || current.state === "Dead") {
    throw new TidelogError(
      "INVALID_PRODUCER_ID_MAPPING",
      `no producer id is registered for transactional id ${transactionalId}; call InitProducerId first`,
    );
  }
  if (producerId !== current.producerId) {
    throw new TidelogError(
      "INVALID_PRODUCER_ID_MAPPING",
      `producer id ${producerId} is not the one of ${transactionalId} (${current.producerId})`,
    );
  }
  if (epoch !== current.producerEpoch) {
    throw new TidelogError(
      "PRODUCER_FENCED",
      `epoch ${epoch} of ${transactionalId} was fenced by epoch ${current.producerEpoch} (a newer instance, or a timeout abort)`,
    );
  }
  return current;
}

// ------------------------------------------------------------------ AddPartitionsToTxn

/** Partitions (data, or a group's offsets partition) join the ongoing transaction before anything is written to them. */
export function addPartitions(
  current: TransactionMetadata | undefined,
  request: {
    transactionalId: string;
    producerId: number;
    producerEpoch: number;
    partitions: readonly TopicPartition[];
  },
  nowMs: number,
): TxnResult {
  const m = checkProducer(current, request.transactionalId, request.producerId, request.producerEpoch);
  if (isPreparing(m.state)) {
    throw new TidelogError(
      "CONCURRENT_TRANSACTIONS",
      `the previous transaction of ${m.transactionalId} is still completing (${m.state}); retry`,
    );
  }
  const have = new Set(m.partitions.map(tpKey));
  const added = request.partitions.filter((tp) => !have.has(tpKey(tp)));
  if (m.state === "Ongoing" && added.length === 0) return { kind: "noop", current: m };
  const partitions = sortPartitions([...m.partitions, ...dedupe(added)]);
  return {
    kind: "write",
    next: transition(m, {
      ...m,
      state: "Ongoing",
      partitions,
      startMs: m.state === "Ongoing" ? m.startMs : nowMs,
      updateMs: nowMs,
    }),
  };
}

// ------------------------------------------------------------------ EndTxn

export type EndResult =
  | TxnResult
  /** A retried EndTxn whose first attempt already moved the state: answer success again. */
  | { readonly kind: "retry"; readonly current: TransactionMetadata };

/**
 * EndTxn: PrepareCommit or PrepareAbort at a bumped epoch, answered once written (the
 * markers follow). A transaction with no partitions completes at once, still at a bumped
 * epoch. A retry of an EndTxn already taken is answered again; the opposite decision, or
 * an EndTxn while no transaction is open and none just ended, is INVALID_TXN_STATE.
 */
export function endTransaction(
  current: TransactionMetadata | undefined,
  request: { transactionalId: string; producerId: number; producerEpoch: number; commit: boolean },
  nowMs: number,
  newProducerId: () => number,
): EndResult {
  const wanted: TxnState = request.commit ? "PrepareCommit" : "PrepareAbort";
  const done: TxnState = request.commit ? "CompleteCommit" : "CompleteAbort";
  if (
    current &&
    request.producerEpoch === current.lastProducerEpoch &&
    (request.producerId === current.producerId || request.producerId === current.previousProducerId) &&
    (current.state === wanted || current.state === done)
  ) {
    return { kind: "retry", current };
  }
  const m = checkProducer(current, request.transactionalId, request.producerId, request.producerEpoch);
  if (isPreparing(m.state)) {
    throw new TidelogError(
      m.state === wanted ? "CONCURRENT_TRANSACTIONS" : "INVALID_TXN_STATE",
      `transaction of ${m.transactionalId} is already ${m.state}`,
    );
  }
  const moved = {
    ...m,
    ...bumped(m, newProducerId),
    lastProducerEpoch: request.producerEpoch,
    updateMs: nowMs,
  };
  if (m.state === "Ongoing") return { kind: "write", next: transition(m, { ...moved, state: wanted }) };
  // Nothing was added: no partition holds data of it, so it completes without markers.
  return { kind: "write", next: transition(m, { ...moved, state: done, partitions: [], startMs: -1 }) };
}

/** After every marker of a Prepare state is written: the transaction is complete. */
export function completeTransaction(current: TransactionMetadata, nowMs: number): TransactionMetadata {
  invariant(isPreparing(current.state), () => `${current.transactionalId}: complete from ${current.state}`);
  return transition(current, {
    ...current,
    state: current.state === "PrepareCommit" ? "CompleteCommit" : "CompleteAbort",
    partitions: [],
    startMs: -1,
    updateMs: nowMs,
  });
}

/** An ongoing transaction past its timeout: abort it at a bumped epoch (the producer is fenced), or null. */
export function expireTransaction(
  current: TransactionMetadata,
  nowMs: number,
  newProducerId: () => number,
): TransactionMetadata | null {
  if (current.state !== "Ongoing" || nowMs - current.startMs <= current.timeoutMs) return null;
  return abortAtBumpedEpoch(current, nowMs, newProducerId);
}

function dedupe(list: readonly TopicPartition[]): TopicPartition[] {
  const seen = new Map<string, TopicPartition>();
  for (const tp of list) seen.set(tpKey(tp), { topic: tp.topic, partition: tp.partition });
  return [...seen.values()];
}

function sortPartitions(list: TopicPartition[]): TopicPartition[] {
  return list.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}
