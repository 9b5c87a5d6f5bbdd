/**
 * The bank's ledger: one topic, 4 partitions, 8 accounts (account i on partition i % 4),
 * every record a signed amount keyed by account:
 *
 *   acct-2 -> {"transfer":"open","account":"acct-2","delta":1000}        (the opening deposit)
 *   acct-2 -> {"transfer":"t1-17","account":"acct-2","delta":-55}        (debit, partition 2)
 *   acct-5 -> {"transfer":"t1-17","account":"acct-5","delta":55}         (credit, partition 1)
 *
 * A transfer's debit and credit are always on different partitions, written in one
 * transaction: atomicity across partitions is what the demo proves.
 */

export const PARTITIONS = 4;
export const ACCOUNTS = Array.from({ length: 8 }, (_, i) => `acct-${i}`);
export const OPENING_BALANCE = 1000;
export const OPENING_TRANSFER = "open";

export interface Entry {
  readonly transfer: string;
  readonly account: string;
  readonly delta: number;
}

export function partitionOf(account: string): number {
  const i = ACCOUNTS.indexOf(account);
  if (i < 0) throw new Error(`no account ${account}`);
  return i % PARTITIONS;
}

export function entryRecord(entry: Entry): { key: string; value: string; partition: number } {
  return { key: entry.account, value: JSON.stringify(entry), partition: partitionOf(entry.account) };
}

export function parseEntry(text: string): Entry {
  const e = JSON.parse(text) as Entry;
  if (typeof e.transfer !== "string" || typeof e.account !== "string" || !Number.isSafeInteger(e.delta)) {
    throw new Error(`not a ledger entry: ${text}`);
  }
  return e;
}
