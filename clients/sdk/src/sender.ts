/**
 * Moves batches from the accumulator to the partition leaders (Kafka's Sender), and
 * their answers back.
 *
 * Each run looks at every partition holding batches. A partition is ready when its
 * oldest batch is closed (full), its linger has run out, or the producer is flushing,
 * closing or short of buffer memory; and it is not held back by a retry backoff, has
 * fewer than maxInFlightPerPartition unanswered batches, and has a known leader. Ready
 * partitions are grouped by leader, and each leader gets requests carrying one batch per
 * partition, up to maxRequestBytes each, pipelined on that broker's ProduceStream.
 * Runs are triggered by events (a batch filled, an answer, a metadata update, a timer for
 * the next linger or backoff end), never by polling; a 100 ms tick only checks deadlines.
 *
 * Answers: success completes the batch with its base offset. A retriable error (or a
 * transport failure) sends the batch back to the front of its partition's queue, in the
 * order it was first sent; the partition then sends nothing until all its in-flight
 * batches have answered and a jittered backoff has passed, so a batch behind a failed
 * one never overtakes it. Retries end at deliveryTimeoutMs after the batch was opened.
 *
 * Idempotence (Kafka 3's default): each batch is stamped, when first sent, with the
 * producer id and the partition's next sequence, and resent unchanged, so the leader
 * answers a duplicate with its original offset. OUT_OF_ORDER_SEQUENCE_NUMBER is retried
 * only while an earlier batch of the partition is unacknowledged (the gap is that
 * batch's, being retried); otherwise it fails the batch, like any non-retriable error. A
 * numbered batch that fails for good leaves a gap the leader will never accept past:
 * the partition's other numbered batches (queued for a retry, or in flight and answered
 * with a retriable error or the leader's OUT_OF_ORDER_SEQUENCE_NUMBER) fail too, with the
 * first batch's code and that error as their `cause`, as Kafka's producer fails them
 * with the first batch's error; and once nothing of the partition is in flight it starts
 * again at sequence 0 under a new producer id.
 *
 * acks 0: a batch is done (offset -1) once its request is written; answers are read
 * only to notice leader moves.
 *
 * Event-loop only.
 */
import type { ClientContext } from "./client-context.js";
import { RetriesExhaustedError, TransportError } from "./client-errors.js";
import { type ErrorName, TidelogError } from "./errors.js";
import { PRODUCE_RESPONSE_GRACE_MS, PRODUCER_TICK_MS } from "./limits.js";
import { ProduceStream } from "./produce-stream.js";
import { incrementSequence, type ProducerBatch } from "./producer-batch.js";
import type { ProducerIdManager } from "./producer-id-manager.js";
import { errorFromInfo } from "./protocol/grpc.js";
import type * as wire from "./protocol/messages.js";
import type { PartitionQueue, RecordAccumulator, SequenceBreak } from "./record-accumulator.js";
import { backoffMs } from "./retry.js";
import { WakeTimer } from "./wake-timer.js";

/** Errors after which the partition's leader may have moved: the metadata is refreshed. */
const METADATA_ERRORS: ReadonlySet<ErrorName> = new Set<ErrorName>([
  "NOT_LEADER_OR_FOLLOWER",
  "UNKNOWN_TOPIC_OR_PARTITION",
  "LEADER_NOT_AVAILABLE",
  "FENCED_LEADER_EPOCH",
  "UNKNOWN_LEADER_EPOCH",
  "NETWORK_EXCEPTION",
  "REQUEST_TIMED_OUT",
  "BROKER_NOT_AVAILABLE",
  // The leader's disk failed: it is giving its leaderships away (as Kafka's client, look again).
  "STORAGE_ERROR",
]);

export interface SenderOptions {
  readonly ctx: ClientContext;
  readonly accumulator: RecordAccumulator;
  /** Null when the producer is not idempotent. */
  readonly producerIds: ProducerIdManager | null;
  readonly acks: 0 | 1 | -1;
  readonly lingerMs: number;
  readonly maxInFlightPerPartition: number;
  readonly deliveryTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxRequestBytes: number;
  /** A transactional producer's transaction: gates what may be sent (only inside one). */
  readonly transaction?: SenderTransaction;
}

/** What the Sender asks of a transactional producer's transaction manager. */
export interface SenderTransaction {
  readonly transactionalId: string;
  /** Whether batches may go out now (a transaction is open or committing). */
  mayDrain(): boolean;
  /** A batch failed for good: the transaction can no longer commit. */
  batchFailed(error: TidelogError): void;
}

/** One produce request awaiting its answer. */
interface InFlight {
  readonly address: string;
  readonly batches: ProducerBatch[];
  answered: boolean;
}

export class Sender {
  /** Counts of flush() calls in progress: while positive every batch is ready. */
  flushes = 0;
  /** Closing: every batch is ready; with `aborted`, failures are final. */
  closing = false;
  private aborted: TidelogError | null = null;
  private readonly streams = new Map<string, ProduceStream>();
  private scheduled = false;
  private readonly wakeTimer = new WakeTimer(
    () => this.nowMs,
    () => this.run(),
  );
  private tickTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;
  private readonly runNow = () => this.run();

  constructor(private readonly options: SenderOptions) {
    this.unsubscribe = options.ctx.topicMetadata.onUpdate(() => this.wake());
  }

  private get nowMs(): number {
    return this.options.ctx.seams.nowMs();
  }

  /** Runs soon (once per turn of the event loop however often it is asked). */
  wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.runNow);
  }

  /** A batch was opened: make sure a run happens when its linger ends, and deadlines are watched. */
  batchOpened(batch: ProducerBatch): void {
    // No linger: run on the next turn of the event loop. A 0 ms timer waits at least 1 ms in
    // Node, which was half of an acks=all answer's median at 5,000 records/s.
    if (this.options.lingerMs <= 0) this.wake();
    else this.wakeTimer.arm(batch.createdAtMs + this.options.lingerMs);
    if (this.tickTimer === null) this.tickTimer = setInterval(() => this.tick(), PRODUCER_TICK_MS);
  }

  /**
   * A transaction ends (commit or abort): nothing may be held, and every partition starts
   * its sequences again at 0 under the producer id and epoch the end gave.
   */
  startOver(): void {
    for (const queue of this.options.accumulator.allQueues()) queue.producerId = -1;
  }

  /** Fails every batch not yet sent (a transaction is aborting); in-flight ones are left to answer. */
  failUnsent(error: TidelogError): void {
    const { accumulator } = this.options;
    accumulator.failWaiting(error);
    for (const queue of [...accumulator.nonEmpty]) {
      for (const batch of queue.batches.splice(0)) this.finish(batch, -1, error);
      queue.open = null;
    }
  }

  /** Stops for good: everything still held fails with `error`. */
  abort(error: TidelogError): void {
    this.aborted = error;
    this.closing = true;
    const { accumulator } = this.options;
    accumulator.failWaiting(error);
    for (const queue of [...accumulator.nonEmpty]) {
      for (const batch of queue.batches.splice(0)) this.finish(batch, -1, error);
      queue.open = null;
    }
    for (const stream of this.streams.values()) stream.fail(error);
  }

  /** Ends the streams and timers; the accumulator must be empty (flushed or aborted). */
  shutdown(): void {
    this.closing = true;
    this.unsubscribe();
    for (const stream of this.streams.values()) stream.end();
    this.streams.clear();
    this.wakeTimer.cancel();
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
  }

  private run(): void {
    this.scheduled = false;
    const { accumulator } = this.options;
    if (accumulator.waitingCalls > 0) accumulator.drainWaiting();
    const ids = this.options.producerIds;
    if (ids?.fatal) {
      this.abort(ids.fatal);
      return;
    }
    const nowMs = this.nowMs;
    const flushing = this.flushes > 0 || this.closing || accumulator.waitingCalls > 0;
    let wakeAtMs = Number.POSITIVE_INFINITY;
    const byLeader = new Map<string, PartitionQueue[]>();
    for (const queue of accumulator.nonEmpty) {
      if (queue.batches.length === 0) {
        accumulator.nonEmpty.delete(queue);
        continue;
      }
      const ready = this.readyAt(queue, nowMs, flushing);
      if (ready > nowMs) {
        wakeAtMs = Math.min(wakeAtMs, ready);
        continue;
      }
      if (!this.sequenceReady(queue)) continue;
      if (this.options.transaction && !this.options.transaction.mayDrain()) continue;
      const leader = this.options.ctx.topicMetadata.leader(queue.topic, queue.partition);
      if (leader === null) continue;
      const list = byLeader.get(leader.address!);
      if (list) list.push(queue);
      else byLeader.set(leader.address!, [queue]);
    }
    for (const [address, queues] of byLeader) this.sendTo(address, queues, nowMs, flushing);
    if (this.options.ctx.topicMetadata.stale && accumulator.nonEmpty.size > 0) {
      this.options.ctx.topicMetadata.requestUpdate();
    }
    this.wakeTimer.arm(wakeAtMs);
  }

  /**
   * When the queue's head batch may be sent: now or earlier when ready, a future time for
   * a linger or backoff still running, +Infinity when waiting for answers.
   */
  private readyAt(queue: PartitionQueue, nowMs: number, flushing: boolean): number {
    if (queue.holdUntilMs > nowMs) return queue.holdUntilMs;
    if (queue.retrying) {
      if (queue.inFlight > 0) return Number.POSITIVE_INFINITY;
      queue.retrying = false;
    }
    if (queue.inFlight >= this.options.maxInFlightPerPartition) return Number.POSITIVE_INFINITY;
    const head = queue.batches[0]!;
    if (head !== queue.open || flushing) return nowMs;
    return head.createdAtMs + this.options.lingerMs;
  }

  /** For an idempotent producer: whether the partition has a producer id to number batches under. */
  private sequenceReady(queue: PartitionQueue): boolean {
    const ids = this.options.producerIds;
    if (ids === null) return true;
    if (queue.broken) {
      if (queue.inFlight > 0) return false;
      if (ids.current === null || ids.current.producerId === queue.producerId) {
        ids.request(queue.producerId);
        return false;
      }
      queue.adopt(ids.current.producerId, ids.current.producerEpoch);
      return true;
    }
    if (queue.producerId >= 0) return true;
    if (ids.current === null) {
      ids.request();
      return false;
    }
    queue.adopt(ids.current.producerId, ids.current.producerEpoch);
    return true;
  }

  private stream(address: string): ProduceStream {
    let stream = this.streams.get(address);
    if (stream === undefined) {
      const { ctx } = this.options;
      stream = new ProduceStream(
        address,
        () => ctx.produceStream(address),
        () => this.wake(),
        ctx.seams.nowMs,
      );
      this.streams.set(address, stream);
    }
    return stream;
  }

  /** Requests to one leader, one batch per partition each, while the stream takes more. */
  private sendTo(address: string, queues: PartitionQueue[], nowMs: number, flushing: boolean): void {
    const stream = this.stream(address);
    const { accumulator, maxRequestBytes, maxInFlightPerPartition } = this.options;
    let candidates = queues;
    while (candidates.length > 0 && stream.canSend) {
      const next: PartitionQueue[] = [];
      const batches: ProducerBatch[] = [];
      const topics = new Map<string, wire.PartitionProduceData[]>();
      let bytes = 0;
      for (const queue of candidates) {
        const batch = queue.batches[0]!;
        if (batch === queue.open) accumulator.closeOpen(queue);
        const size = batch.sizeBytes;
        if (batches.length > 0 && bytes + size > maxRequestBytes) {
          next.push(queue);
          continue;
        }
        queue.batches.shift();
        this.number(queue, batch);
        batch.attempts++;
        queue.inFlight++;
        batches.push(batch);
        bytes += size;
        const partitions = topics.get(queue.topic);
        const data = { partition: queue.partition, records: batch.wireBytes };
        if (partitions) partitions.push(data);
        else topics.set(queue.topic, [data]);
        if (queue.batches.length > 0 && queue.inFlight < maxInFlightPerPartition) {
          const head = queue.batches[0]!;
          if (head !== queue.open || flushing || nowMs >= head.createdAtMs + this.options.lingerMs) next.push(queue);
        }
      }
      if (batches.length === 0) break;
      this.write(stream, address, batches, topics);
      candidates = next;
    }
  }

  /** Gives a batch its place in the partition's send order and, when idempotent, its sequence. */
  private number(queue: PartitionQueue, batch: ProducerBatch): void {
    if (batch.drainOrder < 0) batch.drainOrder = queue.drained++;
    if (this.options.producerIds === null || batch.baseSequence >= 0) return;
    batch.stamp(queue.producerId, queue.producerEpoch, queue.nextSequence, this.options.transaction !== undefined);
    queue.nextSequence = incrementSequence(queue.nextSequence, batch.recordCount);
  }

  private write(
    stream: ProduceStream,
    address: string,
    batches: ProducerBatch[],
    topics: Map<string, wire.PartitionProduceData[]>,
  ): void {
    const { acks, requestTimeoutMs } = this.options;
    const request: wire.ProduceRequest = {
      acks,
      timeoutMs: requestTimeoutMs,
      transactionalId: this.options.transaction?.transactionalId ?? "",
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    };
    const inFlight: InFlight = { address, batches, answered: false };
    stream.send(request, {
      onResponse: (response) => this.onResponse(inFlight, response),
      onError: (error) => this.onRequestError(inFlight, error),
      ...(acks === 0 ? { onWritten: () => this.onWritten(inFlight) } : {}),
    });
  }

  /** acks 0: written is done. */
  private onWritten(inFlight: InFlight): void {
    if (inFlight.answered) return;
    inFlight.answered = true;
    for (const batch of inFlight.batches) {
      (batch.owner as PartitionQueue).inFlight--;
      this.finish(batch, -1, null);
    }
    this.wake();
  }

  private onResponse(inFlight: InFlight, response: wire.ProduceResponse__Output): void {
    const results = new Map<string, wire.PartitionProduceResponse__Output>();
    for (const t of response.topics) for (const p of t.partitions) results.set(`${t.topic}\u0000${p.partition}`, p);
    if (inFlight.answered) {
      // acks 0: the batches are done; an error only says the metadata may be stale.
      for (const r of results.values()) {
        const error = errorFromInfo(r.error);
        if (error && METADATA_ERRORS.has(error.code)) this.options.ctx.topicMetadata.requestUpdate();
      }
      return;
    }
    inFlight.answered = true;
    const nowMs = this.nowMs;
    for (const batch of inFlight.batches) {
      const queue = batch.owner as PartitionQueue;
      queue.inFlight--;
      const r = results.get(`${batch.topic}\u0000${batch.partition}`);
      const error =
        r === undefined
          ? new TidelogError("UNKNOWN_SERVER_ERROR", `the broker sent no result for ${batch.topic}-${batch.partition}`)
          : errorFromInfo(r.error);
      if (error === null) this.succeed(queue, batch, r!.baseOffset);
      else if (error.code === "DUPLICATE_SEQUENCE_NUMBER") this.succeed(queue, batch, -1);
      else this.handleError(queue, batch, error, nowMs);
    }
    this.wake();
  }

  private onRequestError(inFlight: InFlight, error: TidelogError): void {
    if (inFlight.answered) return;
    inFlight.answered = true;
    const nowMs = this.nowMs;
    for (const batch of inFlight.batches) {
      const queue = batch.owner as PartitionQueue;
      queue.inFlight--;
      this.handleError(queue, batch, error, nowMs);
    }
    this.wake();
  }

  private succeed(queue: PartitionQueue, batch: ProducerBatch, baseOffset: number): void {
    if (batch.baseSequence >= 0 && batch.producerId === queue.producerId) queue.lastAckedSequence = batch.lastSequence;
    if (baseOffset !== -1 && !Number.isSafeInteger(baseOffset)) {
      throw new Error(`produce answered base offset ${baseOffset}, not a safe integer`);
    }
    this.finish(batch, baseOffset, null);
  }

  private handleError(queue: PartitionQueue, batch: ProducerBatch, error: TidelogError, nowMs: number): void {
    batch.lastError = error;
    if (METADATA_ERRORS.has(error.code)) this.options.ctx.topicMetadata.requestUpdate(batch.topic);
    const numbered = this.options.producerIds !== null && batch.baseSequence >= 0;
    if (numbered && (batch.producerId !== queue.producerId || queue.broken)) {
      // Numbered before its partition's sequence broke: the leader cannot take it any more.
      // A refusal of its own (not the leader's complaint about the gap) is its reason;
      // otherwise the earlier batch's failure is.
      const own = !error.retriable && error.code !== "OUT_OF_ORDER_SEQUENCE_NUMBER";
      this.fail(queue, batch, own || queue.brokenBy === null ? error : this.behindBreak(queue, queue.brokenBy, batch));
      return;
    }
    let retriable = error.retriable;
    if (error.code === "OUT_OF_ORDER_SEQUENCE_NUMBER" && numbered) {
      // Out of order because an earlier batch is being retried, or a real gap?
      retriable = batch.baseSequence !== incrementSequence(queue.lastAckedSequence, 1);
    }
    const waitMs = backoffMs(Math.max(1, batch.attempts), this.options.ctx.retry, this.options.ctx.seams.random);
    const deadlineMs = batch.createdAtMs + this.options.deliveryTimeoutMs;
    if (retriable && this.aborted === null && nowMs + waitMs < deadlineMs) this.requeue(queue, batch, nowMs + waitMs);
    else if (retriable) this.giveUp(queue, batch, nowMs);
    else this.fail(queue, batch, error);
  }

  /**
   * Fails a batch out of time (or aborted). An earlier-numbered batch of its partition may
   * wait in the queue for its own retry; it is older, so out of time too, and it fails
   * first: the partition's sequence breaks at its earliest failed batch, and later ones
   * name that batch as their cause, whatever order the answers came back in.
   */
  private giveUp(queue: PartitionQueue, batch: ProducerBatch, nowMs: number): void {
    const numbered = (b: ProducerBatch) => b.baseSequence >= 0 && b.producerId === queue.producerId;
    const at = numbered(batch) ? queue.batches.findIndex((b) => numbered(b) && b.drainOrder < batch.drainOrder) : -1;
    if (at < 0) {
      this.fail(queue, batch, this.aborted ?? this.expired(batch, nowMs));
      return;
    }
    const [earlier] = queue.batches.splice(at, 1) as [ProducerBatch];
    // Breaks the sequence (the partition was not broken: its queue still held a numbered batch).
    this.fail(queue, earlier, this.aborted ?? this.expired(earlier, nowMs));
    this.fail(queue, batch, this.behindBreak(queue, queue.brokenBy!, batch));
  }

  /** Back to the front of its queue, in first-sent order; the partition waits for its in-flight batches and the backoff. */
  private requeue(queue: PartitionQueue, batch: ProducerBatch, untilMs: number): void {
    const batches = queue.batches;
    let i = 0;
    while (i < batches.length && batches[i]!.drainOrder >= 0 && batches[i]!.drainOrder < batch.drainOrder) i++;
    batches.splice(i, 0, batch);
    queue.retrying = true;
    queue.holdUntilMs = Math.max(queue.holdUntilMs, untilMs);
    this.options.accumulator.nonEmpty.add(queue);
  }

  /** Fails a batch for good; a numbered one breaks its partition's sequence (see the header). */
  private fail(queue: PartitionQueue, batch: ProducerBatch, error: TidelogError): void {
    this.finish(batch, -1, error);
    if (this.options.producerIds === null || batch.baseSequence < 0 || batch.producerId !== queue.producerId) return;
    if (!queue.broken) {
      queue.broken = true;
      const cause: SequenceBreak = { baseSequence: batch.baseSequence, error };
      queue.brokenBy = cause;
      for (let i = queue.batches.length - 1; i >= 0; i--) {
        const queued = queue.batches[i]!;
        if (queued.baseSequence < 0 || queued.producerId !== queue.producerId) continue;
        queue.batches.splice(i, 1);
        this.finish(queued, -1, this.behindBreak(queue, cause, queued));
      }
    }
  }

  /**
   * The error for a numbered batch that cannot be written because an earlier one failed
   * for good: the earlier batch's code (so callers branch on what really went wrong), its
   * error as `cause`, and a message saying which batch it was.
   */
  private behindBreak(queue: PartitionQueue, cause: SequenceBreak, batch: ProducerBatch): TidelogError {
    const detail =
      `the earlier batch of ${queue.topic}-${queue.partition} at sequence ${cause.baseSequence} failed with ${cause.error.message.replace(/\.$/, "")}; ` +
      `this batch (sequence ${batch.baseSequence}, ${batch.recordCount} record(s)) was numbered after it and cannot be written`;
    return new TidelogError(cause.error.code, detail, { cause: cause.error });
  }

  private finish(batch: ProducerBatch, baseOffset: number, error: TidelogError | null): void {
    if (error !== null) this.options.transaction?.batchFailed(error);
    this.options.accumulator.complete(batch, baseOffset, error);
  }

  private expired(batch: ProducerBatch, nowMs: number): TidelogError {
    const ageMs = nowMs - batch.createdAtMs;
    const last =
      batch.lastError ??
      this.options.ctx.topicMetadata.lastError ??
      this.options.producerIds?.lastError ??
      new TidelogError(
        "REQUEST_TIMED_OUT",
        `${batch.recordCount} record(s) for ${batch.topic}-${batch.partition} were not sent: no leader was known`,
      );
    const operation = `produce ${batch.recordCount} record(s) to ${batch.topic}-${batch.partition} (deliveryTimeoutMs ${this.options.deliveryTimeoutMs})`;
    return new RetriesExhaustedError(operation, last, Math.max(1, batch.attempts), ageMs, "deadline");
  }

  /** Deadlines: hung requests, batches past their delivery timeout, sends blocked past maxBlockMs. */
  private tick(): void {
    const nowMs = this.nowMs;
    const { accumulator, requestTimeoutMs, deliveryTimeoutMs } = this.options;
    for (const stream of this.streams.values()) {
      const oldest = stream.oldestSentAtMs;
      if (oldest !== null && nowMs - oldest > requestTimeoutMs + PRODUCE_RESPONSE_GRACE_MS) {
        const detail = `no answer to a produce request within ${requestTimeoutMs} ms (requestTimeoutMs) and a ${PRODUCE_RESPONSE_GRACE_MS} ms grace`;
        stream.fail(new TransportError("REQUEST_TIMED_OUT", stream.address, "DEADLINE_EXCEEDED", detail));
      }
    }
    for (const queue of accumulator.nonEmpty) {
      while (queue.batches.length > 0 && nowMs - queue.batches[0]!.createdAtMs >= deliveryTimeoutMs) {
        const batch = queue.batches.shift()!;
        if (batch === queue.open) accumulator.closeOpen(queue);
        this.fail(queue, batch, this.expired(batch, nowMs));
      }
    }
    if (accumulator.waitingCalls > 0) accumulator.drainWaiting();
    if (accumulator.incomplete.size === 0 && accumulator.waitingCalls === 0 && this.tickTimer !== null) {
      clearInterval(this.tickTimer);
      this.tickTimer = null;
    }
  }
}
