/**
 * One producer instance of the zombie demo, its own process (so SIGSTOP freezes all of
 * it, timers and sockets included). With the demo's transactional id it:
 *
 *   1. initTransactions(): fences the previous instance (a new epoch; the coordinator
 *      aborts the previous instance's open transaction);
 *   2. (not the first instance) commits a transaction of "successor" records;
 *   3. opens a transaction of "zombie" records, sends them (acknowledged: they are in
 *      the log), reports "sent", and waits: the demo freezes it here and starts the next
 *      instance, which fences it;
 *   4. told "commit" after being thawed, tries to commit, then to send once more, and
 *      reports how each was refused; told "abort" (the last instance), aborts.
 */
import { Client, isTidelogError } from "@tidelog/client";
import { childArgs, listen, report } from "../child-runtime.js";
import { demoClientOptions } from "../client-options.js";
import type { InstanceArgs, InstanceCommand, InstanceReport, PaymentRecord } from "./zombie-protocol.js";

/** The longest the demo may take to say what to do with the open transaction. */
const COMMAND_TIMEOUT_MS = 120_000;

const args = childArgs<InstanceArgs>();
let commanded: (c: InstanceCommand) => void = () => {};
const command = new Promise<InstanceCommand>((resolve) => {
  commanded = resolve;
});
listen<InstanceCommand>((m) => commanded(m));

function records(kind: PaymentRecord["kind"]) {
  return Array.from({ length: args.recordsPerTransaction }, (_, i) => ({
    key: `instance-${args.instance}`,
    value: JSON.stringify({ instance: args.instance, kind, i } satisfies PaymentRecord),
    partition: i % args.partitions,
  }));
}

function describe(e: unknown): { code: string; message: string } {
  return isTidelogError(e)
    ? { code: e.code, message: e.message }
    : { code: "(not a tidelog error)", message: String(e) };
}

const client = new Client(demoClientOptions(args.bootstrap, `demo-zombie-${args.instance}`));
const producer = client.producer({ transactionalId: args.transactionalId, transactionTimeoutMs: 60_000, lingerMs: 0 });
try {
  await producer.initTransactions();
  if (args.instance > 0) {
    await producer.transaction(async (tx) => {
      await tx.send(args.topic, records("successor"));
    });
    report<InstanceReport>({ type: "committed", records: args.recordsPerTransaction });
  }
  producer.beginTransaction();
  await producer.send(args.topic, records("zombie"));
  report<InstanceReport>({ type: "sent", records: args.recordsPerTransaction });
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), COMMAND_TIMEOUT_MS).unref());
  const next = await Promise.race([command, timeout]);
  if (next === null) throw new Error(`no word from the demo within ${COMMAND_TIMEOUT_MS} ms`);
  if (next.type === "abort") {
    await producer.abortTransaction();
    report<InstanceReport>({ type: "aborted" });
  } else {
    const outcome = await producer.commitTransaction().then(
      () => null,
      (e: unknown) => describe(e),
    );
    let laterSend = "accepted";
    try {
      producer.beginTransaction();
      await producer.send(args.topic, records("zombie").slice(0, 1));
    } catch (e) {
      laterSend = `refused: ${describe(e).code}`;
    }
    report<InstanceReport>(
      outcome === null
        ? { type: "result", committed: true, code: "", message: "", laterSend }
        : { type: "result", committed: false, ...outcome, laterSend },
    );
  }
  await client.close().catch(() => {});
  process.exit(0);
} catch (e) {
  report<InstanceReport>({ type: "failed", error: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}
