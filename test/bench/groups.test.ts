// The consumer-group benchmark (`npm run bench -- groups`), in quick mode, as a user runs
// it: a smoke test of its plumbing, not of its figures. It proves the report has the
// shared row shape, that every event (a join, a graceful leave, a kill -9) reports its
// times, partitions moved and members kept reading, that every time is finite and
// positive, and that the counts are whole numbers within the group's size; timings are
// not asserted, since a shared 2-core machine makes them noise. The benchmark itself
// fails the run if two live members ever owned one partition, or a callback came after
// the group was judged settled.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fewestMoves } from "../../bench/groups.js";
import type { BenchReport, BenchRow } from "../../bench/lib/report.js";
import { runQuickBench } from "./run-bench.js";

/** The quick run takes about 30 s; this bounds a hung cluster or member. */
const RUN_TIMEOUT_MS = 90_000;

const EVENTS = ["11th member joins", "a member leaves (close)", "a member is killed (SIGKILL)"];

function runQuickGroups(): Promise<BenchReport> {
  return runQuickBench("groups", RUN_TIMEOUT_MS);
}

test("fewestMoves: what a balanced assignment must move after a join, a leave and an uneven start", () => {
  // 10 members of 6 each, an 11th joins: it must get floor(60 / 11) = 5.
  assert.equal(fewestMoves([6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 0], 60), 5);
  // 11 members (5 with 6, 6 with 5), one with 5 leaves: its 5 go to five members with 5.
  assert.equal(fewestMoves([6, 6, 6, 6, 6, 5, 5, 5, 5, 5], 60), 5);
  // Already balanced, nothing departed: nothing moves.
  assert.equal(fewestMoves([3, 3, 2], 8), 0);
  // Unbalanced survivors: 2 orphans, and the member with 6 must give 3 more (3 + 2 arrive).
  assert.equal(fewestMoves([6, 0, 0], 8), 5);
});

test("groups --quick reports every membership change in the shared row shape, every time finite and positive", async () => {
  const report = await runQuickGroups();
  assert.equal(report.suite, "groups");
  assert.ok(report.results.length > 0);
  for (const r of report.results) {
    assert.equal(typeof r.name, "string");
    assert.ok(Number.isFinite(r.value), `${r.name}: value ${r.value}`);
    assert.equal(typeof r.unit, "string");
    if (r.unit === "ms" || r.unit === "x") assert.ok(r.value > 0, `${r.name}: ${r.value} ${r.unit}`);
  }
  const byName = (name: string, unit: string): BenchRow => {
    const found = report.results.find((r) => r.name === name && r.unit === unit);
    assert.ok(found, `no row "${name}" in ${unit}`);
    return found;
  };
  assert.match(byName("heartbeat interval (baseline)", "ms").note ?? "", /group\.consumer\.heartbeat\.interval\.ms=/);
  byName("member session timeout (baseline)", "ms");

  for (const event of EVENTS) {
    for (const p of ["p50", "p99"]) byName(`${event}: settled after ${p}`, "ms");
    assert.match(byName(`${event}: settled after p99`, "ms").note ?? "", /^2 runs: /);
    const moved = byName(`${event}: partitions moved p50`, "partitions").value;
    const fewest = byName(`${event}: fewest partitions a balanced assignment moves (baseline)`, "partitions").value;
    byName(`${event}: partitions moved p50 / fewest`, "x");
    const kept = byName(`${event}: members kept reading (no revocation) p50`, "members").value;
    for (const count of [moved, fewest]) assert.ok(Number.isInteger(count) && count > 0 && count <= 60, `${count}`);
    assert.ok(Number.isInteger(kept) && kept >= 0 && kept <= 10, `${event}: ${kept} kept reading`);
  }
  byName("11th member joins: settled after p50 / heartbeat", "x");
  byName("a member leaves (close): settled after p50 / heartbeat", "x");
  const killed = "a member is killed (SIGKILL)";
  for (const p of ["p50", "p99"]) {
    byName(`${killed}: removed after ${p}`, "ms");
    byName(`${killed}: settled after removal ${p}`, "ms");
  }
  byName(`${killed}: removed after p50 / session timeout`, "x");
  byName(`${killed}: settled after removal p50 / heartbeat`, "x");
  byName(`${killed}: settled after p50 / session timeout`, "x");
});
