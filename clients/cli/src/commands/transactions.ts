/**
 * `tidelog transactions ...`: list, describe, find-hanging, abort; Kafka's
 * kafka-transactions.sh for tidelog.
 *
 * list asks every broker (each lists the transactional ids it coordinates); describe and
 * abort go to each id's coordinator. find-hanging compares what partition leaders hold
 * open with what the coordinators know: an open transaction no coordinator will end holds
 * its partition's last stable offset back for good, and read_committed consumers stop
 * there. Ids are checked here (exit 2) before anything is sent.
 */
import { InvalidArgumentError } from "@commander-js/extra-typings";
import {
  type HangingTransactions,
  isTransactionState,
  TRANSACTION_STATES,
  type TransactionDescription,
  type TransactionPartition,
  type TransactionState,
  transactionalIdProblem,
} from "@tidelog/client";
import { parseNonNegativeInt, parseTopicName } from "../args.js";
import { ExitCode, exitCodeFor, UsageError } from "../exit-codes.js";
import { examples } from "../help.js";
import { errorJson, type Output } from "../output.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";

type Transactions = ReturnType<Program["command"]>;

export function parseTransactionalId(value: string): string {
  const problem = transactionalIdProblem(value);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return value;
}

function collectTransactionalIds(value: string, previous: string[] | undefined): string[] {
  const id = parseTransactionalId(value);
  if (previous?.includes(id)) throw new InvalidArgumentError(`'${id}' is given more than once.`);
  return [...(previous ?? []), id];
}

function collectState(value: string, previous: TransactionState[] | undefined): TransactionState[] {
  if (!isTransactionState(value)) {
    throw new InvalidArgumentError(`'${value}' is not a transaction state (${TRANSACTION_STATES.join(", ")}).`);
  }
  return [...(previous ?? []), value];
}

function collectBroker(value: string, previous: number[] | undefined): number[] {
  return [...(previous ?? []), parseNonNegativeInt(value, 2 ** 31 - 1)];
}

/** "orders:0,1 audit:0", or "-" for none. */
export function partitionsText(list: readonly TransactionPartition[]): string {
  const grouped = new Map<string, number[]>();
  for (const tp of list) grouped.set(tp.topic, [...(grouped.get(tp.topic) ?? []), tp.partition]);
  const parts = [...grouped].map(([t, ps]) => `${t}:${[...ps].sort((a, b) => a - b).join(",")}`);
  return parts.length > 0 ? parts.join(" ") : "-";
}

/** A duration for people: "850 ms", "12.3 s", "4 min 12 s", "2 h 3 min". */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function registerTransactionCommands(program: Program, session: Session): void {
  const transactions = program
    .command("transactions")
    .description("Inspect transactions, find hanging ones, abort one (like Kafka's kafka-transactions.sh).")
    .addHelpText(
      "after",
      examples(
        "tidelog transactions list --state Ongoing",
        "tidelog transactions describe payments-1",
        "tidelog transactions find-hanging",
        "tidelog transactions abort payments-1",
      ),
    );
  registerList(transactions, session);
  registerDescribe(transactions, session);
  registerFindHanging(transactions, session);
  registerAbort(transactions, session);
}

function registerList(transactions: Transactions, session: Session): void {
  transactions
    .command("list")
    .description("List transactional ids with their state and producer id, asking every broker's coordinator.")
    .option(
      "--state <state>",
      `only transactions in this state (repeatable): ${TRANSACTION_STATES.join(", ")}`,
      collectState,
    )
    .addHelpText(
      "after",
      `
Ongoing: records written, not yet committed or aborted. PrepareCommit/PrepareAbort: decided,
markers being written. CompleteCommit/CompleteAbort: done. Empty: a producer id was handed
out, no transaction begun. Dead: expired.
${examples("tidelog transactions list", "tidelog transactions list --state Ongoing --state PrepareCommit --json")}`,
    )
    .action(async (options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const states = [...new Set(options.state ?? [])];
      const { transactions: listed, unreachable } = await session.admin().listTransactions({ states });
      if (output.json) return output.document({ transactions: listed, unreachableBrokers: unreachable });
      if (unreachable.length > 0) {
        output.note(
          `warning: brokers ${unreachable.join(",")} did not answer; the transactions they coordinate are missing below.`,
        );
      }
      if (listed.length === 0) return output.line("No transactions.");
      output.table(
        ["Transactional id", "State", "Producer id", "Coordinator"],
        listed.map((t) => [t.transactionalId, t.state, t.producerId, t.coordinatorId]),
      );
    });
}

function registerDescribe(transactions: Transactions, session: Session): void {
  transactions
    .command("describe")
    .description(
      "Show transactions: state, producer id and epoch, coordinator, timeout, when the open one started and its partitions.",
    )
    .argument("<ids...>", "transactional ids", collectTransactionalIds)
    .addHelpText(
      "after",
      `
Each id is asked of its coordinator. An id no coordinator knows is an error
(RESOURCE_NOT_FOUND, exit 1); the others are still shown. Partitions are topic:p,p...;
a group's offsets in the transaction show as their __consumer_offsets partition.
${examples("tidelog transactions describe payments-1", "tidelog transactions describe payments-1 payments-2 --json")}`,
    )
    .action(async (ids, _options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const described = await session.admin().describeTransactions(ids);
      session.exitCode = printDescriptions(output, described, Date.now());
    });
}

function printDescriptions(output: Output, described: readonly TransactionDescription[], nowMs: number): ExitCode {
  const failure = described.find((d) => d.error)?.error ?? null;
  if (output.json) {
    const doc = described.map((d) => ({ ...d, error: errorJson(d.error) }));
    output.document(failure ? { transactions: doc, error: errorJson(failure) } : { transactions: doc });
    return failure ? exitCodeFor(failure) : ExitCode.ok;
  }
  const ok = described.filter((d) => d.error === null);
  if (ok.length > 0) {
    output.table(
      [
        "Transactional id",
        "State",
        "Producer id",
        "Epoch",
        "Coordinator",
        "Timeout ms",
        "Started",
        "Open for",
        "Partitions",
      ],
      ok.map((d) => [
        d.transactionalId,
        d.state,
        d.producerId,
        d.producerEpoch,
        d.coordinatorId,
        d.timeoutMs,
        d.startMs === null ? null : new Date(d.startMs).toISOString(),
        d.startMs === null ? null : durationText(nowMs - d.startMs),
        partitionsText(d.partitions),
      ]),
    );
  }
  for (const d of described) if (d.error) output.problem(d.error);
  return failure ? exitCodeFor(failure) : ExitCode.ok;
}

function registerFindHanging(transactions: Transactions, session: Session): void {
  transactions
    .command("find-hanging")
    .description(
      "Find transactions open on partitions that no coordinator will end: they hold the partition's last stable offset back, so read_committed consumers stop there.",
    )
    .option(
      "--older-than-ms <ms>",
      "also report transactions their coordinator knows that have been open longer than this",
      (v) => parseNonNegativeInt(v),
    )
    .option(
      "--broker <id>",
      "only the partitions this broker leads (repeatable; default: every partition)",
      collectBroker,
    )
    .addHelpText(
      "after",
      `
Asks every partition's leader which transactions it holds open (DescribeProducers), then
every coordinator which transactions it is running. A transaction is reported when
  unknown-to-coordinator  no coordinator has one of that producer id in Ongoing,
                          PrepareCommit or PrepareAbort that includes the partition
                          (checked twice, so one that just ended is not reported), or
  open-too-long           with --older-than-ms: its coordinator knows it, and it has been
                          open longer than that; abort it with
                          tidelog transactions abort <transactional id>.
LSO is the partition's last stable offset (read_committed consumers read up to it), HW
its high watermark; the records from LSO to HW wait until the transaction ends.
Partitions that could not be checked (no leader, leader not answering) are listed on
stderr and make the exit code 1.
${examples(
  "tidelog transactions find-hanging",
  "tidelog transactions find-hanging --older-than-ms 900000",
  "tidelog transactions find-hanging --broker 2 --json",
)}`,
    )
    .action(async (options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const found = await session.admin().findHangingTransactions({
        ...(options.olderThanMs === undefined ? {} : { olderThanMs: options.olderThanMs }),
        ...(options.broker === undefined ? {} : { brokers: [...new Set(options.broker)] }),
      });
      session.exitCode = printHanging(output, found, Date.now());
    });
}

function printHanging(output: Output, found: HangingTransactions, nowMs: number): ExitCode {
  const failure = found.unchecked[0]?.error ?? null;
  if (output.json) {
    const unchecked = found.unchecked.map((u) => ({ ...u, error: errorJson(u.error) }));
    const doc = { ...found, unchecked };
    output.document(failure ? { ...doc, error: errorJson(failure) } : doc);
    return failure ? exitCodeFor(failure) : ExitCode.ok;
  }
  if (found.hanging.length > 0) {
    output.table(
      [
        "Topic",
        "Partition",
        "Producer id",
        "Epoch",
        "First offset",
        "LSO",
        "HW",
        "Reason",
        "Transactional id",
        "Coordinator",
        "Open for",
      ],
      found.hanging.map((h) => [
        h.topic,
        h.partition,
        h.producerId,
        h.producerEpoch,
        h.firstOffset,
        h.lastStableOffset,
        h.highWatermark,
        h.reason,
        h.transactionalId,
        h.coordinatorId,
        h.startMs === null ? null : durationText(nowMs - h.startMs),
      ]),
    );
  }
  output.line(
    `Checked ${found.checkedPartitions} partitions: ${found.openTransactions} open transactions, ${found.hanging.length} hanging.`,
  );
  for (const u of found.unchecked)
    output.note(`warning: could not check ${u.topic}:${u.partition}: ${u.error.message}`);
  return failure ? exitCodeFor(failure) : ExitCode.ok;
}

function registerAbort(transactions: Transactions, session: Session): void {
  transactions
    .command("abort")
    .description(
      "Abort a transaction at its coordinator, as its timeout would (abort markers go to its partitions and its producer is fenced); or, with --topic/--partition/--producer-id/--producer-epoch, a hanging transaction on one partition.",
    )
    .argument("[id]", "transactional id", parseTransactionalId)
    .option(
      "--topic <topic>",
      "a hanging transaction's topic (with --partition, --producer-id, --producer-epoch)",
      parseTopicName,
    )
    .option("--partition <n>", "its partition", (v) => parseNonNegativeInt(v, 2 ** 31 - 1))
    .option("--producer-id <id>", "its producer id, as find-hanging shows it", (v) => parseNonNegativeInt(v))
    .option("--producer-epoch <n>", "its producer epoch, as find-hanging shows it", (v) =>
      parseNonNegativeInt(v, 32_767),
    )
    .addHelpText(
      "after",
      `
By transactional id: only an Ongoing transaction can be aborted (INVALID_TXN_STATE
otherwise, exit 1). Its records are never shown to read_committed consumers; the
producer's next call (send, commit) is refused with PRODUCER_FENCED or
INVALID_PRODUCER_EPOCH, and an application must start a new producer (initTransactions)
to go on.

By partition (Kafka's abort --topic --partition --producer-id --producer-epoch): for a
transaction that find-hanging reports unknown-to-coordinator, which would otherwise hold
the partition's last stable offset back for good. The partition's leader writes an ABORT
marker for that producer there. Do not use it on a transaction its coordinator knows: it
could end committed on other partitions and aborted on this one.

Asks for no confirmation.
${examples(
  "tidelog transactions abort payments-1",
  "tidelog transactions abort payments-1 --json",
  "tidelog transactions abort --topic orders --partition 3 --producer-id 4007 --producer-epoch 2",
)}`,
    )
    .action(async (id, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const admin = session.admin();
      const { topic, partition, producerId, producerEpoch } = options;
      const byPartition = [topic, partition, producerId, producerEpoch].filter((v) => v !== undefined).length;
      if (id !== undefined && byPartition > 0) {
        throw new InvalidArgumentError(
          "give a transactional id, or --topic/--partition/--producer-id/--producer-epoch, not both",
        );
      }
      if (id === undefined) {
        if (topic === undefined || partition === undefined || producerId === undefined || producerEpoch === undefined) {
          throw new UsageError(
            "give a transactional id, or all of --topic, --partition, --producer-id and --producer-epoch",
          );
        }
        const markerOffset = await admin.abortPartitionTransaction({ topic, partition, producerId, producerEpoch });
        if (output.json)
          return output.document({ topic, partition, producerId, producerEpoch, aborted: true, markerOffset });
        output.line(
          `Aborted the open transaction of producer ${producerId} (epoch ${producerEpoch}) on ${topic}:${partition}: ABORT marker at offset ${markerOffset}.`,
        );
        return;
      }
      const before = await admin.describeTransaction(id);
      await admin.abortTransaction(id);
      if (output.json) {
        return output.document({
          transactionalId: id,
          aborted: true,
          producerId: before.producerId,
          producerEpoch: before.producerEpoch,
          partitions: before.partitions,
        });
      }
      output.line(
        `Aborted transaction ${id} (producer id ${before.producerId}, epoch ${before.producerEpoch}, on ${partitionsText(before.partitions)}); the producer is fenced.`,
      );
    });
}
