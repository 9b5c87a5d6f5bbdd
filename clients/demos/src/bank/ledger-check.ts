/**
 * The bank's checker, a pure function of the ledger read back (read_committed), what the
 * tellers know of each transfer, and what each auditor saw:
 *   - every committed transfer is visible, debit and credit, once each;
 *   - no transfer is visible on one side only (torn);
 *   - no transfer that was never committed is visible at the end, nor was it seen by a
 *     read_committed auditor at any time; the read_uncommitted control did see them
 *     (they were written: the filter is what is being proved);
 *   - the sum of all balances is the opening deposits' sum, and each account's balance
 *     is its opening deposit plus the transfers that committed.
 */
import { type Check, examples, n } from "../proof.js";
import { ACCOUNTS, type Entry, OPENING_BALANCE, OPENING_TRANSFER } from "./ledger.js";
import type { TransferOutcomes } from "./teller.js";

export interface LedgerRecord {
  readonly where: string;
  readonly entry: Entry;
}

export interface AuditorView {
  readonly name: string;
  readonly isolationLevel: "read_committed" | "read_uncommitted";
  /** Transfer id -> where it first saw one of its records. */
  readonly seen: ReadonlyMap<string, string>;
}

export interface LedgerFindings {
  readonly checks: Check[];
  readonly facts: [string, string][];
}

export function checkLedger(
  ledger: readonly LedgerRecord[],
  outcomes: TransferOutcomes,
  auditors: readonly AuditorView[],
): LedgerFindings {
  const sides = new Map<string, LedgerRecord[]>();
  const balance = new Map<string, number>();
  for (const r of ledger) {
    sides.set(r.entry.transfer, [...(sides.get(r.entry.transfer) ?? []), r]);
    balance.set(r.entry.account, (balance.get(r.entry.account) ?? 0) + r.entry.delta);
  }
  const show = (id: string) =>
    (sides.get(id) ?? [])
      .map((r) => `${r.where} ${r.entry.account} ${r.entry.delta > 0 ? "+" : ""}${r.entry.delta}`)
      .join(", ");
  const isWhole = (id: string) => {
    const s = sides.get(id) ?? [];
    return s.length === 2 && s[0]!.entry.delta === -s[1]!.entry.delta && s[0]!.entry.account !== s[1]!.entry.account;
  };

  const lost: string[] = [];
  for (const id of outcomes.committed)
    if (!isWhole(id)) lost.push(`${id} committed, but read back as: ${show(id) || "nothing"}`);
  const torn: string[] = [];
  for (const id of sides.keys()) if (id !== OPENING_TRANSFER && !isWhole(id)) torn.push(`${id}: ${show(id)}`);
  const visibleNever: string[] = [];
  for (const [id, why] of outcomes.neverCommitted) if (sides.has(id)) visibleNever.push(`${id} (${why}): ${show(id)}`);
  const auditorSaw: string[] = [];
  let controlSaw = 0;
  for (const a of auditors) {
    for (const [id, why] of outcomes.neverCommitted) {
      const where = a.seen.get(id);
      if (where === undefined) continue;
      if (a.isolationLevel === "read_committed") auditorSaw.push(`auditor ${a.name} saw ${id} (${why}) at ${where}`);
      else controlSaw++;
    }
  }

  const expectedBalance = new Map(ACCOUNTS.map((a) => [a, OPENING_BALANCE]));
  for (const id of [...outcomes.committed, ...[...outcomes.indeterminate.keys()].filter(isWhole)]) {
    for (const r of sides.get(id) ?? []) {
      expectedBalance.set(r.entry.account, (expectedBalance.get(r.entry.account) ?? 0) + r.entry.delta);
    }
  }
  const wrongBalance = ACCOUNTS.filter((a) => (balance.get(a) ?? 0) !== expectedBalance.get(a)).map(
    (a) => `${a}: read back ${balance.get(a) ?? 0}, expected ${expectedBalance.get(a)}`,
  );
  const total = [...balance.values()].reduce((x, y) => x + y, 0);
  const opening = OPENING_BALANCE * ACCOUNTS.length;
  const indeterminateVisible = [...outcomes.indeterminate.keys()].filter(isWhole).length;
  const readCommittedAuditors = auditors.filter((a) => a.isolationLevel === "read_committed").length;

  const checks: Check[] = [
    {
      name: "every committed transfer visible, both sides",
      expected: `${n(outcomes.committed.size)} whole`,
      observed: `${n(outcomes.committed.size - lost.length)} whole`,
      ok: lost.length === 0,
      ...examples(lost),
    },
    {
      name: "no transfer visible on one side only (torn)",
      expected: "0 torn",
      observed: `${n(torn.length)} torn`,
      ok: torn.length === 0,
      ...examples(torn),
    },
    {
      name: "transfers never committed: invisible at the end",
      expected: "0 visible",
      observed: `${n(visibleNever.length)} visible of ${n(outcomes.neverCommitted.size)}`,
      ok: visibleNever.length === 0,
      ...examples(visibleNever),
    },
    {
      name: `no read_committed auditor (${readCommittedAuditors}) ever saw one`,
      expected: "0 seen",
      observed: `${n(auditorSaw.length)} seen`,
      ok: auditorSaw.length === 0,
      ...examples(auditorSaw),
    },
    {
      name: "the read_uncommitted control saw them (they are in the log)",
      expected: outcomes.neverCommitted.size > 0 ? "> 0 seen" : "0 (none aborted)",
      observed: `${n(controlSaw)} seen`,
      ok: outcomes.neverCommitted.size === 0 || controlSaw > 0,
    },
    {
      name: "sum of balances unchanged",
      expected: n(opening),
      observed: n(total),
      ok: total === opening,
    },
    {
      name: "each balance = opening + its committed transfers",
      expected: `${ACCOUNTS.length}/${ACCOUNTS.length} accounts`,
      observed: `${ACCOUNTS.length - wrongBalance.length}/${ACCOUNTS.length} accounts`,
      ok: wrongBalance.length === 0,
      ...examples(wrongBalance),
    },
  ];
  const facts: [string, string][] = [
    ["transfers committed", n(outcomes.committed.size)],
    [
      "transfers never committed",
      `${n(outcomes.neverCommitted.size)} (${n(outcomes.abortedOnPurpose)} aborted on purpose, ` +
        `${n(outcomes.neverCommitted.size - outcomes.abortedOnPurpose)} failed before their commit)`,
    ],
    [
      "transfers whose commit failed (indeterminate)",
      outcomes.indeterminate.size === 0
        ? "0"
        : `${n(outcomes.indeterminate.size)}: ${n(indeterminateVisible)} turned out committed, ${n(outcomes.indeterminate.size - indeterminateVisible)} not`,
    ],
    ["balances read back", ACCOUNTS.map((a) => `${a.replace("acct-", "")}:${balance.get(a) ?? 0}`).join(" ")],
  ];
  return { checks, facts };
}
