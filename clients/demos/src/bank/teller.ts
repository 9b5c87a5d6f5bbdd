/**
 * A teller: a transactional producer moving money between accounts on different
 * partitions, one transfer per transaction (debit and credit), and aborting some on
 * purpose. What it records of each transfer is what the proof holds the ledger to:
 *
 *   committed       commitTransaction() returned: both sides must be visible
 *   never committed aborted on purpose, or failed before a commit was asked for: neither
 *                   side may ever be visible (to the end, or to any auditor meanwhile)
 *   indeterminate   the commit was asked for and failed (a coordinator died under it):
 *                   both sides or neither
 *
 * A producer that can no longer abort (fenced, or its state lost) is replaced by a new
 * one with the same transactional id, whose initTransactions aborts whatever was left open.
 */
import type { Client, Producer } from "@tidelog/client";
import type { Random } from "../random.js";
import { ACCOUNTS, entryRecord, partitionOf } from "./ledger.js";

export class TransferOutcomes {
  readonly committed = new Set<string>();
  /** Transfer id -> why it was never committed. */
  readonly neverCommitted = new Map<string, string>();
  /** Transfer id -> the commit's error. */
  readonly indeterminate = new Map<string, string>();
  abortedOnPurpose = 0;
}

const ABORT_RATIO = 0.2;

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Teller {
  private producer: Producer;
  private seq = 0;
  replaced = 0;

  constructor(
    private readonly client: Client,
    private readonly name: string,
    private readonly transactionalId: string,
    private readonly topic: string,
    private readonly random: Random,
    private readonly outcomes: TransferOutcomes,
  ) {
    this.producer = this.newProducer();
  }

  /** Transfers until `stop()` says so; then closes the producer. */
  async run(stop: () => boolean): Promise<void> {
    await this.producer.initTransactions();
    while (!stop()) await this.transfer();
    await this.producer.close();
  }

  private newProducer(): Producer {
    return this.client.producer({ transactionalId: this.transactionalId, lingerMs: 0 });
  }

  private async transfer(): Promise<void> {
    const id = `${this.name}-${++this.seq}`;
    const from = this.random.pick(ACCOUNTS);
    const to = this.random.pick(ACCOUNTS.filter((a) => partitionOf(a) !== partitionOf(from)));
    const amount = this.random.int(1, 50);
    const abort = this.random.chance(ABORT_RATIO);
    let commitAsked = false;
    try {
      this.producer.beginTransaction();
      await this.producer.send(this.topic, [
        entryRecord({ transfer: id, account: from, delta: -amount }),
        entryRecord({ transfer: id, account: to, delta: amount }),
      ]);
      if (abort) {
        await this.producer.abortTransaction();
        this.outcomes.neverCommitted.set(id, "aborted on purpose");
        this.outcomes.abortedOnPurpose++;
        return;
      }
      commitAsked = true;
      await this.producer.commitTransaction();
      this.outcomes.committed.add(id);
    } catch (e) {
      if (commitAsked) this.outcomes.indeterminate.set(id, errorText(e));
      else
        this.outcomes.neverCommitted.set(
          id,
          `${abort ? "aborted on purpose" : "failed before its commit"}: ${errorText(e)}`,
        );
      await this.recover();
    }
  }

  /** After a failure: abort what is open, or start over with a new producer (same id) if that fails too. */
  private async recover(): Promise<void> {
    try {
      await this.producer.abortTransaction();
      return;
    } catch {
      // Not abortable (nothing open, fenced, or the producer gave up): a new instance fences the old.
    }
    await this.producer.close().catch(() => {});
    this.producer = this.newProducer();
    this.replaced++;
    await this.producer.initTransactions();
  }
}
