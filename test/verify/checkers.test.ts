// The verifier's checkers as negative controls: each is fed a clean history, which must
// pass, then the same history with one anomaly planted (a record dropped from the final
// read, a value written twice, an aborted transaction's record read, a commit past an
// unprocessed record, ...), which must be reported under its class and make the run
// invalid. Pure and fast: histories are built in memory with the same recorder a run
// uses (so they obey its invariants), then doctored. Also: the history file round trip
// and its format errors, the latency histogram, and the report (summary text, a
// well-formed timeline SVG).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  buildSummary,
  type CheckResult,
  checkGroup,
  checkHistoryFile,
  checkQueue,
  checkTxn,
  HistoryFile,
  HistoryRecorder,
  isVerifyError,
  launchOptionsFor,
  type Op,
  readHistory,
  renderTimelineSvg,
  summaryText,
  TimelineRecorder,
  txnValue,
} from "@tidelog/verify";
import { LatencyHistogram } from "../../clients/verify/src/report/latency-histogram.js";

/** A recorder whose clock ticks 10 ms per op, collecting the ops. */
function recorder(): { h: HistoryRecorder; ops: Op[] } {
  const ops: Op[] = [];
  let t = 0;
  const h = new HistoryRecorder({ nowMs: () => (t += 10), observers: [(op) => ops.push(op)] });
  return { h, ops };
}

function found(result: CheckResult, name: string): number {
  const a = result.anomalies.find((x) => x.name === name);
  assert.ok(a, `the checker knows no class ${name}`);
  return a.count;
}

/** Asserts the class was found and the run judged invalid; returns its examples for a closer look. */
function assertCaught(result: CheckResult, name: string): readonly string[] {
  assert.ok(found(result, name) >= 1, `${name} not found: ${JSON.stringify(result.anomalies)}`);
  assert.equal(result.valid, false, `${name} found but the run judged valid`);
  return result.anomalies.find((x) => x.name === name)!.examples;
}

function assertClean(result: CheckResult): void {
  const errors = result.anomalies.filter((a) => a.error && a.count > 0);
  assert.deepEqual(errors, [], "a clean history has no anomaly");
  assert.equal(result.valid, true);
}

/** The ops with each final-read op's value replaced by `edit(value)`. */
function editFinalReads(
  ops: Op[],
  edit: (v: { p: number; records: [number, string][]; done: boolean }) => object,
): Op[] {
  return ops.map((op) =>
    op.f === "final-read" && op.type === "ok" ? { ...op, value: edit(structuredClone(op.value) as never) } : op,
  );
}

function editValue(ops: Op[], index: number, edit: (value: never) => object): Op[] {
  return ops.map((op) => (op.index === index ? { ...op, value: edit(structuredClone(op.value) as never) } : op));
}

// ---------------------------------------------------------------------------------------
// queue

/**
 * Two producers (processes 0 and 1) on partitions 0 and 1. Acknowledged: 0:0 -> p0@0,
 * 1:0 -> p0@1, 0:1 -> p1@0, 1:1 -> p1@1, 0:2 -> p0@2. 1:2 indeterminate and written (p1@2:
 * recovered), 0:3 indeterminate and not written. Final read: everything stored.
 */
function queueHistory(): Op[] {
  const { h, ops } = recorder();
  const send = (process: number, counter: number, p: number, outcome: { o: number } | "info") => {
    const v = `${process}:${counter}`;
    const inv = h.invoke(process, "send", { v, p });
    if (outcome === "info") h.complete(inv, "info", { v, p }, "REQUEST_TIMED_OUT: no answer");
    else h.complete(inv, "ok", { v, p, o: outcome.o });
  };
  send(0, 0, 0, { o: 0 });
  send(1, 0, 0, { o: 1 });
  send(0, 1, 1, { o: 0 });
  send(1, 1, 1, { o: 1 });
  send(0, 2, 0, { o: 2 });
  send(1, 2, 1, "info");
  send(0, 3, 1, "info");
  h.nemesis("kill", { kind: "kill", target: "broker 2", startMs: 20, endMs: null });
  h.nemesis("kill", { kind: "kill", target: "broker 2", startMs: 20, endMs: 60 });
  const read = (p: number, records: [number, string][]) => {
    const inv = h.invoke(2, "final-read", { p, from: 0 });
    h.complete(inv, "ok", { p, records, done: true });
  };
  read(0, [
    [0, "0:0"],
    [1, "1:0"],
    [2, "0:2"],
  ]);
  read(1, [
    [0, "0:1"],
    [1, "1:1"],
    [2, "1:2"],
  ]);
  return ops;
}

describe("queue checker", () => {
  test("a clean history passes; an indeterminate send that was written counts as recovered, not an error", () => {
    const result = checkQueue(queueHistory());
    assertClean(result);
    assert.equal(found(result, "recovered"), 1);
    assert.equal(result.counts.operations, 7);
    assert.equal(result.counts.acknowledged, 5);
    assert.equal(result.counts.indeterminate, 2);
    assert.equal(result.stats.recordsRead, 6);
  });

  test("lost: an acknowledged record missing from the final read", () => {
    const ops = editFinalReads(queueHistory(), (v) => ({
      ...v,
      records: v.records.filter(([, value]) => value !== "1:0"),
    }));
    const examples = assertCaught(checkQueue(ops), "lost");
    assert.match(examples[0]!, /1:0 acknowledged at partition 0 offset 1/);
  });

  test("duplicate: one value stored at two offsets", () => {
    const ops = editFinalReads(queueHistory(), (v) => (v.p === 0 ? { ...v, records: [...v.records, [3, "0:0"]] } : v));
    assertCaught(checkQueue(ops), "duplicate");
  });

  test("offset-conflict: two acknowledgements naming one offset", () => {
    const ops = queueHistory();
    const ack = ops.find((op) => op.type === "ok" && op.f === "send" && (op.value as { v: string }).v === "1:0")!;
    assertCaught(checkQueue(editValue(ops, ack.index, (v: object) => ({ ...v, o: 0 }))), "offset-conflict");
  });

  test("offset-order: a partition's offsets going back in the final read", () => {
    const ops = editFinalReads(queueHistory(), (v) => (v.p === 1 ? { ...v, records: [...v.records].reverse() } : v));
    assertCaught(checkQueue(ops), "offset-order");
  });

  test("producer-order: a producer's values stored out of the order it sent them", () => {
    // Producer 0 sent 0:0 before 0:2; store 0:2 first (acks moved to match, so nothing else is wrong).
    let ops = editFinalReads(queueHistory(), (v) =>
      v.p === 0
        ? {
            ...v,
            records: [
              [0, "0:2"],
              [1, "1:0"],
              [2, "0:0"],
            ],
          }
        : v,
    );
    for (const [value, o] of [
      ["0:2", 0],
      ["0:0", 2],
    ] as const) {
      const ack = ops.find((op) => op.type === "ok" && op.f === "send" && (op.value as { v: string }).v === value)!;
      ops = editValue(ops, ack.index, (v: object) => ({ ...v, o }));
    }
    const result = checkQueue(ops);
    assertCaught(result, "producer-order");
    assert.equal(found(result, "misplaced"), 0);
  });

  test("misplaced: acknowledged at one offset, stored at another", () => {
    const ops = queueHistory();
    const ack = ops.find((op) => op.type === "ok" && op.f === "send" && (op.value as { v: string }).v === "0:2")!;
    assertCaught(checkQueue(editValue(ops, ack.index, (v: object) => ({ ...v, o: 7 }))), "misplaced");
  });

  test("phantom: a record nobody sent", () => {
    const ops = editFinalReads(queueHistory(), (v) => (v.p === 1 ? { ...v, records: [...v.records, [3, "7:7"]] } : v));
    assertCaught(checkQueue(ops), "phantom");
  });

  test("unread: a partition not read to its end proves nothing, and says so", () => {
    const ops = editFinalReads(queueHistory(), (v) => (v.p === 0 ? { ...v, done: false } : v));
    const result = checkQueue(ops);
    assertCaught(result, "unread");
    assert.equal(found(result, "lost"), 0, "records of an unread partition are not called lost");
  });
});

// ---------------------------------------------------------------------------------------
// txn

/**
 * Writers 0 and 1, reader 2, final reader 3. Transactions:
 *   0-0 committed on p0,p1; 0-1 aborted on purpose on p1,p2; 1-0 failed (aborted) on p0,p2;
 *   1-1 indeterminate, visible on p1,p2; 0-2 indeterminate, invisible on p0,p2.
 * The reader sees 0-0's record on p0 mid-run (after 0-1 ended); the final read shows 0-0
 * and 1-1 whole.
 */
function txnHistory(): Op[] {
  const { h, ops } = recorder();
  const values = new Map<string, string[]>();
  const txn = (
    process: number,
    id: string,
    partitions: number[],
    intent: "commit" | "abort",
    end: () => [string, object],
  ) => {
    const writes = partitions.map((p, i) => [p, txnValue({ txn: id, i, n: partitions.length, partitions })] as const);
    values.set(
      id,
      writes.map(([, v]) => v),
    );
    const inv = h.invoke(process, "txn", { txn: id, intent, writes });
    const [type, value] = end();
    h.complete(inv, type as "ok", value);
  };
  txn(0, "0-0", [0, 1], "commit", () => ["ok", { txn: "0-0", outcome: "committed" }]);
  txn(0, "0-1", [1, 2], "abort", () => ["ok", { txn: "0-1", outcome: "aborted" }]);
  const poll = h.invoke(2, "poll", {});
  h.complete(poll, "ok", { records: [[0, 0, values.get("0-0")![0]]] });
  txn(1, "1-0", [0, 2], "commit", () => ["fail", { txn: "1-0", outcome: "aborted" }]);
  txn(1, "1-1", [1, 2], "commit", () => ["info", { txn: "1-1" }]);
  txn(0, "0-2", [0, 2], "commit", () => ["info", { txn: "0-2" }]);
  const [a0, a1] = values.get("0-0")!;
  const [i0, i1] = values.get("1-1")!;
  const read = (p: number, records: [number, string][]) => {
    const inv = h.invoke(3, "final-read", { p, from: 0 });
    h.complete(inv, "ok", { p, records, done: true });
  };
  read(0, [[0, a0!]]);
  read(1, [
    [0, a1!],
    [4, i0!],
  ]);
  read(2, [[5, i1!]]);
  return ops;
}

/** The value of record `i` of transaction `id` in the clean txn history. */
function txnRecord(id: string, i: number): string {
  const invoke = txnHistory().find(
    (op) => op.f === "txn" && op.type === "invoke" && (op.value as { txn: string }).txn === id,
  )!;
  return (invoke.value as { writes: [number, string][] }).writes[i]![1];
}

describe("txn checker", () => {
  test("a clean history passes: committed whole, aborted unseen, indeterminate all or nothing", () => {
    const result = checkTxn(txnHistory());
    assertClean(result);
    assert.deepEqual(
      [result.stats.committed, result.stats.aborted, result.stats.indeterminate, result.stats.indeterminateVisible],
      [1, 2, 2, 1],
    );
  });

  test("aborted-read: a concurrent read_committed reader saw a record of a transaction aborted on purpose", () => {
    const ops = txnHistory();
    const poll = ops.find((op) => op.f === "poll" && op.type === "ok")!;
    const doctored = editValue(ops, poll.index, () => ({ records: [[1, 3, txnRecord("0-1", 0)]] }));
    assert.match(assertCaught(checkTxn(doctored), "aborted-read")[0]!, /0-1 \(aborted on purpose\)/);
  });

  test("aborted-read: the final read shows a record of a transaction whose commit failed", () => {
    const ops = editFinalReads(txnHistory(), (v) =>
      v.p === 0 ? { ...v, records: [...v.records, [1, txnRecord("1-0", 0)]] } : v,
    );
    assertCaught(checkTxn(ops), "aborted-read");
  });

  test("torn: part of a committed transaction visible without the rest", () => {
    const ops = editFinalReads(txnHistory(), (v) => (v.p === 1 ? { ...v, records: v.records.slice(1) } : v));
    assertCaught(checkTxn(ops), "torn");
  });

  test("torn: an indeterminate transaction half visible", () => {
    const ops = editFinalReads(txnHistory(), (v) => (v.p === 2 ? { ...v, records: [] } : v));
    const examples = assertCaught(checkTxn(ops), "torn");
    assert.match(examples[0]!, /1-1 \(indeterminate\)/);
  });

  test("lost-commit: an acknowledged commit with nothing visible", () => {
    const ops = editFinalReads(txnHistory(), (v) =>
      v.p === 0 ? { ...v, records: [] } : v.p === 1 ? { ...v, records: v.records.slice(1) } : v,
    );
    const result = checkTxn(ops);
    assertCaught(result, "lost-commit");
    assert.equal(found(result, "torn"), 0);
  });

  test("duplicate: one record of a transaction visible twice", () => {
    const ops = editFinalReads(txnHistory(), (v) =>
      v.p === 0 ? { ...v, records: [...v.records, [2, v.records[0]![1]]] } : v,
    );
    assertCaught(checkTxn(ops), "duplicate");
  });

  test("phantom: a record no transaction wrote there", () => {
    const ops = editFinalReads(txnHistory(), (v) =>
      v.p === 0 ? { ...v, records: [...v.records, [3, txnRecord("1-1", 0)]] } : v,
    );
    assertCaught(checkTxn(ops), "phantom");
  });

  test("unread: a partition not read to its end", () => {
    assertCaught(checkTxn(editFinalReads(txnHistory(), (v) => (v.p === 2 ? { ...v, done: false } : v))), "unread");
  });
});

// ---------------------------------------------------------------------------------------
// group

/**
 * Producer 0 writes p0 offsets 0-5 and p1 offsets 0-1. Member 1 processes p0 0-2, commits
 * 3, processes 3-4 and crashes (no commit). Member 2 processes p0 3-5 (3 and 4 again) and
 * p1 0-1, commits p0 6 and p1 2. The group's final committed offsets: p0 6, p1 2.
 */
function groupHistory(): Op[] {
  const { h, ops } = recorder();
  const offsets = { 0: 0, 1: 0 } as Record<number, number>;
  for (const p of [0, 0, 0, 1, 0, 0, 0, 1]) {
    const v = `0:${offsets[0]! + offsets[1]!}`;
    const inv = h.invoke(0, "send", { v, p });
    h.complete(inv, "ok", { v, p, o: offsets[p]! });
    offsets[p]!++;
  }
  const poll = (process: number, records: [number, number][]) => {
    const inv = h.invoke(process, "poll", {});
    h.complete(inv, "ok", { records: records.map(([p, o]) => [p, o, `v${p}-${o}`]) });
  };
  const commit = (process: number, offsets: [number, number][]) => {
    const inv = h.invoke(process, "commit", { offsets });
    h.complete(inv, "ok", { offsets });
  };
  const life = (process: number, f: string) => h.complete(h.invoke(process, f, {}), "ok", {});
  life(1, "join");
  poll(1, [
    [0, 0],
    [0, 1],
    [0, 2],
  ]);
  commit(1, [[0, 3]]);
  poll(1, [
    [0, 3],
    [0, 4],
  ]);
  life(1, "crash");
  life(2, "join");
  poll(2, [
    [0, 3],
    [0, 4],
    [0, 5],
  ]);
  poll(2, [
    [1, 0],
    [1, 1],
  ]);
  commit(2, [
    [0, 6],
    [1, 2],
  ]);
  life(2, "leave");
  const fin = h.invoke(3, "final-committed", {});
  h.complete(fin, "ok", {
    offsets: [
      [0, 6],
      [1, 2],
    ],
  });
  for (const [p, n] of [
    [0, 6],
    [1, 2],
  ] as const) {
    const inv = h.invoke(3, "final-read", { p, from: 0 });
    const records = Array.from({ length: n }, (_, o) => [o, `v${p}-${o}`]);
    h.complete(inv, "ok", { p, records, done: true });
  }
  return ops;
}

describe("group checker", () => {
  test("a clean history passes; the crash's replay counts as re-deliveries, not an error", () => {
    const result = checkGroup(groupHistory());
    assertClean(result);
    assert.equal(found(result, "redelivered"), 2);
    assert.equal(result.stats.redeliveries, 2);
    assert.equal(result.stats.processedRecords, 8);
  });

  test("skipped: a member commits past a record nobody had processed", () => {
    const ops = groupHistory();
    const commit = ops.find((op) => op.f === "commit" && op.process === 1 && op.type === "invoke")!;
    const doctored = ops.map((op) =>
      op.f === "commit" && op.process === 1 ? { ...op, value: { offsets: [[0, 5]] } } : op,
    );
    assert.ok(commit);
    const examples = assertCaught(checkGroup(doctored), "skipped");
    assert.match(examples[0]!, /partition 0 offset 5, but offset 3 had not been processed/);
  });

  test("skipped: the group's final committed offset past an unprocessed record", () => {
    const ops = groupHistory().map((op) =>
      op.f === "final-committed" && op.type === "ok" ? { ...op, value: { offsets: [[1, 3]] } } : op,
    );
    // Offset 2 of partition 1 exists (the final read shows it) but nobody processed it.
    const doctored = editFinalReads(ops, (v) => (v.p === 1 ? { ...v, records: [...v.records, [2, "v1-2"]] } : v));
    const result = checkGroup(doctored);
    assertCaught(result, "skipped");
    assertCaught(result, "unprocessed");
  });

  test("unprocessed: a record in the log that no member processed", () => {
    const ops = groupHistory();
    const poll = ops.find(
      (op) => op.f === "poll" && op.type === "ok" && op.process === 2 && JSON.stringify(op.value).includes("[1,0,"),
    )!;
    const doctored = editValue(ops, poll.index, () => ({ records: [[1, 0, "v1-0"]] }));
    const examples = assertCaught(checkGroup(doctored), "unprocessed");
    assert.match(examples[0]!, /partition 1 offset 1 was never processed/);
  });

  test("unread: a partition the group used, not read to its end", () => {
    assertCaught(checkGroup(editFinalReads(groupHistory(), (v) => (v.p === 1 ? { ...v, done: false } : v))), "unread");
  });
});

// ---------------------------------------------------------------------------------------
// history files, report

describe("history file", () => {
  test("written as JSONL and read back op for op; a saved history is checked offline", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "verify-history-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "history.jsonl");
    const file = new HistoryFile(path);
    const ops = queueHistory();
    for (const op of ops) file.append(op);
    file.close();
    const back: Op[] = [];
    for await (const op of readHistory(path)) back.push(op);
    assert.deepEqual(back, ops);
    const { check, faults, timeline } = await checkHistoryFile(path, "queue");
    assertClean(check);
    assert.deepEqual(
      faults.map((f) => [f.kind, f.done]),
      [["kill", 1]],
    );
    assert.equal(timeline.faults.length, 1);
  });

  test("a broken history is refused with HISTORY_FORMAT naming the line", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "verify-history-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const lines = queueHistory().map((op) => JSON.stringify(op));
    const cases: [string, string[], RegExp][] = [
      ["not JSON", [lines[0]!, "{oops"], /history\.jsonl:2: not JSON/],
      ["an index skipped", [lines[0]!, lines[2]!], /:2: index 2, expected 1/],
      ["a completion without its invocation", [lines[1]!], /:1: index 1, expected 0/],
      [
        "a bad type",
        [JSON.stringify({ ...JSON.parse(lines[0]!), type: "maybe" })],
        /type is not invoke, ok, fail or info/,
      ],
    ];
    for (const [what, content, pattern] of cases) {
      const path = join(dir, "history.jsonl");
      writeFileSync(path, `${content.join("\n")}\n`);
      await assert.rejects(
        async () => {
          for await (const _ of readHistory(path)) {
            // reading is the test
          }
        },
        (e: unknown) => isVerifyError(e, "HISTORY_FORMAT") && pattern.test((e as Error).message),
        what,
      );
    }
  });

  test("the recorder refuses a second op in flight for one process", () => {
    const { h } = recorder();
    h.invoke(0, "send", { v: "0:0", p: 0 });
    assert.throws(() => h.invoke(0, "send", { v: "0:1", p: 0 }), /while its send \(op 0\) is in flight/);
  });
});

/**
 * A small well-formedness check of XML: every tag closed in order, attributes quoted,
 * no raw "<" or "&" outside markup and entities. Enough to catch a renderer that forgot
 * to escape a label or close an element.
 */
function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let seen = 0;
  while (seen < xml.length) {
    const m = token.exec(xml);
    if (m === null) break;
    seen = token.lastIndex;
    const [, closing, name, , selfClosing, text] = m;
    if (text !== undefined) {
      assert.doesNotMatch(text, /&(?!(amp|lt|gt|quot|apos);)/, `a raw & in text: ${text.slice(0, 60)}`);
      continue;
    }
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else if (!selfClosing) stack.push(name!);
  }
  assert.equal(seen, xml.length, `not XML from character ${seen}: ${xml.slice(seen, seen + 80)}`);
  assert.deepEqual(stack, [], "elements left open");
}

describe("report", () => {
  test("latency quantiles are within a bucket (10%) of the truth", () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.add(ms);
    const p50 = h.quantile(0.5)!;
    const p99 = h.quantile(0.99)!;
    assert.ok(p50 >= 500 && p50 <= 550, `p50 ${p50}`);
    assert.ok(p99 >= 990 && p99 <= 1090, `p99 ${p99}`);
    assert.equal(new LatencyHistogram().quantile(0.5), null);
  });

  test("the timeline is a well-formed SVG with throughput, latency and the fault window shaded and labelled", () => {
    const timeline = new TimelineRecorder();
    const { h, ops } = recorder();
    for (let i = 0; i < 50; i++) {
      const inv = h.invoke(i % 3, "send", { v: `${i % 3}:${i}`, p: 0 });
      h.complete(inv, i % 10 === 0 ? "info" : "ok", { v: `${i % 3}:${i}`, p: 0, o: i });
    }
    h.nemesis("partition-split", {
      kind: "partition-split",
      target: "1,2 | 3",
      startMs: 200,
      endMs: 700,
      detail: 'a <"quoted"> & odd detail',
    });
    for (const op of ops) timeline.observe(op);
    const data = timeline.data();
    assert.equal(data.seconds.length, 2);
    assert.equal(data.seconds[0]!.ok + data.seconds[0]!.info + data.seconds[1]!.ok + data.seconds[1]!.info, 50);
    const svg = renderTimelineSvg(data, { title: "queue <test> & co", subtitle: "seed 1" });
    assertWellFormedXml(svg);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(
      svg,
      /fill-opacity="0.15"><title>partition-split 1,2 \| 3 \(a &lt;&quot;quoted&quot;&gt; &amp; odd detail\)/,
    );
    assert.match(svg, /ops per second/);
    assert.match(svg, /latency, ms \(log\)/);
    assert.match(svg, /queue &lt;test&gt; &amp; co/);
    assert.throws(() => assertWellFormedXml("<svg><g></svg>"), /closes the wrong element/);
    assert.throws(() => assertWellFormedXml("<svg>a & b</svg>"), /raw &/);
  });

  test("the summary names every anomaly class, its count and examples, and the verdict", () => {
    const ops = editFinalReads(queueHistory(), (v) => ({
      ...v,
      records: v.records.filter(([, value]) => value !== "1:0"),
    }));
    const check = checkQueue(ops);
    const summary = buildSummary({
      settings: {
        workload: "queue",
        seconds: 1,
        clients: 2,
        seed: 7,
        nemesis: ["kill"],
        schedule: "fixed",
        faultMs: 100,
        intervalMs: 100,
        cluster: "127.0.0.1:9092",
      },
      check,
      faults: [{ kind: "kill", done: 1, skipped: 0, skippedWhy: null, failed: 0, failedWhy: null }],
      elapsedMs: 1234.4,
      files: null,
    });
    const text = summaryText(summary);
    for (const name of ["lost", "duplicate", "offset-conflict", "producer-order", "misplaced", "recovered"]) {
      assert.match(text, new RegExp(`│ ${name}\\s`), `${name} is in the table`);
    }
    assert.match(text, /INVALID: lost 1 \(queue workload, 7 operations\)/);
    assert.match(text, /1:0 acknowledged at partition 0 offset 1/);
    assert.match(text, /│ kill\s+│ 1\s+│ 0/);
    const json = JSON.parse(JSON.stringify(summary));
    assert.equal(json.valid, false);
    assert.equal(json.anomalies.find((a: { name: string }) => a.name === "lost").count, 1);
  });
});

test("a run's disk-full tmpfs grows with its length, so the workload's own data never fills it", () => {
  assert.equal(launchOptionsFor(["disk-full"], 10).tmpfsMiB, 266);
  assert.equal(launchOptionsFor(["disk-full"], 1500).tmpfsMiB, 1756);
  assert.equal(launchOptionsFor(["disk-full"], 7 * 24 * 3600).tmpfsMiB, 4096);
  assert.equal(launchOptionsFor(["kill"], 1500).tmpfsMiB, undefined);
});
