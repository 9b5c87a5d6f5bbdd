/**
 * The peer servers come from Debian packages. When one is missing the benchmark installs
 * it with apt-get if it may (root, apt-get present, TIDELOG_NO_INSTALL not "1"), as
 * scripts/bootstrap.mjs does for etcd; otherwise it names the command to run and the
 * suite skips that peer. A system service the package might start is not used: each peer
 * runs as our own child process on a free port.
 */
import { spawnSync } from "node:child_process";

export type ServerBinary = { readonly bin: string } | { readonly skipped: string };

function which(binary: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${binary}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function mayInstall(): string | undefined {
  // process.env is read here rather than in a config module: this is the benchmark's own
  // switch, the same one scripts/bootstrap.mjs honours.
  if (process.env.TIDELOG_NO_INSTALL === "1") return "TIDELOG_NO_INSTALL=1";
  if (!which("apt-get")) return "apt-get is not available";
  if (process.getuid?.() !== 0) return "not running as root";
  return undefined;
}

/** The path of `binary`, installing Debian package `pkg` first when it is missing and allowed. */
export function findOrInstall(binary: string, pkg: string): ServerBinary {
  const found = which(binary);
  if (found) return { bin: found };
  const refused = mayInstall();
  if (refused) return { skipped: `${binary} not found and not installed (${refused}): run \`apt-get install ${pkg}\`` };
  process.stderr.write(`[bench] ${binary} not found; installing Debian's ${pkg} (apt-get)...\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "ignore", "inherit"], env });
  const install = spawnSync("apt-get", ["install", "-y", "-qq", pkg], { stdio: ["ignore", "ignore", "inherit"], env });
  const installed = which(binary);
  if (installed) return { bin: installed };
  return { skipped: `installing ${pkg} failed (apt-get update ${update.status}, install ${install.status})` };
}
