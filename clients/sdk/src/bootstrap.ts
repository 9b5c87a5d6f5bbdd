/**
 * Where the client first connects: the bootstrap brokers. Three sources, first match
 * wins:
 *
 *   1. the explicit option (`new Client({ brokers })`, the CLI's `--bootstrap`);
 *   2. the environment variable TIDELOG_BOOTSTRAP, comma-separated `host:port`;
 *   3. the nearest `.tidelog/cluster.json`, searched from the working directory upward,
 *      written by `npm start` for the local cluster: `{ "bootstrap": "127.0.0.1:p1,..." }`.
 *
 * None of them: a TidelogError (INVALID_CONFIG) naming all three. A source that is
 * present but wrong is an error too, never skipped: a typo must not silently send a
 * client to a different cluster. Addresses are validated strictly (`host:port`,
 * `[v6]:port`, port 1-65535) and returned normalised, duplicates removed.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { isIPv4, isIPv6 } from "node:net";
import { dirname, join, resolve } from "node:path";
import { TidelogError } from "./errors.js";
import { CLUSTER_FILE_MAX_BYTES, MAX_BOOTSTRAP_BROKERS } from "./limits.js";

export const BOOTSTRAP_ENV = "TIDELOG_BOOTSTRAP";
export const CLUSTER_FILE = join(".tidelog", "cluster.json");

export type BootstrapSource = "option" | "env" | "file";

export interface ResolvedBootstrap {
  /** Normalised `host:port` addresses, in the order given. */
  readonly brokers: readonly string[];
  readonly source: BootstrapSource;
  /** Where they came from, for messages: "option", "TIDELOG_BOOTSTRAP", or the file's path. */
  readonly origin: string;
}

export interface BootstrapInput {
  readonly brokers?: string | readonly string[] | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

function invalid(detail: string): TidelogError {
  return new TidelogError("INVALID_CONFIG", detail);
}

const HOST_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const PORT = /^[0-9]{1,5}$/;

function checkHost(host: string, origin: string, text: string): void {
  const ok = /^[0-9.]+$/.test(host)
    ? isIPv4(host)
    : host.length <= 253 && host.split(".").every((label) => HOST_LABEL.test(label));
  if (!ok) throw invalid(`${origin}: '${text}' does not name a valid host (a host name or IPv4 address)`);
}

/** One `host:port` (or `[v6]:port`), normalised; throws INVALID_CONFIG naming `origin` when malformed. */
export function parseBrokerAddress(text: string, origin: string): string {
  const trimmed = text.trim();
  const v6 = /^\[([^\]]+)\]:([^:]*)$/.exec(trimmed);
  const hostPort = v6 ? null : /^([^:]+):([^:]*)$/.exec(trimmed);
  const match = v6 ?? hostPort;
  if (!match) {
    const hint = trimmed.split(":").length > 2 ? " (put IPv6 addresses in brackets: [::1]:9092)" : "";
    throw invalid(`${origin}: '${trimmed}' is not host:port${hint}`);
  }
  const [, host = "", portText = ""] = match;
  if (v6 && !isIPv6(host)) throw invalid(`${origin}: '${trimmed}' does not hold a valid IPv6 address`);
  if (!v6) checkHost(host, origin, trimmed);
  const port = Number(portText);
  if (!PORT.test(portText) || port < 1 || port > 65_535) {
    throw invalid(`${origin}: '${trimmed}' needs a port between 1 and 65535`);
  }
  return v6 ? `[${host.toLowerCase()}]:${port}` : `${host.toLowerCase()}:${port}`;
}

/** A comma-separated list (or an array of entries, each possibly comma-separated) of addresses. */
export function parseBrokerList(input: string | readonly string[], origin: string): string[] {
  const entries = (typeof input === "string" ? [input] : input).flatMap((s) => s.split(","));
  const nonEmpty = entries.map((s) => s.trim()).filter((s) => s !== "");
  if (nonEmpty.length === 0) throw invalid(`${origin}: no broker addresses given (expected host:port[,host:port...])`);
  if (nonEmpty.length > MAX_BOOTSTRAP_BROKERS) {
    throw invalid(`${origin}: ${nonEmpty.length} addresses given; at most ${MAX_BOOTSTRAP_BROKERS} are accepted`);
  }
  return [...new Set(nonEmpty.map((s) => parseBrokerAddress(s, origin)))];
}

/** The nearest .tidelog/cluster.json at or above `cwd`, or null. */
export function findClusterFile(cwd: string): string | null {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CLUSTER_FILE);
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

function readBounded(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(CLUSTER_FILE_MAX_BYTES + 1);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    if (length > CLUSTER_FILE_MAX_BYTES) throw invalid(`${path}: larger than ${CLUSTER_FILE_MAX_BYTES} bytes`);
    return buffer.toString("utf8", 0, length);
  } finally {
    closeSync(fd);
  }
}

/** The `bootstrap` field of a cluster file, validated. */
export function readClusterFile(path: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readBounded(path));
  } catch (e) {
    if (e instanceof TidelogError) throw e;
    throw invalid(`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const bootstrap =
    typeof parsed === "object" && parsed !== null ? (parsed as { bootstrap?: unknown }).bootstrap : null;
  if (!isAddressList(bootstrap)) {
    throw invalid(`${path}: expected a "bootstrap" field holding "host:port[,host:port...]"`);
  }
  return parseBrokerList(bootstrap, path);
}

function isAddressList(value: unknown): value is string | string[] {
  return typeof value === "string" || (Array.isArray(value) && value.every((s) => typeof s === "string"));
}

function nothingFound(cwd: string): TidelogError {
  return invalid(
    "no tidelog cluster to connect to. Point at one in any of three ways: " +
      "pass the brokers explicitly (the CLI's --bootstrap host:port[,host:port...], or the Client's `brokers` option); " +
      `set ${BOOTSTRAP_ENV}=host:port[,host:port...]; ` +
      `or run from a directory at or below one where \`npm start\` wrote ${CLUSTER_FILE} (none found upward from ${resolve(cwd)})`,
  );
}

export function resolveBootstrap(input: BootstrapInput = {}): ResolvedBootstrap {
  if (input.brokers !== undefined) {
    return { brokers: parseBrokerList(input.brokers, "bootstrap brokers"), source: "option", origin: "option" };
  }
  const fromEnv = (input.env ?? process.env)[BOOTSTRAP_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    return { brokers: parseBrokerList(fromEnv, BOOTSTRAP_ENV), source: "env", origin: BOOTSTRAP_ENV };
  }
  const cwd = input.cwd ?? process.cwd();
  const file = findClusterFile(cwd);
  if (file === null) throw nothingFound(cwd);
  return { brokers: readClusterFile(file), source: "file", origin: file };
}
