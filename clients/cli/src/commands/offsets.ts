/**
 * `tidelog offsets <topic>`: each partition's offsets, from its leader, like `kcat -Q`
 * and kafka-get-offsets: the log start offset, the high watermark and the last stable
 * offset; or, with --time, the first offset at or after a time (where a consumer that
 * seeks to it starts).
 */
import { type PartitionOffsetAtTime, type PartitionOffsets, TidelogError } from "@tidelog/client";
import { collectPartition, parseTime, parseTopicName } from "../args.js";
import { ExitCode, exitCodeFor } from "../exit-codes.js";
import { examples } from "../help.js";
import { errorJson, type Output } from "../output.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";

export function registerOffsetsCommand(program: Program, session: Session): void {
  program
    .command("offsets")
    .description(
      "Show each partition's log start offset, high watermark and last stable offset, or the offset at a time.",
    )
    .argument("<topic>", "topic name", parseTopicName)
    .option("--time <time>", "the first offset at or after this time (ISO 8601 or ms since the epoch)", parseTime)
    .option("--partition <n>", "only this partition (repeatable; default: every partition)", collectPartition)
    .addHelpText(
      "after",
      `
Log start is the oldest offset still held (retention moves it up); HW, the high
watermark, the offset the next record gets once replicated (read_uncommitted consumers
read up to it, and HW minus log start is about how many records the partition holds);
LSO, the last stable offset, where read_committed consumers stop (below HW while a
transaction is open).

With --time, each partition's first offset whose record is at or after the time; "-"
when no record is (a consumer seeking there starts at the end). Consume from it with
tidelog consume <topic> --from-time <time>.
${examples(
  "tidelog offsets orders",
  "tidelog offsets orders --partition 0 --json",
  "tidelog offsets orders --time 2024-05-01T12:00:00Z",
)}`,
    )
    .action(async (topic, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      session.hintMissingTopic(topic);
      const admin = session.admin();
      const wanted = options.partition === undefined ? null : new Set(options.partition);
      const only = <T extends { readonly partition: number }>(all: readonly T[]): T[] => {
        const shown = all.filter((p) => wanted === null || wanted.has(p.partition));
        for (const p of wanted ?? []) {
          if (p >= all.length) {
            throw new TidelogError(
              "UNKNOWN_TOPIC_OR_PARTITION",
              `topic ${topic} has ${all.length} partitions; there is no partition ${p}`,
            );
          }
        }
        return shown;
      };
      if (options.time === undefined) {
        session.exitCode = printOffsets(output, topic, only(await admin.fetchTopicOffsets(topic)));
      } else {
        const found = only(await admin.fetchTopicOffsetsByTimestamp(topic, options.time));
        session.exitCode = printOffsetsAtTime(output, topic, options.time, found);
      }
    });
}

function failureOf(partitions: readonly { readonly error: TidelogError | null }[]): TidelogError | null {
  return partitions.find((p) => p.error)?.error ?? null;
}

function printOffsets(output: Output, topic: string, partitions: readonly PartitionOffsets[]): ExitCode {
  const failure = failureOf(partitions);
  if (output.json) {
    const rows = partitions.map((p) => ({ ...p, error: errorJson(p.error) }));
    output.document(failure ? { topic, partitions: rows, error: errorJson(failure) } : { topic, partitions: rows });
  } else {
    output.table(
      ["Partition", "Log start", "HW", "LSO"],
      partitions.map((p) => [p.partition, p.earliest, p.latest, p.lastStable]),
    );
    for (const p of partitions) if (p.error) output.note(`partition ${p.partition}: error: ${p.error.message}`);
  }
  return failure ? exitCodeFor(failure) : ExitCode.ok;
}

function printOffsetsAtTime(
  output: Output,
  topic: string,
  timeMs: number,
  partitions: readonly PartitionOffsetAtTime[],
): ExitCode {
  const failure = failureOf(partitions);
  if (output.json) {
    const rows = partitions.map((p) => ({ ...p, error: errorJson(p.error) }));
    const doc = { topic, timestamp: timeMs, partitions: rows };
    output.document(failure ? { ...doc, error: errorJson(failure) } : doc);
  } else {
    output.line(`First offsets at or after ${new Date(timeMs).toISOString()} (${timeMs} ms):`);
    output.table(
      ["Partition", "Offset"],
      partitions.map((p) => [p.partition, p.offset]),
    );
    for (const p of partitions) if (p.error) output.note(`partition ${p.partition}: error: ${p.error.message}`);
  }
  return failure ? exitCodeFor(failure) : ExitCode.ok;
}
