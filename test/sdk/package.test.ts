// The SDK as a user installs it: `npm pack` of clients/sdk, unpacked into an empty folder
// outside the repository (its dependencies linked from this checkout's node_modules, so
// no registry is needed), and there the README's quick start, as written, against a real
// broker found the way `npm start`'s is (.tidelog/cluster.json): it creates a topic,
// produces, and consumes up to the high watermark, then closes. It proves the tarball
// carries everything the SDK reads at run time: the built code and the .proto files its
// gRPC loader needs (until 2026-12-05 it looked for them at the repository root and
// failed with ENOENT once installed); and that the README's snippet runs and ends.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { projectRoot } from "../../scripts/bootstrap.mjs";
import { startCluster, tempDir } from "../../scripts/harness/cluster.js";

test("the packed SDK, installed outside the repository, runs the README's quick start", async (t) => {
  const root = projectRoot();
  const work = tempDir(t, "tidelog-sdk-pack-");
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
      cwd: join(root, "clients", "sdk"),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }),
  ) as { filename: string; files: { path: string }[] }[];
  const files = packed[0]?.files.map((f) => f.path) ?? [];
  assert.ok(files.includes("proto/tidelog/v1/broker.proto"), "the tarball carries the .proto files");
  assert.ok(files.includes("dist/index.js"), "and the built code");

  const app = join(work, "app");
  const modules = join(app, "node_modules");
  mkdirSync(join(modules, "@tidelog", "client"), { recursive: true });
  execFileSync("tar", [
    "-xzf",
    join(work, packed[0]!.filename),
    "-C",
    join(modules, "@tidelog", "client"),
    "--strip-components=1",
  ]);
  // Dependencies from this checkout (what `npm install` would fetch), never the repo's SDK.
  for (const name of readdirSync(join(root, "node_modules"))) {
    if (name === "@tidelog" || name.startsWith(".")) continue;
    symlinkSync(join(root, "node_modules", name), join(modules, name));
  }

  const c = await startCluster(t, { brokers: 1 });
  mkdirSync(join(app, ".tidelog"));
  writeFileSync(join(app, ".tidelog", "cluster.json"), JSON.stringify({ bootstrap: c.bootstrap }));
  writeFileSync(
    join(app, "quickstart.mjs"),
    quickStart(readFileSync(join(root, "clients", "sdk", "README.md"), "utf8")),
  );
  const run = spawnSync(process.execPath, ["quickstart.mjs"], {
    cwd: app,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "" },
    timeout: 60_000,
  });
  assert.equal(run.status, 0, `the quick start failed:\n${run.stderr}`);
  const printed = run.stdout.trim().split("\n");
  assert.match(printed[0] ?? "", /^delivered \{"topic":"quickstart","partition":\d,"offset":0,"timestamp":\d+\}$/);
  assert.equal(printed[1], "delivered 2 more");
  assert.equal(printed[2], 'read 0 o-17 {"total":42}', "it reads back what it wrote, and the loop ends");
});

/** The README's quick start: the first TypeScript block after its heading (plain JavaScript, so it runs as .mjs). */
function quickStart(readme: string): string {
  const section = readme.slice(readme.indexOf("## Quick start"));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(block, "the README has a quick start");
  return block[1]!;
}
