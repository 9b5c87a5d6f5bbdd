#!/usr/bin/env node
// Packs the tidelog CLI as a tarball that installs on its own: `npm run package -w clients/cli`
// (or `node clients/cli/scripts/pack.mjs [--pack-destination DIR]`) writes
// tidelog-cli-<version>.tgz and prints its path.
//
// Why not plain `npm pack`: the CLI depends on @tidelog/client and @tidelog/verify,
// which are on no registry, so they must travel inside the tarball (bundleDependencies).
// But in this npm workspace they are symlinks hoisted to the root node_modules, and npm
// pack of a workspace bundles nothing (checked with npm 11.19: "bundled": []). So this
// script stages the package outside the workspace:
//
//   1. builds the CLI and the workspaces it references (tsc -b);
//   2. packs each @tidelog/* dependency with its own `npm pack` (the SDK's prepack adds
//      its .proto files) and unpacks it into the stage's node_modules;
//   3. writes the stage's package.json: bundleDependencies lists those packages, and
//      their own third-party dependencies (and optional ones) move to the CLI's
//      (npm installs no dependency of a bundled package, so @grpc/grpc-js and the codecs
//      must come in as the CLI's, where the bundled SDK finds them by Node's lookup upward;
//      left declared in the bundled package.json too, a global install breaks);
//   4. runs `npm pack --ignore-scripts` in the stage.
//
// The workspace's own package.json (and node_modules) is never changed. Its prepack
// refuses plain `npm pack` with a pointer here (scripts/refuse-pack.mjs).
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const cliDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(cliDir, "..", "..");

const { values } = parseArgs({ options: { "pack-destination": { type: "string" } } });
// `npm run` starts scripts in the package's folder; INIT_CWD is where the user ran it.
const destination = resolve(values["pack-destination"] ?? process.env.INIT_CWD ?? process.cwd());

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

function run(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${r.status}`);
  return r.stdout;
}

/** `npm pack` in `dir` to `dest`; the tarball's path. */
function npmPack(dir, dest, extra = []) {
  const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", dest, ...extra], dir));
  return join(dest, packed.filename);
}

/** Each workspace's folder by package name. */
function workspaces() {
  const byName = new Map();
  for (const w of readJson(join(root, "package.json")).workspaces ?? []) {
    byName.set(readJson(join(root, w, "package.json")).name, join(root, w));
  }
  return byName;
}

/**
 * The CLI's dependencies of one kind ("dependencies" or "optionalDependencies") plus those
 * of the bundled packages; a name wanted at two different ranges is an error.
 */
function mergedDependencies(kind, cli, bundled) {
  const out = { ...cli[kind] };
  for (const pkg of bundled) {
    for (const [name, range] of Object.entries(pkg[kind] ?? {})) {
      if (name.startsWith("@tidelog/")) continue;
      if (out[name] !== undefined && out[name] !== range) {
        throw new Error(`${name} is wanted at ${out[name]} and at ${range} (by ${pkg.name}): align the ranges`);
      }
      out[name] = range;
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

const work = mkdtempSync(join(tmpdir(), "tidelog-cli-pack-"));
try {
  run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-b", cliDir], root);
  const cli = readJson(join(cliDir, "package.json"));
  const local = workspaces();
  const bundle = Object.keys(cli.dependencies).filter((name) => local.has(name));

  const stage = join(work, "package");
  mkdirSync(stage);
  for (const entry of ["bin", "dist", "README.md"]) {
    cpSync(join(cliDir, entry), join(stage, entry), {
      recursive: true,
      filter: (path) => !path.endsWith(".tsbuildinfo"),
    });
  }
  const bundled = [];
  for (const name of bundle) {
    const tarball = npmPack(local.get(name), work);
    const target = join(stage, "node_modules", ...name.split("/"));
    mkdirSync(target, { recursive: true });
    run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"], work);
    const pkg = readJson(join(target, "package.json"));
    bundled.push(pkg);
    // Its dependencies become the CLI's (below). Left declared here, npm counts them as part
    // of the bundle too, and a global install (everything under the CLI's own node_modules)
    // then creates their folders empty, expecting them from the tarball (npm 11.19).
    const { dependencies: _deps, optionalDependencies: _optional, scripts: _run, ...plain } = pkg;
    writeFileSync(join(target, "package.json"), `${JSON.stringify(plain, null, 2)}\n`);
  }
  const { scripts: _scripts, devDependencies: _dev, ...manifest } = cli;
  const staged = {
    ...manifest,
    dependencies: mergedDependencies("dependencies", cli, bundled),
    // zstd-napi among them: an install that cannot build it still succeeds, without zstd.
    optionalDependencies: mergedDependencies("optionalDependencies", cli, bundled),
    bundleDependencies: bundle,
  };
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(staged, null, 2)}\n`);

  mkdirSync(destination, { recursive: true });
  process.stdout.write(`${npmPack(stage, destination, ["--ignore-scripts"])}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
