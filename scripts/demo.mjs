#!/usr/bin/env node
// `npm run demo -- <name> [--seconds N] [--bootstrap host:port] [--seed N]`: run an
// exactly-once demo from clients/demos (see clients/demos/README.md).
// Plain JavaScript so it can install dependencies before anything else runs; the demo runs
// from TypeScript source (tsx, the tidelog-source condition), as do its brokers and processors.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ensureDependencies, ensureEtcd, projectRoot } from "./bootstrap.mjs";

const root = projectRoot();
const args = process.argv.slice(2);
const wantsHelp = args.includes("--help") || args.includes("-h");
ensureDependencies(root);
// A launched cluster needs etcd; a run against --bootstrap, or --help, does not.
if (!wantsHelp && !args.some((a) => a === "--bootstrap" || a.startsWith("--bootstrap=")))
  ensureEtcd({ required: true });
const demo = spawn(
  process.execPath,
  ["--import", "tsx", "--conditions=tidelog-source", join(root, "clients", "demos", "src", "main.ts"), ...args],
  { cwd: root, stdio: "inherit" },
);
// Ctrl-C reaches the demo too (same process group): it stops what it started and exits;
// wait for it rather than die first. A SIGTERM sent to this process alone is passed on.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => demo.kill("SIGTERM"));
demo.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 1 : 1)));
