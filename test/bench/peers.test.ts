// The peers benchmark (`npm run bench -- peers`), in quick mode, as a user runs it: a
// smoke test of its plumbing, not of its figures. Whatever peer servers are installed
// take part (nothing is installed: TIDELOG_NO_INSTALL=1), tidelog always does. It proves
// the report has the shared row shape, names every system with its setup (or why it was
// skipped), and that every system that ran got all its records acknowledged and read
// back, both plainly and through a consumer group; timings are not asserted, since a
// shared 2-core machine makes them noise.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BenchReport, BenchRow } from "../../bench/lib/report.js";
import { runQuickBench } from "./run-bench.js";

/** The quick run takes about a minute; this bounds a hung server or client. */
const RUN_TIMEOUT_MS = 170_000;

function runQuickPeers(): Promise<BenchReport> {
  return runQuickBench("peers", RUN_TIMEOUT_MS, { TIDELOG_NO_INSTALL: "1" });
}

// About 20 s of the suite's 15-minute budget, for a benchmark run by hand: with the slow runs.
const SLOW = process.env.TIDELOG_SLOW === "1";

test("peers --quick reports every system's records delivered, in the shared row shape", async (t) => {
  if (!SLOW) {
    t.skip(
      "runs with TIDELOG_SLOW=1 (npm run bench -- peers --quick by hand); groups --quick smoke-tests the shared plumbing",
    );
    return;
  }
  const report = await runQuickPeers();
  assert.equal(report.suite, "peers");
  assert.ok(report.results.length > 0);
  for (const r of report.results) {
    assert.equal(typeof r.name, "string");
    assert.ok(Number.isFinite(r.value), `${r.name}: value ${r.value}`);
    assert.equal(typeof r.unit, "string");
  }
  const byName = (name: string, unit: string): BenchRow => {
    const found = report.results.find((r) => r.name === name && r.unit === unit);
    assert.ok(found, `no row "${name}" in ${unit}`);
    return found;
  };
  for (const name of ["raw gRPC stream", "plain file write, 1 MiB writes, no fsync", "fsync each", "echo"]) {
    assert.ok(
      report.results.some((r) => r.name.startsWith("ceiling: ") && r.name.includes(name)),
      name,
    );
  }

  const systems = report.results.filter((r) => r.name.startsWith("system: "));
  const ran = systems.filter((s) => s.value > 0).map((s) => s.name.slice("system: ".length));
  const skipped = systems.filter((s) => s.value === 0);
  for (const s of skipped) assert.match(s.note ?? "", /^SKIPPED: /, `${s.name} neither ran nor says why`);
  for (const name of ["tidelog RF 1 acks=1", "tidelog RF 1 acks=all", "tidelog RF 3 acks=1", "tidelog RF 3 acks=all"]) {
    assert.ok(ran.includes(name), `${name} did not run`);
  }

  for (const system of ran) {
    for (const size of ["100 B records", "1 KiB records"]) {
      assert.ok(byName(`produce ${size}, ${system}`, "records/s").value > 0);
      const read = byName(`consume ${size}, ${system}: records read`, "records");
      assert.equal(read.met, true, `${system} read back ${read.value} of ${read.target} ${size}`);
      const grouped = byName(`group consume ${size}, ${system}: records read`, "records");
      assert.equal(grouped.met, true, `${system}'s group read ${grouped.value} of ${grouped.target} ${size}`);
      assert.ok(byName(`group consume ${size}, ${system}: first record after`, "ms").value > 0);
      byName(`produce ${size}, ${system}: server CPU`, "s");
      byName(`produce ${size}, ${system}: server peak RSS`, "MiB");
    }
    for (const p of ["p50", "p99", "p999"]) byName(`publish-to-ack at 5,000 records/s, ${system}: ${p}`, "ms");
  }
  const echoP99 = byName("ceiling: raw gRPC stream echo (100 B messages, another process) at 5,000/s: p99", "ms");
  assert.ok(echoP99.value > 0, "the echo answered");
  byName("publish-to-ack p99 at 5,000 records/s: tidelog RF 1 acks=1 / raw gRPC echo", "x");
  const peers = ran.filter((s) => !s.startsWith("tidelog"));
  for (const peer of peers) {
    byName(`produce 100 B records: tidelog RF 1 acks=1 / ${peer}`, "x");
    byName(`group consume 1 KiB records: tidelog RF 3 acks=all / ${peer}`, "x");
    byName(`publish-to-ack p99 at 5,000 records/s: tidelog RF 3 acks=all / ${peer}`, "x");
  }
});
