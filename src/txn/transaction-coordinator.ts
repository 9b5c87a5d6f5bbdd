/**
 * The transaction coordinator of one broker: it serves the transactional ids whose home
 * partition of __transaction_state (abs(javaHash(id)) mod N, as Kafka places them) this
 * broker leads.
 *
 * Becoming leader of such a partition (seen after each replica reconciliation), it loads
 * it: replays every record into memory (the latest state per transactional id), answering
 * COORDINATOR_LOAD_IN_PROGRESS meanwhile, then finishes every transaction the previous
 * coordinator left in PrepareCommit or PrepareAbort (the decision is durable; only the
 * markers and the Complete state may be missing). Losing the leadership drops the state
 * at once; requests then get NOT_COORDINATOR and clients look the coordinator up again.
 *
 * Every state change is computed by the pure functions of transaction-metadata.ts and
 * written to the partition with acks=all before it is answered or acted on. Operations on
 * one transactional id run one at a time (a bounded queue per id). EndTxn is answered
 * once its Prepare state is written; the markers are then written to every partition of
 * the transaction through their leaders (WriteTxnMarkers), retried with a bounded backoff
 * until each is written or this broker stops coordinating the id, and only then is the
 * Complete state written. Ongoing transactions past their timeout are aborted here, at a
 * bumped epoch, so the last stable offset of a partition can never stick forever.
 */
import { decodeRecordBatches, encodeRecordBatch, TidelogError } from "@tidelog/client/record";
import type { MetadataImage } from "../cluster/metadata-image.js";
import { type Clock, sleep, type Timer } from "../common/clock.js";
import { KeyedQueue } from "../common/keyed-queue.js";
import type { Logger } from "../common/logger.js";
import { PeriodicTask } from "../common/periodic-task.js";
import { rethrowIfInvariantViolation } from "../common/server-error.js";
import type { TopicPartition } from "../common/topic-partition.js";
import { javaStringHash } from "../group/group-partition.js";
import { reconcileCoordinatorShards } from "../replication/coordinator-shards.js";
import { ACKS_ALL, type Partition } from "../replication/partition.js";
import type { ReplicaManager } from "../replication/replica-manager.js";
import {
  addPartitions,
  checkInitRequest,
  completeTransaction,
  endTransaction,
  expireTransaction,
  initProducer,
  isPreparing,
  markerIdentity,
  needsNewProducerId,
  type TransactionMetadata,
  type TxnState,
} from "./transaction-metadata.js";
import { parseTransactionRecord, TRANSACTION_TOPIC, transactionKey, transactionValue } from "./transaction-records.js";

export interface TransactionCoordinatorConfig {
  /** transaction.max.timeout.ms */
  readonly maxTimeoutMs: number;
  /** How long a write to __transaction_state may take. */
  readonly writeTimeoutMs: number;
  /** How often ongoing transactions are checked against their timeouts. */
  readonly abortCheckIntervalMs: number;
}

/** One partition's markers for one leader: what WriteTxnMarkers carries. */
export interface TxnMarkerRequest {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly commit: boolean;
  readonly coordinatorEpoch: number;
  readonly partitions: readonly TopicPartition[];
}

/** Writes markers through the partitions' leader; per partition, null for written or the error. */
export type TxnMarkerWriter = (leaderId: number, request: TxnMarkerRequest) => Promise<(TidelogError | null)[]>;

export interface TransactionCoordinatorDeps {
  readonly brokerId: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly replicas: ReplicaManager;
  readonly image: () => MetadataImage;
  readonly newProducerId: () => Promise<number>;
  readonly writeMarkers: TxnMarkerWriter;
  readonly config: TransactionCoordinatorConfig;
  /** Told of every decision taken here (a metrics seam). */
  readonly onEnded?: (outcome: "commit" | "abort" | "timeout" | "fenced", durationMs: number) => void;
}

/** A transaction being completed: its markers, then its Complete state. */
interface Completion {
  /** Settles once every marker is written (or the completion stopped). */
  readonly markersWritten: Promise<void>;
  /** Settles once the Complete state is written (or the completion stopped). */
  done: Promise<void>;
  /** Set when every marker is written: the Complete state may now go out with the next change. */
  markersDone: boolean;
  /** Requests waiting for this completion, which may write the Complete state merged with their own. */
  waiters: number;
  /** Called when a request starts waiting: the Complete state's write waits for one (see writeAllMarkers). */
  onWaiter: (() => void) | null;
}

interface Shard {
  readonly partition: number;
  readonly leaderEpoch: number;
  loading: boolean;
  readonly txns: Map<string, TransactionMetadata>;
}

/** Operations queued on one transactional id before new ones are refused (clients retry). */
const QUEUED_PER_ID_MAX = 100;
/** Bytes read per step while loading; the loop yields between steps. */
const LOAD_READ_BYTES = 1024 * 1024;
/** Unwritten transaction markers are sent again after this long, doubling up to MARKER_BACKOFF_MAX_MS. */
const MARKER_BACKOFF_MIN_MS = 50;
/** The longest wait between rounds of sending transaction markers. */
const MARKER_BACKOFF_MAX_MS = 2000;
/** How long a request waits for the previous transaction's markers before CONCURRENT_TRANSACTIONS. */
const COMPLETION_WAIT_MS = 1000;
/**
 * How long the Complete state waits, once the markers are written, for the producer's
 * next request to write it with (see writeAllMarkers). A producer in a loop sends its
 * next transaction's first batch a few milliseconds after its commit returned.
 */
const COMPLETE_MERGE_WAIT_MS = 20;

export function transactionPartitionFor(transactionalId: string, partitionCount: number): number {
  // Kafka's Utils.abs maps Integer.MIN_VALUE to 0 rather than overflowing.
  const h = javaStringHash(transactionalId);
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitionCount;
}

export interface InitAnswer {
  readonly producerId: number;
  readonly producerEpoch: number;
}

export class TransactionCoordinator {
  private readonly shards = new Map<number, Shard>();
  private readonly queue = new KeyedQueue(
    QUEUED_PER_ID_MAX,
    (id) => new TidelogError("COORDINATOR_NOT_AVAILABLE", `too many requests queued for ${id}`),
  );
  /** Transactional ids whose markers are being written now (one completion each). */
  private readonly completing = new Map<string, Completion>();
  private expiry: PeriodicTask | null = null;
  private stopped = false;

  constructor(private readonly deps: TransactionCoordinatorDeps) {}

  start(): void {
    this.expiry = new PeriodicTask({
      clock: this.deps.clock,
      intervalMs: this.deps.config.abortCheckIntervalMs,
      run: () => this.abortExpired(),
      onError: (e) => this.deps.logger.warn({ err: (e as Error).message }, "expiring transactions failed"),
    });
    this.expiry.start();
  }

  stop(): void {
    this.stopped = true;
    void this.expiry?.stop();
    this.shards.clear();
  }

  // ------------------------------------------------------------------ leadership

  /** Loads partitions of __transaction_state newly led here and drops those no longer led. */
  onReconciled(): void {
    reconcileCoordinatorShards(this.shards, {
      topic: TRANSACTION_TOPIC,
      replicas: this.deps.replicas,
      logger: this.deps.logger,
      describe: (shard) => ({ transactions: shard.txns.size }),
      create: (partition, leaderEpoch): Shard => ({ partition, leaderEpoch, loading: true, txns: new Map() }),
      load: (shard, partition) => this.load(shard, partition),
    });
  }

  private async load(shard: Shard, partition: Partition): Promise<void> {
    const started = this.deps.clock.nowMs();
    const log = partition.log;
    const end = log.logEndOffset;
    // Until the cleaner has compacted it, the partition holds every state change of every
    // transaction (several per transaction), and only the last per id matters. So the
    // scan keeps the last record per key, and only those are parsed and validated: an
    // hour of transactions loaded in seconds rather than tens of seconds.
    const latest = new Map<string, { offset: number; key: Buffer | null; value: Buffer | null }>();
    for (let offset = log.logStartOffset; offset < end; ) {
      const read = log.read(offset, { maxBytes: LOAD_READ_BYTES, upperOffset: end, minOneBatch: true });
      if (read.records.length === 0) break;
      for (const batch of decodeRecordBatches(read.records)) {
        if (batch.header.attributes & 0x20) continue;
        for (const r of batch.records) {
          // A record without a key cannot be merged with another: kept on its own, so it is reported.
          const k = r.key === null ? `\u0000${r.offset}` : r.key.toString("latin1");
          // Re-inserted, so the map iterates in the order of each key's last record.
          latest.delete(k);
          latest.set(k, { offset: r.offset, key: r.key, value: r.value });
        }
      }
      offset = read.nextOffset;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.shards.get(shard.partition) !== shard) return;
    }
    const txns = new Map<string, TransactionMetadata>();
    let skipped = 0;
    for (const r of latest.values()) {
      try {
        const rec = parseTransactionRecord(r.key, r.value);
        if (rec.value) txns.set(rec.transactionalId, rec.value);
        else txns.delete(rec.transactionalId);
      } catch (e) {
        skipped++;
        this.deps.logger.warn(
          { offset: r.offset, err: (e as Error).message },
          "skipping unreadable transaction record",
        );
      }
    }
    for (const [id, m] of txns) shard.txns.set(id, m);
    shard.loading = false;
    this.deps.logger.info(
      { partition: shard.partition, transactions: txns.size, skipped, ms: this.deps.clock.nowMs() - started },
      "loaded transaction state",
    );
    // The previous coordinator decided these; finish writing what it decided.
    for (const m of txns.values()) if (isPreparing(m.state)) this.complete(m.transactionalId);
  }

  // ------------------------------------------------------------------ requests

  /** The partition of __transaction_state holding `transactionalId`, or COORDINATOR_NOT_AVAILABLE. */
  partitionFor(transactionalId: string): number {
    const topic = this.deps.image().topics.get(TRANSACTION_TOPIC);
    if (!topic) throw new TidelogError("COORDINATOR_NOT_AVAILABLE", `${TRANSACTION_TOPIC} does not exist yet`);
    return transactionPartitionFor(transactionalId, topic.value.assignment.length);
  }

  /** InitProducerId with a transactional id (see initProducer). */
  async initProducerId(transactionalId: string, timeoutMs: number): Promise<InitAnswer> {
    // Bad input is refused here, at the edge, before anything is looked up or allocated.
    checkInitRequest(transactionalId, timeoutMs, this.deps.config.maxTimeoutMs);
    await this.afterCompletion(transactionalId);
    const fresh = await this.producerIdSource(transactionalId);
    return this.withId(transactionalId, async (shard, partition) => {
      const current = shard.txns.get(transactionalId);
      const result = initProducer(
        current,
        { transactionalId, timeoutMs },
        this.deps.clock.nowMs(),
        fresh,
        this.deps.config,
      );
      await this.write(shard, partition, result.next);
      if (result.kind === "fence") {
        this.deps.onEnded?.("fenced", current && current.startMs >= 0 ? this.deps.clock.nowMs() - current.startMs : -1);
        this.deps.logger.info(
          { transactionalId, producerId: result.next.producerId, epoch: result.next.producerEpoch },
          "fenced the previous instance: aborting its ongoing transaction",
        );
        this.complete(transactionalId);
        throw new TidelogError(
          "CONCURRENT_TRANSACTIONS",
          `aborting the ongoing transaction of the previous instance of ${transactionalId}; retry`,
        );
      }
      return { producerId: result.next.producerId, producerEpoch: result.next.producerEpoch };
    });
  }

  async addPartitionsToTxn(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    partitions: readonly TopicPartition[],
  ): Promise<void> {
    const image = this.deps.image();
    for (const tp of partitions) {
      const topic = image.topics.get(tp.topic);
      if (!topic || tp.partition < 0 || tp.partition >= topic.value.assignment.length) {
        throw new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `${tp.topic}-${tp.partition} does not exist`);
      }
    }
    await this.afterCompletion(transactionalId, { markersSuffice: true });
    await this.withId(transactionalId, async (shard, partition) => {
      const stored = shard.txns.get(transactionalId);
      // The previous transaction's markers are all written and only its Complete state is
      // missing: the next transaction's first partitions go out in the same write (one
      // replicated write less per transaction). The log then holds Prepare -> Ongoing, which
      // a new coordinator replays as it should: nothing left to finish.
      const current =
        stored && isPreparing(stored.state) && this.completing.get(transactionalId)?.markersDone
          ? completeTransaction(stored, this.deps.clock.nowMs())
          : stored;
      const result = addPartitions(
        current,
        { transactionalId, producerId, producerEpoch, partitions },
        this.deps.clock.nowMs(),
      );
      if (result.kind === "write") await this.write(shard, partition, result.next);
      else if (current && current !== stored) await this.write(shard, partition, current);
    });
  }

  /** EndTxn: answered with the producer id and epoch for the next transaction once the decision is durable. */
  async endTxn(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    commit: boolean,
  ): Promise<InitAnswer> {
    // The previous transaction's markers are written and its Complete state is waiting for
    // a request to go with (writeAllMarkers): this one. Waiting for it is one write, where
    // the state machine would answer CONCURRENT_TRANSACTIONS and the client back off.
    if (this.completing.get(transactionalId)?.markersDone) await this.afterCompletion(transactionalId);
    const fresh = await this.producerIdSource(transactionalId);
    return this.withId(transactionalId, async (shard, partition) => {
      const result = endTransaction(
        shard.txns.get(transactionalId),
        { transactionalId, producerId, producerEpoch, commit },
        this.deps.clock.nowMs(),
        fresh,
      );
      if (result.kind === "retry") {
        return { producerId: result.current.producerId, producerEpoch: result.current.producerEpoch };
      }
      if (result.kind === "write") {
        const before = shard.txns.get(transactionalId);
        await this.write(shard, partition, result.next);
        this.deps.onEnded?.(
          commit ? "commit" : "abort",
          before && before.startMs >= 0 ? this.deps.clock.nowMs() - before.startMs : -1,
        );
      }
      const m = result.kind === "write" ? result.next : result.current;
      if (isPreparing(m.state)) this.complete(transactionalId);
      return { producerId: m.producerId, producerEpoch: m.producerEpoch };
    });
  }

  /** Aborts an ongoing transaction as a timeout would (an operator's `transactions abort`). */
  async abortTransaction(transactionalId: string): Promise<void> {
    await this.withId(transactionalId, async (shard, partition) => {
      const current = shard.txns.get(transactionalId);
      if (current?.state !== "Ongoing") {
        throw new TidelogError(
          "INVALID_TXN_STATE",
          `${transactionalId} has no ongoing transaction (state ${current?.state ?? "none"})`,
        );
      }
      const fresh = await this.producerIdSource(transactionalId);
      const next = expireTransaction(current, current.startMs + current.timeoutMs + 1, fresh);
      if (!next) throw new TidelogError("INVALID_TXN_STATE", `${transactionalId} cannot be aborted now`);
      await this.write(shard, partition, { ...next, updateMs: this.deps.clock.nowMs() });
      this.deps.onEnded?.("timeout", this.deps.clock.nowMs() - current.startMs);
      this.complete(transactionalId);
    });
  }

  /**
   * Transactions coordinated here, for ListTransactions. While a partition is loading its
   * transactions are not known yet: COORDINATOR_LOAD_IN_PROGRESS rather than a list that
   * silently leaves them out (find-hanging would take their open transactions for hanging).
   */
  listTransactions(states: readonly TxnState[] = []): TransactionMetadata[] {
    const loading = [...this.shards.values()].filter((s) => s.loading).map((s) => s.partition);
    if (loading.length > 0) {
      throw new TidelogError(
        "COORDINATOR_LOAD_IN_PROGRESS",
        `loading ${TRANSACTION_TOPIC} partition(s) ${loading.join(", ")}; try again shortly`,
      );
    }
    return this.transactions(states);
  }

  /** Transactions coordinated here (loaded partitions only), e.g. for metrics. */
  transactions(states: readonly TxnState[] = []): TransactionMetadata[] {
    const out: TransactionMetadata[] = [];
    for (const shard of this.shards.values()) {
      if (shard.loading) continue;
      for (const m of shard.txns.values()) if (states.length === 0 || states.includes(m.state)) out.push(m);
    }
    return out.sort((a, b) => (a.transactionalId < b.transactionalId ? -1 : 1));
  }

  describe(transactionalId: string): TransactionMetadata {
    const { shard } = this.locate(transactionalId);
    const m = shard.txns.get(transactionalId);
    if (!m) throw new TidelogError("RESOURCE_NOT_FOUND", `transactional id ${transactionalId} is not known`);
    return m;
  }

  // ------------------------------------------------------------------ completion

  /**
   * Writes the markers of `transactionalId`'s Prepare state to every partition of the
   * transaction, then its Complete state. Runs once per id at a time, outside the id's
   * queue (other requests meanwhile get CONCURRENT_TRANSACTIONS from the state machine).
   */
  private complete(transactionalId: string): void {
    if (this.completing.has(transactionalId)) return;
    let markersWritten!: () => void;
    const completion: Completion = {
      markersWritten: new Promise<void>((r) => (markersWritten = r)),
      done: Promise.resolve(),
      markersDone: false,
      waiters: 0,
      onWaiter: null,
    };
    this.completing.set(transactionalId, completion);
    completion.done = this.writeAllMarkers(transactionalId, completion, markersWritten)
      .catch((e: unknown) =>
        this.deps.logger.warn({ transactionalId, err: (e as Error).message }, "completing a transaction stopped"),
      )
      .finally(() => {
        markersWritten();
        this.completing.delete(transactionalId);
      });
  }

  /**
   * Waits (at most COMPLETION_WAIT_MS) for a completion of `transactionalId` in progress
   * here: the producer's next request (the next transaction's first partition join,
   * typically) would otherwise be answered CONCURRENT_TRANSACTIONS and retried after a
   * client backoff; the markers usually take a few milliseconds.
   */
  private async afterCompletion(transactionalId: string, options: { markersSuffice?: boolean } = {}): Promise<void> {
    const completion = this.completing.get(transactionalId);
    if (!completion) return;
    let timer: Timer | undefined;
    completion.waiters++;
    completion.onWaiter?.();
    try {
      await Promise.race([
        options.markersSuffice ? completion.markersWritten : completion.done,
        new Promise<void>((r) => (timer = this.deps.clock.after(COMPLETION_WAIT_MS, r))),
      ]);
    } finally {
      completion.waiters--;
      timer?.cancel();
    }
  }

  private async writeAllMarkers(
    transactionalId: string,
    completion: Completion,
    markersWritten: () => void,
  ): Promise<void> {
    let backoffMs = MARKER_BACKOFF_MIN_MS;
    for (;;) {
      if (this.stopped) return;
      // Re-located every round: if this broker stops coordinating the id, the next one finishes it.
      const { shard } = this.locate(transactionalId);
      const m = shard.txns.get(transactionalId);
      if (!m || !isPreparing(m.state)) return;
      const pending = await this.sendMarkers(m, shard.leaderEpoch);
      if (pending.length === 0) break;
      this.deps.logger.info(
        { transactionalId, pending: pending.map((p) => `${p.tp.topic}-${p.tp.partition}: ${p.error}`).slice(0, 5) },
        "transaction markers not all written; retrying",
      );
      await sleep(this.deps.clock, backoffMs);
      backoffMs = Math.min(backoffMs * 2, MARKER_BACKOFF_MAX_MS);
    }
    completion.markersDone = true;
    markersWritten();
    // The Complete state is one replicated write of its own, unless a request of the same
    // producer writes it with its own change: the next transaction's first partition
    // joining (most often), an InitProducerId, an EndTxn. Such a request usually comes a
    // few milliseconds after the markers, so the write waits for one, briefly: in a
    // transaction loop that is one write of four or five saved per transaction. A
    // producer that has gone quiet gets its Complete state COMPLETE_MERGE_WAIT_MS later.
    if (completion.waiters === 0) await this.waitForWaiter(completion);
    // Let the waiting request queue first (its continuation runs before the next turn of
    // the event loop); the write below then finds the state no longer preparing.
    await new Promise<void>((r) => setImmediate(r));
    await this.withId(transactionalId, async (shard, partition) => {
      const m = shard.txns.get(transactionalId);
      if (!m || !isPreparing(m.state)) return;
      const next = completeTransaction(m, this.deps.clock.nowMs());
      await this.write(shard, partition, next);
      this.deps.logger.debug({ transactionalId, state: next.state }, "transaction complete");
    });
  }

  /** Resolves when a request starts waiting for `completion`, or after COMPLETE_MERGE_WAIT_MS. */
  private waitForWaiter(completion: Completion): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        timer.cancel();
        completion.onWaiter = null;
        resolve();
      };
      const timer = this.deps.clock.after(COMPLETE_MERGE_WAIT_MS, done);
      completion.onWaiter = done;
    });
  }

  /** One round of markers, grouped by leader; returns the partitions still unwritten. */
  private async sendMarkers(
    m: TransactionMetadata,
    coordinatorEpoch: number,
  ): Promise<{ tp: TopicPartition; error: string }[]> {
    const image = this.deps.image();
    const byLeader = new Map<number, TopicPartition[]>();
    const pending: { tp: TopicPartition; error: string }[] = [];
    for (const tp of m.partitions) {
      const topic = image.topics.get(tp.topic);
      if (!topic) continue; // deleted: nothing left to mark
      const leader = image.partitionState(tp.topic, tp.partition)?.value.leader ?? -1;
      if (leader < 0) {
        pending.push({ tp, error: "no leader" });
        continue;
      }
      const list = byLeader.get(leader) ?? [];
      list.push(tp);
      byLeader.set(leader, list);
    }
    await Promise.all(
      [...byLeader].map(async ([leader, partitions]) => {
        try {
          const results = await this.deps.writeMarkers(leader, {
            ...markerIdentity(m),
            commit: m.state === "PrepareCommit",
            coordinatorEpoch,
            partitions,
          });
          partitions.forEach((tp, i) => {
            const error = results[i];
            if (error) pending.push({ tp, error: error.message });
          });
        } catch (e) {
          for (const tp of partitions) pending.push({ tp, error: (e as Error).message });
        }
      }),
    );
    return pending;
  }

  private abortExpired(): void {
    const now = this.deps.clock.nowMs();
    for (const shard of this.shards.values()) {
      if (shard.loading) continue;
      for (const m of shard.txns.values()) {
        if (m.state !== "Ongoing" || now - m.startMs <= m.timeoutMs) continue;
        this.abortTimedOut(m.transactionalId).catch((e: unknown) =>
          this.deps.logger.warn(
            { transactionalId: m.transactionalId, err: (e as Error).message },
            "timeout abort failed",
          ),
        );
      }
    }
  }

  private async abortTimedOut(transactionalId: string): Promise<void> {
    const fresh = await this.producerIdSource(transactionalId);
    await this.withId(transactionalId, async (shard, partition) => {
      const current = shard.txns.get(transactionalId);
      if (!current) return;
      const next = expireTransaction(current, this.deps.clock.nowMs(), fresh);
      if (!next) return;
      this.deps.logger.info(
        { transactionalId, ageMs: this.deps.clock.nowMs() - current.startMs, timeoutMs: current.timeoutMs },
        "aborting a transaction past its timeout",
      );
      await this.write(shard, partition, next);
      this.deps.onEnded?.("timeout", this.deps.clock.nowMs() - current.startMs);
      this.complete(transactionalId);
    });
  }

  // ------------------------------------------------------------------ plumbing

  /**
   * What the state machine calls for a new producer id. Ids are claimed from etcd in
   * blocks, so one is taken only when the next step may need it: a transactional id seen
   * for the first time, or an epoch about to be exhausted. If the state moved on meanwhile
   * and one is needed after all, the request is answered CONCURRENT_TRANSACTIONS (retried).
   */
  private async producerIdSource(transactionalId: string): Promise<() => number> {
    let current: TransactionMetadata | undefined;
    try {
      current = this.locate(transactionalId).shard.txns.get(transactionalId);
    } catch {
      current = undefined;
    }
    if (needsNewProducerId(current)) {
      const fresh = await this.deps.newProducerId();
      return () => fresh;
    }
    return () => {
      throw new TidelogError("CONCURRENT_TRANSACTIONS", `${transactionalId} changed while it was being handled; retry`);
    };
  }

  private locate(transactionalId: string): { shard: Shard; partition: Partition } {
    const n = this.partitionFor(transactionalId);
    const shard = this.shards.get(n);
    if (!shard) {
      throw new TidelogError(
        "NOT_COORDINATOR",
        `broker ${this.deps.brokerId} does not coordinate ${TRANSACTION_TOPIC}-${n}`,
      );
    }
    if (shard.loading) {
      throw new TidelogError("COORDINATOR_LOAD_IN_PROGRESS", `loading ${TRANSACTION_TOPIC}-${n}`);
    }
    let partition: Partition;
    try {
      partition = this.deps.replicas.leaderFor({ topic: TRANSACTION_TOPIC, partition: n });
    } catch (e) {
      throw new TidelogError("NOT_COORDINATOR", (e as Error).message);
    }
    if (partition.leaderEpoch !== shard.leaderEpoch) {
      throw new TidelogError("NOT_COORDINATOR", `leadership of ${TRANSACTION_TOPIC}-${n} moved`);
    }
    return { shard, partition };
  }

  /** Runs `fn` after every earlier operation on the same transactional id has finished. */
  private withId<T>(transactionalId: string, fn: (shard: Shard, partition: Partition) => Promise<T>): Promise<T> {
    return this.queue.run(transactionalId, async () => {
      const { shard, partition } = this.locate(transactionalId);
      return fn(shard, partition);
    });
  }

  /** Writes a transactional id's next state with acks=all; only then does the coordinator hold it. */
  private async write(shard: Shard, partition: Partition, next: TransactionMetadata): Promise<void> {
    const batch = encodeRecordBatch({
      records: [{ key: transactionKey(next.transactionalId), value: transactionValue(next) }],
      defaultTimestamp: this.deps.clock.nowMs(),
    });
    try {
      await partition.appendRecordsAsLeader(batch, ACKS_ALL, this.deps.config.writeTimeoutMs, shard.leaderEpoch);
    } catch (e) {
      rethrowIfInvariantViolation(e);
      const code = e instanceof TidelogError ? e.code : "UNKNOWN_SERVER_ERROR";
      if (code === "NOT_LEADER_OR_FOLLOWER") throw new TidelogError("NOT_COORDINATOR", (e as Error).message);
      throw new TidelogError("COORDINATOR_NOT_AVAILABLE", `writing ${partition.key} failed: ${(e as Error).message}`);
    }
    // A failed write leaves the old state: the client retries against it.
    shard.txns.set(next.transactionalId, next);
  }
}
