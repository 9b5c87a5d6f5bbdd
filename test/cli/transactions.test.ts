// `tidelog transactions ...`, `consume --isolation` and the LSO column of `topics describe`,
// against real etcd and three real brokers, with transactions made by the SDK.
//
// Proves, on one topic of two partitions holding one committed and one aborted
// transaction, and a third transaction ("payments") left open on both partitions:
//   - list shows payments Ongoing with its coordinator (merged from every broker), and
//     --state filters; describe shows it Ongoing with both partitions;
//   - topics describe shows LSO < HW on both partitions while it is open;
//   - find-hanging reports nothing while its coordinator knows it, and reports both
//     partitions with --older-than-ms 1 (open-too-long, naming payments); --broker narrows;
//   - consume: read_committed (the default) stops at the LSO and never prints aborted
//     records, read_uncommitted prints everything;
//   - abort aborts it: its records never reach read_committed, the LSO catches up with
//     the HW, the producer's commit is refused (fenced); a second abort and an unknown id
//     are cluster errors (exit 1), bad ids and states usage errors (exit 2).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Client, isTidelogError } from "@tidelog/client";
import { run as runCli } from "../../clients/cli/src/main.js";
import { type ClusterHandle, startCluster, waitFor } from "../../scripts/harness/cluster.js";

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

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary JSON documents.
async function json(c: ClusterHandle, ...argv: string[]): Promise<any> {
  const r = await cli(c, ...argv, "--json");
  assert.equal(r.code, 0, `${argv.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The values `consume` prints from the beginning of both partitions before it goes quiet, sorted. */
async function consumed(c: ClusterHandle, ...extra: string[]): Promise<string[]> {
  const r = await cli(c, "consume", "orders", "--from-beginning", "--idle-timeout", "1500", ...extra);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split("\n").filter(Boolean).sort();
}

interface PartitionJson {
  partition: number;
  leader: number;
  highWatermark?: number;
  lastStableOffset?: number;
  openTransactions?: unknown[];
}

async function partitionsOf(c: ClusterHandle): Promise<PartitionJson[]> {
  return (await json(c, "topics", "describe", "orders")).topics[0].partitions;
}

describe("tidelog transactions", { timeout: 90_000 }, () => {
  test("list, describe, find-hanging and abort an open transaction; consume --isolation; LSO in topics describe", async (t) => {
    const c = await startCluster(t, {
      brokers: 3,
      brokerConfig: {
        "transaction.state.log.num.partitions": "4",
        "offsets.topic.num.partitions": "4",
        "transaction.abort.timed.out.transaction.cleanup.interval.ms": "200",
      },
    });
    const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 20_000 });
    t.after(() => client.close());
    const admin = client.admin();
    await admin.createTopic({ name: "orders", partitions: 2, replicationFactor: 2 });
    await waitFor(
      async () =>
        (await admin.describeTopic("orders")).partitions.every((p) => p.leader !== null && p.isr.length === 2),
      { description: "orders led and in sync", timeoutMs: 20_000 },
    );

    // One committed and one aborted transaction, then payments left open on both partitions.
    const committer = client.producer({ transactionalId: "committer" });
    t.after(() => committer.close());
    await committer.transaction(async (tx) => {
      await tx.send("orders", [
        { value: "c0", partition: 0 },
        { value: "c1", partition: 1 },
      ]);
    });
    committer.beginTransaction();
    await committer.send("orders", { value: "a0", partition: 0 });
    await committer.abortTransaction();
    const payments = client.producer({ transactionalId: "payments", transactionTimeoutMs: 120_000 });
    t.after(() => payments.close());
    await payments.initTransactions();
    payments.beginTransaction();
    await payments.send("orders", [
      { value: "o0", partition: 0 },
      { value: "o1", partition: 1 },
    ]);

    // list: merged from every broker, with the coordinator; --state filters.
    const listed = await json(c, "transactions", "list");
    assert.deepEqual(listed.unreachableBrokers, []);
    const entry = listed.transactions.find((x: { transactionalId: string }) => x.transactionalId === "payments");
    assert.equal(entry?.state, "Ongoing", JSON.stringify(listed));
    assert.ok([1, 2, 3].includes(entry.coordinatorId), JSON.stringify(entry));
    const ongoing = await json(c, "transactions", "list", "--state", "Ongoing");
    assert.deepEqual(
      ongoing.transactions.map((x: { transactionalId: string }) => x.transactionalId),
      ["payments"],
    );
    const table = await cli(c, "transactions", "list");
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /Transactional id.*State.*Producer id.*Coordinator/);
    assert.match(table.stdout, new RegExp(`^payments +Ongoing +${entry.producerId} +${entry.coordinatorId}$`, "m"));

    // describe: Ongoing, both partitions, the listing's producer id and coordinator.
    const [described] = (await json(c, "transactions", "describe", "payments")).transactions;
    assert.equal(described.state, "Ongoing");
    assert.equal(described.producerId, entry.producerId);
    assert.equal(described.coordinatorId, entry.coordinatorId);
    assert.equal(described.timeoutMs, 120_000);
    assert.equal(described.error, null);
    assert.ok(described.startMs > 0 && described.startMs <= Date.now());
    assert.deepEqual(described.partitions, [
      { topic: "orders", partition: 0 },
      { topic: "orders", partition: 1 },
    ]);
    const human = await cli(c, "transactions", "describe", "payments");
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^payments +Ongoing +.* orders:0,1\b/m);

    // topics describe: the open transaction holds the LSO below the HW on both partitions.
    const open = await partitionsOf(c);
    for (const p of open) {
      assert.ok(p.highWatermark !== undefined && p.lastStableOffset !== undefined, JSON.stringify(p));
      assert.ok(p.lastStableOffset < p.highWatermark, `LSO < HW while open: ${JSON.stringify(p)}`);
      assert.equal(p.openTransactions?.length, 1);
    }
    const topicTable = await cli(c, "topics", "describe", "orders");
    assert.equal(topicTable.code, 0, topicTable.stderr);
    assert.match(topicTable.stdout, /HW +LSO +Open txns/);

    // find-hanging: nothing while the coordinator knows it; with --older-than-ms 1, both partitions.
    const clean = await json(c, "transactions", "find-hanging");
    assert.deepEqual(clean.hanging, []);
    assert.deepEqual(clean.unchecked, []);
    assert.equal(clean.openTransactions, 2);
    assert.ok(clean.checkedPartitions >= 2 + 4, "orders and the internal topics were checked");
    const cleanTable = await cli(c, "transactions", "find-hanging");
    assert.equal(cleanTable.code, 0, cleanTable.stderr);
    assert.match(cleanTable.stdout, /2 open transactions, 0 hanging\./);
    const old = await json(c, "transactions", "find-hanging", "--older-than-ms", "1");
    assert.deepEqual(
      old.hanging.map((h: Record<string, unknown>) => [
        h.topic,
        h.partition,
        h.reason,
        h.transactionalId,
        h.producerId,
      ]),
      [
        ["orders", 0, "open-too-long", "payments", entry.producerId],
        ["orders", 1, "open-too-long", "payments", entry.producerId],
      ],
    );
    for (const h of old.hanging) {
      const p = open.find((x) => x.partition === h.partition);
      assert.equal(h.lastStableOffset, p?.lastStableOffset);
      assert.equal(h.firstOffset, p?.lastStableOffset, "the transaction's first offset holds the LSO");
    }
    const oldTable = await cli(c, "transactions", "find-hanging", "--older-than-ms", "1");
    assert.match(oldTable.stdout, /^orders +0 +.* open-too-long +payments\b/m);
    const leader0 = open.find((p) => p.partition === 0)?.leader;
    const narrowed = await json(c, "transactions", "find-hanging", "--older-than-ms", "1", "--broker", String(leader0));
    assert.ok(
      narrowed.hanging.every((h: { leader: number }) => h.leader === leader0),
      "only partitions the broker leads",
    );
    assert.ok(narrowed.hanging.some((h: { partition: number }) => h.partition === 0));

    // consume: read_committed (the default) stops at the LSO and skips the aborted a0.
    assert.deepEqual(await consumed(c), ["c0", "c1"]);
    assert.deepEqual(await consumed(c, "--isolation", "read_uncommitted"), ["a0", "c0", "c1", "o0", "o1"]);

    // abort: the coordinator aborts it, the LSO catches up, the producer is fenced.
    const aborted = await cli(c, "transactions", "abort", "payments");
    assert.equal(aborted.code, 0, aborted.stderr);
    assert.match(aborted.stdout, /Aborted transaction payments \(producer id \d+, epoch \d+, on orders:0,1\)/);
    await waitFor(
      async () => (await json(c, "transactions", "describe", "payments")).transactions[0].state === "CompleteAbort",
      { description: "payments CompleteAbort", timeoutMs: 15_000 },
    );
    await waitFor(async () => (await partitionsOf(c)).every((p) => p.lastStableOffset === p.highWatermark), {
      description: "LSO = HW once the abort markers are written",
      timeoutMs: 15_000,
    });
    const refused = await payments.commitTransaction().then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(
      isTidelogError(refused) && ["PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"].includes(refused.code),
      `the producer's commit is refused: ${String(refused)}`,
    );
    assert.deepEqual(await consumed(c, "--isolation", "read_committed"), ["c0", "c1"]);
    assert.deepEqual(await consumed(c, "--isolation", "read_uncommitted"), ["a0", "c0", "c1", "o0", "o1"]);
    const after = await json(c, "transactions", "find-hanging", "--older-than-ms", "1");
    assert.deepEqual([after.hanging, after.openTransactions], [[], 0]);

    // Refusals: the cluster's are exit 1 with the code; bad input is exit 2 and sends nothing.
    const again = await cli(c, "transactions", "abort", "payments");
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error: INVALID_TXN_STATE: /);
    const unknown = await cli(c, "transactions", "describe", "payments", "nobody");
    assert.equal(unknown.code, 1);
    assert.match(unknown.stdout, /^payments +CompleteAbort/m);
    assert.match(unknown.stderr, /error: RESOURCE_NOT_FOUND: .*nobody/);
    for (const argv of [
      ["transactions", "abort", ""],
      ["transactions", "abort", "payments", "--topic", "orders"],
      ["transactions", "abort", "--topic", "orders", "--partition", "0"],
      ["transactions", "describe", "x".repeat(256)],
      ["transactions", "describe", "bad\u0001id"],
      ["transactions", "list", "--state", "Running"],
      ["transactions", "find-hanging", "--older-than-ms", "-1"],
      ["consume", "orders", "--isolation", "read_dirty"],
    ]) {
      const r = await cli(c, ...argv);
      assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
      assert.equal(r.stdout, "");
    }
    const help = await cli(c, "transactions", "find-hanging", "--help");
    assert.match(help.stdout, /unknown-to-coordinator/);
    assert.match(help.stdout, /\$ tidelog transactions find-hanging --older-than-ms 900000/);
    const consumeHelp = (await cli(c, "consume", "--help")).stdout;
    assert.match(consumeHelp, /--isolation read_committed \(the default\) skips the records of aborted transactions/);
  });
});
