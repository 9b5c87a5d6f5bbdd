#!/usr/bin/env node
// `npm test`: bootstrap what the suite needs, then run every test file under test/ with
// node's built-in runner. Plain JavaScript so it runs before dependencies are installed.
//
//   npm test                      the whole suite
//   npm test -- test/storage      only files under a folder (or single files)
//   TIDELOG_SLOW=1 npm test       also the long soak and fault runs
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { ensureDependencies, ensureEtcd, projectRoot } from "./bootstrap.mjs";

const root = projectRoot();
ensureDependencies(root);
ensureEtcd({ required: false });

function collect(path, out) {
  const st = statSync(path);
  if (st.isFile()) {
    if (path.endsWith(".test.ts")) out.push(path);
    return out;
  }
  for (const entry of readdirSync(path).sort()) collect(join(path, entry), out);
  return out;
}

const args = process.argv.slice(2);
const roots = args.length > 0 ? args.map((a) => resolve(a)) : [join(root, "test")];
const files = roots.flatMap((r) => collect(r, []));
if (files.length === 0) {
  console.error(`no test files found under ${roots.join(", ")}`);
  process.exit(1);
}

function testConcurrency() {
  const raw = process.env.TIDELOG_TEST_CONCURRENCY ?? "2";
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 16) {
    console.error(`TIDELOG_TEST_CONCURRENCY must be an integer from 1 to 16, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--conditions=tidelog-source",
    "--test",
    "--test-reporter=spec",
    // Bounds: no single test may run past 3 minutes (an hour with TIDELOG_SLOW=1, whose
    // soak runs for TIDELOG_SOAK_SECONDS), and a file whose tests are done exits even if a
    // handle (a stray timer, a client) would keep it alive.
    `--test-timeout=${process.env.TIDELOG_SLOW === "1" ? 3_600_000 : 180_000}`,
    "--test-force-exit",
    // Two files at a time: most cluster tests spend their time waiting on processes they
    // started (elections, sessions, restarts), so two of them share two cores well.
    // TIDELOG_TEST_CONCURRENCY=1 runs one file at a time, for timing-sensitive debugging.
    `--test-concurrency=${testConcurrency()}`,
    ...files,
  ],
  { cwd: root, stdio: "inherit" },
);
process.exit(result.status ?? 1);
