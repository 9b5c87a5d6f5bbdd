#!/usr/bin/env node
// `npm start`: a local tidelog cluster for trying tidelog out and for development: a
// private etcd and three brokers on free 127.0.0.1 ports, data kept under .tidelog/
// between runs, readable logs, and .tidelog/cluster.json for the CLI. Ctrl-C stops it.
//
// Plain JavaScript with no dependencies, because it runs before any are installed. The
// process handling is shared with the test harness: scripts/cluster-launcher.mjs.
//
// Children run in their own process groups, so a terminal's Ctrl-C reaches only this
// launcher, which then stops them in order: brokers first (SIGTERM, then SIGKILL after a
// grace period), etcd last. A launcher that dies without stopping them (SIGKILL) leaves
// its children's pids in <data>/launcher.lock; the next start kills the ones still running.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ensureBuild, ensureDependencies, ensureEtcd, projectRoot } from "./bootstrap.mjs";
import {
  brokerArgs,
  brokerCommand,
  childEnv,
  describeExit,
  formatLogLine,
  isAlive,
  LIMITS,
  LogRing,
  launchBroker,
  launchEtcd,
  processCommandLine,
  readStateFile,
  signalProcess,
  stopProcess,
  writeStateFile,
} from "./cluster-launcher.mjs";
import { LOCAL_ADMIN_CN, LOCAL_BROKER_CN, localPki } from "./local-pki.mjs";

/** Brokers in a local cluster; each is a Node process of roughly 60-100 MB. */
const BROKERS_MAX = 16;

const USAGE = `Usage: npm start -- [options] [--broker.setting=value ...]

Starts a local tidelog cluster: a private etcd and brokers on free 127.0.0.1 ports, with
their data under .tidelog/ (kept between runs), and writes .tidelog/cluster.json, where the
CLI finds the cluster. Ctrl-C stops everything.

Options:
  --brokers N            how many brokers, 1 to ${BROKERS_MAX} (default 3)
  --data DIR             the data directory, holding cluster.json too (default .tidelog)
  --source               run the brokers from TypeScript source through tsx; no build
  --broker-command CMD   run CMD instead of the broker; words split on spaces, flags follow
  --no-setup             skip the dependency and build checks
  --secure               TLS on every broker listener, the authorizer on and SCRAM:
                         a throwaway CA and certificates in DIR/pki (kept between
                         runs), the brokers' and an admin's principals as super users
                         (clients without a certificate are anonymous until they
                         authenticate with SCRAM); cluster.json names the admin's
                         certificate, so the CLI connects as it
  --restart-stopped      ask the cluster already running from the data directory to
                         restart the brokers that exited (after a kill -9, say), on
                         the same data; cluster.json is updated when they are back
  --KEY=VALUE            a broker setting with a dotted KEY, given to every broker,
                         e.g. --log.level=debug or --cluster.id=dev (default id "local")
  -h, --help             this text

Environment:
  TIDELOG_ETCD=URL[,URL]  use this etcd instead of starting one
  TIDELOG_ETCD_BIN=PATH   the etcd binary (default: etcd on the PATH)
  TIDELOG_NO_INSTALL=1    never install Debian's etcd-server
  NO_COLOR=1              no colours, even on a terminal

When a broker exits on its own, the launcher says so with its last lines, drops it from
cluster.json and keeps the others running (so fail-over can be tried by killing one),
until \`npm start -- --restart-stopped\` (or SIGUSR2 to the launcher) brings it back;
when no broker is left, or etcd exits, it stops everything and exits with status 1. A
broker that fails to start stops everything too.
`;

/** etcd warnings that say nothing to someone running a local cluster. */
const QUIET_ETCD_MESSAGES = new Set(["simple token is not cryptographically signed"]);
/** Output lines kept per process, for the last-lines report when one exits. */
const TAIL_LINES_KEPT = 200;
/** Lines quoted when a process exits unexpectedly. */
const EXIT_REPORT_LINES = 15;
/** A second Ctrl-C this long after the first forces SIGKILL; sooner, it is the same keypress
 * forwarded by npm (which passes its signals on to the script). */
const FORCE_AFTER_MS = 1_000;
const PROJECT_ROOT = projectRoot();
const INVOKED_FROM = process.env.INIT_CWD ?? process.cwd();

// ---------------------------------------------------------------------------------------
// Arguments

function usageError(message) {
  process.stderr.write(`npm start: ${message}\nRun \`npm start -- --help\` for the options.\n`);
  process.exit(2);
}

function parseArguments(argv) {
  const options = {
    brokers: 3,
    data: undefined,
    source: false,
    command: undefined,
    setup: true,
    restartStopped: false,
    secure: false,
    config: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    const inline = equals > 0 ? arg.slice(equals + 1) : undefined;
    const value = () => {
      if (inline !== undefined) return inline;
      i++;
      if (argv[i] === undefined) usageError(`${flag} needs a value`);
      return argv[i];
    };
    if (flag === "-h" || flag === "--help") options.help = true;
    else if (flag === "--brokers") options.brokers = Number(value());
    else if (flag === "--data") options.data = value();
    else if (flag === "--source") options.source = true;
    else if (flag === "--broker-command") options.command = value().split(/\s+/).filter(Boolean);
    else if (flag === "--no-setup") options.setup = false;
    else if (flag === "--restart-stopped") options.restartStopped = true;
    else if (flag === "--secure") options.secure = true;
    else if (/^--[a-z0-9]+(\.[a-z0-9-]+)+$/i.test(flag) && inline !== undefined) options.config[flag.slice(2)] = inline;
    else usageError(`unknown option ${arg}`);
  }
  if (!Number.isSafeInteger(options.brokers) || options.brokers < 1 || options.brokers > BROKERS_MAX) {
    usageError(`--brokers takes a number from 1 to ${BROKERS_MAX}`);
  }
  if (options.command?.length === 0) usageError("--broker-command is empty");
  return options;
}

// ---------------------------------------------------------------------------------------
// Output

const colour = process.stdout.isTTY === true && !("NO_COLOR" in process.env) && process.env.TERM !== "dumb";

function show(path) {
  const rel = relative(INVOKED_FROM, path);
  return rel === "" ? "." : rel.startsWith("..") ? path : rel;
}

function createPrinter(brokerCount) {
  const nameWidth = Math.max("tidelog".length, `broker-${brokerCount}`.length);
  return {
    line(name, record) {
      process.stdout.write(`${formatLogLine(record, { name, nameWidth, colour })}\n`);
    },
    say(message) {
      for (const text of message.split("\n")) this.line("tidelog", { text, json: undefined });
    },
  };
}

// ---------------------------------------------------------------------------------------
// The lock: one launcher per data directory, and a record of its children

function dataDirOf(options) {
  return resolve(INVOKED_FROM, options.data ?? join(PROJECT_ROOT, ".tidelog"));
}

function lockHolderAlive(holder) {
  if (typeof holder?.pid !== "number" || holder.pid === process.pid || !isAlive(holder.pid)) return false;
  const commandLine = processCommandLine(holder.pid);
  return commandLine === undefined || commandLine.includes("start.mjs");
}

/** Kills children of a dead launcher that still run on this data directory. */
async function reapLeftovers(holder, dataDir, printer) {
  const leftovers = (Array.isArray(holder?.children) ? holder.children : []).filter(
    (c) => typeof c.pid === "number" && isAlive(c.pid) && processCommandLine(c.pid)?.includes(dataDir),
  );
  for (const child of leftovers) {
    printer.say(`stopping ${child.name} (pid ${child.pid}), left running by a launcher that did not shut down`);
    try {
      process.kill(child.pid, "SIGKILL");
    } catch (error) {
      if (error.code !== "ESRCH") throw error;
    }
  }
  const deadline = Date.now() + LIMITS.killWaitMs;
  while (leftovers.some((c) => isAlive(c.pid)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, LIMITS.pollIntervalMs));
  }
  const stuck = leftovers.filter((c) => isAlive(c.pid));
  if (stuck.length > 0) {
    throw new Error(`leftover processes would not die: ${stuck.map((c) => `${c.name} (pid ${c.pid})`).join(", ")}`);
  }
}

async function acquireLock(lockPath, dataDir, printer) {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      writeFileSync(lockPath, JSON.stringify({ pid: process.pid, children: [] }), { flag: "wx" });
      return;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
    const holder = readStateFile(lockPath);
    if (lockHolderAlive(holder)) {
      throw new Error(
        `a cluster is already running from ${show(dataDir)} (launcher pid ${holder.pid}); ` +
          `stop it first (Ctrl-C in its terminal, or kill ${holder.pid}), or use another --data directory`,
      );
    }
    await reapLeftovers(holder, dataDir, printer);
    rmSync(lockPath, { force: true });
  }
  throw new Error(`could not take ${lockPath}: another launcher is starting at the same time`);
}

// ---------------------------------------------------------------------------------------
// The launcher

class Launcher {
  stopping = false;
  /** name -> { name, kind: "etcd" | "broker", id, proc, logs, ready } */
  members = new Map();
  /** Ids of brokers that exited after they were ready, for --restart-stopped. */
  stoppedBrokers = new Set();
  restarting = false;
  firstSignalAt = 0;
  /** The certificates, with --secure (made or reused before the brokers start). */
  pki = undefined;

  constructor(options, printer) {
    this.options = options;
    this.printer = printer;
    this.clusterId = options.config["cluster.id"] ?? "local";
    this.dataDir = dataDirOf(options);
    this.lockPath = join(this.dataDir, "launcher.lock");
    this.statePath = join(this.dataDir, "cluster.json");
    this.defaultDataDir = this.dataDir === join(PROJECT_ROOT, ".tidelog");
  }

  adopt(name, kind, id, proc, logs) {
    const member = { name, kind, id, proc, logs, ready: undefined };
    this.members.set(name, member);
    this.recordChildren();
    void proc.exited.then(() => this.onExit(member));
    return member;
  }

  recordChildren() {
    const children = [...this.members.values()]
      .filter((m) => !m.proc.exit && m.proc.pid !== undefined)
      .map((m) => ({ name: m.name, pid: m.proc.pid }));
    writeStateFile(this.lockPath, { pid: process.pid, children });
  }

  onExit(member) {
    if (this.stopping || this.members.get(member.name) !== member) return;
    this.recordChildren();
    if (member.kind === "broker" && !member.ready) return; // reported by the start-up path
    const how = describeExit(member.proc.exit);
    this.printer.say(`${member.name} exited unexpectedly: ${how}. Its last lines:`);
    for (const record of member.logs.records().slice(-EXIT_REPORT_LINES)) this.printer.line(member.name, record);
    if (member.kind === "etcd") {
      this.printer.say("the brokers cannot work without etcd; stopping the cluster.");
      void this.shutdown(1);
      return;
    }
    this.members.delete(member.name);
    this.stoppedBrokers.add(member.id);
    const left = this.brokers();
    if (left.length === 0) {
      this.printer.say("no broker is left; stopping the cluster.");
      void this.shutdown(1);
      return;
    }
    this.writeClusterFile();
    this.printer.say(
      `still running: ${left.map((b) => b.name).join(", ")} (cluster.json updated); ` +
        `\`npm start -- --restart-stopped${this.dataFlag()}\` restarts ${member.name}`,
    );
  }

  dataFlag() {
    return this.defaultDataDir ? "" : ` --data ${show(this.dataDir)}`;
  }

  /** SIGUSR2 (sent by `npm start -- --restart-stopped`): every stopped broker again, on its data. */
  async restartStopped() {
    if (this.stopping || this.restarting) return;
    const ids = [...this.stoppedBrokers].sort((a, b) => a - b);
    if (ids.length === 0) {
      this.printer.say("asked to restart stopped brokers: none is stopped.");
      return;
    }
    this.restarting = true;
    try {
      this.printer.say(`restarting ${ids.map((id) => `broker-${id}`).join(", ")}...`);
      for (const id of ids) this.stoppedBrokers.delete(id);
      const results = await Promise.allSettled(ids.map((id) => this.startBroker(id, this.command)));
      if (this.stopping) return;
      results.forEach((r, i) => {
        if (r.status === "fulfilled") return;
        this.stoppedBrokers.add(ids[i]);
        this.printer.say(`broker-${ids[i]} failed to restart: ${r.reason.message}`);
      });
      this.writeClusterFile();
      this.printer.say(
        `running: ${this.brokers()
          .map((b) => b.name)
          .join(", ")} (cluster.json updated)`,
      );
    } finally {
      this.restarting = false;
    }
  }

  brokers() {
    return [...this.members.values()].filter((m) => m.kind === "broker" && m.ready && !m.proc.exit);
  }

  bootstrap() {
    return this.brokers()
      .map((b) => `${b.ready.host}:${b.ready.grpcPort}`)
      .join(",");
  }

  /** With --secure: the certificates (made on first use) and the broker settings that use them. */
  secureConfig() {
    if (!this.pki) return {};
    return {
      "security.protocol": "SSL",
      "ssl.certificate.location": this.pki.broker.cert,
      "ssl.key.location": this.pki.broker.key,
      "ssl.ca.location": this.pki.ca,
      // Requested: brokers and the admin present certificates; applications may use SCRAM instead.
      "ssl.client.auth": "requested",
      "authorizer.class.name": "StandardAuthorizer",
      "super.users": `User:CN=${LOCAL_BROKER_CN};User:CN=${LOCAL_ADMIN_CN}`,
      "sasl.enabled.mechanisms": "SCRAM-SHA-256,SCRAM-SHA-512",
    };
  }

  writeClusterFile() {
    writeStateFile(this.statePath, {
      clusterId: this.clusterId,
      bootstrap: this.bootstrap(),
      // What the CLI connects with (tls-options.ts reads this block): the admin's certificate.
      ...(this.pki ? { ssl: { ca: this.pki.ca, cert: this.pki.admin.cert, key: this.pki.admin.key } } : {}),
      etcd: this.etcdEndpoints,
      brokers: this.brokers().map((b) => ({
        id: b.id,
        address: `${b.ready.host}:${b.ready.grpcPort}`,
        httpAddress: `${b.ready.host}:${b.ready.httpPort}`,
        pid: b.proc.pid,
      })),
      startedAt: this.startedAt,
      launcherPid: process.pid,
    });
  }

  async startEtcd(bin) {
    const external = process.env.TIDELOG_ETCD;
    if (external) {
      this.etcdEndpoints = external;
      this.printer.say(`using the etcd at ${external} (TIDELOG_ETCD)`);
      return;
    }
    const dataDir = join(this.dataDir, "etcd");
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const logs = new LogRing(TAIL_LINES_KEPT);
    const started = await launchEtcd({
      bin,
      name: "tidelog-local",
      dataDir,
      logLevel: "warn",
      logs,
      env: childEnv(),
      detached: true,
      onSpawn: (proc) => this.adopt("etcd", "etcd", undefined, proc, logs),
      onLine: (record) => {
        if (!QUIET_ETCD_MESSAGES.has(record.json?.msg)) this.printer.line("etcd", record);
      },
    });
    this.etcdEndpoints = started.endpoint;
    this.printer.say(`etcd is up at ${started.endpoint} (data in ${show(dataDir)})`);
  }

  async startBroker(id, command) {
    const name = `broker-${id}`;
    const logDirs = join(this.dataDir, name);
    mkdirSync(logDirs, { recursive: true });
    const logs = new LogRing(TAIL_LINES_KEPT);
    let member;
    const started = await launchBroker({
      id,
      command,
      args: brokerArgs({
        id,
        clusterId: this.clusterId,
        etcdEndpoints: this.etcdEndpoints,
        logDirs,
        // A topic created without a replication factor gets as many copies as there are
        // brokers, up to Kafka's usual 3 (the broker's own default, 1, suits one broker).
        config: {
          "default.replication.factor": String(Math.min(3, this.options.brokers)),
          ...this.secureConfig(),
          ...this.options.config,
        },
      }),
      cwd: PROJECT_ROOT,
      env: childEnv(),
      logs,
      detached: true,
      onSpawn: (proc) => {
        member = this.adopt(name, "broker", id, proc, logs);
      },
      onLine: (record) => this.printer.line(name, record),
    });
    member.ready = { host: started.host, grpcPort: started.grpcPort, httpPort: started.httpPort };
  }

  async run(etcdBin, command) {
    this.command = command;
    mkdirSync(this.dataDir, { recursive: true });
    await acquireLock(this.lockPath, this.dataDir, this.printer);
    rmSync(this.statePath, { force: true }); // a stale one from a launcher that died
    this.installSignalHandlers();
    process.on("exit", () => this.killEverythingNow());
    this.startedAt = new Date().toISOString();
    if (this.options.secure) {
      try {
        this.pki = localPki(join(this.dataDir, "pki"));
      } catch (e) {
        const missing = e?.code === "ENOENT";
        this.printer.say(
          missing
            ? "--secure makes its certificates with openssl, which is not installed: apt-get install openssl"
            : `--secure could not make its certificates in ${show(join(this.dataDir, "pki"))}: ${e.message}`,
        );
        await this.shutdown(1);
        return;
      }
      if (this.pki.made) this.printer.say(`made a throwaway CA and certificates in ${show(join(this.dataDir, "pki"))}`);
    }

    await this.startEtcd(etcdBin);
    if (this.stopping) return;
    const ids = Array.from({ length: this.options.brokers }, (_, i) => i + 1);
    const results = await Promise.allSettled(ids.map((id) => this.startBroker(id, command)));
    if (this.stopping) return;
    const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason.message] : []));
    if (failures.length > 0) {
      this.printer.say(`${failures.length} of ${ids.length} brokers failed to start:\n${failures.join("\n")}`);
      await this.shutdown(1);
      return;
    }
    this.writeClusterFile();
    this.printReady();
  }

  printReady() {
    const bootstrap = this.bootstrap();
    const where = this.defaultDataDir
      ? "the CLI finds .tidelog/cluster.json; or"
      : `the CLI looks for .tidelog/cluster.json, but this one is ${show(this.statePath)}, so`;
    this.printer.say(
      [
        `Cluster "${this.clusterId}" ready: ${this.brokers().length} brokers at ${bootstrap}, etcd at ${this.etcdEndpoints}`,
        `Try:  npx tidelog cluster describe   (${where} export TIDELOG_BOOTSTRAP=${bootstrap})`,
        ...(this.pki
          ? [
              `Secured: TLS with client certificates, the authorizer on (super users: the brokers and ${LOCAL_ADMIN_CN}), SCRAM users (npx tidelog users create <name>).`,
              `The CLI connects as ${LOCAL_ADMIN_CN} through cluster.json; elsewhere use --ssl-ca ${show(this.pki.ca)} --ssl-cert ${show(this.pki.admin.cert)} --ssl-key ${show(this.pki.admin.key)}`,
            ]
          : []),
        "Ctrl-C stops the cluster.",
      ].join("\n"),
    );
  }

  installSignalHandlers() {
    process.on("SIGUSR2", () => void this.restartStopped());
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
      process.on(signal, () => {
        if (!this.stopping) {
          this.firstSignalAt = Date.now();
          this.printer.say(`${signal}: stopping the cluster (Ctrl-C again to kill it at once)...`);
          void this.shutdown(0);
        } else if (Date.now() - this.firstSignalAt >= FORCE_AFTER_MS) {
          this.printer.say(`${signal} again: killing everything now.`);
          process.exit(1); // the 'exit' hook sends SIGKILL
        }
      });
    }
  }

  async shutdown(code) {
    if (this.stopping) return;
    this.stopping = true;
    const all = [...this.members.values()].filter((m) => !m.proc.exit);
    const brokers = all.filter((m) => m.kind === "broker");
    if (brokers.length > 0) this.printer.say(`stopping ${brokers.map((b) => b.name).join(", ")}...`);
    await Promise.all(brokers.map((b) => this.stopMember(b, LIMITS.brokerStopGraceMs)));
    const etcd = all.find((m) => m.kind === "etcd");
    if (etcd) {
      this.printer.say("stopping etcd...");
      await this.stopMember(etcd, LIMITS.etcdStopGraceMs);
    }
    rmSync(this.statePath, { force: true });
    rmSync(this.lockPath, { force: true });
    this.printer.say(code === 0 ? "stopped." : "stopped, after the failure above.");
    process.exit(code);
  }

  async stopMember(member, graceMs) {
    const result = await stopProcess(member.proc, { graceMs });
    if (result.forced) this.printer.say(`${member.name} did not exit within ${graceMs} ms of SIGTERM; killed it.`);
    else if (member.kind === "broker" && result.code !== 0) {
      this.printer.say(`${member.name} stopped with ${describeExit(result)}.`);
    }
  }

  killEverythingNow() {
    for (const member of this.members.values()) signalProcess(member.proc, "SIGKILL");
    const holder = readStateFile(this.lockPath);
    if (holder?.pid === process.pid) {
      rmSync(this.lockPath, { force: true });
      rmSync(this.statePath, { force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------

const options = parseArguments(process.argv.slice(2));
if (options.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
// A cluster already running from this directory is found before any install or build,
// which would otherwise take a minute to end in "already running".
const holder = readStateFile(join(dataDirOf(options), "launcher.lock"));
const running = lockHolderAlive(holder);
if (options.restartStopped) {
  if (!running) {
    process.stderr.write(
      `npm start: no cluster is running from ${show(dataDirOf(options))}; \`npm start\` starts one.\n`,
    );
    process.exit(1);
  }
  process.kill(holder.pid, "SIGUSR2");
  process.stdout.write(
    `asked the launcher (pid ${holder.pid}) to restart its stopped brokers; its terminal reports them, and cluster.json lists them when they are ready.\n`,
  );
  process.exit(0);
}
if (running) {
  process.stderr.write(
    `npm start: a cluster is already running from ${show(dataDirOf(options))} (launcher pid ${holder.pid}); ` +
      `stop it first (Ctrl-C in its terminal, or kill ${holder.pid}), use another --data directory, ` +
      "or restart its stopped brokers with `npm start -- --restart-stopped`.\n",
  );
  process.exit(1);
}
if (options.setup) {
  ensureDependencies(PROJECT_ROOT);
  if (!options.source && !options.command) ensureBuild(PROJECT_ROOT);
}
const command = options.command ?? brokerCommand(PROJECT_ROOT, options.source ? "source" : "dist");
if (!options.command && !existsSync(command[command.length - 1])) {
  process.stderr.write(
    `npm start: ${command[command.length - 1]} does not exist: the broker entry point ` +
      `(src/server/main.ts) is missing${options.source ? "" : ", or the build did not produce it"}.\n`,
  );
  process.exit(1);
}
const etcdBin = ensureEtcd({ required: true });
const printer = createPrinter(options.brokers);
const launcher = new Launcher(options, printer);
try {
  await launcher.run(etcdBin, command);
} catch (error) {
  if (!launcher.stopping) {
    printer.say(error instanceof Error ? error.message : String(error));
    if (launcher.members.size > 0) await launcher.shutdown(1);
    process.exit(1);
  }
}
