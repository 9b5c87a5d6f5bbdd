/**
 * Transaction administration behind `client.admin()`, as Kafka's `kafka-transactions.sh`:
 * list, describe and abort transactions, read what partition leaders hold open
 * (DescribeProducers: high watermark, last stable offset, open transactions), and find
 * hanging transactions.
 *
 * Where each answer lives:
 * - a transactional id's state lives on its coordinator (the leader of one partition of
 *   __transaction_state). A listing asks every broker and merges (each lists only what it
 *   coordinates); describe and abort find the id's coordinator (FindTransactionCoordinator,
 *   asked of the controller first, since it creates __transaction_state on first use) and
 *   follow it when it moves (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE,
 *   COORDINATOR_LOAD_IN_PROGRESS are retried within the request deadline);
 * - what a partition holds open lives on its leader: DescribeProducers is sent to each
 *   leader for the partitions it leads, and partitions whose leader moved are asked again
 *   of the new one.
 *
 * A transaction open on a partition is hanging when nothing will ever end it: no
 * coordinator has a transaction of that producer id in Ongoing, PrepareCommit or
 * PrepareAbort that includes the partition. It holds the partition's last stable offset
 * back for good, so read_committed consumers stop there. `findHangingTransactions`
 * compares the leaders' view with the coordinators' and then asks the leaders again for
 * the suspects, so a transaction that ended between the two views is not reported.
 *
 * A broker that is loading a __transaction_state partition (just became its leader)
 * answers ListTransactions with COORDINATOR_LOAD_IN_PROGRESS: it is counted as
 * unreachable, and find-hanging refuses to judge rather than take the transactions it
 * has not loaded yet for hanging.
 *
 * Safe to use concurrently; nothing is cached between calls.
 */
import type {
  DescribeProducersOptions,
  FindHangingTransactionsOptions,
  HangingReason,
  HangingTransaction,
  HangingTransactions,
  ListTransactionsOptions,
  OpenTransaction,
  PartitionProducers,
  TopicDescription,
  TransactionDescription,
  TransactionListing,
  TransactionListings,
  TransactionPartition,
  TransactionState,
} from "./admin-types.js";
import { addressOf, errorOf } from "./admin-wire.js";
import type { ClientContext } from "./client-context.js";
import { TransportError } from "./client-errors.js";
import { type ErrorName, TidelogError } from "./errors.js";
import { callPartitionLeader, leaderRetriable } from "./leader-call.js";
import type * as wire from "./protocol/messages.js";
import { transactionalIdProblem } from "./protocol/transactional-id.js";

export const TRANSACTION_STATES: readonly TransactionState[] = [
  "Empty",
  "Ongoing",
  "PrepareCommit",
  "PrepareAbort",
  "CompleteCommit",
  "CompleteAbort",
  "Dead",
];

/** States in which a coordinator will still write the transaction's markers. */
const ACTIVE_STATES: ReadonlySet<TransactionState> = new Set<TransactionState>([
  "Ongoing",
  "PrepareCommit",
  "PrepareAbort",
]);

/** Transactional ids per DescribeTransactions request (the broker refuses more than 1000). */
const IDS_PER_REQUEST = 1000;
/** Partitions per DescribeProducers request (the broker refuses more than 10 000). */
const PARTITIONS_PER_REQUEST = 10_000;
/** FindTransactionCoordinator calls in flight at once within one describe. */
const LOOKUPS_IN_FLIGHT = 16;
/** The coordinator's rule for transactional ids. */

/** Codes that mean "the coordinator moved, is loading or is not there yet": look it up again and retry. */
const COORDINATOR_RETRIED: ReadonlySet<ErrorName> = new Set<ErrorName>([
  "NOT_COORDINATOR",
  "COORDINATOR_NOT_AVAILABLE",
  "COORDINATOR_LOAD_IN_PROGRESS",
  "REQUEST_TIMED_OUT",
  "NETWORK_EXCEPTION",
  "REQUEST_LIMIT_EXCEEDED",
  // No controller known (it was just killed, say): any broker can answer the lookup.
  "NOT_CONTROLLER",
]);

function coordinatorRetriable(e: TidelogError): boolean {
  return e instanceof TransportError || COORDINATOR_RETRIED.has(e.code);
}

export { transactionalIdProblem };

export function isTransactionState(s: string): s is TransactionState {
  return (TRANSACTION_STATES as readonly string[]).includes(s);
}

interface Coordinator {
  readonly id: number;
  readonly address: string;
}

/** A partition and the broker believed to lead it (null: none). */
interface LedPartition extends TransactionPartition {
  readonly leader: number | null;
}

const tpKey = (tp: TransactionPartition) => `${tp.topic}:${tp.partition}`;

function byPartition(a: TransactionPartition, b: TransactionPartition): number {
  return a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function byTopic(partitions: readonly TransactionPartition[]): { topic: string; partitions: number[] }[] {
  const grouped = new Map<string, number[]>();
  for (const tp of partitions) grouped.set(tp.topic, [...(grouped.get(tp.topic) ?? []), tp.partition]);
  return [...grouped].map(([topic, ps]) => ({ topic, partitions: ps }));
}

/** `fn` over `items`, at most `limit` at once. */
async function eachBounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function checkUniqueIds(ids: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new TidelogError("INVALID_REQUEST", `transactional id '${id}' appears more than once`);
    seen.add(id);
  }
}

function checkBrokerIds(brokers: readonly number[] | undefined): Set<number> | null {
  if (brokers === undefined || brokers.length === 0) return null;
  for (const b of brokers) {
    if (!Number.isInteger(b) || b < 0 || b > 2 ** 31 - 1) {
      throw new TidelogError("INVALID_REQUEST", `broker id ${b} is not a non-negative integer`);
    }
  }
  return new Set(brokers);
}

function toDescription(t: wire.TransactionDescription__Output, coordinatorId: number): TransactionDescription {
  const error = errorOf(t.error);
  if (error) return failedDescription(t.transactionalId, error);
  if (!isTransactionState(t.state)) {
    return failedDescription(
      t.transactionalId,
      new TidelogError("UNKNOWN_SERVER_ERROR", `the coordinator answered an unknown state '${t.state}'`),
    );
  }
  return {
    transactionalId: t.transactionalId,
    state: t.state,
    producerId: t.producerId,
    producerEpoch: t.producerEpoch,
    timeoutMs: t.timeoutMs,
    startMs: t.startMs < 0 ? null : t.startMs,
    partitions: t.topics
      .flatMap((x) => x.partitions.map((partition) => ({ topic: x.topic, partition })))
      .sort(byPartition),
    coordinatorId: t.coordinatorId >= 0 ? t.coordinatorId : coordinatorId,
    error: null,
  };
}

function failedDescription(transactionalId: string, error: TidelogError): TransactionDescription {
  return {
    transactionalId,
    state: null,
    producerId: -1,
    producerEpoch: -1,
    timeoutMs: -1,
    startMs: null,
    partitions: [],
    coordinatorId: null,
    error,
  };
}

function failedPartition(tp: TransactionPartition, leader: number | null, error: TidelogError): PartitionProducers {
  return {
    topic: tp.topic,
    partition: tp.partition,
    leader,
    highWatermark: null,
    lastStableOffset: null,
    openTransactions: [],
    error,
  };
}

function toPartitionProducers(p: wire.PartitionProducers__Output, leader: number): PartitionProducers {
  const error = errorOf(p.error);
  if (error) return failedPartition(p, leader, error);
  return {
    topic: p.topic,
    partition: p.partition,
    leader,
    highWatermark: p.highWatermark,
    lastStableOffset: p.lastStableOffset,
    openTransactions: p.openTransactions.map(
      (t): OpenTransaction => ({
        producerId: t.producerId,
        producerEpoch: t.producerEpoch,
        firstOffset: t.firstOffset,
      }),
    ),
    error: null,
  };
}

export class TransactionAdmin {
  /**
   * @param describeTopics the Admin's describeTopics (every topic when `names` is empty):
   *   where partitions and their leaders come from.
   */
  constructor(
    private readonly ctx: ClientContext,
    private readonly describeTopics: (names: readonly string[]) => Promise<TopicDescription[]>,
  ) {}

  // ------------------------------------------------------------------ coordinators' view

  /** Every broker's transactions, merged; a broker that does not answer is named in `unreachable`. */
  async listTransactions(options: ListTransactionsOptions = {}): Promise<TransactionListings> {
    const states = [...new Set(options.states ?? [])];
    const unknown = states.filter((s) => !isTransactionState(s));
    if (unknown.length > 0) {
      throw new TidelogError(
        "INVALID_REQUEST",
        `unknown transaction state(s) ${unknown.join(", ")}; states are ${TRANSACTION_STATES.join(", ")}`,
      );
    }
    const cluster = await this.cluster();
    const transactions: TransactionListing[] = [];
    const unreachable: number[] = [];
    await Promise.all(
      cluster.brokers.map(async (b) => {
        let res: wire.ListTransactionsResponse__Output;
        try {
          res = await this.ctx.callTransaction(b.address, "listTransactions", { states }, this.attemptDeadlineMs());
        } catch (e) {
          if (!(e instanceof TransportError)) throw e;
          unreachable.push(b.id);
          return;
        }
        const error = errorOf(res.error);
        if (error && coordinatorRetriable(error)) {
          unreachable.push(b.id);
          return;
        }
        if (error) throw error;
        for (const t of res.transactions) {
          // A state this client does not know is shown as the broker said it; the type lists the known ones.
          transactions.push({
            transactionalId: t.transactionalId,
            producerId: t.producerId,
            state: t.state as TransactionState,
            coordinatorId: b.id,
          });
        }
      }),
    );
    transactions.sort((a, b) =>
      a.transactionalId < b.transactionalId ? -1 : a.transactionalId > b.transactionalId ? 1 : 0,
    );
    return { transactions, unreachable: unreachable.sort((a, b) => a - b) };
  }

  /**
   * One description per id, in order, each from the id's coordinator; an id that could not
   * be described carries its `error` (RESOURCE_NOT_FOUND when no coordinator knows it).
   */
  async describeTransactions(ids: readonly string[]): Promise<TransactionDescription[]> {
    checkUniqueIds(ids);
    const results = new Map<string, TransactionDescription>();
    for (const id of ids) {
      const problem = transactionalIdProblem(id);
      if (problem) results.set(id, failedDescription(id, new TidelogError("INVALID_REQUEST", problem)));
    }
    const coordinators = new Map<string, Coordinator>();
    const pending = () => ids.filter((id) => !results.has(id));
    try {
      await this.ctx.retrier.run(
        "describeTransactions",
        async ({ deadlineMs }) => {
          const retry = await this.describeRound(pending(), coordinators, results, deadlineMs);
          if (retry) throw retry;
        },
        coordinatorRetriable,
      );
    } catch (e) {
      if (!(e instanceof TidelogError)) throw e;
      for (const id of pending()) results.set(id, failedDescription(id, e));
    }
    return ids.map((id) => results.get(id) as TransactionDescription);
  }

  /** One id's description; its error thrown (RESOURCE_NOT_FOUND when no coordinator knows it). */
  async describeTransaction(id: string): Promise<TransactionDescription> {
    const [d] = await this.describeTransactions([id]);
    if (!d) throw new TidelogError("UNKNOWN_SERVER_ERROR", `no description of ${id}`);
    if (d.error) throw d.error;
    return d;
  }

  /**
   * Aborts `id`'s ongoing transaction at its coordinator, as a timeout would: the
   * coordinator writes abort markers to its partitions and fences the producer (its next
   * call is refused with PRODUCER_FENCED or INVALID_PRODUCER_EPOCH). INVALID_TXN_STATE
   * when no transaction is ongoing, RESOURCE_NOT_FOUND for an unknown id.
   */
  async abortTransaction(id: string): Promise<void> {
    const problem = transactionalIdProblem(id);
    if (problem) throw new TidelogError("INVALID_REQUEST", problem);
    const coordinators = new Map<string, Coordinator>();
    // Set when an attempt got no answer: it may have aborted, so a later "no ongoing
    // transaction" may be our own abort, and is checked.
    let uncertain = false;
    await this.ctx.retrier.run(
      `abortTransaction for transactional id ${id}`,
      async ({ deadlineMs }) => {
        const c = await this.coordinatorOf(id, coordinators, deadlineMs);
        let res: wire.AbortTransactionResponse__Output;
        try {
          res = await this.ctx.callTransaction(c.address, "abortTransaction", { transactionalId: id }, deadlineMs);
        } catch (e) {
          if (e instanceof TransportError) {
            uncertain = true;
            coordinators.delete(id);
          }
          throw e;
        }
        const error = errorOf(res.error);
        if (error === null) return;
        if (coordinatorRetriable(error)) coordinators.delete(id);
        if (error.code === "INVALID_TXN_STATE" && uncertain && (await this.abortedEarlier(id))) return;
        throw error;
      },
      coordinatorRetriable,
    );
  }

  /**
   * A last resort for a hanging transaction (one no coordinator will end, so it holds the
   * partition's last stable offset back): the partition's leader writes an ABORT marker
   * for the producer's open transaction there. `producerEpoch` must be the open
   * transaction's (describeProducers or findHangingTransactions shows it). Aborting a
   * transaction its coordinator still knows can leave it committed elsewhere and aborted
   * here: use abortTransaction(id) for those. Returns the marker's offset.
   */
  async abortPartitionTransaction(target: {
    topic: string;
    partition: number;
    producerId: number;
    producerEpoch: number;
  }): Promise<number> {
    const { topic, partition, producerId, producerEpoch } = target;
    if (!Number.isSafeInteger(producerId) || producerId < 0 || !Number.isInteger(producerEpoch) || producerEpoch < 0) {
      throw new TidelogError("INVALID_REQUEST", `producer id ${producerId} / epoch ${producerEpoch} is not valid`);
    }
    return callPartitionLeader(
      this.ctx,
      `abort the open transaction of producer ${producerId} on ${topic}-${partition}`,
      topic,
      partition,
      async (address, deadlineMs) => {
        const res = await this.ctx.callBroker(
          address,
          "abortPartitionTransaction",
          { topic, partition, producerId, producerEpoch },
          deadlineMs,
        ).response;
        return { error: errorOf(res.error), value: res.markerOffset };
      },
    );
  }

  // ------------------------------------------------------------------ partition leaders' view

  /**
   * High watermark, last stable offset and open transactions of every partition of
   * `topics` (every topic, internal ones included, when empty), from each partition's
   * leader. A partition without a leader, or whose leader could not be asked within the
   * request deadline, carries its `error`. A named topic that does not exist is thrown.
   */
  async describeProducers(
    topics: readonly string[] = [],
    options: DescribeProducersOptions = {},
  ): Promise<PartitionProducers[]> {
    const brokers = checkBrokerIds(options.brokers);
    if (brokers) {
      const live = new Set((await this.cluster()).brokers.map((b) => b.id));
      const missing = [...brokers].filter((b) => !live.has(b));
      if (missing.length > 0) {
        throw new TidelogError(
          "BROKER_NOT_AVAILABLE",
          `broker(s) ${missing.join(", ")} not among the live brokers (${[...live].sort((a, b) => a - b).join(", ")})`,
        );
      }
    }
    const partitions = await this.leadersOf(topics, brokers, true);
    return this.askLeaders(partitions);
  }

  /**
   * Transactions open on partitions that nothing will end (see the file header), and with
   * `olderThanMs` also those open longer than that. Throws when a broker does not answer
   * ListTransactions: without every coordinator's view, an open transaction cannot be told
   * from a hanging one.
   */
  async findHangingTransactions(options: FindHangingTransactionsOptions = {}): Promise<HangingTransactions> {
    const { olderThanMs } = options;
    if (olderThanMs !== undefined && (!Number.isSafeInteger(olderThanMs) || olderThanMs < 0)) {
      throw new TidelogError("INVALID_REQUEST", `olderThanMs must be a non-negative integer, got ${olderThanMs}`);
    }
    const scan = await this.describeProducers([], options.brokers ? { brokers: options.brokers } : {});
    const checked = scan.filter((p) => p.error === null);
    const unchecked = scan.flatMap((p) =>
      p.error ? [{ topic: p.topic, partition: p.partition, error: p.error }] : [],
    );
    const open = checked.flatMap((p) => p.openTransactions.map((t) => ({ p, t })));
    const report = (hanging: HangingTransaction[]): HangingTransactions => ({
      hanging: hanging.sort((a, b) => byPartition(a, b) || a.firstOffset - b.firstOffset),
      checkedPartitions: checked.length,
      openTransactions: open.length,
      unchecked,
    });
    if (open.length === 0) return report([]);

    const known = await this.coordinatorsView(new Set(open.map((o) => o.t.producerId)));
    const nowMs = this.ctx.seams.nowMs();
    const suspects: HangingTransaction[] = [];
    for (const { p, t } of open) {
      const holder = (known.get(t.producerId) ?? []).find(
        (d) =>
          d.state !== null &&
          ACTIVE_STATES.has(d.state) &&
          d.partitions.some((tp) => tp.topic === p.topic && tp.partition === p.partition),
      );
      if (!holder) suspects.push(hangingOf(p, t, "unknown-to-coordinator", null));
      else if (olderThanMs !== undefined && holder.startMs !== null && nowMs - holder.startMs > olderThanMs) {
        suspects.push(hangingOf(p, t, "open-too-long", holder));
      }
    }
    return report(await this.confirm(suspects));
  }

  // ------------------------------------------------------------------ internals

  private attemptDeadlineMs(): number {
    return this.ctx.seams.nowMs() + this.ctx.attemptTimeoutMs;
  }

  private cluster() {
    return this.ctx.retrier.run(
      "describeCluster",
      (a) => this.ctx.metadata.refresh(a.deadlineMs),
      (e) => e instanceof TransportError || e.code === "NOT_CONTROLLER",
    );
  }

  /** One round of describe: look up coordinators, ask each for its ids; the retriable error to retry with, if any. */
  private async describeRound(
    ids: readonly string[],
    coordinators: Map<string, Coordinator>,
    results: Map<string, TransactionDescription>,
    deadlineMs: number,
  ): Promise<TidelogError | null> {
    let retry: TidelogError | null = null;
    const byCoordinator = new Map<string, { coordinator: Coordinator; ids: string[] }>();
    await eachBounded(ids, LOOKUPS_IN_FLIGHT, async (id) => {
      try {
        const c = await this.coordinatorOf(id, coordinators, deadlineMs);
        const entry = byCoordinator.get(c.address) ?? { coordinator: c, ids: [] };
        entry.ids.push(id);
        byCoordinator.set(c.address, entry);
      } catch (e) {
        if (!(e instanceof TidelogError)) throw e;
        if (coordinatorRetriable(e)) retry = e;
        else results.set(id, failedDescription(id, e));
      }
    });
    const asks = [...byCoordinator.values()].flatMap(({ coordinator, ids: mine }) =>
      chunks(mine, IDS_PER_REQUEST).map((chunk) => ({ coordinator, chunk })),
    );
    await Promise.all(
      asks.map(async ({ coordinator, chunk }) => {
        try {
          const res = await this.ctx.callTransaction(
            coordinator.address,
            "describeTransactions",
            { transactionalIds: chunk },
            deadlineMs,
          );
          const answered = new Map(res.transactions.map((t) => [t.transactionalId, t]));
          for (const id of chunk) {
            const t = answered.get(id);
            const d = t
              ? toDescription(t, coordinator.id)
              : failedDescription(
                  id,
                  new TidelogError("UNKNOWN_SERVER_ERROR", `the coordinator sent no answer for ${id}`),
                );
            if (d.error && coordinatorRetriable(d.error)) {
              coordinators.delete(id);
              retry = d.error;
            } else results.set(id, d);
          }
        } catch (e) {
          if (!(e instanceof TidelogError)) throw e;
          for (const id of chunk) coordinators.delete(id);
          if (coordinatorRetriable(e)) retry = e;
          else for (const id of chunk) results.set(id, failedDescription(id, e));
        }
      }),
    );
    return retry;
  }

  /** The coordinator of `id` (see findTransactionCoordinator), remembered in `known`. */
  private async coordinatorOf(id: string, known: Map<string, Coordinator>, deadlineMs: number): Promise<Coordinator> {
    const cached = known.get(id);
    if (cached) return cached;
    const coordinator = await findTransactionCoordinator(this.ctx, id, deadlineMs);
    known.set(id, coordinator);
    return coordinator;
  }

  /** Whether `id`'s transaction is being or was aborted (an earlier unanswered abort may have done it). */
  private async abortedEarlier(id: string): Promise<boolean> {
    const [d] = await this.describeTransactions([id]);
    return d?.state === "PrepareAbort" || d?.state === "CompleteAbort";
  }

  /**
   * Partitions of `topics` (all when empty) with their leaders, only those `brokers` lead
   * when given. With `strict`, a named topic that cannot be described is thrown.
   */
  private async leadersOf(
    topics: readonly string[],
    brokers: ReadonlySet<number> | null,
    strict: boolean,
  ): Promise<{ led: LedPartition[]; gone: { topic: string; error: TidelogError }[] }> {
    const described = await this.describeTopics(topics);
    const gone: { topic: string; error: TidelogError }[] = [];
    const led: LedPartition[] = [];
    for (const t of described) {
      if (t.error) {
        if (strict && topics.length > 0) throw t.error;
        gone.push({ topic: t.name, error: t.error });
        continue;
      }
      for (const p of t.partitions) {
        if (brokers && (p.leader === null || !brokers.has(p.leader))) continue;
        led.push({ topic: t.name, partition: p.partition, leader: p.leader });
      }
    }
    return { led, gone };
  }

  /**
   * DescribeProducers of each partition at its leader, in rounds: partitions whose leader
   * moved (or did not answer) are asked again of the leader the metadata names next,
   * within the request deadline. Results in the order of `partitions.led`.
   */
  private async askLeaders(partitions: { led: readonly LedPartition[] }): Promise<PartitionProducers[]> {
    const wanted = partitions.led;
    const results = new Map<string, PartitionProducers>();
    const lastError = new Map<string, TidelogError>();
    let leaders = new Map(wanted.map((p) => [tpKey(p), p.leader]));
    const pending = () => wanted.filter((p) => !results.has(tpKey(p)));
    try {
      await this.ctx.retrier.run(
        "describeProducers",
        async ({ number, deadlineMs }) => {
          if (number > 1) leaders = await this.refreshLeaders(pending(), leaders, results);
          const retry = await this.askRound(pending(), leaders, results, lastError, deadlineMs);
          if (retry) throw retry;
        },
        leaderRetriable,
      );
    } catch (e) {
      if (!(e instanceof TidelogError)) throw e;
      for (const p of pending())
        results.set(tpKey(p), failedPartition(p, leaders.get(tpKey(p)) ?? null, lastError.get(tpKey(p)) ?? e));
    }
    return wanted.map((p) => results.get(tpKey(p)) as PartitionProducers);
  }

  /** The leaders of `pending` now; partitions of topics that no longer exist get their final error. */
  private async refreshLeaders(
    pending: readonly LedPartition[],
    leaders: Map<string, number | null>,
    results: Map<string, PartitionProducers>,
  ): Promise<Map<string, number | null>> {
    const topics = [...new Set(pending.map((p) => p.topic))];
    const { led, gone } = await this.leadersOf(topics, null, false);
    const next = new Map(leaders);
    for (const p of led) next.set(tpKey(p), p.leader);
    for (const g of gone) {
      for (const p of pending) if (p.topic === g.topic) results.set(tpKey(p), failedPartition(p, null, g.error));
    }
    return next;
  }

  /** One round of DescribeProducers; the retriable error to retry with, if any. */
  private async askRound(
    pending: readonly LedPartition[],
    leaders: ReadonlyMap<string, number | null>,
    results: Map<string, PartitionProducers>,
    lastError: Map<string, TidelogError>,
    deadlineMs: number,
  ): Promise<TidelogError | null> {
    const addresses = new Map((await this.cluster()).brokers.map((b) => [b.id, b.address]));
    let retry: TidelogError | null = null;
    const byLeader = new Map<number, TransactionPartition[]>();
    for (const p of pending) {
      const leader = leaders.get(tpKey(p)) ?? null;
      if (leader === null) {
        // An offline partition is the answer, not a passing condition: not retried.
        results.set(
          tpKey(p),
          failedPartition(p, null, new TidelogError("LEADER_NOT_AVAILABLE", `${tpKey(p)} has no leader`)),
        );
      } else byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    const asks = [...byLeader].flatMap(([leader, tps]) =>
      chunks(tps, PARTITIONS_PER_REQUEST).map((chunk) => ({ leader, chunk })),
    );
    await Promise.all(
      asks.map(async ({ leader, chunk }) => {
        const fail = (e: TidelogError) => {
          for (const tp of chunk) {
            if (leaderRetriable(e)) lastError.set(tpKey(tp), e);
            else results.set(tpKey(tp), failedPartition(tp, leader, e));
          }
          if (leaderRetriable(e)) retry = e;
        };
        const address = addresses.get(leader);
        if (!address) return fail(new TidelogError("BROKER_NOT_AVAILABLE", `leader ${leader} is not a live broker`));
        let res: wire.DescribeProducersResponse__Output;
        try {
          res = await this.ctx.callBroker(address, "describeProducers", { topics: byTopic(chunk) }, deadlineMs)
            .response;
        } catch (e) {
          if (!(e instanceof TidelogError)) throw e;
          return fail(e);
        }
        const answered = new Map(res.partitions.map((p) => [tpKey(p), p]));
        for (const tp of chunk) {
          const p = answered.get(tpKey(tp));
          const r = p
            ? toPartitionProducers(p, leader)
            : failedPartition(
                tp,
                leader,
                new TidelogError("UNKNOWN_SERVER_ERROR", `broker ${leader} sent no answer for ${tpKey(tp)}`),
              );
          if (r.error && leaderRetriable(r.error)) {
            lastError.set(tpKey(tp), r.error);
            retry = r.error;
          } else results.set(tpKey(tp), r);
        }
      }),
    );
    return retry;
  }

  /**
   * The coordinators' transactions (Ongoing, PrepareCommit, PrepareAbort) of these
   * producer ids, described, by producer id.
   */
  private async coordinatorsView(producerIds: ReadonlySet<number>): Promise<Map<number, TransactionDescription[]>> {
    const listing = await this.listTransactions({ states: [...ACTIVE_STATES] });
    if (listing.unreachable.length > 0) {
      throw new TidelogError(
        "COORDINATOR_NOT_AVAILABLE",
        `broker(s) ${listing.unreachable.join(", ")} did not answer ListTransactions; without every coordinator's view an open transaction cannot be told from a hanging one`,
      );
    }
    const ids = [
      ...new Set(listing.transactions.filter((l) => producerIds.has(l.producerId)).map((l) => l.transactionalId)),
    ];
    const out = new Map<number, TransactionDescription[]>();
    for (const d of ids.length > 0 ? await this.describeTransactions(ids) : []) {
      // Gone since it was listed (it ended and expired): it holds nothing open.
      if (d.error?.code === "RESOURCE_NOT_FOUND") continue;
      if (d.error) throw d.error;
      out.set(d.producerId, [...(out.get(d.producerId) ?? []), d]);
    }
    return out;
  }

  /**
   * Keeps the suspects no coordinator knows that their leader still holds open: a
   * transaction that ended between the leaders' view and the coordinators' is gone from
   * its partition by now. A partition that cannot be asked again keeps its suspect.
   */
  private async confirm(suspects: HangingTransaction[]): Promise<HangingTransaction[]> {
    const unknown = suspects.filter((s) => s.reason === "unknown-to-coordinator");
    if (unknown.length === 0) return suspects;
    const targets = new Map(
      unknown.map((s) => [tpKey(s), { topic: s.topic, partition: s.partition, leader: s.leader }]),
    );
    const again = await this.askLeaders({ led: [...targets.values()] });
    const failed = new Set(again.filter((p) => p.error).map(tpKey));
    const stillOpen = new Set(
      again.flatMap((p) => p.openTransactions.map((t) => `${tpKey(p)}:${t.producerId}:${t.firstOffset}`)),
    );
    return suspects.filter(
      (s) =>
        s.reason !== "unknown-to-coordinator" ||
        failed.has(tpKey(s)) ||
        stillOpen.has(`${tpKey(s)}:${s.producerId}:${s.firstOffset}`),
    );
  }
}

function hangingOf(
  p: PartitionProducers,
  t: OpenTransaction,
  reason: HangingReason,
  holder: TransactionDescription | null,
): HangingTransaction {
  return {
    topic: p.topic,
    partition: p.partition,
    leader: p.leader as number,
    producerId: t.producerId,
    producerEpoch: t.producerEpoch,
    firstOffset: t.firstOffset,
    lastStableOffset: p.lastStableOffset as number,
    highWatermark: p.highWatermark as number,
    reason,
    transactionalId: holder?.transactionalId ?? null,
    coordinatorId: holder?.coordinatorId ?? null,
    startMs: holder?.startMs ?? null,
  };
}

/**
 * The broker coordinating transactional id `id`: asked of the controller first (it is the
 * one broker that creates __transaction_state on first use) with half the time left, so
 * that a dead or frozen controller leaves time to ask another broker. Shared by the
 * admin and the transactional producer.
 */
export async function findTransactionCoordinator(
  ctx: ClientContext,
  id: string,
  deadlineMs: number,
): Promise<{ id: number; address: string }> {
  const find = async (address: string, until: number) => {
    const res = await ctx.callTransaction(address, "findTransactionCoordinator", { transactionalId: id }, until);
    const error = errorOf(res.error);
    if (error) throw error;
    return res;
  };
  let res: wire.FindTransactionCoordinatorResponse__Output;
  try {
    const half = ctx.seams.nowMs() + Math.floor((deadlineMs - ctx.seams.nowMs()) / 2);
    res = await find(await ctx.metadata.controllerAddress(half), half);
  } catch (e) {
    if (!(e instanceof TidelogError) || !coordinatorRetriable(e)) throw e;
    ctx.metadata.invalidate();
    res = await find(ctx.metadata.nextAddress(), deadlineMs);
  }
  const c = res.coordinator;
  if (!c) throw new TidelogError("COORDINATOR_NOT_AVAILABLE", `no coordinator for transactional id ${id}`);
  return { id: res.coordinatorId, address: addressOf(c.host, c.port) };
}
