// Short real runs of each `tidelog verify` workload against one 3-broker test cluster
// (real etcd and broker processes, from scripts/harness/cluster.ts), through runVerify, the
// engine the CLI uses. Each proves that operations happened, that the run wrote its
// history, summary and timeline, and that the checker found the run valid:
//   - queue, with a broker killed and restarted mid-run by a tiny nemesis of this test
//     (the real nemesis needs a cluster the verifier launched; the CLI test runs that);
//   - txn, with read_committed readers and a final read_committed read;
//   - group, with members joining, leaving and crashing.
// And a negative control on a real run: the queue run's history, with one acknowledged
// record taken out of its final read, must be judged invalid (lost).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  type CheckResult,
  type ClusterUnderTest,
  checkHistoryFile,
  FAULT_FRIENDLY_BROKER_CONFIG,
  type FaultRecord,
  type LocalClusterControl,
  type Op,
  type RunningNemesis,
  runVerify,
  type StartNemesis,
  type VerifyProgress,
  type VerifyResult,
  type WorkloadName,
} from "@tidelog/verify";
import { type ClusterHandle, createScope, startCluster } from "../../scripts/harness/cluster.js";

const SECONDS = 6;

/** What a run must show whatever the workload: operations done, acknowledged, files written, valid. */
function assertValidRun(result: VerifyResult, functions: readonly string[]): void {
  const { check, files } = result;
  const anomalies = check.anomalies.filter((a) => a.error && a.count > 0);
  assert.deepEqual(anomalies, [], `anomalies in a run that should be clean: ${JSON.stringify(anomalies, null, 2)}`);
  assert.equal(result.valid, true);
  assert.ok(check.counts.operations > 20, `only ${check.counts.operations} operations`);
  assert.ok(check.counts.acknowledged > 10, `only ${check.counts.acknowledged} acknowledged`);
  for (const f of functions) assert.ok((check.counts.byFunction[f]?.ok ?? 0) > 0, `no ${f} acknowledged`);
  assert.ok((check.counts.byFunction["final-read"]?.ok ?? 0) > 0, "no final read");
  for (const path of [files.history, files.summary, files.timeline]) assert.ok(existsSync(path), `${path} missing`);
  const summary = JSON.parse(readFileSync(files.summary, "utf8"));
  assert.equal(summary.valid, true);
  assert.equal(summary.counts.operations, check.counts.operations);
  assert.match(readFileSync(files.timeline, "utf8"), /^<svg [^>]*>[\s\S]*<\/svg>\n$/);
}

describe("verify workloads on a real cluster", () => {
  const scope = createScope();
  let c: ClusterHandle;
  let cluster: ClusterUnderTest;
  const outDirs: string[] = [];
  const outDir = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `verify-${name}-`));
    outDirs.push(dir);
    return dir;
  };

  before(async () => {
    c = await startCluster(scope, { brokers: 3, brokerConfig: FAULT_FRIENDLY_BROKER_CONFIG });
    cluster = { bootstrap: c.bootstrap, brokerIds: [1, 2, 3], faults: new Set(), close: async () => {} };
  });

  after(async () => {
    await scope.close();
    for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
  });

  const run = (workload: WorkloadName, extra: Partial<Parameters<typeof runVerify>[0]> = {}) => {
    const progress: VerifyProgress[] = [];
    const result = runVerify({
      workload,
      seconds: SECONDS,
      clients: 3,
      seed: 7,
      cluster,
      outDir: outDir(workload),
      onProgress: (p) => progress.push(p),
      ...extra,
    });
    return { result, progress };
  };

  let queueRun: VerifyResult;

  test("queue: idempotent producers through a broker kill; nothing lost, duplicated or reordered", async () => {
    // A broker killed 1.5 s in and restarted 2.5 s later, recorded as the real nemesis records faults.
    const killer: StartNemesis = (options) => {
      const records: FaultRecord[] = [];
      const done = (async () => {
        await new Promise((r) => setTimeout(r, 1500));
        const fault: FaultRecord = { kind: "kill", target: "broker 2", startMs: options.nowMs(), endMs: null };
        await c.broker(2).kill();
        options.onFault?.({ ...fault });
        await new Promise((r) => setTimeout(r, 2500));
        await c.broker(2).restart();
        fault.endMs = options.nowMs();
        options.onFault?.({ ...fault });
        records.push(fault);
      })();
      const nemesis: RunningNemesis = {
        stop: async () => {
          await done;
          return records;
        },
      };
      return nemesis;
    };
    // The runner starts a nemesis only on a cluster it can break: this one says it can kill.
    const breakable = { ...cluster, killBroker: async () => {} } as unknown as LocalClusterControl;
    const { result, progress } = run("queue", {
      cluster: breakable,
      startNemesis: killer,
      nemesis: { kinds: ["kill"] },
    });
    queueRun = await result;
    assertValidRun(queueRun, ["send"]);
    assert.deepEqual(
      queueRun.summary.faults.map((f) => [f.kind, f.done]),
      [["kill", 1]],
    );
    assert.match(readFileSync(queueRun.files.timeline, "utf8"), /<title>kill broker 2: /);
    assert.ok(queueRun.check.stats.recordsRead! >= queueRun.check.counts.acknowledged);
    const phases = [...new Set(progress.map((p) => p.phase))];
    assert.deepEqual(phases, ["launching", "setup", "running", "healing", "final", "checking", "done"]);
    assert.ok(
      progress.some((p) => p.faults === 1 && p.faultNow === "kill broker 2"),
      "the live line named the fault",
    );
  });

  test("negative control: the same run's history with one acknowledged record dropped from the final read is invalid", async (t) => {
    assert.ok(queueRun, "needs the queue run above");
    const ops: Op[] = readFileSync(queueRun.files.history, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const acked = ops.find((op) => op.f === "send" && op.type === "ok") as Op & { value: { v: string } };
    let dropped = 0;
    const doctored = ops.map((op) => {
      if (op.f !== "final-read" || op.type !== "ok") return op;
      const value = op.value as { records: [number, string][] };
      const records = value.records.filter(([, v]) => v !== acked.value.v);
      dropped += value.records.length - records.length;
      return { ...op, value: { ...value, records } };
    });
    assert.equal(dropped, 1);
    const dir = outDir("doctored");
    const path = join(dir, "history.jsonl");
    writeFileSync(path, `${doctored.map((op) => JSON.stringify(op)).join("\n")}\n`);
    t.diagnostic(`dropped ${acked.value.v} from the final read`);
    const { check }: { check: CheckResult } = await checkHistoryFile(path, "queue");
    assert.equal(check.valid, false);
    const lost = check.anomalies.find((a) => a.name === "lost")!;
    assert.equal(lost.count, 1);
    assert.match(lost.examples[0]!, new RegExp(`^${acked.value.v} acknowledged at partition`));
    // The untouched history, read back the same way, is still valid.
    assert.equal((await checkHistoryFile(queueRun.files.history, "queue")).check.valid, true);
  });

  test("txn: transactions committed and aborted, read_committed readers; no aborted read, torn or lost commit", async () => {
    const result = await run("txn").result;
    assertValidRun(result, ["txn", "poll"]);
    assert.ok(result.check.stats.committed! > 0, "nothing committed");
    assert.ok(result.check.stats.aborted! > 0, "nothing aborted");
  });

  test("group: members join, leave and crash; no commit past unprocessed records, every record processed", async () => {
    const result = await run("group", { seconds: 8 }).result;
    assertValidRun(result, ["send", "poll", "commit"]);
    assert.ok(result.check.stats.processedRecords! > 0);
    assert.ok((result.check.counts.byFunction.join?.ok ?? 0) > 3, "members joined more than once each");
  });
});
