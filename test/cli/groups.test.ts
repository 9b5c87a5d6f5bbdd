// `tidelog groups ...` and `tidelog consume --group` against a real broker and etcd.
//
// Proves, on one topic of three partitions holding ten records each: a group consumer
// commits exactly what it printed; list and describe show the group, its members and
// its lag; reset-offsets is a dry run without --execute, moves offsets with it
// (earliest, shift-by, datetime, latest, clamped to the log), and is refused while the
// group has a member, as delete is; a consumer restarted under the group resumes at the
// reset position; delete removes the group; bad flags are usage errors that send
// nothing (exit 2). A missing topic is exit 1 at once, unless --wait-for-topic.
import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import { Client } from "@tidelog/client";
import { run as runCli } from "../../clients/cli/src/main.js";
import { type ClusterHandle, startCluster, waitFor } from "../../scripts/harness/cluster.js";

const PARTITIONS = 3;
const PER_PARTITION = 10;

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(c: ClusterHandle, ...argv: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(["--bootstrap", c.bootstrap, "--timeout", "15000", ...argv], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: "/",
  });
  return { code, stdout, stderr };
}

async function json(c: ClusterHandle, ...argv: string[]): Promise<Record<string, unknown>> {
  const r = await cli(c, ...argv, "--json");
  assert.equal(r.code, 0, `${argv.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

interface OffsetsRow {
  partition: number;
  committed: number;
  logEndOffset: number;
  lag: number | null;
  memberId: string | null;
}

async function committedOf(c: ClusterHandle, group: string): Promise<number[]> {
  const doc = await json(c, "groups", "describe", group);
  const rows = doc.offsets as OffsetsRow[];
  // Rows for owned partitions with no commit yet (-1) come and go with their owner.
  return rows
    .filter((r) => r.committed >= 0)
    .sort((a, b) => a.partition - b.partition)
    .map((r) => r.committed);
}

async function setUp(t: TestContext) {
  const c = await startCluster(t, {
    brokers: 1,
    brokerConfig: { "offsets.topic.num.partitions": "3", "group.consumer.heartbeat.interval.ms": "300" },
  });
  const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 20_000 });
  t.after(() => client.close());
  await client.admin().createTopic({ name: "orders", partitions: PARTITIONS, replicationFactor: 1 });
  const producer = client.producer({ acks: -1, lingerMs: 1 });
  const sends: Promise<unknown>[] = [];
  for (let p = 0; p < PARTITIONS; p++)
    for (let i = 0; i < PER_PARTITION; i++) sends.push(producer.send("orders", { value: `v${p}-${i}`, partition: p }));
  await Promise.all(sends);
  await producer.close();
  return { c, client };
}

describe("tidelog groups", { timeout: 120_000 }, () => {
  test("consume --group commits what it printed; list, describe, reset-offsets and delete", async (t) => {
    const { c, client } = await setUp(t);

    // A group consumer that stops after 12 records commits exactly those 12.
    const first = await cli(c, "consume", "orders", "--group", "billing", "--from-beginning", "--count", "12");
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim().split("\n").length, 12);
    assert.deepEqual(
      (await committedOf(c, "billing")).reduce((a, b) => a + b, 0),
      12,
      "the committed offsets add up to the records printed",
    );

    const listed = await json(c, "groups", "list");
    const billing = (listed.groups as { groupId: string; members: number; state: string }[]).find(
      (g) => g.groupId === "billing",
    );
    assert.ok(billing, `billing is listed: ${JSON.stringify(listed)}`);
    assert.equal(billing.members, 0, "the consumer left the group on close");
    assert.deepEqual(listed.unreachableBrokers, []);

    // Only partitions with a commit (or an owner) are shown, as Kafka's tool does; lag is
    // counted on those.
    const described = await json(c, "groups", "describe", "billing");
    const rows = described.offsets as OffsetsRow[];
    assert.ok(rows.length >= 2, "12 records span at least two partitions of 10");
    for (const row of rows) {
      assert.equal(row.logEndOffset, PER_PARTITION);
      assert.equal(row.lag, PER_PARTITION - row.committed);
    }
    assert.equal(described.totalLag, rows.length * PER_PARTITION - 12);
    assert.equal(typeof described.maxLagSeconds, "number", "the oldest unconsumed record's age");
    const table = await cli(c, "groups", "describe", "billing");
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /Log end offset +Lag +Lag \(s\)/);
    assert.match(table.stdout, /^Oldest unconsumed record: \d+\.\d s old$/m);
    assert.match(table.stdout, new RegExp(`Total lag: ${rows.length * PER_PARTITION - 12}`));

    // While a member is in the group, reset and delete are refused and nothing changes.
    const member = client.consumer({ groupId: "billing", sessionTimeoutMs: 6000 });
    member.subscribe(["orders"]);
    await waitFor(async () => member.assignment().length === PARTITIONS, {
      description: "the member owns all three partitions",
      timeoutMs: 20_000,
    });
    const withMember = await json(c, "groups", "describe", "billing");
    const members = (withMember.description as { members: { assignment: unknown[] }[] }).members;
    assert.equal(members.length, 1);
    assert.equal(members[0]?.assignment.length, PARTITIONS);
    const before = await committedOf(c, "billing");
    const refused = await cli(
      c,
      "groups",
      "reset-offsets",
      "billing",
      "--topic",
      "orders",
      "--to-earliest",
      "--execute",
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /NON_EMPTY_GROUP/);
    const notDeleted = await cli(c, "groups", "delete", "billing");
    assert.equal(notDeleted.code, 1);
    assert.match(notDeleted.stderr, /NON_EMPTY_GROUP/);
    assert.deepEqual(await committedOf(c, "billing"), before);
    await member.close();

    // A dry run shows the plan and changes nothing.
    const dry = await cli(c, "groups", "reset-offsets", "billing", "--topic", "orders", "--to-earliest");
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Dry run: nothing changed/);
    assert.deepEqual(await committedOf(c, "billing"), before);

    const reset = async (...how: string[]) => {
      const doc = await json(c, "groups", "reset-offsets", "billing", "--topic", "orders", ...how, "--execute");
      assert.equal(doc.executed, true);
      return committedOf(c, "billing");
    };
    assert.deepEqual(await reset("--to-earliest"), [0, 0, 0]);
    assert.deepEqual(await reset("--shift-by", "4"), [4, 4, 4]);
    assert.deepEqual(await reset("--shift-by", "-100"), [0, 0, 0], "clamped to the log start");
    assert.deepEqual(await reset("--to-offset", "1000"), [10, 10, 10], "clamped to the log end");
    assert.deepEqual(await reset("--to-datetime", "2999-01-01T00:00:00Z"), [10, 10, 10], "no record that late");
    assert.deepEqual(await reset("--to-datetime", "0"), [0, 0, 0], "every record is after the epoch");
    assert.deepEqual(await reset("--to-offset", "7"), [7, 7, 7]);

    // A consumer restarted under the group resumes at the reset position.
    const resumed = await cli(c, "consume", "orders", "--group", "billing", "--idle-timeout", "2000", "--json");
    assert.equal(resumed.code, 0, resumed.stderr);
    const offsets = resumed.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { partition: number; offset: string })
      .map((r) => `${r.partition}:${r.offset}`)
      .sort();
    assert.deepEqual(offsets, ["0:7", "0:8", "0:9", "1:7", "1:8", "1:9", "2:7", "2:8", "2:9"]);
    assert.deepEqual(await committedOf(c, "billing"), [10, 10, 10]);

    const deleted = await cli(c, "groups", "delete", "billing");
    assert.equal(deleted.code, 0, deleted.stderr);
    const gone = await cli(c, "groups", "describe", "billing");
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /GROUP_ID_NOT_FOUND/);
    assert.equal((await cli(c, "groups", "delete", "billing", "--if-exists")).code, 0);

    // A topic that does not exist: consume --group exits 1 (it used to wait forever, then
    // exit 0), a subscribed SDK member is told instead of waiting without a word, and
    // --wait-for-topic waits until the topic is created, then reads it.
    const missing = await cli(c, "consume", "nosuch", "--group", "billing");
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: UNKNOWN_TOPIC_OR_PARTITION: topic 'nosuch' does not exist/m);
    const subscribed = client.consumer({ groupId: "subscriber" });
    subscribed.subscribe(["nosuch"]);
    await assert.rejects(subscribed.run({ eachRecord: () => {} }), /UNKNOWN_TOPIC_OR_PARTITION: topic 'nosuch'/);
    await subscribed.close();
    const waiting = cli(
      c,
      "consume",
      "later",
      "--group",
      "waiter",
      "--wait-for-topic",
      "--from-beginning",
      "--count",
      "1",
    );
    // Once a consume that does not wait has given up, the waiting one is past that point too.
    assert.equal((await cli(c, "consume", "later", "--group", "impatient")).code, 1);
    await client.admin().createTopic({ name: "later", partitions: 1, replicationFactor: 1 });
    await client.producer().send("later", { value: "worth the wait" });
    const waited = await waiting;
    assert.equal(waited.code, 0, waited.stderr);
    assert.equal(waited.stdout, "worth the wait\n");
  });

  test("bad flags are usage errors (exit 2) and send nothing", async (t) => {
    const c = { bootstrap: "127.0.0.1:1" } as ClusterHandle; // nothing listens: a request would exit 3
    const cases: string[][] = [
      ["groups", "reset-offsets", "g", "--topic", "orders"],
      ["groups", "reset-offsets", "g", "--topic", "orders", "--to-earliest", "--to-latest"],
      ["groups", "reset-offsets", "g", "--to-earliest"],
      ["groups", "reset-offsets", "g", "--topic", "orders", "--shift-by", "1.5"],
      ["groups", "reset-offsets", "g", "--topic", "orders", "--to-datetime", "yesterday"],
      ["groups", "describe", "x".repeat(256)],
      ["consume", "orders", "--group", "g", "--offset", "3"],
      ["consume", "orders", "--group", "g", "--partition", "0"],
    ];
    for (const argv of cases) {
      const r = await cli(c, ...argv);
      assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /error/, argv.join(" "));
    }
    t.diagnostic(`${cases.length} usage errors checked`);
  });
});
