/**
 * A cluster this process launches and can break: a single-member etcd and N brokers
 * (ids 1..N) of the tidelog checkout this package sits in, started with the process code
 * `npm start` uses (scripts/cluster-launcher.mjs), in a run directory of their own
 * (run-dir.ts). What it is launched with decides which faults it can take:
 *
 *   network: true   each broker and etcd in its own network namespace on a private bridge
 *                   (network.ts); brokers listen on <their address>:9292, etcd on :2379, and
 *                   clients here reach them all. Enables the partition faults.
 *   tmpfsMiB: n     each broker's data directory on an n MiB tmpfs (tmpfs.ts): disk-full.
 *   fakeClock: true each broker under libfaketime with its own offset file (fake-clock.ts):
 *                   clock-jump.
 *   (always)        kill, pause, etcd-kill, etcd-pause, torn-tail.
 *
 * Without the network, everything is on 127.0.0.1 with ports from the kernel; a restarted
 * broker asks for its old ports again (and takes fresh ones, saying so, if another process
 * took them meanwhile).
 *
 * Roles (controller, partition leader, transaction coordinator) come from the cluster's own
 * metadata through the SDK's admin API (roles.ts). "Registered" means listed by
 * describeCluster, which is what a restart waits for.
 *
 * Clean-up: close() stops the brokers (SIGTERM, SIGKILL after STOP_GRACE_MS), then etcd,
 * then removes the network, the mounts and the run directory. If this process ends first,
 * an exit hook (exit-hook.ts) kills the processes and removes the rest synchronously; a run
 * killed with SIGKILL is swept by the next launch. Not safe for concurrent calls on one
 * broker (a restart racing a kill of the same broker); calls on different brokers are.
 */

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { Client } from "@tidelog/client";
import type { Checkout } from "./checkout.js";
import { openCheckout } from "./checkout.js";
import { onProcessExit } from "./exit-hook.js";
import { FAKETIME_INSTALL_HINT, FakeClock, findLibfaketime } from "./fake-clock.js";
import { MemberProcess } from "./member-process.js";
import { type ClusterNetwork, createClusterNetwork } from "./network.js";
import { ClusterRoles } from "./roles.js";
import { createRunDir, removeRun, sweepAbandonedRuns } from "./run-dir.js";
import { fillUp, mountTmpfs, removeFiller, TMPFS_MIB_MAX, TMPFS_MIB_MIN, unmountTmpfsSync } from "./tmpfs.js";
import type {
  DiskFill,
  FaultKind,
  LocalClusterControl,
  LocalClusterOptions,
  Member,
  NetworkCut,
  PartitionRoles,
} from "./types.js";

/** Brokers per local cluster; each is a Node process of roughly 60-100 MB. */
const BROKERS_MAX = 16;
/** etcd's member id on the network (brokers are 1..BROKERS_MAX). */
const ETCD_MEMBER = 100;
/** Ports inside a namespace, where nothing else listens. */
const NETNS_GRPC_PORT = 9292;
const NETNS_HTTP_PORT = 9293;
const NETNS_ETCD_PORTS = { clientPort: 2379, peerPort: 2380 } as const;
/**
 * broker.session.timeout.ms when the launch does not set it: the broker's own default
 * (src/server/config.ts), passed explicitly so that `sessionTimeoutMs` is by construction
 * what the brokers run with, which the pause fault relies on.
 */
const DEFAULT_SESSION_TIMEOUT_MS = 9_000;
/** From "broker started" to being listed by describeCluster: a session's worth, and start-up on a busy machine. */
const REGISTER_TIMEOUT_MS = 60_000;
const REGISTER_POLL_MS = 200;
/** close(): a broker gets this long after SIGTERM (its contract is about 10 s; a test cluster needs no more). */
const STOP_GRACE_MS = 5_000;
const ETCD_STOP_GRACE_MS = 5_000;
/** The admin client behind the roles: an attempt gives up soon on a paused broker, a call within the timeout. */
const ADMIN_REQUEST_TIMEOUT_MS = 10_000;
const ADMIN_ATTEMPT_TIMEOUT_MS = 1_500;
const CONFIG_KEY = /^[a-z0-9]+(\.[a-z0-9-]+)+$/i;
const BIND_FAILURE = /EADDRINUSE|address already in use/i;
const PARTITION_FAULTS: readonly FaultKind[] = ["partition-leader", "partition-etcd", "partition-split"];
const ALL_FAULTS: readonly FaultKind[] = [
  "kill",
  "pause",
  "etcd-kill",
  "etcd-pause",
  "partition-leader",
  "partition-etcd",
  "partition-split",
  "disk-full",
  "clock-jump",
  "torn-tail",
];

/** What this machine allows a launch to ask for: null when available, else why not. */
export interface LocalClusterSupport {
  readonly network: string | null;
  readonly tmpfs: string | null;
  readonly fakeClock: string | null;
}

export class LocalClusterUnsupportedError extends Error {
  override name = "LocalClusterUnsupportedError";
}

/** Which of network, tmpfs and fakeClock this machine allows, and why not. */
export function localClusterSupport(): LocalClusterSupport {
  const linux = process.platform === "linux" ? null : `needs Linux, not ${process.platform}`;
  const root = linux ?? (process.getuid?.() === 0 ? null : "needs root");
  const ip = spawnSync("ip", ["-V"], { stdio: "ignore" });
  const network = root ?? (ip.error || ip.status !== 0 ? "needs `ip` (the iproute2 Debian package)" : null);
  const library = findLibfaketime();
  return {
    network: network === null ? null : `network namespaces ${network}`,
    tmpfs: root === null ? null : `a tmpfs data directory ${root}`,
    fakeClock: library === null ? `a fake clock needs libfaketime: ${FAKETIME_INSTALL_HINT}` : linux,
  };
}

interface Settings {
  readonly brokers: number;
  readonly brokerConfig: Readonly<Record<string, string>>;
  readonly network: boolean;
  readonly tmpfsMiB: number | null;
  readonly fakeClock: boolean;
  readonly log: ((line: string) => void) | undefined;
  readonly entry: "source" | "dist" | undefined;
}

function validate(options: LocalClusterOptions): Settings {
  const brokers = options.brokers ?? 3;
  if (!Number.isSafeInteger(brokers) || brokers < 1 || brokers > BROKERS_MAX) {
    throw new RangeError(`a local cluster has 1..${BROKERS_MAX} brokers, not ${brokers}`);
  }
  const brokerConfig = options.brokerConfig ?? {};
  for (const [key, value] of Object.entries(brokerConfig)) {
    if (!CONFIG_KEY.test(key))
      throw new TypeError(`broker setting "${key}" is not a dotted name like log.segment.bytes`);
    if (typeof value !== "string" || /[\r\n]/.test(value)) {
      throw new TypeError(`broker setting ${key} must be a one-line string, not ${JSON.stringify(value)}`);
    }
  }
  const session = brokerConfig["broker.session.timeout.ms"];
  if (session !== undefined && !(Number(session) > 0)) {
    throw new TypeError(`broker.session.timeout.ms must be a positive number of ms, not "${session}"`);
  }
  const tmpfsMiB = options.tmpfsMiB ?? null;
  if (tmpfsMiB !== null && (!Number.isSafeInteger(tmpfsMiB) || tmpfsMiB < TMPFS_MIB_MIN || tmpfsMiB > TMPFS_MIB_MAX)) {
    throw new RangeError(`tmpfsMiB takes ${TMPFS_MIB_MIN}..${TMPFS_MIB_MAX}, not ${tmpfsMiB}`);
  }
  if (options.entry !== undefined && options.entry !== "source" && options.entry !== "dist") {
    throw new TypeError(`entry is "source" or "dist", not ${JSON.stringify(options.entry)}`);
  }
  return {
    brokers,
    brokerConfig: { "broker.session.timeout.ms": String(DEFAULT_SESSION_TIMEOUT_MS), ...brokerConfig },
    network: options.network === true,
    tmpfsMiB,
    fakeClock: options.fakeClock === true,
    log: options.log,
    entry: options.entry,
  };
}

/**
 * Launches etcd and the brokers; resolves once every broker is registered. Refuses (a
 * LocalClusterUnsupportedError) what this machine cannot do of what was asked; see
 * localClusterSupport() to ask first.
 */
export async function launchLocalCluster(options: LocalClusterOptions = {}): Promise<LocalClusterControl> {
  const settings = validate(options);
  const support = localClusterSupport();
  const refused = [
    settings.network ? support.network : null,
    settings.tmpfsMiB !== null ? support.tmpfs : null,
    settings.fakeClock ? support.fakeClock : null,
  ].filter((why): why is string => why !== null);
  if (refused.length > 0) throw new LocalClusterUnsupportedError(`cannot launch as asked: ${refused.join("; ")}`);
  const checkout = await openCheckout(settings.entry);
  const etcdBin = checkout.bootstrap.findEtcd();
  if (etcdBin === null) {
    throw new LocalClusterUnsupportedError(`launching a cluster needs etcd: ${checkout.bootstrap.etcdInstallHint()}`);
  }
  const swept = sweepAbandonedRuns();
  if (swept.length > 0) settings.log?.(`[local-cluster] removed what killed runs left: ${swept.join(", ")}`);
  const cluster = new LocalCluster(checkout, settings, etcdBin);
  try {
    await cluster.start();
  } catch (error) {
    await cluster.close().catch(() => undefined);
    throw error;
  }
  return cluster;
}

interface BrokerSlot {
  readonly id: number;
  readonly process: MemberProcess;
  readonly dataDir: string;
  /** The tmpfs mount point holding dataDir, or null. */
  readonly diskDir: string | null;
  readonly clock: FakeClock | null;
  host: string;
  grpcPort: number;
  httpPort: number;
}

class LocalCluster implements LocalClusterControl {
  readonly brokerIds: readonly number[];
  readonly faults: ReadonlySet<FaultKind>;
  readonly unavailableFaults: ReadonlyMap<FaultKind, string>;
  readonly sessionTimeoutMs: number;
  private readonly runDir = createRunDir();
  private readonly clusterId = `verify-${randomBytes(4).toString("hex")}`;
  private readonly slots = new Map<number, BrokerSlot>();
  private readonly etcd: MemberProcess;
  private etcdEndpoint = "";
  private etcdPorts: { clientPort: number; peerPort: number } | undefined;
  private network: ClusterNetwork | null = null;
  /** The admin client behind the roles; made once the brokers' addresses are known. */
  private client: Client | null = null;
  private roles: ClusterRoles | null = null;
  /** Synchronous last-resort steps after the processes are killed (the network's teardown). */
  private readonly exitSteps = new Set<() => void>();
  private readonly unregisterExit: () => void;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly checkout: Checkout,
    private readonly settings: Settings,
    private readonly etcdBin: string,
  ) {
    this.brokerIds = Array.from({ length: settings.brokers }, (_, i) => i + 1);
    this.unavailableFaults = unavailableFaults(settings);
    this.faults = new Set(ALL_FAULTS.filter((kind) => !this.unavailableFaults.has(kind)));
    this.sessionTimeoutMs = Number(settings.brokerConfig["broker.session.timeout.ms"]);
    this.etcd = new MemberProcess("etcd", checkout.launcher, settings.log);
    this.unregisterExit = onProcessExit(() => this.removeEverythingNow());
  }

  get bootstrap(): string {
    return this.brokerIds.map((id) => this.brokerAddress(id)).join(",");
  }

  // ------------------------------------------------------------------ start-up

  async start(): Promise<void> {
    const say = (text: string) => this.settings.log?.(`[local-cluster] ${text}`);
    say(`run directory ${this.runDir}`);
    if (this.settings.network) {
      this.network = await createClusterNetwork([...this.brokerIds, ETCD_MEMBER], {
        onProcessExit: (fn) => {
          this.exitSteps.add(fn);
          return () => this.exitSteps.delete(fn);
        },
      });
      say(`network ${this.network.subnet}; cuts by ${this.network.cutMethodNote}`);
    }
    await this.launchEtcd();
    say(`etcd healthy at ${this.etcdEndpoint}`);
    for (const id of this.brokerIds) this.slots.set(id, await this.prepareBroker(id));
    const results = await Promise.allSettled(this.brokerIds.map((id) => this.launchBroker(this.slot(id))));
    const failed = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    if (failed.length > 0) {
      const messages = failed.map((e) => (e instanceof Error ? e.message : String(e)));
      throw new AggregateError(
        failed,
        `${failed.length} of ${this.brokerIds.length} brokers failed to start:\n${messages.join("\n\n")}`,
      );
    }
    this.client = new Client({
      brokers: this.bootstrap,
      requestTimeoutMs: ADMIN_REQUEST_TIMEOUT_MS,
      attemptTimeoutMs: ADMIN_ATTEMPT_TIMEOUT_MS,
    });
    this.roles = new ClusterRoles(this.client.admin());
    await Promise.all(this.brokerIds.map((id) => this.awaitRegistered(id)));
    say(`${this.brokerIds.length} brokers registered: ${this.bootstrap}`);
  }

  private async launchEtcd(): Promise<void> {
    const { launcher } = this.checkout;
    const dataDir = join(this.runDir, "etcd");
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const net = this.network;
    const started = await launcher.launchEtcd({
      bin: this.etcdBin,
      name: "tidelog-verify",
      dataDir,
      logLevel: "warn",
      logs: this.etcd.logs,
      onSpawn: this.etcd.adopt,
      onLine: this.etcd.onLine,
      env: launcher.childEnv(),
      detached: true,
      ...(net === null
        ? this.etcdPorts === undefined
          ? {}
          : { ports: this.etcdPorts }
        : { host: net.address(ETCD_MEMBER), ports: NETNS_ETCD_PORTS, wrap: net.command(ETCD_MEMBER, []) }),
    });
    this.etcdEndpoint = started.endpoint;
    this.etcdPorts = { clientPort: started.clientPort, peerPort: started.peerPort };
  }

  /** The broker's directories (a tmpfs mounted under it, if asked) and clock file. */
  private async prepareBroker(id: number): Promise<BrokerSlot> {
    let diskDir: string | null = null;
    let dataDir = join(this.runDir, `broker-${id}`);
    if (this.settings.tmpfsMiB !== null) {
      diskDir = join(this.runDir, `broker-${id}-disk`);
      mkdirSync(diskDir, { recursive: true });
      await mountTmpfs(diskDir, this.settings.tmpfsMiB);
      dataDir = join(diskDir, "data");
    }
    mkdirSync(dataDir, { recursive: true });
    let clock: FakeClock | null = null;
    const library = findLibfaketime();
    if (this.settings.fakeClock && library !== null) {
      mkdirSync(join(this.runDir, "clock"), { recursive: true });
      clock = new FakeClock(library, join(this.runDir, "clock", `broker-${id}`));
    }
    const net = this.network;
    return {
      id,
      process: new MemberProcess(`broker-${id}`, this.checkout.launcher, this.settings.log),
      dataDir,
      diskDir,
      clock,
      host: net === null ? "127.0.0.1" : net.address(id),
      grpcPort: net === null ? 0 : NETNS_GRPC_PORT,
      httpPort: net === null ? 0 : NETNS_HTTP_PORT,
    };
  }

  /** Starts the broker's process on its ports (0: the kernel's choice); resolves once it logged "broker started". */
  private async launchBroker(slot: BrokerSlot): Promise<void> {
    const { launcher, root, entry } = this.checkout;
    const net = this.network;
    const ports = { "grpc.port": String(slot.grpcPort), "http.port": String(slot.httpPort) };
    const hosts: Record<string, string> = net === null ? {} : { "grpc.host": slot.host, "http.host": slot.host };
    const args = launcher.brokerArgs({
      id: slot.id,
      clusterId: this.clusterId,
      etcdEndpoints: this.etcdEndpoint,
      logDirs: slot.dataDir,
      config: { ...this.settings.brokerConfig, ...hosts, ...ports },
    });
    const command = launcher.brokerCommand(root, entry);
    const started = await launcher.launchBroker({
      id: slot.id,
      command: net === null ? command : net.command(slot.id, command),
      args,
      cwd: root,
      env: launcher.childEnv(slot.clock?.env(process.env) ?? {}),
      logs: slot.process.logs,
      onSpawn: slot.process.adopt,
      onLine: slot.process.onLine,
      detached: true,
    });
    slot.host = started.host;
    slot.grpcPort = started.grpcPort;
    slot.httpPort = started.httpPort;
  }

  /** Polls describeCluster until it lists the broker; throws with the broker's last lines otherwise. */
  private async awaitRegistered(id: number): Promise<void> {
    const slot = this.slot(id);
    const deadline = Date.now() + REGISTER_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!slot.process.running) {
        throw new Error(`broker ${id} exited before it registered; its last lines:\n${slot.process.tail()}`);
      }
      if ((await this.requireRoles().registeredBrokers())?.includes(id)) return;
      await delay(REGISTER_POLL_MS);
    }
    throw new Error(
      `broker ${id} did not register within ${REGISTER_TIMEOUT_MS} ms (not listed by describeCluster); ` +
        `its last lines:\n${slot.process.tail()}`,
    );
  }

  // ------------------------------------------------------------------ processes

  async killBroker(id: number): Promise<void> {
    await this.slot(id).process.kill();
  }

  async restartBroker(id: number): Promise<void> {
    const slot = this.slot(id);
    if (slot.process.running) await slot.process.stop(STOP_GRACE_MS);
    const since = slot.process.logs.seq;
    try {
      await this.launchBroker(slot);
    } catch (error) {
      const bindFailed = slot.process.logs.records(since).some((r) => BIND_FAILURE.test(r.text));
      if (this.network !== null || !bindFailed) throw error;
      // Another process took a port while the broker was down: fresh ones rather than no broker.
      this.settings.log?.(`[local-cluster] broker ${id}'s ports were taken meanwhile; restarting it on new ones`);
      slot.grpcPort = 0;
      slot.httpPort = 0;
      await this.launchBroker(slot);
    }
    await this.awaitRegistered(id);
  }

  async pauseBroker(id: number): Promise<void> {
    await this.slot(id).process.pause();
  }

  async resumeBroker(id: number): Promise<void> {
    await this.slot(id).process.resume();
  }

  async killEtcd(): Promise<void> {
    await this.etcd.kill();
  }

  async restartEtcd(): Promise<void> {
    if (this.etcd.running) await this.etcd.stop(ETCD_STOP_GRACE_MS);
    await this.launchEtcd();
  }

  async pauseEtcd(): Promise<void> {
    await this.etcd.pause();
  }

  async resumeEtcd(): Promise<void> {
    await this.etcd.resume();
  }

  brokerPid(id: number): number | null {
    return this.slot(id).process.pid;
  }

  etcdPid(): number | null {
    return this.etcd.pid;
  }

  brokerAddress(id: number): string {
    const slot = this.slot(id);
    return `${slot.host}:${slot.grpcPort}`;
  }

  /** The broker's HTTP (health, metrics, admin) address, "host:port". */
  brokerHttpAddress(id: number): string {
    const slot = this.slot(id);
    return `${slot.host}:${slot.httpPort}`;
  }

  dataDir(id: number): string {
    return this.slot(id).dataDir;
  }

  logTail(member: Member, lines?: number): string {
    return (member.kind === "etcd" ? this.etcd : this.slot(member.id).process).tail(lines);
  }

  // ------------------------------------------------------------------ roles

  controllerId(): Promise<number | null> {
    return this.requireRoles().controllerId();
  }

  leaderOf(topic: string, partition: number): Promise<number | null> {
    return this.requireRoles().leaderOf(topic, partition);
  }

  transactionCoordinatorOf(transactionalId: string): Promise<number | null> {
    return this.requireRoles().transactionCoordinatorOf(transactionalId);
  }

  partitionsOf(topics: readonly string[]): Promise<PartitionRoles[]> {
    return this.requireRoles().partitionsOf(topics);
  }

  // ------------------------------------------------------------------ faults beyond processes

  async cut(from: Member, to: readonly Member[]): Promise<NetworkCut> {
    const net = this.network;
    if (net === null) throw new Error(`cannot cut the network: ${this.unavailableFaults.get("partition-leader")}`);
    const memberId = (m: Member) => (m.kind === "etcd" ? ETCD_MEMBER : this.slot(m.id).id);
    return net.cut(memberId(from), to.map(memberId));
  }

  async fillDisk(id: number): Promise<DiskFill> {
    const slot = this.slot(id);
    if (slot.diskDir === null) throw new Error(`cannot fill a disk: ${this.unavailableFaults.get("disk-full")}`);
    const path = join(slot.diskDir, "filler");
    const bytes = await fillUp(path);
    return { bytes, free: () => removeFiller(path) };
  }

  async setClockOffset(id: number, offsetMs: number): Promise<void> {
    const clock = this.slot(id).clock;
    if (clock === null) throw new Error(`cannot move a clock: ${this.unavailableFaults.get("clock-jump")}`);
    clock.set(offsetMs);
  }

  // ------------------------------------------------------------------ clean-up

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    const failures: unknown[] = [];
    const attempt = async (step: () => Promise<unknown>) => {
      await step().catch((error: unknown) => failures.push(error));
    };
    await attempt(async () => this.client?.close());
    await Promise.all([...this.slots.values()].map((s) => attempt(() => s.process.stop(STOP_GRACE_MS))));
    await attempt(() => this.etcd.stop(ETCD_STOP_GRACE_MS));
    await attempt(async () => this.network?.close());
    for (const slot of this.slots.values()) if (slot.diskDir !== null) unmountTmpfsSync(slot.diskDir);
    await attempt(async () => rmSync(this.runDir, { recursive: true, force: true }));
    this.unregisterExit();
    if (failures.length > 0)
      throw new AggregateError(failures, `closing the local cluster: ${failures.length} step(s) failed`);
  }

  /** The exit hook: synchronous, kills first, then removes what the processes ran on. */
  private removeEverythingNow(): void {
    for (const slot of this.slots.values()) slot.process.killNow();
    this.etcd.killNow();
    for (const step of this.exitSteps) step();
    removeRun(this.runDir);
  }

  private slot(id: number): BrokerSlot {
    const slot = this.slots.get(id);
    if (!slot) throw new RangeError(`no broker ${id} in this cluster (brokers: ${this.brokerIds.join(", ")})`);
    return slot;
  }

  private requireRoles(): ClusterRoles {
    if (this.roles === null) throw new Error("the cluster has not finished starting");
    return this.roles;
  }
}

function unavailableFaults(settings: Settings): Map<FaultKind, string> {
  const missing = new Map<FaultKind, string>();
  for (const kind of PARTITION_FAULTS) {
    if (!settings.network) missing.set(kind, "the cluster was launched without network namespaces (network: true)");
    else if (settings.brokers < 2) missing.set(kind, "a network partition needs at least 2 brokers");
  }
  if (settings.tmpfsMiB === null) {
    missing.set("disk-full", "the cluster was launched without tmpfs data directories (tmpfsMiB)");
  }
  if (!settings.fakeClock) missing.set("clock-jump", "the cluster was launched without libfaketime (fakeClock: true)");
  return missing;
}
