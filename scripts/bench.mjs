#!/usr/bin/env node
// `npm run bench -- <suite> [--json] [--quick]`: run a benchmark suite from bench/.
// Plain JavaScript so it can install dependencies before anything else runs.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ensureDependencies, projectRoot } from "./bootstrap.mjs";

const root = projectRoot();
ensureDependencies(root);
// The suites run their throughput rows before their latency rows in this one process.
// Deep pipelines in the throughput rows keep the clients' per-send objects alive, so V8
// learns to allocate them straight into the old generation ("allocation-site
// pretenuring"); in the latency rows that came after, that made every scavenge of this
// process promote ~2.5 MB and pause 2-7 ms, and the tail measured it instead of the
// systems (1 ms with the flag). It applies to every system's client alike.
const BENCH_NODE_FLAGS = ["--no-allocation-site-pretenuring"];
const result = spawnSync(
  process.execPath,
  [
    ...BENCH_NODE_FLAGS,
    "--import",
    "tsx",
    "--conditions=tidelog-source",
    join(root, "bench", "main.ts"),
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: "inherit" },
);
process.exit(result.status ?? 1);
