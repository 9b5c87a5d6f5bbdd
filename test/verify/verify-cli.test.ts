// `tidelog verify`, the command, run in-process as `tidelog` runs it:
//   - --help teaches: the workloads, the fault kinds, the files and exit codes, examples;
//   - bad flags are usage errors (exit 2) before anything starts, and a nemesis with
//     --bootstrap is refused with why;
//   - a real run with nothing but flags: it launches its own cluster (etcd + 3 brokers of
//     this checkout), kills and pauses brokers with the real nemesis, checks the queue
//     workload and prints the summary as one JSON document; exit 0 when valid, with the
//     files it names written, and nothing of the cluster left behind;
//   - Ctrl-C (SIGINT) as a user presses it, in a process of its own: the run ends early,
//     the cluster heals, the run is still checked and summarised, and nothing is left.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { projectRoot } from "../../scripts/bootstrap.mjs";
import { type CliResult, runCli } from "../cli/run-cli.js";

/** Runs `tidelog <argv>` in-process, as main.ts does. */
function tidelog(...argv: string[]): Promise<CliResult> {
  return runCli(argv);
}

describe("tidelog verify", () => {
  test("--help names the workloads, the fault kinds, the files, the exit codes and examples", async () => {
    const r = await tidelog("verify", "--help");
    assert.equal(r.code, 0);
    for (const text of [
      "--workload <name>",
      "--nemesis <kinds>",
      "--schedule <schedule>",
      "--seed <n>",
      "--out <dir>",
      "queue   idempotent",
      "torn (part of a",
      "skipped (an offset committed past",
      "partition-split",
      "timeline.svg",
      "cluster.log",
      "0 valid (no anomaly), 1 an anomaly was found",
      "$ tidelog verify --workload queue --seconds 60 --nemesis kill,pause",
    ]) {
      assert.ok(r.stdout.includes(text), `help lacks ${JSON.stringify(text)}:\n${r.stdout}`);
    }
  });

  test("bad flags are usage errors before anything starts", async () => {
    const cases: [string[], RegExp][] = [
      [["verify"], /required option '--workload <name>' not specified/],
      [["verify", "--workload", "bank"], /'bank' is not a workload \(queue, txn, group\)/],
      [["verify", "--workload", "queue", "--nemesis", "kill,flood"], /'flood' is not a fault kind/],
      [["verify", "--workload", "queue", "--seconds", "0"], /'0' is not a whole number between 1 and/],
      [["verify", "--workload", "queue", "--schedule", "sometimes"], /'sometimes' is not random or fixed/],
      [
        ["--bootstrap", "127.0.0.1:1", "verify", "--workload", "queue", "--nemesis", "kill"],
        /--bootstrap points at a cluster this run did not launch, so it cannot kill, pause or cut off its brokers/,
      ],
    ];
    for (const [argv, message] of cases) {
      const r = await tidelog(...argv);
      assert.equal(r.code, 2, `${argv.join(" ")}: exit ${r.code}, stderr ${r.stderr}`);
      assert.match(r.stderr, message, argv.join(" "));
      assert.equal(r.stdout, "", "a usage error prints nothing on stdout");
    }
  });

  test("a run on a cluster of its own, with kills and pauses: valid, summarised as JSON, files written", async (t) => {
    const out = mkdtempSync(join(tmpdir(), "verify-cli-"));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const r = await tidelog(
      "verify",
      "--workload",
      "queue",
      "--seconds",
      "8",
      "--clients",
      "2",
      "--nemesis",
      "kill,pause",
      "--schedule",
      "fixed",
      "--fault-ms",
      "2000",
      "--interval-ms",
      "1000",
      "--seed",
      "11",
      "--out",
      out,
      "--json",
    );
    assert.equal(r.code, 0, `exit ${r.code}; stderr:\n${r.stderr}\nstdout:\n${r.stdout}`);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.valid, true);
    assert.equal(summary.workload, "queue");
    assert.equal(summary.settings.seed, 11);
    assert.match(summary.settings.cluster, /^launched \(3 brokers\)$/);
    assert.ok(summary.counts.operations > 20, `${summary.counts.operations} operations`);
    // The fixed schedule starts with a kill; how many more fit in 8 s depends on how fast brokers restart.
    const done = Object.fromEntries(summary.faults.map((f: { kind: string; done: number }) => [f.kind, f.done]));
    assert.ok(done.kill >= 1, `faults done: ${JSON.stringify(summary.faults)}`);
    assert.deepEqual(
      summary.faults.filter((f: { kind: string }) => f.kind !== "kill" && f.kind !== "pause"),
      [],
      "only the kinds asked for",
    );
    for (const file of Object.values(summary.files) as string[]) assert.ok(existsSync(file), `${file} missing`);
    assert.deepEqual(JSON.parse(readFileSync(summary.files.summary, "utf8")), summary);
    // The brokers' own account, for analysing an anomaly: every process line of the run.
    // Every line carries the run's time in seconds, the history's clock.
    assert.match(readFileSync(summary.files.clusterLog, "utf8"), /^ +\d+\.\d{3} \[broker-\d\].*broker started/m);
    // Not a terminal: the progress is one line per phase, on stderr.
    assert.match(
      r.stderr,
      /verify: queue workload for 8 s, 2 clients, seed 11, nemesis kill,pause, launching 3 brokers/,
    );
    assert.match(r.stderr, /^running at \d+ s: /m);
    assert.match(r.stderr, /^done at \d+ s: \d+ ops, [1-9]\d* faults$/m);
  });

  test("Ctrl-C ends the run early and it is still checked and summarised; a launched cluster is cleaned up", async (t) => {
    const out = mkdtempSync(join(tmpdir(), "verify-cli-int-"));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=tidelog-source",
        join(projectRoot(), "clients", "cli", "src", "main.ts"),
        "verify",
        "--workload",
        "queue",
        "--seconds",
        "300",
        "--clients",
        "2",
        "--nemesis",
        "none",
        "--out",
        out,
        "--json",
      ],
      { cwd: projectRoot(), stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      // Interrupted once it is running, as a user watching the progress would.
      if (/^running at /m.test(stderr) && child.exitCode === null && !child.killed) child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    assert.equal(code, 0, `exit ${code}; stderr:\n${stderr}`);
    assert.match(stderr, /interrupted: ending the workload/);
    const summary = JSON.parse(stdout);
    assert.equal(summary.valid, true);
    assert.ok(summary.elapsedMs < 120_000, `ended early: ${summary.elapsedMs} ms`);
    assert.ok(summary.counts.operations > 0, "it ran before the interrupt");
    const runDir = /run directory (\S+)/.exec(readFileSync(summary.files.clusterLog, "utf8"))?.[1];
    assert.ok(runDir, "cluster.log names the run directory");
    assert.equal(existsSync(runDir), false, `${runDir} removed: ${existsSync(runDir) ? readdirSync(runDir) : ""}`);
  });
});
