/**
 * `tidelog verify`: a Jepsen-style run, its engine in @tidelog/verify (runVerify). A
 * workload (queue, txn, group) drives a cluster while a nemesis breaks it, then a checker
 * judges what was read back. Launches its own cluster (etcd + brokers of this checkout)
 * unless given --bootstrap, where only client-side runs are possible (no nemesis).
 *
 * Prints a live progress line on stderr when it is a terminal (phase lines otherwise),
 * then the summary: operations, faults by kind, each anomaly class with its count and
 * examples, the verdict, and the files written (history.jsonl, summary.json,
 * timeline.svg). Exit status: 0 valid, 1 an anomaly found, 2 usage error, 3 no verdict
 * (the cluster could not be launched, reached or settled).
 *
 * Ctrl-C ends the workload early; the nemesis still heals, and the run is still checked.
 * A second Ctrl-C ends the process (the launched cluster's processes go with it).
 */

import { join } from "node:path";
import { InvalidArgumentError } from "@commander-js/extra-typings";
import {
  CheckoutNotFoundError,
  FAULT_KINDS,
  type FaultKind,
  isVerifyError,
  isWorkloadName,
  LocalClusterUnsupportedError,
  type RunSummary,
  runVerify,
  summaryRows,
  type VerifyProgress,
  verdictLine,
  WORKLOAD_NAMES,
  type WorkloadName,
} from "@tidelog/verify";
import { parseNonNegativeInt, parsePositiveInt } from "../args.js";
import { ExitCode, UsageError } from "../exit-codes.js";
import { type CliIo, onInterruptGentlyOnce } from "../io.js";
import type { Output } from "../output.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";

const SECONDS_MAX = 7 * 24 * 3600;
const CLIENTS_MAX = 64;
const BROKERS_MAX = 16;
const FAULT_MS_MAX = 3_600_000;
const DEFAULT_NEMESIS: readonly FaultKind[] = ["kill", "pause"];

export function parseWorkload(value: string): WorkloadName {
  if (!isWorkloadName(value))
    throw new InvalidArgumentError(`'${value}' is not a workload (${WORKLOAD_NAMES.join(", ")}).`);
  return value;
}

/** "kill,pause", "all" or "none". */
export function parseNemesis(value: string): FaultKind[] {
  if (value === "none") return [];
  if (value === "all") return [...FAULT_KINDS];
  const kinds = value.split(",").map((k) => k.trim());
  for (const kind of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
      throw new InvalidArgumentError(`'${kind}' is not a fault kind (${FAULT_KINDS.join(", ")}, or all, or none).`);
    }
  }
  return [...new Set(kinds as FaultKind[])];
}

function parseSchedule(value: string): "random" | "fixed" {
  if (value !== "random" && value !== "fixed") throw new InvalidArgumentError(`'${value}' is not random or fixed.`);
  return value;
}

function stamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

const HELP = `
Workloads (--clients processes each):
  queue   idempotent acks=all producers send unique values; after the faults heal,
          every partition is read back from its start. Anomalies: lost (acknowledged,
          not read back), duplicate, offset-conflict (two values at one offset),
          offset-order, producer-order, misplaced (acknowledged offset != stored offset),
          phantom. Failed or indeterminate sends that show up are "recovered", not errors.
  txn     transactional producers write one record to each of 2-3 partitions per
          transaction and commit (80%) or abort; 2 read_committed readers poll all
          along; a final read_committed read. Anomalies: aborted-read, torn (part of a
          committed or indeterminate transaction visible without the rest), lost-commit,
          duplicate, phantom.
  group   one producer and --clients members of a consumer group that process, commit,
          leave and crash (leave without committing) all the time; the members drain
          the topic at the end. Anomalies: skipped (an offset committed past a record no
          member had processed), unprocessed. Re-deliveries are counted, not errors.

Nemesis (--nemesis, comma-separated; "all"; "none"):
  kill, pause                        kill -9 / SIGSTOP a broker (leader, controller,
                                     transaction coordinator or any), then restart / SIGCONT
  etcd-kill, etcd-pause              the same to etcd
  partition-leader, partition-etcd,  network partitions: each broker and etcd in its own
  partition-split                    network namespace (needs root and iproute2)
  disk-full                          a broker's data directory (a tmpfs) filled (needs root)
  clock-jump                         a broker's clock jumped an hour (needs faketime)
  torn-tail                          a killed broker's active segment truncated mid-batch
  One fault at a time: --interval-ms of quiet, then a fault held --fault-ms. "random"
  draws kinds and targets from --seed; "fixed" takes the kinds in order. Default
  ${DEFAULT_NEMESIS.join(",")} on a cluster the run launches; with --bootstrap only none.

Cluster: without --bootstrap, the run launches etcd and --brokers brokers of this
checkout (with short session timeouts, so faults show in seconds) and removes them at
the end. --bootstrap points it at a running cluster instead, which it cannot break (no
nemesis there). TIDELOG_BOOTSTRAP and .tidelog/cluster.json are not used: a run never
touches a cluster it was not pointed at with the flag.

Output: a live progress line on stderr (on a terminal), then the summary tables (or one
JSON document with --json) and the files written to --out (default
./tidelog-verify/<workload>-<time>):
  history.jsonl  every operation, Jepsen style (invoke, then ok / fail / info)
  summary.json   the summary, as --json prints it
  timeline.svg   throughput and latency per second, fault windows shaded
  cluster.log    every line etcd and the brokers logged (a cluster the run launched)
Re-check a saved history with the API: checkHistoryFile(path, workload).

Exit codes: 0 valid (no anomaly), 1 an anomaly was found, 2 usage error, 3 no verdict
(the cluster could not be launched, reached, or did not settle after the run).

Examples:
  $ tidelog verify --workload queue --seconds 60 --nemesis kill,pause
  $ tidelog verify --workload txn --seconds 120 --clients 6 --nemesis all --schedule fixed --seed 42
  $ tidelog verify --workload group --seconds 30 --nemesis kill --out /tmp/group-run
  $ tidelog --bootstrap 10.0.0.5:9092 verify --workload queue --seconds 30 --nemesis none --json`;

interface VerifyFlags {
  readonly workload: WorkloadName;
  readonly seconds: number;
  readonly clients: number;
  readonly nemesis?: FaultKind[];
  readonly schedule: "random" | "fixed";
  readonly seed?: number;
  readonly faultMs: number;
  readonly intervalMs: number;
  readonly brokers: number;
  readonly out?: string;
}

export function registerVerifyCommand(program: Program, session: Session): void {
  program
    .command("verify")
    .description(
      "Run a Jepsen-style check: a workload drives a cluster while a nemesis injects faults, then a checker proves (or refutes) what was read back.",
    )
    .requiredOption("--workload <name>", `what to run: ${WORKLOAD_NAMES.join(", ")}`, parseWorkload)
    .option("--seconds <n>", "how long the workload runs", (v) => parsePositiveInt(v, SECONDS_MAX), 30)
    .option("--clients <n>", "client processes (see Workloads)", (v) => parsePositiveInt(v, CLIENTS_MAX), 4)
    .option(
      "--nemesis <kinds>",
      `faults to inject: kinds, comma-separated, or all, or none (default: ${DEFAULT_NEMESIS.join(",")}; none with --bootstrap)`,
      parseNemesis,
    )
    .option(
      "--schedule <schedule>",
      "random (drawn from the seed) or fixed (kinds in order)",
      parseSchedule,
      "random" as const,
    )
    .option("--seed <n>", "seed of the workload's and nemesis's choices (default: drawn, and printed)", (v) =>
      parseNonNegativeInt(v),
    )
    .option("--fault-ms <ms>", "how long each fault holds", (v) => parsePositiveInt(v, FAULT_MS_MAX), 4000)
    .option("--interval-ms <ms>", "quiet time between faults", (v) => parsePositiveInt(v, FAULT_MS_MAX), 4000)
    .option("--brokers <n>", "brokers of the cluster the run launches", (v) => parsePositiveInt(v, BROKERS_MAX), 3)
    .option("--out <dir>", "where history.jsonl, summary.json, timeline.svg and cluster.log go")
    .addHelpText("after", HELP)
    .action(async (flags, command) => {
      const globals = command.optsWithGlobals();
      const output = session.begin(globals);
      session.exitCode = await verify(session.io, output, flags, globals.bootstrap);
    });
}

async function verify(io: CliIo, output: Output, flags: VerifyFlags, bootstrap: string | undefined): Promise<ExitCode> {
  const nemesis = flags.nemesis ?? (bootstrap ? [] : [...DEFAULT_NEMESIS]);
  if (bootstrap && nemesis.length > 0) {
    throw new UsageError(
      `--bootstrap points at a cluster this run did not launch, so it cannot kill, pause or cut off its brokers: use --nemesis none, or leave --bootstrap out to let the run launch its own cluster`,
    );
  }
  const seed = flags.seed ?? Math.floor(Math.random() * 2 ** 31);
  const outDir = flags.out ?? join(io.cwd, "tidelog-verify", `${flags.workload}-${stamp(new Date())}`);
  const progress = new ProgressLine(io);
  const interrupt = new AbortController();
  const uninstall = onInterruptGentlyOnce(io, () => {
    progress.note(
      "interrupted: ending the workload; the nemesis heals and the run is still checked (Ctrl-C again to quit)",
    );
    interrupt.abort();
  });
  progress.note(
    `verify: ${flags.workload} workload for ${flags.seconds} s, ${flags.clients} clients, seed ${seed}, nemesis ${nemesis.join(",") || "none"}` +
      `${bootstrap ? `, cluster ${bootstrap}` : `, launching ${flags.brokers} brokers`}; writing to ${outDir}`,
  );
  let summary: RunSummary;
  try {
    const result = await runVerify({
      workload: flags.workload,
      seconds: flags.seconds,
      clients: flags.clients,
      seed,
      outDir,
      ...(bootstrap ? { bootstrap } : { launch: { brokers: flags.brokers } }),
      ...(nemesis.length > 0
        ? {
            nemesis: {
              kinds: nemesis,
              schedule: flags.schedule,
              seed,
              faultMs: flags.faultMs,
              intervalMs: flags.intervalMs,
            },
          }
        : {}),
      onProgress: (p) => progress.update(p),
      signal: interrupt.signal,
    });
    summary = result.summary;
  } catch (e) {
    progress.clear();
    if (isVerifyError(e, "INVALID_OPTION"))
      throw new UsageError(e.message.replace(/^INVALID_OPTION: /, ""), { cause: e });
    if (isVerifyError(e) || e instanceof LocalClusterUnsupportedError || e instanceof CheckoutNotFoundError) {
      io.stderr.write(`error: no verdict: ${e.message}\n`);
      return ExitCode.unreachable;
    }
    throw e;
  } finally {
    uninstall();
    progress.clear();
  }
  printSummary(output, summary);
  return summary.valid ? ExitCode.ok : ExitCode.clusterError;
}

function printSummary(output: Output, summary: RunSummary): void {
  if (output.json) {
    output.document(summary);
    return;
  }
  const rows = summaryRows(summary);
  output.table(["", "count"], rows.operations);
  if (rows.faults.length > 0) output.table(["fault", "done", "skipped", "failed"], rows.faults);
  else output.line("faults: none injected");
  output.table(["anomaly", "count", "verdict", "examples"], rows.anomalies);
  output.line(verdictLine(summary));
  if (summary.files) {
    output.line(`history:  ${summary.files.history}`);
    output.line(`summary:  ${summary.files.summary}`);
    output.line(`timeline: ${summary.files.timeline}`);
    if (summary.files.clusterLog) output.line(`cluster log: ${summary.files.clusterLog}`);
  }
}

/** The live line on a terminal ("\r" rewrites it); on anything else, one line per phase. */
class ProgressLine {
  private shown = false;
  private lastPhase = "";

  constructor(private readonly io: CliIo) {}

  private get tty(): boolean {
    return this.io.stderr.isTTY === true;
  }

  update(p: VerifyProgress): void {
    const s = (p.elapsedMs / 1000).toFixed(0);
    if (this.tty) {
      const fault = p.faultNow ? `, now: ${p.faultNow}` : "";
      this.io.stderr.write(
        `\r\x1b[2K${p.phase} ${s} s: ${p.operations} ops (${p.ok} ok, ${p.fail} failed, ${p.info} indeterminate), ${p.faults} faults${fault}`,
      );
      this.shown = true;
    } else if (p.phase !== this.lastPhase) {
      this.io.stderr.write(`${p.phase} at ${s} s: ${p.operations} ops, ${p.faults} faults\n`);
    }
    this.lastPhase = p.phase;
  }

  note(text: string): void {
    this.clear();
    this.io.stderr.write(`${text}\n`);
  }

  clear(): void {
    if (this.shown) this.io.stderr.write("\r\x1b[2K");
    this.shown = false;
  }
}
