// The demos' checkers and argument handling, without a cluster. Why: a demo's "PROVED" is
// only worth something if its checker fails on a history that breaks the claim; each
// checker is a pure function of what was read back, so each is fed a clean history
// (every check holds) and doctored ones (a duplicate, a loss, a torn transfer, an aborted
// read, an accepted zombie commit...) that must be caught, with the records named. Also:
// bad demo arguments are usage errors (status 2) before anything starts, from
// `npm run demo`'s parser and from `tidelog demo`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DemoUsageError, parseDemoArgs } from "../../clients/demos/src/args.js";
import { checkLedger } from "../../clients/demos/src/bank/ledger-check.js";
import { TransferOutcomes } from "../../clients/demos/src/bank/teller.js";
import { checkSequences } from "../../clients/demos/src/idempotence/sequence-check.js";
import type { Located, Order, Output } from "../../clients/demos/src/pipeline/records.js";
import { checkPipeline } from "../../clients/demos/src/pipeline/totals-check.js";
import type { Check } from "../../clients/demos/src/proof.js";
import { checkZombies, type ReadPayment, type ZombieRound } from "../../clients/demos/src/zombie/zombie-check.js";
import { runCli } from "../cli/run-cli.js";

function check(checks: readonly Check[], name: RegExp): Check {
  const found = checks.find((c) => name.test(c.name));
  assert.ok(found, `a check named ${name}: ${checks.map((c) => c.name).join("; ")}`);
  return found;
}

function allOk(checks: readonly Check[]): void {
  for (const c of checks) assert.ok(c.ok, `${c.name}: ${c.observed} ${c.examples?.join(" | ") ?? ""}`);
}

// ------------------------------------------------------------------ pipeline

const ORDERS: Located<Order>[] = [
  { partition: 0, offset: 0, value: { id: 1, customer: "c01", amount: 10 } },
  { partition: 0, offset: 1, value: { id: 2, customer: "c01", amount: 5 } },
  { partition: 1, offset: 0, value: { id: 3, customer: "c02", amount: 7 } },
];

function outputsFor(orders: readonly Located<Order>[]): Located<Output>[] {
  const totals = new Map<string, number>();
  return orders.map((o, i) => {
    const total = (totals.get(o.value.customer) ?? 0) + o.value.amount;
    totals.set(o.value.customer, total);
    const value = { order: o.value.id, customer: o.value.customer, amount: o.value.amount, total, by: "p1#0" };
    return { partition: o.partition, offset: i, value };
  });
}

test("pipeline checker: a clean history proves exactly-once; a duplicate, a loss or a wrong total is caught", () => {
  const outputs = outputsFor(ORDERS);
  allOk(checkPipeline({ orders: ORDERS, outputs }, "exactly-once").checks);

  const twice = checkPipeline({ orders: ORDERS, outputs: [...outputs, { ...outputs[0]!, offset: 9 }] }, "exactly-once");
  const none = check(twice.checks, /none twice/);
  assert.equal(none.ok, false);
  assert.match(none.examples?.[0] ?? "", /order 1 \(c01, amount 10\) output 2 times: totals-0@0 by p1#0, totals-0@9/);
  assert.equal(check(twice.checks, /count and checksum/).ok, false);

  const lost = checkPipeline({ orders: ORDERS, outputs: outputs.slice(0, 2) }, "exactly-once");
  assert.equal(check(lost.checks, /none missing/).ok, false);
  assert.match(
    check(lost.checks, /none missing/).examples?.[0] ?? "",
    /order 3 \(c02, amount 7\) at orders-1@0: no output/,
  );
  assert.equal(check(lost.checks, /final totals/).ok, false);

  const wrong = outputs.map((o, i) => (i === 1 ? { ...o, value: { ...o.value, total: 99 } } : o));
  const bad = checkPipeline({ orders: ORDERS, outputs: wrong }, "exactly-once");
  assert.equal(check(bad.checks, /running total/).ok, false);

  const phantom = checkPipeline(
    { orders: ORDERS, outputs: [...outputs, { partition: 0, offset: 7, value: { ...outputs[0]!.value, order: 42 } }] },
    "exactly-once",
  );
  assert.equal(check(phantom.checks, /without its order/).ok, false);
});

test("pipeline checker, at-least-once: the negative control passes only when it sees duplicates", () => {
  const outputs = outputsFor(ORDERS);
  const clean = checkPipeline({ orders: ORDERS, outputs }, "at-least-once");
  assert.equal(check(clean.checks, /duplicates seen/).ok, false, "no duplicates: the control did not show its point");
  const replayed = checkPipeline(
    { orders: ORDERS, outputs: [...outputs, { ...outputs[2]!, offset: 5 }] },
    "at-least-once",
  );
  allOk(replayed.checks);
  assert.equal(replayed.duplicatedOrders, 1);
});

// ------------------------------------------------------------------ bank

function ledgerOf(entries: [string, string, number][]) {
  return entries.map(([transfer, account, delta], i) => ({
    where: `ledger-0@${i}`,
    entry: { transfer, account, delta },
  }));
}

const OPENING: [string, string, number][] = Array.from({ length: 8 }, (_, i) => ["open", `acct-${i}`, 1000]);

test("bank checker: whole transfers prove it; a torn or lost transfer, an aborted one visible or read, a broken sum are caught", () => {
  const outcomes = new TransferOutcomes();
  outcomes.committed.add("t1-1");
  outcomes.neverCommitted.set("t1-2", "aborted on purpose");
  const ledger = ledgerOf([...OPENING, ["t1-1", "acct-0", -50], ["t1-1", "acct-1", 50]]);
  const control = {
    name: "control",
    isolationLevel: "read_uncommitted" as const,
    seen: new Map([["t1-2", "ledger-0@9"]]),
  };
  const auditor = { name: "A", isolationLevel: "read_committed" as const, seen: new Map([["t1-1", "ledger-0@8"]]) };
  allOk(checkLedger(ledger, outcomes, [auditor, control]).checks);

  const torn = checkLedger(ledgerOf([...OPENING, ["t1-1", "acct-0", -50]]), outcomes, [auditor, control]);
  assert.equal(check(torn.checks, /torn/).ok, false);
  assert.equal(check(torn.checks, /committed transfer visible/).ok, false);
  assert.equal(check(torn.checks, /sum of balances/).ok, false);

  const visible = checkLedger(
    ledgerOf([
      ...OPENING,
      ["t1-1", "acct-0", -50],
      ["t1-1", "acct-1", 50],
      ["t1-2", "acct-2", -5],
      ["t1-2", "acct-3", 5],
    ]),
    outcomes,
    [auditor, control],
  );
  assert.equal(check(visible.checks, /never committed: invisible/).ok, false);
  assert.equal(check(visible.checks, /each balance/).ok, false);

  const sawAborted = { ...auditor, seen: new Map([["t1-2", "ledger-0@9"]]) };
  const read = checkLedger(ledger, outcomes, [sawAborted, control]);
  assert.equal(check(read.checks, /auditor .* ever saw/).ok, false);
  assert.match(
    check(read.checks, /auditor .* ever saw/).examples?.[0] ?? "",
    /auditor A saw t1-2 \(aborted on purpose\) at ledger-0@9/,
  );

  const blind = checkLedger(ledger, outcomes, [auditor]);
  assert.equal(
    check(blind.checks, /control saw them/).ok,
    false,
    "aborted transfers the control never saw prove nothing",
  );
});

// ------------------------------------------------------------------ idempotence

test("idempotence checker: a duplicate, a reordering, a lost or moved acknowledged record is caught", () => {
  const log = [0, 1, 2, 3].map((seq) => ({ partition: 0, offset: seq, value: { p: 0, seq } }));
  const writer = {
    acked: new Map(log.map((r) => [`0/${r.value.seq}`, r.offset])),
    failed: new Set<string>(),
    nextSeq: [4],
  };
  allOk(checkSequences(log, writer).checks);

  const dup = checkSequences([...log, { partition: 0, offset: 4, value: { p: 0, seq: 3 } }], writer).checks;
  assert.equal(check(dup, /no record twice/).ok, false);
  assert.match(check(dup, /no record twice/).examples?.[0] ?? "", /p0 seq 3 at offsets 3, 4/);
  assert.equal(check(dup, /order kept/).ok, false);

  const lost = checkSequences(log.slice(0, 3), writer).checks;
  assert.equal(check(lost, /acknowledged lost/).ok, false);

  const moved = checkSequences(
    log.map((r) => ({ ...r, offset: r.offset + 1 })),
    writer,
  ).checks;
  assert.equal(check(moved, /acknowledged offset/).ok, false);
});

// ------------------------------------------------------------------ zombie

test("zombie checker: fenced zombies and visible successors prove it; an accepted commit or a visible zombie record is caught", () => {
  const fenced: ZombieRound = {
    zombie: 0,
    commit: { committed: false, code: "PRODUCER_FENCED", message: "fenced", laterSend: "refused: PRODUCER_FENCED" },
  };
  const record = (instance: number, kind: "zombie" | "successor", i: number): ReadPayment => ({
    where: `payments-0@${instance * 10 + i}`,
    record: { instance, kind, i },
  });
  const committed = [record(1, "successor", 0), record(1, "successor", 1)];
  const uncommitted = [record(0, "zombie", 0), record(1, "zombie", 0), ...committed];
  allOk(checkZombies([fenced], committed, uncommitted, 2).checks);

  const accepted = { ...fenced, commit: { ...fenced.commit, committed: true, code: "" } };
  assert.equal(check(checkZombies([accepted], committed, uncommitted, 2).checks, /refused as fenced/).ok, false);
  const visible = checkZombies([fenced], [...committed, record(0, "zombie", 0)], uncommitted, 2).checks;
  assert.equal(check(visible, /no zombie record/).ok, false);
  const missing = checkZombies([fenced], committed.slice(0, 1), uncommitted, 2).checks;
  assert.equal(check(missing, /every successor record/).ok, false);
});

// ------------------------------------------------------------------ arguments

test("demo arguments: names, --seconds, --bootstrap and --seed are checked before anything starts", async () => {
  assert.deepEqual(parseDemoArgs(["pipeline"]), { name: "pipeline" });
  assert.deepEqual(parseDemoArgs(["--seconds=30", "bank", "--bootstrap", "127.0.0.1:9292", "--seed", "7"]), {
    name: "bank",
    seconds: 30,
    bootstrap: "127.0.0.1:9292",
    seed: 7,
  });
  assert.equal(parseDemoArgs(["--help"]), null);
  assert.throws(() => parseDemoArgs([]), /name a demo: pipeline, bank, zombie, idempotence, at-least-once/);
  assert.throws(() => parseDemoArgs(["pipelines"]), /no demo named "pipelines"/);
  assert.throws(() => parseDemoArgs(["zombie", "--seconds", "2"]), /--seconds takes a whole number from 5 to 3600/);
  assert.throws(() => parseDemoArgs(["zombie", "--bootstrap", "nohost"]), DemoUsageError);
  assert.throws(() => parseDemoArgs(["zombie", "--fast"]), /unknown option --fast/);
  assert.throws(() => parseDemoArgs(["zombie", "bank"]), /one demo at a time/);
});

test("tidelog demo: an unknown demo or a bad --seconds is a usage error (status 2); --help lists the demos", async () => {
  const cli = (args: string[]) => runCli(args);
  const unknown = await cli(["demo", "pipelines"]);
  assert.equal(unknown.code, 2);
  assert.match(
    unknown.stderr,
    /'pipelines' is not a demo; the demos are pipeline, bank, zombie, idempotence, at-least-once/,
  );
  const short = await cli(["demo", "zombie", "--seconds", "1"]);
  assert.equal(short.code, 2);
  assert.match(short.stderr, /too short: a demo runs 5-3600 s/);
  const help = await cli(["demo", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /at-least-once +the pipeline without transactions/);
});
