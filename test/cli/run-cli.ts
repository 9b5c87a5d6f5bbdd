/**
 * Runs `tidelog <args>` in-process, as the installed command does (main.ts's `run`), and
 * returns its exit code and what it printed. No environment, and a working directory with
 * no .tidelog/cluster.json, so only the arguments choose the cluster.
 */
import { tmpdir } from "node:os";
import type { CliIo } from "../../clients/cli/src/io.js";
import { run } from "../../clients/cli/src/main.js";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(args: readonly string[], io: Partial<CliIo> = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: tmpdir(),
    ...io,
  });
  return { code, stdout, stderr };
}
