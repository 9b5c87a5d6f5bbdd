// The scale benchmark (`npm run bench -- scale`), in quick mode (300 partitions at RF 3),
// as a user runs it: the suite's small version of the 10,000-partition scenarios. The run
// itself fails unless every partition is created led and in sync, every partition of a
// killed broker and of a killed controller gets a new leader, and each restarted broker
// is back in every ISR (each wait bounded). Here: the report has the shared row shape,
// every figure is finite, and the counts add up; timings are not asserted, since a shared
// 2-core machine makes them noise.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BenchReport, BenchRow } from "../../bench/lib/report.js";
import { runQuickBench } from "./run-bench.js";

/** The quick run takes about a minute; this bounds a hung cluster. */
const RUN_TIMEOUT_MS = 170_000;
const PARTITIONS = 300;

function find(report: BenchReport, name: string): BenchRow {
  const r = report.results.find((x) => x.name === name);
  assert.ok(r, `no row "${name}" in ${report.results.map((x) => x.name).join(" | ")}`);
  return r;
}

test("scale --quick: 300 partitions created, idle cost stated, every partition of a killed broker and controller re-led", async () => {
  const report = await runQuickBench("scale", RUN_TIMEOUT_MS);
  assert.equal(report.suite, "scale");
  for (const r of report.results) {
    assert.ok(Number.isFinite(r.value), `${r.name}: value ${r.value}`);
    assert.equal(typeof r.unit, "string");
  }
  assert.ok(find(report, `create ${PARTITIONS} partitions (RF 3), until all led and in sync`).value > 0);
  for (const id of [1, 2, 3]) {
    const cpu = find(report, `broker ${id} idle CPU, ${PARTITIONS} replicas`);
    assert.ok(cpu.value >= 0 && cpu.target === 0.05, `${cpu.name}: ${cpu.value}`);
    // Every replica's log is open: at least one descriptor per replica is the handle cache at work.
    assert.ok(find(report, `broker ${id} open file descriptors, ${PARTITIONS} replicas`).value > 0);
  }
  // The first kill takes the broker leading the most partitions; the controller, killed
  // next, leads the rest between it and the third broker (the restarted one leads none).
  const led = find(report, "broker kill -9: partitions it led").value;
  const controllerLed = find(report, "controller kill -9: partitions it led").value;
  assert.ok(led > 0 && led <= PARTITIONS, `the first victim led ${led} of ${PARTITIONS}`);
  assert.ok(controllerLed > 0 && controllerLed <= PARTITIONS, `the controller led ${controllerLed}`);
  for (const name of [
    "broker kill -9: re-led p50",
    "broker kill -9: re-led p99",
    "controller kill -9: a new controller named",
    "restart after kill -9: back in every ISR",
  ]) {
    assert.ok(find(report, name).value > 0, name);
  }
  assert.ok(find(report, "many partitions / 10 partitions").value > 0);
});
