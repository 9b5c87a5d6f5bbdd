/**
 * The one shape every benchmark reports in, so `npm run bench -- <suite> --json` output
 * can be compared across runs and suites: a `results` array of rows, each with a name,
 * a value and a unit, and where a target applies, the target and whether it was met.
 * Ratios against a baseline measured in the same run are rows of their own (unit "x").
 */

export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The goal for this row, in the same unit; `met` compares against it. */
  readonly target?: number;
  /** true when value >= target (or <= for rows where lower is better). */
  readonly met?: boolean;
  readonly note?: string;
}

export interface BenchReport {
  readonly suite: string;
  readonly startedAt: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memGiB: number;
    readonly node: string;
    /** Share of the machine's CPU time stolen by the hypervisor during the run (null: unknown). */
    readonly stealFraction?: number | null;
  };
  readonly results: readonly BenchRow[];
}

export function row(name: string, value: number, unit: string, extra: Partial<BenchRow> = {}): BenchRow {
  return { name, value, unit, ...extra };
}

/** A row with a target that higher values meet. */
export function targetRow(name: string, value: number, unit: string, target: number, note?: string): BenchRow {
  return { name, value, unit, target, met: value >= target, ...(note ? { note } : {}) };
}

/** A row with a target that lower values meet (latency). */
export function ceilingRow(name: string, value: number, unit: string, target: number, note?: string): BenchRow {
  return { name, value, unit, target, met: value <= target, ...(note ? { note } : {}) };
}

function formatValue(v: number): string {
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(3);
}

export function formatTable(report: BenchReport): string {
  const lines = [
    `${report.suite} benchmark, ${report.startedAt}, ${report.machine.cpus} x ${report.machine.cpuModel}, node ${report.machine.node}`,
  ];
  const steal = report.machine.stealFraction;
  if (steal !== undefined && steal !== null) {
    lines.push(`CPU stolen by the hypervisor during the run: ${(steal * 100).toFixed(1)}% (figures drift with it)`);
  }
  const header = ["name", "value", "unit", "target", "met"];
  const rows = report.results.map((r) => [
    r.name,
    formatValue(r.value),
    r.unit,
    r.target === undefined ? "" : formatValue(r.target),
    r.met === undefined ? "" : r.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("  ");
  lines.push(fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(fmt));
  for (const r of report.results) if (r.note) lines.push(`  ${r.name}: ${r.note}`);
  return lines.join("\n");
}

/** Runs `fn` repeatedly for at least `minMs` and returns operations per second. */
export function opsPerSecond(fn: () => number, minMs: number): number {
  let ops = 0;
  const start = process.hrtime.bigint();
  let elapsedNs = 0n;
  while (elapsedNs < BigInt(minMs) * 1_000_000n) {
    ops += fn();
    elapsedNs = process.hrtime.bigint() - start;
  }
  return ops / (Number(elapsedNs) / 1e9);
}
