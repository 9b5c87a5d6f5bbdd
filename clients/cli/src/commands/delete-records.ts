/**
 * `tidelog topics delete-records`: Kafka's DeleteRecords (kafka-delete-records.sh). Moves
 * partitions' log start offset up, so the records below it are gone for every reader; the
 * disk space comes back as whole segments fall below it. Irreversible, so it needs an
 * explicit `--before`.
 */
import type { DeletedRecords } from "@tidelog/client";
import { collectPartition, parseNonNegativeInt, parseTopicName } from "../args.js";
import { ExitCode, exitCodeFor, UsageError } from "../exit-codes.js";
import { examples } from "../help.js";
import { errorJson, type Output } from "../output.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";

type Topics = ReturnType<Program["command"]>;

function parseBefore(value: string): number | "end" {
  if (value === "end") return "end";
  try {
    return parseNonNegativeInt(value);
  } catch {
    throw new UsageError(`--before takes an offset (a whole number >= 0) or "end", not '${value}'`);
  }
}

export function registerDeleteRecords(topics: Topics, session: Session): void {
  topics
    .command("delete-records")
    .description(
      "Delete a topic's records below an offset, in every partition or the ones named (Kafka's DeleteRecords). Irreversible.",
    )
    .argument("<name>", "topic name", parseTopicName)
    .requiredOption(
      "--before <offset|end>",
      'delete every record below this offset; "end" deletes everything committed (up to the high watermark)',
      parseBefore,
    )
    .option("--partition <n>", "only this partition (repeatable; default: every partition)", collectPartition)
    .addHelpText(
      "after",
      `
Each partition's log start offset moves to --before; consumers positioned below it
start over at the new start (per their offset reset policy). An offset past a
partition's high watermark is refused for that partition (OFFSET_OUT_OF_RANGE): only
committed records can be deleted. \`tidelog offsets <topic>\` shows where each
partition starts and ends.
${examples(
  "tidelog topics delete-records orders --before 1000 --partition 0",
  "tidelog topics delete-records orders --before end",
  "tidelog topics delete-records orders --before end --json",
)}`,
    )
    .action(async (name, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const results = await session.admin().deleteRecords(name, options.before, options.partition);
      session.exitCode = printDeleted(output, name, results);
    });
}

function printDeleted(output: Output, topic: string, results: readonly DeletedRecords[]): ExitCode {
  const failure = results.find((r) => r.error)?.error ?? null;
  const sorted = [...results].sort((a, b) => a.partition - b.partition);
  if (output.json) {
    const partitions = sorted.map((r) => ({
      partition: r.partition,
      logStartOffset: r.logStartOffset,
      error: errorJson(r.error),
    }));
    output.document(failure ? { topic, partitions, error: errorJson(failure) } : { topic, partitions });
  } else {
    output.table(
      ["Partition", "Log start offset", "Result"],
      sorted.map((r) => [r.partition, r.logStartOffset, r.error === null ? "deleted below" : r.error.message]),
    );
  }
  return failure ? exitCodeFor(failure) : ExitCode.ok;
}
