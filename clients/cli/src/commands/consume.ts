/**
 * `tidelog consume <topic>`: prints records of a topic's partitions (all by default),
 * like kcat -C. Starts at the end unless told otherwise (--from-beginning, --offset,
 * --from-time); follows the topic until --count records were printed, nothing arrived
 * for --idle-timeout, or it is interrupted (Ctrl-C, or stdout closed: `| head`).
 *
 * Text: the value per line (--print-key puts the key and a separator first). JSON: one
 * object per line with topic, partition, offset (a string, as int64 values are in
 * tidelog's JSON), timestamp, key, value and headers; key, value and header values are
 * UTF-8 text, or base64 with `keyEncoding` / `valueEncoding` / `encoding` set to "base64"
 * when the bytes are not valid UTF-8.
 *
 * Output is written a batch at a time and waits for a slow reader (bounded by the
 * consumer's prefetch).
 */
import { isUtf8 } from "node:buffer";
import { Option } from "@commander-js/extra-typings";
import {
  type Consumer,
  type ConsumerRecord,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type IsolationLevel,
  type OffsetSpec,
  TidelogError,
  type TopicPartition,
} from "@tidelog/client";
import { parseNonNegativeInt, parsePositiveInt, parseSeparator, parseTime, parseTopicName } from "../args.js";
import { UsageError } from "../exit-codes.js";
import { examples } from "../help.js";
import { writeOut } from "../io.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";
import { parseGroupId } from "./groups.js";

type Format = "text" | "json";

interface ConsumeOptions {
  readonly fromBeginning?: true;
  readonly offset?: number;
  readonly fromTime?: number;
  readonly partition?: number[];
  readonly count?: number;
  readonly idleTimeout?: number;
  readonly format?: Format;
  readonly printKey?: true;
  readonly keySeparator?: string;
  readonly group?: string;
  readonly isolation?: IsolationLevel;
}

function collectPartition(value: string, previous: number[] | undefined): number[] {
  return [...(previous ?? []), parseNonNegativeInt(value, 2 ** 31 - 1)];
}

export function registerConsumeCommand(program: Program, session: Session): void {
  program
    .command("consume")
    .description("Print records of a topic, following it as records arrive.")
    .argument("<topic>", "topic name", parseTopicName)
    .option("--from-beginning", "start at the earliest offset of each partition")
    .option("--offset <n>", "start at this offset in each partition", (v) => parseNonNegativeInt(v))
    .option("--from-time <time>", "start at the first record at or after this time (ISO 8601 or ms)", parseTime)
    .option("--partition <n>", "read this partition (repeatable; default: every partition)", collectPartition)
    .option("--count <n>", "stop after printing n records", (v) => parsePositiveInt(v, Number.MAX_SAFE_INTEGER))
    .option("--idle-timeout <ms>", "stop when nothing arrives for this long (default: follow)", (v) =>
      parsePositiveInt(v),
    )
    .addOption(
      new Option("--format <format>", "text (the value per line) or json (one object per line)").choices([
        "text",
        "json",
      ] as const),
    )
    .option("--print-key", "text format: print the key and the separator before each value")
    .option("--key-separator <s>", "with --print-key (default: a tab)", parseSeparator)
    .option(
      "--group <id>",
      "read as a member of this consumer group: share partitions, resume from its commits",
      parseGroupId,
    )
    .addOption(
      new Option(
        "--isolation <level>",
        "read_committed (skip aborted records, stop at the last stable offset) or read_uncommitted (every record)",
      )
        .choices(["read_committed", "read_uncommitted"] as const)
        .default("read_committed" as const),
    )
    .addHelpText(
      "after",
      `
Starts at the end of each partition (only new records) unless --from-beginning, --offset
or --from-time says otherwise; --offset past the end of a partition is an error.
--json (global) is the same as --format json. A summary goes to stderr when it stops.

With --group the partitions are shared with the group's other members and reading
resumes at the group's committed offsets (where nothing is committed: the end, or the
beginning with --from-beginning). What was printed is committed when it stops.
--offset, --from-time and --partition do not combine with --group.

--isolation read_committed (the default) skips the records of aborted transactions
and waits at a partition's last stable offset while a transaction there is open;
read_uncommitted prints every record up to the high watermark, aborted ones included.

JSON lines look like:
  {"topic":"orders","partition":0,"offset":"17","timestamp":1714560000000,"key":"alice",
   "value":"hello","headers":[{"key":"source","value":"web"}]}
${examples(
  "tidelog consume orders --from-beginning --count 10",
  "tidelog consume orders --partition 0 --offset 1000 --format json | jq .value",
  "tidelog consume orders --from-time 2024-05-01T12:00:00Z --idle-timeout 2000 --print-key",
  "tidelog consume orders --from-beginning --idle-timeout 1000 > dump.txt",
  "tidelog consume orders --group billing --from-beginning --idle-timeout 5000",
  "tidelog consume orders --from-beginning --isolation read_uncommitted --idle-timeout 2000",
)}`,
    )
    .action(async (topic, options, command) => {
      const globals = command.optsWithGlobals();
      const output = session.begin(globals);
      session.jsonLines = true;
      const start = startOf(options);
      const requestTimeoutMs = session.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      let consumer: Consumer;
      if (options.group !== undefined) {
        consumer = session.sdk().consumer({
          groupId: options.group,
          autoOffsetReset: options.fromBeginning ? "earliest" : "latest",
          isolationLevel: options.isolation,
          requestTimeoutMs,
        });
        consumer.subscribe([topic]);
      } else {
        consumer = session.sdk().consumer({
          autoOffsetReset: options.offset !== undefined ? "none" : "latest",
          isolationLevel: options.isolation,
          requestTimeoutMs,
        });
        const assigned = await partitionsToRead(consumer, topic, options.partition);
        consumer.assign(assigned);
        for (const tp of assigned) consumer.seek(tp, start);
      }
      const format = options.format ?? (output.json ? "json" : "text");
      const printed = await printRecords(session, consumer, options, format);
      output.note(`Consumed ${printed} records from ${topic}.`);
    });
}

function startOf(options: ConsumeOptions): OffsetSpec {
  const given = [options.fromBeginning, options.offset, options.fromTime].filter((v) => v !== undefined);
  if (given.length > 1) throw new UsageError("give at most one of --from-beginning, --offset and --from-time");
  if (options.group !== undefined && (options.offset !== undefined || options.fromTime !== undefined)) {
    throw new UsageError("--group starts at the group's committed offsets: --offset and --from-time do not apply");
  }
  if (options.group !== undefined && options.partition !== undefined) {
    throw new UsageError("--group lets the group assign partitions: --partition does not apply");
  }
  if (options.fromBeginning) return "earliest";
  if (options.offset !== undefined) return options.offset;
  if (options.fromTime !== undefined) return { timestamp: options.fromTime };
  return "latest";
}

async function partitionsToRead(
  consumer: Consumer,
  topic: string,
  wanted: readonly number[] | undefined,
): Promise<TopicPartition[]> {
  const partitions = await consumer.partitionsFor(topic);
  if (wanted === undefined) return partitions.map((p) => ({ topic, partition: p.partition }));
  const unique = [...new Set(wanted)];
  for (const p of unique) {
    if (p >= partitions.length) {
      throw new TidelogError(
        "UNKNOWN_TOPIC_OR_PARTITION",
        `topic ${topic} has ${partitions.length} partitions; there is no partition ${p}`,
      );
    }
  }
  return unique.map((partition) => ({ topic, partition }));
}

/** Prints until the count, the idle timeout or an interruption; returns how many records were printed. */
async function printRecords(
  session: Session,
  consumer: Consumer,
  options: ConsumeOptions,
  format: Format,
): Promise<number> {
  const limit = options.count ?? Number.POSITIVE_INFINITY;
  const separator = options.keySeparator ?? "\t";
  const line = format === "json" ? jsonLine : (r: ConsumerRecord) => textLine(r, options.printKey === true, separator);
  let idle: NodeJS.Timeout | null = null;
  const armIdle = () => {
    if (options.idleTimeout === undefined) return;
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => consumer.stop(), options.idleTimeout);
  };
  const uninstall = session.io.onInterrupt?.(() => consumer.stop());
  let printed = 0;
  // The next offset after the last record printed, per partition: what a group commits.
  // (With --count a batch may be cut short, so the consumer's own notion of processed
  // records would be wrong for its last batch.)
  const positions = new Map<string, { topic: string; partition: number; offset: number }>();
  try {
    armIdle();
    for await (const batch of consumer.batches()) {
      let text = "";
      let last = -1;
      for (const record of batch.records) {
        text += line(record);
        last = record.offset;
        if (++printed >= limit) break;
      }
      await writeOut(session.io.stdout, text);
      if (last >= 0) {
        positions.set(`${batch.topic}:${batch.partition}`, {
          topic: batch.topic,
          partition: batch.partition,
          offset: last + 1,
        });
      }
      if (printed >= limit) break;
      armIdle();
    }
    if (options.group !== undefined && positions.size > 0) await consumer.commit([...positions.values()]);
  } finally {
    if (idle) clearTimeout(idle);
    uninstall?.();
    await consumer.close();
  }
  return printed;
}

function textLine(r: ConsumerRecord, printKey: boolean, separator: string): string {
  const value = r.value?.toString("utf8") ?? "";
  return printKey ? `${r.key?.toString("utf8") ?? ""}${separator}${value}\n` : `${value}\n`;
}

/** UTF-8 text when the bytes are valid UTF-8, else base64 (flagged by the caller). */
function bytesField(b: Buffer | null): { text: string | null; base64: boolean } {
  if (b === null) return { text: null, base64: false };
  if (isUtf8(b)) return { text: b.toString("utf8"), base64: false };
  return { text: b.toString("base64"), base64: true };
}

function jsonLine(r: ConsumerRecord): string {
  const key = bytesField(r.key);
  const value = bytesField(r.value);
  const headers = r.headers.map((h) => {
    const v = bytesField(h.value);
    return v.base64 ? { key: h.key, value: v.text, encoding: "base64" } : { key: h.key, value: v.text };
  });
  const doc = {
    topic: r.topic,
    partition: r.partition,
    offset: String(r.offset),
    timestamp: r.timestamp,
    key: key.text,
    ...(key.base64 ? { keyEncoding: "base64" } : {}),
    value: value.text,
    ...(value.base64 ? { valueEncoding: "base64" } : {}),
    headers,
  };
  return `${JSON.stringify(doc)}\n`;
}
