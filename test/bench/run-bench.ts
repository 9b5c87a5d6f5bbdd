// Runs `npm run bench -- <suite> --quick --json` as a user would (through scripts/bench.mjs,
// in a child process) and returns its JSON report; a run past `timeoutMs` is stopped.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { BenchReport } from "../../bench/lib/report.js";
import { projectRoot } from "../../scripts/bootstrap.mjs";

export async function runQuickBench(
  suite: string,
  timeoutMs: number,
  env: Readonly<Record<string, string>> = {},
): Promise<BenchReport> {
  const child = spawn(process.execPath, [join(projectRoot(), "scripts", "bench.mjs"), suite, "--quick", "--json"], {
    cwd: projectRoot(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  assert.equal(code, 0, `bench ${suite} exited with ${code}; stderr:\n${stderr.slice(-4000)}`);
  return JSON.parse(stdout) as BenchReport;
}
