// Model-based property test of the transaction state machine: random InitProducerIds
// (new instances fencing old ones), AddPartitions, commits and aborts (from the current
// instance and from fenced ones), marker completion, timeouts, lost answers retried, and
// coordinator failovers (the state written to __transaction_state read back by a new
// coordinator, which finishes what was prepared). After every step the coordinator's
// answer must match a reference model that knows only instances, open transactions and
// decisions, and the checks the coordinator asserts must hold. The property that matters
// most: a transaction is committed exactly when the instance that opened it asked to
// commit it and nothing fenced it first.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isTidelogError } from "@tidelog/client/record";
import fc from "fast-check";
import {
  addPartitions,
  completeTransaction,
  endTransaction,
  expireTransaction,
  initProducer,
  isPreparing,
  needsNewProducerId,
  PRODUCER_EPOCH_MAX,
  type TransactionMetadata,
} from "../../src/txn/transaction-metadata.js";
import { parseTransactionRecord, transactionKey, transactionValue } from "../../src/txn/transaction-records.js";

const ID = "payments-1";
const TIMEOUT_MS = 1000;
const LIMITS = { maxTimeoutMs: 60_000 };

type Command =
  | { op: "init" }
  | { op: "add"; instance: "current" | "stale"; partitions: number[] }
  | { op: "end"; instance: "current" | "stale"; commit: boolean; retry: boolean }
  | { op: "markers" }
  | { op: "tick"; ms: number }
  | { op: "failover" };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ op: "init" as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("add" as const),
      instance: fc.constantFrom("current" as const, "current" as const, "stale" as const),
      partitions: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("end" as const),
      instance: fc.constantFrom("current" as const, "current" as const, "stale" as const),
      commit: fc.boolean(),
      retry: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ op: "markers" as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("tick" as const), ms: fc.integer({ min: 1, max: 1500 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: "failover" as const }) },
);

/** What a client instance holds: the producer id and epoch it was last given. */
interface Instance {
  producerId: number;
  epoch: number;
  /** The producer id and epoch its last accepted EndTxn carried, for a retry whose answer was "lost". */
  lastEnd: { producerId: number; epoch: number; commit: boolean } | null;
}

/** The reference model: instances, whether a transaction is open, and decisions. */
interface Model {
  /** Index of the instance that may act; instances before it are fenced. */
  current: number;
  open: boolean;
  partitions: Set<number>;
  /** A decision taken whose markers are not all written yet. */
  completing: "commit" | "abort" | null;
  openedAtMs: number;
  committed: number;
  aborted: number;
  /** The instance whose EndTxn is the latest decision (a retry of it is answered again), or null. */
  lastEndBy: number | null;
}

test("the transaction state machine agrees with a reference model under random operations and failovers", () => {
  fc.assert(
    fc.property(fc.array(commandArb, { minLength: 1, maxLength: 60 }), (commands) => {
      let nowMs = 0;
      let nextId = 100;
      let state: TransactionMetadata | undefined;
      // The coordinator claims an id ahead only when needsNewProducerId says one may be taken.
      const newProducerId = () => {
        assert.ok(
          needsNewProducerId(state),
          `a producer id taken from state ${state?.state} epoch ${state?.producerEpoch}`,
        );
        return nextId++;
      };
      const instances: Instance[] = [];
      const model: Model = {
        current: -1,
        open: false,
        partitions: new Set(),
        completing: null,
        openedAtMs: -1,
        committed: 0,
        aborted: 0,
        lastEndBy: null,
      };
      const expectCode = (fn: () => void, code: string, why: string) => {
        assert.throws(fn, (e: unknown) => isTidelogError(e) && e.code === code, why);
      };
      const finishMarkers = () => {
        if (!state || !isPreparing(state.state)) return;
        const commit = state.state === "PrepareCommit";
        state = completeTransaction(state, nowMs);
        assert.equal(commit ? "commit" : "abort", model.completing, "the decision the model expects");
        if (commit) model.committed++;
        else model.aborted++;
        model.completing = null;
        model.open = false;
        model.partitions.clear();
      };

      for (const cmd of commands) {
        if (cmd.op === "init") {
          if (model.completing) {
            expectCode(
              () => initProducer(state, { transactionalId: ID, timeoutMs: TIMEOUT_MS }, nowMs, newProducerId, LIMITS),
              "CONCURRENT_TRANSACTIONS",
              "init while a transaction completes",
            );
            continue;
          }
          const result = initProducer(
            state,
            { transactionalId: ID, timeoutMs: TIMEOUT_MS },
            nowMs,
            newProducerId,
            LIMITS,
          );
          if (model.open) {
            // The old instance's transaction is aborted first, at a bumped epoch: it is fenced.
            assert.equal(result.kind, "fence");
            state = result.next;
            model.completing = "abort";
            model.current = -1;
            model.lastEndBy = null;
            continue;
          }
          assert.equal(result.kind, "write");
          if (result.kind !== "write") continue;
          state = result.next;
          instances.push({ producerId: state.producerId, epoch: state.producerEpoch, lastEnd: null });
          model.current = instances.length - 1;
          model.lastEndBy = null;
        } else if (cmd.op === "add") {
          const who = pick(instances, model.current, cmd.instance);
          if (!who) continue;
          const req = {
            transactionalId: ID,
            producerId: who.inst.producerId,
            producerEpoch: who.inst.epoch,
            partitions: cmd.partitions.map((p) => ({ topic: "t", partition: p })),
          };
          if (!who.current) {
            assert.throws(() => addPartitions(state, req, nowMs), fencedOrUnmapped, "a fenced instance adds nothing");
            continue;
          }
          if (model.completing) {
            expectCode(() => addPartitions(state, req, nowMs), "CONCURRENT_TRANSACTIONS", "add while completing");
            continue;
          }
          const result = addPartitions(state, req, nowMs);
          if (result.kind === "write") state = result.next;
          if (!model.open) {
            model.openedAtMs = nowMs;
            model.lastEndBy = null;
          }
          model.open = true;
          for (const p of cmd.partitions) model.partitions.add(p);
          assert.deepEqual(
            state?.partitions.map((tp) => tp.partition),
            [...model.partitions].sort((a, b) => a - b),
          );
        } else if (cmd.op === "end") {
          const who = pick(instances, model.current, cmd.instance);
          if (!who) continue;
          if (cmd.retry) {
            // The answer to this instance's last EndTxn was lost: it sends the same again.
            const last = who.inst.lastEnd;
            if (!who.current || !last) continue;
            const retry = () =>
              endTransaction(
                state,
                { transactionalId: ID, producerId: last.producerId, producerEpoch: last.epoch, commit: last.commit },
                nowMs,
                newProducerId,
              );
            // Answered again while that decision is still the latest; refused as fenced once anything moved on.
            if (model.lastEndBy === model.current) assert.equal(retry().kind, "retry");
            else assert.throws(retry, fencedOrUnmapped, "a stale retry is refused");
            continue;
          }
          const req = {
            transactionalId: ID,
            producerId: who.inst.producerId,
            producerEpoch: who.inst.epoch,
            commit: cmd.commit,
          };
          if (!who.current) {
            assert.throws(
              () => endTransaction(state, req, nowMs, newProducerId),
              fencedOrUnmapped,
              "a fenced instance ends nothing",
            );
            continue;
          }
          if (model.completing) {
            assert.throws(
              () => endTransaction(state, req, nowMs, newProducerId),
              (e: unknown) => isTidelogError(e) && ["CONCURRENT_TRANSACTIONS", "INVALID_TXN_STATE"].includes(e.code),
            );
            continue;
          }
          const result = endTransaction(state, req, nowMs, newProducerId);
          assert.equal(result.kind, "write");
          if (result.kind !== "write") continue;
          state = result.next;
          who.inst.lastEnd = { producerId: who.inst.producerId, epoch: who.inst.epoch, commit: cmd.commit };
          who.inst.epoch = state.producerEpoch;
          who.inst.producerId = state.producerId;
          model.lastEndBy = model.current;
          if (model.open) model.completing = cmd.commit ? "commit" : "abort";
          else if (cmd.commit) model.committed++;
          else model.aborted++;
        } else if (cmd.op === "markers") {
          finishMarkers();
        } else if (cmd.op === "tick") {
          nowMs += cmd.ms;
          if (!state) continue;
          const expired = expireTransaction(state, nowMs, newProducerId);
          const due = model.open && !model.completing && nowMs - model.openedAtMs > TIMEOUT_MS;
          assert.equal(expired !== null, due, "a transaction expires exactly when it is open past its timeout");
          if (expired) {
            state = expired;
            model.completing = "abort";
            model.current = -1;
            model.lastEndBy = null;
          }
        } else {
          // Failover: a new coordinator reads the last record back and finishes what was prepared.
          if (!state) continue;
          const read = parseTransactionRecord(transactionKey(ID), transactionValue(state));
          assert.deepEqual(read.value, state, "the record round-trips");
          state = read.value ?? undefined;
          finishMarkers();
        }
        if (state) {
          assert.ok(state.producerEpoch <= PRODUCER_EPOCH_MAX);
          assert.equal(state.state === "Ongoing", model.open && !model.completing, `state ${state.state}`);
        }
      }
      // Every decision taken is completed once the markers are written.
      finishMarkers();
      assert.ok(model.committed >= 0 && model.aborted >= 0);
    }),
    { numRuns: 300 },
  );
});

test("epoch exhaustion moves to a new producer id at epoch 0, and a retried EndTxn is still recognised", () => {
  let next = 1;
  const init = initProducer(undefined, { transactionalId: ID, timeoutMs: TIMEOUT_MS }, 0, () => next++, LIMITS);
  assert.equal(init.kind, "write");
  if (init.kind !== "write") return;
  let state: TransactionMetadata = { ...init.next, producerEpoch: PRODUCER_EPOCH_MAX };
  const add = addPartitions(
    state,
    {
      transactionalId: ID,
      producerId: state.producerId,
      producerEpoch: PRODUCER_EPOCH_MAX,
      partitions: [{ topic: "t", partition: 0 }],
    },
    1,
  );
  assert.equal(add.kind, "write");
  if (add.kind !== "write") return;
  state = add.next;
  const oldId = state.producerId;
  const end = endTransaction(
    state,
    { transactionalId: ID, producerId: oldId, producerEpoch: PRODUCER_EPOCH_MAX, commit: true },
    2,
    () => next++,
  );
  assert.equal(end.kind, "write");
  if (end.kind !== "write") return;
  assert.notEqual(end.next.producerId, oldId);
  assert.equal(end.next.producerEpoch, 0);
  assert.equal(end.next.previousProducerId, oldId);
  const retry = endTransaction(
    end.next,
    { transactionalId: ID, producerId: oldId, producerEpoch: PRODUCER_EPOCH_MAX, commit: true },
    3,
    () => next++,
  );
  assert.equal(retry.kind, "retry");
  assert.throws(
    () =>
      endTransaction(
        end.next,
        { transactionalId: ID, producerId: oldId, producerEpoch: PRODUCER_EPOCH_MAX, commit: false },
        3,
        () => next++,
      ),
    (e: unknown) => isTidelogError(e) && e.code === "INVALID_PRODUCER_ID_MAPPING",
    "the opposite decision at the old id is refused",
  );
});

test("bad input: transactional ids and timeouts are validated", () => {
  const bad = (transactionalId: string, timeoutMs: number, code: string) =>
    assert.throws(
      () => initProducer(undefined, { transactionalId, timeoutMs }, 0, () => 1, LIMITS),
      (e: unknown) => isTidelogError(e) && e.code === code,
      `${JSON.stringify(transactionalId).slice(0, 20)} / ${timeoutMs}`,
    );
  bad("", 1000, "INVALID_REQUEST");
  bad("x".repeat(256), 1000, "INVALID_REQUEST");
  bad("a\nb", 1000, "INVALID_REQUEST");
  bad("ok", 0, "INVALID_TRANSACTION_TIMEOUT");
  bad("ok", LIMITS.maxTimeoutMs + 1, "INVALID_TRANSACTION_TIMEOUT");
  assert.throws(() => parseTransactionRecord(Buffer.from('["txn","x"]'), Buffer.from('{"v":1}')), /bad value/);
  assert.throws(() => parseTransactionRecord(Buffer.from('["group","x"]'), null), /unknown key/);
});

function pick(
  instances: Instance[],
  current: number,
  which: "current" | "stale",
): { inst: Instance; current: boolean } | null {
  if (which === "current") {
    const inst = instances[current];
    return inst ? { inst, current: true } : null;
  }
  const stale = instances.filter((_, i) => i !== current);
  const inst = stale[stale.length - 1];
  return inst ? { inst, current: false } : null;
}

function fencedOrUnmapped(e: unknown): boolean {
  return isTidelogError(e) && ["PRODUCER_FENCED", "INVALID_PRODUCER_ID_MAPPING"].includes(e.code);
}
