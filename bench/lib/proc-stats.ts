/**
 * CPU time and peak memory of server processes, read from /proc (Linux only), so a
 * benchmark can say what each system spent to move its records, not only how fast.
 *
 *   const before = cpuSeconds(pid);  ...work...  const spent = cpuSeconds(pid) - before;
 *
 * Peak RSS is the kernel's high-water mark (VmHWM); `resetPeakRss` lowers it to the current
 * RSS so a peak can be taken per workload rather than over the process's whole life.
 */
import { readFileSync, writeFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux port Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** User plus system CPU seconds the process has used so far (its own threads, not children). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc/${pid}/stat`);
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}

/** The process's peak resident set size in bytes (VmHWM). */
export function peakRssBytes(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match?.[1]) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Resets VmHWM to the current RSS; false when the kernel does not allow it (then peaks are lifetime peaks). */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds and peak RSS of a set of processes over one piece of work, summed over the set. */
export interface ProcessCost {
  readonly cpuSeconds: number;
  /** Sum of each process's own peak: an upper bound on the peak of the sum. */
  readonly peakRssBytes: number;
  /** Whether the peaks are this work's own (false: peaks since each process started). */
  readonly peakIsPerWork: boolean;
}

/** Starts measuring `pids`; call the result when the work is done. */
export function measureProcesses(pids: readonly number[]): () => ProcessCost {
  const peakIsPerWork = pids.map(resetPeakRss).every(Boolean);
  const before = pids.map(cpuSeconds);
  return () => ({
    cpuSeconds: pids.reduce((sum, pid, i) => sum + cpuSeconds(pid) - (before[i] ?? 0), 0),
    peakRssBytes: pids.reduce((sum, pid) => sum + peakRssBytes(pid), 0),
    peakIsPerWork,
  });
}

/** The machine's CPU time since boot, in clock ticks, from the first line of /proc/stat. */
interface MachineTicks {
  readonly total: number;
  readonly steal: number;
}

function machineTicks(): MachineTicks {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is in user)
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 8 || fields.some((f) => !Number.isFinite(f))) throw new Error("unreadable /proc/stat");
  return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
}

/**
 * Starts measuring the share of CPU time the hypervisor gave to other guests ("steal"):
 * on a shared virtual machine it is the largest source of run-to-run drift, so a report
 * states it beside the figures. Null where /proc/stat cannot be read.
 */
export function measureSteal(): () => number | null {
  let start: MachineTicks;
  try {
    start = machineTicks();
  } catch {
    return () => null;
  }
  return () => {
    const now = machineTicks();
    const total = now.total - start.total;
    return total > 0 ? (now.steal - start.steal) / total : null;
  };
}
