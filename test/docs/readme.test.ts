// The READMEs (the project's, the SDK's, the CLI's), the tutorial, and the operations
// and testing guides, read as a new user reads them: every code block either runs here, as written,
// against a cluster found the way `npm start`'s is (a .tidelog/cluster.json in the
// working directory, free ports), or names the test that runs it. A block added to these pages without a decision below fails this test.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { projectRoot } from "../../scripts/bootstrap.mjs";
import { startCluster, tempDir } from "../../scripts/harness/cluster.js";
import { runCli } from "../cli/run-cli.js";

const ROOT = projectRoot();
const SNIPPET_TIMEOUT_MS = 90_000;

interface Block {
  readonly page: string;
  readonly section: string;
  readonly lang: string;
  /** Position among the section's blocks of the same language, from 0. */
  readonly index: number;
  readonly code: string;
}

/** The pages whose code blocks are checked. */
const PAGES = [
  "README.md",
  "docs/operations.md",
  "docs/testing.md",
  "docs/tutorial.md",
  "clients/sdk/README.md",
  "clients/cli/README.md",
];

const QUICK_START = "README.md#Quick start/sh/1";
const SDK = "README.md#The SDK/ts/0";
const GROUPS = "docs/tutorial.md#Consumer groups/ts/0";
const GROUPS_CLI = "docs/tutorial.md#Consumer groups/sh/0";
const TXN = "docs/tutorial.md#Transactions/ts/0";
const TXN_CLI = "docs/tutorial.md#Transactions/sh/0";
const HTTP = "docs/operations.md#HTTP: probes, metrics and the admin REST API/sh/0";
const SDK_GROUP = "clients/sdk/README.md#Consumer/ts/0";
const CERTS = "docs/operations.md#Deploy on Kubernetes/sh/2";

/** Blocks not run here, and where each is run instead. */
const RUN_ELSEWHERE: Readonly<Record<string, string>> = {
  "README.md#Quick start/sh/0": "npm start and npm test themselves: test/cluster/launcher.test.ts starts the launcher",
  "README.md#Quick start/sh/2": "packing and installing the tarballs: test/cli/package.test.ts",
  "README.md#Exactly-once demos and `tidelog verify`/sh/0": "each demo: test/demos",
  "README.md#Exactly-once demos and `tidelog verify`/sh/1": "each workload and fault kind: test/verify",
  "docs/operations.md#Running a broker/sh/0":
    "brokers are started exactly so by scripts/harness/cluster.ts; --help by test/cluster/broker-process.test.ts",
  "docs/operations.md#HTTP: probes, metrics and the admin REST API/json/0":
    "an error body, not a command: test/ops checks the error shape",
  "docs/operations.md#Deploy on Kubernetes/sh/0":
    "the manifests: test/ops (kubectl kustomize, validation, the StatefulSet's command)",
  "docs/operations.md#TLS/properties/0":
    "broker settings, not a command: test/cluster/tls.test.ts starts brokers with them and checks each refusal",
  "docs/operations.md#TLS/properties/1":
    "authorizer settings, not a command: test/cluster/authorization.test.ts starts brokers with them; the mapping rule in it is checked in test/security/principal.test.ts",
  "docs/operations.md#TLS/sh/0":
    "needs a cluster with the authorizer on: test/cli/acls.test.ts runs add, list (match), remove with these options against one; the ACL rules: test/security/acl.test.ts",
  "docs/operations.md#TLS/properties/2":
    "etcd security settings, not a command: test/cluster/etcd-security.test.ts starts brokers with them against a TLS, password-protected etcd",
  "docs/operations.md#Deploy on Kubernetes/sh/1":
    "kubectl needs a Kubernetes cluster; its tidelog commands (plan, execute --throttle --wait, brokers list, decommission): test/cli/reassign.test.ts",
  "docs/operations.md#Deploy on Kubernetes/sh/3":
    "kubectl needs a Kubernetes cluster; the overlay it applies: test/ops/deploy.test.ts; the CLI's TLS options: test/cluster/tls.test.ts",
  "docs/operations.md#TLS/properties/3":
    "SCRAM broker settings, not a command: test/cluster/scram.test.ts starts brokers with them",
  "docs/operations.md#TLS/sh/1":
    "needs a secured cluster: test/cluster/scram.test.ts runs users create (from standard input), list, delete and --sasl-username with TIDELOG_SASL_PASSWORD against one",
  "docs/operations.md#Client quotas/sh/0":
    "each command, its output and its usage errors: test/cluster/quotas.test.ts (which also runs clients over the quotas)",
  "docs/testing.md#Benchmarks/sh/0": "each suite's --quick run: test/bench",
  "clients/sdk/README.md#/sh/0": "packing and installing the SDK: test/sdk/package.test.ts",
  "clients/sdk/README.md#Quick start/ts/0":
    "test/sdk/package.test.ts runs it as written from the packed SDK installed outside the repository",
  "clients/cli/README.md#Installing/sh/0": "packing and installing the CLI: test/cli/package.test.ts",
  "clients/cli/README.md#Producing and consuming/sh/0":
    "each command and flag: test/cli/produce-consume.test.ts and test/cli/everyday.test.ts (`tail -F` follows a file for good)",
  "clients/cli/README.md#Transactions/sh/0":
    "each command against open, hanging and aborted transactions: test/cli/transactions.test.ts",
  "clients/cli/README.md#Moving partitions and brokers/sh/0":
    "plan, execute --throttle --wait, status, decommission, brokers list: test/cli/reassign.test.ts",
};

function pageBlocks(page: string): Block[] {
  const text = readFileSync(join(ROOT, page), "utf8");
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
        blocks.push({ page, section, lang: open.lang, index, code: open.lines.join("\n") });
        open = null;
      } else open.lines.push(line);
    } else if (line.startsWith("```")) open = { lang: line.slice(3).trim() || "plain", lines: [] };
    else if (line.startsWith("## ")) section = line.slice(3).trim();
  }
  return blocks;
}

const keyOf = (b: Pick<Block, "page" | "section" | "lang" | "index">) => `${b.page}#${b.section}/${b.lang}/${b.index}`;

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
  const blocks = PAGES.flatMap(pageBlocks);
  const run = new Map<string, Block>();
  for (const b of blocks) if (!(keyOf(b) in RUN_ELSEWHERE)) run.set(keyOf(b), b);
  const expected = [QUICK_START, SDK, HTTP, CERTS, GROUPS, GROUPS_CLI, TXN, TXN_CLI, SDK_GROUP];
  assert.deepEqual([...run.keys()], expected, "a code block is neither run here nor listed in RUN_ELSEWHERE");
  for (const key of Object.keys(RUN_ELSEWHERE)) {
    assert.ok(
      blocks.some((b) => keyOf(b) === key),
      `RUN_ELSEWHERE names ${key}, which the pages no longer have`,
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
    const out = shell(QUICK_START);
    assert.match(out, /orders/);
    assert.match(out, /"name": ?"orders"/, "the --json line prints the topic as JSON");
  });

  await t.test("the SDK example creates totals, sends three orders, reads the first back and ends", async () => {
    const out = await finish(SDK, typescript(SDK));
    assert.match(out, /^orders: 6 partitions$/m, out);
    assert.match(out, /^0 o-17 \{\.\.\.\}$/m, out);
  });

  await t.test(
    "the consumer-group example reads as group billing and ends; the CLI examples describe, reset and delete it",
    async () => {
      const out = await finish(GROUPS, typescript(GROUPS));
      assert.match(out, /now reading/, out);
      assert.match(out, /^orders-\d@\d+ \{\.\.\.\}$/m, out);
      const cli = shell(GROUPS_CLI);
      assert.match(cli, /billing/);
    },
  );

  await t.test("the transactions example copies orders to totals in transactions until Ctrl-C", async () => {
    const child = typescript(TXN);
    const done = finish(TXN, child);
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
    const cli = shell(TXN_CLI);
    assert.match(cli, /orders-enricher-1/);
  });

  await t.test(
    "the SDK README's consumer-group example reads three of orders' records as group audit and ends",
    async () => {
      const out = await finish(SDK_GROUP, typescript(SDK_GROUP));
      assert.match(out, /now reading/, out);
      assert.equal(out.match(/^\d \d+ \{\.\.\.\}$/gm)?.length, 3, out);
    },
  );

  await t.test(
    "the secured overlay's certificate recipe: two CAs, each certificate verifies only against its own",
    () => {
      shell(CERTS);
      const openssl = (...args: string[]) => spawnSync("openssl", args, { cwd: app, encoding: "utf8" });
      assert.match(openssl("x509", "-in", "broker.crt", "-noout", "-subject").stdout, /CN ?= ?tidelog-broker/);
      assert.match(
        openssl("x509", "-in", "broker.crt", "-noout", "-ext", "subjectAltName").stdout,
        /DNS:\*\.tidelog-headless\.tidelog\.svc\.cluster\.local/,
      );
      assert.notEqual(
        openssl("verify", "-CAfile", "ca.crt", "etcd-client.crt").status,
        0,
        "no client CA cert opens etcd",
      );
      assert.notEqual(openssl("verify", "-CAfile", "etcd-ca.crt", "admin.crt").status, 0);
    },
  );

  await t.test("the HTTP examples answer from npm start's first broker", async () => {
    // The consumer-group CLI examples deleted billing: the group example makes it again.
    await finish(GROUPS, typescript(GROUPS));
    shell(HTTP);
    const statuses = readFileSync(statusLog, "utf8").split("\n").filter(Boolean).map(Number);
    const failed = statuses.map((s, i) => [i, s] as const).filter(([, s]) => s >= 400);
    // The last example aborts orders-enricher-1's ongoing transaction; the example above
    // committed and ended, so there is none to abort: 409, as the comment says.
    assert.deepEqual(failed, [[statuses.length - 1, 409]], `statuses: ${statuses.join(" ")}`);
    assert.ok(statuses.length >= 15, `every curl ran: ${statuses.length}`);
  });
});
