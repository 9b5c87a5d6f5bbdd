/**
 * A private IPv4 network of Linux network namespaces, so a fault can cut one broker off
 * from others (or from etcd) with a real network fault while everything else still reaches it. On
 * loopback this is impossible: every broker shares 127.0.0.1, and grpc-js cannot bind a
 * source address.
 *
 *   root namespace (clients)             switch namespace "<prefix>-sw"       member namespaces "<prefix>-m<id>"
 *   tl<hex>  198.18.N.1/24  ──veth──  uplink ─┐
 *                                             br0 ─ m1 ──veth── eth0 198.18.N.11/24 (broker 1)
 *                                                 ─ m2 ──veth── eth0 198.18.N.12/24 (broker 2) ...
 *
 * The /24 is drawn at random from 198.18.0.0/15 (RFC 2544: reserved for isolated test
 * networks). The bridge sits in a namespace of its own, so traffic between members never
 * crosses the root namespace's firewall (with br_netfilter loaded, bridged packets would
 * traverse its FORWARD chain). Members have no default route: their packets go to the /24
 * or to their own loopback, nowhere else. In the root namespace an `unreachable` route for
 * the /24 with a high metric (ROOT_GUARD_METRIC) is added before any address exists and
 * removed last, so no packet for the /24 can take the default route, not even while the
 * veth is being torn down; the kernel refuses a second identical route, which makes that
 * route also the reservation of the /24 against a parallel run picking the same one.
 *
 * A cut (`cut(1, [2, 3])`) is made inside member 1's namespace only: iptables DROP rules for
 * the other members' addresses (INPUT and OUTPUT) when iptables works there, packets
 * silently lost as in a real partition; otherwise blackhole routes in both directions
 * (local sends then fail at once with EINVAL). The root namespace's firewall is never touched.
 *
 * Clean-up: `close()` (idempotent) deletes the root veth, the namespaces (and with them
 * every veth, bridge, address, route and rule inside) and then the guard route. Its owner
 * calls it after the processes inside have stopped; it also runs synchronously if this
 * process exits or is interrupted first (`onProcessExit`, see exit-hook.ts). Namespace
 * names carry the owning process id: creating a network first sweeps away what a run
 * killed with SIGKILL left behind (owner no longer alive). The test harness's networks
 * (test/cluster/network.ts) are these, so either sweeps the other's leftovers.
 *
 * Needs root, `ip` (iproute2) and, for silent drops, `iptables`. When namespaces cannot be
 * created, `createClusterNetwork` throws a NetworkUnavailableError saying why, so a caller
 * can do without the faults that need it.
 */
import { execFile, execFileSync } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { promisify } from "node:util";
import { onProcessExit as defaultOnProcessExit, type ProcessExitRegistrar } from "./exit-hook.js";
import { isAlive } from "./run-dir.js";

const execFileAsync = promisify(execFile);

/** A command of `ip` or `iptables` that has not answered by then is broken. */
const COMMAND_TIMEOUT_MS = 10_000;
/** Tries at a /24 that no run of ours holds (512 to choose from). */
const SUBNET_ATTEMPTS = 8;
/** Metric of the root namespace's guard route: above any real route for the same /24. */
const ROOT_GUARD_METRIC = 4198;
/** Member ids become the last octet minus MEMBER_OCTET_BASE. */
const MEMBER_OCTET_BASE = 10;
const MEMBERS_MAX = 200;
const NAME_PREFIX = "tlnet";
const NAME_PATTERN = /^tlnet-(\d+)-([0-9a-f]{6})-n(\d+)-/;

export class NetworkUnavailableError extends Error {
  override name = "NetworkUnavailableError";
}

export type CutMethod = "iptables" | "blackhole";

export interface NetworkCut {
  /** "198.18.4.11 cut off from 198.18.4.12, 198.18.4.13 (iptables DROP in tlnet-…-m1)". */
  readonly description: string;
  /** Removes the rules; idempotent. */
  heal(): Promise<void>;
}

export interface ClusterNetwork {
  /** "198.18.N.0/24". */
  readonly subnet: string;
  /** The root namespace's address on the network: clients in this process connect from here. */
  readonly hostAddress: string;
  /** How `cut` drops packets, and why when it is not iptables. */
  readonly cutMethod: CutMethod;
  readonly cutMethodNote: string;
  /** The member's namespace name. */
  namespace(id: number): string;
  /** The member's address, "198.18.N.<10 + id>". */
  address(id: number): string;
  /** `command` run inside the member's namespace: ["ip", "netns", "exec", <namespace>, ...command]. */
  command(id: number, command: readonly string[]): string[];
  /**
   * Member `id` exchanges no packets with `others` until the cut heals: by `method` (default
   * `cutMethod`); iptables rules live in `id`'s namespace only, blackhole routes in each end's.
   */
  cut(id: number, others: readonly number[], method?: CutMethod): Promise<NetworkCut>;
  /** Deletes everything; idempotent. */
  close(): Promise<void>;
}

interface Layout {
  readonly prefix: string;
  readonly rootLink: string;
  readonly subnetIndex: number;
}

function subnetBase(index: number): string {
  return `198.${18 + (index >> 8)}.${index & 255}`;
}

function layoutNames(layout: Layout) {
  const base = subnetBase(layout.subnetIndex);
  return { subnet: `${base}.0/24`, base, switchNs: `${layout.prefix}-sw` };
}

async function run(command: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { timeout: COMMAND_TIMEOUT_MS });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    const detail = (e.stderr ?? "").trim() || e.message;
    throw Object.assign(new Error(`${command} ${args.join(" ")}: ${detail}`, { cause: error }), { code: e.code });
  }
}

/** `ip netns exec <ns> <args...>`. */
function inNs(ns: string, ...args: string[]): Promise<string> {
  return run("ip", ["netns", "exec", ns, ...args]);
}

/** Runs each clean-up step even if one fails (it may already be gone). */
async function tryEach(steps: readonly (readonly string[])[]): Promise<void> {
  for (const [command, ...args] of steps) await run(command!, args).catch(() => undefined);
}

function tryEachSync(steps: readonly (readonly string[])[]): void {
  for (const [command, ...args] of steps) {
    try {
      execFileSync(command!, args, { timeout: COMMAND_TIMEOUT_MS, stdio: "ignore" });
    } catch {
      // Already gone.
    }
  }
}

function teardownSteps(layout: Layout, namespaces: readonly string[]): string[][] {
  const { subnet } = layoutNames(layout);
  return [
    ["ip", "link", "del", layout.rootLink],
    ...namespaces.map((ns) => ["ip", "netns", "del", ns]),
    ["ip", "route", "del", "unreachable", subnet, "metric", String(ROOT_GUARD_METRIC)],
  ];
}

async function listNamespaces(): Promise<string[]> {
  const out = await run("ip", ["netns", "list"]);
  return out
    .split("\n")
    .map((line) => line.trim().split(" ")[0] ?? "")
    .filter((name) => name.length > 0);
}

/** Deletes the networks of runs whose process is gone (killed before it could clean up). */
async function sweepAbandoned(): Promise<void> {
  const byPrefix = new Map<string, { layout: Layout; namespaces: string[] }>();
  for (const ns of await listNamespaces()) {
    const m = NAME_PATTERN.exec(ns);
    if (!m || isAlive(Number(m[1]))) continue;
    const prefix = m[0].slice(0, -1);
    const entry = byPrefix.get(prefix) ?? {
      layout: { prefix, rootLink: `tl${m[2]}`, subnetIndex: Number(m[3]) },
      namespaces: [],
    };
    entry.namespaces.push(ns);
    byPrefix.set(prefix, entry);
  }
  for (const { layout, namespaces } of byPrefix.values()) await tryEach(teardownSteps(layout, namespaces));
}

function unavailable(error: unknown): NetworkUnavailableError | undefined {
  const e = error as { code?: string; message?: string };
  if (e.code === "ENOENT") return new NetworkUnavailableError(`\`ip\` (iproute2) is not installed: ${e.message}`);
  if (/Operation not permitted|Permission denied|EPERM|EACCES/i.test(e.message ?? "")) {
    return new NetworkUnavailableError(`network namespaces are not permitted here: ${e.message}`);
  }
  return undefined;
}

export interface ClusterNetworkOptions {
  /** Where the synchronous last-resort teardown is registered; default exit-hook.ts's. */
  onProcessExit?: ProcessExitRegistrar;
}

/**
 * Creates the network with one namespace per member id (1..MEMBERS_MAX); the caller
 * closes it. Throws NetworkUnavailableError when this machine does not allow it.
 */
export async function createClusterNetwork(
  memberIds: readonly number[],
  options: ClusterNetworkOptions = {},
): Promise<ClusterNetwork> {
  for (const id of memberIds) {
    if (!Number.isSafeInteger(id) || id < 1 || id > MEMBERS_MAX) throw new RangeError(`bad network member id ${id}`);
  }
  if (process.platform !== "linux")
    throw new NetworkUnavailableError(`network namespaces need Linux, not ${process.platform}`);
  if (process.getuid?.() !== 0) throw new NetworkUnavailableError("network namespaces need root");
  try {
    await sweepAbandoned();
  } catch (error) {
    throw unavailable(error) ?? error;
  }

  const hex = randomBytes(3).toString("hex");
  let layout: Layout | undefined;
  const namespaces: string[] = [];
  let closed = false;
  const unregister = (options.onProcessExit ?? defaultOnProcessExit)(() => {
    if (!closed && layout) tryEachSync(teardownSteps(layout, namespaces));
  });
  const close = async () => {
    if (closed) return;
    closed = true;
    unregister();
    if (layout) await tryEach(teardownSteps(layout, namespaces));
  };

  try {
    layout = await reserveSubnet(hex, namespaces);
    const { base, switchNs } = layoutNames(layout);
    await inNs(switchNs, "ip", "link", "add", "br0", "type", "bridge");
    await inNs(switchNs, "ip", "link", "set", "br0", "up");
    await run("ip", ["link", "add", layout.rootLink, "type", "veth", "peer", "name", "uplink", "netns", switchNs]);
    await inNs(switchNs, "ip", "link", "set", "uplink", "master", "br0", "up");
    await run("ip", ["addr", "add", `${base}.1/24`, "dev", layout.rootLink]);
    await run("ip", ["link", "set", layout.rootLink, "up"]);
    for (const id of memberIds) {
      const ns = `${layout.prefix}-m${id}`;
      await run("ip", ["netns", "add", ns]);
      namespaces.push(ns);
      const port = `m${id}`;
      await run("ip", ["link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", port, "netns", switchNs]);
      await inNs(switchNs, "ip", "link", "set", port, "master", "br0", "up");
      await inNs(ns, "ip", "addr", "add", `${base}.${MEMBER_OCTET_BASE + id}/24`, "dev", "eth0");
      await inNs(ns, "ip", "link", "set", "eth0", "up");
      await inNs(ns, "ip", "link", "set", "lo", "up");
    }
  } catch (error) {
    await close();
    throw unavailable(error) ?? error;
  }

  const fixed = layout;
  const { subnet, base } = layoutNames(fixed);
  const members = new Set(memberIds);
  const namespace = (id: number) => {
    if (!members.has(id)) throw new Error(`no member ${id} in test network ${subnet} (members: ${[...members]})`);
    return `${fixed.prefix}-m${id}`;
  };
  const address = (id: number) => {
    namespace(id);
    return `${base}.${MEMBER_OCTET_BASE + id}`;
  };
  const probe = memberIds[0] === undefined ? undefined : namespace(memberIds[0]);
  const iptables = probe === undefined ? "no members" : await iptablesProblem(probe);

  return {
    subnet,
    hostAddress: `${base}.1`,
    cutMethod: iptables === undefined ? "iptables" : "blackhole",
    cutMethodNote:
      iptables === undefined
        ? "iptables DROP inside the cut member's namespace"
        : `blackhole routes (iptables unusable: ${iptables})`,
    namespace,
    address,
    command: (id, command) => ["ip", "netns", "exec", namespace(id), ...command],
    cut: (id, others, method = iptables === undefined ? "iptables" : "blackhole") =>
      cut({ ns: namespace, address }, id, others, method),
    close,
  };
}

/** Creates the switch namespace and the root guard route for a /24 no run of ours holds. */
async function reserveSubnet(hex: string, namespaces: string[]): Promise<Layout> {
  const failures: string[] = [];
  for (let attempt = 0; attempt < SUBNET_ATTEMPTS; attempt++) {
    const subnetIndex = randomInt(512);
    const layout = {
      prefix: `${NAME_PREFIX}-${process.pid}-${hex}-n${subnetIndex}`,
      rootLink: `tl${hex}`,
      subnetIndex,
    };
    const { subnet, base, switchNs } = layoutNames(layout);
    const used = await run("ip", ["-4", "-o", "addr", "show"]);
    if (used.includes(` ${base}.`)) {
      failures.push(`${subnet} has an address here`);
      continue;
    }
    await run("ip", ["netns", "add", switchNs]);
    namespaces.push(switchNs);
    try {
      // The kernel refuses a second identical route: whoever adds it first holds the /24.
      await run("ip", ["route", "add", "unreachable", subnet, "metric", String(ROOT_GUARD_METRIC)]);
      return layout;
    } catch (error) {
      await run("ip", ["netns", "del", switchNs]).catch(() => undefined);
      namespaces.splice(namespaces.indexOf(switchNs), 1);
      if (!/File exists/i.test((error as Error).message)) throw error;
      failures.push(`${subnet} is held by another run`);
    }
  }
  throw new Error(`no free /24 in 198.18.0.0/15 after ${SUBNET_ATTEMPTS} attempts: ${failures.join("; ")}`);
}

/** Why iptables cannot be used inside `ns`, or undefined when it can. */
async function iptablesProblem(ns: string): Promise<string | undefined> {
  try {
    await inNs(ns, "iptables", "-w", "-S");
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

async function cut(
  net: { ns: (id: number) => string; address: (id: number) => string },
  id: number,
  others: readonly number[],
  method: CutMethod,
): Promise<NetworkCut> {
  const ns = net.ns(id);
  const here = net.address(id);
  const there = others.map((o) => net.address(o));
  // [install, remove] pairs, each run inside a member namespace of this network.
  const rules: [string[], string[]][] =
    method === "iptables"
      ? there.flatMap((a) => [
          [
            ["ip", "netns", "exec", ns, "iptables", "-w", "-I", "INPUT", "-s", `${a}/32`, "-j", "DROP"],
            ["ip", "netns", "exec", ns, "iptables", "-w", "-D", "INPUT", "-s", `${a}/32`, "-j", "DROP"],
          ],
          [
            ["ip", "netns", "exec", ns, "iptables", "-w", "-I", "OUTPUT", "-d", `${a}/32`, "-j", "DROP"],
            ["ip", "netns", "exec", ns, "iptables", "-w", "-D", "OUTPUT", "-d", `${a}/32`, "-j", "DROP"],
          ],
        ])
      : others.flatMap((o, i) => [
          [
            ["ip", "netns", "exec", ns, "ip", "route", "add", "blackhole", `${there[i]}/32`],
            ["ip", "netns", "exec", ns, "ip", "route", "del", "blackhole", `${there[i]}/32`],
          ],
          [
            ["ip", "netns", "exec", net.ns(o), "ip", "route", "add", "blackhole", `${here}/32`],
            ["ip", "netns", "exec", net.ns(o), "ip", "route", "del", "blackhole", `${here}/32`],
          ],
        ]);
  const installed: string[][] = [];
  const heal = async () => {
    for (const remove of installed.splice(0).reverse()) await run(remove[0]!, remove.slice(1));
  };
  try {
    for (const [install, remove] of rules) {
      await run(install[0]!, install.slice(1));
      installed.push(remove);
    }
  } catch (error) {
    await heal().catch(() => undefined);
    throw error;
  }
  const how = method === "iptables" ? `iptables DROP in ${ns}` : "blackhole routes both ways";
  return { description: `${here} cut off from ${there.join(", ")} (${how})`, heal };
}
