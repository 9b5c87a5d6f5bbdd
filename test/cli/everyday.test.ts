// The CLI's everyday commands and the small things a new user trips on, run in-process
// against fake brokers that speak the real gRPC contract. Proves: --version; a missing
// topic is exit 1 within about a second for produce and consume, with advice, and
// --wait-for-topic waits for it instead; --offset outside the log names the log start
// and end; "1 record", not "1 records"; an internal failure exits 70, not 1; a mistyped
// TIDELOG_* variable and a mistyped (or broker-level) topic config name get a "did you
// mean"; topics describe --configs lists every effective setting with its source;
// offsets shows log start, high watermark and last stable offset, or the offset at a
// time; topics elect-leaders moves leadership back to the preferred replica.
import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import type { CliIo } from "../../clients/cli/src/io.js";
import { type RunningFakeCluster, startFakeCluster } from "../sdk/fake-admin-server.js";
import { type RunningFakeDataCluster, startFakeDataCluster } from "../sdk/fake-broker-server.js";
import { clientFor } from "../sdk/helpers.js";
import { runCli as cli } from "./run-cli.js";

function against(fake: RunningFakeCluster | RunningFakeDataCluster) {
  return (args: readonly string[], io: Partial<CliIo> = {}) =>
    cli(["--bootstrap", fake.bootstrap, "--timeout", "5000", ...args], io);
}

function lines(...chunks: string[]): Partial<CliIo> {
  return {
    stdin: (async function* () {
      for (const c of chunks) yield c;
    })(),
  };
}

test("--version prints the CLI's version", async () => {
  for (const flag of ["--version", "-V"]) {
    const result = await cli([flag]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
  }
});

test("a missing topic: exit 1 within about a second, with advice; --wait-for-topic waits for it", async (t: TestContext) => {
  const fake = await startFakeDataCluster(t);
  const tidelog = against(fake);
  for (const args of [
    ["produce", "nosuch"],
    ["consume", "nosuch"],
    ["offsets", "nosuch"],
  ]) {
    const result = await tidelog(args, lines("x\n"));
    assert.equal(result.code, 1, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, /^error: UNKNOWN_TOPIC_OR_PARTITION: topic 'nosuch' does not exist/m);
    assert.match(
      result.stderr,
      /^hint: topics are not created on first use: create it \(tidelog topics create nosuch\), or add --wait-for-topic/m,
    );
  }

  let printed = "";
  const waiting = tidelog(["consume", "later", "--wait-for-topic", "--from-beginning", "--count", "1"], {
    stdout: {
      write: (s: string) => {
        printed += s;
        return true;
      },
    },
  });
  // Once a consume that does not wait has given up, the waiting one is past that point too.
  assert.equal((await tidelog(["consume", "later"])).code, 1);
  fake.cluster.createTopic("later", 1);
  await clientFor(t, fake).producer().send("later", { value: "made it" });
  const waited = await waiting;
  assert.equal(waited.code, 0, waited.stderr);
  assert.equal(printed, "made it\n");
  assert.equal(waited.stderr, "Consumed 1 record from later.\n");

  const produced = await tidelog(["produce", "later"], lines("one\n"));
  assert.match(produced.stderr, /^Produced 1 record \(3 bytes\) to later in/);
});

test("--offset outside a partition's log names its log start and end offsets", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 2);
  await clientFor(t, fake)
    .producer()
    .send(
      "orders",
      Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: 0 })),
    );
  const tidelog = against(fake);
  const past = await tidelog(["consume", "orders", "--partition", "0", "--offset", "99", "--count", "1"]);
  assert.equal(past.code, 1);
  assert.equal(
    past.stderr,
    "error: OFFSET_OUT_OF_RANGE: --offset 99 is past the end of orders partition 0: its records are at offsets 0 to 9 (log start offset 0, log end offset 10)\n",
  );
  const empty = await tidelog(["consume", "orders", "--offset", "3", "--count", "1"]);
  assert.match(
    empty.stderr,
    /--offset 3 is past the end of orders partition 1: it holds no records \(log start offset 0, log end offset 0\)/,
  );
  const atEnd = await tidelog(["consume", "orders", "--partition", "0", "--offset", "10", "--idle-timeout", "300"]);
  assert.equal(atEnd.code, 0, "the log end itself is where new records will be read");
});

test("an internal failure exits 70 with its stack, not 1 (the cluster's refusal)", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 1);
  const broken = {
    stdin: (async function* () {
      yield "fine\n";
      throw new TypeError("a bug");
    })(),
  };
  const result = await against(fake)(["produce", "orders"], broken);
  assert.equal(result.code, 70);
  assert.match(result.stderr, /^error: unexpected failure \(a bug in tidelog\): TypeError: a bug\n {4}at /m);
});

test("a TIDELOG_* variable no part of tidelog reads is warned about, with the nearest name", async (t) => {
  const fake = await startFakeCluster(t);
  const env = {
    TIDELOG_BOOSTRAP: "127.0.0.1:1",
    TIDELOG_BROKERS: "127.0.0.1:1",
    TIDELOG_LOG_DIRS: "/var/lib/tidelog",
    TIDELOG_ETCD: "http://127.0.0.1:2379",
  };
  const result = await against(fake)(["topics", "list"], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stderr,
    [
      "warning: the environment variable TIDELOG_BOOSTRAP is not read by tidelog (did you mean TIDELOG_BOOTSTRAP?)",
      "warning: the environment variable TIDELOG_BROKERS is not read by tidelog; the CLI reads TIDELOG_BOOTSTRAP, TIDELOG_SSL_CA, TIDELOG_SSL_CERT, TIDELOG_SSL_KEY, TIDELOG_SASL_USERNAME, TIDELOG_SASL_PASSWORD, TIDELOG_SASL_MECHANISM",
      "",
    ].join("\n"),
    "a broker's and npm start's variables are not warned about",
  );
});

test("topic config typos and broker-level names get advice; describe --configs shows every setting and its source", async (t) => {
  const fake = await startFakeCluster(t);
  const tidelog = against(fake);
  const typo = await tidelog(["topics", "create", "orders", "--config", "retenton.ms=1000"]);
  assert.equal(typo.code, 1);
  assert.equal(
    typo.stderr,
    "error: INVALID_CONFIG: unknown topic config 'retenton.ms' (did you mean 'retention.ms'?)\n",
  );
  assert.equal((await tidelog(["topics", "create", "orders", "--config", "retention.ms=1000"])).code, 0);
  const brokerName = await tidelog(["topics", "alter-config", "orders", "--set", "message.max.bytes=2000"]);
  assert.equal(brokerName.code, 1);
  assert.match(
    brokerName.stderr,
    /unknown topic config 'message\.max\.bytes' \('message\.max\.bytes' is the broker-level default; a topic's own setting is 'max\.message\.bytes'\)/,
  );

  const described = await tidelog(["topics", "describe", "orders", "--configs"]);
  assert.equal(described.code, 0, described.stderr);
  assert.match(described.stdout, /^Config +Value +Source$/m);
  assert.match(described.stdout, /^retention\.ms +1000 +topic$/m);
  assert.match(described.stdout, /^segment\.bytes +\d+ +default$/m);
  const doc = JSON.parse((await tidelog(["topics", "describe", "orders", "--configs", "--json"])).stdout) as {
    topics: { effectiveConfigs: { name: string; value: string; source: string; doc: string }[] }[];
  };
  const configs = doc.topics[0]!.effectiveConfigs;
  assert.ok(configs.length >= 10, "every setting, defaults included");
  const retention = configs.find((c) => c.name === "retention.ms");
  assert.deepEqual([retention?.value, retention?.source], ["1000", "topic"]);
  assert.equal(configs.find((c) => c.name === "segment.bytes")?.source, "default");
});

test("offsets: log start, high watermark and last stable offset per partition, or the offset at a time", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 2);
  const t0 = 1_700_000_000_000;
  await clientFor(t, fake)
    .producer()
    .send(
      "orders",
      Array.from({ length: 4 }, (_, i) => ({ value: `v${i}`, partition: 1, timestamp: t0 + i * 1000 })),
    );
  const tidelog = against(fake);
  const table = await tidelog(["offsets", "orders"]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^Partition +Log start +HW +LSO\n0 +0 +0 +0\n1 +0 +4 +4\n$/);
  const doc = JSON.parse((await tidelog(["offsets", "orders", "--partition", "1", "--json"])).stdout);
  assert.deepEqual(doc, {
    topic: "orders",
    partitions: [{ partition: 1, earliest: 0, latest: 4, lastStable: 4, error: null }],
  });
  const atTime = await tidelog(["offsets", "orders", "--time", new Date(t0 + 1500).toISOString(), "--json"]);
  assert.deepEqual(JSON.parse(atTime.stdout).partitions, [
    { partition: 0, offset: null, error: null },
    { partition: 1, offset: 2, error: null },
  ]);
  const noPartition = await tidelog(["offsets", "orders", "--partition", "7"]);
  assert.equal(noPartition.code, 1);
  assert.match(noPartition.stderr, /has 2 partitions; there is no partition 7/);
});

test("topics elect-leaders moves leadership back to the preferred replica", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 3 });
  const topic = fake.cluster.seedTopic("orders", 2, 2);
  const moved = topic.partitions[0]!;
  moved.leader = moved.replicas[1]!;
  moved.leaderEpoch += 1;
  const tidelog = against(fake);
  const result = await tidelog(["topics", "elect-leaders", "orders", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), {
    elections: [
      { topic: "orders", partition: 0, leader: moved.replicas[0], elected: true, error: null },
      { topic: "orders", partition: 1, leader: topic.partitions[1]!.replicas[0], elected: false, error: null },
    ],
  });
  assert.equal(moved.leader, moved.replicas[0]);
  const table = await tidelog(["topics", "elect-leaders", "orders", "--partition", "1"]);
  assert.match(table.stdout, /^orders +1 +\d+ +already the preferred leader$/m);
  const usage = await tidelog(["topics", "elect-leaders"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /name one topic, or give --all/);
});
