// The top-level README's SDK snippet, as written, against a real cluster found the way
// `npm start`'s is (a .tidelog/cluster.json in the working directory): it must run, print
// what it read back, and end (its consumer loop breaks).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { projectRoot } from "../../scripts/bootstrap.mjs";
import { startCluster, tempDir } from "../cluster/harness.js";

test("the README's SDK snippet runs as written against npm start's cluster and ends", async (t) => {
  const root = projectRoot();
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## The SDK"));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, "the README has an SDK snippet");

  const c = await startCluster(t, { brokers: 3 }); // as npm start: the snippet asks for replication factor 3
  const app = tempDir(t, "tidelog-readme-");
  symlinkSync(join(root, "node_modules"), join(app, "node_modules"));
  mkdirSync(join(app, ".tidelog"));
  writeFileSync(join(app, ".tidelog", "cluster.json"), JSON.stringify({ bootstrap: c.bootstrap }));
  writeFileSync(join(app, "snippet.mts"), block);
  const run = spawnSync(process.execPath, ["--import", "tsx", "--conditions=tidelog-source", "snippet.mts"], {
    cwd: app,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "" },
    timeout: 90_000,
  });
  assert.equal(run.status, 0, `the snippet failed:\n${run.stdout}\n${run.stderr}`);
  // One topic of 6 partitions: the keyed records may land anywhere; the first one is read back.
  assert.match(run.stdout, /^0 o-17 \{\.\.\.\}$/m, run.stdout);
});
