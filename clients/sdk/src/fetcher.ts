/**
 * Reads assigned partitions from their leaders (Kafka's Fetcher), ahead of the
 * application but not too far.
 *
 * Per partition two positions: `position`, the next offset handed to the application,
 * and `fetchPosition`, the next offset to ask the leader for (past what is already
 * buffered). A partition without a position first has it looked up (ListOffsets at its
 * leader: earliest, latest, or by timestamp), per seek() or autoOffsetReset.
 *
 * Fetching: at most one Fetch in flight per leader broker, carrying every fetchable
 * partition it leads (long poll: maxWaitMs, minBytes). A partition is fetchable when it
 * has a fetch position, is not paused, not backing off after an error, not already in
 * a fetch, and holds less than maxPartitionBytes of unconsumed data; no fetch is sent
 * while more than maxBufferedBytes are unconsumed overall. So prefetch is bounded by
 * about one answer per partition beyond what the application is reading. The partitions'
 * order rotates from one fetch to the next: the broker shares maxBytes in request order
 * and guarantees a batch larger than the partition limit only to the first partition
 * (as Kafka's KIP-74), so no partition is starved.
 *
 * Answers are kept as raw bytes (complete batches only: a fetch cut at a byte limit may
 * end inside one) and decoded one batch at a time as the application reads: records
 * below the position are skipped (a batch may start before it), control batches are
 * skipped, and the position moves past each batch's last offset. Under read_committed the
 * broker answers only up to the last stable offset, with the aborted transactions that
 * overlap the answer; as in Kafka's fetcher, a producer's transactional batches are
 * dropped from its aborted transaction's first offset until its ABORT marker. A seek, reset or pause
 * bumps the partition's generation, so data fetched for the old position is dropped.
 *
 * Errors: every failed fetch or lookup is retried after a jittered backoff (capped by the
 * retry policy's maxBackoffMs; a consumer keeps trying, as Kafka's does), refreshing the
 * metadata after NOT_LEADER_OR_FOLLOWER and the other leadership errors; a non-retriable
 * error is also handed to the application, once. OFFSET_OUT_OF_RANGE resets the position
 * per autoOffsetReset, or with "none" is handed to the application and the partition
 * stays stopped until a seek. A batch larger than maxPartitionBytes is fetched again
 * with a limit that fits it (up to maxBytes; beyond, MESSAGE_TOO_LARGE stops the
 * partition until a seek). A partition whose topic (or partition number) the metadata
 * confirms does not exist is handed to the application as UNKNOWN_TOPIC_OR_PARTITION and
 * stopped until a seek or a new assign(), unless the consumer waits for topics
 * (`waitForTopic`): then it is asked for until it exists.
 *
 * Event-loop only.
 */
import type { ClientContext } from "./client-context.js";
import { isTransportError } from "./client-errors.js";
import type { ResolvedConsumerOptions } from "./consumer-options.js";
import type { ConsumerBatch, ConsumerRecord, OffsetSpec, TopicPartition } from "./consumer-types.js";
import { type ErrorName, TidelogError } from "./errors.js";
import { errorFromInfo } from "./protocol/grpc.js";
import type * as wire from "./protocol/messages.js";
import {
  BATCH_LENGTH_OFFSET,
  CONTROL_FLAG,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  PRODUCER_ID_OFFSET,
  readInt64,
  TRANSACTIONAL_FLAG,
} from "./record/batch-header.js";
import { ControlRecordType, controlRecordTypeOf } from "./record/control-record.js";
import { type DecodedRecordBatch, decodeRecordBatchAs } from "./record/record-batch.js";
import { backoffMs } from "./retry.js";
import type { PendingCall } from "./rpc.js";
import { WakeTimer } from "./wake-timer.js";

/** Errors after which the partition's leader may have moved: refresh the metadata, then retry. */
const LEADERSHIP_ERRORS: ReadonlySet<ErrorName> = new Set<ErrorName>([
  "NOT_LEADER_OR_FOLLOWER",
  "UNKNOWN_TOPIC_OR_PARTITION",
  "LEADER_NOT_AVAILABLE",
  "FENCED_LEADER_EPOCH",
  "UNKNOWN_LEADER_EPOCH",
  "REPLICA_NOT_AVAILABLE",
  "NETWORK_EXCEPTION",
  "REQUEST_TIMED_OUT",
]);

/** A lookup to do: a seek target, or "reset" for autoOffsetReset. */
type Lookup = OffsetSpec | "reset";

export class PartitionState implements TopicPartition {
  position: number | null = null;
  fetchPosition: number | null = null;
  lookup: Lookup | null = "reset";
  paused = false;
  /** Bumped by every seek, reset and pause: answers for an older generation are dropped. */
  generation = 0;
  retryAtMs = 0;
  retries = 0;
  bufferedBytes = 0;
  highWatermark = -1;
  inFetch = false;
  inLookup = false;
  /** Bytes per fetch for this partition; raised when a batch does not fit. */
  maxBytes: number;
  /** An error for the application (OFFSET_OUT_OF_RANGE with autoOffsetReset "none"). */
  error: TidelogError | null = null;
  /** Why the partition is not read until a seek or a new assignment: it does not exist. */
  stoppedBy: TidelogError | null = null;
  /** Since when the partition is looked for (assigned, assigned again, or sought): older answers do not stop it. */
  lookedForSinceMs: number;

  constructor(
    readonly topic: string,
    readonly partition: number,
    maxBytes: number,
    nowMs: number,
  ) {
    this.maxBytes = maxBytes;
    this.lookedForSinceMs = nowMs;
  }

  /** Looks for a partition stopped as missing again (it may exist now). */
  lookAgain(nowMs: number): void {
    if (this.stoppedBy === null) return;
    this.stoppedBy = null;
    this.lookedForSinceMs = nowMs;
  }

  /** Moves to `offset` (both positions), or to a lookup; drops what was fetched for the old position. */
  moveTo(target: number | Lookup, nowMs: number): void {
    this.generation++;
    this.error = null;
    this.lookAgain(nowMs);
    this.retries = 0;
    this.retryAtMs = 0;
    if (typeof target === "number") {
      this.position = target;
      this.fetchPosition = target;
      this.lookup = null;
    } else {
      this.position = null;
      this.fetchPosition = null;
      this.lookup = target;
    }
  }
}

/** One partition's answer to one fetch: complete batches, read lazily. */
interface CompletedFetch {
  readonly state: PartitionState;
  readonly generation: number;
  readonly records: Buffer;
  pos: number;
  readonly highWatermark: number;
  /** read_committed: aborted transactions not yet reached, by first offset. */
  readonly aborted: readonly wire.AbortedTransaction__Output[];
  abortedNext: number;
  /** Producers inside an aborted transaction at the cursor: their transactional batches are dropped. */
  readonly abortedProducers: Set<number>;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class Fetcher {
  readonly states = new Map<string, PartitionState>();
  private completed: CompletedFetch[] = [];
  private completedHead = 0;
  private bufferedBytes = 0;
  private readonly fetches = new Map<string, PendingCall<wire.FetchResponse__Output>>();
  private readonly lookups = new Set<PendingCall<wire.ListOffsetsResponse__Output>>();
  private readonly dataWaiters: (() => void)[] = [];
  /** Rotates which partition leads each fetch: a broker guarantees a whole oversized batch only to the first. */
  private fetchRound = 0;
  private scheduled = false;
  private readonly wakeTimer = new WakeTimer(
    () => this.ctx.seams.nowMs(),
    () => this.pump(),
  );
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: ClientContext,
    private readonly options: ResolvedConsumerOptions,
  ) {
    this.unsubscribe = ctx.topicMetadata.onUpdate(() => this.wake());
  }

  assign(partitions: readonly TopicPartition[]): void {
    const nowMs = this.ctx.seams.nowMs();
    const next = new Map<string, PartitionState>();
    for (const { topic, partition } of partitions) {
      const key = partitionKey(topic, partition);
      const kept = this.states.get(key);
      kept?.lookAgain(nowMs);
      next.set(key, kept ?? new PartitionState(topic, partition, this.options.maxPartitionBytes, nowMs));
    }
    for (const [key, state] of this.states) {
      if (next.has(key)) continue;
      state.generation++;
      this.states.delete(key);
    }
    for (const [key, state] of next) this.states.set(key, state);
    this.wake();
  }

  state(tp: TopicPartition): PartitionState {
    const state = this.states.get(partitionKey(tp.topic, tp.partition));
    if (state === undefined) {
      throw new TidelogError("INVALID_REQUEST", `${tp.topic}-${tp.partition} is not assigned to this consumer`);
    }
    return state;
  }

  seek(tp: TopicPartition, target: OffsetSpec): void {
    this.state(tp).moveTo(target, this.ctx.seams.nowMs());
    this.wake();
    this.notifyReaders();
  }

  pause(tp: TopicPartition): void {
    const state = this.state(tp);
    if (state.paused) return;
    state.paused = true;
    // Drop what was fetched ahead; it is fetched again on resume.
    if (state.position !== null) {
      state.generation++;
      state.fetchPosition = state.position;
    }
  }

  resume(tp: TopicPartition): void {
    const state = this.state(tp);
    if (!state.paused) return;
    state.paused = false;
    this.wake();
  }

  /** Wakes readers waiting for data (after a stop, a close, or an error). */
  notifyReaders(): void {
    for (const w of this.dataWaiters.splice(0)) w();
  }

  /** Waits until data may be there (an answer arrived, or notifyReaders was called). */
  waitForData(): Promise<void> {
    return new Promise((resolve) => this.dataWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.wakeTimer.cancel();
    for (const call of this.fetches.values()) call.cancel();
    for (const call of this.lookups) call.cancel();
    this.fetches.clear();
    this.lookups.clear();
    this.completed = [];
    this.completedHead = 0;
    this.notifyReaders();
  }

  /**
   * The next batch of records at or past the position, decoded; null when nothing is
   * buffered. Throws a partition's pending error (once) or a corrupt batch.
   */
  nextBatch(): ConsumerBatch | null {
    for (const state of this.states.values()) {
      if (state.error === null) continue;
      const error = state.error;
      state.error = null;
      throw error;
    }
    while (this.completedHead < this.completed.length) {
      const fetched = this.completed[this.completedHead]!;
      const state = fetched.state;
      if (fetched.generation !== state.generation || state.paused || fetched.pos >= fetched.records.length) {
        this.release(fetched);
        continue;
      }
      const batch = this.decodeNext(fetched);
      if (batch !== null) return batch;
    }
    return null;
  }

  /** Decodes the batch at the fetched data's cursor; null when it holds nothing to hand out. */
  private decodeNext(fetched: CompletedFetch): ConsumerBatch | null {
    const { state, records: buf } = fetched;
    const start = fetched.pos;
    const size = buf.readInt32BE(start + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
    fetched.pos = start + size;
    const lastOffset = readInt64(buf, start) + buf.readInt32BE(start + LAST_OFFSET_DELTA_OFFSET);
    const position = state.position!;
    if (lastOffset < position) return null;
    const attributes = buf.readInt16BE(start + 21);
    state.position = lastOffset + 1;
    if (fetched.aborted.length > 0 && this.inAbortedTransaction(fetched, buf, start, lastOffset, attributes))
      return null;
    if ((attributes & CONTROL_FLAG) !== 0) return null;
    const { topic, partition } = state;
    let decoded: DecodedRecordBatch<ConsumerRecord>;
    try {
      decoded = decodeRecordBatchAs(buf, start, { maxBatchBytes: size }, (offset, timestamp, key, value, headers) => ({
        topic,
        partition,
        offset,
        timestamp,
        key,
        value,
        headers,
      }));
    } catch (e) {
      // Stay before the damaged batch; the application may seek past it.
      state.position = position;
      state.generation++;
      state.fetchPosition = position;
      throw e;
    }
    // Only the first batch after a seek into its middle starts before the position.
    const first = decoded.records[0];
    const out =
      first && first.offset < position ? decoded.records.filter((r) => r.offset >= position) : decoded.records;
    if (out.length === 0) return null;
    return { topic, partition, records: out, highWatermark: fetched.highWatermark };
  }

  /**
   * Whether the batch at `start` belongs to an aborted transaction (read_committed): a
   * transaction's producer joins the aborted set once the cursor reaches its first offset
   * and leaves it at its ABORT marker (a control batch, itself never handed out).
   */
  private inAbortedTransaction(
    fetched: CompletedFetch,
    buf: Buffer,
    start: number,
    lastOffset: number,
    attributes: number,
  ): boolean {
    while (fetched.abortedNext < fetched.aborted.length) {
      const next = fetched.aborted[fetched.abortedNext]!;
      if (next.firstOffset > lastOffset) break;
      fetched.abortedProducers.add(next.producerId);
      fetched.abortedNext++;
    }
    if ((attributes & TRANSACTIONAL_FLAG) === 0) return false;
    const producerId = readInt64(buf, start + PRODUCER_ID_OFFSET);
    if (!fetched.abortedProducers.has(producerId)) return false;
    if ((attributes & CONTROL_FLAG) !== 0) {
      // A marker ends the transaction: only ABORT (control type 0) ends an aborted one.
      const batch = decodeRecordBatchAs(buf, start, {}, (_o, _t, key) => key);
      if (controlRecordTypeOf(batch.records[0] ?? null) === ControlRecordType.abort) {
        fetched.abortedProducers.delete(producerId);
      }
    }
    return true;
  }

  private release(fetched: CompletedFetch): void {
    this.completed[this.completedHead++] = undefined as unknown as CompletedFetch;
    if (this.completedHead === this.completed.length) {
      this.completed.length = 0;
      this.completedHead = 0;
    }
    this.bufferedBytes -= fetched.records.length;
    fetched.state.bufferedBytes -= fetched.records.length;
    this.wake();
  }

  /** True while a run of the fetch loop waits for the event loop's next turn (see Consumer.nextBatch). */
  get pumpPending(): boolean {
    return this.scheduled;
  }

  /** Runs the fetch loop soon. */
  wake(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.closed) return;
    const nowMs = this.ctx.seams.nowMs();
    let wakeAtMs = Number.POSITIVE_INFINITY;
    const lookups = new Map<string, PartitionState[]>();
    const fetches = new Map<string, PartitionState[]>();
    const fetchable = this.bufferedBytes < this.options.maxBufferedBytes;
    for (const state of this.states.values()) {
      if (state.stoppedBy !== null) continue;
      if (state.retryAtMs > nowMs) {
        wakeAtMs = Math.min(wakeAtMs, state.retryAtMs);
        continue;
      }
      const leader = this.leaderOf(state);
      if (leader === "") {
        this.stopIfAbsent(state);
        continue;
      }
      if (state.lookup !== null) {
        if (state.inLookup) continue;
        if (state.lookup === "reset" && this.options.autoOffsetReset === "none") {
          state.lookup = null;
          state.error = new TidelogError(
            "OFFSET_OUT_OF_RANGE",
            `${state.topic}-${state.partition} has no valid position and autoOffsetReset is "none": seek() first`,
          );
          this.notifyReaders();
          continue;
        }
        group(lookups, leader, state);
        continue;
      }
      if (!fetchable || state.inFetch || state.paused || state.fetchPosition === null) continue;
      if (state.bufferedBytes >= this.options.maxPartitionBytes) continue;
      group(fetches, leader, state);
    }
    for (const [address, states] of lookups) this.lookUp(address, states);
    for (const [address, states] of fetches) if (!this.fetches.has(address)) this.fetch(address, states);
    this.wakeTimer.arm(wakeAtMs);
  }

  /** The partition leader's address; "" when unknown (a metadata refresh is then requested). */
  private leaderOf(state: PartitionState): string {
    return this.ctx.topicMetadata.leader(state.topic, state.partition)?.address ?? "";
  }

  /** Stops a partition the metadata confirms does not exist, and tells the application (unless it waits for topics). */
  private stopIfAbsent(state: PartitionState): void {
    if (this.options.waitForTopic) return;
    const absent = this.ctx.topicMetadata.absent(state.topic, state.partition, state.lookedForSinceMs);
    if (absent === null) return;
    state.stoppedBy = absent;
    state.error = absent;
    this.notifyReaders();
  }

  private backOff(state: PartitionState, error: TidelogError): void {
    state.retries++;
    state.retryAtMs =
      this.ctx.seams.nowMs() + backoffMs(Math.min(state.retries, 10), this.ctx.retry, this.ctx.seams.random);
    if (LEADERSHIP_ERRORS.has(error.code)) this.ctx.topicMetadata.requestUpdate(state.topic);
    this.ctx.logger.debug(
      { topic: state.topic, partition: state.partition, error: error.message },
      "consumer retrying",
    );
  }

  // ------------------------------------------------------------------ offset lookups

  private lookUp(address: string, states: PartitionState[]): void {
    const generations = states.map((s) => s.generation);
    const targets = states.map((s) => s.lookup!);
    const topics = new Map<string, wire.PartitionListOffsets[]>();
    states.forEach((s, i) => {
      s.inLookup = true;
      group(topics, s.topic, { partition: s.partition, timestamp: this.lookupTimestamp(targets[i]!) });
    });
    const request: wire.ListOffsetsRequest = {
      isolationLevel: this.options.isolationLevel === "read_committed" ? 1 : 0,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    };
    const deadlineMs = this.ctx.seams.nowMs() + this.options.requestTimeoutMs;
    const call = this.ctx.callBroker(address, "listOffsets", request, deadlineMs);
    this.lookups.add(call);
    call.response.then(
      (response) => {
        this.lookups.delete(call);
        const results = new Map<string, wire.PartitionListOffsetsResponse__Output>();
        for (const t of response.topics)
          for (const p of t.partitions) results.set(partitionKey(t.topic, p.partition), p);
        for (const [i, s] of states.entries()) {
          s.inLookup = false;
          if (s.generation !== generations[i]) continue;
          const r = results.get(partitionKey(s.topic, s.partition));
          const error =
            r === undefined
              ? new TidelogError("UNKNOWN_SERVER_ERROR", "no ListOffsets result")
              : errorFromInfo(r.error);
          if (error !== null) {
            this.lookupFailed(s, error);
            continue;
          }
          this.lookupDone(s, targets[i]!, r!.offset);
        }
        this.wake();
      },
      (e: unknown) => {
        this.lookups.delete(call);
        if (this.closed) return;
        const error = e instanceof TidelogError ? e : new TidelogError("UNKNOWN_SERVER_ERROR", String(e));
        for (const s of states) {
          s.inLookup = false;
          this.lookupFailed(s, error);
        }
        this.wake();
      },
    );
  }

  /** The wire timestamp for a lookup: -1 latest, -2 earliest, else a time. */
  private lookupTimestamp(target: Lookup): number {
    const spec = target === "reset" ? this.options.autoOffsetReset : target;
    if (spec === "latest") return -1;
    if (spec === "earliest") return -2;
    if (typeof spec === "object") return spec.timestamp;
    throw new Error(`no lookup for ${String(spec)}`);
  }

  private lookupDone(state: PartitionState, target: Lookup, offset: number): void {
    if (offset < 0 && typeof target === "object") {
      // No record at or after the time: read from the end, as Kafka's offsetsForTimes leaves it.
      state.lookup = "latest";
      return;
    }
    if (!Number.isSafeInteger(offset) || offset < 0) {
      this.lookupFailed(state, new TidelogError("UNKNOWN_SERVER_ERROR", `ListOffsets answered offset ${offset}`));
      return;
    }
    state.retries = 0;
    state.position = offset;
    state.fetchPosition = offset;
    state.lookup = null;
    this.notifyReaders();
  }

  private lookupFailed(state: PartitionState, error: TidelogError): void {
    if (!error.retriable && !isTransportError(error)) {
      state.error = error;
      this.notifyReaders();
    }
    this.backOff(state, error);
  }

  // ------------------------------------------------------------------------ fetching

  private fetch(address: string, unrotated: PartitionState[]): void {
    const shift = this.fetchRound++ % unrotated.length;
    const states = shift === 0 ? unrotated : [...unrotated.slice(shift), ...unrotated.slice(0, shift)];
    const requested = states.map((s) => ({ state: s, generation: s.generation, fetchOffset: s.fetchPosition! }));
    const topics = new Map<string, wire.PartitionFetchData[]>();
    for (const s of states) {
      s.inFetch = true;
      const leaderEpoch = this.ctx.topicMetadata.get(s.topic)?.partitions[s.partition]?.leaderEpoch ?? -1;
      group(topics, s.topic, {
        partition: s.partition,
        fetchOffset: s.fetchPosition!,
        partitionMaxBytes: s.maxBytes,
        currentLeaderEpoch: leaderEpoch,
      });
    }
    const { maxWaitMs, minBytes, maxBytes, requestTimeoutMs } = this.options;
    const request: wire.FetchRequest = {
      maxWaitMs,
      minBytes,
      maxBytes,
      isolationLevel: this.options.isolationLevel === "read_committed" ? 1 : 0,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    };
    const deadlineMs = this.ctx.seams.nowMs() + maxWaitMs + requestTimeoutMs;
    const call = this.ctx.callBroker(address, "fetch", request, deadlineMs);
    this.fetches.set(address, call);
    call.response.then(
      (response) => {
        if (this.fetches.get(address) === call) this.fetches.delete(address);
        if (this.closed) return;
        const results = new Map<string, wire.PartitionFetchResponse__Output>();
        for (const t of response.topics)
          for (const p of t.partitions) results.set(partitionKey(t.topic, p.partition), p);
        let arrived = false;
        for (const r of requested) {
          r.state.inFetch = false;
          if (
            r.state.generation !== r.generation ||
            this.states.get(partitionKey(r.state.topic, r.state.partition)) !== r.state
          )
            continue;
          const result = results.get(partitionKey(r.state.topic, r.state.partition));
          if (result === undefined) continue;
          arrived = this.fetched(r.state, r.fetchOffset, result) || arrived;
        }
        if (arrived) this.notifyReaders();
        this.wake();
      },
      (e: unknown) => {
        if (this.fetches.get(address) === call) this.fetches.delete(address);
        if (this.closed) return;
        const error = e instanceof TidelogError ? e : new TidelogError("UNKNOWN_SERVER_ERROR", String(e));
        for (const r of requested) {
          r.state.inFetch = false;
          if (r.state.generation === r.generation) this.backOff(r.state, error);
        }
        this.wake();
      },
    );
  }

  /** Takes one partition's answer; true when records were buffered. */
  private fetched(state: PartitionState, fetchOffset: number, r: wire.PartitionFetchResponse__Output): boolean {
    const error = errorFromInfo(r.error);
    if (error !== null) {
      if (error.code === "OFFSET_OUT_OF_RANGE") {
        state.moveTo("reset", this.ctx.seams.nowMs());
        return false;
      }
      if (!error.retriable) {
        state.error = error;
        this.notifyReaders();
      }
      this.backOff(state, error);
      return false;
    }
    state.retries = 0;
    state.highWatermark = r.highWatermark;
    const buf = r.records;
    let pos = 0;
    let next = fetchOffset;
    while (pos + LOG_OVERHEAD <= buf.length) {
      const size = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
      if (size < LOG_OVERHEAD || pos + size > buf.length) break;
      const lastOffset = readInt64(buf, pos) + buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
      if (lastOffset + 1 > next) next = lastOffset + 1;
      pos += size;
    }
    if (pos === 0) {
      if (buf.length > 0) this.growFetchSize(state, buf);
      return false;
    }
    state.maxBytes = this.options.maxPartitionBytes;
    state.fetchPosition = next;
    const records = pos === buf.length ? buf : buf.subarray(0, pos);
    this.completed.push({
      state,
      generation: state.generation,
      records,
      pos: 0,
      highWatermark: r.highWatermark,
      aborted: r.abortedTransactions,
      abortedNext: 0,
      abortedProducers: new Set(),
    });
    this.bufferedBytes += records.length;
    state.bufferedBytes += records.length;
    return true;
  }

  /** The answer held only part of a batch: ask again with room for the whole batch. */
  private growFetchSize(state: PartitionState, buf: Buffer): void {
    const needed =
      buf.length >= LOG_OVERHEAD ? buf.readInt32BE(BATCH_LENGTH_OFFSET) + LOG_OVERHEAD : state.maxBytes * 2;
    if (needed > this.options.maxBytes || needed <= state.maxBytes) {
      state.error = new TidelogError(
        "MESSAGE_TOO_LARGE",
        `a batch of ${needed} bytes in ${state.topic}-${state.partition} does not fit maxBytes (${this.options.maxBytes})`,
      );
      state.fetchPosition = null;
      this.notifyReaders();
      return;
    }
    state.maxBytes = needed;
  }
}

function group<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
