/**
 * The run's summary: what ran, how many operations (acknowledged, failed, indeterminate),
 * the faults by kind, every anomaly class with its count and examples, and the verdict.
 * The same content as JSON (summary.json, `--json`) and as text tables for people; the
 * rows are exported too, so the CLI can draw them in its own style.
 */
import Table from "cli-table3";
import type { AnomalyReport, CheckResult, OpCounts } from "../checkers/result.js";
import type { FaultCounts } from "./fault-log.js";

export interface RunSettings {
  readonly workload: string;
  readonly seconds: number;
  readonly clients: number;
  readonly seed: number;
  readonly nemesis: readonly string[];
  readonly schedule: "random" | "fixed";
  readonly faultMs: number;
  readonly intervalMs: number;
  /** The cluster: "launched" (etcd + brokers started by the run), or the --bootstrap brokers. */
  readonly cluster: string;
}

export interface RunFiles {
  readonly history: string;
  readonly summary: string;
  readonly timeline: string;
  /** Every output line of the processes of a cluster the run launched; absent otherwise. */
  readonly clusterLog?: string;
}

export interface RunSummary {
  readonly workload: string;
  readonly valid: boolean;
  readonly settings: RunSettings;
  readonly elapsedMs: number;
  readonly counts: OpCounts;
  readonly faults: readonly FaultCounts[];
  readonly anomalies: readonly AnomalyReport[];
  readonly stats: Readonly<Record<string, number>>;
  readonly files: RunFiles | null;
}

export function buildSummary(input: {
  readonly settings: RunSettings;
  readonly check: CheckResult;
  readonly faults: readonly FaultCounts[];
  readonly elapsedMs: number;
  readonly files: RunFiles | null;
}): RunSummary {
  const { settings, check, faults, elapsedMs, files } = input;
  return {
    workload: check.workload,
    valid: check.valid,
    settings,
    elapsedMs: Math.round(elapsedMs),
    counts: check.counts,
    faults,
    anomalies: check.anomalies,
    stats: check.stats,
    files,
  };
}

export type Row = readonly (string | number)[];

/** The tables' rows: [label, value] for operations; [kind, done, skipped, failed] for faults; [class, count, verdict, examples] for anomalies. */
export function summaryRows(summary: RunSummary): { operations: Row[]; faults: Row[]; anomalies: Row[] } {
  const c = summary.counts;
  const operations: Row[] = [
    ["operations", c.operations],
    ["acknowledged (ok)", c.acknowledged],
    ["failed", c.failed],
    ["indeterminate (info)", c.indeterminate],
    ...Object.entries(summary.stats).map(([k, v]) => [k, v] as Row),
  ];
  const faults: Row[] = summary.faults.map((f) => [
    f.kind,
    f.done,
    f.skipped === 0 ? 0 : `${f.skipped} (${f.skippedWhy ?? "?"})`,
    f.failed === 0 ? 0 : `${f.failed} (${f.failedWhy ?? "?"})`,
  ]);
  const anomalies: Row[] = summary.anomalies.map((a) => [
    a.name,
    a.count,
    a.error ? (a.count > 0 ? "ANOMALY" : "ok") : "reported",
    a.examples.join("\n") || "-",
  ]);
  return { operations, faults, anomalies };
}

/** A one-line verdict: "VALID: no anomaly in 1234 operations" or "INVALID: lost 2, duplicate 1". */
export function verdictLine(summary: RunSummary): string {
  if (summary.valid)
    return `VALID: no anomaly in ${summary.counts.operations} operations (${summary.workload} workload)`;
  const found = summary.anomalies.filter((a) => a.error && a.count > 0).map((a) => `${a.name} ${a.count}`);
  return `INVALID: ${found.join(", ")} (${summary.workload} workload, ${summary.counts.operations} operations)`;
}

/** The summary as plain text tables (no colour), then the verdict and the files written. */
export function summaryText(summary: RunSummary): string {
  const rows = summaryRows(summary);
  const table = (head: string[], body: Row[]) => {
    const t = new Table({ head, style: { head: [], border: [] } });
    for (const row of body) t.push(row.map(String));
    return t.toString();
  };
  const s = summary.settings;
  const lines = [
    `${s.workload} workload, ${s.seconds} s, ${s.clients} clients, seed ${s.seed}, nemesis ${s.nemesis.join(",") || "none"}` +
      (s.nemesis.length > 0 ? ` (${s.schedule})` : "") +
      `, cluster ${s.cluster}`,
    table(["", "count"], rows.operations),
  ];
  if (rows.faults.length > 0) lines.push(table(["fault", "done", "skipped", "failed"], rows.faults));
  else lines.push("faults: none injected");
  lines.push(table(["anomaly", "count", "verdict", "examples"], rows.anomalies));
  lines.push(verdictLine(summary));
  if (summary.files) {
    lines.push(
      `history:  ${summary.files.history}`,
      `summary:  ${summary.files.summary}`,
      `timeline: ${summary.files.timeline}`,
      ...(summary.files.clusterLog ? [`cluster log: ${summary.files.clusterLog}`] : []),
    );
  }
  return `${lines.join("\n")}\n`;
}
