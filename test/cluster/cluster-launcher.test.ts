/**
 * Unit tests of the process plumbing shared by the harness and `npm start`
 * (scripts/cluster-launcher.mjs): bounded log buffers, line splitting, the readable log
 * format, the broker's flags and environment, and the checks on its ready line.
 */
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { finished } from "node:stream/promises";
import { test } from "node:test";
import {
  brokerArgs,
  childEnv,
  describeExit,
  forEachLine,
  formatLogLine,
  LogRing,
  parseLogLine,
  readyInfo,
} from "../../scripts/cluster-launcher.mjs";

test("LogRing keeps the newest lines and keeps counting", () => {
  // Proves: memory is bounded however chatty a process is, and sequence numbers stay
  // meaningful (for waitForLog's `since`) after old lines drop.
  const ring = new LogRing(3);
  for (let i = 0; i < 5; i++) ring.add("stdout", `line ${i}`);
  assert.equal(ring.size, 3);
  assert.equal(ring.seq, 5);
  assert.deepEqual(
    ring.records().map((r) => [r.seq, r.text]),
    [
      [2, "line 2"],
      [3, "line 3"],
      [4, "line 4"],
    ],
  );
  assert.deepEqual(
    ring.records(4).map((r) => r.text),
    ["line 4"],
  );
  ring.add("stderr", "oops");
  assert.equal(ring.tail(2), "line 4\n(stderr) oops");
  const seen: string[] = [];
  const stop = ring.subscribe((r) => seen.push(r.text));
  ring.add("stdout", "a");
  stop();
  ring.add("stdout", "b");
  assert.deepEqual(seen, ["a"]);
  assert.throws(() => new LogRing(0), RangeError);
});

test("lines are parsed as JSON only when they are JSON objects", () => {
  // Proves: pino and zap lines become objects; anything else stays text, without throwing.
  assert.deepEqual(parseLogLine('{"level":30,"msg":"hi"}'), { level: 30, msg: "hi" });
  assert.equal(parseLogLine("{not json"), undefined);
  assert.equal(parseLogLine("[1,2]"), undefined);
  assert.equal(parseLogLine("panic: boom"), undefined);
});

test("output is split into lines across chunks, and a runaway line is cut", async () => {
  // Proves: lines split over several reads arrive whole, CRLF is trimmed, no line grows
  // past the bound (the rest of a cut line is dropped), and a last line without a newline
  // still arrives.
  const stream = new PassThrough();
  const lines: string[] = [];
  forEachLine(stream, (line) => lines.push(line), 10);
  stream.write("hel");
  stream.write("lo\r\nwor");
  stream.write("ld\n");
  stream.write("x".repeat(25));
  stream.write("y".repeat(25));
  stream.write("12345678901\nnext\n");
  stream.end("tail");
  await finished(stream);
  assert.deepEqual(lines, ["hello", "world", `${"x".repeat(10)}…`, "next", "tail"]);
});

test("a pino line reads as `[broker-1] INFO  message key=value`", () => {
  // Proves: the launcher's rendering: level name, message, the remaining fields (strings
  // quoted only when needed), error stacks on indented lines, and no colour codes unless asked.
  const json = {
    level: 30,
    time: 1,
    pid: 9,
    hostname: "h",
    brokerId: 1,
    msg: "broker started",
    grpcPort: 9092,
    host: "127.0.0.1",
    note: "two words",
  };
  const record = { text: JSON.stringify(json), json };
  assert.equal(
    formatLogLine(record, { name: "broker-1" }),
    '[broker-1] INFO  broker started grpcPort=9092 host=127.0.0.1 note="two words"',
  );
  assert.equal(
    formatLogLine(record, { name: "etcd", nameWidth: 8 }).slice(0, 17),
    "[etcd]     INFO  ",
    "prefixes are padded to one width",
  );
  const coloured = formatLogLine(record, { name: "broker-1", colour: true });
  assert.ok(coloured.includes("\u001b["), "ANSI colour codes when asked");

  const err = { level: 50, msg: "append failed", err: { message: "disk full", stack: "Error: disk full\n    at x" } };
  assert.equal(
    formatLogLine({ text: "", json: err }, { name: "broker-2" }),
    '[broker-2] ERROR append failed err="disk full"\n           Error: disk full\n               at x',
  );
});

test("an etcd (zap) line and plain text render too", () => {
  // Proves: etcd's JSON logs (string levels, `ts`, `caller`) and non-JSON output are readable.
  const zap = { level: "warn", ts: "2024-01-01T00:00:00Z", caller: "a.go:1", msg: "slow fdatasync", took: "1.2s" };
  assert.equal(formatLogLine({ text: "", json: zap }, { name: "etcd" }), "[etcd] WARN  slow fdatasync took=1.2s");
  assert.equal(formatLogLine({ text: "Killed", json: undefined }, { name: "etcd" }), "[etcd] Killed");
});

test("broker flags: the contract's dotted names, with config overriding the defaults", () => {
  // Proves: every broker gets the flags its contract names, free ports by default, and a
  // test or user setting wins over a default rather than being passed twice.
  const args = brokerArgs({
    id: 2,
    clusterId: "c",
    etcdEndpoints: ["http://127.0.0.1:1", "http://127.0.0.1:2"],
    logDirs: "/d",
    config: { "grpc.port": "9092", "broker.rack": "r1" },
  });
  assert.deepEqual(args, [
    "--broker.id=2",
    "--cluster.id=c",
    "--etcd.endpoints=http://127.0.0.1:1,http://127.0.0.1:2",
    "--log.dirs=/d",
    "--grpc.host=127.0.0.1",
    "--grpc.port=9092",
    "--http.port=0",
    "--broker.rack=r1",
  ]);
});

test("children do not inherit TIDELOG_* or node:test's context", () => {
  // Proves: launcher and test settings (TIDELOG_ETCD_BIN, ...) cannot reach a broker, which
  // reads TIDELOG_* as its own config keys; only flags configure it.
  process.env.TIDELOG_ETCD_BIN = "/x/etcd";
  try {
    const env = childEnv({ EXTRA: "1" });
    assert.equal(env.TIDELOG_ETCD_BIN, undefined);
    assert.equal(env.NODE_TEST_CONTEXT, undefined);
    assert.equal(env.EXTRA, "1");
    assert.equal(env.PATH, process.env.PATH);
  } finally {
    delete process.env.TIDELOG_ETCD_BIN;
  }
});

test("the ready line is checked", () => {
  // Proves: a "broker started" line without usable ports, or from another broker id, is
  // refused at start-up rather than trusted.
  assert.deepEqual(readyInfo({ msg: "broker started", brokerId: 1, host: "127.0.0.1", grpcPort: 5, httpPort: 6 }, 1), {
    host: "127.0.0.1",
    grpcPort: 5,
    httpPort: 6,
  });
  assert.throws(() => readyInfo({ grpcPort: 0, httpPort: 6 }, 1), /without a valid grpcPort/);
  assert.throws(() => readyInfo({ grpcPort: 5 }, 1), /without a valid httpPort/);
  assert.throws(() => readyInfo({ brokerId: 2, grpcPort: 5, httpPort: 6 }, 1), /with brokerId 2/);
});

test("exits are described in the contract's terms", () => {
  // Proves: exit codes 1 and 2 are named as the broker contract defines them.
  assert.equal(describeExit({ code: 2, signal: null }), "exit code 2 (a configuration error)");
  assert.equal(describeExit({ code: 1, signal: null }), "exit code 1 (a fatal runtime error)");
  assert.equal(describeExit({ code: null, signal: "SIGKILL" }), "killed by SIGKILL");
  assert.equal(describeExit(undefined), "still running");
});
