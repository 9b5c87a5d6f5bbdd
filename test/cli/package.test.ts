// The CLI as a user installs it: clients/cli/scripts/pack.mjs makes its tarball (the SDK
// and @tidelog/verify bundled inside, as no registry has them), and `npm install` puts it
// and the SDK's own tarball into an empty folder outside the repository. From there:
// `tidelog --version` (also after a global install and after npm link); a topic created; `tidelog produce` streaming (a line written to
// its stdin, stdin kept open, is delivered, reported and consumable before stdin ends);
// and `tidelog consume` reading it all back, against a real broker.
//
// The install runs with --ignore-scripts, as npm's allowScripts policy (npm 11.16
// advisory, npm 12 enforced) leaves a user's install: zstd-napi's native build does not
// run. The CLI must still work, with every codec but zstd, and say what to do for zstd.
// Dependencies come from npm's cache when it has them (--prefer-offline), else from the
// registry, as a user's install would.
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, execFileSync, spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { projectRoot } from "../../scripts/bootstrap.mjs";
import { startCluster, tempDir, waitFor } from "../../scripts/harness/cluster.js";

/** Everything a process printed so far, and how it ended. */
interface Watched {
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

function watch(child: ChildProcessWithoutNullStreams): Watched {
  const watched: Watched = {
    stdout: "",
    stderr: "",
    exit: new Promise((resolve) => child.on("exit", (code) => resolve(code))),
  };
  child.stdout.on("data", (d: Buffer) => {
    watched.stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    watched.stderr += d.toString();
  });
  return watched;
}

test("the packed CLI installs alone outside the repository and produces and consumes", {
  timeout: 240_000,
}, async (t) => {
  const root = projectRoot();
  const work = tempDir(t, "tidelog-cli-pack-");
  const cliTarball = execFileSync(
    process.execPath,
    [join(root, "clients", "cli", "scripts", "pack.mjs"), "--pack-destination", work],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  ).trim();
  const listing = execFileSync("tar", ["-tzf", cliTarball], { encoding: "utf8" });
  assert.match(listing, /^package\/node_modules\/@tidelog\/client\/proto\/tidelog\/v1\/broker\.proto$/m, "SDK bundled");
  assert.match(listing, /^package\/node_modules\/@tidelog\/verify\/package\.json$/m, "verify bundled");
  // Plain npm pack of the workspace would bundle nothing (its @tidelog/* are hoisted links): refused, with a pointer.
  const plain = spawnSync("npm", ["pack", "--dry-run"], { cwd: join(root, "clients", "cli"), encoding: "utf8" });
  assert.notEqual(plain.status, 0);
  assert.match(plain.stderr, /npm run package -w clients\/cli/);
  const [sdkPacked] = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
      cwd: join(root, "clients", "sdk"),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }),
  ) as { filename: string }[];

  const app = join(work, "app");
  execFileSync("mkdir", [app]);
  writeFileSync(join(app, "package.json"), '{ "name": "app", "private": true }\n');
  const install = spawnSync(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      join(work, sdkPacked!.filename),
      cliTarball,
    ],
    { cwd: app, encoding: "utf8", timeout: 180_000 },
  );
  assert.equal(install.status, 0, `npm install failed:\n${install.stderr}`);
  const bin = join(app, "node_modules", ".bin", "tidelog");
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? app };
  const tidelog = (...args: string[]) => spawnSync(bin, args, { cwd: app, env, encoding: "utf8", timeout: 60_000 });

  const version = JSON.parse(readFileSync(join(root, "clients", "cli", "package.json"), "utf8")).version as string;
  assert.equal(tidelog("--version").stdout, `${version}\n`);

  // The README's two ways onto the PATH, each into a prefix of its own (npm's global
  // folder, moved by npm_config_prefix): a global install of the tarball, and npm link.
  for (const [how, args, cwd] of [
    [
      "npm install -g",
      ["install", "-g", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", cliTarball],
      app,
    ],
    ["npm link -w clients/cli", ["link", "-w", "clients/cli", "--ignore-scripts", "--no-audit", "--no-fund"], root],
  ] as const) {
    const prefix = tempDir(t, "tidelog-global-");
    const put = spawnSync("npm", [...args], {
      cwd,
      encoding: "utf8",
      env: { ...process.env, npm_config_prefix: prefix },
      timeout: 180_000,
    });
    assert.equal(put.status, 0, `${how} failed:\n${put.stderr}`);
    const onPath = spawnSync("tidelog", ["--version"], {
      env: { PATH: `${join(prefix, "bin")}:${process.env.PATH ?? ""}`, HOME: app },
      encoding: "utf8",
    });
    assert.equal(onPath.stdout, `${version}\n`, `tidelog on the PATH after ${how}: ${onPath.stderr}`);
  }

  const c = await startCluster(t, { brokers: 1 });
  const created = tidelog("--bootstrap", c.bootstrap, "topics", "create", "installed", "--partitions", "1");
  assert.equal(created.status, 0, created.stderr);

  // Streaming: the first line goes out while stdin stays open.
  const producer = spawn(bin, ["--bootstrap", c.bootstrap, "produce", "installed", "--json"], { cwd: app, env });
  t.after(() => producer.kill("SIGKILL"));
  const produced = watch(producer);
  producer.stdin.write("first line\n");
  await waitFor(() => produced.stdout.includes("\n"), {
    description: "the first line's delivery report, stdin still open",
    timeoutMs: 30_000,
  });
  const report = JSON.parse(produced.stdout) as Record<string, unknown>;
  assert.deepEqual([report.topic, report.partition, report.offset], ["installed", 0, "0"]);
  const early = tidelog("--bootstrap", c.bootstrap, "consume", "installed", "--from-beginning", "--count", "1");
  assert.equal(early.stdout, "first line\n", early.stderr);
  producer.stdin.end("second line\n");
  assert.equal(await produced.exit, 0, produced.stderr);
  assert.match(produced.stderr, /^Produced 2 records /);

  const lz4 = spawnSync(bin, ["--bootstrap", c.bootstrap, "produce", "installed", "--compression", "lz4"], {
    cwd: app,
    env,
    input: "third line\n",
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(lz4.status, 0, lz4.stderr);
  const all = tidelog("--bootstrap", c.bootstrap, "consume", "installed", "--from-beginning", "--count", "3");
  assert.equal(all.status, 0, all.stderr);
  assert.equal(all.stdout, "first line\nsecond line\nthird line\n");

  // zstd-napi was not built (no install scripts): zstd alone fails, saying what to do.
  const zstd = spawnSync(bin, ["--bootstrap", c.bootstrap, "produce", "installed", "--compression", "zstd"], {
    cwd: app,
    env,
    input: "never sent\n",
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.notEqual(zstd.status, 0);
  assert.match(zstd.stderr, /compression "zstd" is not available: zstd needs the native module zstd-napi/);
  assert.match(zstd.stderr, /npm approve-scripts zstd-napi/);
});
