/**
 * The directory a launched cluster lives in, and the sweep of what killed runs left.
 *
 *   $TMPDIR/tidelog-verify-<pid>-XXXXXX/
 *     etcd/                  etcd's data
 *     broker-1/              broker 1's log.dirs (or broker-1-disk/data on a tmpfs)
 *     clock/broker-1         broker 1's libfaketime timestamp file
 *
 * The owner's pid is in the name: a run killed with SIGKILL cannot clean up, so each launch
 * first looks for run directories whose owner is gone and removes them with what they hold
 * — processes still running on them (brokers, etcd: their command lines name the
 * directory), tmpfs mounts inside — before it creates its own. Network namespaces have a
 * sweep of their own (network.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unmountTmpfsSync } from "./tmpfs.js";

const RUN_PREFIX = "tidelog-verify-";
const RUN_PATTERN = /^tidelog-verify-(\d+)-/;

/** A fresh run directory owned by this process. */
export function createRunDir(): string {
  return mkdtempSync(join(tmpdir(), `${RUN_PREFIX}${process.pid}-`));
}

/** Whether a process with this pid exists and is not a zombie. Linux only. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Mount points at or under `dir`, deepest first (from /proc/self/mounts). */
export function mountsUnder(dir: string): string[] {
  let table = "";
  try {
    table = readFileSync("/proc/self/mounts", "utf8");
  } catch {
    return [];
  }
  return table
    .split("\n")
    .map((line) => (line.split(" ")[1] ?? "").replace(/\\040/g, " "))
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** Pids of processes whose command line mentions `dir`. */
function processesOn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(dir)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** Removes what a run left: its processes (SIGKILL), its mounts, its directory. Never throws. */
export function removeRun(dir: string): void {
  for (const pid of processesOn(dir)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  for (const point of mountsUnder(dir)) unmountTmpfsSync(point);
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // A lazy unmount still busy: the next sweep tries again.
  }
}

/** Removes the run directories of owners that are gone. Returns their names. */
export function sweepAbandonedRuns(): string[] {
  if (process.platform !== "linux") return [];
  const swept: string[] = [];
  for (const name of readdirSync(tmpdir())) {
    const owner = RUN_PATTERN.exec(name);
    if (!owner || isAlive(Number(owner[1]))) continue;
    removeRun(join(tmpdir(), name));
    swept.push(name);
  }
  return swept;
}
