/**
 * A transactional producer's side of the transaction protocol (Kafka's TransactionManager),
 * with version 2 semantics (KIP-890): the producer epoch changes at every commit and abort.
 *
 *   uninitialized --init--> ready --begin--> in_transaction --commit--> committing --> ready
 *                                              |   \--abort--> aborting --> ready
 *                                              \-- a send fails --> abortable_error --abort--> ready
 *   any --fenced (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH, INVALID_PRODUCER_ID_MAPPING)--> fatal_error
 *
 * `init` finds the transactional id's coordinator and asks it for the producer id and
 * epoch (InitProducerId with the id), which fences every older instance. In a
 * transaction, batches go straight to their partitions' leaders: a leader adds its
 * partition to the transaction at the coordinator before it appends the first batch
 * there (KIP-890 part 2), so the producer sends no AddPartitionsToTxn of its own and a
 * transaction costs one request and one round trip less. `commit` sends what is held,
 * then EndTxn; the answer carries the epoch for the next transaction, under which every
 * partition's sequences start again at 0.
 * `abort` drops what is not sent yet, waits for what is in flight, then EndTxn.
 *
 * Errors: retriable ones (the coordinator moved or is loading, CONCURRENT_TRANSACTIONS
 * while the previous transaction completes) are retried inside each call's deadline.
 * Being fenced is fatal: the producer is closed with that error. A call that does not fit
 * the state (commit with no transaction open, two commits at once) is refused with
 * INVALID_TXN_STATE naming what is running, and changes nothing.
 *
 * Event-loop only.
 */
import type { ClientContext } from "./client-context.js";
import { TransportError } from "./client-errors.js";
import { EndTxnStream, EndTxnStreamUnsupported } from "./end-txn-stream.js";
import { type ErrorName, TidelogError } from "./errors.js";
import type { ProducerIdManager } from "./producer-id-manager.js";
import { errorFromInfo } from "./protocol/grpc.js";
import type * as wire from "./protocol/messages.js";
import { findTransactionCoordinator } from "./transaction-admin.js";

export type TransactionState =
  | "uninitialized"
  | "initializing"
  | "ready"
  | "in_transaction"
  | "committing"
  | "aborting"
  | "abortable_error"
  | "fatal_error";

const TRANSITIONS: Readonly<Record<TransactionState, readonly TransactionState[]>> = {
  uninitialized: ["initializing", "fatal_error"],
  initializing: ["ready", "uninitialized", "fatal_error"],
  ready: ["in_transaction", "fatal_error"],
  in_transaction: ["committing", "aborting", "abortable_error", "fatal_error"],
  committing: ["ready", "abortable_error", "fatal_error"],
  aborting: ["ready", "abortable_error", "fatal_error"],
  abortable_error: ["aborting", "fatal_error"],
  fatal_error: [],
};

/** Codes after which this instance may never write again. */
const FATAL: ReadonlySet<ErrorName> = new Set<ErrorName>([
  "PRODUCER_FENCED",
  "INVALID_PRODUCER_EPOCH",
  "INVALID_PRODUCER_ID_MAPPING",
]);

/** Codes retried against the (perhaps new) coordinator within the call's deadline. */
const RETRIED: ReadonlySet<ErrorName> = new Set<ErrorName>([
  "NOT_COORDINATOR",
  "COORDINATOR_NOT_AVAILABLE",
  "COORDINATOR_LOAD_IN_PROGRESS",
  "CONCURRENT_TRANSACTIONS",
  "REQUEST_TIMED_OUT",
  "NETWORK_EXCEPTION",
  "UNKNOWN_TOPIC_OR_PARTITION",
]);

export interface TransactionHooks {
  /** Sends everything held and resolves when each batch is answered. */
  flush(): Promise<void>;
  /** Fails every batch not yet sent with `error`. */
  failUnsent(error: TidelogError): void;
  /** Every partition starts its sequences again under the producer's new id/epoch. */
  startOver(): void;
  /** The producer cannot go on: close it with `error`. */
  fatal(error: TidelogError): void;
}

export interface TransactionOffsets {
  readonly groupId: string;
  /** The consumer's member id and epoch (KIP-447): a zombie from before a rebalance is refused. Empty / -1 skip the check. */
  readonly memberId?: string;
  readonly memberEpoch?: number;
  /** The offset of the next record to read, per partition. */
  readonly offsets: readonly { topic: string; partition: number; offset: number; metadata?: string }[];
}

export class TransactionManager {
  state: TransactionState = "uninitialized";
  private coordinatorAddress: string | null = null;
  /** The operation running now, named in refusals. */
  private running: string | null = null;
  private sendError: TidelogError | null = null;
  private fatalError: TidelogError | null = null;
  /** The EndTxn stream to the coordinator last used, opened on the first commit or abort. */
  private endStream: EndTxnStream | null = null;

  constructor(
    private readonly ctx: ClientContext,
    readonly transactionalId: string,
    private readonly timeoutMs: number,
    private readonly producerIds: ProducerIdManager,
    private readonly hooks: TransactionHooks,
  ) {}

  // ------------------------------------------------------------------ operations

  /** InitProducerId with the transactional id: fences older instances; finishes or aborts what they left. */
  async init(): Promise<void> {
    if (this.state === "ready" || this.state === "in_transaction") return;
    this.enter("init", ["uninitialized"]);
    this.move("initializing");
    try {
      const res = await this.onCoordinator("InitProducerId", async (address, deadlineMs) => {
        const r = await this.ctx.callBroker(
          address,
          "initProducerId",
          { transactionalId: this.transactionalId, transactionTimeoutMs: this.timeoutMs },
          deadlineMs,
        ).response;
        return { error: errorFromInfo(r.error), value: r };
      });
      this.producerIds.assign({ producerId: res.producerId, producerEpoch: res.producerEpoch });
      this.hooks.startOver();
      this.move("ready");
    } catch (e) {
      if (this.state === "initializing") this.move("uninitialized");
      throw this.failed(e);
    } finally {
      this.running = null;
    }
  }

  begin(): void {
    this.enter("beginTransaction", ["ready"]);
    this.running = null;
    this.sendError = null;
    this.move("in_transaction");
  }

  /** Whether a send may go to `topic` now: only inside a transaction. */
  checkSend(): void {
    if (this.state === "in_transaction") return;
    throw this.refusal("send", ["in_transaction"]);
  }

  /**
   * The Sender's gate: batches go out only inside a transaction that may still commit (or
   * while it is committing, which sends what is held). The leader joins the partition to
   * the transaction itself.
   */
  mayDrain(): boolean {
    return this.state === "in_transaction" || this.state === "committing";
  }

  batchFailed(error: TidelogError): void {
    if (this.state === "aborting") return;
    this.sendError ??= error;
    if (FATAL.has(error.code)) this.fatal(error);
    else if (this.state === "in_transaction") this.move("abortable_error");
  }

  /** A partition's sequence broke inside a transaction: it cannot commit. */
  sequenceBroke(): void {
    if (this.state === "in_transaction") {
      this.sendError ??= new TidelogError("OUT_OF_ORDER_SEQUENCE_NUMBER", "a batch of the transaction failed");
      this.move("abortable_error");
    }
  }

  /** The consumer's progress joins the transaction: committed with it, or not at all. */
  async sendOffsets(offsets: TransactionOffsets): Promise<void> {
    this.enter("sendOffsets", ["in_transaction"]);
    try {
      const ids = this.identity();
      await this.onCoordinator("AddOffsetsToTxn", async (address, deadlineMs) => {
        const r = await this.ctx.callTransaction(
          address,
          "addOffsetsToTxn",
          { transactionalId: this.transactionalId, ...ids, groupId: offsets.groupId },
          deadlineMs,
        );
        return { error: errorFromInfo(r.error), value: r };
      });
      const byTopic = new Map<string, { partition: number; offset: number; leaderEpoch: number; metadata: string }[]>();
      for (const o of offsets.offsets) {
        if (!Number.isSafeInteger(o.offset) || o.offset < 0) {
          throw new TidelogError("INVALID_REQUEST", `cannot commit offset ${o.offset} for ${o.topic}-${o.partition}`);
        }
        const list = byTopic.get(o.topic) ?? [];
        list.push({ partition: o.partition, offset: o.offset, leaderEpoch: -1, metadata: o.metadata ?? "" });
        byTopic.set(o.topic, list);
      }
      const res = await this.ctx.groups.call(
        offsets.groupId,
        "txnOffsetCommit",
        {
          transactionalId: this.transactionalId,
          groupId: offsets.groupId,
          ...ids,
          memberId: offsets.memberId ?? "",
          memberEpoch: offsets.memberEpoch ?? -1,
          topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
        },
        (r) => errorFromInfo(r.error),
      );
      for (const t of res.topics) {
        for (const p of t.partitions) {
          const error = errorFromInfo(p.error);
          if (error) throw error;
        }
      }
    } catch (e) {
      const error = this.failed(e);
      if (this.state === "in_transaction") this.move("abortable_error");
      throw error;
    } finally {
      this.running = null;
    }
  }

  /** Sends what is held, then commits. A failed send makes the transaction abortable only: the error is thrown, abort() next. */
  async commit(): Promise<void> {
    this.enter("commitTransaction", ["in_transaction"]);
    this.move("committing");
    try {
      await this.hooks.flush();
      if (this.sendError) {
        this.move("abortable_error");
        throw new TidelogError(
          this.sendError.code,
          `the transaction cannot commit: a send failed (${this.sendError.message}); abort it`,
          { cause: this.sendError },
        );
      }
      await this.end(true);
      this.move("ready");
    } catch (e) {
      const error = this.failed(e);
      if (this.state === "committing") this.move("abortable_error");
      throw error;
    } finally {
      this.running = null;
    }
  }

  /** Drops what is not sent, waits for what is in flight, then aborts at the coordinator. */
  async abort(): Promise<void> {
    this.enter("abortTransaction", ["in_transaction", "abortable_error"]);
    this.move("aborting");
    try {
      this.hooks.failUnsent(
        new TidelogError(
          "INVALID_TXN_STATE",
          `the transaction of ${this.transactionalId} was aborted before this record was sent`,
        ),
      );
      await this.hooks.flush();
      await this.end(false);
      this.move("ready");
    } catch (e) {
      const error = this.failed(e);
      if (this.state === "aborting") this.move("abortable_error");
      throw error;
    } finally {
      this.running = null;
    }
  }

  // ------------------------------------------------------------------ internals

  private async end(commit: boolean): Promise<void> {
    const ids = this.identity();
    const res = await this.onCoordinator("EndTxn", async (address, deadlineMs) => {
      const req = { transactionalId: this.transactionalId, ...ids, commit };
      const r = await this.endTxn(address, req, deadlineMs);
      return { error: errorFromInfo(r.error), value: r };
    });
    this.sendError = null;
    this.producerIds.assign({ producerId: res.producerId, producerEpoch: res.producerEpoch });
    this.hooks.startOver();
  }

  /** EndTxn at `address`: on the producer's EndTxnStream there, or unary if the broker has none. */
  private async endTxn(
    address: string,
    req: Omit<wire.EndTxnRequest, "correlationId">,
    deadlineMs: number,
  ): Promise<wire.EndTxnResponse__Output> {
    if (this.endStream?.address !== address) {
      this.endStream?.close();
      this.endStream = new EndTxnStream(() => this.ctx.endTxnStream(address), address);
    }
    try {
      const res = await this.endStream.request(req, deadlineMs);
      // The stream holds one of the connection's stream slots (max.streams.per.connection)
      // for as long as it is open; a broker out of them refused it: one unary call instead.
      if (errorFromInfo(res.error)?.code !== "REQUEST_LIMIT_EXCEEDED") return res;
    } catch (e) {
      // A coordinator without the stream (an older broker): refused at once from then on.
      if (!(e instanceof EndTxnStreamUnsupported)) throw e;
    }
    return this.ctx.callTransaction(address, "endTxn", req, deadlineMs);
  }

  /** Closes the EndTxn stream (the producer is closing). */
  close(): void {
    this.endStream?.close();
    this.endStream = null;
  }

  private identity(): { producerId: number; producerEpoch: number } {
    const current = this.producerIds.current;
    if (!current) throw new TidelogError("INVALID_TXN_STATE", "the producer has no producer id yet");
    return { producerId: current.producerId, producerEpoch: current.producerEpoch };
  }

  /**
   * `attempt` at the transactional id's coordinator, retried through coordinator moves,
   * loading and CONCURRENT_TRANSACTIONS within the client's request deadline.
   */
  private onCoordinator<T>(
    what: string,
    attempt: (address: string, deadlineMs: number) => Promise<{ error: TidelogError | null; value: T }>,
  ): Promise<T> {
    return this.ctx.retrier.run(
      `${what} for transactional id ${this.transactionalId}`,
      async ({ deadlineMs }) => {
        const address = await this.coordinator(deadlineMs);
        const { error, value } = await attempt(address, deadlineMs);
        if (error) {
          if (error.code === "NOT_COORDINATOR" || error.code === "COORDINATOR_NOT_AVAILABLE")
            this.coordinatorAddress = null;
          throw error;
        }
        return value;
      },
      (e) => {
        if (e instanceof TransportError) this.coordinatorAddress = null;
        return e instanceof TransportError || RETRIED.has(e.code);
      },
      // A coordinator failover (loading, then aborting the previous instance's open
      // transaction) outlasts the default retry count; the call's deadline bounds it.
      { untilDeadline: true },
    );
  }

  /** The coordinator's address, looked up (findTransactionCoordinator) when not known. */
  private async coordinator(deadlineMs: number): Promise<string> {
    if (this.coordinatorAddress) return this.coordinatorAddress;
    this.coordinatorAddress = (await findTransactionCoordinator(this.ctx, this.transactionalId, deadlineMs)).address;
    return this.coordinatorAddress;
  }

  /** A typed error for `e`; fencing moves to fatal_error and closes the producer. */
  private failed(e: unknown): TidelogError {
    const error = e instanceof TidelogError ? e : new TidelogError("UNKNOWN_SERVER_ERROR", String(e));
    const root = rootCode(error);
    if (root && FATAL.has(root)) this.fatal(error);
    return error;
  }

  private fatal(error: TidelogError): void {
    if (this.state === "fatal_error") return;
    this.fatalError = error;
    this.state = "fatal_error";
    this.ctx.logger.error(
      { transactionalId: this.transactionalId, error: error.message },
      "transactional producer fenced",
    );
    this.hooks.fatal(error);
  }

  /** Starts operation `what` from one of `from`, or refuses it (INVALID_TXN_STATE, or the fatal error). */
  private enter(what: string, from: readonly TransactionState[]): void {
    if (!from.includes(this.state) || this.running !== null) throw this.refusal(what, from);
    this.running = what;
  }

  private refusal(what: string, from: readonly TransactionState[]): TidelogError {
    if (this.fatalError) {
      return new TidelogError(
        this.fatalError.code,
        `${what} refused: this producer was fenced (${this.fatalError.message})`,
        {
          cause: this.fatalError,
        },
      );
    }
    const busy = this.running ? `; ${this.running} is still running` : "";
    return new TidelogError(
      "INVALID_TXN_STATE",
      `${what} is not possible in state ${this.state}${busy} (it needs ${from.join(" or ")})`,
    );
  }

  private move(to: TransactionState): void {
    if (!TRANSITIONS[this.state].includes(to)) {
      throw new Error(`transaction state ${this.state} -> ${to} is not a legal transition (a bug in tidelog)`);
    }
    this.state = to;
  }
}

/** The code at the bottom of a retry wrapper's causes. */
function rootCode(e: TidelogError): ErrorName | null {
  let cur: unknown = e;
  let code: ErrorName | null = e.code;
  for (let i = 0; i < 5 && cur instanceof Error; i++) {
    if (cur instanceof TidelogError) code = cur.code;
    cur = (cur as Error).cause;
  }
  return code;
}
