/**
 * `bank`: atomic transfers across partitions. Eight accounts on a 4-partition ledger get
 * an opening deposit in one transaction; then two tellers (transactional producers)
 * move money between accounts on different partitions, debit and credit in one
 * transaction each, aborting about one in five on purpose. Three auditors read the
 * ledger all along: two read_committed, one read_uncommitted as the control. Faults on
 * a launched cluster:
 *
 *   30%  the leader of ledger-0 is killed (kill -9), restarted 2 s later
 *   60%  teller 1's transaction coordinator is killed, restarted 2 s later
 *
 * Then the tellers stop, the auditors read to the end, and the ledger is read back
 * read_committed for the checker (ledger-check.ts).
 */
import { BrokerFaults } from "../broker-faults.js";
import { type Demo, type DemoContext, runSchedule } from "../demo.js";
import { createTopics } from "../demo-cluster.js";
import { BANK_TRANSFER_PRODUCERS } from "../limits.js";
import { n, type Proof } from "../proof.js";
import { endOffsets, readTopic } from "../read-topic.js";
import { sleep } from "../wait.js";
import { Auditor } from "./auditor.js";
import { ACCOUNTS, entryRecord, OPENING_BALANCE, OPENING_TRANSFER, PARTITIONS, parseEntry } from "./ledger.js";
import { checkLedger } from "./ledger-check.js";
import { Teller, TransferOutcomes } from "./teller.js";

const BROKER_DOWN_MS = 2_000;

export class BankDemo implements Demo {
  readonly summary =
    "transfers as transactions across partitions, some aborted on purpose, read by auditors all along: both sides or neither, balances kept";

  async run(ctx: DemoContext): Promise<Proof> {
    const { progress, admin, signal } = ctx;
    const ledger = `ledger-${ctx.runId}`;
    await createTopics(admin, [{ name: ledger, partitions: PARTITIONS }], signal);
    progress.event(
      `topic ${ledger} (${PARTITIONS} partitions): ${ACCOUNTS.length} accounts, account i on partition i % ${PARTITIONS}`,
    );

    const opener = ctx.client.producer({ transactionalId: `bank-${ctx.runId}-open` });
    await opener.transaction(async (tx) => {
      await tx.send(
        ledger,
        ACCOUNTS.map((account) => entryRecord({ transfer: OPENING_TRANSFER, account, delta: OPENING_BALANCE })),
      );
    });
    await opener.close();
    progress.event(
      `opened ${ACCOUNTS.length} accounts with ${OPENING_BALANCE} each (one transaction): ${n(OPENING_BALANCE * ACCOUNTS.length)} in all`,
    );

    const auditors = [
      new Auditor(ctx.client, "A", "read_committed", ledger),
      new Auditor(ctx.client, "B", "read_committed", ledger),
      new Auditor(ctx.client, "control", "read_uncommitted", ledger),
    ];
    for (const a of auditors) a.start();
    const outcomes = new TransferOutcomes();
    let stopped = false;
    const tellers = Array.from(
      { length: BANK_TRANSFER_PRODUCERS },
      (_, i) => new Teller(ctx.client, `t${i + 1}`, `bank-${ctx.runId}-teller-${i + 1}`, ledger, ctx.random, outcomes),
    );
    const working = Promise.all(tellers.map((t) => t.run(() => stopped || signal.aborted)));
    working.catch(() => {}); // awaited below
    progress.event(
      `${tellers.length} tellers transferring; auditors A, B (read_committed) and control (read_uncommitted) reading`,
    );
    progress.track(
      () =>
        `transfers committed ${n(outcomes.committed.size)}, aborted ${n(outcomes.neverCommitted.size)}, ` +
        `indeterminate ${n(outcomes.indeterminate.size)} | auditors read ${auditors.map((a) => n(a.records)).join("/")} | ` +
        `faults: ${ctx.faults.summary()}`,
    );

    const cluster = ctx.cluster.faults;
    const brokers = cluster && new BrokerFaults(cluster, admin, [ledger], ctx.faults, progress, signal);
    const schedule = runSchedule(
      ctx,
      [
        { at: 0.3, clusterFault: true, run: () => brokers!.killLeader(ledger, 0, BROKER_DOWN_MS) },
        {
          at: 0.6,
          clusterFault: true,
          run: () => brokers!.killCoordinator(`bank-${ctx.runId}-teller-1`, BROKER_DOWN_MS),
        },
      ],
      () => brokers?.settled() ?? Promise.resolve(),
    );
    try {
      await sleep(ctx.seconds * 1000, signal);
    } finally {
      stopped = true;
    }
    await working;
    await schedule;
    await brokers?.settled();
    progress.event(`tellers stopped; auditors reading to the end...`);
    const ends = await endOffsets(ctx.client, ledger);
    await Promise.all(auditors.map((a) => a.finish(ends, signal)));
    progress.untrack();
    const read = await readTopic(ctx.client, ledger, "read_committed");
    const findings = checkLedger(
      read.map((r) => ({ where: `${ledger}-${r.partition}@${r.offset}`, entry: parseEntry(r.value) })),
      outcomes,
      auditors,
    );
    const replaced = tellers.reduce((sum, t) => sum + t.replaced, 0);
    return {
      title: `Proof: bank (atomic transfers across partitions), ${ctx.seconds} s`,
      facts: [
        ...findings.facts,
        ["records each auditor read (A/B/control)", auditors.map((a) => n(a.records)).join(" / ")],
        [
          "faults",
          `${ctx.faults.summary()}${replaced > 0 ? `; ${replaced} teller producers replaced after a failure` : ""}`,
        ],
      ],
      checks: findings.checks,
      claim:
        "every transfer is visible on both sides or neither, the balances add up to the opening deposits, and no read_committed auditor ever saw a transfer that was not committed.",
    };
  }
}
