// The storage side of transactions, below the log: a producer's open transaction on a
// partition (first offset, closed by its marker), the first unstable offset that bounds
// the last stable offset, markers older than the producer's epoch refused, producers with
// open transactions never evicted; and the aborted-transaction index (`.txnindex`):
// Kafka's 34-byte entries, read back whole or not at all, cut on truncation, and the
// collection a read_committed fetch makes (stopping early once no later abort can matter).
import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { encodeControlBatch, encodeRecordBatch, isTidelogError } from "@tidelog/client/record";
import { ProducerStateManager } from "../../src/storage/producer-state-manager.js";
import { TransactionIndex, TXN_INDEX_ENTRY_SIZE } from "../../src/storage/transaction-index.js";
import { batchOf, openLog, smallConfig, tempDir } from "./fixtures.js";

const seq = (firstOffset: number, lastOffset: number, firstSeq = 0) => ({
  firstSeq,
  lastSeq: firstSeq + lastOffset - firstOffset,
  firstOffset,
  lastOffset,
});

test("open transactions set the first unstable offset until their markers close them", () => {
  const state = new ProducerStateManager(100);
  assert.equal(state.firstUnstableOffset(), null);
  state.observe(1, 0, seq(10, 12), true);
  state.observe(2, 0, seq(13, 13), true);
  state.observe(1, 0, seq(14, 15, 3), true);
  state.observe(3, 0, seq(16, 16), false);
  assert.equal(state.firstUnstableOffset(), 10);
  assert.deepEqual(
    state.ongoingTransactions().map((t) => [t.producerId, t.firstOffset]),
    [
      [1, 10],
      [2, 13],
    ],
  );
  const done = state.observeMarker(1, 1, 17, false);
  assert.deepEqual(done, { producerId: 1, firstOffset: 10, lastOffset: 17, aborted: true });
  assert.equal(state.firstUnstableOffset(), 13);
  assert.equal(state.observeMarker(2, 1, 18, true)?.aborted, false);
  assert.equal(state.firstUnstableOffset(), null);
  assert.equal(state.observeMarker(3, 0, 19, true), null, "a marker with no open transaction here closes nothing");
});

test("a marker moves the producer to its epoch: late batches and older markers are refused", () => {
  const state = new ProducerStateManager(100);
  state.observe(5, 3, seq(0, 1), true);
  state.observeMarker(5, 4, 2, true);
  assert.throws(
    () => state.check(5, 3, 2, 2),
    (e: unknown) => isTidelogError(e) && e.code === "INVALID_PRODUCER_EPOCH",
    "a late batch of the finished transaction's epoch",
  );
  assert.throws(
    () => state.checkMarker(5, 3),
    (e: unknown) => isTidelogError(e) && e.code === "INVALID_PRODUCER_EPOCH",
  );
  assert.deepEqual(state.check(5, 4, 0, 0), { kind: "append" }, "the next transaction starts its sequences afresh");
});

test("a producer with an open transaction is never evicted", () => {
  const state = new ProducerStateManager(2);
  state.observe(1, 0, seq(0, 0), true);
  state.observe(2, 0, seq(1, 1), false);
  state.observe(3, 0, seq(2, 2), false);
  state.observe(4, 0, seq(3, 3), false);
  assert.equal(state.inTransaction(1, 0), true);
  assert.equal(state.firstUnstableOffset(), 0);
});

test("an open transaction counts only at its own epoch: the next transaction's first batch joins anew", () => {
  const state = new ProducerStateManager(10);
  state.observe(1, 3, seq(0, 0), true);
  assert.equal(state.inTransaction(1, 3), true);
  // Epoch 4 is the next transaction (the epoch moves at every end): until epoch 3's marker
  // arrives, a batch at epoch 4 must go through its coordinator, not join epoch 3's records.
  assert.equal(state.inTransaction(1, 4), false);
  assert.equal(state.inTransaction(2, 3), false);
  state.observeMarker(1, 4, 1, true);
  assert.equal(state.inTransaction(1, 4), false);
});

test("the aborted-transaction index round-trips Kafka's 34-byte entries and refuses a torn file", (t) => {
  const dir = tempDir(t);
  const path = join(dir, "00000000000000000100.txnindex");
  const index = new TransactionIndex(path, 100);
  index.append({ producerId: 7, firstOffset: 90, lastOffset: 130, lastStableOffset: 131 });
  index.append({ producerId: 8, firstOffset: 120, lastOffset: 140, lastStableOffset: 141 });
  index.flush();
  assert.equal(statSync(path).size, 2 * TXN_INDEX_ENTRY_SIZE);
  const again = new TransactionIndex(path, 100);
  assert.equal(again.load(), true);
  assert.deepEqual(again.all, index.all);

  truncateSync(path, TXN_INDEX_ENTRY_SIZE + 5);
  const torn = new TransactionIndex(path, 100);
  assert.equal(torn.load(), false, "a torn file is rebuilt, not half-read");
  assert.deepEqual(torn.all, []);

  index.truncateTo(140);
  assert.deepEqual(
    index.all.map((e) => e.producerId),
    [7],
  );
  index.truncateTo(100);
  assert.equal(existsSync(path), false, "an empty index leaves no file");
  assert.throws(() => index.append({ producerId: 1, firstOffset: 5, lastOffset: 99, lastStableOffset: 100 }), /follow/);
});

test("a read_committed fetch collects the aborted transactions overlapping its range", (t) => {
  const index = new TransactionIndex(join(tempDir(t), "0.txnindex"), 0);
  index.append({ producerId: 1, firstOffset: 0, lastOffset: 10, lastStableOffset: 5 });
  index.append({ producerId: 2, firstOffset: 5, lastOffset: 20, lastStableOffset: 21 });
  index.append({ producerId: 3, firstOffset: 30, lastOffset: 40, lastStableOffset: 41 });
  // Reading [12, 25): producer 1's abort ended before 12; producer 2's overlaps; producer 3 starts after 25.
  const { aborted, complete } = index.collect(12, 25);
  assert.deepEqual(
    aborted.map((e) => e.producerId),
    [2],
  );
  assert.equal(complete, true, "an entry's last stable offset past the range ends the search");
  assert.equal(index.collect(12, 100).complete, false, "later segments may still hold aborts for this range");
});

// ---------------------------------------------------------------- in the partition log

const txnBatch = (producerId: number, producerEpoch: number, baseSequence: number, values: string[]) =>
  encodeRecordBatch({
    producerId,
    producerEpoch,
    baseSequence,
    transactional: true,
    records: values.map((value) => ({ value, timestamp: 1000 })),
  });

test("the log keeps the last stable offset below open transactions and indexes aborted ones, across reopen and truncation", (t) => {
  const dir = tempDir(t);
  const opened = openLog(dir, smallConfig({ segmentBytes: 1024 }));
  let log = opened.log;
  log.appendAsLeader(txnBatch(1, 0, 0, ["a1", "a2"]), 0); // 0-1, producer 1 (will abort)
  log.appendAsLeader(batchOf(["plain"]), 0); // 2
  log.appendAsLeader(txnBatch(2, 0, 0, ["b1"]), 0); // 3, producer 2 (will commit)
  log.updateHighWatermark(log.logEndOffset);
  assert.equal(log.lastStableOffset, 0, "the oldest open transaction holds the last stable offset");
  log.appendMarkerAsLeader({ producerId: 1, producerEpoch: 1, commit: false, coordinatorEpoch: 4 }, 0); // 4
  log.updateHighWatermark(log.logEndOffset);
  assert.equal(log.lastStableOffset, 3, "producer 2's transaction is still open");
  log.appendMarkerAsLeader({ producerId: 2, producerEpoch: 1, commit: true, coordinatorEpoch: 4 }, 0); // 5
  assert.equal(log.lastStableOffset, log.highWatermark, "below the high watermark: every transaction decided");
  log.updateHighWatermark(log.logEndOffset);
  assert.equal(log.lastStableOffset, 6);
  assert.deepEqual(log.abortedTransactions(0, 6), [{ producerId: 1, firstOffset: 0 }]);
  assert.deepEqual(log.abortedTransactions(5, 6), [], "an abort whose marker is before the read is not listed");
  assert.throws(
    () => log.appendAsLeader(txnBatch(1, 0, 2, ["late"]), 0),
    (e: unknown) => isTidelogError(e) && e.code === "INVALID_PRODUCER_EPOCH",
    "a late batch of the aborted transaction's epoch is refused",
  );
  assert.throws(
    () => log.appendMarkerAsLeader({ producerId: 1, producerEpoch: 0, commit: true, coordinatorEpoch: 4 }, 0),
    (e: unknown) => isTidelogError(e) && e.code === "INVALID_PRODUCER_EPOCH",
    "a stale coordinator's marker is refused",
  );
  assert.throws(
    () =>
      log.appendAsLeader(
        encodeControlBatch({ producerId: 9, producerEpoch: 0, type: "commit", coordinatorEpoch: 1, timestamp: 1 }),
        0,
      ),
    (e: unknown) => isTidelogError(e) && e.code === "INVALID_RECORD",
    "a marker-shaped batch from a client is refused",
  );
  const indexFiles = () => readdirSync(dir).filter((n) => n.endsWith(".txnindex"));
  assert.equal(indexFiles().length, 1);

  // A reopen rebuilds the same state from the log, and a torn index file is rewritten.
  const file = join(dir, indexFiles()[0]!);
  truncateSync(file, 7);
  log = opened.reopen({ recoveryPoint: 0 });
  log.updateHighWatermark(log.logEndOffset);
  assert.equal(log.lastStableOffset, 6);
  assert.deepEqual(log.abortedTransactions(0, 6), [{ producerId: 1, firstOffset: 0 }]);
  assert.equal(statSync(file).size, TXN_INDEX_ENTRY_SIZE, "the torn .txnindex was rebuilt");

  // An open transaction survives a reopen; truncating below its marker reopens a decided one.
  log.appendAsLeader(txnBatch(3, 0, 0, ["c1"]), 0); // 6
  log = opened.reopen({ recoveryPoint: 0 });
  log.updateHighWatermark(log.logEndOffset);
  assert.equal(log.lastStableOffset, 6, "producer 3's transaction is open after the reopen");
  log.truncateTo(4);
  assert.deepEqual(log.abortedTransactions(0, 10), [], "the abort marker was cut");
  assert.equal(log.lastStableOffset, 0, "producer 1's transaction is open again");
  assert.equal(indexFiles().length, 0, "its index entry is gone with it");
});

test("a torn segment tail that cut an ABORT marker reopens the transaction and drops its index entry", (t) => {
  const dir = tempDir(t);
  const opened = openLog(dir, smallConfig({ segmentBytes: 4096 }));
  const log = opened.log;
  log.appendAsLeader(txnBatch(4, 0, 0, ["x1", "x2"]), 0); // 0-1
  const before = statSync(join(dir, "00000000000000000000.log")).size;
  log.appendMarkerAsLeader({ producerId: 4, producerEpoch: 1, commit: false, coordinatorEpoch: 2 }, 0); // 2
  log.updateHighWatermark(log.logEndOffset);
  assert.deepEqual(log.abortedTransactions(0, 3), [{ producerId: 4, firstOffset: 0 }]);
  // A crash tore the marker's write in half.
  truncateSync(join(dir, "00000000000000000000.log"), before + 10);
  const reopened = opened.reopen({ recoveryPoint: 0 });
  assert.equal(reopened.logEndOffset, 2, "recovery cut the torn marker");
  assert.deepEqual(reopened.abortedTransactions(0, 3), [], "no aborted transaction without its marker");
  assert.equal(
    readdirSync(dir).some((n) => n.endsWith(".txnindex")),
    false,
    "the index entry went with the marker",
  );
  reopened.updateHighWatermark(reopened.logEndOffset);
  assert.equal(
    reopened.lastStableOffset,
    0,
    "the transaction is open again: the coordinator's marker will be written again",
  );
});
