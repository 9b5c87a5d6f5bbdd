// The exactly-once demos of issue 22 (clients/demos), each run briefly as a user runs it.
// Why: a demo is a claim made to users ("exactly once, through these faults"); these runs
// keep each claim true, and keep the negative control able to see what the others
// prevent. How: one launched cluster (etcd + 3 brokers, the demos' own settings) shared
// by the runs, each demo with its own topics, group and transactional ids; four demos
// through runDemo with their broker faults (the cluster handed in, kept open between
// runs), at-least-once through `npm run demo`'s own script against --bootstrap (client
// faults only). Expected: pipeline, bank, zombie and idempotence prove their claims
// (status 0, every check ok) with their faults done; at-least-once exits 0 having seen
// duplicates. A failure prints the demo's whole narration.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  DEMO_BROKER_CONFIG,
  DEMO_BROKERS,
  type DemoName,
  type DemoResult,
  type FaultableCluster,
  runDemo,
} from "@tidelog/demos";
import { launchLocalCluster } from "@tidelog/verify";
import { projectRoot } from "../../scripts/bootstrap.mjs";

/** Short runs: every demo's faults are scheduled as fractions of this. */
const SECONDS = 8;

let cluster: FaultableCluster;

before(async () => {
  cluster = await launchLocalCluster({ brokers: DEMO_BROKERS, brokerConfig: DEMO_BROKER_CONFIG });
});

after(async () => {
  await cluster?.close();
});

/** The shared cluster, handed to a demo as if launched for it; its close() leaves it running for the next. */
function shared(): FaultableCluster {
  return {
    get bootstrap() {
      return cluster.bootstrap;
    },
    brokerIds: cluster.brokerIds,
    killBroker: (id) => cluster.killBroker(id),
    restartBroker: (id) => cluster.restartBroker(id),
    pauseBroker: (id) => cluster.pauseBroker(id),
    resumeBroker: (id) => cluster.resumeBroker(id),
    leaderOf: (topic, partition) => cluster.leaderOf(topic, partition),
    transactionCoordinatorOf: (id) => cluster.transactionCoordinatorOf(id),
    close: async () => {},
  };
}

async function run(name: DemoName): Promise<{ result: DemoResult; output: string }> {
  let output = "";
  const result = await runDemo(name, {
    seconds: SECONDS,
    seed: 22,
    out: { write: (s: string) => (output += s), isTTY: false },
    launch: async () => shared(),
  });
  return { result, output };
}

function fact(result: DemoResult, what: string): string {
  return result.proof?.facts.find(([name]) => name === what)?.[1] ?? "";
}

function assertProved({ result, output }: { result: DemoResult; output: string }): void {
  assert.equal(result.exitCode, 0, `the demo proved its claim; its output:\n${output}`);
  assert.ok(result.proof && result.proof.checks.length >= 4, "it ran its checks");
  for (const check of result.proof.checks) assert.ok(check.ok, `${check.name}: ${check.observed}\n${output}`);
  assert.match(output, /^PROVED: /m, "the verdict is printed");
}

test("pipeline: every order's output exactly once through processor kill -9s, a rebalance and a leader kill", async () => {
  const ran = await run("pipeline");
  assertProved(ran);
  assert.match(fact(ran.result, "faults"), /[12] processor kill -9/, "processors were killed mid-transaction");
  assert.match(ran.output, /kill -9 processor p1 \(pid \d+\) mid-transaction/);
  assert.match(ran.output, /processor p3 joins the group/);
  assert.match(ran.output, /kill -9 broker \d \(the leader of orders-/);
  assert.match(fact(ran.result, "orders in `orders`"), /^[1-9]/, "orders went through");
});

test("bank: transfers across partitions are all-or-nothing, balances kept, no auditor reads an aborted one", async () => {
  const ran = await run("bank");
  assertProved(ran);
  assert.match(fact(ran.result, "transfers never committed"), /^[1-9][0-9,]* \([1-9][0-9,]* aborted on purpose/);
  assert.match(fact(ran.result, "faults"), /leader kill -9/);
});

test("zombie: a frozen producer is fenced by its successor and none of its records is visible", async () => {
  const ran = await run("zombie");
  assertProved(ran);
  assert.match(ran.output, /instance 0's commit refused: (PRODUCER_FENCED|INVALID_PRODUCER_EPOCH)/);
  assert.match(
    fact(ran.result, "faults"),
    /coordinator kill -9/,
    "the coordinator was killed while the zombie was frozen",
  );
});

test("idempotence: no duplicates, order kept, nothing acknowledged lost through leader kills and a frozen leader", async () => {
  const ran = await run("idempotence");
  assertProved(ran);
  assert.match(fact(ran.result, "faults"), /leader kill -9/);
  assert.match(fact(ran.result, "acknowledged"), /^[1-9]/);
});

test("at-least-once (npm run demo against --bootstrap): the negative control sees duplicates", async () => {
  const child = spawn(
    process.execPath,
    [
      join(projectRoot(), "scripts", "demo.mjs"),
      "at-least-once",
      "--seconds",
      String(SECONDS),
      "--bootstrap",
      cluster.bootstrap,
    ],
    { cwd: projectRoot(), stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  assert.equal(status, 0, `the negative control saw duplicates; its output:\n${output}`);
  assert.match(
    output,
    /duplicates seen \(what exactly-once prevents\) +> 0 orders output twice +[1-9][0-9,]* orders output twice or more +ok/,
  );
  assert.match(
    output,
    /^seen: duplicates seen .*\n {2}order \d+ \(c\d\d, amount \d+\) output 2 times: totals-/m,
    "the duplicates are printed",
  );
  assert.match(output, /client-side faults only/, "no broker was touched");
});
