// `tidelog produce` and `tidelog consume`, run in-process against fake data brokers that
// speak the real gRPC contract. Proves: stdin lines (split across chunks, CRLF, a last
// line without a newline) become records, keyed by --key-separator onto Kafka's
// partition for the key, with --partition and --header; --json delivery reports in input
// order; consume --from-beginning/--offset/--from-time with --count, --idle-timeout,
// text and JSON formats (base64 for bytes that are not UTF-8), Ctrl-C; exit codes 0, 1
// (unknown topic or partition), 2 (bad flags, nothing sent) and 3 (unreachable).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { decodeRecordBatch } from "@tidelog/client/record";
import { run } from "../../clients/cli/src/main.js";
import { partitionForKey } from "../../clients/sdk/src/index.js";
import { closedPort } from "../sdk/fake-admin-server.js";
import { type RunningFakeDataCluster, startFakeDataCluster } from "../sdk/fake-broker-server.js";
import { clientFor, waitFor } from "../sdk/helpers.js";

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface CliRun {
  readonly stdin?: readonly (string | Buffer)[];
  /** Called with the interrupt trigger once the command installed its handler. */
  readonly interrupt?: (fire: () => void) => void;
  readonly onStdout?: (text: string) => void;
}

async function cli(t: TestContext, args: readonly string[], options: CliRun = {}): Promise<CliResult> {
  const cwd = mkdtempSync(join(tmpdir(), "tidelog-cli-"));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  let stdout = "";
  let stderr = "";
  const chunks = options.stdin;
  const code = await run(args, {
    stdout: {
      write: (s: string) => {
        stdout += s;
        options.onStdout?.(s);
        return true;
      },
    },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd,
    ...(chunks === undefined
      ? {}
      : {
          stdin: (async function* () {
            for (const c of chunks) yield c;
          })(),
        }),
    onInterrupt: (handler) => {
      options.interrupt?.(handler);
      return () => {};
    },
  });
  return { code, stdout, stderr };
}

function against(fake: RunningFakeDataCluster) {
  return (t: TestContext, args: readonly string[], options: CliRun = {}) =>
    cli(t, ["--bootstrap", fake.bootstrap, "--timeout", "3000", ...args], options);
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test("produce: stdin lines become keyed records on Kafka's partition; --json reports in input order", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 3);
  const tidelog = against(fake);
  const stdin = ["ali", "ce:a1\nbob:b1\r\nalice:", "a2\nno-key\n", "carol:c1"];
  const result = await tidelog(t, ["produce", "orders", "--key-separator", ":", "--json"], { stdin });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^Produced 5 records \(\d+ bytes\) to orders in [\d.]+ s, \d+ records\/s\.\n$/);
  const reports = jsonLines(result.stdout);
  const keys = ["alice", "bob", "alice", null, "carol"];
  assert.equal(reports.length, 5);
  for (const [i, key] of keys.entries()) {
    const r = reports[i]!;
    assert.deepEqual(Object.keys(r), ["topic", "partition", "offset", "timestamp"]);
    assert.equal(typeof r.offset, "string");
    if (key !== null) assert.equal(r.partition, partitionForKey(key, 3), key);
  }
  const alice = fake.cluster.records("orders", partitionForKey("alice", 3)).filter((r) => r.key === "alice");
  assert.deepEqual(
    alice.map((r) => r.value),
    ["a1", "a2"],
  );
  const bob = fake.cluster.records("orders", partitionForKey("bob", 3)).find((r) => r.key === "bob");
  assert.equal(bob?.value, "b1", "the \\r of a CRLF line end is dropped");
});

test("produce streams: a line is delivered, and its report printed, while stdin stays open", async (t) => {
  // Input that never ends on its own, like `tail -F app.log | tidelog produce logs`: the
  // second line is written only once the first is in the log and its delivery report is
  // on stdout. A CLI that waited for more lines (or for the end) before sending would
  // never get there.
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("logs", 1);
  let printed = "";
  const stored = () => fake.cluster.records("logs", 0).map((r) => r.value);
  const stdin = (async function* () {
    yield "first line\n";
    await waitFor("the first line to be delivered and reported", () => printed.includes("\n"), 10_000);
    assert.deepEqual(stored(), ["first line"], "delivered before stdin ended");
    yield "second line\n";
  })();
  const result = await run(["--bootstrap", fake.bootstrap, "produce", "logs", "--json"], {
    stdout: {
      write: (s: string) => {
        printed += s;
        return true;
      },
    },
    stderr: { write: () => true },
    env: {},
    cwd: tmpdir(),
    stdin,
  });
  assert.equal(result, 0);
  assert.deepEqual(stored(), ["first line", "second line"]);
  assert.deepEqual(
    jsonLines(printed).map((r) => r.offset),
    ["0", "1"],
  );
});

test("produce --partition --header --acks 1 --compression gzip: every record there, with the headers", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 2);
  const args = ["produce", "orders", "--partition", "1", "--header", "source=cli", "--header", "source=again"];
  const result = await against(fake)(t, [...args, "--acks", "1", "--compression", "gzip"], {
    stdin: ["one\ntwo\n"],
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(fake.cluster.records("orders", 0).length, 0);
  const batches = fake.cluster.log("orders", 1).batches.map((b) => decodeRecordBatch(b));
  const records = batches.flatMap((b) => b.records);
  assert.deepEqual(
    records.map((r) => r.value?.toString()),
    ["one", "two"],
  );
  assert.deepEqual(
    records[0]?.headers.map((h) => [h.key, h.value?.toString()]),
    [
      ["source", "cli"],
      ["source", "again"],
    ],
  );
  assert.equal(batches[0]!.header.producerId, -1, "acks 1 is not idempotent");
  assert.equal(batches[0]!.header.attributes & 7, 1, "gzip");
});

test("consume --from-beginning --count --format json: one object per record, base64 for non-UTF-8 bytes", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 1);
  const producer = clientFor(t, fake).producer();
  const binary = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
  await producer.send("orders", [
    { key: "k0", value: "hello", timestamp: 1_700_000_000_000, headers: [{ key: "h", value: "x" }] },
    { key: null, value: binary, timestamp: 1_700_000_000_001, headers: [{ key: "raw", value: binary }] },
    { key: binary, value: null, timestamp: 1_700_000_000_002 },
    { value: "not printed" },
  ]);
  const result = await against(fake)(t, ["consume", "orders", "--from-beginning", "--count", "3", "--format", "json"]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(jsonLines(result.stdout), [
    {
      topic: "orders",
      partition: 0,
      offset: "0",
      timestamp: 1_700_000_000_000,
      key: "k0",
      value: "hello",
      headers: [{ key: "h", value: "x" }],
    },
    {
      topic: "orders",
      partition: 0,
      offset: "1",
      timestamp: 1_700_000_000_001,
      key: null,
      value: binary.toString("base64"),
      valueEncoding: "base64",
      headers: [{ key: "raw", value: binary.toString("base64"), encoding: "base64" }],
    },
    {
      topic: "orders",
      partition: 0,
      offset: "2",
      timestamp: 1_700_000_000_002,
      key: binary.toString("base64"),
      keyEncoding: "base64",
      value: null,
      headers: [],
    },
  ]);
  assert.equal(result.stderr, "Consumed 3 records from orders.\n");
});

test("consume text: --print-key, every partition by default, --idle-timeout ends a quiet topic", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 3);
  const producer = clientFor(t, fake).producer();
  await producer.send(
    "orders",
    ["a", "b", "c", "d", "e", "f"].map((k) => ({ key: k, value: `value-${k}` })),
  );
  const result = await against(fake)(t, [
    "consume",
    "orders",
    "--from-beginning",
    "--print-key",
    "--idle-timeout",
    "300",
  ]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split("\n").filter((l) => l.length > 0);
  assert.deepEqual(
    [...lines].sort(),
    ["a", "b", "c", "d", "e", "f"].map((k) => `${k}\tvalue-${k}`),
  );
  assert.match(result.stderr, /Consumed 6 records from orders/);
});

test("consume --partition --offset and --from-time pick the start; Ctrl-C stops a follow cleanly", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 2);
  const producer = clientFor(t, fake).producer();
  await producer.send(
    "orders",
    Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: 1, timestamp: 1_700_000_000_000 + i * 1000 })),
  );
  const tidelog = against(fake);
  const byOffset = await tidelog(t, ["consume", "orders", "--partition", "1", "--offset", "7", "--count", "2"]);
  assert.equal(byOffset.stdout, "v7\nv8\n");
  const byTime = await tidelog(t, [
    "consume",
    "orders",
    "--partition",
    "1",
    "--from-time",
    "2023-11-14T22:13:25Z",
    "--count",
    "1",
  ]);
  assert.equal(byTime.stdout, "v5\n", "1700000005000 ms is 2023-11-14T22:13:25Z");

  let fire: (() => void) | null = null;
  let printed = "";
  const following = tidelog(t, ["consume", "orders", "--from-beginning"], {
    interrupt: (f) => {
      fire = f;
    },
    onStdout: (text) => {
      printed += text;
    },
  });
  await waitFor("the records", () => printed.split("\n").length > 10);
  fire!();
  const followed = await following;
  assert.equal(followed.code, 0);
  assert.equal(followed.stdout.split("\n").filter((l) => l).length, 10);
  assert.match(followed.stderr, /Consumed 10 records/);
});

test("exit codes: 1 for an unknown topic or partition, 2 for bad flags (nothing sent), 3 when unreachable", async (t) => {
  const fake = await startFakeDataCluster(t);
  fake.cluster.createTopic("orders", 2);
  const tidelog = against(fake);

  const unknown = await tidelog(t, ["produce", "missing"], { stdin: ["x\n"] });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^error: UNKNOWN_TOPIC_OR_PARTITION/m);
  const unknownConsume = await tidelog(t, ["--json", "consume", "missing", "--count", "1"]);
  assert.equal(unknownConsume.code, 1);
  const errorLine = jsonLines(unknownConsume.stdout)[0] as { error: { code: string } };
  assert.equal(errorLine.error.code, "UNKNOWN_TOPIC_OR_PARTITION", "with --json the error is one JSON line");
  assert.equal(unknownConsume.stdout.split("\n").length, 2);
  const noPartition = await tidelog(t, ["consume", "orders", "--partition", "5", "--count", "1"]);
  assert.equal(noPartition.code, 1);
  assert.match(noPartition.stderr, /has 2 partitions; there is no partition 5/);
  const pastEnd = await tidelog(t, ["consume", "orders", "--partition", "0", "--offset", "99", "--count", "1"]);
  assert.equal(pastEnd.code, 1);
  assert.match(pastEnd.stderr, /OFFSET_OUT_OF_RANGE/);

  const before = fake.brokers[0]!.calls.size;
  for (const args of [
    ["consume", "orders", "--from-beginning", "--offset", "3"],
    ["produce", "orders", "--acks", "2"],
    ["produce", "orders", "--compression", "brotli"],
    ["consume", "orders", "--format", "xml"],
    ["consume", "orders", "--count", "0"],
  ]) {
    const usage = await tidelog(t, args, { stdin: [] });
    assert.equal(usage.code, 2, `${args.join(" ")}: ${usage.stderr}`);
    assert.equal(usage.stdout, "");
  }
  assert.equal(fake.brokers[0]!.calls.size, before, "usage errors reach no broker");

  const port = await closedPort();
  const unreachable = await cli(t, ["--bootstrap", `127.0.0.1:${port}`, "--timeout", "500", "produce", "orders"], {
    stdin: ["x\n"],
  });
  assert.equal(unreachable.code, 3, unreachable.stderr);
  const unreachableConsume = await cli(t, [
    "--bootstrap",
    `127.0.0.1:${port}`,
    "--timeout",
    "500",
    "consume",
    "orders",
  ]);
  assert.equal(unreachableConsume.code, 3, unreachableConsume.stderr);
});
