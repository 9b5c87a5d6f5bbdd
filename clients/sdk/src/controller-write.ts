/**
 * Sending a multi-item write (create, delete, alter, elect) to the controller, item by
 * item.
 *
 * Each attempt sends the items still pending to the controller named by the cluster
 * metadata. An item answered with a retriable code (NOT_CONTROLLER above all) stays
 * pending for the next attempt, after the metadata is refreshed; every other answer is
 * final. Items the client can already see are wrong never leave it.
 *
 * Outcome: the results, one per item in the order given (or, for writes where one item
 * may yield several results, in the order answered). The call throws only when it has
 * nothing to attach the failure to: the cluster never answered because every attempt
 * failed in transport, or an "everything" request was never answered at all. Otherwise
 * items that ran out of attempts carry their last error, wrapped to say how many
 * attempts were made.
 */
import { isAdminRetriable } from "./admin-retry.js";
import type { ClientContext } from "./client-context.js";
import { isTransportError, RetriesExhaustedError } from "./client-errors.js";
import { TidelogError } from "./errors.js";
import type { Attempt } from "./retry.js";

export interface ControllerWrite<Item, Result> {
  readonly operation: string;
  readonly items: readonly Item[];
  /** True when each item gets exactly one result with the item's key (topic writes). */
  readonly oneResultPerItem: boolean;
  /** When true, an empty `items` means "everything" (ElectLeaders) and is still sent. */
  readonly emptyMeansAll?: boolean;
  keyOfItem(item: Item): string;
  keyOfResult(result: Result): string;
  /** The item to send again for a result that must be retried. */
  itemOfResult(result: Result): Item;
  errorOf(result: Result): TidelogError | null;
  /** The result of an item that got no final answer. */
  failed(item: Item, error: TidelogError): Result;
  /** Client-side checks; an item with an error is answered without being sent. */
  check?(item: Item): TidelogError | null;
  send(address: string, items: readonly Item[], deadlineMs: number): Promise<readonly Result[]>;
}

interface Pending<Item> {
  readonly item: Item;
  readonly key: string;
}

export async function writeToController<Item, Result>(
  ctx: ClientContext,
  write: ControllerWrite<Item, Result>,
): Promise<Result[]> {
  const round = new WriteRound(write);
  if (!round.hasWork) return round.results();
  try {
    await ctx.retrier.run(write.operation, (attempt) => round.attempt(ctx, attempt), isAdminRetriable);
  } catch (e) {
    if (!(e instanceof TidelogError) || !round.canAttach(e)) throw e;
    round.failPending(e);
  }
  return round.results();
}

class WriteRound<Item, Result> {
  private readonly final = new Map<string, Result>();
  /** The last retriable error of each pending item, by key. */
  private readonly lastErrors = new Map<string, TidelogError>();
  private pending: Pending<Item>[] = [];
  private answered = false;

  constructor(private readonly write: ControllerWrite<Item, Result>) {
    for (const item of write.items) {
      const key = write.keyOfItem(item);
      const error = write.check?.(item) ?? null;
      if (error) this.final.set(key, write.failed(item, error));
      else this.pending.push({ item, key });
    }
  }

  get hasWork(): boolean {
    return this.pending.length > 0 || (this.write.emptyMeansAll === true && this.write.items.length === 0);
  }

  /** Whether a failure can be reported per item instead of thrown. */
  canAttach(e: TidelogError): boolean {
    if (this.answered) return true;
    return !isTransportError(e) && this.pending.length > 0;
  }

  async attempt(ctx: ClientContext, attempt: Attempt): Promise<void> {
    const address = await ctx.metadata.controllerAddress(attempt.deadlineMs);
    const items = this.pending.map((p) => p.item);
    const results = await this.write.send(address, items, attempt.deadlineMs);
    this.answered = true;
    this.absorb(results, address);
    const [error] = this.lastErrors.values();
    if (error === undefined) return;
    if (error.code === "NOT_CONTROLLER") ctx.metadata.invalidate();
    throw error;
  }

  /**
   * Gives every item still pending the failure that ended the call. When that failure was
   * an item's own answer (the attempts ran out while items kept being refused), each item
   * gets its own last answer instead, wrapped to say how hard the client tried.
   */
  failPending(cause: TidelogError): void {
    const itemLevel = cause instanceof RetriesExhaustedError && [...this.lastErrors.values()].includes(cause.lastError);
    for (const { item, key } of this.pending) {
      const own = itemLevel ? this.lastErrors.get(key) : undefined;
      const error =
        own && cause instanceof RetriesExhaustedError
          ? new RetriesExhaustedError(this.write.operation, own, cause.attempts, cause.elapsedMs, cause.reason)
          : cause;
      this.final.set(key, this.write.failed(item, error));
    }
    this.pending = [];
  }

  results(): Result[] {
    if (!this.write.oneResultPerItem) return [...this.final.values()];
    return this.write.items.map((item) => this.final.get(this.write.keyOfItem(item))!);
  }

  private absorb(results: readonly Result[], address: string): void {
    const retry: Pending<Item>[] = [];
    const asked = new Set(this.pending.map((p) => p.key));
    this.lastErrors.clear();
    for (const result of results) {
      const key = this.write.keyOfResult(result);
      // An answer about a topic that was not asked about is the broker's mistake; ignore it.
      if (this.write.oneResultPerItem && !asked.has(key)) continue;
      const error = this.write.errorOf(result);
      if (error && isAdminRetriable(error)) {
        retry.push({ item: this.write.itemOfResult(result), key });
        this.lastErrors.set(key, error);
      } else {
        this.final.set(key, result);
      }
    }
    if (this.write.oneResultPerItem) this.failUnanswered(retry, address);
    this.pending = retry;
  }

  /** The broker must answer for every item it was sent; one it skipped gets a final error. */
  private failUnanswered(retry: readonly Pending<Item>[], address: string): void {
    const retrying = new Set(retry.map((p) => p.key));
    for (const { item, key } of this.pending) {
      if (this.final.has(key) || retrying.has(key)) continue;
      const error = new TidelogError("UNKNOWN_SERVER_ERROR", `${address} sent no result for '${key}'`);
      this.final.set(key, this.write.failed(item, error));
    }
  }
}
