// Starting, watching and stopping the processes of a local tidelog cluster: an etcd server
// and broker processes on loopback ports. Shared by `npm start` (scripts/start.mjs) and the
// integration-test and benchmark harness (scripts/harness/cluster.ts), which adds test-scoped clean-up on top.
// Types: cluster-launcher.d.mts. Plain JavaScript with no dependencies beyond Node, because
// `npm start` runs it before dependencies are installed.
//
// Every wait has a deadline and every buffer a size; the bounds are named in LIMITS.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { createConnection, createServer } from "node:net";
import { join } from "node:path";

export const LIMITS = Object.freeze({
  /** Log lines kept per process; older lines are dropped (about 2 MB at worst per process). */
  logLinesMax: 2_000,
  /** A longer output line is cut here, so a runaway line cannot grow memory without bound. */
  lineCharsMax: 16_384,
  /** Lines quoted in an error message about a process. */
  errorTailLines: 30,
  /** Fresh port pairs tried when etcd fails to bind (another process took a port we picked). */
  etcdStartAttempts: 5,
  /** From spawn to etcd's /health answering true; a single-node etcd takes about 0.6 s here. */
  etcdReadyTimeoutMs: 20_000,
  /** From spawn to "broker started"; a source-mode broker compiles through tsx first. */
  brokerReadyTimeoutMs: 60_000,
  /** Brokers must exit within about 10 s of SIGTERM (their contract); then SIGKILL. */
  brokerStopGraceMs: 12_000,
  /** etcd stops in well under a second on SIGTERM. */
  etcdStopGraceMs: 5_000,
  /** After SIGKILL the kernel ends a process at once; longer means something is badly wrong. */
  killWaitMs: 5_000,
  /** One HTTP request to etcd's /health. */
  healthRequestTimeoutMs: 1_000,
  /** Between polls of a condition (etcd health, process state). */
  pollIntervalMs: 50,
  /** Once a process has exited, how long to wait for the rest of its output. */
  outputDrainMs: 1_000,
});

// ---------------------------------------------------------------------------------------
// Output: lines, JSON log records, a bounded ring

/**
 * The last `capacity` output lines of a process (or of successive processes, across
 * restarts), each numbered with a sequence number that keeps counting when old lines drop.
 */
export class LogRing {
  #capacity;
  #items = [];
  #start = 0;
  #seq = 0;
  #listeners = new Set();

  constructor(capacity = LIMITS.logLinesMax) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`bad log ring capacity ${capacity}`);
    this.#capacity = capacity;
  }

  /** The sequence number the next line will get (= lines ever added). */
  get seq() {
    return this.#seq;
  }

  get size() {
    return this.#items.length;
  }

  add(stream, text) {
    const record = { seq: this.#seq++, stream, text, json: parseLogLine(text) };
    if (this.#items.length < this.#capacity) this.#items.push(record);
    else {
      this.#items[this.#start] = record;
      this.#start = (this.#start + 1) % this.#capacity;
    }
    for (const listener of this.#listeners) listener(record);
    return record;
  }

  /** Kept lines with `seq >= since`, oldest first. */
  records(since = 0) {
    const ordered = this.#items.slice(this.#start).concat(this.#items.slice(0, this.#start));
    return since <= 0 ? ordered : ordered.filter((r) => r.seq >= since);
  }

  /** The last `n` lines as text, for error messages. */
  tail(n = LIMITS.errorTailLines, since = 0) {
    return this.records(since)
      .slice(-n)
      .map((r) => (r.stream === "stderr" ? `(stderr) ${r.text}` : r.text))
      .join("\n");
  }

  /** Calls `listener` with every line added from now on; returns the function that stops it. */
  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** The object on a JSON log line (pino, or etcd's zap logger), or undefined for other text. */
export function parseLogLine(text) {
  if (!text.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls `onLine` for each line of a readable stream. A line longer than `lineCharsMax` is
 * cut there (marked with a trailing "…") and the rest of it, up to its newline, dropped.
 */
export function forEachLine(stream, onLine, lineCharsMax = LIMITS.lineCharsMax) {
  let partial = "";
  let skipping = false;
  const emit = (line) => {
    if (!skipping) onLine(line.length > lineCharsMax ? `${line.slice(0, lineCharsMax)}…` : line);
  };
  stream.setEncoding("utf8");
  stream.on("data", (chunk) => {
    partial += chunk;
    let newline = partial.indexOf("\n");
    while (newline >= 0) {
      emit(partial.slice(0, newline).replace(/\r$/, ""));
      skipping = false;
      partial = partial.slice(newline + 1);
      newline = partial.indexOf("\n");
    }
    if (partial.length > lineCharsMax) {
      emit(partial);
      skipping = true;
      partial = "";
    }
  });
  stream.on("end", () => {
    if (partial.length > 0) emit(partial);
    partial = "";
  });
}

// ---------------------------------------------------------------------------------------
// Processes

/**
 * Spawns a process whose stdout and stderr lines go into `logs` (and to `onLine`).
 * Returns a `Proc`: `{ name, child, pid, exit, exited }`, where `exited` resolves (never
 * rejects) once the process has ended and its output is read, and `exit` is then set.
 */
export function spawnProcess({ name, command, args, cwd, env, logs, onLine, detached = false }) {
  const child = spawn(command, args, { cwd, env, detached, stdio: ["ignore", "pipe", "pipe"] });
  const proc = { name, child, pid: child.pid, exit: undefined, exited: undefined };
  for (const stream of ["stdout", "stderr"]) {
    forEachLine(child[stream], (text) => {
      const record = logs.add(stream, text);
      onLine?.(record);
    });
  }
  proc.exited = new Promise((resolve) => {
    let info;
    let drainTimer;
    const finish = () => {
      if (proc.exit) return;
      clearTimeout(drainTimer);
      proc.exit = info;
      resolve(info);
    };
    child.once("exit", (code, signal) => {
      info = { code, signal };
      // 'close' follows once stdout and stderr are drained; bounded in case a descendant
      // process still holds them open.
      drainTimer = setTimeout(finish, LIMITS.outputDrainMs);
      drainTimer.unref();
    });
    child.once("close", (code, signal) => {
      info ??= { code, signal };
      finish();
    });
    child.on("error", (error) => {
      if (child.pid !== undefined && info === undefined) return; // a failed kill(), not a failed spawn
      info ??= { code: null, signal: null, error: error.message };
      finish();
    });
  });
  return proc;
}

/** Sends a signal; a process that has already gone is not an error. */
export function signalProcess(proc, signal) {
  if (proc.exit || proc.pid === undefined) return false;
  try {
    process.kill(proc.pid, signal);
    return true;
  } catch (error) {
    if (error.code === "ESRCH") return false;
    throw error;
  }
}

/** Resolves to the promise's value, or to `undefined` once `ms` have passed. */
export async function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stops a process: `signal` (SIGTERM unless told), plus SIGCONT so a paused process gets
 * to handle it; after `graceMs` without an exit, SIGKILL. Resolves to the exit, with
 * `forced: true` when SIGKILL was needed.
 */
export async function stopProcess(proc, { signal = "SIGTERM", graceMs = LIMITS.brokerStopGraceMs } = {}) {
  if (proc.exit) return { ...proc.exit, forced: false };
  signalProcess(proc, signal);
  if (signal !== "SIGKILL" && signal !== "SIGCONT") signalProcess(proc, "SIGCONT");
  const exited = await withTimeout(proc.exited, graceMs);
  if (exited) return { ...exited, forced: false };
  signalProcess(proc, "SIGKILL");
  const killed = await withTimeout(proc.exited, LIMITS.killWaitMs);
  if (!killed) throw new Error(`${proc.name} (pid ${proc.pid}) did not exit within ${LIMITS.killWaitMs} ms of SIGKILL`);
  return { ...killed, forced: true };
}

/** The one-letter state in /proc/<pid>/stat (R, S, D, T, Z, ...), or undefined. Linux only. */
export function processState(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) || undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists and is not a zombie waiting to be reaped. */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code === "ESRCH") return false;
    if (error.code !== "EPERM") throw error;
  }
  return processState(pid) !== "Z";
}

/** The command line of a process, NUL-separated arguments joined with spaces. Linux only. */
export function processCommandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return undefined;
  }
}

/** "exit code 2 (a configuration error)", "killed by SIGKILL", ... */
export function describeExit(exit) {
  if (!exit) return "still running";
  if (exit.error) return `failed to start: ${exit.error}`;
  if (exit.signal) return `killed by ${exit.signal}`;
  const meaning = { 0: "a clean exit", 1: "a fatal runtime error", 2: "a configuration error" }[exit.code];
  return meaning ? `exit code ${exit.code} (${meaning})` : `exit code ${exit.code}`;
}

// ---------------------------------------------------------------------------------------
// Ports

/** `count` distinct ports that were free on `host` a moment ago (the kernel's choice for port 0). */
export async function pickFreePorts(count, host = "127.0.0.1") {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen({ host, port: 0, exclusive: true }, resolve);
      });
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(() => resolve()))));
  }
}

/** Whether something accepts TCP connections on host:port within `timeoutMs`. */
export function probeTcp(host, port, timeoutMs = 2_000) {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

// ---------------------------------------------------------------------------------------
// etcd

/** The command-line flags of a single-member etcd cluster on `host`. */
/**
 * etcd's flags for a single-member cluster. With `tls` ({ cert, key, ca } PEM paths) its
 * client URL is https:// and it requires a client certificate the CA signed
 * (--client-cert-auth); peers stay plaintext on loopback.
 */
export function etcdArgs({ name, dataDir, host = "127.0.0.1", clientPort, peerPort, logLevel = "info", tls }) {
  const client = `${tls ? "https" : "http"}://${host}:${clientPort}`;
  const peer = `http://${host}:${peerPort}`;
  return [
    `--name=${name}`,
    `--data-dir=${dataDir}`,
    "--logger=zap",
    `--log-level=${logLevel}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=${name}=${peer}`,
    `--initial-cluster-token=${name}`,
    "--initial-cluster-state=new",
    ...(tls
      ? [`--cert-file=${tls.cert}`, `--key-file=${tls.key}`, `--trusted-ca-file=${tls.ca}`, "--client-cert-auth"]
      : []),
  ];
}

/**
 * Whether etcd at `endpoint` says it is healthy (it has a leader and no alarms). An
 * https:// endpoint is asked with `tls` ({ cert, key, ca } PEM paths).
 */
export async function etcdHealthy(endpoint, timeoutMs = LIMITS.healthRequestTimeoutMs, tls = undefined) {
  try {
    const body = endpoint.startsWith("https://")
      ? await httpsJson(`${endpoint}/health`, tls, timeoutMs)
      : await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(timeoutMs) }).then((r) =>
          r.ok ? r.json() : null,
        );
    return body?.health === "true" || body?.health === true;
  } catch {
    return false;
  }
}

/** GET `url` over TLS with the given PEM files; the parsed body, or null for a non-200 answer. */
function httpsJson(url, tls, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        ...(tls ? { ca: readFileSync(tls.ca), cert: readFileSync(tls.cert), key: readFileSync(tls.key) } : {}),
        timeout: timeoutMs,
      },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => {
          try {
            resolve(res.statusCode === 200 ? JSON.parse(text) : null);
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

/** Polls until etcd answers healthy ("healthy"), the process exits ("exited"), or the deadline ("timeout"). */
async function awaitEtcdHealthy(endpoint, proc, timeoutMs, tls) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exit) return "exited";
    const remaining = deadline - Date.now();
    if (remaining <= 0) return "timeout";
    if (await etcdHealthy(endpoint, Math.min(LIMITS.healthRequestTimeoutMs, remaining), tls)) return "healthy";
    await withTimeout(proc.exited, Math.min(LIMITS.pollIntervalMs, Math.max(0, deadline - Date.now())));
  }
}

function isEmptyDir(dir) {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

function emptyDir(dir) {
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
}

/**
 * Starts a single-member etcd and resolves once /health answers true, to
 * `{ proc, endpoint, clientPort, peerPort }`.
 *
 * With `ports` ({ clientPort, peerPort }) it uses exactly those (a restart on the same data
 * directory). Otherwise it picks free loopback ports; when etcd then fails to bind because
 * another process took one meanwhile, it tries again with new ones, up to `attempts` times,
 * emptying the data directory between tries if it was empty to begin with. Every spawned
 * process is passed to `onSpawn` before anything is awaited, so a caller can clean it up.
 * `wrap` is a command etcd runs under (e.g. `["ip", "netns", "exec", "<ns>"]`), which must
 * exec it in place so that the process's pid is etcd's own (signals reach etcd itself).
 */
export async function launchEtcd({
  bin,
  name = "tidelog",
  dataDir,
  host = "127.0.0.1",
  ports,
  logLevel = "info",
  logs,
  onSpawn,
  onLine,
  env = process.env,
  detached = false,
  attempts = LIMITS.etcdStartAttempts,
  readyTimeoutMs = LIMITS.etcdReadyTimeoutMs,
  pickPorts = (count) => pickFreePorts(count, host),
  wrap = [],
  tls = undefined,
}) {
  const fresh = isEmptyDir(dataDir);
  const tries = ports ? 1 : attempts;
  const failures = [];
  for (let attempt = 1; attempt <= tries; attempt++) {
    const [clientPort, peerPort] = ports ? [ports.clientPort, ports.peerPort] : await pickPorts(2);
    const endpoint = `${tls ? "https" : "http"}://${host}:${clientPort}`;
    const since = logs.seq;
    const args = etcdArgs({ name, dataDir, host, clientPort, peerPort, logLevel, tls });
    const [command, ...prefix] = [...wrap, bin];
    const proc = spawnProcess({ name: "etcd", command, args: [...prefix, ...args], env, logs, onLine, detached });
    onSpawn?.(proc);
    const outcome = await awaitEtcdHealthy(endpoint, proc, readyTimeoutMs, tls);
    if (outcome === "healthy") return { proc, endpoint, clientPort, peerPort };
    if (outcome === "timeout") {
      await stopProcess(proc, { signal: "SIGKILL" });
      throw new Error(
        `etcd did not become healthy at ${endpoint} within ${readyTimeoutMs} ms; its last lines:\n${logs.tail(undefined, since)}`,
      );
    }
    const bindFailed = logs.records(since).some((r) => /address already in use/i.test(r.text));
    const why = `etcd ${describeExit(proc.exit)} before it was healthy at ${endpoint}`;
    if (!bindFailed || ports) throw new Error(`${why}; its last lines:\n${logs.tail(undefined, since)}`);
    failures.push(`attempt ${attempt}: ports ${clientPort}/${peerPort} already in use`);
    if (fresh) emptyDir(dataDir);
  }
  throw new Error(`etcd could not bind free loopback ports in ${tries} attempts (${failures.join("; ")})`);
}

// ---------------------------------------------------------------------------------------
// Brokers

/**
 * The V8 flags every broker runs with (here, in deploy/Dockerfile and in the StatefulSet).
 * A broker's data lives in Buffers, outside the JS heap, and V8 counts external memory
 * allocated since the last mark-compact against an old-generation limit it sizes from the
 * small (~30 MB) JS heap. Without headroom, sustained produce traffic starts a full GC every
 * few hundred milliseconds that reclaims almost nothing, and replication factor 3 throughput
 * halves after ten seconds (bench/RESULTS.md, 2026-12-03). The value is a limit, not a
 * reservation: the heap only grows that far if garbage does.
 */
export const BROKER_NODE_FLAGS = ["--initial-old-space-size=256"];

/**
 * The allocator settings every broker runs with (here, in deploy/Dockerfile and in the
 * StatefulSet), unless the environment sets its own. A fetch answer passes through three
 * buffers of its size (the segment read, the protobuf encoding, grpc-js's framed copy), each
 * a fresh malloc of megabytes. glibc maps an allocation above its adaptive mmap threshold
 * freshly from the kernel, and hands freed heap memory back past its trim threshold; either
 * way the next answer faults its pages in again, one by one. Fixing the mmap
 * threshold at its 32 MiB maximum and trimming only past 64 MiB keeps them in the heap:
 * reading 600 MB of 1 KiB records from one broker took 1.5-4.5k minor faults instead of
 * 125-310k, and 0.9-1.2 s of broker CPU instead of 1.4-1.9 s (bench/RESULTS.md, 2026-12-03),
 * for about 20 MB more peak RSS. Other C libraries ignore the variable.
 */
export const BROKER_ENV = {
  GLIBC_TUNABLES: "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864",
};

/** How to run a broker: from TypeScript source through tsx ("source"), or the build ("dist"). */
export function brokerCommand(root, entry = "source") {
  if (entry === "dist") return [process.execPath, ...BROKER_NODE_FLAGS, join(root, "dist", "server", "main.js")];
  if (entry !== "source") throw new Error(`unknown broker entry "${entry}" (expected "source" or "dist")`);
  const tsx = ["--import", "tsx", "--conditions=tidelog-source"];
  return [process.execPath, ...BROKER_NODE_FLAGS, ...tsx, join(root, "src", "server", "main.ts")];
}

/**
 * The broker's flags, in its contract's Kafka-style dotted names. `config` holds any other
 * keys, and may override the defaults here (e.g. `grpc.port`).
 */
export function brokerArgs({ id, clusterId, etcdEndpoints, logDirs, host = "127.0.0.1", config = {} }) {
  const settings = {
    "broker.id": String(id),
    "cluster.id": clusterId,
    "etcd.endpoints": Array.isArray(etcdEndpoints) ? etcdEndpoints.join(",") : etcdEndpoints,
    "log.dirs": logDirs,
    "grpc.host": host,
    "grpc.port": "0",
    "http.port": "0",
    ...config,
  };
  return Object.entries(settings).map(([key, value]) => `--${key}=${value}`);
}

/**
 * The environment for a child process: ours without TIDELOG_* (launcher and test settings
 * such as TIDELOG_ETCD_BIN, which a broker would read as config keys; everything a broker
 * needs is passed as flags) and without NODE_TEST_CONTEXT (set by node:test), plus `extra`.
 */
export function childEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("TIDELOG_") && key !== "NODE_TEST_CONTEXT" && value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

/** The fields of a broker's "broker started" line, checked; throws on a malformed one. */
export function readyInfo(json, expectedId) {
  const grpcPort = Number(json.grpcPort);
  const httpPort = Number(json.httpPort);
  const host = typeof json.host === "string" && json.host.length > 0 ? json.host : "127.0.0.1";
  if (!Number.isInteger(grpcPort) || grpcPort < 1 || grpcPort > 65_535) {
    throw new Error(`broker ${expectedId} logged "broker started" without a valid grpcPort: ${JSON.stringify(json)}`);
  }
  if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65_535) {
    throw new Error(`broker ${expectedId} logged "broker started" without a valid httpPort: ${JSON.stringify(json)}`);
  }
  if (json.brokerId !== undefined && Number(json.brokerId) !== expectedId) {
    throw new Error(`broker ${expectedId} logged "broker started" with brokerId ${json.brokerId}`);
  }
  return { host, grpcPort, httpPort };
}

/**
 * Spawns a broker and resolves once it has logged "broker started", to
 * `{ proc, host, grpcPort, httpPort }`. If it exits first, or the deadline passes (it is
 * then killed), rejects with its exit and last log lines.
 */
export async function launchBroker({
  id,
  command,
  args,
  cwd,
  env = childEnv(),
  logs,
  onSpawn,
  onLine,
  detached = false,
  readyTimeoutMs = LIMITS.brokerReadyTimeoutMs,
}) {
  const since = logs.seq;
  let ready;
  let malformed;
  let signalReady;
  const readyOrBad = new Promise((resolve) => {
    signalReady = resolve;
  });
  const unsubscribe = logs.subscribe((record) => {
    if (ready || malformed || record.stream !== "stdout" || record.json?.msg !== "broker started") return;
    try {
      ready = readyInfo(record.json, id);
    } catch (error) {
      malformed = error;
    }
    signalReady();
  });
  const [program, ...programArgs] = command;
  const proc = spawnProcess({
    name: `broker-${id}`,
    command: program,
    args: [...programArgs, ...args],
    cwd,
    env: { ...BROKER_ENV, ...env },
    logs,
    onLine,
    detached,
  });
  onSpawn?.(proc);
  let outcome;
  try {
    outcome = await withTimeout(
      Promise.race([readyOrBad.then(() => "logged"), proc.exited.then(() => "exited")]),
      readyTimeoutMs,
    );
  } finally {
    unsubscribe();
  }
  if (ready && !proc.exit) return { proc, ...ready };
  await stopProcess(proc, { signal: "SIGKILL" });
  let why;
  if (malformed) why = malformed.message;
  else if (outcome === undefined)
    why = `broker ${id} did not log "broker started" within ${readyTimeoutMs} ms (killed)`;
  else if (ready) why = `broker ${id} ${describeExit(proc.exit)} right after it logged "broker started"`;
  else why = `broker ${id} ${describeExit(proc.exit)} before it logged "broker started"`;
  throw new Error(`${why}; its last lines:\n${logs.tail(undefined, since)}`);
}

// ---------------------------------------------------------------------------------------
// Readable logs

const PINO_LEVELS = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const LEVEL_COLOURS = { TRACE: "90", DEBUG: "90", INFO: "32", WARN: "33", ERROR: "31", FATAL: "31" };
const NAME_COLOURS = ["36", "35", "33", "34", "32", "96", "95", "94"];
/** Fields shown elsewhere on the line (level, message, the prefix) or of no use when reading. */
const HIDDEN_FIELDS = new Set(["level", "time", "ts", "msg", "pid", "hostname", "brokerId", "caller", "v"]);

function paint(colour, text, useColour) {
  return useColour ? `\u001b[${colour}m${text}\u001b[0m` : text;
}

/** A stable colour for a process name, so each broker's prefix keeps its colour. */
export function nameColour(name) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return NAME_COLOURS[hash % NAME_COLOURS.length];
}

function levelName(level) {
  if (typeof level === "number") return PINO_LEVELS[level] ?? `L${level}`;
  if (typeof level === "string") return level.toUpperCase();
  return "INFO";
}

function renderValue(value) {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value !== null && typeof value === "object" && typeof value.message === "string") {
    return JSON.stringify(value.message);
  }
  return JSON.stringify(value);
}

/**
 * One output line as a human reads it: `[broker-1] INFO  message key=value ...` from a pino
 * or zap JSON line; other text (stderr, stack traces) after the prefix as it is. Error
 * stacks (`err.stack`) follow on indented lines.
 */
export function formatLogLine(record, { name, nameWidth = name.length, colour = false }) {
  const prefix = paint(nameColour(name), `[${name}]`.padEnd(nameWidth + 2), colour);
  const json = record.json;
  if (!json) return `${prefix} ${record.text}`;
  const level = levelName(json.level);
  const fields = [];
  const stacks = [];
  for (const [key, value] of Object.entries(json)) {
    if (HIDDEN_FIELDS.has(key) || value === undefined) continue;
    fields.push(`${paint("2", `${key}=`, colour)}${renderValue(value)}`);
    if (value !== null && typeof value === "object" && typeof value.stack === "string") stacks.push(value.stack);
  }
  const msg = typeof json.msg === "string" ? json.msg : "";
  const head = `${prefix} ${paint(LEVEL_COLOURS[level] ?? "0", level.padEnd(5), colour)} ${msg}`;
  const line = fields.length > 0 ? `${head} ${fields.join(" ")}` : head;
  const indent = " ".repeat(nameWidth + 3);
  return [line, ...stacks.flatMap((s) => s.split("\n").map((l) => `${indent}${l}`))].join("\n");
}

// ---------------------------------------------------------------------------------------
// State file

/** Writes JSON to `path` atomically (a temporary file renamed over it). */
export function writeStateFile(path, state) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, path);
}

/** Reads a JSON state file, or undefined when it is missing or unreadable. */
export function readStateFile(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}
