/**
 * `runVerify`: one Jepsen-style run, start to verdict.
 *
 *   1. check the options (INVALID_OPTION before anything starts);
 *   2. the cluster: the one given, or one for `bootstrap` (no faults), or a LocalCluster
 *      launched with what the asked-for faults need (network namespaces for partitions,
 *      a tmpfs for disk-full, libfaketime for clock jumps) and fault-friendly timeouts;
 *   3. the workload's topics; then the workload's processes and the nemesis together,
 *      for `seconds`;
 *   4. stop: the nemesis heals (ends the fault in progress), the processes finish their
 *      last op; then the workload's final phase (settle, drain, final reads);
 *   5. the verdict: the checker, the timeline and the fault log have watched every op as
 *      it was recorded, so nothing is read back; history.jsonl, summary.json and
 *      timeline.svg are written to `outDir`.
 *
 * The cluster is closed at the end if the run launched it, whatever happened. Failures of
 * the cluster under test are never exceptions here: they are ops in the history. What
 * throws is a bad option (INVALID_OPTION), a cluster that would not launch, or one that
 * did not settle after the run (CLUSTER_SETTLE), when no verdict is possible.
 */
import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { Client } from "@tidelog/client";
import { compareReplicaLogs, type ReplicaLogReport, replicaDivergenceReport } from "./checkers/replica-logs.js";
import type { CheckResult } from "./checkers/result.js";
import { launchLocalCluster } from "./cluster/local-cluster.js";
import type {
  ClusterUnderTest,
  FaultKind,
  FaultRecord,
  LocalClusterControl,
  LocalClusterOptions,
} from "./cluster/types.js";
import { VerifyError } from "./errors.js";
import { HistoryFile, HistoryRecorder, type Op, runClock } from "./history.js";
import { checkLimits, LIMITS } from "./limits.js";
import { FAULT_KINDS, startNemesis as realStartNemesis } from "./nemesis/nemesis.js";
import type { RunningNemesis, StartNemesis } from "./nemesis/types.js";
import { Random } from "./random.js";
import { FaultLog } from "./report/fault-log.js";
import { buildSummary, type RunFiles, type RunSettings, type RunSummary } from "./report/summary.js";
import { TimelineRecorder } from "./report/timeline.js";
import { renderTimelineSvg } from "./report/timeline-svg.js";
import { GroupWorkload } from "./workloads/group.js";
import { QueueWorkload } from "./workloads/queue.js";
import { TxnWorkload } from "./workloads/txn.js";
import {
  isWorkloadName,
  WORKLOAD_NAMES,
  type Workload,
  type WorkloadContext,
  type WorkloadName,
} from "./workloads/workload.js";

export type RunPhase = "launching" | "setup" | "running" | "healing" | "final" | "checking" | "done";

/** What the progress callback is told, every LIMITS.progressIntervalMs and at each phase change. */
export interface VerifyProgress {
  readonly phase: RunPhase;
  readonly elapsedMs: number;
  /** Operations invoked so far, and completions by type. */
  readonly operations: number;
  readonly ok: number;
  readonly fail: number;
  readonly info: number;
  /** Faults started so far (skipped ones not counted), and the one in progress, if any. */
  readonly faults: number;
  readonly faultNow: string | null;
}

export interface NemesisSettings {
  readonly kinds: readonly FaultKind[];
  /** Default "random". */
  readonly schedule?: "random" | "fixed";
  /** Default: the run's seed. */
  readonly seed?: number;
  /** Quiet time between faults; default 4000. */
  readonly intervalMs?: number;
  /** How long a fault holds; default 4000. */
  readonly faultMs?: number;
}

export interface VerifyOptions {
  readonly workload: WorkloadName;
  readonly seconds: number;
  /** Client processes (default 4); see each workload for what they are. */
  readonly clients?: number;
  /** Seeds the workload's choices (and the nemesis's, unless it has its own); default 1. */
  readonly seed?: number;
  /** Where history.jsonl, summary.json and timeline.svg go (created if missing). */
  readonly outDir: string;
  /** A cluster to run against (not closed by the run). A LocalClusterControl can take faults. */
  readonly cluster?: ClusterUnderTest;
  /** Brokers of a cluster reached from outside ("host:port,..."): client-side only, no faults. */
  readonly bootstrap?: string;
  /** How to launch a cluster when neither `cluster` nor `bootstrap` is given (brokers, config). */
  readonly launch?: Omit<LocalClusterOptions, "network" | "tmpfsMiB" | "fakeClock">;
  readonly nemesis?: NemesisSettings;
  readonly onProgress?: (progress: VerifyProgress) => void;
  /** Aborting it ends the workload early; the nemesis still heals and the final phase and checks still run. */
  readonly signal?: AbortSignal;
  /** Lines about what the run is doing (launch, final phase); default nowhere. */
  readonly log?: (line: string) => void;
  /** Seams for tests: the nemesis and the launcher. */
  readonly startNemesis?: StartNemesis;
  readonly launchCluster?: (options: LocalClusterOptions) => Promise<LocalClusterControl>;
}

export interface VerifyResult {
  readonly valid: boolean;
  readonly summary: RunSummary;
  readonly check: CheckResult;
  readonly faults: readonly FaultRecord[];
  readonly files: RunFiles;
}

/** Broker settings for a launched cluster: dead or frozen brokers lose leaderships in seconds, not Kafka's tens. */
export const FAULT_FRIENDLY_BROKER_CONFIG: Readonly<Record<string, string>> = {
  "broker.session.timeout.ms": "3000",
  "controller.session.timeout.ms": "3000",
  "replica.lag.time.max.ms": "2000",
  "replica.fetch.wait.max.ms": "200",
  "group.consumer.heartbeat.interval.ms": "500",
  "offsets.topic.num.partitions": "6",
  "transaction.state.log.num.partitions": "6",
  "transaction.abort.timed.out.transaction.cleanup.interval.ms": "1000",
};

const PARTITION_KINDS: ReadonlySet<FaultKind> = new Set(["partition-leader", "partition-etcd", "partition-split"]);
/**
 * A tmpfs for disk-full, sized to the run: 256 MiB plus 1 MiB per second of workload, at
 * most 4 GiB per broker. The nemesis fills whatever is left, so the size only decides
 * whether the workload's own data fits. A fixed 256 MiB filled up by itself 13 minutes
 * into a 25-minute queue run (about 0.33 MiB/s per broker at 64 clients): every broker's
 * log then failed for good and the run ended with no verdict (docs/verification.md).
 */
export function diskFullTmpfsMiB(seconds: number): number {
  return Math.min(4096, 256 + Math.ceil(seconds));
}
const DEFAULT_FAULT_MS = 4000;
const DEFAULT_INTERVAL_MS = 4000;

interface CheckedOptions {
  readonly workload: WorkloadName;
  readonly seconds: number;
  readonly clients: number;
  readonly seed: number;
  readonly outDir: string;
  readonly nemesis: Required<NemesisSettings> | null;
}

function invalid(message: string): VerifyError {
  return new VerifyError("INVALID_OPTION", message);
}

function wholeNumber(name: string, value: unknown, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw invalid(`${name} takes a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  }
  return value as number;
}

/** Checks runVerify's options; INVALID_OPTION names the first one that is wrong. */
export function checkVerifyOptions(options: VerifyOptions): CheckedOptions {
  checkLimits();
  if (typeof options.workload !== "string" || !isWorkloadName(options.workload)) {
    throw invalid(`workload is one of ${WORKLOAD_NAMES.join(", ")}, not ${JSON.stringify(options.workload)}`);
  }
  const seconds = wholeNumber("seconds", options.seconds, 1, LIMITS.runSecondsMax);
  const clients = wholeNumber("clients", options.clients ?? 4, 1, LIMITS.clientsMax);
  const seed = wholeNumber("seed", options.seed ?? 1, 0, Number.MAX_SAFE_INTEGER);
  if (typeof options.outDir !== "string" || options.outDir.length === 0) throw invalid("outDir must name a directory");
  if (options.cluster && options.bootstrap) throw invalid("give a cluster or a bootstrap, not both");
  let nemesis: Required<NemesisSettings> | null = null;
  const kinds = [...new Set(options.nemesis?.kinds ?? [])];
  if (kinds.length > 0) {
    for (const kind of kinds) {
      if (!FAULT_KINDS.includes(kind)) throw invalid(`unknown fault kind "${kind}" (known: ${FAULT_KINDS.join(", ")})`);
    }
    if (options.bootstrap) {
      throw invalid(
        `a cluster reached with --bootstrap was not launched by this run, so its brokers cannot be killed, paused or cut off: drop the nemesis (${kinds.join(",")}), or let the run launch its own cluster`,
      );
    }
    if (options.cluster && !isLocalCluster(options.cluster)) {
      throw invalid("the nemesis needs a cluster this process launched (a LocalClusterControl)");
    }
    const schedule = options.nemesis?.schedule ?? "random";
    if (schedule !== "random" && schedule !== "fixed")
      throw invalid(`schedule is random or fixed, not ${JSON.stringify(schedule)}`);
    nemesis = {
      kinds,
      schedule,
      seed: wholeNumber("nemesis seed", options.nemesis?.seed ?? seed, 0, Number.MAX_SAFE_INTEGER),
      intervalMs: wholeNumber("nemesis intervalMs", options.nemesis?.intervalMs ?? DEFAULT_INTERVAL_MS, 0, 3_600_000),
      faultMs: wholeNumber("nemesis faultMs", options.nemesis?.faultMs ?? DEFAULT_FAULT_MS, 0, 3_600_000),
    };
  }
  return { workload: options.workload, seconds, clients, seed, outDir: resolve(options.outDir), nemesis };
}

export function isLocalCluster(cluster: ClusterUnderTest): cluster is LocalClusterControl {
  return typeof (cluster as Partial<LocalClusterControl>).killBroker === "function";
}

/** What a launch needs for these fault kinds. */
export function launchOptionsFor(
  kinds: readonly FaultKind[],
  seconds = 0,
): Pick<LocalClusterOptions, "network" | "tmpfsMiB" | "fakeClock"> {
  return {
    ...(kinds.some((k) => PARTITION_KINDS.has(k)) ? { network: true } : {}),
    ...(kinds.includes("disk-full") ? { tmpfsMiB: diskFullTmpfsMiB(seconds) } : {}),
    ...(kinds.includes("clock-jump") ? { fakeClock: true } : {}),
  };
}

function bootstrapCluster(bootstrap: string): ClusterUnderTest {
  return { bootstrap, brokerIds: [], faults: new Set(), close: async () => {} };
}

function createWorkload(name: WorkloadName, ctx: WorkloadContext): Workload {
  switch (name) {
    case "queue":
      return new QueueWorkload(ctx);
    case "txn":
      return new TxnWorkload(ctx);
    case "group":
      return new GroupWorkload(ctx);
  }
}

/** Runs one verification; see the module header. */
export async function runVerify(options: VerifyOptions): Promise<VerifyResult> {
  const checked = checkVerifyOptions(options);
  const log = options.log ?? (() => {});
  mkdirSync(checked.outDir, { recursive: true });
  const launching = !options.cluster && !options.bootstrap;
  const files: RunFiles = {
    history: join(checked.outDir, "history.jsonl"),
    summary: join(checked.outDir, "summary.json"),
    timeline: join(checked.outDir, "timeline.svg"),
    ...(launching ? { clusterLog: join(checked.outDir, "cluster.log") } : {}),
  };
  const nowMs = runClock();
  const progress = new ProgressTracker(nowMs, options.onProgress);
  progress.phase("launching");
  let cluster: ClusterUnderTest;
  let launched = false;
  // The brokers' own account of a run: what an anomaly's analysis needs beside the history.
  const clusterLog = files.clusterLog ? new BoundedLogFile(files.clusterLog, LIMITS.clusterLogBytesMax, nowMs) : null;
  if (options.cluster) cluster = options.cluster;
  else if (options.bootstrap) cluster = bootstrapCluster(options.bootstrap);
  else {
    const launch = options.launchCluster ?? launchLocalCluster;
    cluster = await launch({
      ...options.launch,
      brokerConfig: { ...FAULT_FRIENDLY_BROKER_CONFIG, ...options.launch?.brokerConfig },
      ...launchOptionsFor(checked.nemesis?.kinds ?? [], checked.seconds),
      log: (line) => {
        log(line);
        clusterLog?.write(line);
      },
    });
    launched = true;
  }
  try {
    return await runOn(cluster, checked, options, { nowMs, progress, files, log, launched });
  } finally {
    progress.stop();
    try {
      if (launched) await cluster.close();
    } finally {
      clusterLog?.close();
    }
  }
}

/**
 * Lines appended to a file up to a byte bound, then one line saying the rest was cut. Each
 * line starts with the run's time in seconds, the clock of the history's startMs/endMs, so
 * an anomaly's operations and faults can be lined up with what the brokers said then.
 */
class BoundedLogFile {
  private readonly fd: number;
  private bytes = 0;
  private cut = false;

  constructor(
    path: string,
    private readonly maxBytes: number,
    private readonly nowMs: () => number,
  ) {
    this.fd = openSync(path, "w");
  }

  write(line: string): void {
    if (this.cut) return;
    const text = `${(this.nowMs() / 1000).toFixed(3).padStart(9)} ${line}\n`;
    const size = Buffer.byteLength(text);
    if (this.bytes + size > this.maxBytes) {
      this.cut = true;
      writeSync(this.fd, `[cluster.log cut at ${this.bytes} bytes]\n`);
      return;
    }
    this.bytes += size;
    writeSync(this.fd, text);
  }

  close(): void {
    closeSync(this.fd);
  }
}

interface RunEnv {
  readonly nowMs: () => number;
  readonly progress: ProgressTracker;
  readonly files: RunFiles;
  readonly log: (line: string) => void;
  readonly launched: boolean;
}

async function runOn(
  cluster: ClusterUnderTest,
  checked: CheckedOptions,
  options: VerifyOptions,
  env: RunEnv,
): Promise<VerifyResult> {
  const { nowMs, progress, files, log } = env;
  const historyFile = new HistoryFile(files.history);
  const timeline = new TimelineRecorder();
  const faultLog = new FaultLog();
  const history = new HistoryRecorder({ nowMs, file: historyFile });
  history.observe((op) => {
    timeline.observe(op);
    faultLog.observe(op);
    progress.observe(op);
  });
  const client = new Client({
    brokers: cluster.bootstrap,
    clientId: "tidelog-verify",
    requestTimeoutMs: LIMITS.requestTimeoutMs,
    attemptTimeoutMs: LIMITS.attemptTimeoutMs,
  });
  const started = nowMs();
  let check: CheckResult;
  let faults: FaultRecord[];
  try {
    const brokers =
      cluster.brokerIds.length > 0 ? cluster.brokerIds.length : (await client.admin().describeCluster()).brokers.length;
    const workload = createWorkload(checked.workload, {
      client,
      history,
      random: Random.seeded(checked.seed),
      clients: checked.clients,
      brokers,
      runId: randomBytes(4).toString("hex"),
      log,
    });
    const checker = workload.checker();
    history.observe((op) => checker.observe(op));
    progress.phase("setup");
    await workload.setup();
    progress.phase("running");
    faults = await runWithNemesis({
      workload,
      checked,
      signal: options.signal,
      start: () => startNemesisFor(cluster, checked, options, workload, history, nowMs),
      healing: () => progress.phase("healing"),
    });
    progress.phase("final");
    await workload.finish();
    progress.phase("checking");
    check = checker.result();
    if (cluster.dataDir)
      check = withReplicaAgreement(check, await replicasAgree(cluster, cluster.dataDir.bind(cluster)));
  } finally {
    await client.close();
    historyFile.close();
  }
  const summary = buildSummary({
    settings: settingsOf(checked, cluster, env.launched),
    check,
    faults: faultLog.counts(),
    elapsedMs: nowMs() - started,
    files,
  });
  writeFileSync(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(
    files.timeline,
    renderTimelineSvg(timeline.data(), {
      title: `tidelog verify: ${checked.workload} workload, ${summary.valid ? "valid" : "INVALID"}`,
      subtitle: subtitleOf(summary.settings, summary),
    }),
  );
  progress.phase("done");
  return { valid: check.valid, summary, check, faults: faults.length > 0 ? faults : faultLog.records(), files };
}

/**
 * Compares the replicas' logs on disk until they agree or LIMITS.replicaAgreementTimeoutMs
 * passed: a difference that lasts that long after the faults healed is a divergence.
 */
async function replicasAgree(cluster: ClusterUnderTest, dataDir: (id: number) => string): Promise<ReplicaLogReport> {
  const dirs = new Map(cluster.brokerIds.map((id) => [id, dataDir(id)]));
  const deadline = performance.now() + LIMITS.replicaAgreementTimeoutMs;
  for (;;) {
    const report = compareReplicaLogs(dirs);
    if (report.divergences.length === 0 || performance.now() >= deadline) return report;
    await new Promise((resolve) => setTimeout(resolve, LIMITS.replicaAgreementRetryMs));
  }
}

function withReplicaAgreement(check: CheckResult, report: ReplicaLogReport): CheckResult {
  return {
    ...check,
    valid: check.valid && report.divergences.length === 0,
    anomalies: [...check.anomalies, replicaDivergenceReport(report)],
    stats: { ...check.stats, replicaPartitionsCompared: report.partitions, replicaBatchesCompared: report.batches },
  };
}

/**
 * The workload's processes and the nemesis together for the run's seconds; then the
 * nemesis heals (whatever happened to the workload) and the processes finish their last
 * op. Returns the faults done.
 */
async function runWithNemesis(run: {
  readonly workload: Workload;
  readonly checked: CheckedOptions;
  readonly signal: AbortSignal | undefined;
  readonly start: () => RunningNemesis | null;
  readonly healing: () => void;
}): Promise<FaultRecord[]> {
  const { workload, checked, signal, start } = run;
  const stop = new AbortController();
  // Every client process and wait listens for the end of the run: one listener each, so
  // up to the clients bound plus a few (Node warns past 10 by default).
  setMaxListeners(LIMITS.clientsMax + 16, stop.signal);
  const timer = setTimeout(() => stop.abort(), checked.seconds * 1000);
  const interrupted = () => stop.abort();
  signal?.addEventListener("abort", interrupted, { once: true });
  if (signal?.aborted) stop.abort();
  const nemesis = start();
  const running = workload.run(stop.signal);
  const stopped = new Promise<void>((done) => stop.signal.addEventListener("abort", () => done(), { once: true }));
  let faults: FaultRecord[] = [];
  try {
    // A workload that ends early (or throws: a bug) still gets the nemesis healed first.
    await Promise.race([running, stopped]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", interrupted);
    stop.abort();
    run.healing();
    if (nemesis) faults = await nemesis.stop();
  }
  await running;
  return faults;
}

function startNemesisFor(
  cluster: ClusterUnderTest,
  checked: CheckedOptions,
  options: VerifyOptions,
  workload: Workload,
  history: HistoryRecorder,
  nowMs: () => number,
): RunningNemesis | null {
  if (!checked.nemesis || !isLocalCluster(cluster)) return null;
  const start = options.startNemesis ?? realStartNemesis;
  return start({
    cluster,
    kinds: checked.nemesis.kinds,
    schedule: checked.nemesis.schedule,
    seed: checked.nemesis.seed,
    intervalMs: checked.nemesis.intervalMs,
    faultMs: checked.nemesis.faultMs,
    topics: workload.topics,
    transactionalIds: workload.transactionalIds,
    nowMs,
    onFault: (fault) => history.nemesis(fault.kind, { ...fault }),
  });
}

function settingsOf(checked: CheckedOptions, cluster: ClusterUnderTest, launched: boolean): RunSettings {
  return {
    workload: checked.workload,
    seconds: checked.seconds,
    clients: checked.clients,
    seed: checked.seed,
    nemesis: checked.nemesis?.kinds ?? [],
    schedule: checked.nemesis?.schedule ?? "random",
    faultMs: checked.nemesis?.faultMs ?? 0,
    intervalMs: checked.nemesis?.intervalMs ?? 0,
    cluster: launched ? `launched (${cluster.brokerIds.length} brokers)` : cluster.bootstrap,
  };
}

function subtitleOf(s: RunSettings, summary: RunSummary): string {
  const faults = summary.faults.reduce((n, f) => n + f.done, 0);
  return (
    `${s.seconds} s, ${s.clients} clients, seed ${s.seed}, ${summary.counts.operations} operations, ` +
    `${faults} faults (${s.nemesis.join(",") || "none"})`
  );
}

/** Counts ops and faults as they are recorded, for the progress callback (throttled). */
class ProgressTracker {
  private current: RunPhase = "launching";
  private operations = 0;
  private ok = 0;
  private fail = 0;
  private info = 0;
  private faults = 0;
  private faultNow: string | null = null;
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private readonly nowMs: () => number,
    private readonly onProgress: ((progress: VerifyProgress) => void) | undefined,
  ) {
    this.timer = onProgress ? setInterval(() => this.tell(), LIMITS.progressIntervalMs) : null;
    this.timer?.unref();
  }

  observe(op: Op): void {
    if (op.process === "nemesis") {
      const fault = op.value as Partial<FaultRecord>;
      if (fault.skipped !== undefined) return;
      if (fault.endMs === null) {
        this.faults++;
        this.faultNow = `${op.f} ${fault.target ?? ""}`.trim();
      } else this.faultNow = null;
      return;
    }
    if (op.type === "invoke") this.operations++;
    else if (op.type === "ok") this.ok++;
    else if (op.type === "fail") this.fail++;
    else this.info++;
  }

  phase(phase: RunPhase): void {
    this.current = phase;
    this.tell();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private tell(): void {
    try {
      this.onProgress?.({
        phase: this.current,
        elapsedMs: Math.round(this.nowMs()),
        operations: this.operations,
        ok: this.ok,
        fail: this.fail,
        info: this.info,
        faults: this.faults,
        faultNow: this.faultNow,
      });
    } catch {
      // A progress display's failure is its own; the run goes on.
    }
  }
}
