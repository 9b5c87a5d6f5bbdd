// Set-up shared by `npm start`, `npm test` and `npm run bench`: make sure the npm
// dependencies are installed, the TypeScript is built, and an etcd server is at hand.
// Plain JavaScript with no dependencies, because it runs before any are installed.
//
// Installing Debian's etcd-server is allowed when running as root (or with passwordless
// sudo) unless TIDELOG_NO_INSTALL=1; otherwise it says exactly what to run.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function projectRoot() {
  return join(dirname(fileURLToPath(import.meta.url)), "..");
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function say(msg) {
  process.stderr.write(`[tidelog] ${msg}\n`);
}

export function ensureDependencies(root) {
  const marker = join(root, "node_modules", ".package-lock.json");
  const lock = join(root, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say("installing npm dependencies (npm ci)...");
  if (run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root }) !== 0) {
    say("npm ci failed; fix the error above, then run the command again.");
    process.exit(1);
  }
}

export function ensureBuild(root) {
  say("building TypeScript (tsc -b)...");
  if (run("npx", ["tsc", "-b"], { cwd: root }) !== 0) {
    say("the build failed; see the errors above.");
    process.exit(1);
  }
}

/** The etcd binary to use: TIDELOG_ETCD_BIN, or `etcd` on the PATH; null when there is none. */
export function findEtcd() {
  const fromEnv = process.env.TIDELOG_ETCD_BIN;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  const r = spawnSync("sh", ["-c", "command -v etcd"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

function canInstall() {
  if (process.env.TIDELOG_NO_INSTALL === "1") return false;
  if (spawnSync("sh", ["-c", "command -v apt-get"]).status !== 0) return false;
  return process.getuid?.() === 0;
}

/** How to get etcd, for messages about a missing one. */
export function etcdInstallHint() {
  return (
    "install it with `sudo apt-get install etcd-server` (Debian/Ubuntu), put an etcd 3.4+ binary on the PATH " +
    "or in TIDELOG_ETCD_BIN, or point TIDELOG_ETCD at a running cluster (e.g. http://127.0.0.1:2379)"
  );
}

/**
 * Makes sure an etcd server binary exists (unless TIDELOG_ETCD points at a running
 * cluster). With `required: false` a missing etcd is only reported: tests that need it
 * will say so themselves.
 */
export function ensureEtcd({ required }) {
  if (process.env.TIDELOG_ETCD) return null;
  let bin = findEtcd();
  if (bin) return bin;
  if (canInstall()) {
    say("etcd not found; installing Debian's etcd-server (apt-get)...");
    run("apt-get", ["update", "-qq"]);
    // The Debian package enables a system etcd on 2379; tidelog runs its own on free ports.
    run("apt-get", ["install", "-y", "-qq", "etcd-server"], {
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    bin = findEtcd();
    if (bin) return bin;
  }
  const how = etcdInstallHint();
  if (required) {
    say(`etcd is required but was not found: ${how}.`);
    process.exit(1);
  }
  say(`etcd was not found; tests that need it will fail: ${how}.`);
  return null;
}
