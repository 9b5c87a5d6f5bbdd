/**
 * The integration-test harness: a private etcd and real broker processes on loopback
 * ports, owned by one test. Every process it starts is stopped when the test ends
 * (SIGTERM, a short grace, then SIGKILL; brokers before etcd) and killed with SIGKILL if the
 * test process itself exits or is interrupted first; every directory it creates is removed.
 *
 *   const cluster = await startCluster(t, { brokers: 3 });
 *   await cluster.broker(2).kill();
 *   // leaderOf: the test's own query (admin API, or etcd through cluster.etcd.client())
 *   await waitFor(async () => (await leaderOf(cluster, "orders", 0)) !== 2, { description: "a new leader" });
 *   await cluster.broker(2).restart();
 *
 * A suite that shares one cluster across tests passes a scope instead of a test context:
 *   const scope = createScope(); after(() => scope.close());
 *   before(async () => { cluster = await startCluster(scope); });
 *
 * Processes are spawned with the shared code in scripts/cluster-launcher.mjs (also used by
 * `npm start`); this file adds test scoping, handles and waits. Order test events by
 * waiting for conditions (`waitFor`, `waitForLog`), never by sleeping.
 *
 * Bounds: LIMITS in scripts/cluster-launcher.mjs (log lines kept, start and stop deadlines),
 * plus the ones named below.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { inspect } from "node:util";
import { Etcd3 } from "etcd3";
import { etcdInstallHint, findEtcd, projectRoot } from "../bootstrap.mjs";
import {
  type BrokerEntry,
  brokerArgs,
  brokerCommand,
  childEnv,
  type EtcdTls,
  type ExitInfo,
  LIMITS,
  type LogRecord,
  LogRing,
  launchBroker,
  launchEtcd,
  type Proc,
  probeTcp,
  processState,
  type StopResult,
  signalProcess,
  spawnProcess,
  stopProcess,
  withTimeout,
} from "../cluster-launcher.mjs";

export { etcdHealthy, isAlive, pickFreePorts, probeTcp, processState } from "../cluster-launcher.mjs";
export type { BrokerEntry, EtcdTls, ExitInfo, LogRecord, StopResult };

/** Default deadline of `waitFor` and `waitForLog`. */
const WAIT_TIMEOUT_MS = 10_000;
/** Default polling interval of `waitFor`. */
const WAIT_INTERVAL_MS = 50;
/** Grace before SIGKILL when a test ends with its processes still running (not a test of shutdown). */
const CLEANUP_GRACE_MS = 3_000;
/** How long SIGSTOP/SIGCONT may take to show in /proc. */
const SIGNAL_SETTLE_MS = 2_000;
/** Brokers per cluster; each is a Node process of roughly 60-100 MB. */
const CLUSTER_BROKERS_MAX = 16;

// ---------------------------------------------------------------------------------------
// Scopes and clean-up

/** Anything with `after(fn)`: a node:test TestContext, or a Scope from `createScope()`. */
export interface CleanupScope {
  after(fn: () => unknown): void;
}

/** A clean-up scope not tied to one test: call `close()` yourself (e.g. in a suite's `after`). */
export interface Scope extends CleanupScope {
  close(): Promise<void>;
}

export function createScope(): Scope {
  const fns: (() => unknown)[] = [];
  return {
    after(fn) {
      fns.push(fn);
    },
    async close() {
      for (const fn of fns.splice(0)) await fn();
    },
  };
}

/**
 * Clean-up order within a scope: clients, then brokers, then etcd, then what the processes
 * ran on (test networks, see `deferAfterProcesses`), then directories.
 */
const TIER = { clients: 0, brokers: 1, etcd: 2, network: 3, dirs: 4 } as const;

interface Cleanup {
  tier: number;
  run: () => Promise<unknown> | unknown;
}

// The only module-level state, process-wide by nature: which processes and directories
// must go when this test process ends, however it ends; and each scope's clean-up list.
const liveProcs = new Set<Proc>();
const liveDirs = new Set<string>();
const scopeCleanups = new WeakMap<CleanupScope, Cleanup[]>();
const exitCleanups = new Set<() => void>();
let exitHooksInstalled = false;

function defer(scope: CleanupScope, tier: number, run: Cleanup["run"]): void {
  let list = scopeCleanups.get(scope);
  if (!list) {
    const created: Cleanup[] = [];
    list = created;
    scopeCleanups.set(scope, created);
    scope.after(() => runCleanups(created));
  }
  list.push({ tier, run });
}

/** Runs a scope's clean-ups tier by tier, each tier in parallel; reports every failure. */
async function runCleanups(list: Cleanup[]): Promise<void> {
  const failures: unknown[] = [];
  const tiers = [...new Set(list.map((c) => c.tier))].sort((a, b) => a - b);
  for (const tier of tiers) {
    const due = list.filter((c) => c.tier === tier);
    const results = await Promise.allSettled(due.map(async (c) => c.run()));
    for (const r of results) if (r.status === "rejected") failures.push(r.reason);
  }
  list.length = 0;
  if (failures.length > 0) throw new AggregateError(failures, `harness clean-up: ${failures.length} step(s) failed`);
}

function killEverythingNow(): void {
  for (const proc of liveProcs) {
    try {
      if (proc.pid !== undefined) process.kill(proc.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  for (const fn of exitCleanups) {
    try {
      fn();
    } catch {
      // Best effort: the process is going away; the next run's sweep catches what is left.
    }
  }
}

/**
 * Runs `run` when the scope ends, after its brokers and etcd have stopped and before its
 * directories go: for what the processes ran on, such as a test network (test/cluster/network.ts).
 */
export function deferAfterProcesses(scope: CleanupScope, run: () => Promise<unknown> | unknown): void {
  defer(scope, TIER.network, run);
}

/**
 * Also runs `fn` (synchronous, idempotent) if this test process exits or is interrupted
 * before its scopes end, after the processes it started were sent SIGKILL. Returns the
 * function that unregisters it (call it once the normal clean-up has run).
 */
export function onProcessExit(fn: () => void): () => void {
  installExitHooks();
  exitCleanups.add(fn);
  return () => exitCleanups.delete(fn);
}

/** On exit and on SIGINT/SIGTERM/SIGHUP (whose default action skips 'exit'), kill what we started. */
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on("exit", killEverythingNow);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      killEverythingNow();
      process.removeListener(signal, onSignal);
      // Die of the same signal unless someone else (e.g. node:test) handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function track(proc: Proc): void {
  installExitHooks();
  if (proc.pid === undefined) return;
  liveProcs.add(proc);
  void proc.exited.then(() => liveProcs.delete(proc));
}

/** A fresh directory under the system temp dir, removed when the scope ends. */
export function tempDir(scope: CleanupScope, prefix = "tidelog-test-"): string {
  installExitHooks();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  liveDirs.add(dir);
  defer(scope, TIER.dirs, () => {
    rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  });
  return dir;
}

// ---------------------------------------------------------------------------------------
// waitFor

type Truthy<T> = Exclude<T, false | 0 | 0n | "" | null | undefined>;

export interface WaitForOptions {
  /** What is awaited, for the timeout message ("broker 2 to be leader of orders-0"). */
  description: string;
  timeoutMs?: number;
  intervalMs?: number;
}

export class WaitForTimeoutError extends Error {
  override name = "WaitForTimeoutError";
}

/**
 * Polls `check` until it returns (or resolves to) a truthy value, which it returns. A check
 * that throws counts as "not yet". On timeout it throws a WaitForTimeoutError naming what
 * was awaited and the last value or error; a check that hangs is abandoned at the deadline.
 */
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitForOptions): Promise<Truthy<Awaited<T>>> {
  const { description, timeoutMs = WAIT_TIMEOUT_MS, intervalMs = WAIT_INTERVAL_MS } = options;
  const deadline = Date.now() + timeoutMs;
  let checks = 0;
  let last: { value: unknown } | { error: unknown } | { hung: true } = { hung: true };
  for (;;) {
    checks++;
    const attempt = Promise.resolve()
      .then(check)
      .then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
    const outcome = await withTimeout(attempt, Math.max(1, deadline - Date.now()));
    if (outcome === undefined) {
      last = { hung: true };
      break;
    }
    if ("value" in outcome && outcome.value) return outcome.value as Truthy<Awaited<T>>;
    last = outcome;
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    await delay(Math.min(intervalMs, remaining));
  }
  const lastSeen =
    "hung" in last
      ? "the last check had not finished"
      : "error" in last
        ? `last error: ${last.error instanceof Error ? last.error.message : inspect(last.error)}`
        : `last value: ${inspect(last.value, { depth: 3, breakLength: Number.POSITIVE_INFINITY })}`;
  throw new WaitForTimeoutError(
    `timed out after ${timeoutMs} ms waiting for ${description} (${checks} checks); ${lastSeen}`,
    "error" in last ? { cause: last.error } : undefined,
  );
}

// ---------------------------------------------------------------------------------------
// Process handles

/** A log line predicate, or a message: a string matches lines whose JSON `msg` equals it. */
export type LogMatch = string | ((record: LogRecord) => boolean);

export interface ProcessHandle {
  readonly name: string;
  /** The current (or last) process's pid. */
  readonly pid: number;
  readonly running: boolean;
  /** How the last process ended, while it is not running. */
  readonly exit: ExitInfo | undefined;
  /** The most recent output lines (stdout and stderr, across restarts), oldest first. */
  readonly logs: readonly LogRecord[];
  /** The sequence number the next output line will get: pass it to `waitForLog` as `since`. */
  readonly logSeq: number;
  /** The last lines as text. */
  logTail(lines?: number): string;
  /** Sends `signal` (and SIGCONT, in case it is paused); SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<StopResult>;
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<StopResult>;
  /** SIGSTOP; resolves once the kernel shows the process stopped. */
  pause(): Promise<void>;
  /** SIGCONT; resolves once the kernel shows the process running again. */
  resume(): Promise<void>;
  /** The first line with `seq >= since` (default: any line still kept) that matches. */
  waitForLog(match: LogMatch, timeoutMs?: number, since?: number): Promise<LogRecord>;
  /** Resolves when the current process exits; throws after `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<ExitInfo>;
}

/** One named process slot whose process can be replaced (restart) while logs carry on. */
class ManagedProcess implements ProcessHandle {
  readonly logRing = new LogRing();
  #proc: Proc | undefined;
  readonly #stopGraceMs: number;

  constructor(
    readonly name: string,
    stopGraceMs: number,
  ) {
    this.#stopGraceMs = stopGraceMs;
  }

  set proc(proc: Proc) {
    this.#proc = proc;
  }

  get proc(): Proc {
    if (!this.#proc) throw new Error(`${this.name} has not been started`);
    return this.#proc;
  }

  get pid(): number {
    const pid = this.proc.pid;
    if (pid === undefined) throw new Error(`${this.name} has no pid (spawn failed)`);
    return pid;
  }

  get running(): boolean {
    return this.#proc !== undefined && this.#proc.exit === undefined;
  }

  get exit(): ExitInfo | undefined {
    return this.#proc?.exit;
  }

  get logs(): readonly LogRecord[] {
    return this.logRing.records();
  }

  get logSeq(): number {
    return this.logRing.seq;
  }

  logTail(lines = LIMITS.errorTailLines): string {
    return this.logRing.tail(lines);
  }

  stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = this.#stopGraceMs): Promise<StopResult> {
    return stopProcess(this.proc, { signal, graceMs: timeoutMs });
  }

  kill(): Promise<StopResult> {
    return stopProcess(this.proc, { signal: "SIGKILL" });
  }

  async pause(): Promise<void> {
    this.#sendWhileRunning("SIGSTOP");
    await this.#awaitState((state) => state === "T" || state === undefined, "to stop after SIGSTOP");
  }

  async resume(): Promise<void> {
    this.#sendWhileRunning("SIGCONT");
    await this.#awaitState((state) => state !== "T", "to run again after SIGCONT");
  }

  async waitForLog(match: LogMatch, timeoutMs = WAIT_TIMEOUT_MS, since = 0): Promise<LogRecord> {
    const test = typeof match === "string" ? (r: LogRecord) => r.json?.msg === match : match;
    // A predicate that throws (e.g. on an unexpected line shape) means "no match", not a crash.
    const matches = (r: LogRecord) => {
      try {
        return test(r);
      } catch {
        return false;
      }
    };
    const kept = this.logRing.records(since).find(matches);
    if (kept) return kept;
    let unsubscribe: () => void = () => {};
    const found = new Promise<LogRecord>((resolve) => {
      unsubscribe = this.logRing.subscribe((record) => {
        if (record.seq >= since && matches(record)) resolve(record);
      });
    });
    try {
      const record = await withTimeout(found, timeoutMs);
      if (record) return record;
    } finally {
      unsubscribe();
    }
    const what = typeof match === "string" ? `a line with msg "${match}"` : "a matching line";
    throw new WaitForTimeoutError(
      `${this.name}: no ${what} within ${timeoutMs} ms (${this.running ? "running" : "not running"}); last lines:\n${this.logTail()}`,
    );
  }

  async waitForExit(timeoutMs = WAIT_TIMEOUT_MS): Promise<ExitInfo> {
    const exit = await withTimeout(this.proc.exited, timeoutMs);
    if (exit) return exit;
    throw new WaitForTimeoutError(`${this.name} (pid ${this.pid}) did not exit within ${timeoutMs} ms`);
  }

  #sendWhileRunning(signal: NodeJS.Signals): void {
    if (!this.running) throw new Error(`cannot send ${signal} to ${this.name}: it is not running`);
    signalProcess(this.proc, signal);
  }

  async #awaitState(ok: (state: string | undefined) => boolean, what: string): Promise<void> {
    const pid = this.pid;
    await waitFor(() => ok(processState(pid)), {
      description: `${this.name} (pid ${pid}) ${what}`,
      timeoutMs: SIGNAL_SETTLE_MS,
      intervalMs: 5,
    });
  }
}

function register(scope: CleanupScope, tier: number, managed: ManagedProcess): void {
  defer(scope, tier, async () => {
    if (managed.running) await stopProcess(managed.proc, { graceMs: CLEANUP_GRACE_MS });
  });
}

export interface ProcessOptions {
  name: string;
  command: string;
  args?: readonly string[];
  cwd?: string;
  /** Added to the environment, which otherwise is ours minus TIDELOG_* and NODE_TEST_CONTEXT. */
  env?: Readonly<Record<string, string>>;
  stopGraceMs?: number;
}

/** Any other process (a CLI, `npm start`), with the same logs, waits and clean-up as brokers. */
export function startProcess(scope: CleanupScope, options: ProcessOptions): ProcessHandle {
  const managed = new ManagedProcess(options.name, options.stopGraceMs ?? LIMITS.brokerStopGraceMs);
  const proc = spawnProcess({
    name: options.name,
    command: options.command,
    args: options.args ?? [],
    cwd: options.cwd ?? projectRoot(),
    env: childEnv(options.env),
    logs: managed.logRing,
  });
  track(proc);
  managed.proc = proc;
  register(scope, TIER.brokers, managed);
  return managed;
}

// ---------------------------------------------------------------------------------------
// etcd

export interface EtcdOptions {
  /** The etcd binary; default TIDELOG_ETCD_BIN or `etcd` on the PATH. */
  bin?: string;
  /** Member name; default "tidelog-test". */
  name?: string;
  /** Data directory; default a fresh temporary one, removed when the scope ends. */
  dataDir?: string;
  /** The address it listens on (client and peer URLs); default 127.0.0.1. */
  host?: string;
  /** etcd's --log-level; default "info" (kept in `logs`, not printed). */
  logLevel?: string;
  readyTimeoutMs?: number;
  /** Where ports come from; default free ones from the kernel. A seam for testing the retry. */
  pickPorts?: (count: number) => Promise<number[]>;
  /** TLS to clients: an https:// endpoint that requires a client certificate the CA signed. */
  tls?: EtcdTls;
}

export interface EtcdHandle extends ProcessHandle {
  /** Client URLs (one: a single-member cluster), e.g. ["http://127.0.0.1:40123"]. */
  readonly endpoints: readonly string[];
  readonly clientPort: number;
  readonly peerPort: number;
  readonly dataDir: string;
  /** Stops it if running (SIGTERM), then starts it again on the same ports and data. */
  restart(): Promise<void>;
  /** An etcd3 client, closed when the scope ends. */
  client(): Etcd3;
}

/** Starts a private single-member etcd on free loopback ports; resolves once it is healthy. */
export async function startEtcd(scope: CleanupScope, options: EtcdOptions = {}): Promise<EtcdHandle> {
  const bin = options.bin ?? findEtcd();
  if (!bin || !existsSync(bin)) {
    throw new Error(`etcd is required by this test but was not found${bin ? ` at ${bin}` : ""}: ${etcdInstallHint()}.`);
  }
  const dataDir = options.dataDir ?? tempDir(scope, "tidelog-etcd-");
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const managed = new ManagedProcess("etcd", LIMITS.etcdStopGraceMs);
  const settings = {
    bin,
    name: options.name ?? "tidelog-test",
    dataDir,
    logLevel: options.logLevel ?? "info",
    logs: managed.logRing,
    env: childEnv(),
    onSpawn: (proc: Proc) => {
      track(proc);
      managed.proc = proc;
    },
    ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
    ...(options.pickPorts === undefined ? {} : { pickPorts: options.pickPorts }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  };
  register(scope, TIER.etcd, managed);
  const started = await launchEtcd(settings);
  const ports = { clientPort: started.clientPort, peerPort: started.peerPort };

  return Object.assign(managed, {
    endpoints: [started.endpoint] as const,
    clientPort: ports.clientPort,
    peerPort: ports.peerPort,
    dataDir,
    async restart(): Promise<void> {
      if (managed.running) await managed.stop();
      await launchEtcd({ ...settings, ports });
    },
    client(): Etcd3 {
      const tls = options.tls;
      const client = new Etcd3({
        hosts: [started.endpoint],
        ...(tls
          ? {
              credentials: {
                rootCertificate: readFileSync(tls.ca),
                privateKey: readFileSync(tls.key),
                certChain: readFileSync(tls.cert),
              },
            }
          : {}),
      });
      defer(scope, TIER.clients, () => client.close());
      return client;
    },
  });
}

// ---------------------------------------------------------------------------------------
// Brokers

export interface BrokerOptions {
  id: number;
  /** The etcd to register with: a handle, or its endpoints. */
  etcd: Pick<EtcdHandle, "endpoints"> | readonly string[];
  /** Default "tidelog" (the broker's own default). */
  clusterId?: string;
  /** Further broker settings, Kafka-style dotted keys; they override the harness's defaults. */
  config?: Readonly<Record<string, string>>;
  /** The broker's --log.dirs; default a fresh temporary directory, removed when the scope ends. */
  dataDir?: string;
  /** Run from TypeScript source through tsx (default) or the build in dist/ (`npx tsc -b` first). */
  entry?: BrokerEntry;
  /** Instead of the broker entry, run this (program and leading arguments; the flags follow). */
  command?: readonly string[];
  /** Added to the environment, which otherwise is ours minus TIDELOG_* and NODE_TEST_CONTEXT. */
  env?: Readonly<Record<string, string>>;
  readyTimeoutMs?: number;
}

export interface BrokerRestartOptions {
  /** Ask for the same gRPC and HTTP ports as before (default true; new ones if they are taken). */
  keepPorts?: boolean;
  /** Settings merged over the broker's config for this and later restarts. */
  config?: Readonly<Record<string, string>>;
}

export interface BrokerHandle extends ProcessHandle {
  readonly id: number;
  readonly clusterId: string;
  readonly host: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** "127.0.0.1:<grpcPort>". */
  readonly address: string;
  readonly dataDir: string;
  /**
   * Stops it if running (SIGTERM), then starts it again with the same id, data directory
   * and (by default) ports; resolves once the new process has logged "broker started".
   */
  restart(options?: BrokerRestartOptions): Promise<void>;
}

function resolveBrokerCommand(options: BrokerOptions): readonly string[] {
  if (options.command) return options.command;
  const root = projectRoot();
  const entry = options.entry ?? "source";
  const command = brokerCommand(root, entry);
  const file = command[command.length - 1]!;
  if (!existsSync(file)) {
    const hint = entry === "dist" ? "run `npx tsc -b` first" : "the broker's entry point is missing";
    throw new Error(`cannot start a broker: ${file} does not exist (${hint})`);
  }
  return command;
}

const BIND_FAILURE = /EADDRINUSE|address already in use/i;

/** Starts a broker process; resolves once it has logged "broker started" and its ports accept connections. */
export async function startBroker(scope: CleanupScope, options: BrokerOptions): Promise<BrokerHandle> {
  const { id } = options;
  if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`bad broker id ${id}`);
  const command = resolveBrokerCommand(options);
  const clusterId = options.clusterId ?? "tidelog";
  const dataDir = options.dataDir ?? tempDir(scope, `tidelog-broker-${id}-`);
  const endpoints = "endpoints" in options.etcd ? options.etcd.endpoints : options.etcd;
  const managed = new ManagedProcess(`broker-${id}`, LIMITS.brokerStopGraceMs);
  register(scope, TIER.brokers, managed);
  let config: Readonly<Record<string, string>> = options.config ?? {};
  let ready = { host: "127.0.0.1", grpcPort: 0, httpPort: 0 };

  const launch = async (ports: Readonly<Record<string, string>>) => {
    const args = brokerArgs({
      id,
      clusterId,
      etcdEndpoints: endpoints,
      logDirs: dataDir,
      config: { ...ports, ...config },
    });
    const started = await launchBroker({
      id,
      command,
      args,
      cwd: projectRoot(),
      env: childEnv(options.env),
      logs: managed.logRing,
      onSpawn: (proc) => {
        track(proc);
        managed.proc = proc;
      },
      ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
    });
    await assertListening(managed, started);
    ready = { host: started.host, grpcPort: started.grpcPort, httpPort: started.httpPort };
  };

  await launch({});
  const handle = Object.assign(managed, {
    id,
    clusterId,
    dataDir,
    async restart(restartOptions: BrokerRestartOptions = {}): Promise<void> {
      if (managed.running) await managed.stop();
      config = { ...config, ...restartOptions.config };
      if (restartOptions.keepPorts === false) return launch({});
      const since = managed.logSeq;
      try {
        await launch({ "grpc.port": String(ready.grpcPort), "http.port": String(ready.httpPort) });
      } catch (error) {
        // Someone took a port while the broker was down: take fresh ones rather than fail.
        if (!managed.logRing.records(since).some((r) => BIND_FAILURE.test(r.text))) throw error;
        await launch({});
      }
    },
  });
  return Object.defineProperties(handle, {
    host: { get: () => ready.host, enumerable: true },
    grpcPort: { get: () => ready.grpcPort, enumerable: true },
    httpPort: { get: () => ready.httpPort, enumerable: true },
    address: { get: () => `${ready.host}:${ready.grpcPort}`, enumerable: true },
  }) as typeof handle & Pick<BrokerHandle, "host" | "grpcPort" | "httpPort" | "address">;
}

/** The "broker started" line is a promise about ports: check it, so a wrong line fails here and not later. */
async function assertListening(managed: ManagedProcess, ready: { host: string; grpcPort: number; httpPort: number }) {
  const ports: [string, number][] = [["grpcPort", ready.grpcPort]];
  if (ready.httpPort > 0) ports.push(["httpPort", ready.httpPort]);
  for (const [field, port] of ports) {
    if (await probeTcp(ready.host, port)) continue;
    await managed.kill();
    throw new Error(
      `${managed.name} logged "broker started" with ${field} ${port}, but nothing accepts connections at ` +
        `${ready.host}:${port}; its last lines:\n${managed.logTail()}`,
    );
  }
}

// ---------------------------------------------------------------------------------------
// Clusters

export interface ClusterOptions {
  /** How many brokers, with ids 1..n; default 3. */
  brokers?: number;
  /** Default a fresh "test-<hex>", so clusters never share etcd keys. */
  clusterId?: string;
  /** Settings for every broker, or per broker id. */
  brokerConfig?: Readonly<Record<string, string>> | ((id: number) => Readonly<Record<string, string>>);
  /** Use this etcd rather than starting one (it is then not stopped by `stop()`). */
  etcd?: EtcdHandle;
  etcdOptions?: EtcdOptions;
  entry?: BrokerEntry;
  /** As BrokerOptions.command, for every broker or per broker id (e.g. run each in its own network namespace). */
  command?: readonly string[] | ((id: number) => readonly string[]);
  env?: Readonly<Record<string, string>>;
  readyTimeoutMs?: number;
}

export interface ClusterHandle {
  readonly clusterId: string;
  readonly etcd: EtcdHandle;
  /** The brokers, in id order. */
  readonly brokers: readonly BrokerHandle[];
  /** Every broker's current address, "127.0.0.1:p1,127.0.0.1:p2,...", stopped ones included. */
  readonly bootstrap: string;
  broker(id: number): BrokerHandle;
  /** Starts one more broker in this cluster. */
  addBroker(id: number, config?: Readonly<Record<string, string>>): Promise<BrokerHandle>;
  /** Stops the brokers (SIGTERM, in parallel), then the etcd if the cluster started it. */
  stop(): Promise<void>;
}

/** Starts an etcd (unless given one) and `brokers` brokers in parallel; resolves once all are ready. */
export async function startCluster(scope: CleanupScope, options: ClusterOptions = {}): Promise<ClusterHandle> {
  const count = options.brokers ?? 3;
  if (!Number.isSafeInteger(count) || count < 1 || count > CLUSTER_BROKERS_MAX) {
    throw new RangeError(`a test cluster has 1..${CLUSTER_BROKERS_MAX} brokers, not ${count}`);
  }
  const clusterId = options.clusterId ?? `test-${randomBytes(4).toString("hex")}`;
  const etcd = options.etcd ?? (await startEtcd(scope, options.etcdOptions));
  const brokers: BrokerHandle[] = [];

  const add = async (id: number, extra: Readonly<Record<string, string>> = {}) => {
    if (brokers.some((b) => b.id === id)) throw new Error(`broker ${id} is already in cluster ${clusterId}`);
    const shared = typeof options.brokerConfig === "function" ? options.brokerConfig(id) : options.brokerConfig;
    const command = typeof options.command === "function" ? options.command(id) : options.command;
    const broker = await startBroker(scope, {
      id,
      etcd,
      clusterId,
      config: { ...shared, ...extra },
      ...(options.entry === undefined ? {} : { entry: options.entry }),
      ...(command === undefined ? {} : { command }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
    });
    brokers.push(broker);
    brokers.sort((a, b) => a.id - b.id);
    return broker;
  };

  const ids = Array.from({ length: count }, (_, i) => i + 1);
  const results = await Promise.allSettled(ids.map((id) => add(id)));
  const failed = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
  if (failed.length > 0) {
    const messages = failed.map((e: unknown) => (e instanceof Error ? e.message : String(e)));
    throw new AggregateError(failed, `${failed.length} of ${count} brokers failed to start:\n${messages.join("\n\n")}`);
  }

  return {
    clusterId,
    etcd,
    brokers,
    get bootstrap() {
      return brokers.map((b) => b.address).join(",");
    },
    broker(id) {
      const broker = brokers.find((b) => b.id === id);
      if (!broker) throw new Error(`no broker ${id} in cluster ${clusterId} (ids: ${brokers.map((b) => b.id)})`);
      return broker;
    },
    addBroker: add,
    async stop() {
      await Promise.all(brokers.filter((b) => b.running).map((b) => b.stop()));
      if (!options.etcd && etcd.running) await etcd.stop();
    },
  };
}
