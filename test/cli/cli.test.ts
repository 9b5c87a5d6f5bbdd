// The tidelog CLI, run in-process against fake brokers that speak the real gRPC
// contract: each command's human and --json output, and the exit codes scripts rely on
// (0 ok, 1 the cluster refused, 2 usage error with nothing sent, 3 cluster unreachable).
// Usage errors are checked to never reach a broker.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { run } from "../../clients/cli/src/main.js";
import { closedPort, type RunningFakeCluster, startFakeCluster } from "../sdk/fake-admin-server.js";

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface RunOptions {
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  readonly tty?: boolean;
}

/** A directory with no .tidelog/cluster.json at or above it (the temp dir's root is checked once). */
function emptyDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "tidelog-cli-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function cli(t: TestContext, args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s) },
    env: options.env ?? {},
    cwd: options.cwd ?? emptyDir(t),
  });
  return { code, stdout, stderr };
}

/** Runs against the fake cluster's brokers with fast retries. */
function against(fake: RunningFakeCluster) {
  return (t: TestContext, args: readonly string[], options: RunOptions = {}) =>
    cli(t, ["--bootstrap", fake.bootstrap, "--timeout", "2000", ...args], options);
}

function json(result: CliResult): Record<string, unknown> {
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

function calls(fake: RunningFakeCluster): number {
  return fake.brokers.reduce((n, b) => n + b.calls.length, 0);
}

test("cluster describe --json: one document with stable camelCase fields and numbers", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 2, controller: 2 });
  const result = await against(fake)(t, ["cluster", "describe", "--json"]);
  assert.equal(result.code, 0);
  assert.equal(result.stderr, "");
  assert.deepEqual(json(result), {
    clusterId: fake.cluster.clusterId,
    controllerId: 2,
    controllerEpoch: fake.cluster.controllerEpoch,
    answeredBy: 1,
    brokers: fake.brokers.map((b) => ({ id: b.id, host: "127.0.0.1", port: b.port, httpPort: 0, rack: null })),
  });
});

test("cluster describe for people: a boxed table on a terminal, plain columns in a pipe", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 2, controller: 2 });
  const result = await against(fake)(t, ["cluster", "describe"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, new RegExp(`Cluster id: +${fake.cluster.clusterId}`));
  assert.match(result.stdout, /Controller: +broker 2 \(epoch \d+\)/);
  assert.match(result.stdout, /^Broker +Host +Port +HTTP port +Rack +Controller$/m);
  assert.match(result.stdout, new RegExp(`^2 +127\\.0\\.0\\.1 +${fake.broker(2).port} +0 +- +yes$`, "m"));
  assert.ok(!/[│─┌└]/.test(result.stdout), "no box characters in a pipe");
  assert.ok(!result.stdout.includes("\u001b["), "no ANSI escapes");
  const terminal = await against(fake)(t, ["cluster", "describe"], { tty: true, env: { NO_COLOR: "1" } });
  assert.match(terminal.stdout, new RegExp(`│ 2 +│ 127\\.0\\.0\\.1 +│ ${fake.broker(2).port} +│ 0 +│ - +│ yes +│`));
  assert.ok(!terminal.stdout.includes("\u001b["), "NO_COLOR is honoured");
});

test("topics create, then list and describe it, for people", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 3 });
  const tidelog = against(fake);
  const created = await tidelog(t, [
    "topics",
    "create",
    "orders",
    "--partitions",
    "3",
    "--replication-factor",
    "2",
    "--config",
    "retention.ms=60000",
    "--config",
    "cleanup.policy=compact",
  ]);
  assert.equal(created.code, 0, created.stderr);
  const topic = fake.cluster.topics.get("orders")!;
  assert.match(created.stdout, new RegExp(`Created topic orders \\(id ${topic.topicId}\\)\\.`));
  assert.deepEqual(
    [topic.partitions.length, topic.partitions[0]?.replicas.length, Object.fromEntries(topic.configs)],
    [3, 2, { "retention.ms": "60000", "cleanup.policy": "compact" }],
  );

  const listed = await tidelog(t, ["topics", "list"]);
  assert.equal(listed.code, 0);
  assert.match(listed.stdout, /^orders +3 +2 +[\w-]+$/m);

  fake.cluster.unregister(3);
  const described = await tidelog(t, ["topics", "describe", "orders"]);
  assert.equal(described.code, 0, described.stderr);
  assert.match(described.stdout, /Topic: orders \(id [\w-]+, 3 partitions, replication factor 2\)/);
  assert.match(described.stdout, /Configs: retention\.ms=60000, cleanup\.policy=compact/);
  assert.match(described.stdout, /^0 +1 +0 +1,2 +1,2 +- +- +-$/m);
  assert.match(described.stdout, /^1 +2 +0 +2,3 +2 +3 +- +- +-$/m);
  assert.match(described.stdout, /^2 +1 +1 +3,1 +1 +3 +- +- +-$/m);
});

test("topics create/list/describe --json", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 2 });
  const tidelog = against(fake);
  const created = json(await tidelog(t, ["topics", "create", "events", "--partitions", "2", "--json"]));
  const topicId = fake.cluster.topics.get("events")?.topicId;
  assert.deepEqual(created, { name: "events", topicId, created: true, validateOnly: false });

  const listed = json(await tidelog(t, ["topics", "list", "--json"]));
  assert.deepEqual(listed, {
    topics: [{ name: "events", topicId, partitionCount: 2, replicationFactor: 1, internal: false }],
  });

  fake.cluster.unregister(2);
  const described = json(await tidelog(t, ["topics", "describe", "--json"]));
  assert.deepEqual(described, {
    topics: [
      {
        name: "events",
        topicId,
        internal: false,
        configs: {},
        error: null,
        partitions: [
          {
            partition: 0,
            leader: 1,
            leaderEpoch: 0,
            partitionEpoch: 0,
            replicas: [1],
            isr: [1],
            elr: [],
            offlineReplicas: [],
          },
          {
            partition: 1,
            leader: null,
            leaderEpoch: 1,
            partitionEpoch: 1,
            replicas: [2],
            isr: [],
            elr: [],
            offlineReplicas: [2],
          },
        ],
      },
    ],
  });
});

test("internal topics are listed and described only when asked for", async (t) => {
  const fake = await startFakeCluster(t);
  fake.cluster.seedTopic("__consumer_offsets", 1, 1, true);
  const tidelog = against(fake);
  assert.equal((await tidelog(t, ["topics", "list"])).stdout, "No topics.\n");
  assert.match(
    (await tidelog(t, ["topics", "list", "--include-internal"])).stdout,
    /^__consumer_offsets +1 +1 +yes +/m,
  );
  assert.deepEqual(json(await tidelog(t, ["topics", "describe", "--json"])), { topics: [] });
  const all = json(await tidelog(t, ["topics", "describe", "--include-internal", "--json"]));
  assert.equal((all.topics as unknown[]).length, 1);
});

test("the cluster's refusal exits 1 with error: CODE: message, and a JSON error object", async (t) => {
  const fake = await startFakeCluster(t);
  const tidelog = against(fake);
  assert.equal((await tidelog(t, ["topics", "create", "dup"])).code, 0);

  const human = await tidelog(t, ["topics", "create", "dup"]);
  assert.equal(human.code, 1);
  assert.equal(human.stdout, "");
  assert.equal(human.stderr, "error: TOPIC_ALREADY_EXISTS: topic 'dup' already exists\n");

  const machine = await tidelog(t, ["topics", "create", "dup", "--json"]);
  assert.equal(machine.code, 1);
  assert.deepEqual(json(machine), {
    error: { code: "TOPIC_ALREADY_EXISTS", errorCode: 36, message: "topic 'dup' already exists" },
  });

  const tolerated = await tidelog(t, ["topics", "create", "dup", "--if-not-exists", "--json"]);
  assert.equal(tolerated.code, 0);
  assert.deepEqual(json(tolerated), { name: "dup", topicId: null, created: false, validateOnly: false });

  const badConfig = await tidelog(t, ["topics", "create", "x", "--config", "retention.ms=soon"]);
  assert.equal(badConfig.code, 1);
  assert.match(badConfig.stderr, /^error: INVALID_CONFIG: retention\.ms=soon is not an integer\n$/);
});

test("topics create --validate-only changes nothing", async (t) => {
  const fake = await startFakeCluster(t);
  const result = await against(fake)(t, ["topics", "create", "dry", "--validate-only"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /would be created; nothing changed/);
  assert.equal(fake.cluster.topics.size, 0);
});

test("topics describe of a missing topic exits 1, still describing the others", async (t) => {
  const fake = await startFakeCluster(t);
  const tidelog = against(fake);
  await tidelog(t, ["topics", "create", "here"]);
  const human = await tidelog(t, ["topics", "describe", "here", "gone"]);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /Topic: here/);
  assert.equal(human.stderr, "error: UNKNOWN_TOPIC_OR_PARTITION: topic 'gone' does not exist\n");

  const machine = json(await tidelog(t, ["topics", "describe", "here", "gone", "--json"]));
  const topics = machine.topics as { name: string; error: unknown }[];
  assert.deepEqual(
    topics.map((x) => [x.name, x.error]),
    [
      ["here", null],
      ["gone", { code: "UNKNOWN_TOPIC_OR_PARTITION", errorCode: 3, message: "topic 'gone' does not exist" }],
    ],
  );
  assert.deepEqual(machine.error, topics[1]?.error);
});

test("topics delete: per-topic outcome, exit 1 when one is missing unless --if-exists", async (t) => {
  const fake = await startFakeCluster(t);
  const tidelog = against(fake);
  for (const name of ["a", "b", "c"]) await tidelog(t, ["topics", "create", name]);
  const bId = fake.cluster.topics.get("b")?.topicId;

  const human = await tidelog(t, ["topics", "delete", "a", "missing"]);
  assert.equal(human.code, 1);
  assert.equal(human.stdout, "Deleted topic a.\n");
  assert.equal(human.stderr, "error: UNKNOWN_TOPIC_OR_PARTITION: topic 'missing' does not exist\n");

  const tolerant = await tidelog(t, ["topics", "delete", "b", "missing", "--if-exists", "--json"]);
  assert.equal(tolerant.code, 0);
  assert.deepEqual(json(tolerant), {
    topics: [
      { name: "b", topicId: bId, deleted: true, error: null },
      { name: "missing", topicId: null, deleted: false, error: null },
    ],
  });

  const strict = json(await tidelog(t, ["topics", "delete", "missing", "--json"]));
  assert.equal((strict.error as { code: string }).code, "UNKNOWN_TOPIC_OR_PARTITION");
  assert.deepEqual([...fake.cluster.topics.keys()], ["c"]);
});

test("topics alter-config sets and resets settings; an invalid value exits 1", async (t) => {
  const fake = await startFakeCluster(t);
  const tidelog = against(fake);
  await tidelog(t, ["topics", "create", "cfg", "--config", "cleanup.policy=compact"]);
  const changed = await tidelog(t, [
    "topics",
    "alter-config",
    "cfg",
    "--set",
    "retention.ms=1000",
    "--set",
    "retention.bytes=2048",
    "--delete",
    "cleanup.policy",
  ]);
  assert.equal(changed.code, 0, changed.stderr);
  assert.equal(
    changed.stdout,
    "Changed cfg: set retention.ms=1000; set retention.bytes=2048; reset cleanup.policy to the broker default.\n",
  );
  assert.deepEqual(Object.fromEntries(fake.cluster.topics.get("cfg")!.configs), {
    "retention.ms": "1000",
    "retention.bytes": "2048",
  });

  const machine = await tidelog(t, ["topics", "alter-config", "cfg", "--set", "retention.ms=5", "--json"]);
  assert.deepEqual(json(machine), { name: "cfg", set: { "retention.ms": "5" }, deleted: [], validateOnly: false });

  const invalid = await tidelog(t, ["topics", "alter-config", "cfg", "--set", "segment.bytes=1"]);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /^error: INVALID_CONFIG: segment\.bytes=1 is outside/);
});

test("topics add-partitions grows a topic; shrinking exits 1", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 2 });
  const tidelog = against(fake);
  await tidelog(t, ["topics", "create", "grow", "--partitions", "2"]);
  const grown = await tidelog(t, ["topics", "add-partitions", "grow", "--total", "5"]);
  assert.equal(grown.code, 0, grown.stderr);
  assert.equal(grown.stdout, "Grew grow to 5 partitions.\n");
  assert.equal(fake.cluster.topics.get("grow")?.partitions.length, 5);
  assert.deepEqual(json(await tidelog(t, ["topics", "add-partitions", "grow", "--total", "6", "--json"])), {
    name: "grow",
    totalCount: 6,
    validateOnly: false,
  });
  const shrink = await tidelog(t, ["topics", "add-partitions", "grow", "--total", "3", "--json"]);
  assert.equal(shrink.code, 1);
  assert.equal((json(shrink).error as { code: string }).code, "INVALID_PARTITIONS");
});

test("writes reach the controller even when the bootstrap broker is not it", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 2, controller: 2 });
  const result = await cli(t, ["--bootstrap", fake.broker(1).address, "topics", "create", "routed"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(fake.broker(2).callsOf("CreateTopics").length, 1);
});

test("an unreachable cluster exits 3, within the --timeout bound", async (t) => {
  const port = await closedPort();
  const started = Date.now();
  const human = await cli(t, ["--bootstrap", `127.0.0.1:${port}`, "--timeout", "1000", "topics", "list"]);
  assert.ok(Date.now() - started < 3_000);
  assert.equal(human.code, 3);
  assert.equal(human.stdout, "");
  assert.match(human.stderr, /^error: NETWORK_EXCEPTION: listTopics failed after \d+ attempts/);
  assert.match(
    human.stderr,
    new RegExp(`hint: is the cluster running\\? Bootstrap brokers 127\\.0\\.0\\.1:${port} came from --bootstrap`),
  );

  const machine = await cli(t, [
    "--bootstrap",
    `127.0.0.1:${port}`,
    "--timeout",
    "500",
    "--json",
    "cluster",
    "describe",
  ]);
  assert.equal(machine.code, 3);
  assert.equal((json(machine).error as { code: string; errorCode: number }).errorCode, 13);
});

test("usage errors exit 2 with a helpful message and send nothing", async (t) => {
  const fake = await startFakeCluster(t);
  const tidelog = against(fake);
  const cases: [string[], RegExp][] = [
    [["topics", "create", "bad/name"], /topic name 'bad\/name' may contain only ASCII letters, digits.*use 1-249/],
    [["topics", "create", "."], /'\.' is not allowed as a topic name/],
    [["topics", "delete", "ok", ".."], /'\.\.' is not allowed as a topic name/],
    [["topics", "describe", "x".repeat(250)], /topic name is 250 characters; at most 249/],
    [["topics", "create", "t", "--partitions", "0"], /'0' is not a whole number between 1 and/],
    [["topics", "create", "t", "--partitions", "-1"], /--partitions/],
    [["topics", "create", "t", "--replication-factor", "two"], /'two' is not a whole number/],
    [["topics", "create", "t", "--config", "retention.ms"], /'retention\.ms' is not key=value/],
    [["topics", "create", "t", "--config", "=5"], /is not key=value/],
    [["topics", "create", "t", "--config", "a=1", "--config", "a=2"], /'a' is given more than once/],
    [["topics", "alter-config", "t"], /nothing to change: give --set key=value and\/or --delete key/],
    [["topics", "add-partitions", "t"], /required option '--total <n>' not specified/],
    [["topics", "create"], /missing required argument 'name'/],
    [["topics", "frobnicate"], /unknown command 'frobnicate'/],
    [["topics", "list", "--colour"], /unknown option '--colour'/],
    [["--timeout", "soon", "topics", "list"], /'soon' is not a whole number/],
    [["topics"], /Usage: tidelog topics/],
  ];
  for (const [args, message] of cases) {
    const result = await tidelog(t, args);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(" "));
    assert.equal(result.stdout, "", args.join(" "));
  }
  const badBootstrap = await cli(t, ["--bootstrap", "localhost", "topics", "list"]);
  assert.equal(badBootstrap.code, 2);
  assert.match(badBootstrap.stderr, /'localhost' is not host:port/);
  assert.equal(calls(fake), 0, "no usage error reached a broker");
});

test("bootstrap from TIDELOG_BOOTSTRAP, then from .tidelog/cluster.json found upward, else exit 2 naming all three", async (t) => {
  const fake = await startFakeCluster(t);
  const fromEnv = await cli(t, ["topics", "list", "--json"], { env: { TIDELOG_BOOTSTRAP: fake.bootstrap } });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);

  const root = emptyDir(t);
  mkdirSync(join(root, ".tidelog"));
  writeFileSync(join(root, ".tidelog", "cluster.json"), JSON.stringify({ bootstrap: fake.bootstrap }));
  const nested = join(root, "work", "here");
  mkdirSync(nested, { recursive: true });
  const fromFile = await cli(t, ["cluster", "describe", "--json"], { cwd: nested });
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.equal(json(fromFile).clusterId, fake.cluster.clusterId);

  const badEnv = await cli(t, ["topics", "list"], { env: { TIDELOG_BOOTSTRAP: "nope" } });
  assert.equal(badEnv.code, 2);
  assert.match(badEnv.stderr, /^error: TIDELOG_BOOTSTRAP: 'nope' is not host:port/);

  const nothing = await cli(t, ["topics", "list"]);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /--bootstrap host:port.*TIDELOG_BOOTSTRAP=host:port.*\.tidelog\/cluster\.json/s);
});

test("--help teaches: examples, where the bootstrap comes from, exit codes; on every command", async (t) => {
  const top = await cli(t, ["--help"]);
  assert.equal(top.code, 0);
  assert.match(
    top.stdout,
    /Examples \(inside the clone with `npm start` running, no --bootstrap is needed\):\n {2}\$ tidelog cluster describe/,
  );
  assert.match(top.stdout, /TIDELOG_BOOTSTRAP/);
  assert.match(top.stdout, /\.tidelog\/cluster\.json/);
  assert.match(top.stdout, /Exit codes:\n {2}0 {2}success\n {2}1 .*\n {2}2 .*\n {2}3 .*\n {2}70 /);
  const commands = [
    ["cluster"],
    ["cluster", "describe"],
    ["topics"],
    ["topics", "create"],
    ["topics", "list"],
    ["topics", "describe"],
    ["topics", "delete"],
    ["topics", "alter-config"],
    ["topics", "add-partitions"],
    ["topics", "elect-leaders"],
    ["offsets"],
    ["produce"],
    ["consume"],
  ];
  for (const command of commands) {
    const help = await cli(t, [...command, "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`Usage: tidelog ${command.join(" ")}`));
    assert.match(help.stdout, /\n\n.+\n/, "has a description");
    assert.match(help.stdout, /Examples:\n {2}\$ .*tidelog /, command.join(" "));
    assert.match(help.stdout, /TIDELOG_BOOTSTRAP/, command.join(" "));
    assert.match(help.stdout, /--bootstrap <brokers>/, "global options shown");
  }
});

test("the development entry point runs main.ts as a program; a reader that goes away is no crash", () => {
  const main = join(import.meta.dirname, "..", "..", "clients", "cli", "src", "main.ts");
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", "--conditions=tidelog-source", main, "topics", "--help"],
    {
      encoding: "utf8",
      timeout: 30_000,
    },
  );
  assert.equal(child.status, 0, child.stderr);
  assert.match(child.stdout, /Usage: tidelog topics/);
  // `tidelog --help | head -1`: stdout closed after the first line (EPIPE) used to crash.
  const piped = spawnSync(
    "sh",
    ["-c", `"${process.execPath}" --import tsx --conditions=tidelog-source "${main}" --help | head -1`],
    {
      encoding: "utf8",
      timeout: 30_000,
    },
  );
  assert.equal(piped.stdout, "Usage: tidelog [options] [command]\n");
  assert.doesNotMatch(piped.stderr, /EPIPE|Unhandled/);
});
