/**
 * TLS for the CLI's connection: PEM files named by options (`--ssl-ca`, `--ssl-cert`,
 * `--ssl-key`, or `--ssl` alone to trust the system's CAs), else by TIDELOG_SSL_CA /
 * TIDELOG_SSL_CERT / TIDELOG_SSL_KEY, else by the `ssl` block of the cluster.json the
 * bootstrap came from (paths relative to that file). The files are read here, so a
 * missing or unreadable one is a usage error that names it, before anything is sent.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { SslOptions } from "@tidelog/client";
import { UsageError } from "./exit-codes.js";

export const SSL_ENV = { ca: "TIDELOG_SSL_CA", cert: "TIDELOG_SSL_CERT", key: "TIDELOG_SSL_KEY" } as const;

export interface SslFlags {
  readonly ssl?: true;
  readonly sslCa?: string;
  readonly sslCert?: string;
  readonly sslKey?: string;
}

type Paths = { ca?: string; cert?: string; key?: string };

function read(path: string, base: string, what: string): Buffer {
  const full = resolve(base, path);
  try {
    return readFileSync(full);
  } catch (e) {
    throw new UsageError(`cannot read the ${what} ${full}: ${(e as Error).message}`);
  }
}

function fromClusterFile(path: string): Paths | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
  const ssl = (parsed as { ssl?: unknown } | null)?.ssl;
  if (typeof ssl !== "object" || ssl === null) return null;
  const s = ssl as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  return { ...spread("ca", str(s.ca)), ...spread("cert", str(s.cert)), ...spread("key", str(s.key)) };
}

function spread<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/**
 * The SDK's `ssl` option for this run, or undefined for plaintext. `clusterFile`: the
 * cluster.json the bootstrap came from, if it did.
 */
export function sslFor(
  flags: SslFlags,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  clusterFile: string | null,
): true | SslOptions | undefined {
  const given: Paths = {
    ...spread("ca", flags.sslCa),
    ...spread("cert", flags.sslCert),
    ...spread("key", flags.sslKey),
  };
  let paths: Paths = given;
  let base = cwd;
  if (Object.keys(paths).length === 0) {
    paths = {
      ...spread("ca", env[SSL_ENV.ca] || undefined),
      ...spread("cert", env[SSL_ENV.cert] || undefined),
      ...spread("key", env[SSL_ENV.key] || undefined),
    };
  }
  if (Object.keys(paths).length === 0 && flags.ssl !== true && clusterFile !== null) {
    paths = fromClusterFile(clusterFile) ?? {};
    base = dirname(clusterFile);
  }
  if (Object.keys(paths).length === 0) return flags.ssl === true ? true : undefined;
  if ((paths.cert === undefined) !== (paths.key === undefined))
    throw new UsageError("a client certificate and its key go together: give both --ssl-cert and --ssl-key");
  return {
    ...(paths.ca === undefined ? {} : { ca: read(paths.ca, base, "CA file") }),
    ...(paths.cert === undefined ? {} : { cert: read(paths.cert, base, "client certificate") }),
    ...(paths.key === undefined ? {} : { key: read(paths.key, base, "client key") }),
  };
}
