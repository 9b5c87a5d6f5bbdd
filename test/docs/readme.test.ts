// The top-level README, read as a new user reads it: every code block either runs here, as
// written, against a cluster found the way `npm start`'s is (a .tidelog/cluster.json in the
// working directory, free ports), or names the test that runs it. A block added to the
// README without a decision below fails this test.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { projectRoot } from "../../scripts/bootstrap.mjs";
import { runCli } from "../cli/run-cli.js";
import { startCluster, tempDir } from "../cluster/harness.js";

const ROOT = projectRoot();
const SNIPPET_TIMEOUT_MS = 90_000;

interface Block {
  readonly section: string;
  readonly lang: string;
  /** Position among the section's blocks of the same language, from 0. */
  readonly index: number;
  readonly code: string;
}

/** Blocks not run here, and where each is run instead. */
const RUN_ELSEWHERE: Readonly<Record<string, string>> = {
  "Quick start/sh/0": "npm start and npm test themselves: test/cluster/launcher.test.ts starts the launcher",
  "Quick start/sh/2": "packing and installing the tarballs: test/cli/package.test.ts",
  "Exactly-once demos/sh/0": "each demo: test/demos",
  "Exactly-once demos/text/0": "sample output, not a command",
  "`tidelog verify`: a Jepsen-style checker for your cluster/sh/0": "each workload and fault kind: test/verify",
  "Running a broker/sh/0":
    "brokers are started exactly so by test/cluster/harness.ts; --help by test/cluster/broker-process.test.ts",
  "HTTP: probes, metrics and the admin REST API/json/0":
    "an error body, not a command: test/ops checks the error shape",
  "Deploy on Kubernetes/sh/0": "the manifests: test/ops (kubectl kustomize, validation, the StatefulSet's command)",
  "Benchmarks/sh/0": "each suite's --quick run: test/bench",
  "Layout/plain/0": "a directory listing",
};

function readmeBlocks(): Block[] {
  const text = readFileSync(join(ROOT, "README.md"), "utf8");
  const blocks: Block[] = [];
  const counters = new Map<string, number>();
  let section = "";
  let open: { lang: string; lines: string[] } | null = null;
  for (const line of text.split("\n")) {
    if (open) {
      if (line.startsWith("```")) {
        const key = `${section}/${open.lang}`;
        const index = counters.get(key) ?? 0;
        counters.set(key, index + 1);
        blocks.push({ section, lang: open.lang, index, code: open.lines.join("\n") });
        open = null;
      } else open.lines.push(line);
    } else if (line.startsWith("```")) open = { lang: line.slice(3).trim() || "plain", lines: [] };
    else if (line.startsWith("## ")) section = line.slice(3).trim();
  }
  return blocks;
}

const keyOf = (b: Pick<Block, "section" | "lang" | "index">) => `${b.section}/${b.lang}/${b.index}`;

/** A shell prelude: `npx tidelog` is the CLI from source (inside the checkout npx resolves to
 * the same workspace bin, which needs a build), and curl records each answer's status. */
function shellPrelude(statusLog: string): string {
  const cli = join(ROOT, "clients/cli/src/main.ts");
  return [
    "set -euo pipefail",
    `npx() { [ "$1" = tidelog ] || { echo "unexpected: npx $*" >&2; return 127; }; shift; node --import tsx --conditions=tidelog-source ${JSON.stringify(cli)} "$@"; }`,
    `curl() { local body code; body=$(mktemp); code=$(command curl -o "$body" -w '%{http_code}' "$@"); cat "$body"; echo; echo "$code" >> ${JSON.stringify(statusLog)}; rm -f "$body"; }`,
    "",
  ].join("\n");
}

test("every README code block runs as written against npm start's cluster, or names the test that runs it", async (t) => {
  const blocks = readmeBlocks();
  const run = new Map<string, Block>();
  for (const b of blocks) if (!(keyOf(b) in RUN_ELSEWHERE)) run.set(keyOf(b), b);
  const expected = [
    "Quick start/sh/1",
    "The SDK/ts/0",
    "Consumer groups/ts/0",
    "Consumer groups/sh/0",
    "Transactions/ts/0",
    "Transactions/sh/0",
    "HTTP: probes, metrics and the admin REST API/sh/0",
  ];
  assert.deepEqual([...run.keys()], expected, "a README block is neither run here nor listed in RUN_ELSEWHERE");
  for (const key of Object.keys(RUN_ELSEWHERE)) {
    assert.ok(
      blocks.some((b) => keyOf(b) === key),
      `RUN_ELSEWHERE names ${key}, which the README no longer has`,
    );
  }
  const block = (key: string): string => run.get(key)?.code ?? assert.fail(`no block ${key}`);

  // As npm start: three brokers (the examples ask for replication factor 3), HTTP on free ports.
  const c = await startCluster(t, { brokers: 3 });
  const app = tempDir(t, "tidelog-readme-");
  symlinkSync(join(ROOT, "node_modules"), join(app, "node_modules"));
  mkdirSync(join(app, ".tidelog"));
  writeFileSync(
    join(app, ".tidelog", "cluster.json"),
    JSON.stringify({
      bootstrap: c.bootstrap,
      brokers: c.brokers.map((b) => ({ id: b.id, address: b.address, httpAddress: `${b.host}:${b.httpPort}` })),
    }),
  );
  const env = { PATH: process.env.PATH ?? "", HOME: app };
  const statusLog = join(app, "http-status.log");

  const shell = (key: string) => {
    const r = spawnSync("bash", ["-c", shellPrelude(statusLog) + block(key)], {
      cwd: app,
      encoding: "utf8",
      env,
      timeout: SNIPPET_TIMEOUT_MS,
    });
    assert.equal(r.status, 0, `${key} failed:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const typescript = (key: string) => {
    const file = join(app, `${key.replace(/\W+/g, "-")}.mts`);
    writeFileSync(file, block(key));
    return spawn(process.execPath, ["--import", "tsx", "--conditions=tidelog-source", file], { cwd: app, env });
  };
  const finish = (key: string, child: ReturnType<typeof typescript>) =>
    new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout?.on("data", (d) => (out += d));
      child.stderr?.on("data", (d) => (out += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), SNIPPET_TIMEOUT_MS);
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`${key} exited ${code ?? signal}:\n${out}`));
      });
    });

  await t.test("quick start: the CLI creates and describes orders", () => {
    const out = shell("Quick start/sh/1");
    assert.match(out, /orders/);
    assert.match(out, /"name": ?"orders"/, "the --json line prints the topic as JSON");
  });

  await t.test("the SDK example creates totals, sends three orders, reads the first back and ends", async () => {
    const out = await finish("The SDK/ts/0", typescript("The SDK/ts/0"));
    assert.match(out, /^orders: 6 partitions$/m, out);
    assert.match(out, /^0 o-17 \{\.\.\.\}$/m, out);
  });

  await t.test(
    "the consumer-group example reads as group billing and ends; the CLI examples describe, reset and delete it",
    async () => {
      const out = await finish("Consumer groups/ts/0", typescript("Consumer groups/ts/0"));
      assert.match(out, /now reading/, out);
      assert.match(out, /^orders-\d@\d+ \{\.\.\.\}$/m, out);
      const cli = shell("Consumer groups/sh/0");
      assert.match(cli, /billing/);
    },
  );

  await t.test("the transactions example copies orders to totals in transactions until Ctrl-C", async () => {
    const child = typescript("Transactions/ts/0");
    const done = finish("Transactions/ts/0", child);
    const deadline = Date.now() + SNIPPET_TIMEOUT_MS;
    let committed: unknown[] = [];
    while (committed.length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      const r = await runCli([
        "consume",
        "totals",
        "--from-beginning",
        "--idle-timeout",
        "500",
        "--format",
        "json",
        "--bootstrap",
        c.bootstrap,
      ]);
      committed = r.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    }
    child.kill("SIGINT");
    await done;
    assert.equal(committed.length, 3, "three orders, three committed totals");
    assert.ok(
      committed.every((r) => (r as { value: string }).value === "{...}"),
      "upper-cased values (braces and dots stay)",
    );
    const cli = shell("Transactions/sh/0");
    assert.match(cli, /orders-enricher-1/);
  });

  await t.test("the HTTP examples answer from npm start's first broker", async () => {
    // The consumer-group CLI examples deleted billing: the group example makes it again.
    await finish("Consumer groups/ts/0", typescript("Consumer groups/ts/0"));
    shell("HTTP: probes, metrics and the admin REST API/sh/0");
    const statuses = readFileSync(statusLog, "utf8").split("\n").filter(Boolean).map(Number);
    const failed = statuses.map((s, i) => [i, s] as const).filter(([, s]) => s >= 400);
    // The last example aborts orders-enricher-1's ongoing transaction; the example above
    // committed and ended, so there is none to abort: 409, as the comment says.
    assert.deepEqual(failed, [[statuses.length - 1, 409]], `statuses: ${statuses.join(" ")}`);
    assert.ok(statuses.length >= 15, `every curl ran: ${statuses.length}`);
  });
});
