#!/usr/bin/env node
// `npm run bench -- <suite> [--json] [--quick]`: run a benchmark suite from bench/.
// Plain JavaScript so it can install dependencies before anything else runs.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ensureDependencies, projectRoot } from "./bootstrap.mjs";

const root = projectRoot();
ensureDependencies(root);
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--conditions=tidelog-source", join(root, "bench", "main.ts"), ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit" },
);
process.exit(result.status ?? 1);
